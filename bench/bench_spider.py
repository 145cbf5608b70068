"""Bench spider: listing pages on a local site, each holding many full articles (``<article>`` blocks)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response

from crawler.items import Article


class BenchArticlesSpider(Spider):
    """Arguments: ``base_url``, ``pages``. Page ``/p<i>.html`` holds articles with id, headline, date, body."""

    name = "bench_articles"

    async def start(self) -> AsyncIterator[Any]:
        for i in range(int(self.pages)):
            yield Request(f"{self.base_url}/p{i}.html")

    def parse(self, response: Response) -> Iterator[Article]:
        for art in response.css("article"):
            yield Article(
                url=response.urljoin(art.attrib["data-url"]),
                headline=art.css("h2::text").get(),
                article_body="\n\n".join(art.css("p::text").getall()),
                date_published=art.css("time::attr(datetime)").get(),
                authors=art.css(".by::text").getall(),
                section=art.attrib.get("data-section"),
                spider=self.name,
            )
