"""Crawl workers sharing one redis-server (scrapy-redis): the Trend-like site exported once, kills, Redis failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from crawler.export.config import ExportConfig
from crawler.export.spool import flush_spool
from crawler.export.store import Stores
from tests.cluster.conftest import settings_args, spooled_records, stored_parts
from tests.cluster.redis_server import RedisServer, free_port
from tests.cluster.sites import big_site_urls, big_trend_site
from tests.conftest import REPO_ROOT, run_scrapy, scrapy_env
from tests.support.reparse_util import read_jsonl
from tests.support.site_server import serve
from tests.support.trend_site import CRAWL_SETTINGS, crawl_stats, expected_records

# The two copies of the energy story (the feed's and the republished one): a cluster exports exactly
# one of them, whichever worker parses one first.
ENERGY = ("/business/energy/3900002.html", "/business/economy/3900007.html")


def worker_args(base_url: str, redis_url: str, worker: str, out: Path, spool: Path, **settings: Any) -> list[str]:
    opts = {
        "CLUSTER_URL": redis_url,
        "CLUSTER_WORKER_ID": worker,
        "CLUSTER_IDLE_TIMEOUT": 1,
        "CLUSTER_LEASE_SECONDS": 2,
        "EXPORT_URI": f"file://{out}/",
        "EXPORT_SPOOL_DIR": spool,
        "EXPORT_BATCH_ITEMS": 3,
        "EXPORT_RETRY_CLOSE_TIMEOUT": 2,
        # Site health is judged per worker; a worker that drew the truncated page among 3 would fail it.
        "HEALTH_MIN_SAMPLE": 1000,
        **settings,
    }
    feed = ["-O", str(out.parent / f"{worker}.jsonl")]  # beside the export: what `-O` users check
    return ["crawl", "trend", "-a", f"base_url={base_url}", *feed, *CRAWL_SETTINGS, *settings_args(**opts)]


def start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", *args],
        cwd=REPO_ROOT,
        env=scrapy_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def strip(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "fetched_at"}


def canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True)


def test_two_workers_export_every_article_of_the_site_exactly_once(trend_site, redis_server, tmp_path) -> None:
    out = tmp_path / "out"
    procs = [
        start(worker_args(trend_site.base_url, redis_server.url, w, out, tmp_path / f"spool-{w}")) for w in ("wa", "wb")
    ]
    logs = {}
    for w, proc in zip(("wa", "wb"), procs, strict=True):
        _, logs[w] = proc.communicate(timeout=60)
        assert proc.returncode == 0, [line for line in logs[w].splitlines() if "ERROR" in line or "failed" in line]
    parts = stored_parts(out)
    records = [r for recs in parts.values() for r in recs]
    expected = expected_records(trend_site.base_url)
    # Each article once, and together the whole site: the same stories as a one-process crawl.
    assert len({r["url"] for r in records}) == len(records) == len(expected)

    def stories(recs: list[dict[str, Any]], energy: bool) -> list[str]:
        return sorted(json.dumps(strip(r), sort_keys=True) for r in recs if r["url"].endswith(ENERGY) == energy)

    assert stories(records, energy=False) == stories(expected, energy=False)
    [energy] = [r for r in records if r["url"].endswith(ENERGY)]
    assert energy["article_body"] == next(r["article_body"] for r in expected if r["url"].endswith(ENERGY))
    # The workers' -O files hold the same articles as the export.
    feeds = [r for w in ("wa", "wb") for r in read_jsonl(tmp_path / f"{w}.jsonl")]
    assert sorted(map(canonical, feeds)) == sorted(map(canonical, records))
    # Parts are named per worker (run id = time + worker id); one manifest per worker.
    assert {name.split("-")[2] for name in parts} <= {"wa", "wb"}
    manifests = [json.loads(p.read_text()) for p in (out / "_manifest").glob("*.json")]
    assert sorted(m["run_id"].rsplit("Z-", 1)[1] for m in manifests) == ["wa", "wb"]
    # The run summary (by the last worker out) reconciles with the manifests and the store.
    [summary_path] = (out / "_cluster").glob("trend-*.json")
    summary = json.loads(summary_path.read_text())
    assert {w["worker"] for w in summary["workers"]} == {"wa", "wb"} and summary["dead_workers"] == []
    scraped = sum(crawl_stats(log).get("item_scraped_count", 0) for log in logs.values())
    assert summary["item_scraped_count"] == scraped == sum(m["items"] for m in manifests) == len(records)
    # Only one seeded; the crawl's keys are gone, the seen-store stays.
    assert sum(crawl_stats(log).get("news/cluster/seeded", 0) for log in logs.values()) == 1
    keys = {k.decode() for k in redis_server.client.keys("*")}
    assert not [k for k in keys if k.startswith("byline:trend:") and k != "byline:trend:last_summary"]
    assert any(k.startswith("byline:state:trend:p:") for k in keys)


def test_a_worker_killed_mid_run_loses_nothing_and_the_other_finishes_the_queue(redis_server, tmp_path) -> None:
    n = 40
    with serve(big_trend_site(tmp_path / "site", n)) as site:
        out, spool_a = tmp_path / "out", tmp_path / "spool-wa"
        slow = {"CONCURRENT_REQUESTS": 2, "DOWNLOAD_DELAY": 0.06}
        victim = start(worker_args(site.base_url, redis_server.url, "wa", out, tmp_path / "spool-wa", **slow))
        survivor = start(worker_args(site.base_url, redis_server.url, "wb", out, tmp_path / "spool-wb", **slow))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = len(spooled_records(tmp_path / "spool-wa")) + sum(
                len(v) for k, v in stored_parts(out).items() if "-wa-" in k
            )
            if done >= 4:
                break
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        victim.communicate()
        _, log = survivor.communicate(timeout=60)
        assert survivor.returncode == 0, log[-3000:]
        assert "Cluster: worker wa is gone (lease expired)" in log
        kept = spooled_records(tmp_path / "spool-wa")
        before = [r for recs in stored_parts(out).values() for r in recs]
        by_victim = len(kept) + sum(len(v) for k, v in stored_parts(out).items() if "-wa-" in k)
        assert 0 < by_victim < n / 2, "killed mid-run"
        # What the killed worker had exported waits in its spool; export-flush stores it.
        # (in process, as `scrapy export-flush` does it: one scrapy start less)
        config = ExportConfig.from_settings(Settings({"EXPORT_URI": "file:///unused/", "EXPORT_SPOOL_DIR": spool_a}))
        done, pending, _ = flush_spool(spool_a, Stores(Settings(), config), timeout=5)
        assert len(done) == 1 and not pending
        records = [r for recs in stored_parts(out).values() for r in recs]
        assert len(before) <= len(records) <= len(before) + len(kept)  # a part may be stored but not yet marked
        urls = Counter(r["url"] for r in records)
        assert max(urls.values()) == 1, [u for u, c in urls.items() if c > 1]
        # The -O files too: the killed worker's file kept every line it wrote (written through per article).
        feeds = Counter(r["url"] for w in ("wa", "wb") for r in read_jsonl(tmp_path / f"{w}.jsonl"))
        assert feeds == urls
        energy = {site.base_url + p for p in ENERGY}
        assert set(urls) - energy == big_site_urls(site.base_url, n) - energy
        assert len(set(urls) & energy) == 1
        summary = json.loads(next((out / "_cluster").glob("trend-*.json")).read_text())
        assert summary["dead_workers"] == ["wa"]
        assert summary["item_scraped_count"] == crawl_stats(log)["item_scraped_count"]


def test_redis_unreachable_at_start_is_a_clear_error(trend_site, tmp_path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    proc = run_scrapy(*worker_args(trend_site.base_url, url, "wa", tmp_path / "out", tmp_path / "spool"), timeout=60)
    assert proc.returncode != 0
    assert f"cluster Redis {url} is unreachable" in proc.stderr
    assert "Crawled (200)" not in proc.stderr


def test_redis_lost_mid_run_stops_flushes_and_fails_without_losing_articles(tmp_path) -> None:
    n = 40
    with RedisServer(tmp_path / "redis") as redis_server, serve(big_trend_site(tmp_path / "site", n)) as site:
        out, spool = tmp_path / "out", tmp_path / "spool"
        args = worker_args(site.base_url, redis_server.url, "wa", out, spool, CONCURRENT_REQUESTS=2, DOWNLOAD_DELAY=0.1)
        proc = start(args)
        deadline = time.monotonic() + 30
        while len(spooled_records(spool)) + sum(map(len, stored_parts(out).values())) < 4:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        redis_server.stop()
        _, log = proc.communicate(timeout=60)
    assert proc.returncode == 1, log[-3000:]
    assert "Run failed (cluster_lost)" in log
    stats = crawl_stats(log)
    records = [r for recs in stored_parts(out).values() for r in recs]
    # Stopped taking work, and everything scraped before and after the loss reached the store.
    assert 0 < len(records) < n
    assert len(records) == stats["item_scraped_count"] == len({r["url"] for r in records})
    assert not spooled_records(spool)
