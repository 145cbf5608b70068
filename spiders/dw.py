"""Deutsche Welle, German edition: articles from its RSS feed and news sitemap."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider


class DWSpider(NewsSpider):
    name = "dw"
    allowed_domains = ["dw.com"]
    default_base_url = "https://www.dw.com"
    feed_urls = [
        "https://rss.dw.com/xml/rss-de-all",
    ]
    sitemap_urls = [
        "https://www.dw.com/de/news-sitemap.xml",
    ]
    article_url_re = r"dw\.com/de/[^?#]+/a-\d+"
    timezone = "Europe/Berlin"
    language = "de"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # Layout before mid-2023: no JSON-LD; title, date and author in the page itself.
        "headline": [
            # Since mid-2023 (styled-components, hashed "sc-..." classes): the first <h1> of the stable
            # "content-area" block; teaser zones below the story have <h1>s of their own ("Top-Thema").
            '(//*[contains(concat(" ", normalize-space(@class), " "), " content-area ")]//h1)[1]',
            "#bodyContent .col3 h1",
        ],
        # <ul class="smallList"><li><strong>Datum</strong> 28.04.2023 </li>
        #  <li><strong>Autorin/Autor</strong> Roman Goncharenko </li>
        "date_published": ['//ul[@class="smallList"]/li[strong[contains(., "Datum")]]/text()'],
        "authors": ['//ul[@class="smallList"]/li[strong[contains(., "Auto")]]/text()'],
        "article_body": [
            # Since mid-2023: teaser in the article header, then the rich-text story (video embeds,
            # figures and ad slots are <div>/<figure>/<span> children and stay out).
            # Lists, quotes and tables of the story too (crawler/extract/body_rules.py).
            "//header/p[contains(concat(' ', normalize-space(@class), ' '), ' teaser-text ')] | "
            + story_children(".rich-text"),
            "//header/p | " + story_children(".rich-text"),
            "//p[contains(concat(' ', normalize-space(@class), ' '), ' intro ')] | " + story_children(".longText"),
        ],
    }
