"""De-duplication within a run: by canonical URL, and by a hash of the normalised body."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.extract.clean import dedupe_key
from crawler.state.digests import body_hash, seen_digest


class DedupePipeline:
    """The same story is exported once: drops repeats of a URL (``news/dedupe/url``) or body (``news/dedupe/body``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        # 16-byte digests of the URL keys and body hashes (they grow by every article of the run), as the
        # keys of dicts: below 50,000 entries a set resizes its table to 4x the entries, 16 bytes a slot
        # (2.1 MB at 20,000 digests), a dict to 4-byte index slots and a compact entry list (0.6 MB).
        self.urls: dict[bytes, None] = {}
        self.bodies: dict[bytes, None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if crawler.settings.get("CLUSTER_URL"):  # digests shared by the cluster's workers, in Redis
            from crawler.cluster.dedupe import RedisDedupePipeline

            return RedisDedupePipeline.from_crawler(crawler)
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        keys = {seen_digest(dedupe_key(u)) for u in (adapter.get("canonical_url"), adapter.get("url")) if u}
        if any(key in self.urls for key in keys):
            self._drop("url", adapter)
        digest = seen_digest(body_hash(adapter.get("article_body") or ""))
        if adapter.get("article_body") and digest in self.bodies:
            self._drop("body", adapter)
        self.urls.update(dict.fromkeys(keys))
        if adapter.get("article_body"):
            self.bodies[digest] = None
        return item

    def _drop(self, kind: str, adapter: ItemAdapter) -> None:
        self.stats.inc_value(f"news/dedupe/{kind}")
        self.stats.inc_value("news/dropped")
        raise DropItem(f"duplicate {kind}: {adapter.get('url')}")
