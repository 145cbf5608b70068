"""El País: articles from its RSS feed and the sitemaps its robots.txt lists."""

from crawler.extract.body_rules import story_children
from crawler.news_spider import NewsSpider


class ElPaisSpider(NewsSpider):
    name = "elpais"
    allowed_domains = ["elpais.com"]
    default_base_url = "https://elpais.com"
    feed_urls = [
        "https://feeds.elpais.com/mrss-s/pages/ep/site/elpais.com/portada",
    ]
    sitemap_urls = [
        "https://elpais.com/robots.txt",
    ]
    article_url_re = r"elpais\.com/[\w/-]+/\d{4}-\d{2}-\d{2}/[\w-]+\.html"
    timezone = "Europe/Madrid"
    language = "es"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # Sub-headline (h2 in the header), then the story: paragraphs, section titles (h3), lists,
            # quotes, tables (crawler/extract/body_rules.py); photo galleries and figures are <div>/<figure>s.
            "//header//*[contains(concat(' ', normalize-space(@class), ' '), ' a_st ')]"
            " | //*[contains(concat(' ', normalize-space(@class), ' '), ' a_e_txt ')]//h2 | " + story_children(".a_c"),
        ],
    }
