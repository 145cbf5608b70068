"""Frankfurter Allgemeine (faz.net): articles from its RSS feed and news sitemap."""

from crawler.news_spider import NewsSpider


class FAZSpider(NewsSpider):
    name = "faz"
    allowed_domains = ['faz.net']
    default_base_url = "https://www.faz.net"
    feed_urls = [
        'https://www.faz.net/rss/aktuell/',
    ]
    sitemap_urls = [
        'https://www.faz.net/sitemaps/news.xml',
    ]
    article_url_re = r"faz\.net/[\w/-]+-\d{8,9}\.html"
    timezone = "Europe/Berlin"
    language = "de"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            '.header-teaser, .body-elements__paragraph, .body-elements > h3',
            '.PulldownVersandTeaser p, .atc-Intro > p, .atc-Text > p, .atc-Text > h3',
        ],
    }
