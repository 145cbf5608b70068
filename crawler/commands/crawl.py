"""``scrapy crawl`` of this project: Scrapy's command, plus a non-zero exit when a component failed the run."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from crawler import runinfo

RUN_FAILED_EXIT = 1
"""Exit status of a crawl that ran but was failed by ``runinfo.fail_run`` (export pending, health...)."""


class Command(ScrapyCrawlCommand):
    """Same options as Scrapy's ``crawl``; exits 1 when ``runinfo.run_failed(crawler)`` after the crawl."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process
        crawler: Crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif runinfo.run_failed(crawler):
            self.exitcode = RUN_FAILED_EXIT
