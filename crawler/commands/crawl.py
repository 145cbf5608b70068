"""``scrapy crawl`` of this project: Scrapy's command, plus argument checks first and an exit status per outcome.

Before anything runs, settings and spider arguments are checked (:func:`crawler.checks.validate_run`):
a bad one prints one line and exits 2, nothing written. Secrets are masked in every log line
(:mod:`crawler.redact`). After the crawl the exit status follows :data:`crawler.runinfo.EXIT_CODES`
(docs/exit-codes.md): 0 only for ``finished`` with nothing pending.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from crawler import checks, redact, runinfo

RUN_FAILED_EXIT = runinfo.EXIT_CODES["failed"]
"""Exit status of a crawl failed by ``runinfo.fail_run`` for a reason without its own code."""


class Command(ScrapyCrawlCommand):
    """Same options as Scrapy's ``crawl``; exit status from ``runinfo.EXIT_CODES``."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process
        crawler: Crawler = self._create_crawler(args[0])
        redact.install(crawler.settings)
        try:
            checks.validate_run(crawler.spidercls, crawler.settings, opts.spargs)
        except checks.UsageProblem as problem:
            self.exitcode = checks.report_usage("crawl", problem, crawler.settings)
            return
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        self.exitcode = runinfo.report_exit(crawler, bool(self.crawler_process.bootstrap_failed))
