"""Pages larger than DOWNLOAD_MAXSIZE are skipped and counted, never half-read or retried.

A crawl uses the same cap as a re-parse (``REPARSE_MAX_SIZE``, 10 MiB): the project settings set
``DOWNLOAD_MAXSIZE = 10 MiB`` and ``DOWNLOAD_WARNSIZE`` (:data:`DEFAULT_MAXSIZE`,
:data:`DEFAULT_WARNSIZE`). Scrapy's HTTP handler then cancels such a download - before reading
the body when ``Content-Length`` says so, or as soon as the bytes received pass the cap (so memory
stays bounded) - but it only logs a warning and fails the request with ``DownloadCancelledError``
(with no message in the streamed case, where it also logs an "Error downloading" traceback).
:class:`SizeCapMiddleware` turns that failure into a counted, quiet skip:
``news/download/too_large`` (and ``news/download/too_large_bytes``, the size seen), one log line
per page, the request dropped (``IgnoreRequest``: no retry, no "Error downloading" traceback).

Register it between RetryMiddleware (550) and HttpCompressionMiddleware (590), e.g. at 560.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response

from crawler.archive.reparse_spider import DEFAULT_MAX_SIZE

logger = logging.getLogger(__name__)

DEFAULT_MAXSIZE = DEFAULT_MAX_SIZE
"""10 MiB: the DOWNLOAD_MAXSIZE the project sets, equal to re-parse's REPARSE_MAX_SIZE."""
DEFAULT_WARNSIZE = 4 * 1024 * 1024
"""4 MiB: DOWNLOAD_WARNSIZE (a news page is rarely above 1 MiB of HTML)."""
_SIZE = re.compile(r"(?:receive|Received) (\d+) bytes which is larger than download max size")


class PageTooLarge(IgnoreRequest):
    """The page is larger than DOWNLOAD_MAXSIZE: skipped (counted in ``news/download/too_large``)."""


class SizeCapMiddleware:
    """Downloader middleware: a download cancelled for DOWNLOAD_MAXSIZE -> counted skip (no retry)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.received: dict[int, int] = {}
        """id(request) -> body bytes received so far (the streamed case's error says nothing)."""
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SizeCapMiddleware:
        return cls(crawler)

    def _bytes_received(self, data: bytes, request: Request, spider: Spider | None = None) -> None:
        self.received[id(request)] = self.received.get(id(request), 0) + len(data)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        self.received.pop(id(request), None)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> Any:
        received = self.received.pop(id(request), 0)
        if not isinstance(exception, DownloadCancelledError):
            return None
        limit = int(request.meta.get("download_maxsize", self.maxsize))
        found = _SIZE.search(str(exception))
        if found is None and not (limit and received > limit):
            return None  # cancelled for another reason
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("news/download/too_large")
        size = int(found.group(1)) if found else received
        stats.max_value("news/download/too_large_bytes", size)
        logger.warning("Page skipped, larger than DOWNLOAD_MAXSIZE (%d bytes): %s", limit, request.url)
        raise PageTooLarge(f"larger than DOWNLOAD_MAXSIZE ({limit} bytes): {request.url}")
