"""A minimal site spider for the re-parse tests (enabled with ``SPIDER_MODULES=tests.support.spiders.example_news``)."""

from __future__ import annotations

from typing import ClassVar

from crawler.news_spider import NewsSpider


class ExampleNewsSpider(NewsSpider):
    """Pages of news.example: headline in <h1>, story in <div class="story"> paragraphs."""

    name = "example_news"
    allowed_domains: ClassVar[list[str]] = ["news.example"]
    default_base_url = "https://news.example"
    feed_urls: ClassVar[list[str]] = ["https://news.example/feed.rss"]
    article_url_re = r"/story/"
    selectors: ClassVar[dict[str, list[str]]] = {
        "headline": ["h1::text"],
        "article_body": ["div.story > p"],
        "date_published": ["time::attr(datetime)"],
    }


class OtherNewsSpider(NewsSpider):
    """A second site, so that host dispatch has a choice: other.example."""

    name = "other_news"
    allowed_domains: ClassVar[list[str]] = ["other.example"]
    selectors: ClassVar[dict[str, list[str]]] = {"headline": ["h1::text"], "article_body": ["article p"]}
