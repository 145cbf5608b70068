"""The Independent (UK): articles listed in its Google News sitemap and RSS feeds."""

from crawler.news_spider import NewsSpider


class TheIndependentSpider(NewsSpider):
    name = "theindependent"
    allowed_domains = ['independent.co.uk']
    default_base_url = "https://www.independent.co.uk"
    feed_urls = [
        'https://www.independent.co.uk/news/rss',
        'https://www.independent.co.uk/rss',
    ]
    sitemap_urls = [
        'https://www.independent.co.uk/sitemaps/googlenews',
    ]
    article_url_re = r"-b\d{6,}\.html$"
    timezone = "Europe/London"
    language = "en"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            '#main > p, #main > h2',
        ],
    }
