"""``scrapy reparse --queue``: workers take WARC files from a Redis queue; the records equal a one-process re-parse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from itemadapter import ItemAdapter

from crawler.archive.sources import read_source
from crawler.cluster.config import ClusterConfig
from crawler.cluster.dedupe import digest_fields
from crawler.cluster.reparse import enqueue_sources
from tests.cluster.conftest import settings_args
from tests.cluster.redis_server import free_port
from tests.cluster.sites import trend_warcs
from tests.conftest import REPO_ROOT, run_scrapy, scrapy_env
from tests.support.reparse_util import read_jsonl
from tests.support.trend_site import crawl_stats

FAST = {"CLUSTER_LEASE_SECONDS": 2, "CLUSTER_IDLE_TIMEOUT": 20}


def records(*paths: Path) -> list[str]:
    """The records of JSON Lines files, as sorted canonical JSON (fetched_at is the re-parse's clock)."""
    out = []
    for path in paths:
        for r in read_jsonl(path):
            r.pop("fetched_at", None)
            out.append(json.dumps(r, sort_keys=True))
    return sorted(out)


@pytest.fixture(scope="module")
def warcs(tmp_path_factory) -> tuple[list[Path], list[str]]:
    """WARC files of the Trend pages (36 articles in 6 files) and their records from a one-process re-parse."""
    tmp = tmp_path_factory.mktemp("warcs")
    files = trend_warcs(tmp / "warc", n_extra=30, files=6)
    proc = run_scrapy("reparse", str(tmp / "warc"), "-O", str(tmp / "one.jsonl"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return files, records(tmp / "one.jsonl")


def test_two_reparse_workers_give_the_same_records_as_one(warcs, redis_server, tmp_path) -> None:
    files, expected = warcs
    assert len(expected) == 6 + 30
    # The first worker queues the directory's files and works; the second only works. Started together.
    cmds = [
        ["reparse", "--queue", redis_server.url, str(files[0].parent), "-O", str(tmp_path / "w0.jsonl")],
        ["reparse", "--queue", redis_server.url, "-O", str(tmp_path / "w1.jsonl")],
    ]
    procs = [
        subprocess.Popen([sys.executable, "-m", "scrapy", *c, *settings_args(**FAST)], cwd=REPO_ROOT, env=scrapy_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in cmds
    ]  # fmt: skip
    logs = [p.communicate(timeout=90)[1] for p in procs]
    for proc, log in zip(procs, logs, strict=True):
        assert proc.returncode == 0, log[-3000:]
    assert records(tmp_path / "w0.jsonl", tmp_path / "w1.jsonl") == expected
    taken = [crawl_stats(log).get("news/cluster/files", 0) for log in logs]
    assert sum(taken) == len(files) and all(taken), taken  # each file once, both workers took some
    assert redis_server.client.keys("byline:reparse:files") == []


def test_a_dead_workers_file_is_taken_again_and_its_exported_records_not_twice(warcs, redis_server, tmp_path) -> None:
    files, expected = warcs
    config = ClusterConfig(url=redis_server.url)
    keys = config.keys("reparse")
    enqueue_sources(config, "reparse", [str(files[0].parent)])
    # Worker "dead" took the first file, exported two of its records, and died (its lease is gone).
    client = redis_server.client
    assert client.lmove(keys.files, keys.processing("dead"), "LEFT", "RIGHT").decode() == str(files[0])
    client.sadd(keys.workers, "dead")
    one = {json.loads(r)["url"]: json.loads(r) for r in expected}
    by_dead: list[dict[str, Any]] = [one[p.url] for p in read_source(files[0]) if p.url in one][:3]
    assert len(by_dead) == 3
    for record in by_dead:
        urls, body = digest_fields(ItemAdapter(record))
        client.hset(keys.dedupe, mapping=dict.fromkeys([*urls, body], "="))
    proc = run_scrapy("reparse", "--queue", redis_server.url, "-O", str(tmp_path / "w.jsonl"), *settings_args(**FAST))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "worker dead is gone (lease expired); 1 item(s) of its work re-queued" in proc.stderr
    got = records(tmp_path / "w.jsonl")
    assert sorted(got + [json.dumps({k: v for k, v in r.items() if k != "fetched_at"}, sort_keys=True)
                         for r in by_dead]) == expected  # fmt: skip
    assert crawl_stats(proc.stderr)["news/cluster/files"] == len(files)


def test_reparse_queue_unreachable_is_a_clear_error(warcs, tmp_path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    proc = run_scrapy("reparse", "--queue", url, str(warcs[0][0]), "-O", str(tmp_path / "w.jsonl"))
    assert proc.returncode != 0
    assert f"cluster Redis {url} is unreachable" in proc.stderr
