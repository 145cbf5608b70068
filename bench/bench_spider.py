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


class NullFeedSpider(Spider):
    """The floor of a live crawl: fetches what the Trend spider fetches from a feed (the feed, then every
    ``<link>`` in it) and does nothing with the pages. Arguments: ``base_url``."""

    name = "bench_null"

    async def start(self) -> AsyncIterator[Any]:
        yield Request(f"{self.base_url}/feeds/index.rss", callback=self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        for link in response.xpath("//item/link/text()").getall():
            path = link.split("://", 1)[-1].split("/", 1)[-1].split("?")[0]
            yield Request(f"{self.base_url}/{path}", callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        return iter(())
