"""Stored pages for a re-parse: WARC files, Scrapy HTTP cache directories, and directories of HTML files.

Every reader yields :class:`StoredPage` objects (one fetched HTTP response each) and reports what it
could not read through a :class:`SkipCounter` (stats ``news/reparse/skipped/<reason>`` and
``news/reparse/errors/<kind>``, plus one log line per problem), so a damaged input never stops a run.

Sources (``open_source(path)`` picks the reader):

- ``*.warc`` / ``*.warc.gz`` (also CC-NEWS: request, response, metadata records; chunked or
  gzip/deflate/br-encoded payloads). Only ``response`` records are pages; the rest are counted.
  A broken record is skipped by resynchronising on the next gzip member / ``WARC/`` header.
- A Scrapy HTTP cache directory (``.scrapy/httpcache`` or one spider's folder in it): the
  ``FilesystemCacheStorage`` layout (``<fp[:2]>/<fp>/pickled_meta`` + ``response_*``, gzipped or
  not) and ``DbmCacheStorage`` files (``<spider>.db``).
- A directory of ``.html`` / ``.html.gz`` files with a ``manifest.tsv`` naming their URLs (see
  :func:`read_html_dir`).
- A directory of WARC files (every ``*.warc``/``*.warc.gz`` under it, in name order).
"""

from __future__ import annotations

import dbm
import logging
import os
import pickle
import re
import types
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader

_inflate: types.ModuleType
try:  # ISA-L's inflate: the same gzip/deflate, about twice as fast as zlib (a re-parse reads every page through it)
    from isal import isal_zlib as _inflate
except ImportError:  # pragma: no cover - isal has no wheel for this platform: zlib does the same, slower
    _inflate = zlib

INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, _inflate.error)
"""What a damaged gzip/deflate stream raises."""
_BAD_FILE: tuple[type[Exception], ...] = (OSError, ValueError, *INFLATE_ERRORS)
"""What reading a stored page's file raises when the file is missing, cut short or not gzip."""
_BAD_PAYLOAD: tuple[type[Exception], ...] = (*_BAD_FILE, EOFError)
_BAD_CACHE_ENTRY: tuple[type[Exception], ...] = (*_BAD_PAYLOAD, pickle.UnpicklingError, KeyError)


def inflater(wbits: int) -> Any:
    """A ``zlib.decompressobj(wbits)`` (``16 + MAX_WBITS``: gzip; ``MAX_WBITS``: zlib; negative: raw deflate)."""
    return _inflate.decompressobj(wbits)


def gunzip(data: bytes) -> bytes:
    """``gzip.decompress``, through the faster inflate (every member of a multi-member file)."""
    out = []
    while data:
        d = inflater(16 + zlib.MAX_WBITS)
        out.append(d.decompress(data))
        if not d.eof:
            raise ValueError("truncated gzip data")
        data = d.unused_data.lstrip(b"\x00")
    return b"".join(out)


logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.tsv"
WARC_SUFFIXES = (".warc", ".warc.gz")
SNIFF_TAIL = 4096
"""Bytes looked at after the last record (blank lines there are padding, anything else a cut record)."""
HOP_BY_HOP = (b"transfer-encoding", b"content-encoding", b"content-length")
"""Headers describing the stored bytes, not the page: dropped once the payload is decoded."""


@dataclass
class StoredPage:
    """One stored HTTP response: final URL, status, headers (decoded payload), body, fetch time."""

    url: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    date: datetime | None = None
    origin: str = ""
    """Where it was read from (file and offset/key), for log lines."""
    position: int = 0
    """Bytes of the source read once this page is (counted like :func:`source_size`; for progress and ETA)."""
    extra: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    """The file still holding the body (``.html``/``.html.gz`` of a lazy :func:`read_html_dir`; ``body`` is empty):
    :func:`load_body` reads it where the page is extracted, so a re-parse's reader passes on a path, not the page."""
    max_size: int = 0
    """The size cap :func:`load_body` applies to ``file`` (0: none)."""


class SkipCounter:
    """Counts (stats) and logs everything a reader or the re-parse skips; logs each reason up to ``log_limit`` times."""

    def __init__(self, stats: Any = None, log_limit: int = 20) -> None:
        self.stats = stats
        self.log_limit = log_limit
        self.counts: dict[str, int] = {}

    def __call__(self, key: str, origin: str, detail: str = "", level: int = logging.WARNING) -> None:
        """Count ``news/reparse/<key>`` and log it with where it happened."""
        n = self.counts[key] = self.counts.get(key, 0) + 1
        if self.stats is not None:
            self.stats.inc_value(f"news/reparse/{key}")
        if n <= self.log_limit:
            detail = printable(detail)
            logger.log(level, "Re-parse %s: %s%s", key, printable(origin), f" ({detail})" if detail else "")
            if n == self.log_limit:
                logger.log(level, "Re-parse %s: further cases only counted", key)


Skip = Callable[..., None]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]")
_FIRST_LINE = re.compile(r"(Unknown archive format), first line: .*", re.DOTALL)


def printable(text: str, limit: int = 300, ascii_only: bool = False) -> str:
    """Text for a log line: binary never reaches the log (bytes from a damaged record are escaped).

    warcio's "Unknown archive format, first line: [...]" quotes the raw bytes it found: they are
    dropped. ``ascii_only`` escapes every non-ASCII character (for header text warcio decoded as latin-1).
    """
    text = _FIRST_LINE.sub(r"\1 (the bytes are not a WARC record header)", text)
    if ascii_only or _CONTROL.search(text):
        text = text.encode("ascii", "backslashreplace").decode("ascii")
        text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[:limit] + "..."


class _PrintableLog(logging.Filter):
    """warcio logs header values of damaged records ("Replacing spaces in invalid WARC-Target-URI: <bytes>")."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - let the handler report a malformed record
            return True
        record.msg, record.args = printable(message, 200, ascii_only=True), None
        return True


for _name in ("warcio", "warcio.recordloader", "warcio.archiveiterator"):
    logging.getLogger(_name).addFilter(_PrintableLog())


def _noop_skip(key: str, origin: str, detail: str = "", level: int = logging.WARNING) -> None:
    pass


# --- payload decoding ---------------------------------------------------------------------------


def _decode_content(encoding: bytes, body: bytes, max_size: int) -> bytes:
    """Undo one Content-Encoding (gzip, x-gzip, deflate, br, identity); raises ValueError when it fails."""
    enc = encoding.strip().lower()
    if enc in (b"", b"identity"):
        return body
    if enc in (b"gzip", b"x-gzip"):
        if body[:2] != b"\x1f\x8b":
            # Archivers (Common Crawl among them) may store the payload decoded but keep the header.
            return body
        d = inflater(16 + zlib.MAX_WBITS)
    elif enc == b"deflate":
        # Servers send either zlib-wrapped or raw deflate under this name.
        d = inflater(zlib.MAX_WBITS if body[:1] == b"\x78" else -zlib.MAX_WBITS)
    elif enc == b"br":
        import brotli

        try:
            out = brotli.decompress(body)
        except brotli.error as exc:
            raise ValueError(f"bad br payload: {exc}") from exc
        if max_size and len(out) > max_size:
            raise OverflowError(len(out))
        return bytes(out)
    else:
        raise ValueError(f"unknown Content-Encoding {encoding!r}")
    try:
        out = d.decompress(body, max_size + 1 if max_size else 0)
    except INFLATE_ERRORS as exc:
        raise ValueError(f"bad {enc.decode()} payload: {exc}") from exc
    if max_size and len(out) > max_size:
        raise OverflowError(len(out))
    if not d.eof:
        raise ValueError(f"truncated {enc.decode()} payload")
    return out


def decode_payload(
    headers: list[tuple[bytes, bytes]], body: bytes, max_size: int = 0
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Raw stored (headers, body) -> (headers without encoding headers, decoded body).

    Undoes ``Content-Encoding`` (last applied first). Raises ValueError (undecodable) or
    OverflowError (larger than ``max_size``).
    """
    encodings = [v for k, v in headers if k.lower() == b"content-encoding"]
    for value in reversed(encodings):
        for enc in reversed(value.split(b",")):
            body = _decode_content(enc, body, max_size)
    return [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP], body


def _to_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("latin-1", "replace")


# --- WARC ---------------------------------------------------------------------------------------


def _resync(fh: BinaryIO, start: int, gzipped: bool) -> int | None:
    """Offset of the next record start after ``start`` (gzip member or ``WARC/`` line), or None at EOF."""
    magic = b"\x1f\x8b\x08" if gzipped else b"\nWARC/1."
    fh.seek(start)
    tail = b""
    pos = start
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            return None
        buf = tail + chunk
        i = buf.find(magic, 1 if pos == start else 0)
        if i >= 0:
            found = pos - len(tail) + i
            return found if gzipped else found + 1
        tail = buf[-len(magic) :]
        pos += len(chunk)


def parse_warc_date(value: str | None) -> datetime | None:
    """``WARC-Date`` (``2024-05-01T10:00:00Z``, WARC/1.1 may add fractions of a second) -> aware datetime, or None."""
    if not value:
        return None
    try:
        text = value.strip()
        # Some writers emit both an offset and a Z ("...+00:00Z"): the Z is redundant then.
        text = text[:-1] if text.endswith("Z") and ("+" in text[10:] or text[10:].count("-")) else text
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def read_warc(path: Path, skip: Skip = _noop_skip, max_size: int = 0) -> Iterator[StoredPage]:
    """A ``.warc`` / ``.warc.gz`` file -> its response records as pages; other records counted and skipped."""
    with open(path, "rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
        offset: int | None = 0
        resynced = False  # the current attempt starts at a resynchronised position
        while offset is not None:
            attempt: int = offset  # where this attempt started
            fh.seek(attempt)
            # check_digests: a record whose WARC-Block-Digest / WARC-Payload-Digest does not match is
            # damaged (the only check a plain .warc has); records without digests are taken as they are.
            iterator = ArchiveIterator(fh, arc2warc=True, check_digests=True)
            last_good: int | None = None  # start of the last record read whole in this attempt
            # A page is handed out only once the iterator has moved past its record: warcio returns a
            # record's bytes before the gzip member's CRC is checked at its end, so a damaged member
            # would otherwise pass as a good page.
            pending: StoredPage | None = None
            pending_at = -1
            pending_record: Any = None
            try:
                for record in iterator:
                    start = iterator.offset  # this record's start until the iterator moves on
                    if pending is not None and _digest_ok(pending_record, pending, skip):
                        pending.position = fh.tell()  # compressed bytes consumed (warcio reads ahead a block)
                        yield pending
                    pending = None
                    if _garbled(record):
                        raise ValueError("garbled record header (control characters in WARC-Target-URI)")
                    page = _warc_page(record, f"{path.name}@{start}", skip, max_size)
                    last_good, resynced = start, False
                    pending, pending_at, pending_record = page, start, record
                if pending is not None and _digest_ok(pending_record, pending, skip):
                    pending.position = fh.tell()  # compressed bytes consumed (warcio reads ahead a block)
                    yield pending
                pending = None
                # warcio ends quietly when a record's header block is cut short (EOF while reading it):
                # bytes after the last whole record that made no record are a truncated one.
                end, size = iterator.offset, os.fstat(fh.fileno()).st_size
                if end < size and not (resynced and last_good is None):
                    fh.seek(end)
                    if fh.read(SNIFF_TAIL).strip():
                        skip(
                            "errors/truncated", f"{path.name}@{end}", f"{size - end} bytes after the last whole record"
                        )
                offset = None
            except Exception as exc:  # noqa: BLE001 - warcio raises zlib.error, EOFError, ArchiveLoadFailed, ValueError...
                member = iterator.member_info
                if pending is not None and member is not None and member[0] == pending_at:
                    # The pending record was read to its end (CRC checked): the damage is after it.
                    if _digest_ok(pending_record, pending, skip):
                        pending.position = fh.tell()
                        yield pending
                    last_good = iterator.offset if iterator.offset > pending_at else last_good
                pending = None
                # A corrupt member can make the decoder read on into the next records, so the search for
                # the next record starts right after the last good record's start (or this attempt's),
                # never where the decoder stopped. Failing again at a resync point is the same damage:
                # counted once.
                if not (resynced and last_good is None):
                    bad_at = iterator.offset if last_good is None else last_good
                    kind = "errors/truncated" if _is_truncation(exc) else "errors/broken_record"
                    skip(kind, f"{path.name}@{bad_at}", f"{type(exc).__name__}: {exc}"[:300])
                offset = _resync(fh, attempt if last_good is None else last_good, gzipped)
                resynced = True


def _digest_ok(record: Any, page: StoredPage, skip: Skip) -> bool:
    """False (counted as ``errors/digest_mismatch``) when the record's WARC digests did not match its bytes."""
    checker = getattr(record, "digest_checker", None)
    if checker is None or checker.passed is not False:
        return True
    skip("errors/digest_mismatch", page.origin, "; ".join(checker.problems)[:200])
    return False


_HOST = re.compile(r"[\w.-]+(:\d{1,5})?|\[[0-9a-fA-F:.]+\](:\d{1,5})?")


def _garbled(record: Any) -> bool:
    """A header no writer produces: a corrupt gzip member decoded into the next records' bytes, or a
    damaged plain WARC whose header block ran into page text (``<``, ``>``, ``"`` in the URI, which
    crawlers always percent-encode; no Content-Length, which every WARC record has)."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if any(ch < " " or ch in '\x7f\ufffd<>"' for ch in uri):
        return True
    if uri.lower().startswith(("http://", "https://")):
        host = uri.split("://", 1)[1].split("/", 1)[0].rpartition("@")[2]
        if not _HOST.fullmatch(host):
            return True
    return record.format == "warc" and record.rec_headers.get_header("Content-Length") is None


def _is_truncation(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, EOFError) or "truncat" in text or "end-of-stream" in text or "incomplete" in text


def _warc_page(record: Any, origin: str, skip: Skip, max_size: int) -> StoredPage | None:
    """One WARC record -> a page (response records with an HTTP status line), else None (counted)."""
    rec_type = record.rec_type
    if rec_type != "response":
        skip(f"records/{rec_type}", origin, level=logging.DEBUG)
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    http = record.http_headers
    if http is None or not url.lower().startswith(("http://", "https://")):
        skip("skipped/not_http", origin, url, level=logging.DEBUG)
        return None
    try:
        status = int(http.get_statuscode() or 0)
    except ValueError:
        status = 0
    headers = [(_to_bytes(k), _to_bytes(v)) for k, v in http.headers]
    # warcio undoes the chunking; Content-Encoding is undone here, strictly, so that a truncated
    # gzip payload is a counted skip rather than half a page. One byte past the limit spots huge pages.
    stream = record.raw_stream
    if (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
        stream = ChunkedDataReader(stream)
    try:
        raw = stream.read(max_size + 1) if max_size else stream.read()
        if max_size and len(raw) > max_size:
            raise OverflowError(len(raw))
        if getattr(record.raw_stream, "limit", 0) > 0:
            # The file ended before the record's Content-Length: a truncated (cut) archive.
            skip("errors/truncated", origin, f"{url}: record cut short")
            return None
        headers, body = decode_payload(headers, raw, max_size)
    except OverflowError:
        skip("skipped/too_large", origin, f"{url}: more than {max_size} bytes")
        return None
    except _BAD_PAYLOAD as exc:
        skip("skipped/bad_payload", origin, f"{url}: {exc}")
        return None
    headers = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
    date = parse_warc_date(record.rec_headers.get_header("WARC-Date"))
    return StoredPage(url, status, headers, body, date, origin)


# --- Scrapy HTTP cache ---------------------------------------------------------------------------


def _read_maybe_gz(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        # HTTPCACHE_GZIP=True gzips every file of the entry.
        data = gunzip(data)
    return data


def _parse_header_block(raw: bytes) -> list[tuple[bytes, bytes]]:
    """``Name: value`` lines (Scrapy's ``headers_dict_to_raw``) -> pairs."""
    out = []
    for line in raw.splitlines():
        if b":" in line:
            k, v = line.split(b":", 1)
            out.append((k.strip(), v.strip()))
    return out


def read_fs_cache_entry(entry: Path, skip: Skip = _noop_skip, max_size: int = 0) -> StoredPage | None:
    """One FilesystemCacheStorage entry directory -> a page, or None (counted)."""
    origin = f"{entry.parent.parent.name}/{entry.name}"
    try:
        meta = pickle.loads(_read_maybe_gz(entry / "pickled_meta"))
        headers = _parse_header_block(_read_maybe_gz(entry / "response_headers"))
        body = _read_maybe_gz(entry / "response_body")
        headers, body = decode_payload(headers, body, max_size)
    except OverflowError:
        skip("skipped/too_large", origin)
        return None
    except _BAD_CACHE_ENTRY as exc:
        skip("errors/bad_cache_entry", origin, f"{type(exc).__name__}: {exc}")
        return None
    url = meta.get("response_url") or meta.get("url") or ""
    ts = meta.get("timestamp")
    date = datetime.fromtimestamp(ts, timezone.utc) if isinstance(ts, (int, float)) else None
    return StoredPage(url, int(meta.get("status", 200)), headers, body, date, origin)


def read_dbm_cache(path: Path, skip: Skip = _noop_skip, max_size: int = 0) -> Iterator[StoredPage]:
    """A DbmCacheStorage database (``<spider>.db``) -> its pages."""
    try:
        db = dbm.open(str(path), "r")  # noqa: SIM115 - closed by the with block below
    except Exception as exc:  # noqa: BLE001 - dbm.error is a tuple of backend errors
        skip("errors/bad_cache_db", path.name, str(exc))
        return
    with db:
        keys: list[bytes] = [k if isinstance(k, bytes) else k.encode() for k in db.keys()]  # noqa: SIM118 - dbm objects are not iterable
        entries = sorted(k for k in keys if k.endswith(b"_data"))
        size = _dbm_size(path)
        for n, key in enumerate(entries, 1):
            origin = f"{path.name}:{key[:-5].decode(errors='replace')}"
            try:
                data = pickle.loads(db[key])
                raw_headers = data["headers"]
                headers = [
                    (_to_bytes(k), _to_bytes(v))
                    for k, vs in raw_headers.items()
                    for v in (vs if isinstance(vs, list) else [vs])
                ]
                headers, body = decode_payload(headers, data["body"], max_size)
                ts = db.get(key[:-5] + b"_time")
                date = datetime.fromtimestamp(float(ts), timezone.utc) if ts else None
            except OverflowError:
                skip("skipped/too_large", origin)
                continue
            except Exception as exc:  # noqa: BLE001 - a damaged entry: pickle, KeyError, ValueError...
                skip("errors/bad_cache_entry", origin, f"{type(exc).__name__}: {exc}")
                continue
            # A database is read by key, not in file order: its share of the file stands for the bytes read.
            yield StoredPage(data["url"], int(data["status"]), headers, body, date, origin, size * n // len(entries))


def _dbm_files(root: Path) -> list[Path]:
    """DBM cache databases under ``root``: ``x.db`` (gdbm/ndbm) or ``x.db.dat`` (dbm.dumb) -> ``x.db``."""
    found = set()
    for p in root.rglob("*.db*"):
        base = p.with_suffix("") if p.suffix in (".dat", ".dir", ".bak", ".pag") else p
        if base.name.endswith(".db") and dbm.whichdb(str(base)):
            found.add(base)
    return sorted(found)


def read_cache_dir(root: Path, skip: Skip = _noop_skip, max_size: int = 0) -> Iterator[StoredPage]:
    """A Scrapy HTTP cache directory (filesystem and/or DBM storage) -> its pages, entries in path order."""
    done = 0
    for meta in sorted(root.rglob("pickled_meta")):
        page = read_fs_cache_entry(meta.parent, skip, max_size)
        done += _dir_size(meta.parent)
        if page is not None:
            page.position = done
            yield page
    for db in _dbm_files(root):
        for page in read_dbm_cache(db, skip, max_size):
            page.position += done
            yield page
        done += _dbm_size(db)


# --- directory of HTML files ----------------------------------------------------------------------


def parse_manifest(path: Path) -> list[tuple[str, str, datetime | None]]:
    """``manifest.tsv`` -> [(file, url, fetched)].

    Format: UTF-8 text, one page per line, tab-separated ``FILE<TAB>URL[<TAB>FETCHED]``; FILE is
    relative to the manifest's directory (``.html`` or ``.html.gz``), FETCHED an optional ISO 8601
    time (UTC when it has no offset) used as the page's crawl date. Blank lines and lines starting
    with ``#`` are ignored.
    """
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.rstrip("\r\n").split("\t")
        if len(parts) < 2 or not parts[1].strip():
            raise ValueError(f"{path.name} line {n}: expected FILE<TAB>URL[<TAB>FETCHED]")
        fetched = None
        if len(parts) > 2 and parts[2].strip():
            fetched = datetime.fromisoformat(parts[2].strip().replace("Z", "+00:00"))
            if fetched.tzinfo is None:
                fetched = fetched.replace(tzinfo=timezone.utc)
        rows.append((parts[0].strip(), parts[1].strip(), fetched))
    return rows


def _file_body(name: str, data: bytes, max_size: int) -> bytes:
    """A stored page file's bytes -> the page (``.gz``: inflated, at most ``max_size + 1`` bytes of it)."""
    if not name.endswith(".gz"):
        return data
    d = inflater(16 + zlib.MAX_WBITS)
    body: bytes = d.decompress(data, max_size + 1 if max_size else 0)
    if not d.eof and not (max_size and len(body) > max_size):
        raise ValueError("truncated gzip file")
    return body


def load_body(page: StoredPage, skip: Skip = _noop_skip) -> StoredPage | None:
    """A page whose body is still in its file (:attr:`StoredPage.file`) -> the page with its body; None when the
    file cannot be read or is over the size cap (counted as :func:`read_html_dir` counts them). Others: as given."""
    if page.file is None:
        return page
    try:
        body = _file_body(page.file, Path(page.file).read_bytes(), page.max_size)
    except _BAD_FILE as exc:
        skip("errors/bad_file", page.origin, f"{type(exc).__name__}: {exc}")
        return None
    if page.max_size and len(body) > page.max_size:
        skip("skipped/too_large", page.origin, f"{page.url}: more than {page.max_size} bytes")
        return None
    return replace(page, body=body, file=None)


def read_html_dir(
    root: Path, skip: Skip = _noop_skip, max_size: int = 0, *, lazy: bool = False
) -> Iterator[StoredPage]:
    """A directory with ``manifest.tsv`` and ``.html``/``.html.gz`` files -> pages (files not listed are counted).

    ``lazy``: pages carry their file instead of their body (:attr:`StoredPage.file`, read by :func:`load_body`).
    """
    rows = parse_manifest(root / MANIFEST_NAME)
    listed = set()
    done = 0
    for name, url, fetched in rows:
        listed.add(name)
        path = root / name
        try:
            done += path.stat().st_size
        except OSError as exc:
            skip("errors/bad_file", name, f"{type(exc).__name__}: {exc}")
            continue
        page = StoredPage(url, 200, [(b"Content-Type", b"text/html")], b"", fetched, name, done, file=str(path),
                          max_size=max_size)  # fmt: skip
        loaded = page if lazy else load_body(page, skip)
        if loaded is not None:
            yield loaded
    for path in sorted(root.rglob("*.htm*")):
        rel = path.relative_to(root).as_posix()
        if rel not in listed and rel.endswith((".html", ".html.gz", ".htm")):
            skip("skipped/not_in_manifest", rel, level=logging.INFO)


# --- dispatch on the kind of source ---------------------------------------------------------------


def source_kind(path: Path) -> str:
    """``warc`` | ``warc_dir`` | ``html_dir`` | ``cache_dir``; raises ValueError for anything else."""
    if path.is_file():
        if path.name.endswith(WARC_SUFFIXES) or path.name.endswith(".warc.gz.open"):
            return "warc"
        raise ValueError(f"{path}: not a .warc/.warc.gz file or a directory")
    if not path.is_dir():
        raise ValueError(f"{path}: no such file or directory")
    if (path / MANIFEST_NAME).is_file():
        return "html_dir"
    if next(path.rglob("pickled_meta"), None) is not None or _dbm_files(path):
        return "cache_dir"
    if any(p.name.endswith(WARC_SUFFIXES) for p in path.rglob("*.warc*")):
        return "warc_dir"
    raise ValueError(f"{path}: no WARC files, {MANIFEST_NAME} or Scrapy HTTP cache found")


def _dir_size(path: Path) -> int:
    """Bytes of the files directly in ``path`` (one HTTP cache entry)."""
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def _dbm_size(base: Path) -> int:
    """Bytes of a DBM database (``x.db`` or dbm.dumb's ``x.db.dat``/``.dir``)."""
    return sum(p.stat().st_size for p in base.parent.glob(base.name + "*") if p.is_file())


def source_size(path: Path) -> int:
    """Bytes the reader of ``path`` goes through: the total that :attr:`StoredPage.position` runs up to."""
    kind = source_kind(path)
    if kind == "warc":
        return path.stat().st_size
    if kind == "warc_dir":
        return sum(p.stat().st_size for p in warc_files(path))
    if kind == "html_dir":
        files = {name for name, _, _ in parse_manifest(path / MANIFEST_NAME)}
        return sum((path / name).stat().st_size for name in files if (path / name).is_file())
    return sum(_dir_size(meta.parent) for meta in path.rglob("pickled_meta")) + sum(
        _dbm_size(db) for db in _dbm_files(path)
    )


SNIFF_BYTES = 1 << 20


def looks_like_warc(path: Path) -> bool | None:
    """A WARC file? None when it is empty (0 bytes), else whether a WARC (or ARC) record starts in its first MiB.

    Gzip WARCs: some gzip member there must decode to ``WARC/`` (damaged members before it are fine).
    Random bytes named ``.warc.gz`` are not a WARC: a usage error, not a run with "0 pages".
    """
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head:
        return None
    starts = (b"WARC/", b"filedesc://")
    if head.startswith(starts):
        return True
    if head[:2] != b"\x1f\x8b":
        return b"\nWARC/1." in head
    at = 0
    while (at := head.find(b"\x1f\x8b\x08", at)) >= 0:
        try:
            if zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head[at:], 16).startswith(starts):
                return True
        except zlib.error:
            pass
        at += 1
    return False


def warc_files(root: Path) -> list[Path]:
    """``*.warc`` / ``*.warc.gz`` under ``root``, in name order."""
    return sorted(q for q in root.rglob("*.warc*") if q.name.endswith(WARC_SUFFIXES))


def check_source(path: Path) -> str:
    """``source_kind`` plus a look inside: raises ValueError for input that is no WARC/cache/HTML directory."""
    kind = source_kind(path)
    if kind == "warc" and looks_like_warc(path) is False:
        raise ValueError(f"{path}: not a WARC file (no WARC record found in its first {SNIFF_BYTES >> 20} MiB)")
    if kind == "warc_dir":
        found = [looks_like_warc(p) for p in warc_files(path)]
        if found and not any(f is not False for f in found):
            raise ValueError(f"{path}: none of its {len(found)} .warc/.warc.gz files is a WARC file")
    return kind


def read_source(path: Path, skip: Skip = _noop_skip, max_size: int = 0, *, lazy: bool = False) -> Iterator[StoredPage]:
    """Any supported source (see the module docstring) -> its pages (``position``: bytes of it read).

    ``lazy``: pages of an HTML directory carry their file, not their body (see :func:`load_body`).
    """
    kind = source_kind(path)
    if kind == "warc":
        yield from read_warc(path, skip, max_size)
    elif kind == "warc_dir":
        done = 0
        for p in warc_files(path):
            if looks_like_warc(p) is False:
                skip("errors/not_warc", p.name, "no WARC record found")
                done += p.stat().st_size
                continue
            for page in read_warc(p, skip, max_size):
                page.position += done
                yield page
            done += p.stat().st_size
    elif kind == "html_dir":
        yield from read_html_dir(path, skip, max_size, lazy=lazy)
    else:
        yield from read_cache_dir(path, skip, max_size)
