"""Archive while crawling: every downloaded request/response pair goes to rotating gzip WARC/1.1 files.

Settings (the extension is off unless ``ARCHIVE_WARC_DIR`` is set):

- ``ARCHIVE_WARC_DIR``: directory for the files (created if missing).
- ``ARCHIVE_WARC_MAX_SIZE``: bytes after which the next file starts (default 1 GiB).
- ``ARCHIVE_WARC_PREFIX``: file name prefix (default ``BOT_NAME``); files are
  ``<prefix>-<spider>-<run id>-<00000>.warc.gz``.

A file being written is named ``….warc.gz.open`` and renamed when it is complete (on rotation and
when the spider closes), so a finished name always means a complete file. Each file starts with a
``warcinfo`` record; then per download a ``request`` and a ``response`` record (``WARC-Date``,
``WARC-Target-URI``, ``WARC-Payload-Digest``, ``WARC-Concurrent-To``). The response body is stored as
received (still Content-Encoded; chunking already undone, so ``Transfer-Encoding`` is dropped).
The WARC-Date is also put in the request's ``news_crawl_date`` meta (unless set), so an article's
``fetched_at`` names the record it came from. Stats: ``news/archive/records``, ``news/archive/files``,
``news/archive/bytes``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from crawler.extract.page import META_CRAWL_DATE
from crawler.runinfo import run_id

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveConfig:
    """``ARCHIVE_*`` settings."""

    directory: Path
    max_size: int
    prefix: str

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ArchiveConfig:
        directory = settings.get("ARCHIVE_WARC_DIR")
        if not directory:
            raise NotConfigured  # no message: archiving off is the normal case
        max_size = settings.getint("ARCHIVE_WARC_MAX_SIZE", 1 << 30)
        if max_size <= 0:
            raise ValueError("ARCHIVE_WARC_MAX_SIZE must be a positive number of bytes")
        return cls(Path(directory), max_size, settings.get("ARCHIVE_WARC_PREFIX") or settings.get("BOT_NAME", "crawl"))


def _headers(headers: Any, drop: tuple[bytes, ...] = ()) -> list[tuple[str, str]]:
    """Scrapy Headers -> (name, value) string pairs, one per value, minus ``drop`` names (lower-case)."""
    out = []
    for name, values in headers.items():
        if name.lower() in drop:
            continue
        for value in values:
            out.append((name.decode("latin-1"), value.decode("latin-1")))
    return out


class WarcWriterFiles:
    """Rotating gzip WARC/1.1 files in one directory; ``write_pair`` appends a request + response."""

    def __init__(self, config: ArchiveConfig, stem: str, software: str = "byline") -> None:
        self.config = config
        self.stem = stem
        self.software = software
        self.serial = 0
        self.fh: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.path: Path | None = None
        self.closed_files: list[Path] = []

    def _open(self) -> None:
        self.config.directory.mkdir(parents=True, exist_ok=True)
        name = f"{self.stem}-{self.serial:05d}.warc.gz"
        self.serial += 1
        self.path = self.config.directory / name
        self.fh = open(self.path.with_name(name + ".open"), "wb")  # noqa: SIM115 - open across many writes
        self.writer = WARCWriter(self.fh, gzip=True, warc_version="1.1")
        info = self.writer.create_warcinfo_record(name, {"software": self.software, "format": "WARC File Format 1.1"})
        self.writer.write_record(info)

    def write_pair(self, request_record: Any, response_record: Any) -> int:
        """Append both records (opening/rotating files as needed); returns bytes written."""
        if self.writer is None:
            self._open()
        assert self.writer is not None and self.fh is not None
        before = self.fh.tell()
        self.writer.write_request_response_pair(request_record, response_record)
        written = self.fh.tell() - before
        if self.fh.tell() >= self.config.max_size:
            self.close()
        return written

    def close(self) -> None:
        """Finish the current file: flush, close, drop the ``.open`` suffix."""
        if self.fh is None or self.path is None:
            return
        self.fh.close()
        os.replace(self.path.with_name(self.path.name + ".open"), self.path)
        self.closed_files.append(self.path)
        self.fh = self.writer = None
        self.path = None


class WarcArchive:
    """Extension: archives every downloaded response (and its request) while crawling."""

    def __init__(self, crawler: Crawler, config: ArchiveConfig) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.files: WarcWriterFiles | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchive:
        ext = cls(crawler, ArchiveConfig.from_settings(crawler.settings))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        stem = f"{self.config.prefix}-{spider.name}-{run_id(self.crawler)}"
        self.files = WarcWriterFiles(self.config, stem, software=f"{self.crawler.settings.get('BOT_NAME')} (Scrapy)")
        logger.info("Archiving responses to %s/%s-*.warc.gz", self.config.directory, stem)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if self.files is None:
            return
        when = datetime.now(timezone.utc)
        request.meta.setdefault(META_CRAWL_DATE, when)
        writer = WARCWriter(BytesIO(), warc_version="1.1")  # record factory only
        warc_date = datetime_to_iso_date(when.replace(tzinfo=None), use_micros=True)  # naive UTC: warcio adds the Z
        uri = response.url
        parts = urlsplit(request.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_headers = _headers(request.headers, (b"host",))
        req_http = StatusAndHeaders(
            f"{request.method} {path} HTTP/1.1", [("Host", parts.netloc), *req_headers], is_http_request=True
        )
        req_rec = writer.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body or b""),
            http_headers=req_http,
            warc_headers_dict={"WARC-Date": warc_date},
        )
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = "Unknown"
        # The download handler already undid chunking: the stored body is the de-chunked one.
        resp_headers = _headers(response.headers, (b"transfer-encoding",))
        resp_headers = [(k, v) for k, v in resp_headers if k.lower() != "content-length"]
        resp_headers.append(("Content-Length", str(len(response.body))))
        protocol = response.protocol or "HTTP/1.1"
        resp_http = StatusAndHeaders(f"{response.status} {phrase}", resp_headers, protocol=protocol)
        warc_headers = {"WARC-Date": warc_date}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        resp_rec = writer.create_warc_record(
            uri, "response", payload=BytesIO(response.body), http_headers=resp_http, warc_headers_dict=warc_headers
        )
        try:
            written = self.files.write_pair(req_rec, resp_rec)
        except OSError as exc:
            # A full disk must not pass silently: the run is marked failed and archiving stops.
            from crawler.runinfo import fail_run

            self.files = None
            fail_run(self.crawler, "archive_failed", f"cannot write WARC: {exc}")
            return
        self.stats.inc_value("news/archive/records", 2)
        self.stats.inc_value("news/archive/bytes", written)

    def spider_closed(self, spider: Spider) -> None:
        if self.files is None:
            return
        self.files.close()
        self.stats.set_value("news/archive/files", len(self.files.closed_files))
        for path in self.files.closed_files:
            logger.info("Archive written: %s", path)
