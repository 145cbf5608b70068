"""byline's re-parse against Fundus's parsers on the same corpus pages, measured in the same run.

    python bench/fundus_bench.py --fundus-python VENV/bin/python [--repeat 20] [--workers 1,2] [--rounds 3]

Fundus (``fundus==0.5.7``, which imports only with ``curl_cffi<0.12``) goes in its own virtualenv:

    python -m venv .fundus-venv && .fundus-venv/bin/pip install fundus==0.5.7 'curl_cffi<0.12'

(the ``bench`` extra: ``fundus==0.5.7; curl_cffi<0.12``). The shared corpus comes from Fundus's own parser
test data: every page has the publisher and parser version Fundus reads it with.

Per round, on the corpus pages repeated ``--repeat`` times:

- **Fundus, parse only**: in a warm process (one untimed pass first), ``Publisher.parser(crawl_date).parse(html)``
  of every page (Fundus parses the HTML itself): pages/s of parse time only, as generous to Fundus as it gets;
- **byline**: ``scrapy reparse DIR -O out.jsonl --workers N``, wall time **including start-up** (imports,
  spiders, pipelines, JSONL export);
- Fundus again (the Fundus rate of the round is the mean of both).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FUNDUS_SCRIPT = r"""
import gzip, json, sys, time
from datetime import datetime
from fundus import PublisherCollection
pages = json.loads(sys.argv[1]); repeat = int(sys.argv[2])
by_name = {p.name: p for p in PublisherCollection}
work = []
for page in pages:
    publisher = by_name[page["publisher"]]
    html = gzip.decompress(open(page["path"], "rb").read()).decode("utf-8")
    work.append((publisher.parser(datetime.fromisoformat(page["crawl_date"])), html))
for parser, html in work:  # warm-up
    parser.parse(html, error_handling="suppress")
t0 = time.perf_counter()
for _ in range(repeat):
    for parser, html in work:
        parser.parse(html, error_handling="suppress")
print(json.dumps({"pages": len(work) * repeat, "seconds": time.perf_counter() - t0}))
"""


def fundus_pps(python: str, pages: list[dict[str, str]], repeat: int) -> float:
    out = subprocess.run([python, "-c", FUNDUS_SCRIPT, json.dumps(pages), str(repeat)], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    res = json.loads(out.strip().splitlines()[-1])
    return float(res["pages"] / res["seconds"])


def main() -> None:
    from bench.corpus import corpus_dir
    from bench.reparse_mixed import corpus_set, run_reparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fundus-python", required=True, help="python of a virtualenv with fundus==0.5.7")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    workers = [int(w) for w in args.workers.split(",") if w]
    root = corpus_dir()
    assert root is not None, "no corpus: set BYLINE_CORPUS"
    pages = []
    for spec in sorted(root.glob("*/*.expected.json")):
        meta = json.loads(spec.read_text("utf-8"))
        pages.append({"publisher": meta["publisher"], "crawl_date": meta["crawl_date"],
                      "path": str(spec.with_name(spec.name.replace(".expected.json", ".html.gz")))})  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="fundus-bench-") as tmp:
        source, _ = corpus_set(Path(tmp), args.repeat)
        n = len(pages) * args.repeat
        rows = []
        for r in range(args.rounds):
            before = fundus_pps(args.fundus_python, pages, args.repeat)
            ours = {w: n / run_reparse(source, Path(tmp) / f"w{w}.jsonl", w)["wall"] for w in workers}
            after = fundus_pps(args.fundus_python, pages, args.repeat)
            fundus = (before + after) / 2
            rows.append((fundus, ours))
            print(f"round {r + 1}: Fundus {fundus:.1f} pages/s (parse only, warm); "
                  + "; ".join(f"byline {w}w {ours[w]:.1f} pages/s with start-up = {ours[w] / fundus:.2f}x Fundus"
                              for w in workers), flush=True)  # fmt: skip
    fundus_med = statistics.median(f for f, _ in rows)
    print(f"\n{n} pages ({len(pages)} corpus pages x {args.repeat}), median of {args.rounds} rounds:")
    print(f"| Fundus 0.5.7 parse only | {fundus_med:.1f} pages/s |")
    for w in workers:
        ratios = [o[w] / f for f, o in rows]
        print(f"| byline reparse, {w} worker(s), wall with start-up | {statistics.median(o[w] for _, o in rows):.1f} "
              f"pages/s | {statistics.median(ratios):.2f}x Fundus |")  # fmt: skip


if __name__ == "__main__":
    main()
