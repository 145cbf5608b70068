"""``scrapy export-flush``: upload what earlier runs left in the export spool (store down, crash).

Registered under the name ``export-flush`` by the ``scrapy.commands`` entry point (pyproject.toml).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from crawler import checks, redact
from crawler.export.config import ExportConfig
from crawler.export.spool import flush_spool, iter_runs
from crawler.export.store import Stores

logger = logging.getLogger(__name__)


class ExportFlush(ScrapyCommand):
    """Recovers unfinished parts (torn last lines dropped), uploads pending parts, then each run's manifest."""

    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Upload export parts still pending in EXPORT_SPOOL_DIR"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="keep retrying for this many seconds (default EXPORT_RETRY_CLOSE_TIMEOUT)",
        )
        parser.add_argument("--list", action="store_true", help="only list pending runs")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        settings = self.settings.copy()
        if not settings.get("EXPORT_URI"):
            settings.set("EXPORT_URI", "file:///unused/", priority="cmdline")  # the destinations are in the spool
        redact.install(settings)
        try:
            config = ExportConfig.from_settings(settings)
        except checks.UsageProblem as problem:
            self.exitcode = checks.report_usage("export-flush", problem, settings)
            return
        if opts.list:
            listed = crawling = 0
            for run in iter_runs(config.spool_dir):
                if not run.lock():  # a live crawl holds its run: not pending (yet)
                    crawling += 1
                    continue
                try:
                    info = run.info
                    print(f"{run.dir}\t{info.get('spider')}\t{info.get('uri')}\t{run.pending_items()} article(s)")
                    listed += 1
                finally:
                    run.unlock()
            if not listed:
                print(f"export-flush: nothing pending in {config.spool_dir}")
            if crawling:
                print(f"export-flush: {crawling} run(s) still crawling (not listed)")
            return
        timeout = config.retry_close_timeout if opts.timeout is None else opts.timeout
        done, pending, torn = flush_spool(
            config.spool_dir, Stores(settings, config), backoff=config.retry_backoff, timeout=timeout
        )
        for run in done:
            logger.info("export-flush: run %s uploaded", run.run_id)
        if torn:
            logger.warning("export-flush: dropped %d torn last line(s) of parts cut short by a crash", torn)
        print(f"export-flush: {len(done)} run(s) uploaded, {len(pending)} still pending, {torn} torn line(s) dropped")
        for run in pending:
            logger.error("export-flush: run %s still pending in %s: %s", run.run_id, run.dir, run.last_error)
        if pending:
            self.exitcode = 1
