"""Fixtures of the cluster tests: a fresh ``redis-server`` per test (skipped via need() when absent)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.redis_server import RedisServer
from tests.conftest import need


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    need(RedisServer.available, "redis-server (apt-get install redis-server)")
    with RedisServer(tmp_path / "redis") as server:
        yield server


def settings_args(**settings: Any) -> list[str]:
    """``-s NAME=VALUE`` arguments."""
    return [a for k, v in settings.items() for a in ("-s", f"{k}={v}")]


def stored_parts(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Exported part file name -> its records (a local EXPORT_URI directory)."""
    out = {}
    for path in sorted(root.rglob("part-*")):
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        out[path.name] = [json.loads(line) for line in data.splitlines() if line.strip()]
    return out


def spooled_records(spool: Path) -> list[dict[str, Any]]:
    """Records still in an export spool, not in the store (ready parts and whole lines of open parts)."""
    out: list[dict[str, Any]] = []
    for path in spool.glob("*/ready/part-*"):
        done = path.parent.parent / "done.jsonl"  # stored, and killed before the local copy was removed
        stored = {json.loads(line)["name"] for line in done.read_text().splitlines()} if done.exists() else set()
        if not path.name.endswith((".meta.json", ".tmp")) and path.name not in stored:
            data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
            out += [json.loads(line) for line in data.splitlines() if line.strip()]
    for path in spool.glob("*/open/*.jsonl"):
        out += [json.loads(line) for line in path.read_bytes().splitlines(keepends=True) if line.endswith(b"\n")]
    return out
