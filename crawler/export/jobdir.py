"""JOBDIR after a crash: Scrapy writes its request queue state only at a clean close, so a job killed
with ``kill -9`` resumes with a queue that lost its pending requests while ``requests.seen`` still
lists them - those pages would never be crawled. This extension notices the unclean end and starts
the job's request state over; the export ledger (``crawler.export.exporter``) keeps articles already
exported from being exported again, so the resumed job still exports every article exactly once.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

MARKER = "news-running"
"""In JOBDIR while a crawl runs; still there at start = the previous run died without closing."""


class JobdirCrashGuard:
    """Extension: with JOBDIR, resets the request queue and seen-set left by a run that did not close."""

    def __init__(self, crawler: Crawler, jobdir: Path) -> None:
        self.marker = jobdir / MARKER
        assert crawler.stats is not None
        if self.marker.exists():
            # Runs before the scheduler opens (extensions are built before the engine).
            shutil.rmtree(jobdir / "requests.queue", ignore_errors=True)
            (jobdir / "requests.seen").unlink(missing_ok=True)
            crawler.stats.set_value("news/jobdir/crash_reset", 1)
            logger.warning(
                "JOBDIR %s: the previous run did not close (killed?); its request queue is "
                "unreliable, starting the requests over (exported articles are not exported twice)",
                jobdir,
            )
        jobdir.mkdir(parents=True, exist_ok=True)
        self.marker.write_text("running\n")
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobdirCrashGuard:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured("JOBDIR is not set")
        return cls(crawler, Path(jobdir))

    def spider_closed(self) -> None:
        self.marker.unlink(missing_ok=True)
