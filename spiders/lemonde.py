"""Le Monde: articles from its RSS feeds and news sitemap."""

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

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            # Lead (or the live blog's summary), paragraphs and sub-titles. "Lire aussi :" boxes are
            # <section class="catcher">, and the paywall note "Il vous reste 57.09% de cet article à lire"
            # is a class-less <p>: both stay out.
            ".article__desc, #js-summary-live, .article__content > .article__paragraph,"
            " .article__content > .article__sub-title",
        ],
    }
