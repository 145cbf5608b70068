"""Distributed re-parse: ``scrapy reparse --queue redis://host:port/db [SOURCE...]``.

With SOURCEs the command first puts them on the crawl's file queue (``P:C:files``; a directory of
WARC files becomes one entry per file, an HTML directory or an HTTP cache one entry) and marks the
queue sealed. Then it works, like every ``scrapy reparse --queue`` started on any machine: it moves
one file at a time to its own processing list (``LMOVE`` - the reliable-queue pattern), re-parses it
(:class:`crawler.archive.reparse_spider.ReparseSpider`), waits until every record of that file has gone through the
pipelines (and so into the export spool), then removes it from the list. A worker whose lease expires
(killed) has its file put back at the head of the queue by a live worker; the records it had already
exported are not exported twice, because the Redis dedupe digests (:mod:`crawler.cluster.dedupe`)
remember them. Workers stop when the queue is sealed, empty, and no other worker holds a file; a worker
started before the queue is sealed waits for it up to ``CLUSTER_IDLE_TIMEOUT`` seconds.

Paths are sent as absolute paths: every worker must see the files at the same place (shared or
replicated storage). The crawl name is ``CLUSTER_CRAWL`` (default ``reparse``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from crawler.archive.reparse_spider import ReparseSpider
from crawler.archive.sources import WARC_SUFFIXES, source_kind
from crawler.cluster.config import ClusterConfig, connect
from crawler.cluster.worker import ClusterWorker

logger = logging.getLogger(__name__)

DRAIN_POLL = 0.01


def queue_entries(sources: Iterable[str]) -> list[str]:
    """SOURCE arguments -> queue entries: each WARC file of a WARC directory on its own, other sources whole."""
    out: list[str] = []
    for source in sources:
        path = Path(source).resolve()
        kind = source_kind(path)  # ValueError for anything unreadable
        if kind == "warc_dir":
            out += [str(p) for p in sorted(path.rglob("*.warc*")) if p.name.endswith(WARC_SUFFIXES)]
        else:
            out.append(str(path))
    return out


def enqueue_sources(config: ClusterConfig, spider_name: str, sources: Iterable[str]) -> int:
    """Put ``sources`` on the crawl's file queue and seal it; returns the number of entries queued."""
    entries = queue_entries(sources)
    keys = config.keys(spider_name)
    client = connect(config.url)
    pipe = client.pipeline()
    if entries:
        pipe.rpush(keys.files, *entries)
    pipe.set(keys.sealed, "1")
    pipe.execute()
    logger.info("Cluster re-parse: %d file(s) queued on %s (%s)", len(entries), config.url, keys.files)
    return len(entries)


class FileQueue:
    """The worker's side of the file queue: take (LMOVE to its processing list), finish (LREM)."""

    def __init__(self, worker: ClusterWorker) -> None:
        self.worker = worker
        self.client = worker.client
        self.keys = worker.keys
        self.mine = worker.keys.processing(worker.id)

    def take(self) -> str | None:
        raw = self.client.lmove(self.keys.files, self.mine, "LEFT", "RIGHT")
        return raw.decode() if raw is not None else None

    def finish(self, path: str) -> None:
        self.client.lrem(self.mine, 1, path)

    def sealed(self) -> bool:
        return bool(self.client.exists(self.keys.sealed))


class QueueReparseSpider(ReparseSpider):
    """``scrapy reparse --queue``: re-parses files taken from the cluster's file queue until it is done."""

    name = "reparse"
    cluster_every_worker_starts = True
    """Every worker runs start() (the seeding lock is for crawls)."""
    # Each worker keeps its own in-memory seen-store (a re-parse is a fresh run); the dedupe digests
    # in Redis are what keeps a record from being exported by two workers.
    custom_settings = {**ReparseSpider.custom_settings, "CLUSTER_STATE": False}  # noqa: RUF012

    async def start(self) -> AsyncIterator[Any]:
        worker = ClusterWorker.of(self.crawler)
        worker.crawling = False  # the spider ends by itself: no idle wait on the request queue
        queue = FileQueue(worker)
        waiting_since = time.monotonic()
        tick = max(0.05, min(0.5, worker.config.lease / 3))
        while not worker.lost:
            try:
                path = queue.take()
                if path is None:
                    worker.reap()
                    done = queue.sealed() and not worker.others_busy()
            except Exception as exc:
                if not worker.guard(exc):
                    raise
                break
            if path is None:
                if done:
                    break
                if not queue.sealed() and time.monotonic() - waiting_since > worker.config.idle_timeout:
                    logger.warning(
                        "Cluster re-parse: the file queue was not sealed within %.0f s", worker.config.idle_timeout
                    )
                    break
                await asyncio.sleep(tick)
                continue
            self.crawler.stats.inc_value("news/cluster/files")
            self.sources = [Path(path)]
            async for out in super().start():
                yield out
            await self._drain()
            try:
                queue.finish(path)
            except Exception as exc:
                if not worker.guard(exc):
                    raise
                break

    async def _drain(self) -> None:
        """Wait until every item yielded so far has left the item pipelines (exported or dropped)."""
        slot = getattr(getattr(self.crawler.engine, "scraper", None), "slot", None)
        while slot is not None and getattr(slot, "itemproc_size", 0) > 0:
            await asyncio.sleep(DRAIN_POLL)


def cluster_reparse_class(spidercls: type[ReparseSpider], settings: Any, sources: list[str]) -> type[ReparseSpider]:
    """For ``scrapy reparse --queue``: queue ``sources`` (if any), return the queue-driven spider class.

    Raises UsageError with a clear message when the Redis is unreachable or a source unreadable.
    """
    from scrapy.exceptions import UsageError

    from crawler.cluster.config import ClusterUnavailable

    config = ClusterConfig.from_settings(settings)
    if sources:
        try:
            enqueue_sources(config, spidercls.name, sources)
        except (ClusterUnavailable, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from None
    else:
        try:
            connect(config.url)
        except ClusterUnavailable as exc:
            raise UsageError(str(exc), print_help=False) from None
    custom = {**(spidercls.custom_settings or {}), **QueueReparseSpider.custom_settings}
    return type("ReparseSpider", (QueueReparseSpider,), {"custom_settings": custom})
