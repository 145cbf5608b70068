"""Archive while crawling (rotating gzip WARC/1.1, valid for warcio) and replay of a partial archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import run_scrapy
from tests.support.reparse_util import TEST_SPIDERS, read_jsonl, stat, write_site
from tests.support.site_server import serve

FAST = ("-s", "AUTOTHROTTLE_ENABLED=0", "-s", TEST_SPIDERS)


def records(path: Path) -> list:
    """(type, protocol, headers dict) of every record of a WARC file."""
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, check_digests=True):
            out.append((rec.rec_type, rec.rec_headers.protocol, dict(rec.rec_headers.headers)))
            rec.content_stream().read()
    return out


@pytest.fixture
def archived(tmp_path: Path):
    """Crawl the example site with small rotating archives -> (base_url, warc dir, crawl log, items)."""
    write_site(tmp_path / "site")
    warc = tmp_path / "warc"
    with serve(tmp_path / "site") as site:
        proc = run_scrapy("crawl", "example_news", "-a", f"base_url={site.base_url}", *FAST,
                          "-s", f"ARCHIVE_WARC_DIR={warc}", "-s", "ARCHIVE_WARC_MAX_SIZE=3000",
                          "-O", str(tmp_path / "crawl.jsonl"))  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site.base_url, warc, proc.stderr, read_jsonl(tmp_path / "crawl.jsonl")


def test_archive_rotates_and_is_valid_warc(archived) -> None:
    from warcio.cli import main as warcio_main

    base, warc, log, items = archived
    files = sorted(warc.iterdir())
    assert len(files) > 1 and all(f.name.endswith(".warc.gz") for f in files)  # rotated, none left ".open"
    assert stat(log, "news/archive/files") == len(files)
    with pytest.raises(SystemExit) as done:
        warcio_main(["check", *map(str, files)])
    assert done.value.code == 0

    recs = [r for f in files for r in records(f)]
    assert all(proto == "WARC/1.1" for _, proto, _ in recs)
    assert records(files[0])[0][0] == "warcinfo"
    responses = [h for t, _, h in recs if t == "response"]
    requests = [h for t, _, h in recs if t == "request"]
    assert len(responses) == len(requests) == stat(log, "downloader/response_count")
    assert {h["WARC-Target-URI"] for h in responses} >= {i["url"] for i in items} | {base + "/robots.txt"}
    for h in responses:
        assert h["WARC-Date"].endswith("Z") and h["WARC-Payload-Digest"].startswith("sha1:")
    ids = {h["WARC-Record-ID"] for h in responses}
    assert {h["WARC-Concurrent-To"] for h in requests} == ids
    # The fetch time of each article is the WARC-Date of its record (ISO, to the second).
    dates = {h["WARC-Target-URI"]: h["WARC-Date"][:19] for h in responses}
    assert all(dates[i["url"]] == i["fetched_at"][:19] for i in items)


def test_replay_of_a_partial_archive_answers_404_and_counts(archived, tmp_path: Path) -> None:
    base, warc, _, items = archived
    first = min(warc.iterdir())
    kept = {h["WARC-Target-URI"] for t, _, h in records(first) if t == "response"}
    out = tmp_path / "replay.jsonl"
    proc = run_scrapy("crawl", "example_news", "-a", f"base_url={base}", *FAST, "-s", f"REPLAY_ARCHIVE={first}",
                      "-O", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    replayed = read_jsonl(out)
    assert {i["url"] for i in replayed} == {i["url"] for i in items} & kept
    missing = stat(proc.stderr, "news/replay/missing")
    assert missing and missing == stat(proc.stderr, "downloader/response_count") - len(kept)
    assert "Not in the replay archive (404)" in proc.stderr


def test_replay_of_a_missing_archive_fails_instead_of_going_online(tmp_path: Path) -> None:
    proc = run_scrapy("crawl", "example_news", *FAST, "-s", f"REPLAY_ARCHIVE={tmp_path / 'nope.warc.gz'}")
    assert proc.returncode != 0
    assert "does not exist" in proc.stderr
    assert "downloader/request_count" not in proc.stderr


@pytest.mark.parametrize("storage", ["FilesystemCacheStorage", "DbmCacheStorage"])
def test_reparse_of_a_crawls_http_cache_gives_its_articles(storage: str, tmp_path: Path) -> None:
    write_site(tmp_path / "site")
    cache = tmp_path / "cache"
    with serve(tmp_path / "site") as site:
        crawl = run_scrapy("crawl", "example_news", "-a", f"base_url={site.base_url}", *FAST,
                           "-s", "HTTPCACHE_ENABLED=1", "-s", f"HTTPCACHE_DIR={cache}",
                           "-s", f"HTTPCACHE_STORAGE=scrapy.extensions.httpcache.{storage}",
                           "-O", str(tmp_path / "crawl.jsonl"))  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    proc = run_scrapy("reparse", str(cache), "--spider", "example_news", "-s", TEST_SPIDERS,
                      "-O", str(tmp_path / "reparse.jsonl"))  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]

    def strip(items: list[dict]) -> list[dict]:
        return sorted(({k: v for k, v in i.items() if k != "fetched_at"} for i in items), key=lambda i: i["url"])

    crawled = read_jsonl(tmp_path / "crawl.jsonl")
    assert len(crawled) == 6
    assert strip(read_jsonl(tmp_path / "reparse.jsonl")) == strip(crawled)
