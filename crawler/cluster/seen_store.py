"""The seen-store in Redis: the incremental state (:mod:`crawler.state.store`) shared by every worker of a cluster.

Selected by ``CLUSTER_URL`` (``CLUSTER_STATE=False`` keeps the SQLite store of ``STATE_DIR``). Same
interface and semantics as :class:`crawler.state.store.SeenStore`, one hash per page::

    P:state:SPIDER:p:<url key>   url, etag, last_modified, fetched_at, listed_at, body_hash,
                                 date_modified, revision, exported_at, claim
    P:state:SPIDER:bodies        body hash -> URL of a page exported with that story

The keys outlive the crawl (that is the point of a seen-store). :meth:`RedisSeenStore.claim_revision`
is the atomic check-and-set that lets only one worker export a given revision of a page: it fails
when that revision (or a later one) is exported already, or claimed by another worker that is alive.
On a Redis error the worker is marked lost (:meth:`crawler.cluster.worker.ClusterWorker.lose`) and the
store answers as if empty: pages are fetched and exported rather than skipped (nothing is lost).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.crawler import Crawler

from crawler.cluster.worker import ClusterWorker
from crawler.state.store import Page, SeenStore, url_key

logger = logging.getLogger(__name__)

# KEYS: page; ARGV: url, etag, last_modified, now, listed_at ('' = none), keep_validators ('1'/'0')
_RECORD_FETCH = """
redis.call('HSET', KEYS[1], 'url', ARGV[1], 'fetched_at', ARGV[4])
if ARGV[6] ~= '1' then
  if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'etag', ARGV[2]) else redis.call('HDEL', KEYS[1], 'etag') end
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'last_modified', ARGV[3])
  else redis.call('HDEL', KEYS[1], 'last_modified') end
end
if ARGV[5] ~= '' then
  local cur = redis.call('HGET', KEYS[1], 'listed_at')
  if not cur or tonumber(cur) < tonumber(ARGV[5]) then redis.call('HSET', KEYS[1], 'listed_at', ARGV[5]) end
end
return 0
"""

# KEYS: page; ARGV: url, listed_at
_RECORD_LISTED = """
redis.call('HSETNX', KEYS[1], 'url', ARGV[1])
local cur = redis.call('HGET', KEYS[1], 'listed_at')
if not cur or tonumber(cur) < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], 'listed_at', ARGV[2]) end
return 0
"""

# KEYS: page, bodies; ARGV: url, body_hash, date_modified ('' = none), revision, now
_RECORD_EXPORT = """
redis.call('HSETNX', KEYS[1], 'url', ARGV[1])
redis.call('HSETNX', KEYS[1], 'fetched_at', ARGV[5])
redis.call('HSET', KEYS[1], 'body_hash', ARGV[2], 'revision', ARGV[4], 'exported_at', ARGV[5])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'date_modified', ARGV[3])
else redis.call('HDEL', KEYS[1], 'date_modified') end
redis.call('HDEL', KEYS[1], 'claim')
if tonumber(ARGV[4]) > 0 then redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) end
return 0
"""

# KEYS: page; ARGV: revision, me, lease key prefix -> 1 claimed, 0 exported already or claimed by a live worker
_CLAIM_REVISION = """
local wanted = tonumber(ARGV[1])
local cur = tonumber(redis.call('HGET', KEYS[1], 'revision') or '-1')
if cur >= wanted and cur > 0 then return 0 end
local c = redis.call('HGET', KEYS[1], 'claim')
if c then
  local cut = string.find(c, ':', 1, true)
  local rev, owner = tonumber(string.sub(c, 1, cut - 1)), string.sub(c, cut + 1)
  if rev >= wanted and owner ~= ARGV[2] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then return 0 end
end
redis.call('HSET', KEYS[1], 'claim', ARGV[1] .. ':' .. ARGV[2])
return 1
"""

_FIELDS = ("url", "etag", "last_modified", "fetched_at", "listed_at", "body_hash", "date_modified", "revision",
           "exported_at")  # fmt: skip
_FLOATS = {"fetched_at", "listed_at", "exported_at"}


class RedisSeenStore(SeenStore):
    """:class:`crawler.state.store.SeenStore` with its rows in the cluster's Redis (same methods, plus atomic claims)."""

    def __init__(self, worker: ClusterWorker) -> None:  # no SQLite here: nothing of the parent's init
        self.worker = worker
        self.client = worker.client
        self.base = worker.keys.state
        self.path = f"{worker.config.url} {self.base}"
        self._fetch = self.client.register_script(_RECORD_FETCH)
        self._listed = self.client.register_script(_RECORD_LISTED)
        self._export = self.client.register_script(_RECORD_EXPORT)
        self._claim = self.client.register_script(_CLAIM_REVISION)

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> RedisSeenStore:
        return cls(ClusterWorker.of(crawler))

    def _page_key(self, url: str) -> str:
        return f"{self.base}:p:{url_key(url)}"

    def _call(self, default: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if self.worker.lost:
            return default
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if not self.worker.guard(exc):
                raise
            return default

    def get(self, url: str) -> Page | None:
        raw = self._call(None, self.client.hmget, self._page_key(url), _FIELDS)
        if not raw or raw[0] is None:
            return None
        values: dict[str, Any] = {}
        for name, value in zip(_FIELDS, raw, strict=True):
            text = value.decode() if value is not None else None
            if text is None:
                values[name] = None
            elif name in _FLOATS:
                values[name] = float(text)
            elif name == "revision":
                values[name] = int(text)
            else:
                values[name] = text
        return Page(**values)

    def record_fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        listed_at: float | None = None,
        fetched_at: float | None = None,
        keep_validators: bool = False,
    ) -> None:
        now = fetched_at if fetched_at is not None else time.time()
        args = [url, etag or "", last_modified or "", repr(now), "" if listed_at is None else repr(listed_at),
                "1" if keep_validators else "0"]  # fmt: skip
        self._call(None, self._fetch, keys=[self._page_key(url)], args=args)

    def record_listed(self, url: str, listed_at: float) -> None:
        self._call(None, self._listed, keys=[self._page_key(url)], args=[url, repr(listed_at)])

    def record_export(self, url: str, body_hash: str, date_modified: str | None, revision: int) -> None:
        args = [url, body_hash, date_modified or "", str(revision), repr(time.time())]
        self._call(None, self._export, keys=[self._page_key(url), f"{self.base}:bodies"], args=args)

    def claim_revision(self, url: str, revision: int) -> bool:
        """True when this worker may export ``revision`` of ``url`` (claimed atomically until record_export)."""
        args = [str(revision), self.worker.id, self.worker.keys.lease_prefix]
        return bool(self._call(1, self._claim, keys=[self._page_key(url)], args=args))

    def exported_body(self, body_hash: str, url: str) -> str | None:
        other = self._call(None, self.client.hget, f"{self.base}:bodies", body_hash)
        if other is None:
            return None
        other_url = other.decode()
        if url_key(other_url) == url_key(url):
            return None
        page = self.get(other_url)  # the index keeps the first URL; the page may have changed since
        if page is None or page.body_hash != body_hash or not page.revision:
            return None
        return other_url

    def count(self, exported_only: bool = False) -> int:
        total = 0
        for key in self.client.scan_iter(match=f"{self.base}:p:*", count=1000):
            if not exported_only or self.client.hexists(key, "revision"):
                total += 1
        return total

    def close(self) -> None:
        """The connection belongs to the worker."""
