"""Export overhead: the same 20,000-article crawl writing ``-O`` to a local file vs the export plugin
writing gzip JSON Lines to a local moto S3 server (target: at most 1.2x the ``-O`` time).

    python bench/export_bench.py [--items 20000] [--repeat 3]

Both runs crawl 200 local listing pages of 100 full articles each (bodies of ~2-4 KB of words)
through the project's pipelines; each time is the wall time of the whole ``scrapy crawl`` process,
including the export plugin's final uploads and manifest. Prints the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import scrapy_env
from tests.support.moto_server import MotoServer
from tests.support.site_server import serve

PER_PAGE = 100
WORDS = ["government", "economy", "minister", "oil", "gas", "energy", "baku", "azerbaijan", "president", "meeting", "agreement", "cooperation", "project", "investment", "bank", "market", "price", "export", "growth", "region", "talks", "visit", "delegation", "company", "contract", "pipeline", "caspian", "development", "sector", "reform", "budget", "parliament", "election"]  # fmt: skip


def make_site(root: Path, items: int) -> int:
    """Write listing pages holding ``items`` articles in total; returns the page count."""
    rnd = random.Random(20140618)
    pages = (items + PER_PAGE - 1) // PER_PAGE
    n = 0
    for p in range(pages):
        blocks = []
        for _ in range(min(PER_PAGE, items - n)):
            paras = "".join(
                "<p>" + " ".join(rnd.choices(WORDS, k=rnd.randint(30, 70))).capitalize() + ".</p>"
                for _ in range(rnd.randint(4, 8))
            )
            blocks.append(
                f'<article data-url="/news/{n}.html" data-section="s{n % 7}"><h2>Story {n}: '
                f'{" ".join(rnd.choices(WORDS, k=6))}</h2><time datetime="2026-{1 + n % 12:02d}-{1 + n % 28:02d}'
                f'T10:{n % 60:02d}:00+04:00"></time><span class="by">Author {n % 50}</span>{paras}</article>'
            )
            n += 1
        (root / f"p{p}.html").write_text("<html><body>" + "".join(blocks) + "</body></html>", "utf-8")
    return pages


def crawl(base_url: str, pages: int, extra: list[str]) -> tuple[float, float, str]:
    """One ``scrapy crawl``: (wall seconds, CPU seconds of the crawl process, its log)."""
    args = [sys.executable, "-m", "scrapy", "crawl", "bench_articles", "-a", f"base_url={base_url}",
            "-a", f"pages={pages}", "-s", "SPIDER_MODULES=bench.bench_spider", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "ROBOTSTXT_OBEY=False", "-s", "CONCURRENT_REQUESTS=8", "-s", "LOG_LEVEL=INFO", *extra]  # fmt: skip
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, env=scrapy_env(), capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime
    if proc.returncode != 0 or "'item_scraped_count': " not in proc.stderr:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return took, cpu, proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gzip-level", type=int, default=None, help="EXPORT_GZIP_LEVEL (default: the project's)")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, MotoServer() as s3:
        work = Path(tmp)
        (work / "site").mkdir()
        pages = make_site(work / "site", opts.items)
        s3.client.create_bucket(Bucket="bench")
        aws = [a for k, v in s3.settings.items() for a in ("-s", f"{k}={v}")]
        with serve(work / "site") as site:
            plain, export, plain_cpu, export_cpu = [], [], [], []
            for i in range(opts.repeat):
                t, c, _ = crawl(site.base_url, pages, ["-O", str(work / f"o{i}.jsonl")])
                plain.append(t)
                plain_cpu.append(c)
                t, c, log = crawl(site.base_url, pages, [
                    "-s", f"EXPORT_URI=s3://bench/run{i}/{{spider}}/", "-s", "EXPORT_GZIP=True",
                    "-s", f"EXPORT_SPOOL_DIR={work / 'spool'}", *aws,
                    *(["-s", f"EXPORT_GZIP_LEVEL={opts.gzip_level}"] if opts.gzip_level is not None else []),
                ])  # fmt: skip
                export.append(t)
                export_cpu.append(c)
                assert f"'news/export/items_uploaded': {opts.items}" in log, log[-2000:]
                print(
                    f"run {i + 1}: -O {plain[-1]:.2f}s (cpu {plain_cpu[-1]:.2f}s)   "
                    f"export (gzip JSON Lines -> moto S3) {export[-1]:.2f}s (cpu {export_cpu[-1]:.2f}s)",
                    flush=True,
                )
            size = sum(len(v) for v in s3.objects("bench").values())
            raw = (work / "o0.jsonl").stat().st_size
        p, e = statistics.median(plain), statistics.median(export)
        print(
            f"{opts.items} articles ({raw / 1e6:.1f} MB of JSON Lines; {size / 1e6 / opts.repeat:.1f} MB gzip in S3 per run)"
        )
        print(f"median wall: -O {p:.2f}s, export {e:.2f}s, ratio {e / p:.2f}x (target <= 1.2x)")
        pc, ec = statistics.median(plain_cpu), statistics.median(export_cpu)
        print(f"median CPU of the crawl process: -O {pc:.2f}s, export {ec:.2f}s, ratio {ec / pc:.2f}x")


if __name__ == "__main__":
    main()
