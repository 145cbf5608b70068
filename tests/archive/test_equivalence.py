"""Crawl (archiving on), re-parse of the archive, and offline replay of it give the same articles."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO_ROOT, run_scrapy
from tests.support.reparse_util import read_jsonl, stat
from tests.support.trend_site import CRAWL_SETTINGS, EXPECTED_STATS, expected_records, trend_site  # noqa: F401

SAMPLE = "examples/trend-sample.warc.gz"


def without_fetched_at(items: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in i.items() if k != "fetched_at"} for i in items), key=lambda i: i["url"])


def test_crawl_reparse_replay_are_identical(trend_site, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    base = trend_site.base_url
    warc = tmp_path / "warc"
    out = {name: tmp_path / f"{name}.jsonl" for name in ("crawl", "reparse", "replay")}

    crawl = run_scrapy("crawl", "trend", "-a", f"base_url={base}", "-s", f"ARCHIVE_WARC_DIR={warc}",
                       *CRAWL_SETTINGS, "-O", str(out["crawl"]))  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert sorted(p.name for p in warc.iterdir() if p.name.endswith(".open")) == []
    assert list(warc.glob("*.warc.gz"))

    # Everything after this point is offline: the site is gone.
    trend_site.server.shutdown()
    trend_site.server.server_close()

    reparse = run_scrapy("reparse", str(warc), "--spider", "trend", "-O", str(out["reparse"]))
    assert reparse.returncode == 0, reparse.stderr[-3000:]
    replay = run_scrapy("crawl", "trend", "-a", f"base_url={base}", "-s", f"REPLAY_ARCHIVE={warc}",
                        *CRAWL_SETTINGS, "-O", str(out["replay"]))  # fmt: skip
    assert replay.returncode == 0, replay.stderr[-3000:]

    items = {name: read_jsonl(path) for name, path in out.items()}
    expected = expected_records(base)
    assert without_fetched_at(items["crawl"]) == expected
    assert without_fetched_at(items["reparse"]) == expected
    assert without_fetched_at(items["replay"]) == expected
    # The archive records when each page was fetched: all three runs agree on fetched_at too.
    fetched = {name: sorted((i["url"], i["fetched_at"]) for i in its) for name, its in items.items()}
    assert fetched["crawl"] == fetched["reparse"] == fetched["replay"]

    for log in (crawl.stderr, replay.stderr):
        for key, value in EXPECTED_STATS.items():
            assert (stat(log, key) or 0) == value, key
    assert stat(replay.stderr, "news/replay/missing") is None
    assert stat(replay.stderr, "news/replay/served") == stat(crawl.stderr, "downloader/response_count")
    # Re-parse: same drops as the crawl, decided by the same pipelines.
    for key in ("news/dedupe/url", "news/dedupe/body", "news/validate/missing/headline"):
        assert (stat(reparse.stderr, key) or 0) == EXPECTED_STATS[key], key
    # The archive also holds /latest/ and /latest/2/, which a crawl never hands to the article callback.
    assert stat(reparse.stderr, "news/skipped/not_article") == EXPECTED_STATS["news/skipped/not_article"] + 2
    assert stat(reparse.stderr, "downloader/request_count") is None  # nothing went through the downloader


def test_readme_offline_example_replays_the_sample_archive(tmp_path: Path) -> None:
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    first_line = re.search(r"```sh\n(.*?)\n", readme).group(1)
    first_command = first_line.split("#")[0].split("&&")[-1].strip()  # after "pip install -e . &&", if any
    assert first_command == f"scrapy crawl trend -s REPLAY_ARCHIVE={SAMPLE} -O articles.jsonl"
    # Run it as README says (cwd = the checkout), writing into a temporary directory.
    out = tmp_path / "articles.jsonl"
    proc = run_scrapy("crawl", "trend", "-s", f"REPLAY_ARCHIVE={SAMPLE}", "-O", str(out), cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert without_fetched_at(read_jsonl(out)) == expected_records("https://en.trend.az")
    assert stat(proc.stderr, "news/replay/missing") is None
    assert stat(proc.stderr, "news/replay/served") == stat(proc.stderr, "downloader/response_count") > 0
    assert stat(proc.stderr, "robotstxt/forbidden") == 1  # robots.txt came from the archive too


def test_reparse_sample_dispatches_by_host(tmp_path: Path) -> None:
    out = tmp_path / "reparsed.jsonl"
    proc = run_scrapy("reparse", SAMPLE, "-O", str(out), "-s", "REPARSE_PROGRESS_INTERVAL=0.000001", cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert without_fetched_at(read_jsonl(out)) == expected_records("https://en.trend.az")
    progress = re.findall(
        r"Re-parse progress: (\d+) records read in [\d.]+ s \([\d.]+ pages/s.*?\), (\d+) items, (\d+) dropped", proc.stderr
    )
    assert len(progress) > 3 and int(progress[-1][0]) > int(progress[0][0])
    assert stat(proc.stderr, "news/reparse/spider/trend") == stat(proc.stderr, "news/reparse/pages") > 0
    assert stat(proc.stderr, "news/reparse/no_spider") is None
    assert stat(proc.stderr, "news/reparse/skipped/not_html") == 2  # robots.txt, the RSS feed


def test_sample_builder_records_the_same_urls(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    built = tmp_path / "sample.warc.gz"
    proc = run_scrapy_script(REPO_ROOT / "examples" / "make_sample_archive.py", str(built))
    assert proc.returncode == 0, proc.stderr[-3000:]

    def uris(path: Path) -> list[tuple[str, str]]:
        with open(path, "rb") as fh:
            return sorted((r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(fh)
                          if r.rec_type in ("request", "response"))  # fmt: skip

    assert uris(built) == uris(REPO_ROOT / SAMPLE)
    assert all(u.startswith("https://en.trend.az/") for _, u in uris(built))


def run_scrapy_script(script: Path, *args: str):
    import subprocess
    import sys

    from tests.conftest import scrapy_env

    return subprocess.run([sys.executable, str(script), *args], cwd=REPO_ROOT, env=scrapy_env(),
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def test_replay_and_reparse_repeat_and_leave_the_seen_store_alone(tmp_path: Path) -> None:
    state = tmp_path / "state"  # the per-user seen-store a live crawl would use
    expected = expected_records("https://en.trend.az")
    for run in (1, 2):
        out = tmp_path / f"replay{run}.jsonl"
        proc = run_scrapy("crawl", "trend", "-s", f"REPLAY_ARCHIVE={SAMPLE}", "-O", str(out), cwd=REPO_ROOT,
                          BYLINE_STATE_DIR=str(state))  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert without_fetched_at(read_jsonl(out)) == expected, run
        out = tmp_path / f"reparse{run}.jsonl"
        proc = run_scrapy("reparse", SAMPLE, "-O", str(out), cwd=REPO_ROOT, BYLINE_STATE_DIR=str(state))
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert without_fetched_at(read_jsonl(out)) == expected, run
    assert not list(state.glob("*.sqlite"))


def test_reparse_items_reach_the_export_plugin(tmp_path: Path) -> None:
    import gzip
    import json

    exports = tmp_path / "exports"
    proc = run_scrapy("reparse", SAMPLE, "-s", f"EXPORT_URI={exports}/", "-s", f"EXPORT_SPOOL_DIR={tmp_path / 'spool'}",
                      cwd=REPO_ROOT)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert list((exports / "_manifest").glob("*.json"))  # the run completed its export
    records = []
    for part in exports.rglob("part-*"):
        data = gzip.decompress(part.read_bytes()) if part.name.endswith(".gz") else part.read_bytes()
        records += [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    assert without_fetched_at(records) == expected_records("https://en.trend.az")
