"""A minimal site spider for the re-parse tests (enabled with ``SPIDER_MODULES=tests.reparse_spiders``)."""

from __future__ import annotations

from crawler.news_spider import NewsSpider


class ExampleNewsSpider(NewsSpider):
    """Pages of news.example: headline in <h1>, story in <div class="story"> paragraphs."""

    name = "example_news"
    allowed_domains = ["news.example"]
    default_base_url = "https://news.example"
    feed_urls = ["https://news.example/feed.rss"]
    article_url_re = r"/story/"
    selectors = {
        "headline": ["h1::text"],
        "article_body": ["div.story > p"],
        "date_published": ["time::attr(datetime)"],
    }


class OtherNewsSpider(NewsSpider):
    """A second site, so that host dispatch has a choice: other.example."""

    name = "other_news"
    allowed_domains = ["other.example"]
    selectors = {"headline": ["h1::text"], "article_body": ["article p"]}
