"""``scrapy reparse SOURCE [SOURCE...] -O out.jsonl [--spider NAME]``: site spiders over stored pages."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

from crawler import checks, redact, runinfo
from crawler.reparse import ReparseSpider
from crawler.sources import MANIFEST_NAME, check_source, parse_manifest


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] SOURCE [SOURCE ...]"

    def short_desc(self) -> str:
        return "Re-parse stored pages (WARC, Scrapy HTTP cache, HTML + manifest.tsv) with the site spiders"

    def long_desc(self) -> str:
        return (
            "Each page goes to the spider whose allowed_domains owns its host (or to --spider), and its "
            "items through the same pipelines and feeds (-o/-O/FEEDS) as a crawl. SOURCE: a .warc/.warc.gz "
            "file, a directory of them, a Scrapy HTTP cache directory, or a directory of .html/.html.gz "
            f"files with a {MANIFEST_NAME} (FILE<TAB>URL[<TAB>FETCHED] per line). -a NAME=VALUE goes to the "
            "site spiders."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--spider", dest="spider", metavar="NAME", help="parse every page with this spider")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one SOURCE")
        for arg in args:
            path = Path(arg)
            try:
                if check_source(path) == "html_dir":
                    parse_manifest(path / MANIFEST_NAME)
            except (ValueError, OSError) as exc:
                problem = checks.UsageProblem("SOURCE", f"{exc} (accepted: a .warc/.warc.gz file or a directory of "
                                              f"them, a Scrapy HTTP cache directory, a directory with {MANIFEST_NAME})")  # fmt: skip
                assert self.settings is not None
                self.exitcode = checks.report_usage("reparse", problem, self.settings)
                return
        assert self.crawler_process is not None
        spidercls: type[ReparseSpider] = ReparseSpider
        if opts.spider:
            try:
                site = self.crawler_process.spider_loader.load(opts.spider)
            except KeyError:
                raise UsageError(f"no spider named {opts.spider!r}", print_help=False) from None
            # The forced spider's own settings apply, as they would in `scrapy crawl NAME`.
            custom = {**(site.custom_settings or {}), **ReparseSpider.custom_settings}
            spidercls = type("ReparseSpider", (ReparseSpider,), {"custom_settings": custom})
        crawler = self._create_crawler(spidercls)
        redact.install(crawler.settings)
        try:
            checks.check_settings(crawler.settings)
            checks.check_arguments(opts.spargs)
        except checks.UsageProblem as problem:
            self.exitcode = checks.report_usage("reparse", problem, crawler.settings)
            return
        self.crawler_process.crawl(crawler, sources=args, only=opts.spider, spider_kwargs=opts.spargs)
        self.crawler_process.start()
        self.exitcode = runinfo.report_exit(crawler, bool(self.crawler_process.bootstrap_failed))
