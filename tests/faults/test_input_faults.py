"""Corrupt and truncated re-parse inputs: WARC (gzip and plain) and Scrapy HTTP cache entries.

Seeded random damage (truncation, flipped bytes, zeroed and repeated ranges) to real inputs; the
readers must never raise, must return only records that were really stored (a gzip WARC's CRC
makes each one byte-exact), and must count what they skip. Then `scrapy reparse` itself: damaged
inputs exit 0 with no binary in the log, bytes that are no WARC exit 2, an empty input exits 7.
"""

from __future__ import annotations

import gzip
import pickle
import random
import re
import time
from collections import Counter
from pathlib import Path

from crawler.archive.sources import read_cache_dir, read_warc
from crawler.runinfo import EXIT_CODES
from tests.conftest import run_scrapy
from tests.faults.util import stat_of
from tests.support.reparse_util import TEST_SPIDERS, story_html, write_warc

SEED = 17
DATE = "2024-05-01T10:00:00Z"
"""A fixed WARC-Date: the same bytes, so the same seeded damage, every run."""
PAGES = 8
BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff\ufffd]")
"""Control characters, and latin-1 mojibake of raw bytes (the test pages and messages are ASCII)."""


def damage(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One random kind of damage -> (its name, the damaged bytes)."""
    kind = rng.choice(["truncate", "flip", "zero", "repeat"])
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, 400))
    if kind == "truncate":
        return kind, data[:a]
    if kind == "flip":
        return kind, data[:a] + bytes(x ^ rng.randint(1, 255) for x in data[a:b]) + data[b:]
    if kind == "zero":
        return kind, data[:a] + bytes(b - a) + data[b:]
    return kind, data[:b] + data[a:b] + data[b:]


def originals() -> dict[str, bytes]:
    return {f"https://news.example/story/{n}.html": story_html(n).encode() for n in range(PAGES)}


def test_damaged_warcs_give_only_real_records(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    pages = originals()
    records = [{"url": u, "body": b, "date": DATE} for u, b in pages.items()]
    clean = {"gz": write_warc(tmp_path / "c.warc.gz", records).read_bytes(),
             "plain": write_warc(tmp_path / "c.warc", records, gzip=False).read_bytes()}  # fmt: skip
    boundaries = {kind: _record_starts(data) for kind, data in clean.items()}
    tally: Counter[str] = Counter()
    for trial in range(80):
        kind = "gz" if trial % 2 == 0 else "plain"
        how, data = damage(clean[kind], rng)
        path = tmp_path / f"t{trial}.{'warc.gz' if kind == 'gz' else 'warc'}"
        path.write_bytes(data)
        skips: Counter[str] = Counter()
        started = time.monotonic()
        got = list(read_warc(path, lambda key, *_a, _skips=skips, **_k: _skips.update([key])))
        assert time.monotonic() - started < 5, (trial, how)
        for page in got:
            if kind == "gz":  # the CRC of each member: a damaged record never passes as good
                assert page.url in pages and page.body == pages[page.url], (trial, how, page.url)
            else:  # plain: digests check the block; the header has no check (see test_fuzz)
                assert re.fullmatch(r"https?://[\w.-]+(:\d+)?/\S*", page.url), (trial, how, page.url)
                tally["plain_pages_not_original"] += page.url not in pages or page.body != pages[page.url]
        tally["files"] += 1
        tally[f"damage/{how}"] += 1
        tally["records_read"] += len(got)
        tally["records_lost"] += PAGES - len(got)
        tally["skips_counted"] += sum(skips.values())
        cut_between = any(0 <= b - len(data) <= 8 for b in boundaries[kind])
        if len(got) < PAGES and kind == "gz" and not (how == "truncate" and cut_between):
            # (a file cut between two records - or in the 8-byte gzip trailer of the last whole one,
            # whose data are complete - is a shorter archive: nothing to count)
            assert skips, (trial, how, "a lost record must be counted", len(data), sorted(boundaries[kind]))
    print(dict(tally))


def _record_starts(data: bytes) -> set[int]:
    """Offsets where the records of a clean WARC start, and its end."""
    import io

    from warcio.archiveiterator import ArchiveIterator

    it = ArchiveIterator(io.BytesIO(data))
    starts = set()
    for _record in it:
        starts.add(it.offset)
    return starts | {len(data)}


def _cache_entry(root: Path, n: int, url: str, body: bytes) -> Path:
    """One FilesystemCacheStorage entry (gzipped files, as with HTTPCACHE_GZIP=True)."""
    fp = f"{n:040x}"
    entry = root / "spider" / fp[:2] / fp
    entry.mkdir(parents=True)
    meta = {"url": url, "method": "GET", "status": 200, "response_url": url, "timestamp": 1_700_000_000.0}
    (entry / "pickled_meta").write_bytes(gzip.compress(pickle.dumps(meta, protocol=4)))
    (entry / "response_headers").write_bytes(gzip.compress(b"Content-Type: text/html; charset=utf-8\r\n"))
    (entry / "response_body").write_bytes(gzip.compress(body))
    return entry


def test_damaged_cache_entries_are_counted_and_the_rest_read(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    pages = originals()
    root = tmp_path / "cache"
    entries = [_cache_entry(root, n, u, b) for n, (u, b) in enumerate(pages.items())]
    damaged = set()
    for entry in rng.sample(entries, 4):
        victim = entry / rng.choice(["pickled_meta", "response_headers", "response_body"])
        _how, data = damage(victim.read_bytes(), rng)
        if data != victim.read_bytes():
            victim.write_bytes(data)
            damaged.add(entry.name)
    (entries[-1] / "response_body").unlink()  # an entry missing a file
    damaged.add(entries[-1].name)
    skips: Counter[str] = Counter()
    got = list(read_cache_dir(root, lambda key, *_a, **_k: skips.update([key])))
    for page in got:
        assert page.body == pages[page.url]
    assert len(got) + skips["errors/bad_cache_entry"] == PAGES
    assert len(got) >= PAGES - len(damaged)


def test_reparse_command_on_damaged_garbage_and_empty_inputs(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    records = [{"url": u, "body": b, "date": DATE} for u, b in originals().items()]
    clean = write_warc(tmp_path / "clean.warc.gz", records).read_bytes()
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(4):
        (inputs / f"d{n}.warc.gz").write_bytes(damage(clean, rng)[1])
    (inputs / "noise.warc.gz").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    (inputs / "whole.warc.gz").write_bytes(clean)
    out = tmp_path / "out.jsonl"
    proc = run_scrapy("reparse", str(inputs), "-O", str(out), "-s", TEST_SPIDERS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Re-parse errors/not_warc: noise.warc.gz" in proc.stderr
    assert not BINARY.search(proc.stderr), BINARY.search(proc.stderr)
    assert len(out.read_text().splitlines()) >= PAGES  # the whole file at least
    # "N pages parsed" is the stat news/reparse/pages; "N records read" the stat news/reparse/records.
    done = re.search(r"Re-parse done: (\d+) records read .* (\d+) pages parsed", proc.stderr)
    assert done and int(done.group(2)) == stat_of(proc.stderr, "news/reparse/pages"), proc.stderr[-2000:]
    assert int(done.group(1)) == stat_of(proc.stderr, "news/reparse/records")

    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    bad = run_scrapy("reparse", str(garbage), "-O", str(tmp_path / "g.jsonl"))
    assert bad.returncode == EXIT_CODES["usage"], bad.stderr[-2000:]
    [line] = [x for x in bad.stderr.splitlines() if "error:" in x]
    assert "not a WARC file" in line and not BINARY.search(bad.stderr)
    assert "Traceback" not in bad.stderr and not (tmp_path / "g.jsonl").exists()

    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    none = run_scrapy("reparse", str(empty), "-O", str(tmp_path / "e.jsonl"))
    assert none.returncode == EXIT_CODES["no_records"], none.stderr[-2000:]
    assert "Run failed (no_records): no records in" in none.stderr
