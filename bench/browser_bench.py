"""Rendered vs plain crawl speed, and the browser's memory over many rendered pages.

    python -m bench.browser_bench [--pages 200] [--context-pages 100] [--max-pages 4]

Builds a Trend-like site of N articles twice (server-rendered, and written by scripts, from the
templates in tests/fixtures/browser), serves each on 127.0.0.1 and crawls it with the test spider:

- ``plain``: server-rendered site, no browser;
- ``rendered``: script site, every article rendered (``use_browser=always``);
- ``fallback``: script site, articles fetched plainly then rendered once (the default mode).

While a crawl runs, the RSS (and PSS, which does not count shared pages twice) of the crawl's
chromium processes is sampled every 0.2 s from /proc. Prints pages/s and peak memory per mode.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import REPO_ROOT, scrapy_env
from tests.support.site_server import serve

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "browser"
TEMPLATE_ID = "4001"
TEMPLATE_PATH = "azerbaijan/politics/4001.html"


def build_site(root: Path, pages: int) -> None:
    """Write ``root/static`` and ``root/js``: a listing of ``pages`` articles made from the 4001 templates."""
    story = json.loads((FIXTURES / "js" / "api" / f"{TEMPLATE_ID}.json").read_text("utf-8"))
    lead = story["paragraphs"][0]
    for variant in ("static", "js"):
        base = root / variant
        (base / "news" / "latest").mkdir(parents=True)
        (base / "a").mkdir()
        template = (FIXTURES / variant / TEMPLATE_PATH).read_text("utf-8")
        items = []
        for n in range(pages):
            sid = str(10000 + n)
            html = template.replace(f"/api/{TEMPLATE_ID}.json", f"/api/{sid}.json")
            html = re.sub(r"(<h1>)([^<]*)", rf"\g<1>\g<2> ({sid})", html)
            html = html.replace(f"<p>{lead}", f"<p>({sid}) {lead}")  # a distinct story for the dedupe pipeline
            (base / "a" / f"{sid}.html").write_text(html, "utf-8")
            items.append(f'<li><a href="/a/{sid}.html">Story {sid}</a></li>')
            if variant == "js":
                (base / "api").mkdir(exist_ok=True)
                own = {**story, "paragraphs": [f"({sid}) {lead}", *story["paragraphs"][1:]]}
                (base / "api" / f"{sid}.json").write_text(json.dumps(own), "utf-8")
        (base / "news" / "latest" / "index.html").write_text(
            '<html><body><ul class="news-list with-images">' + "\n".join(items) + "</ul></body></html>", "utf-8"
        )
        if variant == "js":
            (base / "assets").mkdir()
            (base / "assets" / "story.js").write_text((FIXTURES / "js" / "assets" / "story.js").read_text("utf-8"))


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _descendants(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        kids = _children(p)
        seen += kids
        todo += kids
    return seen


def _kb(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Memory:
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    peak_processes: int = 0
    crawler_peak_rss_mb: float = 0.0
    samples: list[tuple[float, float]] = field(default_factory=list)


def sample(pid: int, memory: Memory, stop: threading.Event) -> None:
    """Every 0.2 s: total RSS/PSS of the chromium processes under ``pid``, and the crawl process's own RSS."""
    start = time.monotonic()
    while not stop.is_set():
        chromium = []
        for child in _descendants(pid):
            try:
                if "chrom" in Path(f"/proc/{child}/comm").read_text():
                    chromium.append(child)
            except OSError:
                pass
        rss = sum(_kb(f"/proc/{c}/status", "VmRSS:") for c in chromium) / 1024
        pss = sum(_kb(f"/proc/{c}/smaps_rollup", "Pss:") for c in chromium) / 1024
        memory.peak_rss_mb = max(memory.peak_rss_mb, rss)
        memory.peak_pss_mb = max(memory.peak_pss_mb, pss)
        memory.peak_processes = max(memory.peak_processes, len(chromium))
        memory.crawler_peak_rss_mb = max(memory.crawler_peak_rss_mb, _kb(f"/proc/{pid}/status", "VmRSS:") / 1024)
        if chromium:
            memory.samples.append((time.monotonic() - start, pss))
        stop.wait(0.2)


def run(site_dir: Path, mode: str, out_dir: Path, extra: list[str]) -> dict[str, object]:
    """Crawl ``site_dir`` with ``use_browser=mode`` -> pages, seconds, pages/s, memory."""
    stats_file, items_file = out_dir / f"{mode}.stats.json", out_dir / f"{mode}.jsonl"
    with serve(site_dir) as site:
        cmd = [
            sys.executable, "-m", "scrapy", "crawl", "trendlike", "-O", str(items_file), "--loglevel", "WARNING",
            "-s", "SPIDER_MODULES=tests.support.spiders.trendlike", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "ROBOTSTXT_OBEY=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "-a", f"base_url={site.base_url}", "-a", f"use_browser={mode}", "-a", f"stats_out={stats_file}", *extra,
        ]  # fmt: skip
        memory, stop = Memory(), threading.Event()
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=scrapy_env(), stderr=subprocess.PIPE, text=True)
        sampler = threading.Thread(target=sample, args=(proc.pid, memory, stop), daemon=True)
        sampler.start()
        _, err = proc.communicate()
        stop.set()
        sampler.join()
    if proc.returncode:
        raise SystemExit(f"crawl failed ({mode}):\n{err[-3000:]}")
    stats = json.loads(stats_file.read_text("utf-8"))
    pages = sum(1 for line in items_file.read_text("utf-8").splitlines() if line.strip())
    seconds = float(stats["elapsed_time_seconds"])
    # PSS after the first quarter of the run vs at the end: flat when memory is bounded.
    quarter = [p for t, p in memory.samples if t >= seconds / 4][:1]
    return {
        "mode": mode,
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 1),
        "rendered": stats.get("news/browser/rendered", 0),
        "chromium_peak_rss_mb": round(memory.peak_rss_mb),
        "chromium_peak_pss_mb": round(memory.peak_pss_mb),
        "chromium_pss_at_25pct_mb": round(quarter[0]) if quarter else 0,
        "chromium_pss_at_end_mb": round(memory.samples[-1][1]) if memory.samples else 0,
        "chromium_peak_processes": memory.peak_processes,
        "crawler_peak_rss_mb": round(memory.crawler_peak_rss_mb),
        "contexts_retired": stats.get("news/browser/contexts_retired", 0),
        "pages_left_open": stats.get("playwright/page_count", 0) - stats.get("playwright/page_count/closed", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--context-pages", type=int, default=100, help="BROWSER_CONTEXT_PAGES (0: one context)")
    parser.add_argument("--max-pages", type=int, default=4, help="BROWSER_MAX_PAGES")
    parser.add_argument("--modes", default="plain,rendered,fallback")
    args = parser.parse_args()
    extra = ["-s", f"BROWSER_CONTEXT_PAGES={args.context_pages}", "-s", f"BROWSER_MAX_PAGES={args.max_pages}"]
    sites = {"plain": "static", "rendered": "js", "fallback": "js"}
    modes = {"plain": "never", "rendered": "always", "fallback": "fallback"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_site(root, args.pages)
        results = []
        for name in args.modes.split(","):
            result = run(root / sites[name], modes[name], root, extra)
            result["mode"] = name
            results.append(result)
            print(json.dumps(result), flush=True)
    print(
        f"\n{'mode':<9} {'pages':>5} {'sec':>6} {'pages/s':>8} {'peak RSS':>9} {'peak PSS':>9} {'PSS 25%':>8} {'PSS end':>8}"
    )
    for r in results:
        print(
            f"{r['mode']:<9} {r['pages']:>5} {r['seconds']:>6} {r['pages_per_s']:>8} {r['chromium_peak_rss_mb']:>7}MB"
            f" {r['chromium_peak_pss_mb']:>7}MB {r['chromium_pss_at_25pct_mb']:>6}MB {r['chromium_pss_at_end_mb']:>6}MB"
        )


if __name__ == "__main__":
    main()
