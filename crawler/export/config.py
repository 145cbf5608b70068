"""EXPORT_* settings -> a frozen :class:`ExportConfig`; EXPORT_URI templates -> destination prefixes."""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from crawler.checks import STATIC_FIELDS, check_export_uri
from crawler.export.formats import PARQUET_COMPRESSIONS
from crawler.redact import split_credentials
from crawler.state.store import default_state_dir

FORMATS = {"jsonlines": "jsonl", "jsonl": "jsonl", "json": "json", "parquet": "parquet"}
"""EXPORT_FORMAT value -> file extension of a part."""
# STATIC_FIELDS (crawler.checks): placeholders known for the whole run; any other ``{field}`` is read
# from each article (partitioning).
_UNSAFE = re.compile(r"[^\w.=-]+", re.UNICODE)


def default_spool_dir() -> Path:
    """Per-user spool: ``$XDG_STATE_HOME/byline/export-spool`` (``~/.local/state/...`` when unset)."""
    return default_state_dir() / "export-spool"


def normalise_uri(uri: str) -> str:
    """``s3://b/p``, ``file:///p`` or a plain path -> ``s3://b/p/`` / ``file:///abs/p/`` (always a prefix)."""
    if uri.startswith("s3://"):
        return uri if uri.endswith("/") else uri + "/"
    path = unquote(urlsplit(uri).path) if uri.startswith("file://") else uri
    return "file://" + os.path.abspath(os.path.expanduser(path)).rstrip("/") + "/"


@dataclass(frozen=True)
class ExportConfig:
    """What EXPORT_* asks for. Raises NotConfigured when EXPORT_URI is unset, UsageProblem when it cannot work.

    ``uri`` never holds credentials: ``s3://KEY:SECRET@bucket/`` (Scrapy's FEEDS form) is split into
    ``uri`` = ``s3://bucket/`` and ``access_key`` / ``secret_key`` (kept out of ``repr``, logs and files).
    """

    uri: str
    format: str = "jsonlines"
    gzip: bool = False
    # Level 1: a crawl spends ~0.3 s per 60 MB of JSON on it, level 6 ~1.4 s for parts ~30% smaller.
    gzip_level: int = 1
    batch_items: int = 1000
    batch_seconds: float = 300.0
    max_open_parts: int = 64
    spool_dir: Path = Path()
    retry_backoff: float = 1.0
    retry_backoff_max: float = 60.0
    retry_close_timeout: float = 60.0
    s3_timeout: float = 30.0
    multipart_threshold: int = 64 * 1024 * 1024
    multipart_chunk: int = 16 * 1024 * 1024
    encoding: str = "utf-8"
    fields: tuple[str, ...] | None = None
    indent: int | None = 0
    parquet_compression: str = "zstd"
    """EXPORT_PARQUET_COMPRESSION: codec of Parquet parts (zstd, snappy, gzip, brotli, lz4, none)."""
    row_group_items: int = 10_000
    """EXPORT_PARQUET_ROW_GROUP_ITEMS: rows per Parquet row group (a part holds one or more)."""
    access_key: str | None = dataclass_field(default=None, repr=False)
    secret_key: str | None = dataclass_field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ExportConfig:
        uri = settings.get("EXPORT_URI")
        if not uri:
            raise NotConfigured("EXPORT_URI is not set")
        check_export_uri(str(uri))  # a bad URI must fail the run, not disable the export (NotConfigured)
        uri, access_key, secret_key = split_credentials(str(uri))
        fmt = str(settings.get("EXPORT_FORMAT") or "jsonlines").lower()
        if fmt not in FORMATS:
            raise NotConfigured(f"EXPORT_FORMAT must be one of {sorted(FORMATS)}, not {fmt!r}")
        codec = str(settings.get("EXPORT_PARQUET_COMPRESSION") or "zstd").lower()
        if codec not in PARQUET_COMPRESSIONS:
            raise NotConfigured(f"EXPORT_PARQUET_COMPRESSION must be one of {PARQUET_COMPRESSIONS}, not {codec!r}")
        spool = settings.get("EXPORT_SPOOL_DIR")
        fields = settings.getlist("FEED_EXPORT_FIELDS") or None
        indent = settings.get("FEED_EXPORT_INDENT")
        return cls(
            uri=normalise_uri(str(uri)),
            format=fmt if fmt in ("json", "parquet") else "jsonlines",
            # Parquet compresses inside the file (EXPORT_PARQUET_COMPRESSION): never gzip around it.
            gzip=settings.getbool("EXPORT_GZIP", False) and fmt != "parquet",
            gzip_level=settings.getint("EXPORT_GZIP_LEVEL", 1),
            batch_items=max(1, settings.getint("EXPORT_BATCH_ITEMS", 1000)),
            batch_seconds=settings.getfloat("EXPORT_BATCH_SECONDS", 300.0),
            max_open_parts=max(1, settings.getint("EXPORT_MAX_OPEN_PARTS", 64)),
            spool_dir=Path(os.path.expanduser(spool)).resolve() if spool else default_spool_dir(),
            retry_backoff=settings.getfloat("EXPORT_RETRY_BACKOFF", 1.0),
            retry_backoff_max=settings.getfloat("EXPORT_RETRY_BACKOFF_MAX", 60.0),
            retry_close_timeout=settings.getfloat("EXPORT_RETRY_CLOSE_TIMEOUT", 60.0),
            s3_timeout=settings.getfloat("EXPORT_S3_TIMEOUT", 30.0),
            multipart_threshold=settings.getint("EXPORT_MULTIPART_THRESHOLD", 64 * 1024 * 1024),
            multipart_chunk=settings.getint("EXPORT_MULTIPART_CHUNK", 16 * 1024 * 1024),
            encoding=settings.get("FEED_EXPORT_ENCODING") or "utf-8",
            fields=tuple(fields) if fields else None,
            indent=None if indent is None else int(indent),
            parquet_compression=codec,
            row_group_items=max(1, settings.getint("EXPORT_PARQUET_ROW_GROUP_ITEMS", 10_000)),
            access_key=access_key,
            secret_key=secret_key,
        )

    def format_info(self) -> dict[str, Any]:
        """What the spool needs in ``run.json`` to finish parts in this format (also after a crash)."""
        if self.format != "parquet":
            return {}
        return {"parquet": {"compression": self.parquet_compression, "row_group_items": self.row_group_items}}

    @property
    def extension(self) -> str:
        """File name ending of a part: ``jsonl``, ``json``, ``jsonl.gz``..."""
        return FORMATS[self.format] + (".gz" if self.gzip else "")


class UriTemplate:
    """``s3://news/{spider}/{date_published:%Y/%m/%d}/`` -> a destination prefix per run and per article.

    ``{spider}`` and ``{run_id}`` are fixed for the run; other names are article fields. A field with a
    ``%`` format is read as an ISO 8601 date (``unknown`` when missing or unreadable); others are
    written with characters unsafe in a key replaced by ``_``.
    """

    def __init__(self, template: str, spider: str, run_id: str) -> None:
        self.template = template
        self.static = {"spider": spider, "run_id": run_id}
        parsed = list(string.Formatter().parse(template))
        self.item_fields = [f for _, f, _, _ in parsed if f and f.split(".")[0] not in STATIC_FIELDS]
        # The root (where _manifest/ goes) is the template up to the "/" before the first article field.
        head = ""
        for literal, field, spec, conv in parsed:
            head += literal
            if field is None:
                continue
            if field not in STATIC_FIELDS:
                head = head[: head.rfind("/") + 1]
                break
            head += "{" + field + ("!" + conv if conv else "") + (":" + spec if spec else "") + "}"
        self.root = head.format(**self.static)

    @property
    def partitioned(self) -> bool:
        return bool(self.item_fields)

    def render(self, item: Any | None = None) -> str:
        """The prefix an article goes to (ends with ``/``)."""
        if not self.item_fields:
            return self.root
        values: dict[str, Any] = dict(self.static)
        get = item.get if item is not None and hasattr(item, "get") else (lambda _k: None)
        for name in self.item_fields:
            values[name] = _FieldValue(get(name))
        return self.template.format(**values)


class _FieldValue:
    """An article field in a template: date formats for ``{date_published:%Y/%m}``, key-safe text otherwise."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        if "%" in spec:
            try:
                return datetime.fromisoformat(str(self.value)).strftime(spec)
            except (TypeError, ValueError):
                return "unknown"
        if self.value in (None, "", []):
            return "unknown"
        text = ",".join(map(str, self.value)) if isinstance(self.value, list) else str(self.value)
        return _UNSAFE.sub("_", text).strip("_")[:100] or "unknown"
