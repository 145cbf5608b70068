"""Part formats of the export: JSON Lines and JSON (Scrapy's exporters) and Parquet (pyarrow).

Every format is spooled the same way: an open part is JSON Lines, one line per article written
through to disk (see :mod:`crawler.export.spool`), so a crash loses at most a torn last line. A part
becomes its final format only when it is *finished* (rolled, or recovered after a crash):
:func:`write_part` reads the whole lines of the open part and writes the ready file. For Parquet
that is the only way to keep the spool's guarantees: a Parquet file has its footer (schema, row
group offsets) at the end, so it cannot be appended to article by article, and a half-written one
is unreadable. Converting at roll time keeps crash recovery exactly as for JSON Lines (the torn
last line is dropped, every whole line becomes a row) and keeps the finished part immutable, so
its sha256 guards the write-once upload.

Parquet columns are typed from the :class:`crawler.items.Article` schema:

- strings -> ``string``; ``authors``/``tags`` -> ``list<string>``; ``revision`` -> ``int32``;
- ``extraction`` -> ``map<string, string>`` (field -> provenance);
- ``date_published``, ``date_modified``, ``fetched_at`` -> ``timestamp[us, tz=UTC]`` (the instant).
  Arrow keeps one zone per column, so the page's own UTC offset (the schema's "never invent one")
  goes to ``date_published_utc_offset`` / ``date_modified_utc_offset`` (``int16``, minutes east of
  UTC): ``timestamp + offset`` gives back the exact local time the page states.

Each part is one Parquet file (rolled like a JSON Lines part: ``EXPORT_BATCH_ITEMS`` /
``EXPORT_BATCH_SECONDS``) holding row groups of at most ``EXPORT_PARQUET_ROW_GROUP_ITEMS`` rows,
converted one row group at a time (memory is bounded by a row group, not a part).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import fields as dc_fields
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from crawler.items import Article

TIMESTAMP_FIELDS = ("date_published", "date_modified", "fetched_at")
"""Article fields written as ``timestamp[us, tz=UTC]``."""
OFFSET_FIELDS = ("date_published", "date_modified")
"""Timestamp fields whose page-given UTC offset is kept in a ``<field>_utc_offset`` column."""
OFFSET_SUFFIX = "_utc_offset"
PARQUET_COMPRESSIONS = ("zstd", "snappy", "gzip", "brotli", "lz4", "none")


def _field_kind(name: str, annotation: Any) -> str:
    """An Article field -> ``timestamp`` | ``list`` | ``map`` | ``int`` | ``string``."""
    text = str(annotation)
    if name in TIMESTAMP_FIELDS:
        return "timestamp"
    if text.startswith("list["):
        return "list"
    if text.startswith("dict["):
        return "map"
    if text.startswith("int"):
        return "int"
    return "string"


ARTICLE_KINDS: dict[str, str] = {f.name: _field_kind(f.name, f.type) for f in dc_fields(Article)}
"""Article field -> column kind (from the dataclass annotations, which the JSON Schema mirrors)."""


def column_names(fields: Iterable[str] | None = None) -> list[str]:
    """Columns of a Parquet part: the exported fields in order, each offset column right after its date."""
    out = []
    for name in fields or ARTICLE_KINDS:
        out.append(name)
        if name in OFFSET_FIELDS:
            out.append(name + OFFSET_SUFFIX)
    return out


def arrow_schema(fields: Iterable[str] | None = None) -> Any:
    """The Parquet parts' ``pyarrow.Schema`` (fields not in Article are strings; other values JSON text)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    types = {
        "timestamp": pa.timestamp("us", tz="UTC"),
        "list": pa.list_(pa.string()),
        "map": pa.map_(pa.string(), pa.string()),
        "int": pa.int32(),
        "string": pa.string(),
    }
    cols = []
    for name in column_names(fields):
        if name.endswith(OFFSET_SUFFIX) and name.removesuffix(OFFSET_SUFFIX) in OFFSET_FIELDS:
            meta = {
                b"description": f"UTC offset in minutes of {name.removesuffix(OFFSET_SUFFIX)} as the page states it"
            }
            cols.append(pa.field(name, pa.int16(), metadata=meta))
        else:
            cols.append(pa.field(name, types[ARTICLE_KINDS.get(name, "string")]))
    return pa.schema(cols, metadata={b"byline.format": b"article/parquet/1"})


def parse_timestamp(value: Any) -> tuple[datetime | None, int | None]:
    """ISO 8601 text -> (aware datetime, offset in minutes); naive text is read as UTC with no offset."""
    if not isinstance(value, str) or not value:
        return None, None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None, None
    offset = parsed.utcoffset()
    if offset is None:
        return parsed.replace(tzinfo=timezone.utc), None
    return parsed, int(offset.total_seconds() // 60)


def _cell(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "list":
        return [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value]
    if kind == "map":
        return [(str(k), v if isinstance(v, str) or v is None else json.dumps(v)) for k, v in value.items()]
    if kind == "int":
        return int(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def records_to_table(records: list[dict[str, Any]], schema: Any) -> Any:
    """Article dicts (as exported to JSON) -> a ``pyarrow.Table`` of ``schema``."""
    import pyarrow as pa  # type: ignore[import-untyped]

    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for record in records:
        for name in schema.names:
            if name.endswith(OFFSET_SUFFIX) and name.removesuffix(OFFSET_SUFFIX) in OFFSET_FIELDS:
                continue
            kind = ARTICLE_KINDS.get(name, "string")
            value = record.get(name)
            if kind == "timestamp":
                stamp, offset = parse_timestamp(value)
                columns[name].append(stamp)
                if name + OFFSET_SUFFIX in columns:
                    columns[name + OFFSET_SUFFIX].append(offset)
            else:
                columns[name].append(_cell(kind, value))
    return pa.Table.from_pydict(columns, schema=schema)


def write_parquet(lines: IO[bytes], out: IO[bytes], info: dict[str, Any]) -> tuple[int, int]:
    """Whole JSON lines of an open part -> one Parquet file on ``out``; returns (rows, torn lines dropped).

    ``info`` is the run's ``run.json``: ``fields`` (column order), ``parquet.compression`` and
    ``parquet.row_group_items``. A last line without its newline is a torn write (dropped, counted).
    """
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    options = info.get("parquet") or {}
    schema = arrow_schema(info.get("fields"))
    group = max(1, int(options.get("row_group_items", 10_000)))
    compression = options.get("compression", "zstd")
    rows = torn = 0
    batch: list[dict[str, Any]] = []
    # Page index and statistics on (readers skip row groups by date); no wall-clock metadata, so the
    # same articles give the same bytes.
    with pq.ParquetWriter(out, schema, compression=None if compression == "none" else compression) as writer:
        for line in lines:
            if not line.endswith(b"\n"):
                torn += 1
                continue
            if not line.strip():
                continue
            batch.append(json.loads(line))
            if len(batch) >= group:
                writer.write_table(records_to_table(batch, schema), row_group_size=group)
                rows += len(batch)
                batch = []
        if batch or rows == 0:
            writer.write_table(records_to_table(batch, schema), row_group_size=group)
            rows += len(batch)
    return rows, torn


def table_to_records(table: Any) -> list[dict[str, Any]]:
    """A Parquet part read back -> Article dicts as the JSON export has them (ISO dates with their offsets)."""
    from datetime import timedelta

    out = []
    for row in table.to_pylist():
        record: dict[str, Any] = {}
        for name, value in row.items():
            base = name.removesuffix(OFFSET_SUFFIX)
            if name != base and base in OFFSET_FIELDS:
                continue
            if ARTICLE_KINDS.get(name) == "timestamp" and value is not None:
                offset = row.get(name + OFFSET_SUFFIX)
                if offset is not None:
                    value = value.astimezone(timezone(timedelta(minutes=offset)))
                value = value.isoformat()
            elif ARTICLE_KINDS.get(name) == "map" and value is not None:
                value = dict(value)
            record[name] = value
        out.append(record)
    return out


def read_part(path: Path, name: str | None = None) -> list[dict[str, Any]]:
    """A finished part file (``.jsonl``, ``.json``, either ``.gz``, or ``.parquet``) -> its article dicts."""
    name = name or path.name
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        return table_to_records(pq.read_table(path))
    data = path.read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    if name.removesuffix(".gz").endswith(".json"):
        return list(json.loads(data))
    return [json.loads(line) for line in data.splitlines() if line.strip()]
