"""Re-parse stored pages with the site spiders, outside the scheduler and downloader.

:class:`ReparseSpider` is the crawl that ``scrapy reparse`` runs: its ``start()`` reads the sources
(:mod:`crawler.sources`), turns each stored page into a Scrapy response
(:func:`page_response`: ``news_crawl_date`` = the record's WARC-Date), hands it to the site spider
owning its host (:mod:`crawler.dispatch`) and yields the spider's items. Items yielded by ``start()``
go straight to the item pipelines and feed exports, so validation, dedupe, ``-O``/``FEEDS`` and the
export add-on behave as in a live crawl, while no request ever reaches the scheduler or downloader.

Settings: ``REPARSE_MAX_SIZE`` (bytes of decoded body; larger pages are skipped, default 10 MiB),
``REPARSE_PROGRESS_INTERVAL`` (seconds between progress lines, default 10; 0 = off),
``REPARSE_FALLBACK`` (a project spider name or ``module.callable`` used for hosts without a spider).
Stats: ``news/reparse/pages`` (pages handed to a spider: the "Re-parse done: N pages" of the log),
``news/reparse/records`` (stored responses read, skipped ones included; 0 fails the run with
``no_records``, exit status 7), ``news/reparse/items``, ``news/reparse/no_spider``,
``news/reparse/skipped/<reason>``, ``news/reparse/errors/<kind>``, ``news/reparse/charset/<what>``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.misc import build_from_crawler, load_object
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from crawler.dispatch import Fallback, SpiderDispatcher
from crawler.news_spider import META_CRAWL_DATE
from crawler.runinfo import fail_run
from crawler.sources import SkipCounter, StoredPage, read_source

logger = logging.getLogger(__name__)

DEFAULT_MAX_SIZE = 10 * 1024 * 1024


def _decodes(body: bytes, encoding: str) -> bool:
    """True when ``body`` decodes with ``encoding`` (a stray bad byte or two is tolerated)."""
    try:
        body.decode(encoding)
        return True
    except UnicodeDecodeError:
        text = body.decode(encoding, "replace")
        bad = text.count("\ufffd")
        return bad <= 8 and bad * 1000 < len(text)
    except LookupError:
        return False


def repair_charset(headers: Headers, body: bytes, origin: str, skip: SkipCounter) -> bool:
    """Make the Content-Type charset one that decodes ``body``; False when nothing does (page skipped).

    Pages are stored with whatever the server said: windows-1251 text labelled UTF-8, or no label
    at all and bytes that are not UTF-8. The header wins over ``<meta charset>`` in Scrapy, so a
    wrong header is replaced by the ``<meta>`` declaration when that decodes, else by a detected one.
    """
    if read_bom(body)[0]:
        return True
    content_type = (headers.get(b"Content-Type") or b"text/html").decode("latin-1")
    header_enc = http_content_type_encoding(content_type)
    meta_enc = html_body_declared_encoding(body[:4096])
    declared = header_enc or meta_enc
    if declared and _decodes(body, resolve_encoding(declared) or declared):
        return True
    if not declared and _decodes(body, "utf-8"):
        return True
    new = None
    if meta_enc and meta_enc != header_enc and _decodes(body, resolve_encoding(meta_enc) or meta_enc):
        new = meta_enc
    else:
        import charset_normalizer

        best = charset_normalizer.from_bytes(body[:200_000]).best()
        new = best.encoding if best is not None else None
    if not new:
        skip("skipped/undecodable", origin, f"declared {declared or 'nothing'}, no encoding decodes it")
        return False
    skip(
        "charset/wrong" if declared else "charset/missing",
        origin,
        f"declared {declared or 'nothing'}, decoded as {new}",
        level=logging.INFO,
    )
    mime = content_type.split(";")[0].strip() or "text/html"
    headers[b"Content-Type"] = f"{mime}; charset={new}".encode("latin-1")
    return True


def page_response(page: StoredPage, skip: SkipCounter) -> HtmlResponse | None:
    """A stored page -> an HtmlResponse carrying ``news_crawl_date``, or None (non-2xx, empty, not HTML; counted)."""
    if not 200 <= page.status < 300:
        skip(f"skipped/status_{page.status // 100}xx", page.origin, f"{page.status} {page.url}", logging.INFO)
        return None
    if not page.body.strip():
        skip("skipped/empty", page.origin, page.url)
        return None
    headers = Headers(page.headers)
    cls = responsetypes.from_args(headers=headers, url=page.url, body=page.body[:5000])
    if not issubclass(cls, HtmlResponse):
        kind = (headers.get(b"Content-Type") or b"?").decode("latin-1").split(";")[0]
        skip("skipped/not_html", page.origin, f"{kind} {page.url}", logging.INFO)
        return None
    if not repair_charset(headers, page.body, page.origin, skip):
        return None
    meta = {META_CRAWL_DATE: page.date} if page.date else {}
    request = Request(page.url, meta=meta)
    return HtmlResponse(page.url, status=page.status, headers=headers, body=page.body, request=request)


def release(response: HtmlResponse) -> None:
    """Free a parsed page now: a TextResponse and its cached selector point at each other, so without
    this the body, text and lxml tree of every page wait for a full garbage collection (memory grows
    with the run's length)."""
    selector = getattr(response, "_cached_selector", None)
    if selector is not None:
        selector.response = None
        response._cached_selector = None  # type: ignore[attr-defined]


class Progress:
    """Logs pages done, pages/s, items and drops every ``interval`` seconds and once at the end."""

    def __init__(self, stats: Any, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.started = self.last = time.monotonic()
        self.cpu_started = time.process_time()
        self.pages = 0

    def tick(self) -> None:
        self.pages += 1
        if self.interval:
            now = time.monotonic()
            if now - self.last >= self.interval:
                self.last = now
                self.log("Re-parse progress")

    def log(self, what: str) -> None:
        # "N pages" is the stat news/reparse/pages (pages handed to a spider); records read counts
        # every stored response, skipped ones (robots.txt, feeds, non-2xx, too large) included.
        elapsed = max(time.monotonic() - self.started, 1e-9)
        get = self.stats.get_value
        pages = int(get("news/reparse/pages", 0))
        cpu = max(time.process_time() - self.cpu_started, 1e-9)
        logger.info(
            "%s: %d pages in %.1f s (%.1f pages/s; %.1f pages per CPU second), %d items, %d dropped, "
            "%d without a spider, %d skipped, %d records read",
            what, pages, elapsed, pages / elapsed, pages / cpu, get("news/reparse/items", 0),
            get("item_dropped_count", 0), get("news/reparse/no_spider", 0),
            sum(v for k, v in self.stats.get_stats().items() if k.startswith("news/reparse/skipped/")),
            self.pages,
        )  # fmt: skip


class ReparseSpider(Spider):
    """Internal spider of ``scrapy reparse``: yields the site spiders' items for stored pages."""

    name = "reparse"
    # A re-parse is a fresh run over stored pages: its seen-store lives in memory, so it neither
    # drops pages as "unchanged" since an earlier run nor touches the live crawls' store.
    custom_settings = {"LOGSTATS_INTERVAL": 0.0, "ROBOTSTXT_OBEY": False, "STATE_DIR": ":memory:"}  # noqa: RUF012

    def __init__(
        self,
        sources: Iterable[str] = (),
        only: str | None = None,
        spider_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources = [Path(s) for s in sources]
        self.only = only
        self.spider_kwargs = spider_kwargs or {}

    def _fallback(self) -> Fallback | None:
        """``REPARSE_FALLBACK``: a project spider name (its ``parse_article``) or a ``module.callable``."""
        ref = self.settings.get("REPARSE_FALLBACK")
        if not ref:
            return None
        if "." not in ref:
            from scrapy.spiderloader import get_spider_loader

            spider = get_spider_loader(self.settings).load(ref).from_crawler(self.crawler)
            return spider.parse_article  # type: ignore[attr-defined,no-any-return]
        obj = load_object(ref)
        if isinstance(obj, type):
            obj = build_from_crawler(obj, self.crawler)
            return getattr(obj, "parse_article", obj)  # type: ignore[no-any-return]
        return obj  # type: ignore[no-any-return]

    async def start(self) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        max_size = self.settings.getint("REPARSE_MAX_SIZE", DEFAULT_MAX_SIZE)
        skip = SkipCounter(stats)
        dispatcher = SpiderDispatcher.from_crawler(
            self.crawler, only=self.only, spider_kwargs=self.spider_kwargs, fallback=self._fallback()
        )
        progress = Progress(stats, self.settings.getfloat("REPARSE_PROGRESS_INTERVAL", 10.0))
        for source in self.sources:
            logger.info("Re-parsing %s", source)
            for page in read_source(source, skip, max_size):
                progress.tick()
                response = page_response(page, skip)
                if response is None:
                    continue
                stats.inc_value("news/reparse/pages")
                try:
                    outputs = list(dispatcher.dispatch(response))
                except Exception as exc:  # a spider bug on one page must not end the run
                    skip("errors/spider_exception", page.origin, f"{response.url}: {exc!r}", logging.ERROR)
                    logger.debug("Spider exception on %s", response.url, exc_info=True)
                    continue
                finally:
                    release(response)
                for out in outputs:
                    if isinstance(out, (Request, Response)):
                        stats.inc_value("news/reparse/requests_ignored")
                        continue
                    stats.inc_value("news/reparse/items")
                    yield out
        progress.log("Re-parse done")
        stats.set_value("news/reparse/records", progress.pages)
        if progress.pages == 0:
            # An empty input (a 0-byte .warc.gz, a WARC of only warcinfo/request records): not a success.
            names = ", ".join(str(s) for s in self.sources)
            fail_run(self.crawler, "no_records", f"no records in {names}")
