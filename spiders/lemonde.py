"""Le Monde: articles from its RSS feeds and news sitemap."""

from crawler.extract.body_rules import has_class, story_children
from crawler.news_spider import NewsSpider


class LeMondeSpider(NewsSpider):
    name = "lemonde"
    allowed_domains = ["lemonde.fr"]
    default_base_url = "https://www.lemonde.fr"
    feed_urls = [
        "https://www.lemonde.fr/rss/une.xml",
        "https://www.lemonde.fr/rss/en_continu.xml",
    ]
    sitemap_urls = [
        "https://www.lemonde.fr/sitemap_news.xml",
    ]
    article_url_re = r"lemonde\.fr/[\w/-]+/article/\d{4}/\d{2}/\d{2}/[\w-]+_\d+_\d+\.html"
    timezone = "Europe/Paris"
    language = "fr"
    boilerplate_rules = NewsSpider.boilerplate_rules.extend(
        # The paywall note, a bold-only <p> like a head: "Il vous reste 57.09% de cet article à lire.
        # La suite est réservée aux abonnés."
        lemonde_paywall=r"^il vous reste [\d.,]+\s?% de cet article à lire\b.{0,120}$",
    )

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # Lead (or the live blog's summary), paragraphs and sub-titles. "Lire aussi :" boxes are
            # <section class="catcher">, and the paywall note "Il vous reste 57.09% de cet article à lire"
            # is a bold-only class-less <p> (dropped by its text, as bold-only heads are kept).
            # Lists, quotes, tables and other heads of the story too (crawler/extract/body_rules.py).
            "//*["
            + has_class("article__desc")
            + "] | //*[@id='js-summary-live'] | "
            + story_children(
                ".article__content",
                has_class("article__paragraph"),
                bold_heads=True,
                extra="self::*[" + has_class("article__sub-title") + "]",
            ),
        ],
    }
