"""A tiny news site on 127.0.0.1 (see tests/export/test_export.py ``make_site``): an index linking N article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response

from crawler.items import Article


class LocalNewsSpider(Spider):
    """Arguments: ``base_url`` (the test site). Every page linked from /index.html is one article."""

    name = "export_local_news"

    async def start(self) -> AsyncIterator[Any]:
        yield Request(self.base_url.rstrip("/") + "/index.html", dont_filter=True)

    def parse(self, response: Response) -> Iterator[Request]:
        for href in response.css("a.story::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[Article]:
        yield Article(
            url=response.url,
            headline=response.css("h1::text").get(),
            article_body="\n\n".join(response.css("article p::text").getall()),
            date_published=response.css("time::attr(datetime)").get(),
            section=response.css("article::attr(data-section)").get(),
            spider=self.name,
        )
