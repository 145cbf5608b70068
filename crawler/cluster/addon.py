"""The cluster add-on: ``-s CLUSTER_URL=redis://host:port/db`` turns any run into a cluster worker.

Enabled in the project's ``ADDONS``; does nothing unless ``CLUSTER_URL`` is set. Then it plugs in
scrapy-redis (through :class:`crawler.cluster.scheduler.ClusterScheduler`, a scrapy-redis
``Scheduler`` with a reliable queue) and the worker components of :mod:`crawler.cluster`. Every
value is set with the add-on's priority, so project, spider and command-line settings still win.
The dedupe digests (``pipelines.dedupe``) and the seen-store (``crawler.state.store``) pick their Redis
backends themselves from ``CLUSTER_URL``.
"""

from __future__ import annotations

from typing import Any, cast

from scrapy.settings import BaseSettings

from crawler.cluster.config import ClusterConfig

ADDON_PRIORITY = "addon"


class ClusterAddon:
    """Scheduler, dupefilter, REDIS_URL, persistence and idle settings for a cluster worker (when CLUSTER_URL is set)."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("CLUSTER_URL"):
            return
        config = ClusterConfig.from_settings(settings)  # NotConfigured on a malformed URL
        put = settings.set
        put("SCHEDULER", "crawler.cluster.scheduler.ClusterScheduler", ADDON_PRIORITY)
        put("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", ADDON_PRIORITY)
        put("REDIS_URL", config.url, ADDON_PRIORITY)
        # The queue and dupefilter are shared: no worker flushes them at its close; the last worker to
        # leave a finished crawl deletes them (crawler.cluster.worker).
        put("SCHEDULER_PERSIST", True, ADDON_PRIORITY)
        # Workers stop when the queue stays empty and no other worker is busy for CLUSTER_IDLE_TIMEOUT
        # seconds (crawler.cluster.worker), not on scrapy-redis's blocking pop.
        put("SCHEDULER_IDLE_BEFORE_CLOSE", 0, ADDON_PRIORITY)
        put("CLUSTER_IDLE_TIMEOUT", config.idle_timeout, ADDON_PRIORITY)
        # -o/-O files written through per article: a killed worker keeps every line it exported.
        storages = settings.getdict("FEED_STORAGES")
        for scheme in ("", "file"):
            storages.setdefault(scheme, "crawler.cluster.feeds.WriteThroughFileFeedStorage")
        put("FEED_STORAGES", storages, ADDON_PRIORITY)
        settings.setdefault_in_component_priority_dict(
            "EXTENSIONS", cast(Any, "crawler.cluster.worker.ClusterWorker"), 0
        )
        settings.setdefault_in_component_priority_dict(
            "SPIDER_MIDDLEWARES", cast(Any, "crawler.cluster.worker.ClusterSeedMiddleware"), 10
        )
