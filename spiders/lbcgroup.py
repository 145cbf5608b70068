"""LBCI (lbcgroup.tv), Arabic edition: articles from the sitemaps its robots.txt lists."""

from crawler.news_spider import NewsSpider


class LBCGroupSpider(NewsSpider):
    name = "lbcgroup"
    allowed_domains = ['lbcgroup.tv']
    default_base_url = "https://www.lbcgroup.tv"
    feed_urls = []
    sitemap_urls = [
        'https://www.lbcgroup.tv/robots.txt',
    ]
    article_url_re = r"lbcgroup\.tv/news/[\w-]+/\d+/"
    timezone = "Asia/Beirut"
    language = "ar"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [],
    }
