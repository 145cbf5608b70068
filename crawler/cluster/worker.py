"""One cluster worker: its lease, the seeding lock, the idle timeout, Redis loss, and the run summary.

:class:`ClusterWorker` (an extension, enabled by :class:`crawler.cluster.addon.ClusterAddon`):

- connects at start; an unreachable Redis stops the run before anything is fetched (clear error,
  non-zero exit);
- joins the crawl (``P:C:workers``) and keeps a lease key alive from a heartbeat thread, so a worker
  whose reactor is busy parsing is not taken for dead; a dead worker's lease expires after
  ``CLUSTER_LEASE_SECONDS`` and any live worker puts its requests / files back in the queue;
- :class:`ClusterSeedMiddleware`: only the worker that takes the ``P:C:seeded`` lock (SET NX) yields
  the spider's start requests; the others join the queue;
- stops when the queue stays empty and no other worker is busy for ``CLUSTER_IDLE_TIMEOUT`` seconds
  (so a scheduled job ends);
- on a Redis error mid-run (:meth:`ClusterWorker.lose`): takes no new work, lets the requests in
  progress finish and their articles reach the export, and fails the run (``cluster_lost``, exit 1);
- at close reports its counts in ``P:C:summary``; the last worker to leave writes the run summary
  (``_cluster/<crawl>-<time>.json`` beside the manifests when EXPORT_URI is set; always logged and
  kept in ``P:C:last_summary``) and deletes the crawl's keys (not the seen-store).

Stats: ``news/cluster/seeded``, ``news/cluster/requeued``, ``news/cluster/lost``,
``news/cluster/requests_not_queued``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import reactor, task

from crawler import runinfo
from crawler.cluster.config import RUN_FAILED_REASON, ClusterConfig, ClusterUnavailable, Keys, connect, is_redis_error
from crawler.export import write_sidecar

logger = logging.getLogger(__name__)

# KEYS: requests, inflight(W), workers, lease(W), files, processing(W), summary; ARGV: W, only_if_dead
# -> work items put back (-1: W is alive). Requests keep their score; files go to the head of the queue.
_REQUEUE = """
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local entries = redis.call('HGETALL', KEYS[2])
local n = 0
for i = 2, #entries, 2 do
  local v = entries[i]
  local cut = string.find(v, '\\n', 1, true)
  redis.call('ZADD', KEYS[1], tonumber(string.sub(v, 1, cut - 1)), string.sub(v, cut + 1))
  n = n + 1
end
redis.call('DEL', KEYS[2])
while redis.call('LMOVE', KEYS[6], KEYS[5], 'RIGHT', 'LEFT') do n = n + 1 end
if ARGV[2] == '1' then
  redis.call('SREM', KEYS[3], ARGV[1])
  redis.call('HSETNX', KEYS[7], ARGV[1], '{"worker": "' .. ARGV[1] .. '", "status": "dead"}')
end
return n
"""

# KEYS: requests, workers, files; ARGV: me, key prefix "P:C:" -> 1 when there is work left for someone:
# queued requests or files, or another worker holding requests / files.
_BUSY = """
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('LLEN', KEYS[3]) > 0 then return 1 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if w ~= ARGV[1] and (redis.call('HLEN', ARGV[2] .. 'inflight:' .. w) > 0
      or redis.call('LLEN', ARGV[2] .. 'processing:' .. w) > 0) then return 1 end
end
return 0
"""

# KEYS: workers, lease(me), requests, files; ARGV: me, key prefix -> 1 when no live worker is left and no work.
_LEAVE = """
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[2] .. 'lease:' .. w) == 1 then return 0 end
end
if redis.call('ZCARD', KEYS[3]) > 0 or redis.call('LLEN', KEYS[4]) > 0 then return 0 end
return 1
"""


# KEYS: seeded, workers, requests, files; ARGV: me, key prefix "P:C:", keys of a finished crawl to clear...
# -> 1 seeded; 2 seeded after clearing a crawl that ended without its last worker cleaning up (killed
# while closing); 0 another worker seeded this crawl (requests queued or a worker alive or holding work).
_SEED = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 1 end
if redis.call('ZCARD', KEYS[3]) > 0 or redis.call('LLEN', KEYS[4]) > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if w ~= ARGV[1] and (redis.call('EXISTS', ARGV[2] .. 'lease:' .. w) == 1
      or redis.call('HLEN', ARGV[2] .. 'inflight:' .. w) > 0
      or redis.call('LLEN', ARGV[2] .. 'processing:' .. w) > 0) then return 0 end
end
for i = 3, #ARGV do redis.call('DEL', ARGV[i]) end
redis.call('SET', KEYS[1], ARGV[1])
return 2
"""


def requeue(server: Any, keys: Keys, worker: str, *, only_if_dead: bool = True) -> int:
    """Put ``worker``'s in-flight requests and files back in the queues (only if its lease expired); -1: alive."""
    script = server.register_script(_REQUEUE)
    args = [worker, "1" if only_if_dead else "0"]
    ks = [keys.requests, keys.inflight(worker), keys.workers, keys.lease(worker), keys.files,
          keys.processing(worker), keys.summary]  # fmt: skip
    return int(script(keys=ks, args=args))


def _utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ClusterWorker:
    """Extension: membership, lease, idle timeout, Redis loss and the run summary of one cluster worker."""

    def __init__(self, crawler: Crawler, config: ClusterConfig) -> None:
        assert crawler.spidercls is not None and crawler.stats is not None
        self.crawler = crawler
        self.config = config
        self.stats = crawler.stats
        self.keys = config.keys(crawler.spidercls.name)
        self.id = config.worker_id
        try:
            self.client = connect(config.url)
            self._beat_client = connect(config.url)
        except ClusterUnavailable as exc:
            logger.error("%s - not starting this worker (CLUSTER_URL)", exc)
            raise
        self.lost = False
        self.stopping = False
        self.scheduler: Any = None
        self.idle_since: float | None = None
        self.crawling = True
        """False for a worker whose spider ends by itself (re-parse): no idle wait for the request queue."""
        self._stop = threading.Event()
        self._busy = self.client.register_script(_BUSY)
        self._leave = self.client.register_script(_LEAVE)
        self._seed = self.client.register_script(_SEED)
        self._tick: task.LoopingCall | None = None
        self._beat()  # joins before anything else can look at the worker set
        self._thread = threading.Thread(target=self._heartbeat, name="news-cluster-lease", daemon=True)
        self._thread.start()
        spider = getattr(crawler, "spider", None)
        if not (
            crawler.settings.get("EXPORT_RUN_ID") or getattr(spider, "_job", None) or os.environ.get("SCRAPYD_JOB")
        ):
            # Parts and manifests are named by run id: one per worker.
            assert crawler.stats is not None
            crawler.stats.set_value("news/run_id", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + self.id)
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        logger.info("Cluster worker %s joined crawl %s on %s", self.id, self.keys.crawl, config.url)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterWorker:
        return cls(crawler, ClusterConfig.from_settings(crawler.settings))

    @staticmethod
    def of(crawler: Crawler) -> ClusterWorker:
        """The crawler's worker (the extension must be on: CLUSTER_URL set, the add-on enabled)."""
        worker = crawler.get_extension(ClusterWorker)
        if worker is None:
            # Not NotConfigured: with CLUSTER_URL set, a dedupe or seen-store quietly switched off is worse than a stop.
            raise RuntimeError(
                "CLUSTER_URL is set but the cluster worker is off: add crawler.cluster.addon.ClusterAddon to ADDONS"
            )
        return worker

    # --- lease -----------------------------------------------------------------------------------
    def _beat(self, client: Any = None) -> None:
        client = client or self.client
        pipe = client.pipeline()
        pipe.set(self.keys.lease(self.id), _utc(), px=int(self.config.lease * 1000))
        pipe.sadd(self.keys.workers, self.id)
        pipe.execute()

    def _heartbeat(self) -> None:
        interval = self.config.lease / 3
        last_ok = time.monotonic()
        while not self._stop.wait(interval):
            try:
                self._beat(self._beat_client)
                last_ok = time.monotonic()
            except Exception as exc:  # noqa: BLE001 - any failure to renew is a lost Redis
                if time.monotonic() - last_ok >= self.config.lease / 2:
                    reactor.callFromThread(self.lose, exc)  # type: ignore[attr-defined]
                    return

    # --- Redis loss ------------------------------------------------------------------------------
    def lose(self, exc: BaseException) -> None:
        """Redis is gone: take no new work, finish what is in progress, fail the run (exit 1)."""
        if self.lost:
            return
        self.lost = True
        self.stats.set_value("news/cluster/lost", 1)
        runinfo.fail_run(
            self.crawler,
            RUN_FAILED_REASON,
            f"cluster Redis {self.config.url} lost ({exc}); stopped taking work, finishing what is in progress. "
            "Requests this worker held go back to the queue when its lease expires.",
        )
        engine = self.crawler.engine
        if engine is not None and getattr(engine, "spider", None) is not None:
            d = deferred_from_coro(engine.close_spider_async(reason=RUN_FAILED_REASON))
            d.addErrback(lambda f: logger.debug("close after Redis loss: %s", f.value))

    def guard(self, exc: BaseException) -> bool:
        """For callers catching an exception: True (and the worker lost) when it is a Redis connection error."""
        if is_redis_error(exc):
            self.lose(exc)
            return True
        return False

    # --- seeding ---------------------------------------------------------------------------------
    def try_seed(self) -> bool:
        """True for the one worker that takes the crawl's seeding lock (SET NX)."""
        stale = [self.keys.dupefilter, self.keys.dedupe, self.keys.summary, self.keys.tokens]
        got = self._seed(keys=[self.keys.seeded, self.keys.workers, self.keys.requests, self.keys.files],
                         args=[self.id, f"{self.keys.prefix}:{self.keys.crawl}:", *stale])  # fmt: skip
        if got:
            if got == 2:
                logger.warning(
                    "Cluster: crawl %s had ended without clearing its keys; starting it over", self.keys.crawl
                )
            self.stats.set_value("news/cluster/seeded", 1)
            return True
        owner = self.client.get(self.keys.seeded)
        logger.info("Cluster: start requests seeded by %s; joining the queue", (owner or b"?").decode())
        return False

    # --- reaping and idling ----------------------------------------------------------------------
    def reap(self) -> int:
        """Put back the work of workers whose lease expired; returns how many requests / files."""
        total = 0
        for raw in self.client.smembers(self.keys.workers):
            worker = raw.decode()
            if worker == self.id:
                continue
            n = requeue(self.client, self.keys, worker)
            if n >= 0:
                logger.warning(
                    "Cluster: worker %s is gone (lease expired); %d item(s) of its work re-queued", worker, n
                )
                self.stats.inc_value("news/cluster/requeued", n)
                total += n
        return total

    def others_busy(self) -> bool:
        """True while requests or files are queued, or another worker holds some."""
        prefix = f"{self.keys.prefix}:{self.keys.crawl}:"
        return bool(self._busy(keys=[self.keys.requests, self.keys.workers, self.keys.files], args=[self.id, prefix]))

    def engine_started(self) -> None:
        tick = max(0.1, min(1.0, self.config.idle_timeout / 5, self.config.lease / 3))
        self._tick = task.LoopingCall(self._on_tick)
        self._tick.start(tick, now=False)

    def _on_tick(self) -> None:
        if self.lost or self.stopping:
            return
        try:
            self.reap()
        except Exception as exc:
            if not self.guard(exc):
                logger.exception("Cluster: reaping failed")
            return
        # Wake the engine: it pulls newly queued requests and re-checks idleness now, not at its 5 s heartbeat.
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def spider_idle(self) -> None:
        if self.lost or self.stopping or not self.crawling:
            return
        try:
            if self.scheduler is not None:
                self.scheduler.reconcile()
            busy = self.reap() > 0 or self.others_busy()
        except Exception as exc:
            if not self.guard(exc):
                raise
            return
        now = time.monotonic()
        if busy:
            self.idle_since = None
            raise DontCloseSpider
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.config.idle_timeout:
            raise DontCloseSpider
        logger.info("Cluster: queue empty and no worker busy for %.1f s: this worker stops", now - self.idle_since)
        self.stopping = True

    # --- close -----------------------------------------------------------------------------------
    def report(self) -> dict[str, Any]:
        """This worker's end-of-run counts (one entry of the run summary)."""
        get = self.stats.get_value
        return {
            "worker": self.id,
            "run_id": runinfo.run_id(self.crawler),
            "status": get("finish_reason"),
            "finished_at": _utc(),
            "item_scraped_count": get("item_scraped_count", 0),
            "item_dropped_count": get("item_dropped_count", 0),
            "exported": get("news/export/items", 0),
            "response_received_count": get("response_received_count", 0),
            "requeued": get("news/cluster/requeued", 0),
        }

    def spider_closed(self, reason: str) -> None:
        self.stopping = True
        if self._tick is not None and self._tick.running:
            self._tick.stop()
        self._stop.set()
        self._thread.join(5.0)  # no heartbeat may renew the lease after the worker has left
        if self.lost:
            return
        try:
            if self.scheduler is not None:
                self.scheduler.release_all()
            self.client.hset(self.keys.summary, self.id, json.dumps(self.report()))
            prefix = f"{self.keys.prefix}:{self.keys.crawl}:"
            last = self._leave(keys=[self.keys.workers, self.keys.lease(self.id), self.keys.requests, self.keys.files],
                               args=[self.id, prefix])  # fmt: skip
            if last:
                self._finish_crawl()
        except Exception as exc:
            if not self.guard(exc):
                raise

    def _finish_crawl(self) -> None:
        """The last worker out: the run summary, then the crawl's keys go (the seen-store stays)."""
        reports = [json.loads(v) for v in self.client.hvals(self.keys.summary)]
        reports.sort(key=lambda r: r.get("worker", ""))
        summary = {
            "crawl": self.keys.crawl,
            "spider": self.keys.spider,
            "finished_at": _utc(),
            "workers": reports,
            "dead_workers": [r["worker"] for r in reports if r.get("status") == "dead"],
            "item_scraped_count": sum(int(r.get("item_scraped_count") or 0) for r in reports),
            "exported": sum(int(r.get("exported") or 0) for r in reports),
        }
        data = json.dumps(summary, indent=1).encode() + b"\n"
        logger.info("Cluster run summary: %s", json.dumps(summary))
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for failure in write_sidecar(self.crawler, f"_cluster/{self.keys.crawl}-{stamp}.json", data):
            logger.error("Cannot store the cluster run summary beside the export: %s", failure.getErrorMessage())
        pipe = self.client.pipeline()
        pipe.set(f"{self.keys.prefix}:{self.keys.crawl}:last_summary", data)
        pipe.delete(*self.keys.crawl_keys(), self.keys.summary)
        pipe.execute()

    def engine_stopped(self) -> None:
        self._stop.set()


class ClusterSeedMiddleware:
    """Spider middleware: only the worker holding the crawl's seeding lock yields the start requests."""

    def __init__(self, worker: ClusterWorker) -> None:
        self.worker = worker

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterSeedMiddleware:
        return cls(ClusterWorker.of(crawler))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if not getattr(self.worker.crawler.spider, "cluster_every_worker_starts", False):
            try:
                if not self.worker.try_seed():
                    return
            except Exception as exc:
                if not self.worker.guard(exc):
                    raise
                return
        async for item_or_request in start:
            yield item_or_request
