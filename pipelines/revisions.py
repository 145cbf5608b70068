"""Incremental export: an article already exported is exported again only when it changed, as a new revision.

Compares each article with the seen-store (:mod:`crawler.state.store`) by URL: new -> ``revision`` 1;
same story words and same ``date_modified`` -> dropped as ``unchanged``; otherwise -> exported
again with ``revision`` + 1. The store is updated only for articles every pipeline let through
(``item_scraped``), so an article a later pipeline drops is tried again next run.
A new URL whose story an earlier run exported from another URL is dropped as a ``duplicate body``
(de-duplication across runs; :mod:`pipelines.dedupe` handles one run).
Stats: ``news/incremental/new``, ``.../revised``, ``.../unchanged``, ``.../duplicate_body``.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.state.digests import body_hash
from crawler.state.extension import store_for
from crawler.state.store import SeenStore, StateConfig

logger = logging.getLogger(__name__)


class IncrementalPipeline:
    """Sets ``revision``; drops unchanged articles (``news/incremental/unchanged``); records exports."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        assert crawler.stats is not None
        self.stats = crawler.stats
        self._store: SeenStore | None = None
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalPipeline:
        if not StateConfig.from_settings(crawler.settings).enabled:
            raise NotConfigured("STATE_ENABLED is off")
        return cls(crawler)

    @property
    def store(self) -> SeenStore:
        if self._store is None:
            self._store = store_for(self.crawler)
        return self._store

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if not url:
            return item
        page = self.store.get(url)
        digest = body_hash(adapter.get("article_body") or "")
        modified = adapter.get("date_modified")
        if page is None or not page.revision:
            other = self.store.exported_body(digest, url) if adapter.get("article_body") else None
            if other:
                # The story an earlier run exported from another URL (a republished copy): settled as
                # revision 0 so the page is not fetched again until a feed lists it as changed.
                self.store.record_export(url, digest, modified, 0)
                self.stats.inc_value("news/incremental/duplicate_body")
                raise DropItem(f"duplicate body: {url} (exported from {other} in an earlier run)")
            revision = 1
            self.stats.inc_value("news/incremental/new")
        elif page.body_hash == digest and page.date_modified == modified:
            self.stats.inc_value("news/incremental/unchanged")
            raise DropItem(f"unchanged: {url}", log_level="DEBUG")
        else:
            revision = page.revision + 1
            self.stats.inc_value("news/incremental/revised")
            logger.info("Changed since revision %d, exporting revision %d: %s", page.revision, revision, url)
        if not self.store.claim_revision(url, revision):  # another cluster worker exports this revision
            self.stats.inc_value("news/incremental/claimed_elsewhere")
            raise DropItem(f"revision {revision} of {url} is exported by another worker")
        if "revision" in adapter.field_names():
            adapter["revision"] = revision
        return item

    def item_scraped(self, item: Any) -> None:
        adapter = ItemAdapter(item)
        url, revision = adapter.get("url"), adapter.get("revision")
        if url and revision:
            self.store.record_export(
                url, body_hash(adapter.get("article_body") or ""), adapter.get("date_modified"), int(revision)
            )
