"""The Nation: articles from its news sitemap, sitemap index and RSS feed."""

from crawler.news_spider import NewsSpider


class TheNationSpider(NewsSpider):
    name = "thenation"
    allowed_domains = ['thenation.com']
    default_base_url = "https://www.thenation.com"
    feed_urls = [
        'https://www.thenation.com/feed/?post_type=article',
    ]
    sitemap_urls = [
        'https://www.thenation.com/news-sitemap.xml',
    ]
    article_url_re = r"thenation\.com/article/[\w-]+/[\w-]+/?$"
    timezone = "America/New_York"
    language = "en"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            '.article-title__dek > p, article.blocks-wrapper > p',
            'h2.subtitle, .article-body-inner > p',
        ],
    }
