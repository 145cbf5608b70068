"""De-duplication across the workers of one crawl: URL and body digests in Redis, claimed atomically.

The same rules as :class:`pipelines.dedupe.DedupePipeline` (same digests, same stats), but the seen
digests live in the crawl's hash ``P:C:dedupe`` (fields ``u:<digest>`` / ``b:<digest>``), so an
article passes on exactly one worker. One Lua step checks every digest of an article and claims them
all for this worker, or none:

- a digest marked ``=`` (exported, or settled by a later pipeline) or claimed by a live worker ->
  duplicate, dropped;
- a digest claimed by a worker whose lease expired (killed between the claim and the export) is
  free again: its page was put back in the queue and is being fetched once more.

The claim is marked ``=`` once the item has left the pipelines (``item_scraped`` / ``item_dropped`` /
``item_error``: the export has written it to its spool), in the same round trip as the next claim or
at most ``SETTLE_DELAY`` seconds later. A worker killed in that window could see the article exported
once more by the worker that re-fetches the page (docs/cluster.md). With Redis lost, items are exported unchecked (counted in
``news/cluster/dedupe_unchecked``): nothing scraped is dropped for want of a check.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.reactor import CallLaterOnce

from crawler.cluster.worker import ClusterWorker
from crawler.extract.clean import dedupe_key
from crawler.state.digests import body_hash, seen_digest

logger = logging.getLogger(__name__)

# KEYS: dedupe hash; ARGV: me, lease key prefix, n, n fields to settle (this worker's exported claims:
# -> "="), then the fields to claim -> 0 claimed; i > 0: the i-th field to claim is taken.
_CLAIM = """
local n = tonumber(ARGV[3])
for i = 4, 3 + n do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then redis.call('HSET', KEYS[1], ARGV[i], '=') end
end
local first = 4 + n
for i = first, #ARGV do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v and (v == '=' or v == ARGV[1] or redis.call('EXISTS', ARGV[2] .. v) == 1) then return i - first + 1 end
end
for i = first, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
return 0
"""

SETTLE_DELAY = 0.2
"""Seconds an exported article's claims may wait to be marked done: they go with the next claim (one
round trip less per article) or after this delay, whichever is first."""


def digest_fields(adapter: ItemAdapter) -> tuple[list[str], str | None]:
    """An article -> its URL digest fields (``u:``) and its body digest field (``b:``, None without a body)."""
    urls = sorted(
        {"u:" + seen_digest(dedupe_key(u)).hex() for u in (adapter.get("canonical_url"), adapter.get("url")) if u}
    )
    body = adapter.get("article_body")
    return urls, ("b:" + seen_digest(body_hash(body)).hex()) if body else None


class RedisDedupePipeline:
    """``DedupePipeline`` for a cluster worker: drops repeats of a URL or body seen by any worker of the crawl."""

    def __init__(self, crawler: Crawler, worker: ClusterWorker) -> None:
        self.stats = crawler.stats
        self.worker = worker
        self.key = worker.keys.dedupe
        self._claim = worker.client.register_script(_CLAIM)
        self.claims: dict[int, list[str]] = {}
        """id(item) -> the digest fields this worker claimed for it, until the item leaves the pipelines."""
        self.settle: list[str] = []
        """Fields of items that left the pipelines, to be marked done with the next round trip."""
        self._flush_later = CallLaterOnce(self.flush)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_done, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisDedupePipeline:
        return cls(crawler, ClusterWorker.of(crawler))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        urls, body = digest_fields(adapter)
        fields = urls + ([body] if body else [])
        if not fields or self.worker.lost:
            return self._unchecked(item, fields)
        settle, self.settle = self.settle, []
        try:
            args = [self.worker.id, self.worker.keys.lease_prefix, len(settle), *settle, *fields]
            taken = int(self._claim(keys=[self.key], args=args))
        except Exception as exc:
            if not self.worker.guard(exc):
                raise
            return self._unchecked(item, fields)
        if taken:
            kind = "url" if taken <= len(urls) else "body"
            self.stats.inc_value(f"news/dedupe/{kind}")
            self.stats.inc_value("news/dropped")
            logger.info("Duplicate %s: %s", kind, adapter.get("url"))
            raise DropItem(f"duplicate {kind}: {adapter.get('url')}")
        self.claims[id(item)] = fields
        return item

    def _unchecked(self, item: Any, fields: list[str]) -> Any:
        if fields:
            self.stats.inc_value("news/cluster/dedupe_unchecked")
        return item

    def item_done(self, item: Any) -> None:
        fields = self.claims.pop(id(item), None)
        if not fields or self.worker.lost:
            return
        self.settle += fields
        self._flush_later.schedule(SETTLE_DELAY)

    def close_spider(self) -> None:
        self._flush_later.cancel()
        self.flush()

    def flush(self) -> None:
        """Mark the claims of exported items done now (also at close)."""
        settle, self.settle = self.settle, []
        if not settle or self.worker.lost:
            return
        try:
            self._claim(keys=[self.key], args=[self.worker.id, self.worker.keys.lease_prefix, len(settle), *settle])
        except Exception as exc:
            if not self.worker.guard(exc):
                raise
