"""Live crawl speed: ``scrapy crawl trend`` of a site served from 127.0.0.1 against a null spider on the same server.

    python bench/crawl_bench.py [--pages 1000] [--page-kb 0] [--rounds 3] [--concurrency 16]

The site: ``--pages`` Trend article pages (``bench/reparse_bench.py``'s ``make_pages``: the Trend test site's
articles, each under its own id; ``--page-kb`` pads them with corpus markup) and one RSS feed linking them all,
served by a threaded ``http.server`` in this process. Both runs fetch the same URLs with the same settings
(``CONCURRENT_REQUESTS=--concurrency``, no delay, no AutoThrottle, no robots.txt):

- **null**: ``bench_null`` (``bench/bench_spider.py``): fetches the feed and its links, yields nothing;
- **byline**: ``trend`` with ``-a base_url=...``, the project's settings and pipelines, ``-O out.jsonl``.

Wall time includes start-up; the ratio of a round is byline pages/s over null pages/s of that round.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=False",
            "-s", "LOG_LEVEL=INFO", "-s", "HTTPCACHE_ENABLED=False"]  # fmt: skip


def write_site(root: Path, pages: list[tuple[str, bytes]]) -> None:
    items = []
    for url, body in pages:
        path = root / url.split("://", 1)[1].split("/", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        items.append(f"<item><title>t</title><link>{url}</link><pubDate>Thu, 27 Nov 2026 10:31:00 +0400</pubDate></item>")
    (root / "feeds").mkdir(exist_ok=True)
    (root / "feeds" / "index.rss").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Trend</title>'
        + "".join(items) + "</channel></rss>", "utf-8")  # fmt: skip
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")


def crawl(args: list[str], out: Path) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", *args, "-O", str(out)], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    fetched = re.search(r"'response_received_count': (\d+)", proc.stderr)
    return wall, int(fetched.group(1)) if fetched else 0


def main() -> None:
    from reparse_bench import make_pages

    from tests.support.site_server import serve

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--page-kb", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        root = Path(tmp) / "site"
        write_site(root, make_pages(args.pages, args.page_kb, []))
        rows = []
        with serve(root) as site:
            common = [*SETTINGS, "-s", f"CONCURRENT_REQUESTS={args.concurrency}",
                      "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}"]  # fmt: skip
            for r in range(args.rounds):
                null_wall, null_n = crawl(["bench_null", "-a", f"base_url={site.base_url}", *common,
                                           "-s", "SPIDER_MODULES=bench.bench_spider"], Path(tmp) / "null.jsonl")  # fmt: skip
                # A fresh seen-store each round: the round's crawl is a first crawl of the site, not an update.
                state = ["-s", f"STATE_DIR={Path(tmp) / f'state-{r}'}"]
                ours_wall, ours_n = crawl(["trend", "-a", f"base_url={site.base_url}", "-a", "sections=", *common,
                                           *state], Path(tmp) / "trend.jsonl")  # fmt: skip
                items = len((Path(tmp) / "trend.jsonl").read_text("utf-8").splitlines())
                null_pps, ours_pps = null_n / null_wall, ours_n / ours_wall
                rows.append((null_pps, ours_pps, ours_pps / null_pps))
                print(f"round {r + 1}: null {null_n} responses in {null_wall:.1f} s ({null_pps:.0f}/s); byline "
                      f"{ours_n} responses, {items} items in {ours_wall:.1f} s ({ours_pps:.0f}/s) = "
                      f"{ours_pps / null_pps:.2f}x null", flush=True)  # fmt: skip
    med = [statistics.median(x[i] for x in rows) for i in range(3)]
    print(f"\n| null spider | {med[0]:.0f} pages/s | byline trend crawl | {med[1]:.0f} pages/s | {med[2]:.2f}x |")


if __name__ == "__main__":
    main()
