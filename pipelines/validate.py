"""Validation: an article without its url, headline or story is dropped, the reason counted."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import REQUIRED_FIELDS


class ValidatePipeline:
    """Drops items missing a required field (``news/validate/missing/<field>``); counts field coverage."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        missing = [f for f in REQUIRED_FIELDS if not adapter.get(f)]
        if missing:
            reason = f"missing/{missing[0]}"
            self.stats.inc_value(f"news/validate/{reason}")
            self.stats.inc_value("news/dropped")
            # No log line here: the item's drop is logged once, with its URL and reason, by the log
            # formatter (crawler.logformatter), and counted in the run summary (crawler.summary).
            raise DropItem(f"{reason}: {adapter.get('url')}")
        self.stats.inc_value("news/validate/ok")
        for field, value in adapter.items():
            if value not in (None, "", []):
                self.stats.inc_value(f"news/coverage/{field}")
        return item
