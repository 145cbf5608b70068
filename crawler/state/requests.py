"""Incremental crawling: article pages an earlier run exported are not fetched again unless they may have changed.

Two middlewares share the seen-store (:mod:`crawler.state.store`).

:class:`IncrementalSpiderMiddleware` judges every article request (callback ``parse_article``) as
the spider yields it, before the scheduler's duplicate filter (so a listing's undated link to a
page cannot shadow the feed's dated link to it):

- never fetched -> fetched (``news/incremental/fetch/new``);
- fetched but never exported (no article, or dropped: a fixed parser or a repaired page gets
  its chance) -> fetched (``fetch/unexported``; meta ``news_incremental_retry``);
- exported (or settled as a copy of a story exported from another URL), and a feed or sitemap
  lists it with a date newer than any date seen for it before (meta ``news_listed_date``: a
  feed's ``pubDate``/``updated``, a sitemap's ``lastmod``) -> fetched again (``fetch/listed``);
- exported, last fetched ``STATE_REVISIT_AGE`` seconds ago or more (0 = never) -> ``fetch/revisit``;
- else dropped from the spider's output (``skipped/known``).

A re-fetch carries ``If-None-Match`` / ``If-Modified-Since`` when the server gave an ETag /
Last-Modified. :class:`IncrementalMiddleware` (downloader) records validators and fetch times and
turns a ``304 Not Modified`` into a counted skip (``not_modified``). Feeds, sitemaps and listings
are always fetched. The request meta key ``news_incremental = False`` exempts one request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.state.extension import store_for
from crawler.state.store import Page, SeenStore, StateConfig, to_timestamp

logger = logging.getLogger(__name__)

META_INCREMENTAL = "news_incremental"
"""Request meta key: False exempts the request from the seen-store."""
META_LISTED_DATE = "news_listed_date"
META_RETRY = "news_incremental_retry"
"""Request meta key set by the middleware: True when the page was fetched before without an article exported."""
_META_CONDITIONAL = "_news_conditional"
ARTICLE_CALLBACK = "parse_article"


def is_article_request(request: Request) -> bool:
    """True for requests whose callback is the spider's ``parse_article`` (feeds and listings are never skipped)."""
    if request.meta.get(META_INCREMENTAL) is False:
        return False
    return getattr(request.callback, "__name__", None) == ARTICLE_CALLBACK


def decide(page: Page | None, listed: float | None, revisit_age: float, now: float) -> str | None:
    """Store row, listed date (unix time), revisit age, now -> why to fetch (``new``, ``unexported``,
    ``listed``, ``revisit``) or None to skip."""
    if page is None or page.fetched_at is None:
        return "new"
    if page.revision is None:
        return "unexported"
    last_known = page.listed_at if page.listed_at is not None else page.exported_at
    if listed is not None and last_known is not None and listed > last_known:
        return "listed"
    if revisit_age > 0 and now - page.fetched_at >= revisit_age:
        return "revisit"
    return None


class _Base:
    def __init__(self, crawler: Crawler, config: StateConfig) -> None:
        self.crawler = crawler
        self.config = config
        assert crawler.stats is not None
        self.stats = crawler.stats
        self._store: SeenStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        config = StateConfig.from_settings(crawler.settings)
        if not config.enabled:
            raise NotConfigured("STATE_ENABLED is off")
        return cls(crawler, config)

    @property
    def store(self) -> SeenStore:
        if self._store is None:
            self._store = store_for(self.crawler)
        return self._store


class IncrementalSpiderMiddleware(_Base):
    """Spider middleware: drops article requests for known, unchanged pages; marks re-fetches conditional."""

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterator[Any]:
        for obj in result:
            if not isinstance(obj, Request) or self.admit(obj):
                yield obj

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        async for obj in result:
            if not isinstance(obj, Request) or self.admit(obj):
                yield obj

    def admit(self, request: Request) -> bool:
        """An article request -> True to fetch it (conditional headers added), False when known and unchanged."""
        if not is_article_request(request):
            return True
        page = self.store.get(request.url)
        listed = to_timestamp(request.meta.get(META_LISTED_DATE))
        reason = decide(page, listed, self.config.revisit_age, time.time())
        if listed is not None and (page is None or page.listed_at is None or listed > page.listed_at):
            self.store.record_listed(request.url, listed)
        if reason is None:
            self.stats.inc_value("news/incremental/skipped/known")
            logger.debug("Known and unchanged, not fetched: %s", request.url)
            return False
        self.stats.inc_value(f"news/incremental/fetch/{reason}")
        if reason == "unexported":
            request.meta[META_RETRY] = True
        if page is not None and reason in ("listed", "revisit") and self.config.conditional:
            if page.etag:
                request.headers.setdefault(b"If-None-Match", page.etag.encode("latin-1"))
            if page.last_modified:
                request.headers.setdefault(b"If-Modified-Since", page.last_modified.encode("latin-1"))
            if page.etag or page.last_modified:
                request.meta[_META_CONDITIONAL] = True
                self.stats.inc_value("news/incremental/conditional")
        return True


class IncrementalMiddleware(_Base):
    """Downloader middleware: records validators and fetch times of article pages; 304 -> counted, no further."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if not is_article_request(request):
            return response
        if response.status == 304 and request.meta.get(_META_CONDITIONAL):
            self.stats.inc_value("news/incremental/not_modified")
            self.store.record_fetch(request.url, keep_validators=True)
            raise IgnoreRequest(f"304 Not Modified: {request.url}")
        if 200 <= response.status < 300:
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            for url in {response.url, request.url, *request.meta.get("redirect_urls", [])}:
                self.store.record_fetch(
                    url,
                    etag=etag.decode("latin-1") if etag else None,
                    last_modified=modified.decode("latin-1") if modified else None,
                )
            if request.meta.get(_META_CONDITIONAL):
                self.stats.inc_value("news/incremental/modified")
        return response
