"""``scrapy reparse SOURCE [SOURCE...] -O out.jsonl [--spider NAME]``: site spiders over stored pages."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

from crawler import checks, redact, runinfo
from crawler.archive.reparse_spider import ReparseSpider
from crawler.archive.sources import MANIFEST_NAME, check_source, parse_manifest


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
        parser.add_argument(
            "--queue", dest="queue", metavar="REDIS_URL",
            help="cluster re-parse (docs/cluster.md): queue the SOURCEs (if any) on this Redis, then take files until done",
        )  # fmt: skip
        parser.add_argument(
            "--workers",
            dest="workers",
            type=int,
            metavar="N",
            help="processes extracting pages (default: REPARSE_WORKERS, 0 = one per core; 1 = this process only)",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if opts.queue:
            assert self.settings is not None
            self.settings.set("CLUSTER_URL", opts.queue, priority="cmdline")
            if opts.workers is None:
                # A queue worker takes one file at a time: run more queue workers instead of forking.
                self.settings.set("REPARSE_WORKERS", 1, priority="cmdline")
        if opts.workers is not None:
            if opts.workers < 0:
                raise UsageError("--workers must be 0 (one per core) or more", print_help=False)
            assert self.settings is not None
            self.settings.set("REPARSE_WORKERS", opts.workers, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args and not opts.queue:
            raise UsageError("give at least one SOURCE (or --queue)")
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
        if opts.queue:
            from crawler.cluster.reparse import cluster_reparse_class

            spidercls = cluster_reparse_class(spidercls, self.settings, args)
        crawler = self._create_crawler(spidercls)
        redact.install(crawler.settings)
        try:
            checks.check_settings(crawler.settings)
            checks.check_arguments(opts.spargs)
        except checks.UsageProblem as problem:
            self.exitcode = checks.report_usage("reparse", problem, crawler.settings)
            return
        self.crawler_process.crawl(
            crawler, sources=[] if opts.queue else args, only=opts.spider, spider_kwargs=opts.spargs
        )
        self.crawler_process.start()
        self.exitcode = runinfo.report_exit(crawler, bool(self.crawler_process.bootstrap_failed))
