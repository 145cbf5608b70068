"""`scrapy reparse` progress: byte positions of every source kind, ETA, live line on a terminal, log lines otherwise."""

from __future__ import annotations

import gzip
import io
import logging
import re
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.archive.reparse_spider import Progress
from crawler.archive.sources import read_source, source_size
from tests.conftest import run_scrapy
from tests.support.reparse_util import TEST_SPIDERS, story_html, write_warc
from tests.support.spiders.example_news import ExampleNewsSpider


def _warc_records(n: int) -> list[dict[str, str]]:
    return [
        {"url": f"https://news.example/story/{i}.html", "body": story_html(i) + "<!-- pad -->" * 200} for i in range(n)
    ]


def assert_positions(root: Path, count: int) -> None:
    pages = list(read_source(root))
    positions = [p.position for p in pages]
    assert len(pages) == count
    assert positions == sorted(positions) and positions[0] > 0, positions
    assert positions[-1] <= source_size(root)
    assert positions[-1] >= 0.9 * source_size(root), (positions[-1], source_size(root))


def test_positions_grow_to_the_source_size_for_every_kind(tmp_path: Path) -> None:
    from scrapy.extensions.httpcache import DbmCacheStorage, FilesystemCacheStorage

    warc = write_warc(tmp_path / "one.warc.gz", _warc_records(30))
    assert_positions(warc, 30)
    (tmp_path / "dir").mkdir()
    write_warc(tmp_path / "dir" / "a.warc.gz", _warc_records(5))
    write_warc(tmp_path / "dir" / "b.warc", _warc_records(7), gzip=False)
    assert_positions(tmp_path / "dir", 12)
    html = tmp_path / "html"
    html.mkdir()
    rows = []
    for i in range(4):
        (html / f"{i}.html.gz").write_bytes(gzip.compress(story_html(i).encode()))
        rows.append(f"{i}.html.gz\thttps://news.example/story/{i}.html")
    (html / "manifest.tsv").write_text("\n".join(rows) + "\n")
    assert_positions(html, 4)
    for storage_cls, sub in ((FilesystemCacheStorage, "fs"), (DbmCacheStorage, "dbm")):
        crawler = get_crawler(ExampleNewsSpider, {"HTTPCACHE_DIR": str(tmp_path / sub)})
        spider = crawler._create_spider()
        storage = storage_cls(crawler.settings)
        storage.open_spider(spider)
        for n in range(3):
            req = Request(f"https://news.example/story/{n}.html")
            storage.store_response(spider, req, HtmlResponse(req.url, body=story_html(n).encode(), request=req))
        storage.close_spider(spider)
        pages = list(read_source(tmp_path / sub))
        assert len(pages) == 3 and [p.position for p in pages] == sorted(p.position for p in pages)
        assert pages[-1].position == source_size(tmp_path / sub), sub


def test_progress_eta_and_log_lines(caplog) -> None:
    stats = MemoryStatsCollector(get_crawler())
    progress = Progress(stats, interval=1e-9, total_bytes=1000)
    with caplog.at_level(logging.INFO, logger="crawler.archive.reparse_spider"):
        progress.tick(250, 1000)
        share, left = progress.eta()
        assert share == 0.25 and left is not None and left >= 0
        progress.tick(1000, 1000)
        progress.close()
    lines = [r.getMessage() for r in caplog.records]
    assert re.search(r"Re-parse progress: 1 records read in .*, 25% of 1.0 kB, ETA \d+ s$", lines[0]), lines[0]
    assert re.search(r"Re-parse done: 2 records read .*, 100% of 1.0 kB$", lines[-1]), lines[-1]


def test_live_line_on_a_terminal_is_redrawn_and_cleared_before_log_lines() -> None:
    stats = MemoryStatsCollector(get_crawler())
    tty = io.StringIO()
    handler = logging.StreamHandler(tty)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        progress = Progress(stats, interval=10.0, total_bytes=2000, live=tty)
        progress.LIVE_EVERY = 0.0
        progress.tick(500, 2000)
        progress.tick(1000, 2000)
        logging.getLogger("crawler.test").warning("something happened")
        progress.tick(1500, 2000)
        progress.close()
    finally:
        root.removeHandler(handler)
    out = tty.getvalue()
    assert out.count("\r\x1b[K") >= 4
    assert "Re-parse: 1 records read" in out and "Re-parse: 2 records read" in out and "50% of 2.0 kB, ETA" in out
    # The warning starts on a wiped line, not glued to the live text.
    assert "\r\x1b[Ksomething happened\n" in out
    assert handler.filters == []  # detached at the end


def test_reparse_logs_periodic_progress_with_eta_when_not_a_terminal(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "many.warc.gz", _warc_records(60))
    out = tmp_path / "out.jsonl"
    proc = run_scrapy(
        "reparse", str(warc), "-O", str(out), "-s", TEST_SPIDERS, "-s", "REPARSE_PROGRESS_INTERVAL=0.000001"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = re.findall(r"Re-parse progress: (\d+) records read .*, (\d+)% of [\d.]+ kB(?:, ETA (\S+ ?s))?", proc.stderr)
    assert len(lines) > 10
    assert [int(n) for n, _, _ in lines] == sorted(int(n) for n, _, _ in lines)
    assert int(lines[-1][1]) > int(lines[0][1])
    assert any(eta for _, _, eta in lines)
    assert "\x1b[K" not in proc.stderr  # not a terminal: no live line
    assert re.search(r"Re-parse done: 60 records read .*, 100% of", proc.stderr)
