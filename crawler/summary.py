"""One line at the end of every run: pages, articles, drops by reason, what was exported and where.

    EXTENSIONS = {"crawler.summary.RunSummary": 0}

Logged at INFO on ``engine_stopped`` (after the export has uploaded its parts and the stats were
dumped), e.g.::

    Run summary (trend): 14 pages, 9 articles: 6 kept, 3 dropped (duplicate body 1, duplicate url 1,
    missing/headline 1); exported 6 to file:///data/lake/{spider}/ (parquet), 6 to out.jsonl

- pages: responses received (live or replayed) plus pages a ``scrapy reparse`` read;
- articles: items the spiders produced (kept = passed every pipeline, dropped = by reason, as
  :func:`crawler.health.drop_reason` reads the DropItem message);
- exported: articles the export (EXPORT_URI) stored, with those still pending in its spool, and
  the kept items sent to each ``FEEDS`` / ``-o`` / ``-O`` target.

Off with ``SUMMARY_ENABLED = False``.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.export.config import ExportConfig
from crawler.health import drop_reason

logger = logging.getLogger(__name__)


class RunSummary:
    """Counts drops by reason from ``item_dropped``; logs the summary line when the engine stops."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.drops: Counter[str] = Counter()
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        if not crawler.settings.getbool("SUMMARY_ENABLED", True):
            raise NotConfigured("SUMMARY_ENABLED is off")
        return cls(crawler)

    def item_dropped(self, item: Any, exception: BaseException, response: Response | None = None) -> None:
        self.drops[drop_reason(exception)] += 1

    def line(self) -> str:
        """The summary line (without the logger's prefix)."""
        assert self.crawler.stats is not None
        get = self.crawler.stats.get_value
        pages = int(get("response_received_count", 0)) + int(get("news/reparse/pages", 0))
        kept = int(get("item_scraped_count", 0))
        dropped = sum(self.drops.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.drops.items(), key=lambda kv: (-kv[1], kv[0])))
        spider = getattr(self.crawler.spider, "name", "?")
        text = f"Run summary ({spider}): {pages} pages, {kept + dropped} articles: {kept} kept, {dropped} dropped"
        text += f" ({reasons})" if reasons else ""
        return f"{text}; exported {self._exported(kept)}"

    def _exported(self, kept: int) -> str:
        assert self.crawler.stats is not None
        get = self.crawler.stats.get_value
        targets = []
        if self.crawler.settings.get("EXPORT_URI"):
            export = ExportConfig.from_settings(self.crawler.settings)
            where = f"{get('news/export/items_uploaded', 0)} to {export.uri} ({export.format})"
            pending = get("news/export/items_pending", 0)
            targets.append(where + (f", {pending} pending in {export.spool_dir}" if pending else ""))
        for uri, options in (self.crawler.settings.getdict("FEEDS") or {}).items():
            fmt = (options or {}).get("format") if isinstance(options, dict) else None
            targets.append(f"{kept} to {uri}" + (f" ({fmt})" if fmt else ""))
        return ", ".join(targets) if targets else "nothing (no EXPORT_URI or FEEDS)"

    def engine_stopped(self) -> None:
        logger.info("%s", self.line())
