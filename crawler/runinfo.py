"""Per-run facts shared by components: the run id, and how a run's outcome reaches the exit status."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime, timezone

from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def run_id(crawler: Crawler) -> str:
    """One id per crawl: ``EXPORT_RUN_ID`` / Scrapyd's job id (``-a _job=``) if given, else ``20261129T141500Z-1a2b3c``."""
    assert crawler.stats is not None
    rid = crawler.stats.get_value("news/run_id")
    if rid is None:
        rid = (
            crawler.settings.get("EXPORT_RUN_ID")
            # Scrapyd >= 1.3 passes the job id as the spider argument ``_job``; older ones as $SCRAPYD_JOB.
            or getattr(getattr(crawler, "spider", None), "_job", None)
            or os.environ.get("SCRAPYD_JOB")
            or datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
        )
        crawler.stats.set_value("news/run_id", rid)  # the run's one id, for every component
    return str(rid)


def fail_run(crawler: Crawler, reason: str, message: str) -> None:
    """Mark the run as failed: ``finish_reason`` becomes ``reason`` and ``scrapy crawl`` exits non-zero.

    Call it at any time, including from a ``spider_closed`` handler (it overrides the engine's
    "finished"). Reasons accumulate in the ``news/failed`` stat.
    """
    assert crawler.stats is not None
    crawler.stats.set_value("finish_reason", reason)
    failed = list(crawler.stats.get_value("news/failed") or [])
    failed.append(reason)
    crawler.stats.set_value("news/failed", failed)
    logger.error("Run failed (%s): %s", reason, message)


def run_failed(crawler: Crawler) -> bool:
    return bool(crawler.stats and crawler.stats.get_value("news/failed"))
