"""Which spider parses a stored page: host -> site spider, calling its one article callback.

    dispatcher = SpiderDispatcher.from_crawler(crawler)          # every spider of the project
    for item in dispatcher.dispatch(response): ...               # Article(s), or nothing

The map is built from each spider's ``allowed_domains`` (a host matches a domain or any of its
subdomains; the longest domain wins). Pages of hosts no spider owns go to ``fallback`` (a callable
``response -> iterable``, e.g. a generic extractor) when one is set, else they are counted as
``news/reparse/no_spider`` and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spiderloader import get_spider_loader

logger = logging.getLogger(__name__)

Fallback = Callable[[Response], Iterable[Any]]


def host_of(url: str) -> str:
    """URL -> lower-case host without port ("" when there is none)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host


class SpiderDispatcher:
    """Routes a response to the spider owning its host (or to one forced spider, or to ``fallback``)."""

    def __init__(
        self,
        spiders: Iterable[Spider],
        *,
        forced: Spider | None = None,
        fallback: Fallback | None = None,
        stats: Any = None,
    ) -> None:
        self.spiders: dict[str, Spider] = {s.name: s for s in spiders}
        self.forced = forced
        self.fallback = fallback
        self.stats = stats
        self.domains: dict[str, Spider] = {}
        for spider in sorted(self.spiders.values(), key=lambda s: s.name):
            for domain in getattr(spider, "allowed_domains", None) or []:
                domain = host_of("//" + domain) if "/" not in domain else host_of(domain)
                if not domain:
                    continue
                owner = self.domains.setdefault(domain, spider)
                if owner is not spider:
                    logger.warning(
                        "Host %s is claimed by spiders %s and %s; using %s", domain, owner.name, spider.name, owner.name
                    )

    @classmethod
    def from_crawler(
        cls,
        crawler: Crawler,
        *,
        only: str | None = None,
        spider_kwargs: dict[str, Any] | None = None,
        fallback: Fallback | None = None,
    ) -> SpiderDispatcher:
        """Instantiate every project spider (or just ``only``) bound to ``crawler``; kwargs go to each."""
        loader = get_spider_loader(crawler.settings)
        names = [only] if only else sorted(loader.list())
        spiders = [loader.load(name).from_crawler(crawler, **(spider_kwargs or {})) for name in names]
        forced = spiders[0] if only else None
        return cls(spiders, forced=forced, fallback=fallback, stats=crawler.stats)

    def spider_for(self, url: str) -> Spider | None:
        """The spider for ``url``: the forced one, else the owner of the longest matching domain, else None."""
        if self.forced is not None:
            return self.forced
        host = host_of(url)
        while host:
            spider = self.domains.get(host)
            if spider is not None:
                return spider
            host = host.partition(".")[2]
        return None

    def dispatch(self, response: Response) -> Iterator[Any]:
        """Items (and whatever else the callback yields) for one stored response."""
        spider = self.spider_for(response.url)
        if spider is None:
            if self.fallback is not None:
                self._inc("news/reparse/fallback")
                yield from self.fallback(response)
                return
            self._inc("news/reparse/no_spider")
            logger.debug("No spider for %s", response.url)
            return
        self._inc(f"news/reparse/spider/{spider.name}")
        callback = getattr(spider, "parse_article", None) or spider.parse
        yield from callback(response) or ()

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
