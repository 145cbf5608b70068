"""Re-parse speed on mixed real pages, each set against the lxml parse floor of the same bytes, in the same run.

    python bench/reparse_mixed.py [--sets corpus,devset,trend] [--repeat 50] [--workers 1,2] [--rounds 3]
                                  [--devset-pages 0] [--trend-pages 400] [--keep DIR]

Sets (inputs are built in a temporary directory; corpus pages are linked, never copied):

- ``corpus``: the shared corpus (``$BYLINE_CORPUS``, 43 pages of 28 publishers), its manifest repeated
  ``--repeat`` times into one HTML directory (``manifest.tsv``: FILE, URL, crawl date); every page goes to its
  site spider. Repeats keep their URL, so dedupe drops them (after extraction): the output is the 43 records.
- ``devset``: the trafilatura-eval development set (``$BYLINE_DEVSET``, default ``../shared/devsets/trafilatura-eval``, 949 pages of
  unknown hosts): every page goes to the generic extractor (``REPARSE_FALLBACK``). Ids that are not URLs get
  ``http://devset.invalid/<file>``.
- ``trend``: the Trend test site's article pages (``bench/reparse_bench.py``'s ``make_pages``: each copy
  under its own URL, unpadded) in one WARC.gz.

Per set and round: the **floor** (``lxml.html.fromstring`` of every page's bytes, in this process), then
``scrapy reparse SOURCE -O out.jsonl --workers N`` for each N (a subprocess: **wall time including
start-up**, peak RSS of the scrapy process and of its process tree), then the floor again. Reported:
medians over rounds of pages/s and the ratio to the floor of the same round. Per-page latency (ms, p50/p90)
comes from one in-process pass over the set's distinct pages (``crawler.archive.reparse_spider.extract_page``
after a warm-up pass: response, dispatch, extraction; no pipelines), next to the floor's per page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from a checkout
from bench.procstat import tree_peak_rss_kb  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEVSET = Path(os.environ.get("BYLINE_DEVSET") or REPO.parent / "shared" / "devsets" / "trafilatura-eval")


# --- inputs ---------------------------------------------------------------------------------------


def corpus_set(root: Path, repeat: int) -> tuple[Path, list[tuple[str, bytes]]]:
    """HTML dir of the corpus repeated ``repeat`` times -> (dir, [(url, body)] of one pass)."""
    from bench.corpus import corpus_dir, pages

    src = corpus_dir()
    if src is None:
        raise SystemExit("no corpus: set BYLINE_CORPUS")
    out = root / "corpus"
    out.mkdir()
    lines, bodies = [], []
    for page in pages(src):
        link = out / page.slug / page.file
        link.parent.mkdir(exist_ok=True)
        link.symlink_to(page.path)
        lines.append(f"{page.slug}/{page.file}\t{page.url}\t{page.crawl_date.isoformat()}")
        bodies.append((page.url, gzip.decompress(page.path.read_bytes())))
    (out / "manifest.tsv").write_text("\n".join(lines * repeat) + "\n", "utf-8")
    return out, bodies


def devset_set(root: Path, limit: int) -> tuple[Path, list[tuple[str, bytes]]]:
    """HTML dir of the trafilatura-eval pages (all, or the first ``limit`` by name)."""
    data = json.loads((DEVSET / "evaldata.json").read_text("utf-8"))
    out = root / "devset"
    out.mkdir()
    lines, bodies = [], []
    entries = sorted(data.items(), key=lambda kv: kv[1]["file"])
    for key, entry in entries[: limit or None]:
        path = DEVSET / "pages" / (entry["file"] + ".gz")
        if not path.is_file():
            continue
        url = key if re.match(r"https?://", key) else f"http://devset.invalid/{entry['file']}"
        (out / path.name).symlink_to(path)
        lines.append(f"{path.name}\t{url}")
        bodies.append((url, gzip.decompress(path.read_bytes())))
    (out / "manifest.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    return out, bodies


def trend_set(root: Path, n: int) -> tuple[Path, list[tuple[str, bytes]]]:
    """One WARC.gz of ``n`` Trend article pages (each under its own URL)."""
    sys.path.insert(0, str(REPO / "bench"))
    from reparse_bench import make_pages, write_warc

    pages = make_pages(n, 0, [])
    out = root / "trend.warc.gz"
    write_warc(pages, out)
    return out, pages


# --- measurements ---------------------------------------------------------------------------------


def floor(bodies: list[tuple[str, bytes]], repeat: int) -> tuple[float, list[float]]:
    """lxml parse of every page ``repeat`` times -> (pages/s, per-page ms of one pass)."""
    import lxml.html

    per_page = []
    t0 = time.perf_counter()
    for r in range(repeat):
        for _url, body in bodies:
            t = time.perf_counter()
            lxml.html.fromstring(body)
            if r == 0:
                per_page.append((time.perf_counter() - t) * 1000)
    return len(bodies) * repeat / (time.perf_counter() - t0), per_page



def run_reparse(source: Path, out: Path, workers: int, *extra: str) -> dict[str, Any]:
    """``scrapy reparse`` in a subprocess -> wall seconds (start-up included), pages, items, peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    cmd = [sys.executable, "-m", "scrapy", "reparse", str(source), "-O", str(out), "--workers", str(workers),
           "-s", "LOG_LEVEL=INFO", *extra]  # fmt: skip
    with tempfile.TemporaryFile("w+") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        own = tree = 0
        while proc.poll() is None:
            o, t = tree_peak_rss_kb(proc.pid)
            own, tree = max(own, o), max(tree, t)
            time.sleep(0.1)
        wall = time.perf_counter() - t0
        log.seek(0)
        text = log.read()
    done = re.search(r"Re-parse done: (\d+) records read", text)
    if proc.returncode and not (done and "news/failed" in text):  # exit 1 for an unhealthy run (devset) is fine
        raise SystemExit(text[-3000:])
    pages = re.search(r"'news/reparse/pages': (\d+)", text)
    items = re.search(r"'item_scraped_count': (\d+)", text)
    assert done, text[-2000:]
    return {
        "wall": wall,
        "records": int(done.group(1)),
        "pages": int(pages.group(1)) if pages else 0,
        "exported": int(items.group(1)) if items else 0,
        "rss_mb": own / 1024,
        "tree_rss_mb": tree / 1024,
    }


def latency(bodies: list[tuple[str, bytes]], generic: bool) -> list[float]:
    """Per-page ms of the re-parse's page handler (response, dispatch, extraction) in this process."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy import Spider
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.test import get_crawler

    from crawler.archive.dispatch import SpiderDispatcher
    from crawler.archive.reparse_spider import extract_page
    from crawler.archive.sources import SkipCounter, StoredPage

    settings = get_project_settings()
    names = ("SPIDER_MODULES", "REPARSE_FALLBACK", "BROWSER_ENABLED")
    crawler = get_crawler(Spider, settings_dict={k: settings[k] for k in names if k in settings} | {"LOG_LEVEL": "ERROR"})
    fallback = None
    if generic:
        from spiders.generic import GenericSpider

        fallback = GenericSpider.from_crawler(crawler).parse_article
    dispatcher = SpiderDispatcher.from_crawler(crawler, fallback=fallback)
    skip = SkipCounter(crawler.stats, log_limit=0)
    headers = [(b"Content-Type", b"text/html")]
    stored = [StoredPage(url, 200, headers, body) for url, body in bodies]
    for page in stored:  # warm-up: imports, caches of compiled rules
        extract_page(page, dispatcher, skip, crawler.stats)
    out = []
    for page in stored:
        t = time.perf_counter()
        extract_page(page, dispatcher, skip, crawler.stats)
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


# --- main -----------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="corpus,devset,trend")
    ap.add_argument("--repeat", type=int, default=50, help="corpus repetitions (50: 2,150 pages)")
    ap.add_argument("--devset-pages", type=int, default=0, help="first N devset pages (0: all 949)")
    ap.add_argument("--trend-pages", type=int, default=400)
    ap.add_argument("--workers", default="1,2", help="worker counts to run (comma-separated)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-latency", action="store_true", help="skip the in-process per-page timing")
    ap.add_argument("--keep", type=Path, help="build inputs and outputs here (kept)")
    ap.add_argument("--memory", default="", help="Trend page counts for the memory runs, e.g. 2000,20000 ('' = none)")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    workers = [int(w) for w in args.workers.split(",") if w]
    tmp = tempfile.TemporaryDirectory(prefix="reparse-mixed-")
    root = args.keep or Path(tmp.name)
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in [s for s in args.sets.split(",") if s]:
        if name == "corpus":
            source, bodies = corpus_set(root, args.repeat)
            reps = args.repeat
        elif name == "devset":
            source, bodies = devset_set(root, args.devset_pages)
            reps = 1
        elif name == "trend":
            source, bodies = trend_set(root, args.trend_pages)
            reps = 1
        else:
            raise SystemExit(f"unknown set {name!r}")
        n = len(bodies) * reps
        print(f"\n## {name}: {n} pages ({len(bodies)} distinct, {sum(len(b) for _, b in bodies) / len(bodies) / 1024:.0f} "
              f"KB mean), source {source}", flush=True)  # fmt: skip
        runs: dict[int, list[dict[str, Any]]] = {w: [] for w in workers}
        floors = []
        floor_ms: list[float] = []
        for r in range(args.rounds):
            before, floor_ms = floor(bodies, reps)
            for w in workers:
                res = run_reparse(source, root / f"{name}-w{w}.jsonl", w)
                runs[w].append(res)
            after, _ = floor(bodies, reps)
            round_floor = (before + after) / 2
            floors.append(round_floor)
            for w in workers:
                res = runs[w][-1]
                res["pps"] = n / res["wall"]
                res["ratio"] = res["pps"] / round_floor
            print(f"round {r + 1}: floor {round_floor:.0f} pages/s; "
                  + "; ".join(f"{w} worker(s) {runs[w][-1]['wall']:.1f} s = {runs[w][-1]['pps']:.0f} pages/s "
                              f"({runs[w][-1]['ratio']:.2f}x)" for w in workers), flush=True)  # fmt: skip
        lat = [] if args.no_latency else latency(bodies, generic=name == "devset")
        row = {
            "set": name,
            "pages": n,
            "floor_pps": statistics.median(floors),
            "floor_p50": pct(floor_ms, 0.5),
            "floor_p90": pct(floor_ms, 0.9),
            "p50": pct(lat, 0.5),
            "p90": pct(lat, 0.9),
        }
        for w in workers:
            row[f"w{w}"] = {k: statistics.median(x[k] for x in runs[w]) for k in runs[w][0]}
        rows.append(row)
    for count in [int(c) for c in args.memory.split(",") if c]:
        source, _ = trend_set(root / f"mem{count}", count) if (root / f"mem{count}").mkdir() is None else (None, None)
        for w in workers:
            res = run_reparse(source, root / f"mem{count}-w{w}.jsonl", w)
            print(f"memory: {count} Trend pages, {w} worker(s): {res['wall']:.1f} s, {res['exported']} exported, peak RSS "
                  f"{res['rss_mb']:.0f} MB (process tree {res['tree_rss_mb']:.0f} MB)", flush=True)  # fmt: skip
    print("\n| set | pages | lxml floor pages/s | floor ms p50/p90 | byline ms p50/p90 (in-process) | "
          + " | ".join(f"reparse {w}w: pages/s (x floor), peak RSS MB (tree)" for w in workers) + " |")
    print("|---|---:|---:|---:|---:|" + "---:|" * len(workers))
    for row in rows:
        cells = [f"{row[f'w{w}']['pps']:.0f} ({row[f'w{w}']['ratio']:.2f}x), {row[f'w{w}']['rss_mb']:.0f} "
                 f"({row[f'w{w}']['tree_rss_mb']:.0f})" for w in workers]  # fmt: skip
        print(f"| {row['set']} | {row['pages']} | {row['floor_pps']:.0f} | {row['floor_p50']:.1f} / {row['floor_p90']:.1f} | "
              f"{row['p50']:.1f} / {row['p90']:.1f} | " + " | ".join(cells) + " |")  # fmt: skip


if __name__ == "__main__":
    main()
