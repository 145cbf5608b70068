"""``CLUSTER_*`` settings, the Redis key layout of one crawl, the worker id and the connection check.

Keys (``P`` = ``CLUSTER_KEY_PREFIX``, ``C`` = the crawl: ``CLUSTER_CRAWL``, default the spider's name)::

    P:C:requests        scrapy-redis request queue (sorted set, by priority)
    P:C:dupefilter      scrapy-redis request fingerprints
    P:C:seeded          SETNX lock: the worker that seeds the start requests
    P:C:workers         set of worker ids that joined the crawl and have not left
    P:C:lease:W         worker W is alive (expires CLUSTER_LEASE_SECONDS after its last heartbeat)
    P:C:inflight:W      hash token -> "score\\nrequest": requests W took and the engine has not finished
    P:C:tokens          counter of in-flight tokens
    P:C:dedupe          hash "u:<digest>"/"b:<digest>" -> owner worker, or "=" once exported (pipelines.dedupe)
    P:C:summary         hash worker -> its end-of-run report (JSON), for the run summary
    P:C:files           re-parse: files waiting (list);  P:C:processing:W  files W works on
    P:C:sealed          re-parse: every file has been queued
    P:state:SPIDER:...  the seen-store (kept across crawls; see crawler.cluster.seen_store)
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
from dataclasses import dataclass, field
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

RUN_FAILED_REASON = "cluster_lost"
"""finish_reason of a worker that lost its Redis mid-run (it flushed what it had and exits non-zero)."""


class ClusterUnavailable(RuntimeError):
    """The cluster's Redis cannot be reached (at start: the worker refuses to run)."""


def default_worker_id() -> str:
    """``host-pid-rand``: unique per process, readable in part names and logs."""
    host = re.sub(r"[^\w.-]+", "_", socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(2)}"


_WORKER_ID = default_worker_id()


@dataclass(frozen=True)
class ClusterConfig:
    """What ``CLUSTER_*`` asks for. Raises NotConfigured when CLUSTER_URL is unset, ValueError when malformed."""

    url: str
    """``redis://host:port/db``: the Redis every worker of the cluster shares."""
    prefix: str = "byline"
    """``CLUSTER_KEY_PREFIX``: first part of every key."""
    crawl: str | None = None
    """``CLUSTER_CRAWL``: name of the shared crawl (queue, dupefilter, dedupe); default the spider's name."""
    idle_timeout: float = 30.0
    """``CLUSTER_IDLE_TIMEOUT``: seconds the queue must stay empty, with no other worker busy, before a worker stops."""
    lease: float = 30.0
    """``CLUSTER_LEASE_SECONDS``: a worker that sent no heartbeat for this long is dead; its work is re-queued."""
    state: bool = True
    """``CLUSTER_STATE``: keep the incremental seen-store in Redis (False: the SQLite/memory store of STATE_DIR)."""
    worker_id: str = field(default=_WORKER_ID)
    """``CLUSTER_WORKER_ID``: this process's id (default ``host-pid-rand``)."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ClusterConfig:
        url = settings.get("CLUSTER_URL")
        if not url:
            raise NotConfigured("CLUSTER_URL is not set")
        if not str(url).startswith(("redis://", "rediss://", "unix://")):
            # Not NotConfigured: a component silently switched off would run an unshared crawl.
            raise ValueError(f"CLUSTER_URL must be a redis://host:port/db URL, not {url!r}")
        return cls(
            url=str(url),
            prefix=str(settings.get("CLUSTER_KEY_PREFIX") or "byline"),
            crawl=settings.get("CLUSTER_CRAWL") or None,
            idle_timeout=settings.getfloat("CLUSTER_IDLE_TIMEOUT", 30.0),
            lease=max(1.0, settings.getfloat("CLUSTER_LEASE_SECONDS", 30.0)),
            state=settings.getbool("CLUSTER_STATE", True),
            worker_id=str(settings.get("CLUSTER_WORKER_ID") or _WORKER_ID),
        )

    def keys(self, spider_name: str) -> Keys:
        return Keys(self.prefix, self.crawl or spider_name, spider_name)


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one crawl (see the module doc)."""

    prefix: str
    crawl: str
    spider: str

    def __getattr__(self, name: str) -> str:  # requests, dupefilter, seeded, workers, tokens, dedupe, ...
        if name.startswith("_"):
            raise AttributeError(name)
        return f"{self.prefix}:{self.crawl}:{name}"

    def lease(self, worker: str) -> str:
        return f"{self.prefix}:{self.crawl}:lease:{worker}"

    def inflight(self, worker: str) -> str:
        return f"{self.prefix}:{self.crawl}:inflight:{worker}"

    def processing(self, worker: str) -> str:
        return f"{self.prefix}:{self.crawl}:processing:{worker}"

    @property
    def lease_prefix(self) -> str:
        return f"{self.prefix}:{self.crawl}:lease:"

    @property
    def state(self) -> str:
        return f"{self.prefix}:state:{self.spider}"

    def crawl_keys(self) -> list[str]:
        """Keys that belong to one crawl and are deleted when its last worker leaves (not the seen-store)."""
        names = ("requests", "dupefilter", "seeded", "tokens", "dedupe", "files", "sealed")
        return [getattr(self, n) for n in names]


def connect(url: str, *, timeout: float = 5.0) -> Any:
    """A checked Redis client for ``url``; raises :class:`ClusterUnavailable` with a clear message."""
    import redis
    from redis.backoff import ExponentialWithJitterBackoff
    from redis.retry import Retry

    # A blip of up to about a second is retried; longer, and the caller treats Redis as lost.
    retry = Retry(ExponentialWithJitterBackoff(base=0.1, cap=1.0), 3)
    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=retry)
        client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise ClusterUnavailable(f"cluster Redis {url} is unreachable: {exc}") from exc
    return client


def is_redis_error(exc: BaseException) -> bool:
    import redis

    return isinstance(exc, (redis.ConnectionError, redis.TimeoutError, OSError))
