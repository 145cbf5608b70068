"""Near-duplicate clusters as an item pipeline: every article gets its ``cluster_id`` (``DEDUPE_NEAR=mark``), or a
copy of a story another URL carries is dropped (``drop``). The clustering is :mod:`crawler.state.clusters`."""


from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.state.clusters import NearDupeClusters, NearDupeConfig
from crawler.state.store import ClusterMember, ClusterStore, StateConfig


class NearDupePipeline:
    """Sets ``cluster_id`` (``DEDUPE_NEAR=mark``) or drops near copies of an exported story (``drop``)."""

    def __init__(self, crawler: Crawler, config: NearDupeConfig) -> None:
        self.crawler = crawler
        self.config = config
        assert crawler.stats is not None
        self.stats = crawler.stats
        self._clusters: NearDupeClusters | None = None
        # Articles recorded by process_item whose fate is not known yet: id(item) -> undo data.
        self._pending: dict[int, tuple[bytes, list[int], ClusterMember | None]] = {}
        crawler.signals.connect(self._settled, signal=signals.item_scraped)
        crawler.signals.connect(self._dropped, signal=signals.item_dropped)
        crawler.signals.connect(self._settled, signal=signals.item_error)
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NearDupePipeline:
        config = NearDupeConfig.from_settings(crawler.settings)
        if config.mode == "off":
            raise NotConfigured("DEDUPE_NEAR is off")
        return cls(crawler, config)

    @property
    def clusters(self) -> NearDupeClusters:
        if self._clusters is None:
            state = StateConfig.from_settings(self.crawler.settings)
            store = ClusterStore.in_dir(state.directory if state.enabled else ":memory:")
            self._clusters = NearDupeClusters(store, self.config)
        return self._clusters

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, text = adapter.get("url"), adapter.get("article_body")
        if not url or not text:
            return item
        found = self.clusters.assign(url, text)
        if found.signature is None:
            self.stats.inc_value("news/near_dupes/short")
        elif found.earlier is not None:
            self.stats.inc_value("news/near_dupes/same_url")
        elif found.closest is not None:
            if self.config.mode == "drop":
                self.stats.inc_value("news/near_dupes/dropped")
                raise DropItem(f"near duplicate: {url} (cluster {found.cluster_id}, like {found.closest.url})")
            self.stats.inc_value("news/near_dupes/joined")
        else:
            self.stats.inc_value("news/near_dupes/new_cluster")
        member = self.clusters.record(url, found)
        if member is not None:
            self._pending[id(item)] = (member.key, found.buckets, found.earlier)
        if "cluster_id" in adapter.field_names():
            adapter["cluster_id"] = found.cluster_id
        return item

    def _settled(self, item: Any, *args: Any, **kwargs: Any) -> None:
        self._pending.pop(id(item), None)

    def _dropped(self, item: Any, *args: Any, **kwargs: Any) -> None:
        """A later pipeline dropped an article recorded here: it did not join (its old membership comes back)."""
        undo = self._pending.pop(id(item), None)
        if undo is None or self._clusters is None:
            return
        key, buckets, earlier = undo
        self._clusters.store.remove(key, buckets)
        if earlier is not None:
            self._clusters.store.add(earlier, [])
        self.stats.inc_value("news/near_dupes/undone")

    def close(self) -> None:
        if self._clusters is not None:
            self._clusters.store.close()
