"""scrapy-redis's scheduler on the cluster's Redis, with a reliable request queue.

scrapy-redis pops a request from the shared queue and forgets it: a worker killed with requests in
its downloader loses them (the dupefilter keeps them "seen", so nobody fetches them again).
:class:`ReliableQueue` pops into the worker's in-flight hash in one Lua step; the request leaves it
only when the engine is done with it - downloaded, parsed, and every item through the pipelines and
in the export spool, every follow-up request in the queue. A worker whose lease expired (killed, or
its host gone) has its in-flight requests put back in the queue by any live worker
(:func:`crawler.cluster.worker.requeue`); the dedupe claims (:mod:`crawler.cluster.dedupe`) keep what it had already
exported from being exported twice.

"Done with it" is read from the engine's slot (``engine._slot.inprogress``: the requests whose
download, callback and item processing are not finished - Scrapy's own close waits on it). Should a
Scrapy version drop that attribute, requests stay in flight until the worker closes (nothing lost;
after a crash more pages are fetched again).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object
from scrapy_redis.queue import PriorityQueue  # type: ignore[import-untyped]
from scrapy_redis.scheduler import Scheduler  # type: ignore[import-untyped]

from crawler.cluster.config import Keys, is_redis_error
from crawler.cluster.worker import ClusterWorker, requeue

logger = logging.getLogger(__name__)

# KEYS: queue, inflight, tokens -> {token, request} or nil. The entry keeps its score: "score\n<request>".
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local token = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], token, r[2] .. '\\n' .. r[1])
return {token, r[1]}
"""


# KEYS: dupefilter, queue; ARGV: fingerprint ('' = dont_filter), score, request -> 1 queued, 0 seen before.
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class ReliableQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's priority queue whose pop keeps the request in the worker's in-flight hash."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None, *, keys: Keys, worker: str) -> None:
        super().__init__(server, spider, key, serializer)
        self.keys = keys
        self.worker = worker
        self._pop = server.register_script(_POP)

    def pop_reliable(self) -> tuple[Any, Any] | None:
        """The best request and its in-flight token, or None when the queue is empty."""
        got = self._pop(keys=[self.key, self.keys.inflight(self.worker), self.keys.tokens])
        if not got:
            return None
        token, data = got
        return token, self._decode_request(data)

    def pop(self, timeout: int = 0) -> Any:
        got = self.pop_reliable()
        return got[1] if got else None


class ClusterScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis Scheduler on CLUSTER_URL: shared queue and dupefilter, reliable pops, Redis loss handled."""

    def __init__(self, crawler: Crawler, worker: ClusterWorker) -> None:
        settings = crawler.settings
        keys = worker.keys
        dupefilter_cls = load_object(settings.get("DUPEFILTER_CLASS") or "scrapy_redis.dupefilter.RFPDupeFilter")
        dupefilter = dupefilter_cls(worker.client, key=keys.dupefilter, debug=settings.getbool("DUPEFILTER_DEBUG"))
        super().__init__(
            worker.client,
            persist=True,  # the last worker to leave clears the crawl's keys (crawler.cluster.worker)
            queue_key=keys.requests,
            dupefilter=dupefilter,
            dupefilter_key=keys.dupefilter,
            serializer=None,
        )
        self.crawler = crawler
        self.worker = worker
        self.stats = crawler.stats
        self._push = worker.client.register_script(_PUSH)
        self.taken: dict[Any, Any] = {}
        """In-flight token -> the request object handed to the engine."""
        worker.scheduler = self

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterScheduler:
        return cls(crawler, ClusterWorker.of(crawler))

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = ReliableQueue(
            self.server, spider, self.queue_key, self.serializer, keys=self.worker.keys, worker=self.worker.id
        )
        try:
            waiting = len(self.queue)
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            self.worker.lose(exc)
            return
        if waiting:
            logger.info("Cluster: joining crawl %s, %d request(s) queued", self.worker.keys.crawl, waiting)

    def close(self, reason: str) -> None:
        """Nothing is flushed: the queue is shared. Requests still in flight go back to the queue."""
        self.release_all()

    # --- the reliable part -----------------------------------------------------------------------
    def _in_progress(self) -> set[Any] | None:
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        inprogress = getattr(slot, "inprogress", None)
        return inprogress if isinstance(inprogress, set) else None

    def reconcile(self) -> None:
        """Acknowledge (drop from the in-flight hash) the requests the engine has finished."""
        inprogress = self._in_progress()
        if inprogress is None or not self.taken or self.worker.lost:
            return
        done = [token for token, request in self.taken.items() if request not in inprogress]
        if not done:
            return
        try:
            self.server.hdel(self.worker.keys.inflight(self.worker.id), *done)
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            self.worker.lose(exc)
            return
        for token in done:
            del self.taken[token]

    def release_all(self) -> None:
        """At close: acknowledge what the engine finished, put anything else back in the queue."""
        if self.worker.lost:
            return
        self.reconcile()
        try:
            back = requeue(self.server, self.worker.keys, self.worker.id, only_if_dead=False)
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            self.worker.lose(exc)
            return
        self.taken.clear()
        if back:
            logger.info("Cluster: %d unfinished request(s) put back in the queue", back)

    # --- scheduler API ---------------------------------------------------------------------------
    def enqueue_request(self, request: Any) -> bool:
        if self.worker.lost:
            self.stats.inc_value("news/cluster/requests_not_queued")
            return False
        try:
            # scrapy-redis's enqueue_request (dupefilter SADD, then ZADD) in one round trip.
            fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
            data = self.queue._encode_request(request)
            if not self._push(keys=[self.df.key, self.queue.key], args=[fingerprint, -request.priority, data]):
                self.df.log(request, self.spider)
                return False
            self.stats.inc_value("scheduler/enqueued/redis")
            return True
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            self.stats.inc_value("news/cluster/requests_not_queued")
            self.worker.lose(exc)
            return False

    def next_request(self) -> Any:
        if self.worker.lost or self.worker.stopping:
            return None
        try:
            self.reconcile()
            got = self.queue.pop_reliable()
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            self.worker.lose(exc)
            return None
        if got is None:
            return None
        token, request = got
        self.taken[token] = request
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if self.worker.lost or self.worker.stopping:
            return False
        try:
            return len(self.queue) > 0
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            self.worker.lose(exc)
            return False
