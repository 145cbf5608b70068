"""``scrapy reparse --workers N``: the same records, exactly once, as one worker (crawler/archive/workers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.archive.workers import RecordingStats, WorkerPool, available_workers, merge, replay
from tests.conftest import run_scrapy
from tests.support.reparse_util import TEST_SPIDERS, read_jsonl, stat, story_html, write_warc

STATS = (
    "news/reparse/pages",
    "news/reparse/items",
    "news/reparse/skipped/too_large",
    "news/reparse/skipped/not_html",
    "news/reparse/spider/example_news",
    "news/dedupe/url",
    "news/dedupe/body",
    "item_scraped_count",
    "item_dropped_count",
)


def _records(n: int) -> list[dict]:
    records = [{"url": f"https://news.example/story/{i}.html", "body": story_html(i)} for i in range(n)]
    records.append({"url": "https://news.example/story/3.html", "body": story_html(3)})  # the same page again
    records.append({"url": "https://news.example/copy/5.html", "body": story_html(5)})  # same story, other URL
    records.append({"url": "https://news.example/big.html", "body": story_html(99, text="word " * 40_000)})
    records.append(
        {"url": "https://news.example/logo.png", "body": b"\x89PNG...", "headers": [("Content-Type", "image/png")]}
    )
    return records


def test_two_workers_give_the_records_and_stats_of_one(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "pages.warc.gz", _records(40))
    runs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}.jsonl"
        proc = run_scrapy("reparse", str(warc), "--workers", str(workers), "-O", str(out), "-s", TEST_SPIDERS,
                          "-s", "REPARSE_MAX_SIZE=100000")  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        runs[workers] = (read_jsonl(out), proc.stderr)
    one, two = runs[1][0], runs[2][0]
    assert len(one) == 40  # the repeat (same URL) and the copy (same story) are dropped by dedupe
    urls = [r["url"] for r in two]
    assert len(urls) == len(set(urls))  # exactly once
    assert two == one  # same records, and even in the same order
    for key in STATS:
        assert stat(runs[2][1], key) == stat(runs[1][1], key), key
    assert stat(runs[2][1], "news/dedupe/url") == 1 and stat(runs[2][1], "news/dedupe/body") == 1
    assert stat(runs[2][1], "news/reparse/skipped/too_large") == 1  # the oversized page: skipped and counted
    assert "Re-parsing with 2 worker processes" in runs[2][1]


def test_worker_pool_keeps_input_order_and_bounds_in_flight() -> None:
    if available_workers(2) < 2:
        pytest.skip("no fork on this platform")

    def build(stats: RecordingStats):
        def handle(n: int) -> list[int]:
            stats.inc_value("seen")
            stats.max_value("max", n)
            return [n, n * 10] if n % 3 else []

        return handle

    pool = WorkerPool(build, 2, batch=3, window=2)
    try:
        results = list(pool.results(iter(range(50))))
    finally:
        pool.close()
    items = [i for r in results for i in r.items]
    assert items == [x for n in range(50) if n % 3 for x in (n, n * 10)]
    stats = MemoryStatsCollector(get_crawler())
    for r in results:
        replay(r.stats, stats)
    assert stats.get_value("seen") == 50
    assert stats.get_value("max") == 49


def test_merged_stats_operations_have_the_effect_of_the_operations() -> None:
    ops = [
        ("inc", "pages", 1, 0),
        ("max", "size", 10, None),
        ("inc", "pages", 1, 0),
        ("inc", "items", 2, 0),
        ("max", "size", 30, None),
        ("min", "first", 5, None),
        ("max", "size", 20, None),
        ("min", "first", 3, None),
        ("set", "last_url", "a", None),
        ("set", "last_url", "b", None),
    ]
    merged = merge(ops)
    assert len(merged) == 5
    one, many = MemoryStatsCollector(get_crawler()), MemoryStatsCollector(get_crawler())
    replay(merged, one)
    replay(ops, many)
    assert one.get_stats() == many.get_stats() == {"pages": 2, "size": 30, "items": 2, "first": 3, "last_url": "b"}
    # A key that is set and incremented keeps its operations in order (the result depends on it).
    mixed = [("inc", "n", 1, 0), ("set", "n", 10, None), ("inc", "n", 1, 0)]
    assert merge(mixed) == mixed
