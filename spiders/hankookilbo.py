"""Hankook Ilbo: articles from the sitemaps its robots.txt lists."""

from crawler.news_spider import NewsSpider


class HankookIlboSpider(NewsSpider):
    name = "hankookilbo"
    allowed_domains = ['hankookilbo.com']
    default_base_url = "https://www.hankookilbo.com"
    feed_urls = []
    sitemap_urls = [
        'https://www.hankookilbo.com/robots.txt',
    ]
    article_url_re = r"hankookilbo\.com/(?:News/Read|news/article)/A\d+"
    timezone = "Asia/Seoul"
    language = "ko"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        "article_body": [
            '.col-main > .sub-tit-ll, .col-main > p.editor-p, .col-main > h3.editor-tit',
            '.article-view > p.editor-p, .article-view > h3.editor-tit',
        ],
    }
