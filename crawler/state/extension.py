"""The crawl's seen-store as a Scrapy extension: one store per crawl, found by the components that share it.

SQLite in ``STATE_DIR`` (:class:`crawler.state.store.SeenStore`) by default; with ``CLUSTER_URL`` the Redis
store every cluster worker shares (:class:`crawler.cluster.seen_store.RedisSeenStore`).
"""

from __future__ import annotations

import weakref

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.state.store import SeenStore, StateConfig


class SeenStoreExtension:
    """Owns a crawl's seen-store: opened on first use, shared by the incremental middlewares, the revisions
    pipeline and health (they find it with ``crawler.get_extension``), closed when the engine stops."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._store: SeenStore | None = None
        # engine_stopped comes after every spider_closed handler (health reads the store there).
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenStoreExtension:
        return cls(crawler)

    @property
    def store(self) -> SeenStore:
        if self._store is None:
            assert self.crawler.spidercls is not None
            settings = self.crawler.settings
            if settings.get("CLUSTER_URL") and settings.getbool("CLUSTER_STATE", True):
                from crawler.cluster.seen_store import RedisSeenStore  # shared by the cluster's workers

                self._store = RedisSeenStore.for_crawler(self.crawler)
            else:
                config = StateConfig.from_settings(settings)
                self._store = SeenStore.for_spider(config.directory, self.crawler.spidercls.name)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


_STANDALONE: weakref.WeakKeyDictionary[Crawler, SeenStoreExtension] = weakref.WeakKeyDictionary()


def store_for(crawler: Crawler) -> SeenStore:
    """The crawler's seen-store, from its :class:`SeenStoreExtension` (enabled by the add-on).

    A crawler whose extensions were never built (a component made by hand, as in unit tests) gets one
    extension of its own, so its components still share one store.
    """
    try:
        ext = crawler.get_extension(SeenStoreExtension)
    except RuntimeError:  # the extension manager is not built yet
        ext = None
    if ext is None:
        ext = _STANDALONE.get(crawler)
        if ext is None:
            ext = _STANDALONE[crawler] = SeenStoreExtension(crawler)
    return ext.store
