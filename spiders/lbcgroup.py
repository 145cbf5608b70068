"""LBCI (lbcgroup.tv), Arabic edition: articles from the sitemaps its robots.txt lists."""

from crawler.news_spider import NewsSpider


class LBCGroupSpider(NewsSpider):
    name = "lbcgroup"
    allowed_domains = ["lbcgroup.tv"]
    default_base_url = "https://www.lbcgroup.tv"
    feed_urls = []
    sitemap_urls = [
        "https://www.lbcgroup.tv/robots.txt",
    ]
    article_url_re = r"lbcgroup\.tv/news/[\w-]+/\d+/"
    timezone = "Asia/Beirut"
    language = "ar"

    # field -> rules, current layout first; JSON-LD / <meta> fill the fields these miss.
    selectors = {
        # The visible <h1> quotes its first words ("\"شعر وردي يُشعل السخرية\"… لغز ...");
        # og:title is the plain headline.
        "headline": ['meta[property="og:title"]::attr(content)'],
        # ASP.NET page: lead (ShortDesc, often empty) then the story (LongDesc, <div>/<br> paragraphs).
        "article_body": [".ShortDesc, .LongDesc"],
    }
