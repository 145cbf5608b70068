"""Offline replay: ``REPLAY_ARCHIVE=FILE.warc.gz`` serves every request of a crawl from WARC files.

A downloader middleware (placed next to the downloader, like the HTTP cache) answers each request
with the archived response for its URL; a URL not in the archive gets an empty 404 response
(``news/replay/missing``), so nothing ever reaches the network. robots.txt, feeds, sitemaps,
listings and redirects are replayed like any page. ``REPLAY_ARCHIVE`` is a WARC file, a directory of
WARC files, or several of either separated by commas. The first archived response of a URL wins.

The response carries the record's ``WARC-Date`` as ``news_crawl_date`` meta, so a replayed article
gets the same ``fetched_at`` as when it was recorded. Stats: ``news/replay/served``,
``news/replay/missing``, ``news/replay/records`` (size of the index).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.sources import HOP_BY_HOP, WARC_SUFFIXES, parse_warc_date
from crawler.extract.page import META_CRAWL_DATE

logger = logging.getLogger(__name__)


def archive_key(url: str) -> str:
    """A request URL -> the key of the archived response fetched from it: the URL as fetched, in canonical form
    (sorted query, no fragment; tracking parameters kept). Not :func:`crawler.extract.clean.dedupe_key`."""
    return canonicalize_url(url, keep_fragments=False)


@dataclass(frozen=True)
class _Location:
    path: Path
    offset: int


def archive_files(spec: str) -> list[Path]:
    """``REPLAY_ARCHIVE`` value -> WARC files (a file, or a directory's ``*.warc[.gz]``; comma-separated)."""
    files: list[Path] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        path = Path(part)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.warc*") if p.name.endswith(WARC_SUFFIXES))
            if not found:
                raise ValueError(f"REPLAY_ARCHIVE: no .warc/.warc.gz files in {path}")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise ValueError(f"REPLAY_ARCHIVE: {path} does not exist")
    if not files:
        raise ValueError("REPLAY_ARCHIVE names no file")
    return files


class ArchiveIndex:
    """URL -> location of its first ``response`` record, over one or more WARC files."""

    def __init__(self, files: list[Path]) -> None:
        self.locations: dict[str, _Location] = {}
        for path in files:
            with open(path, "rb") as fh:
                iterator = ArchiveIterator(fh, arc2warc=True)
                try:
                    for record in iterator:
                        if record.rec_type == "response" and record.http_headers is not None:
                            uri = record.rec_headers.get_header("WARC-Target-URI")
                            if uri:
                                self.locations.setdefault(archive_key(uri), _Location(path, iterator.offset))
                except Exception as exc:  # noqa: BLE001 - damaged tail: keep what was indexed before it
                    logger.error("REPLAY_ARCHIVE %s: unreadable after %d records (%s)", path, len(self.locations), exc)

    def __len__(self) -> int:
        return len(self.locations)

    def response_for(self, request: Request) -> Response | None:
        """The archived response for ``request``'s URL (payload decoded), or None."""
        loc = self.locations.get(archive_key(request.url))
        if loc is None:
            return None
        with open(loc.path, "rb") as fh:
            fh.seek(loc.offset)
            record = next(iter(ArchiveIterator(fh, arc2warc=True)))
            http = record.http_headers
            # content_stream() undoes chunking and Content-Encoding; their headers go with them.
            body = record.content_stream().read()
        raw = [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in http.headers]
        headers = [(k, v) for k, v in raw if k.lower() not in HOP_BY_HOP]
        date = parse_warc_date(record.rec_headers.get_header("WARC-Date"))
        if date:
            request.meta.setdefault(META_CRAWL_DATE, date)
        status = int(http.get_statuscode() or 200)
        url = request.url
        scrapy_headers = Headers(headers)
        cls = responsetypes.from_args(headers=scrapy_headers, url=url, body=body)
        return cls(url=url, status=status, headers=scrapy_headers, body=body, request=request, flags=["replay"])


def isolate_replay_state(settings: BaseSettings) -> None:
    """With ``REPLAY_ARCHIVE`` set, the seen-store (``STATE_DIR``) is in memory for the run (add-on priority).

    An archive is not the live site: a replay must not mark the live site's articles as fetched or
    exported, and replaying twice must give the same articles twice. ``-s STATE_DIR=...`` overrides.
    """
    if settings.get("REPLAY_ARCHIVE"):
        settings.set("STATE_DIR", ":memory:", priority="addon")


class ReplayMiddleware:
    """Downloader middleware: answers every request from ``REPLAY_ARCHIVE`` (404 when missing)."""

    def __init__(self, crawler: Crawler, index: ArchiveIndex) -> None:
        self.stats = crawler.stats
        self.index = index
        self.missing_logged = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        spec = crawler.settings.get("REPLAY_ARCHIVE")
        if not spec:
            raise NotConfigured  # no message: replay off is the normal case, not worth a warning
        # A missing archive is an error, not "replay off": the crawl must never go online instead.
        index = ArchiveIndex(archive_files(str(spec)))
        crawler.stats.set_value("news/replay/records", len(index))
        logger.info("Replaying %d archived responses from %s", len(index), spec)
        return cls(crawler, index)

    def process_request(self, request: Request) -> Response:
        response = self.index.response_for(request)
        if response is not None:
            self.stats.inc_value("news/replay/served")
            return response
        self.stats.inc_value("news/replay/missing")
        if self.missing_logged < 20:
            self.missing_logged += 1
            logger.info("Not in the replay archive (404): %s", request.url)
        return Response(request.url, status=404, body=b"", request=request, flags=["replay", "missing"])
