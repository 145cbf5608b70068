"""EXPORT_FORMAT=parquet: typed columns, rolled parts and row groups, read back with pyarrow.dataset.

The Trend replay (examples/trend-sample.warc.gz) exported as Parquet, locally and to moto's S3, must
give the same articles, field by field, as ``-O out.jsonl`` of the same run.
"""

from __future__ import annotations

import glob
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.export.config import normalise_uri
from crawler.export.formats import arrow_schema, records_to_table, table_to_records
from tests.conftest import REPO_ROOT, need, run_scrapy
from tests.support.moto_server import MotoServer

ARCHIVE = REPO_ROOT / "examples" / "trend-sample.warc.gz"
TEMPLATE = "{spider}/{date_published:%Y/%m/%d}/"


def replay_args(out: Path, uri: str, spool: Path, **settings: str) -> list[str]:
    opts = {
        "REPLAY_ARCHIVE": str(ARCHIVE),
        "EXPORT_FORMAT": "parquet",
        "EXPORT_URI": uri,
        "EXPORT_SPOOL_DIR": str(spool),
        "EXPORT_BATCH_ITEMS": "2",
        "EXPORT_PARQUET_ROW_GROUP_ITEMS": "1",
        **settings,
    }
    return ["crawl", "trend", "-O", str(out), *[a for k, v in opts.items() for a in ("-s", f"{k}={v}")]]


def jsonl(path: Path) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in map(json.loads, path.read_text("utf-8").splitlines())}


def same_value(field: str, parquet: Any, expected: Any) -> bool:
    """Dates compare as the same instant with the same UTC offset; everything else as equal values."""
    if field in ("date_published", "date_modified", "fetched_at") and expected is not None:
        got, want = datetime.fromisoformat(parquet), datetime.fromisoformat(expected)
        return bool(got == want and got.utcoffset() == want.utcoffset())
    return bool(parquet == expected)


def assert_same_articles(table: Any, expected: dict[str, dict[str, Any]]) -> None:
    got = {r["url"]: r for r in table_to_records(table)}
    assert sorted(got) == sorted(expected)
    for url, record in expected.items():
        assert set(got[url]) == set(record), url
        for field, value in record.items():
            assert same_value(field, got[url][field], value), (url, field, got[url][field], value)


def check_types(table: Any) -> None:
    import pyarrow as pa

    schema = table.schema
    assert schema.field("date_published").type == pa.timestamp("us", tz="UTC")
    assert schema.field("date_published_utc_offset").type == pa.int16()
    assert schema.field("authors").type == pa.list_(pa.string())
    assert schema.field("tags").type == pa.list_(pa.string())
    assert pa.types.is_map(schema.field("extraction").type)
    assert schema.field("revision").type == pa.int32()


def test_records_round_trip_keeps_offsets_lists_and_maps() -> None:
    schema = arrow_schema()
    record = {
        "url": "https://x.example/a",
        "authors": ["A", "B"],
        "date_published": "2014-06-18T14:32:00+04:00",
        "date_modified": "2014-06-18T09:00:00-05:30",
        "fetched_at": "2026-01-01T00:00:00+00:00",
        "extraction": {"headline": "site", "article_body": "generic"},
        "revision": 2,
    }
    [back] = table_to_records(records_to_table([record], schema))
    for field, value in record.items():
        assert same_value(field, back[field], value), field
    assert back["date_published"] == "2014-06-18T14:32:00+04:00"
    assert back["tags"] is None and back["headline"] is None


def test_local_parquet_replay_reads_back_like_dash_O(tmp_path) -> None:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    out, root = tmp_path / "out.jsonl", tmp_path / "lake"
    proc = run_scrapy(*replay_args(out, str(root / TEMPLATE), tmp_path / "spool"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    expected = jsonl(out)
    assert len(expected) == 6
    # DuckDB-style glob over the partitions (_manifest/ and _health/ are not parts).
    files = sorted(glob.glob(str(root / "trend" / "*" / "*" / "*" / "part-*.parquet")))
    assert files and all(f.endswith(".parquet") for f in files)
    table = ds.dataset(files, format="parquet").to_table()
    check_types(table)
    assert_same_articles(table, expected)
    # Partitioned by each article's local publication date, like JSON Lines parts.
    for f in files:
        for record in table_to_records(pq.read_table(f)):
            assert f"/trend/{record['date_published'][:10].replace('-', '/')}/" in f
    # Parts rolled at EXPORT_BATCH_ITEMS, one row group per EXPORT_PARQUET_ROW_GROUP_ITEMS rows.
    metas = [pq.ParquetFile(f).metadata for f in files]
    assert max(m.num_rows for m in metas) <= 2
    assert all(m.num_row_groups == m.num_rows for m in metas)
    [manifest_path] = (root / "trend" / "_manifest").glob("*.json")
    manifest = json.loads(manifest_path.read_text())
    assert (manifest["format"], manifest["compression"], manifest["items"]) == ("parquet", "zstd", 6)
    assert sorted(p["uri"].removeprefix("file://") for p in manifest["parts"]) == files
    # The directory as a whole is a dataset too (pyarrow skips the _-prefixed folders).
    assert ds.dataset(str(root), format="parquet").count_rows() == 6


def test_s3_parquet_replay_reads_back_with_pyarrow_s3(tmp_path) -> None:
    need(MotoServer.available, "moto_server (pip install 'moto[server]')")
    import pyarrow.dataset as ds
    from pyarrow import fs

    with MotoServer() as s3:
        s3.client.create_bucket(Bucket="lake")
        out = tmp_path / "out.jsonl"
        settings = {**s3.settings, "EXPORT_PARQUET_COMPRESSION": "snappy"}
        proc = run_scrapy(*replay_args(out, f"s3://lake/{TEMPLATE}", tmp_path / "spool", **settings))
        assert proc.returncode == 0, proc.stderr[-3000:]
        objects = s3.objects("lake")
        assert [k for k in objects if k.startswith("trend/_manifest/")]
        filesystem = fs.S3FileSystem(
            access_key="testing",
            secret_key="testing",
            region="us-east-1",
            endpoint_override=s3.endpoint,
            scheme="http",
        )
        selector = fs.FileSelector("lake/trend", recursive=True)
        files = sorted(i.path for i in filesystem.get_file_info(selector) if i.path.endswith(".parquet"))
        assert len(files) == len([k for k in objects if "/part-" in k])
        table = ds.dataset(files, format="parquet", filesystem=filesystem).to_table()
    check_types(table)
    assert_same_articles(table, jsonl(out))


@pytest.mark.parametrize("torn", [b"", b'{"url": "https://x.example/'])
def test_crashed_parquet_part_is_recovered_from_its_spooled_lines(tmp_path, torn) -> None:
    import pyarrow.parquet as pq
    from scrapy.settings import Settings

    from crawler.export.config import ExportConfig
    from crawler.export.spool import RunSpool, flush_spool
    from crawler.export.store import Stores

    spool, out = tmp_path / "spool", tmp_path / "out"
    config = ExportConfig.from_settings(Settings({"EXPORT_URI": str(out), "EXPORT_FORMAT": "parquet"}))
    run = RunSpool(spool, "R-crashed")
    run.create(
        {
            "run_id": "R-crashed", "spider": "x", "uri": normalise_uri(str(out)), "root": normalise_uri(str(out)),
            "format": "parquet", "gzip": False, "extension": config.extension, "encoding": "utf-8",
            "started_at": "2026-01-01T00:00:00+00:00", **config.format_info(),
        }
    )  # fmt: skip
    f = run.open_part(1, normalise_uri(str(out)), "")
    lines = [{"url": f"https://x.example/{i}", "date_published": "2014-06-18T14:32:00+04:00"} for i in range(3)]
    f.write(b"".join(json.dumps(r).encode() + b"\n" for r in lines) + torn)  # killed mid-write
    f.close()
    run.unlock()  # the process "died"
    done, pending, dropped = flush_spool(spool, Stores(Settings(), config))
    assert (len(done), pending, dropped) == (1, [], 1 if torn else 0)
    [part] = out.glob("part-R-crashed-00001.parquet")
    assert [r["url"] for r in table_to_records(pq.read_table(part))] == [r["url"] for r in lines]
    manifest = json.loads((out / "_manifest" / "R-crashed.json").read_bytes())
    assert (manifest["status"], manifest["items"], manifest["format"]) == ("recovered", 3, "parquet")
