"""Bad input: every damaged or unusable record is a counted, logged skip, and the run goes on to the end."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.conftest import run_scrapy
from tests.support.reparse_util import TEST_SPIDERS, read_jsonl, stat, story_html, write_warc

CYRILLIC = "Правительство сообщило сегодня о новых мерах поддержки экономики и малого бизнеса в регионах страны. " * 4


def page(n: int, **kw) -> dict:
    return {"url": f"https://news.example/story/{n}.html", "body": story_html(n), **kw}


def build_inputs(root: Path) -> list[Path]:
    """One source per case, each with good pages around the bad one; returns the paths in order."""
    root.mkdir()
    # 1. truncated gzip: a complete WARC.gz cut in the middle of its last record.
    whole = write_warc(root / "whole.warc.gz", [page(1), page(2), page(3)]).read_bytes()
    truncated = root / "truncated.warc.gz"
    truncated.write_bytes(whole[: len(whole) - 200])
    (root / "whole.warc.gz").unlink()
    # 2. a broken record in the middle: the second gzip member's bytes are garbage.
    a = write_warc(root / "a.warc.gz", [page(4)]).read_bytes()
    b = write_warc(root / "b.warc.gz", [page(5)]).read_bytes()
    c = write_warc(root / "c.warc.gz", [page(6)]).read_bytes()
    broken_b = b[:20] + bytes(x ^ 0x5A for x in b[20:120]) + b[120:]
    (root / "broken-middle.warc.gz").write_bytes(a + broken_b + c)
    for name in ("a", "b", "c"):
        (root / f"{name}.warc.gz").unlink()
    # 2b. the same in an uncompressed WARC: a record whose header block is cut short.
    plain = write_warc(root / "p.warc", [page(7), page(8), page(9)], gzip=False).read_bytes()
    second = plain.index(b"WARC/1.1", 10)
    third = plain.index(b"WARC/1.1", second + 10)
    (root / "broken-middle.warc").write_bytes(
        plain[:second] + plain[second : second + 60] + b"\r\n\r\n" + plain[third:]
    )
    (root / "p.warc").unlink()
    # 3.-6. wrong charset, a 20 MB page, an empty body, a PDF, between good pages.
    big = "<html><body><h1>Big</h1><div class='story'>" + "<p>filler text</p>" * 1_200_000 + "</div></body></html>"
    records = [
        page(10),
        {"url": "https://news.example/story/11.html", "body": story_html(11, "utf-8", CYRILLIC).encode("cp1251"),
         "headers": [("Content-Type", "text/html; charset=UTF-8")]},
        {"url": "https://news.example/story/12.html", "body": big},
        {"url": "https://news.example/story/13.html", "body": b""},
        {"url": "https://news.example/story/14.pdf", "body": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
         "headers": [("Content-Type", "application/pdf")]},
        {"url": "https://news.example/story/15.html", "body": gzip.compress(story_html(15).encode())[:-30],
         "headers": [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]},
        page(16),
    ]  # fmt: skip
    assert len(big) > 20_000_000
    write_warc(root / "mixed.warc.gz", records)
    return [truncated, root / "broken-middle.warc.gz", root / "broken-middle.warc", root / "mixed.warc.gz"]


def test_bad_input_matrix(tmp_path: Path) -> None:
    sources = build_inputs(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    proc = run_scrapy("reparse", *map(str, sources), "-O", str(out), "-s", TEST_SPIDERS)
    log = proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "'finish_reason': 'finished'" in log
    urls = sorted(int(i["url"].rsplit("/", 1)[1].split(".")[0]) for i in read_jsonl(out))
    # Good pages before and after every bad one come out; 11 with its charset repaired.
    assert urls == [1, 2, 4, 6, 7, 9, 10, 11, 16]
    [cyrillic] = [i for i in read_jsonl(out) if i["url"].endswith("/11.html")]
    assert CYRILLIC.split(".")[0] in cyrillic["article_body"]

    assert stat(log, "news/reparse/errors/truncated") == 1
    assert stat(log, "news/reparse/errors/broken_record") == 2
    assert stat(log, "news/reparse/charset/wrong") == 1
    assert stat(log, "news/reparse/skipped/too_large") == 1
    assert stat(log, "news/reparse/skipped/empty") == 1
    assert stat(log, "news/reparse/skipped/not_html") == 1
    assert stat(log, "news/reparse/skipped/bad_payload") == 1
    # ...and each is logged with where it happened.
    for key in (
        "errors/truncated",
        "errors/broken_record",
        "charset/wrong",
        "skipped/too_large",
        "skipped/empty",
        "skipped/bad_payload",
        "skipped/not_html",
    ):
        assert f"Re-parse {key}: " in log, key


def test_corrupt_gzip_member_never_swallows_the_next_record(tmp_path: Path) -> None:
    """A corrupt member can decode into the next members' bytes: the reader still finds the next record."""
    import random
    from collections import Counter

    from crawler.archive.sources import read_warc

    rng = random.Random(20261129)
    for trial in range(60):
        a, b, c = (write_warc(tmp_path / f"{trial}-{n}.warc.gz", [page(n)]).read_bytes() for n in (4, 5, 6))
        lo = rng.randint(10, 40)
        hi = lo + rng.randint(20, 200)
        broken = b[:lo] + bytes(x ^ rng.randint(1, 255) for x in b[lo:hi]) + b[hi:]
        path = tmp_path / f"{trial}.warc.gz"
        path.write_bytes(a + broken + c)
        skips: Counter[str] = Counter()
        urls = [p.url for p in read_warc(path, lambda kind, *_, **__: skips.update([kind]))]
        assert page(4)["url"] in urls and page(6)["url"] in urls, (trial, urls)
        assert skips["errors/broken_record"] + skips["errors/truncated"] == 1, (trial, skips)
