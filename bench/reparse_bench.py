"""Re-parse throughput and memory: ``scrapy reparse`` on a WARC.gz vs the floor, measured in the same run.

    python bench/reparse_bench.py [--pages 2000] [--page-kb 330] [--memory 2000,20000] [--keep DIR]

Pages: the Trend test site's article pages (``tests/fixtures/trend/site``), each copy under a new
article id and URL (``https://en.trend.az/<section>/<sub>/<id>.html``, canonical/og:url too) with a
unique closing paragraph (so dedupe keeps every copy), padded to about ``--page-kb`` KB with the
markup of real news pages from the shared corpus (``bench.corpus.corpus_dir()``, scripts and styles removed)
put in a sidebar: real pages' size and node count, Trend's article markup.

Measured, one core each, on the same pages:

- floor (parsel): decode + ``parsel.Selector`` + the Trend spider's selector rules (first match
  per field, as ``NewsSpider.extract``) + the JSON-LD/meta reading - no Scrapy at all;
- floor (extract): the spider's ``parse_article`` on in-memory responses (loader, processors) - the
  same code a re-parse runs, without reading files, the engine, pipelines or export;
- ``scrapy reparse pages.warc.gz -O out.jsonl``: pages per CPU second from its "Re-parse done" line
  (reading the WARC.gz, dispatch, extraction, validate + dedupe pipelines, JSONL export), plus wall
  time with startup.

Rates are pages per CPU second of the one process doing the work (the machine is shared: wall
time swings with other load, CPU time much less).
- memory: peak RSS of ``scrapy reparse`` on N1 and N2 pages (smaller pages: ``--memory-page-kb``).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from a checkout
from bench.procstat import peak_rss_kb  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "tests" / "fixtures" / "trend" / "site"


def templates() -> list[tuple[str, str]]:
    """(url path, html) of the fixture's article pages (those with an article body)."""
    out = []
    for path in sorted(SITE.rglob("*.html")):
        html = path.read_text("utf-8", errors="replace")
        if "article-content article-paddings" in html and "private" not in path.parts:
            out.append(("/" + path.relative_to(SITE).as_posix(), html))
    return out


def pad_blocks(corpus: Path, limit: int = 40) -> list[str]:
    """Body markup of real corpus pages without scripts/styles (the sidebar padding)."""
    blocks = []
    for path in sorted(corpus.glob("*/*.html.gz"))[:limit]:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        html = re.sub(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>", "", html)
        body = re.search(r"(?is)<body[^>]*>(.*)</body>", html)
        blocks.append(re.sub(r"(?is)<h1\b", "<h2", body.group(1) if body else html))
    return blocks or ['<ul class="menu">' + "".join(f'<li><a href="/s/{i}.html">Link {i} of the menu</a></li>'
                                                   for i in range(2000)) + "</ul>"]  # fmt: skip


def make_pages(n: int, page_kb: int, blocks: list[str]) -> list[tuple[str, bytes]]:
    """``n`` distinct article pages of about ``page_kb`` KB -> [(url, body)]."""
    tpls = templates()
    pages = []
    for i in range(n):
        path, html = tpls[i % len(tpls)]
        old_id = re.search(r"(\d+)\.html$", path).group(1)
        new_id = str(5_000_000 + i)
        html = html.replace(old_id, new_id)
        start = html.index("article-content article-paddings")
        end = html.index("</div>", start)
        html = html[:end] + f"<p>Bench copy {i}: the story was also reported by other outlets.</p>\n" + html[end:]
        pad, j = [], i
        while page_kb and sum(map(len, pad)) < page_kb * 1024 - len(html):
            pad.append(blocks[j % len(blocks)])
            j += 7
        if pad:
            # Cut at a tag boundary near the target size (lxml closes what the cut leaves open).
            text = "".join(pad)[: max(page_kb * 1024 - len(html), 0)]
            text = text[: text.rfind(">") + 1]
            html = html.replace("<footer>", '<aside class="bench-pad">' + text + "</aside><footer>")
        pages.append(("https://en.trend.az" + path.replace(old_id, new_id), html.encode("utf-8")))
    return pages


def write_warc(pages: list[tuple[str, bytes]], out: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    date = "2026-11-27T12:00:00Z"
    with open(out, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        for url, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")  # fmt: skip
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                                          warc_headers_dict={"WARC-Date": date}))  # fmt: skip


def floor_parsel(pages: list[tuple[str, bytes]]) -> float:
    """pages/s of parsel + the Trend selectors + metadata reading (no Scrapy)."""
    from parsel import Selector

    from crawler.extract.metadata import page_metadata
    from spiders.trend import TrendSpider

    rules = list(TrendSpider.selectors.items())
    t0 = time.process_time()
    found = 0
    for _url, body in pages:
        sel = Selector(text=body.decode("utf-8"))
        for _field, field_rules in rules:
            for rule in field_rules:
                res = sel.xpath(rule) if rule.startswith(("/", "(", "./")) else sel.css(rule)
                if res:
                    found += len(res.getall())
                    break
        page_metadata(sel)
    elapsed = time.process_time() - t0
    assert found
    return len(pages) / elapsed


def floor_extract(pages: list[tuple[str, bytes]]) -> float:
    """pages/s of the Trend spider's ``parse_article`` on in-memory responses (no files, engine, pipelines)."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from spiders.trend import TrendSpider

    crawler = get_crawler(TrendSpider, {"REMOTE_CONTROL_ENABLED": False, "LOG_LEVEL": "WARNING"})
    spider = TrendSpider.from_crawler(crawler)
    when = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    t0 = time.process_time()
    items = 0
    for url, body in pages:
        response = HtmlResponse(url, body=body, encoding="utf-8", request=Request(url, meta={"news_crawl_date": when}))
        items += sum(1 for _ in spider.parse_article(response))
    elapsed = time.process_time() - t0
    assert items == len(pages), items
    return len(pages) / elapsed



def run_reparse(warc: Path, out: Path, *extra: str) -> tuple[float, float, int, str]:
    """Run ``scrapy reparse`` -> (pages per CPU second from its log, wall seconds, peak RSS in KB, log).

    The peak is polled from /proc (VmHWM of the scrapy process itself): getrusage's maxrss of a
    child also counts the benchmark's own memory, inherited at fork.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        # One worker: the rate is CPU time of the one process doing the work (bench/reparse_mixed.py measures workers).
        proc = subprocess.Popen([sys.executable, "-m", "scrapy", "reparse", str(warc), "-O", str(out), "--workers", "1",
                                 "-s", "LOG_LEVEL=INFO", *extra], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                stderr=log, text=True)  # fmt: skip
        peak = 0
        while proc.poll() is None:
            peak = max(peak, peak_rss_kb(proc.pid))
            time.sleep(0.2)
        wall = time.perf_counter() - t0
        log.seek(0)
        stderr = log.read()
    if proc.returncode:
        raise SystemExit(stderr[-3000:])
    done = re.search(
        r"Re-parse done: (\d+) records read in ([\d.]+) s \(([\d.]+) pages/s; ([\d.]+) pages per CPU second\)", stderr
    )
    assert done, stderr[-2000:]
    items = re.search(r"'item_scraped_count': (\d+)", stderr)
    assert items and int(items.group(1)) == int(done.group(1)), "every page must become an exported item"
    return float(done.group(4)), wall, peak, stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--page-kb", type=int, default=330)
    ap.add_argument("--memory", default="2000,20000", help="page counts of the memory runs ('' = skip)")
    ap.add_argument("--memory-page-kb", type=int, default=30)
    ap.add_argument("--keep", type=Path, help="keep the WARC files and outputs here")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))  # the bench runs from a checkout, like the tests
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from bench.corpus import corpus_dir

    corpus = corpus_dir()
    if corpus is None:
        print("no shared corpus ($BYLINE_CORPUS): padding pages with a synthetic menu instead")
    blocks = pad_blocks(corpus) if corpus else pad_blocks(Path("/nonexistent"))
    work = args.keep or Path(tempfile.mkdtemp(prefix="reparse-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    pages = make_pages(args.pages, args.page_kb, blocks)
    warc = work / "pages.warc.gz"
    write_warc(pages, warc)
    avg_kb = sum(len(b) for _, b in pages) / len(pages) / 1024
    print(f"{len(pages)} pages, {avg_kb:.0f} KB on average; {warc.stat().st_size / 1e6:.1f} MB WARC.gz")

    parsel1 = floor_parsel(pages)
    extract = floor_extract(pages)
    rate, wall, _, _ = run_reparse(warc, work / "out.jsonl")
    parsel2 = floor_parsel(pages)
    floor = max(parsel1, parsel2)
    print(f"floor (parsel + selectors, no Scrapy): {parsel1:.1f} / {parsel2:.1f} pages/s (best {floor:.1f})")
    print(f"floor (parse_article on in-memory responses): {extract:.1f} pages/s")
    print(f"scrapy reparse (WARC.gz -> pipelines -> JSONL): {rate:.1f} pages/s CPU "
          f"({len(pages) / wall:.1f} pages/s wall incl. ~startup)")  # fmt: skip
    print(f"reparse / parsel floor: {rate / floor:.0%}; reparse / parse_article floor: {rate / extract:.0%}")

    sizes = [int(x) for x in args.memory.split(",") if x.strip()]
    # Default settings, then without the seen-store (its in-memory SQLite keeps a row per article).
    for label, extra in (("default", ()), ("STATE_ENABLED=False", ("-s", "STATE_ENABLED=False"))):
        peaks = []
        for n in sizes:
            mem_warc = work / f"mem-{n}.warc.gz"
            if not mem_warc.exists():
                write_warc(make_pages(n, args.memory_page_kb, blocks), mem_warc)
            rate_n, _, peak, _ = run_reparse(mem_warc, work / f"mem-{n}.jsonl", *extra)
            peaks.append(peak)
            print(f"memory ({label}): {n} pages of ~{args.memory_page_kb} KB: peak RSS {peak / 1024:.1f} MB "
                  f"({rate_n:.1f} pages/s)")  # fmt: skip
        if len(peaks) >= 2:
            print(f"memory ({label}) growth {sizes[0]} -> {sizes[-1]} pages: {(peaks[-1] - peaks[0]) / peaks[0]:+.1%}")
    if not args.keep:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
