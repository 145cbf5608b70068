"""Incremental crawling: article pages an earlier run exported are not fetched again unless they may have changed.

A downloader middleware in front of every article request (callback ``parse_article``):

- never exported before (new URL, or a page that produced no article last time, so a fixed
  parser or a repaired page gets its chance) -> fetched;
- exported (or settled as a copy of a story exported from another URL), and a feed or sitemap now lists it with a date newer than the one stored (meta
  ``news_listed_date``; a feed's ``pubDate``/``updated``, a sitemap's ``lastmod``) -> fetched again;
- exported, and older than ``STATE_REVISIT_AGE`` seconds (0 = never) -> fetched again;
- else skipped (``IgnoreRequest``).

A re-fetch carries ``If-None-Match`` / ``If-Modified-Since`` when the server gave an ETag /
Last-Modified; a ``304 Not Modified`` answer is counted and goes no further. Feeds, sitemaps and
listings are always fetched. Stats: ``news/incremental/...``. The request meta key
``news_incremental = False`` lets one request through untouched.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.state import SeenStore, StateConfig, store_for, to_timestamp

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


class IncrementalMiddleware:
    """Downloader middleware: skips known article pages, adds conditional headers, turns 304 into a counted skip."""

    def __init__(self, crawler: Crawler, config: StateConfig) -> None:
        self.crawler = crawler
        self.config = config
        assert crawler.stats is not None
        self.stats = crawler.stats
        self._store: SeenStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        config = StateConfig.from_settings(crawler.settings)
        if not config.enabled:
            raise NotConfigured("STATE_ENABLED is off")
        return cls(crawler, config)

    @property
    def store(self) -> SeenStore:
        if self._store is None:
            self._store = store_for(self.crawler)
        return self._store

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not is_article_request(request):
            return None
        page = self.store.get(request.url)
        if page is None or page.revision is None:
            if page is None:
                self.stats.inc_value("news/incremental/fetch/new")
            else:
                self.stats.inc_value("news/incremental/fetch/unexported")
                request.meta[META_RETRY] = True
            return None
        listed = to_timestamp(request.meta.get(META_LISTED_DATE))
        last_known = page.listed_at if page.listed_at is not None else page.exported_at
        if listed is not None and last_known is not None and listed > last_known:
            reason = "listed"
        elif self.config.revisit_age > 0 and time.time() - (page.fetched_at or 0) >= self.config.revisit_age:
            reason = "revisit"
        else:
            self.stats.inc_value("news/incremental/skipped/known")
            raise IgnoreRequest(f"already exported, unchanged in the listing: {request.url}")
        self.stats.inc_value(f"news/incremental/fetch/{reason}")
        if self.config.conditional and (page.etag or page.last_modified):
            if page.etag:
                request.headers.setdefault(b"If-None-Match", page.etag.encode("latin-1"))
            if page.last_modified:
                request.headers.setdefault(b"If-Modified-Since", page.last_modified.encode("latin-1"))
            request.meta[_META_CONDITIONAL] = True
            self.stats.inc_value("news/incremental/conditional")
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if not is_article_request(request):
            return response
        listed = to_timestamp(request.meta.get(META_LISTED_DATE))
        if response.status == 304 and request.meta.get(_META_CONDITIONAL):
            self.stats.inc_value("news/incremental/not_modified")
            self.store.record_fetch(request.url, listed_at=listed, keep_validators=True)
            raise IgnoreRequest(f"304 Not Modified: {request.url}")
        if 200 <= response.status < 300:
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            for url in {response.url, request.url, *request.meta.get("redirect_urls", [])}:
                self.store.record_fetch(
                    url,
                    etag=etag.decode("latin-1") if etag else None,
                    last_modified=modified.decode("latin-1") if modified else None,
                    listed_at=listed,
                )
            if request.meta.get(_META_CONDITIONAL):
                self.stats.inc_value("news/incremental/modified")
        return response
