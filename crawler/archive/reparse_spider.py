"""Re-parse stored pages with the site spiders, outside the scheduler and downloader.

:class:`ReparseSpider` is the crawl that ``scrapy reparse`` runs: its ``start()`` reads the sources
(:mod:`crawler.archive.sources`), turns each stored page into a Scrapy response
(:func:`page_response`: ``news_crawl_date`` = the record's WARC-Date), hands it to the site spider
owning its host (:mod:`crawler.archive.dispatch`) and yields the spider's items. Items yielded by ``start()``
go straight to the item pipelines and feed exports, so validation, dedupe, ``-O``/``FEEDS`` and the
export add-on behave as in a live crawl, while no request ever reaches the scheduler or downloader.

Settings: ``REPARSE_MAX_SIZE`` (bytes of decoded body; larger pages are skipped, default 10 MiB),
``REPARSE_PROGRESS_INTERVAL`` (seconds between progress log lines, default 10; 0 = off),
``REPARSE_PROGRESS_LIVE`` (``auto``: a live progress line when stderr is a terminal; ``on``; ``off``),
``REPARSE_FALLBACK`` (a project spider name or ``module.callable`` used for hosts without a spider),
``REPARSE_WORKERS`` (processes extracting pages, ``--workers``; 0, the default, = one per core; 1 = none:
the crawl's own process; see :mod:`crawler.archive.workers`).
Stats: ``news/reparse/pages`` (pages handed to a spider: the "pages parsed" of the log),
``news/reparse/records`` (stored responses read, skipped ones included; 0 fails the run with
``no_records``, exit status 7), ``news/reparse/items``, ``news/reparse/no_spider``,
``news/reparse/skipped/<reason>``, ``news/reparse/errors/<kind>``, ``news/reparse/charset/<what>``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from scrapy import Request, Spider
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import default_settings
from scrapy.utils.misc import build_from_crawler, load_object
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from crawler.archive.dispatch import Fallback, SpiderDispatcher
from crawler.archive.sources import SkipCounter, StoredPage, load_body, read_source, source_size
from crawler.archive.workers import RecordingStats, WorkerPool, available_workers, replay
from crawler.extract.page import META_CRAWL_DATE
from crawler.runinfo import fail_run

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


def _size(n: float) -> str:
    """Bytes -> ``512 B``, ``1.5 kB``, ``22.4 MB``, ``1.2 GB``."""
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _duration(seconds: float) -> str:
    """Seconds -> ``42 s``, ``3m05s``, ``2h07m``."""
    seconds = max(0, int(seconds + 0.5))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class _ClearLine(logging.Filter):
    """On a terminal: wipe the live progress line before a log record prints over it (redrawn next tick)."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self.stream = stream
        self.dirty = False

    def filter(self, record: logging.LogRecord) -> bool:
        if self.dirty:
            self.stream.write("\r\x1b[K")
            self.dirty = False
        return True


class Progress:
    """Re-parse progress: records read, pages/s and an ETA from the bytes read against the input size.

    On a terminal (``REPARSE_PROGRESS_LIVE``: ``auto``, the default, when stderr is a tty; ``on``;
    ``off``) one live line is redrawn in place about twice a second; otherwise a log line is written
    every ``interval`` seconds (``REPARSE_PROGRESS_INTERVAL``, 0 = none). A last line is always logged.
    """

    LIVE_EVERY = 0.5

    def __init__(self, stats: Any, interval: float, total_bytes: int = 0, live: IO[str] | None = None) -> None:
        self.stats = stats
        self.interval = interval
        self.total_bytes = total_bytes
        self.started = self.last = time.monotonic()
        self.cpu_started = time.process_time()
        self.pages = 0
        self.done_bytes = 0
        self.base_bytes = 0
        self.live = live
        self._clear: _ClearLine | None = None
        if live is not None:
            self._clear = _ClearLine(live)
            for handler in logging.getLogger().handlers:
                handler.addFilter(self._clear)

    def next_source(self, size: int) -> None:
        """The previous source is read whole; the next one starts (``size``: bytes, for the ETA)."""
        self.base_bytes += size

    def tick(self, position: int | None = None, source_size: int = 0) -> None:
        """One record read; ``position``: bytes of the current source read so far."""
        self.pages += 1
        if position is not None:
            self.done_bytes = self.base_bytes + min(position, source_size or position)
        now = time.monotonic()
        if self.live is not None:
            if now - self.last >= self.LIVE_EVERY:
                self.last = now
                self._draw()
        elif self.interval and now - self.last >= self.interval:
            self.last = now
            self.log("Re-parse progress")

    def eta(self) -> tuple[float, float | None]:
        """(share of the input read, seconds left or None when unknown)."""
        if not self.total_bytes or not self.done_bytes:
            return 0.0, None
        share = min(1.0, self.done_bytes / self.total_bytes)
        elapsed = time.monotonic() - self.started
        return share, elapsed * (1 - share) / share if share > 0 else None

    def _where(self) -> str:
        if not self.total_bytes:
            return ""
        share, left = self.eta()
        text = f", {share:.0%} of {_size(self.total_bytes)}"
        return text + (f", ETA {_duration(left)}" if left is not None and share < 1 else "")

    def _draw(self) -> None:
        assert self.live is not None and self._clear is not None
        elapsed = max(time.monotonic() - self.started, 1e-9)
        get = self.stats.get_value
        line = (
            f"Re-parse: {self.pages} records read, {self.pages / elapsed:.1f} pages/s, "
            f"{get('news/reparse/items', 0)} items, {get('item_dropped_count', 0)} dropped{self._where()}"
        )
        self.live.write("\r\x1b[K" + line)
        self.live.flush()
        self._clear.dirty = True

    def log(self, what: str) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        get = self.stats.get_value
        cpu = max(time.process_time() - self.cpu_started, 1e-9)
        logger.info(
            "%s: %d records read in %.1f s (%.1f pages/s; %.1f pages per CPU second), %d items, %d dropped, "
            "%d without a spider, %d skipped, %d pages parsed%s",
            what, self.pages, elapsed, self.pages / elapsed, self.pages / cpu, get("news/reparse/items", 0),
            get("item_dropped_count", 0), get("news/reparse/no_spider", 0),
            sum(v for k, v in self.stats.get_stats().items() if k.startswith("news/reparse/skipped/")),
            # pages parsed: the stat news/reparse/pages (pages handed to a spider); records read counts every
            # stored response, skipped ones (robots.txt, feeds, non-2xx, too large) included.
            int(get("news/reparse/pages", 0)),
            self._where(),
        )  # fmt: skip

    def close(self) -> None:
        """Log the final line (wiping the live one) and detach from the log handlers."""
        self.log("Re-parse done")
        if self._clear is not None:
            for handler in logging.getLogger().handlers:
                handler.removeFilter(self._clear)
            self._clear = None


def _source_size(path: Path) -> int:
    """Input size for the ETA; 0 (no ETA) when unknown, e.g. an unreadable source (reported when read)."""
    try:
        return source_size(path)
    except (OSError, ValueError):
        return 0


def live_stream(setting: str) -> IO[str] | None:
    """``REPARSE_PROGRESS_LIVE`` (auto | on | off) -> stderr for a live line, or None for log lines."""
    value = str(setting or "auto").lower()
    if value in ("off", "0", "false", "no"):
        return None
    if value in ("on", "1", "true", "yes") or sys.stderr.isatty():
        return sys.stderr
    return None


_NOT_IN_REPARSE = ("scrapy.extensions.remote_control.RemoteControl", "scrapy.extensions.telnet.TelnetConsole")


class ReparseSpider(Spider):
    """Internal spider of ``scrapy reparse``: yields the site spiders' items for stored pages."""

    name = "reparse"
    # A re-parse is a fresh run over stored pages: its seen-store lives in memory, so it neither
    # drops pages as "unchanged" since an earlier run nor touches the live crawls' store.
    # Nothing is downloaded: no browser (its download handler would import playwright for nothing).
    custom_settings = {  # noqa: RUF012
        "LOGSTATS_INTERVAL": 0.0,
        "ROBOTSTXT_OBEY": False,
        "STATE_DIR": ":memory:",
        "BROWSER_ENABLED": False,
        # Nothing is downloaded: no download handlers (TLS set-up), no downloader middlewares (cookies' public
        # suffix list), no remote control server or telnet console to start (about 0.4 s of start-up).
        "DOWNLOAD_HANDLERS_BASE": {},
        "DOWNLOADER_MIDDLEWARES_BASE": {},
        "EXTENSIONS_BASE": {k: v for k, v in default_settings.EXTENSIONS_BASE.items() if k not in _NOT_IN_REPARSE},
    }

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
        self._dispatcher: SpiderDispatcher | None = None

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

    def dispatcher(self) -> SpiderDispatcher:
        """The site spiders, built once per run (a cluster worker runs start() once per file it takes)."""
        if self._dispatcher is None:
            self._dispatcher = SpiderDispatcher.from_crawler(
                self.crawler, only=self.only, spider_kwargs=self.spider_kwargs, fallback=self._fallback()
            )
        return self._dispatcher

    def _workers(self) -> int:
        """``REPARSE_WORKERS`` (``--workers``): processes extracting pages; 0 = one per core, 1 = in this process."""
        return available_workers(self.settings.getint("REPARSE_WORKERS", 0))

    def _page_handler(self, stats: Any) -> Callable[[StoredPage], list[Any]]:
        """A stored page -> its items, with the site spiders bound to this crawl (``stats``: where they count)."""
        skip = SkipCounter(stats)
        dispatcher = self.dispatcher()
        return lambda page: extract_page(page, dispatcher, skip, stats)

    def _worker_handler(self, stats: RecordingStats) -> Callable[[StoredPage], list[Any]]:
        """In a forked worker: this crawl's spiders, counting into the worker's recording stats."""
        self.crawler.stats = stats  # type: ignore[assignment]  # the worker's copy of the crawler only
        self._dispatcher = None  # spiders bound to the worker's stats, built in the worker
        return self._page_handler(stats)

    async def start(self) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        max_size = self.settings.getint("REPARSE_MAX_SIZE", DEFAULT_MAX_SIZE)
        skip = SkipCounter(stats)
        sizes = [_source_size(source) for source in self.sources]
        workers = self._workers()
        pool = WorkerPool(self._worker_handler, workers) if workers > 1 else None
        handle = self._page_handler(stats) if pool is None else None
        if pool is not None:
            logger.info("Re-parsing with %d worker processes", workers)
        progress = Progress(
            stats,
            self.settings.getfloat("REPARSE_PROGRESS_INTERVAL", 10.0),
            total_bytes=sum(sizes),
            live=live_stream(self.settings.get("REPARSE_PROGRESS_LIVE", "auto")),
        )

        def pages() -> Iterator[StoredPage]:
            for source, size in zip(self.sources, sizes, strict=True):
                logger.info("Re-parsing %s (%s)", source, _size(size))
                # Lazy: an HTML directory's files are read (and inflated) by whoever extracts the page.
                for page in read_source(source, skip, max_size, lazy=True):
                    progress.tick(page.position, size)
                    yield page
                progress.next_source(size)

        done = False
        try:
            if pool is None:
                assert handle is not None
                for page in pages():
                    for item in handle(page):
                        yield item
            else:
                for result in pool.results(pages()):
                    replay(result.stats, stats)
                    for item in result.items:
                        yield item
            done = True
        finally:
            progress.close()
            if pool is not None and done:
                pool.close()
            elif pool is not None:
                pool.terminate()
        stats.inc_value("news/reparse/records", progress.pages)
        if progress.pages == 0:
            # An empty input (a 0-byte .warc.gz, a WARC of only warcinfo/request records): not a success.
            names = ", ".join(str(s) for s in self.sources)
            fail_run(self.crawler, "no_records", f"no records in {names}")


def extract_page(page: StoredPage, dispatcher: SpiderDispatcher, skip: SkipCounter, stats: Any) -> list[Any]:
    """One stored page -> the items its site spider yields (counted; a spider's failure is counted, never raised)."""
    loaded = load_body(page, skip)
    if loaded is None:
        return []
    response = page_response(loaded, skip)
    if response is None:
        return []
    stats.inc_value("news/reparse/pages")
    try:
        outputs = list(dispatcher.dispatch(response))
    except Exception as exc:  # a spider bug on one page must not end the run
        skip("errors/spider_exception", page.origin, f"{response.url}: {exc!r}", logging.ERROR)
        logger.debug("Spider exception on %s", response.url, exc_info=True)
        return []
    finally:
        release(response)
    items = []
    for out in outputs:
        if isinstance(out, (Request, Response)):
            stats.inc_value("news/reparse/requests_ignored")
            continue
        stats.inc_value("news/reparse/items")
        items.append(out)
    return items
