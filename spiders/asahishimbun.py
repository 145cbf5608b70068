"""Asahi Shimbun (asahi.com): articles from its headline RSS feed."""

from crawler.news_spider import NewsSpider


class AsahiShimbunSpider(NewsSpider):
    name = "asahishimbun"
    allowed_domains = ['asahi.com']
    default_base_url = "https://www.asahi.com"
    feed_urls = [
        'https://www.asahi.com/rss/asahi/newsheadlines.rdf',
    ]
    sitemap_urls = []
    article_url_re = r"asahi\.com/articles/[A-Z0-9]+\.html"
    timezone = "Asia/Tokyo"
    language = "ja"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            'main > div > p',
        ],
    }
