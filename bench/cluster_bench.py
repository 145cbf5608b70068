"""Cluster throughput on this machine: 1 vs 2 workers sharing one local redis-server.

    nice -n 10 python bench/cluster_bench.py [--articles 600] [--warc-articles 1500] [--repeat 1]

- crawl: ``scrapy crawl trend -s CLUSTER_URL=...`` against a local Trend-like site of ``--articles``
  articles (tests/cluster/sites.py, all listed in the feed), exporting to a local directory; first
  one process without CLUSTER_URL (the single-process baseline), then 1 and 2 cluster workers;
- re-parse: ``scrapy reparse --queue ...`` over WARC files holding ``--warc-articles`` Trend pages
  (12 files), 1 vs 2 workers, against one plain ``scrapy reparse`` process.

Each time is the wall time from starting the processes until the last one exits (process start,
idle timeout of 1 s and export close included, as a scheduled job pays them). Articles/s = articles
exported / that time; CPU is the user + system time of all the run's processes (start-up included),
the cost that does not depend on what else the machine runs. The load average is printed: other
processes share the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cluster.redis_server import RedisServer
from tests.cluster.sites import big_trend_site, trend_warcs
from tests.conftest import scrapy_env
from tests.support.site_server import serve

COMMON = {
    "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "INFO", "HEALTH_MIN_SAMPLE": "1000000",
    "CLUSTER_IDLE_TIMEOUT": "1", "CLUSTER_LEASE_SECONDS": "5",
}  # fmt: skip


def s_args(settings: dict[str, str]) -> list[str]:
    return [a for k, v in settings.items() for a in ("-s", f"{k}={v}")]


CPU: dict[str, list[float]] = {}
"""label -> CPU seconds (user + system) of the run's processes, one entry per repeat."""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_all(commands: list[list[str]], label: str = "") -> float:
    """Start every command at once; wall time until the last exits (each must exit 0)."""
    cpu = children_cpu()
    started = time.monotonic()
    procs = [
        subprocess.Popen([sys.executable, "-m", "scrapy", *c], cwd=ROOT, env=scrapy_env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {err[-2000:]}")
    wall = time.monotonic() - started
    CPU.setdefault(label, []).append(children_cpu() - cpu)
    return wall


def exported(out: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in out.rglob("part-*"))


def bench_crawl(tmp: Path, articles: int, repeat: int) -> dict[str, tuple[float, int]]:
    results: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    with serve(big_trend_site(tmp / "site", articles)) as site, RedisServer(tmp / "redis") as redis:
        for _ in range(repeat):
            for label, workers in (("single process", 0), ("1 worker", 1), ("2 workers", 2)):
                out = tmp / "out"
                shutil.rmtree(out, ignore_errors=True)
                redis.client.flushall()
                cmds = []
                for w in range(max(1, workers)):
                    settings = {**COMMON, "EXPORT_URI": f"file://{out}/", "EXPORT_SPOOL_DIR": str(tmp / f"spool{w}")}
                    if workers:
                        settings |= {"CLUSTER_URL": redis.url, "CLUSTER_WORKER_ID": f"w{w}"}
                    cmds.append(["crawl", "trend", "-a", f"base_url={site.base_url}", *s_args(settings)])
                results.setdefault(label, []).append(run_all(cmds, "crawl " + label))
                counts[label] = exported(out)
    return {k: (statistics.median(v), counts[k]) for k, v in results.items()}


def bench_reparse(tmp: Path, articles: int, repeat: int) -> dict[str, tuple[float, int]]:
    trend_warcs(tmp / "warc", n_extra=articles, files=12)
    results: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    with RedisServer(tmp / "redis-rp") as redis:
        for _ in range(repeat):
            for label, workers in (("single process", 0), ("1 worker", 1), ("2 workers", 2)):
                outs = [tmp / f"rp{w}.jsonl" for w in range(max(1, workers))]
                redis.client.flushall()
                settings = s_args(COMMON)
                if not workers:
                    cmds = [["reparse", str(tmp / "warc"), "-O", str(outs[0]), *settings]]
                else:
                    cmds = [["reparse", "--queue", redis.url, *([str(tmp / "warc")] if w == 0 else []),
                             "-O", str(outs[w]), *settings] for w in range(workers)]  # fmt: skip
                results.setdefault(label, []).append(run_all(cmds, "reparse " + label))
                counts[label] = sum(len(o.read_bytes().splitlines()) for o in outs)
    return {k: (statistics.median(v), counts[k]) for k, v in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--warc-articles", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}; cores: {os.cpu_count()}")
    report = {}
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        report["crawl"] = bench_crawl(Path(tmp) / "crawl", args.articles, args.repeat)
        report["reparse"] = bench_reparse(Path(tmp) / "reparse", args.warc_articles, args.repeat)
    for kind, rows in report.items():
        print(f"\n{kind}:")
        for label, (seconds, items) in rows.items():
            cpu = statistics.median(CPU[f"{kind} {label}"])
            print(f"  {label:15s} {items:6d} articles in {seconds:6.1f} s = {items / seconds:6.1f} articles/s; "
                  f"CPU {cpu:6.1f} s = {1000 * cpu / items:5.1f} ms per article")  # fmt: skip
    print(f"\nload average after: {os.getloadavg()}")
    print(json.dumps({k: {lbl: {"seconds": round(s, 2), "articles": n} for lbl, (s, n) in v.items()}
                      for k, v in report.items()}))  # fmt: skip


if __name__ == "__main__":
    main()
