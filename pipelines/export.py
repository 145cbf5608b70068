"""The structured export as an item pipeline (priority 900, enabled by ``EXPORT_URI`` through the add-on).

The export itself - spool, parts, stores, manifests, recovery - is :class:`crawler.export.exporter.Exporter`;
this component hands it the crawl's start, each article and the crawl's end.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.export.config import ExportConfig
from crawler.export.exporter import Exporter


class ExportPipeline:
    """Exports every article that reaches it to EXPORT_URI, nothing lost (see :mod:`crawler.export.exporter`)."""

    def __init__(self, exporter: Exporter) -> None:
        self.exporter = exporter

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportPipeline:
        return cls(Exporter(crawler, ExportConfig.from_settings(crawler.settings)))

    def open_spider(self) -> None:
        self.exporter.open_spider()

    def process_item(self, item: Any) -> Any:
        return self.exporter.process_item(item)

    def close_spider(self) -> None:
        self.exporter.close_spider()
