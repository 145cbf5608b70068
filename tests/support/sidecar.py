"""A test extension that writes a sidecar the way the site-health report does (from spider_closed)."""

from __future__ import annotations

import json

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.export import write_sidecar
from crawler.runinfo import run_id


class HealthSidecar:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthSidecar:
        return cls(crawler)

    def spider_closed(self, reason: str) -> None:
        report = {"items": self.crawler.stats.get_value("item_scraped_count"), "reason": reason}
        write_sidecar(self.crawler, f"_health/{run_id(self.crawler)}.json", json.dumps(report).encode())


class LateSidecar:
    """Writes its sidecar after the export has closed (``engine_stopped``): uploaded on its own."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LateSidecar:
        return cls(crawler)

    def engine_stopped(self) -> None:
        write_sidecar(self.crawler, f"_late/{run_id(self.crawler)}.txt", b"late\n")
