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
    """True when a component called :func:`fail_run` during the run."""
    try:
        stats = crawler.stats
    except RuntimeError:  # the crawler never got as far as building its stats
        return False
    return bool(stats and stats.get_value("news/failed"))


EXIT_CODES: dict[str, int] = {
    "finished": 0,
    "failed": 1,
    "export_pending": 1,
    "spool_full": 1,
    "usage": 2,
    "start_error": 3,
    "shutdown": 4,
    "unhealthy": 5,
    "blocked": 5,
    "unreachable": 5,
    "closespider": 6,
    "no_records": 7,
}
"""Exit status of ``scrapy crawl`` / ``scrapy reparse`` by outcome (the table of docs/exit-codes.md).

``finished`` is 0 only when no component failed the run. ``closespider`` covers every
``closespider_*`` reason (CLOSESPIDER_ITEMCOUNT, _PAGECOUNT, _TIMEOUT, _ERRORCOUNT...). ``failed``
is any other failure: a ``finish_reason`` not listed, or a crawl that could not be set up.
``export_pending`` keeps status 1, the status every failed run had before the table existed."""


def exit_status(reason: str | None) -> int:
    """A finish reason (or an outcome name of :data:`EXIT_CODES`) -> its exit status."""
    if reason is None:
        return EXIT_CODES["failed"]
    if reason.startswith("closespider"):
        return EXIT_CODES["closespider"]
    return EXIT_CODES.get(reason, EXIT_CODES["failed"])


def outcome(crawler: Crawler, bootstrap_failed: bool = False) -> tuple[str, int]:
    """The run's outcome after the crawl: (reason, exit status). ``finished`` -> 0 only if nothing failed.

    The reason is the final ``finish_reason`` stat (:func:`fail_run` overrides the engine's);
    a crawler that could not start at all is ``start_error``.
    """
    try:
        stats = crawler.stats
    except RuntimeError:
        stats = None
    reason = stats.get_value("finish_reason") if stats is not None else None
    if bootstrap_failed or reason is None:
        return "start_error", EXIT_CODES["start_error"]
    reason = str(reason)
    if reason == "finished" and run_failed(crawler):
        failed = list(stats.get_value("news/failed") or ["failed"])  # type: ignore[union-attr]
        reason = str(failed[-1])
    code = exit_status(reason)
    if code == 0 and run_failed(crawler):
        code = EXIT_CODES["failed"]
    return reason, code


def report_exit(crawler: Crawler, bootstrap_failed: bool = False) -> int:
    """Log the run's outcome and exit status (Scrapyd's job log shows it); returns the status."""
    reason, code = outcome(crawler, bootstrap_failed)
    if code:
        logger.error("Exit status %d (%s): see docs/exit-codes.md", code, reason)
    else:
        logger.info("Exit status 0 (%s)", reason)
    return code
