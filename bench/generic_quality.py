"""Generic extraction over the whole corpus, as if no site had a spider, side by side with trafilatura alone.

    python bench/generic_quality.py              # totals
    python bench/generic_quality.py --verbose    # plus one line per page
    python bench/generic_quality.py --extractors # also readability-lxml and JSON-LD articleBody alone

Body metrics (both printed, per page then mean):
- ``sim`` (HEADLINE METRIC): token similarity, ``difflib.SequenceMatcher`` ratio of the whitespace
  tokens of the expected and extracted bodies (2*matches / total tokens), i.e. a word-level F1 that
  also respects order - the measure public main-content benchmarks report (~0.96 for trafilatura);
- ``pF1``: bench.corpus.body_f1, paragraph LCS F1 (a paragraph counts only when exactly right).

Timing: CPU time of this process (``time.process_time``: the machine is shared, wall time is noisy).
Per page, ``--repeat`` rounds, each timing in turn (a) trafilatura alone on the page's HTML text
(``trafilatura.extract``, which parses the page itself), (b) the whole generic Article extraction
from the page's bytes (a fresh Scrapy response: one lxml parse shared by metadata, trafilatura and
cleaning) and (c) trafilatura alone again. The per-page ratio is median(b) / median(a); the
distribution of median(c) / median(a) (the same work timed twice) is the measurement noise.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scrapy import Request
from scrapy.http import HtmlResponse

from bench import corpus
from bench.corpus_overrides import apply_overrides
from crawler.extract.chain import extract_generic
from crawler.extract.page import META_CRAWL_DATE


def token_similarity(expected: list[str], got: list[str]) -> float:
    """Expected and extracted paragraphs -> difflib ratio of their word sequences (1.0 = identical)."""
    a = " ".join(corpus.norm(x) for x in expected).split()
    b = " ".join(corpus.norm(x) for x in got).split()
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def fresh_response(page: corpus.CorpusPage, body: bytes) -> HtmlResponse:
    """A new response (no cached selector), so timing includes the parse."""
    request = Request(page.url, meta={META_CRAWL_DATE: page.crawl_date})
    return HtmlResponse(page.url, body=body, encoding="utf-8", request=request)


def timed_rounds(fns: list[Any], repeat: int) -> tuple[list[Any], list[float]]:
    """Functions -> (their last results, median CPU seconds of each), timed in turn in each round."""
    gc.collect()
    times: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t = time.process_time()
            results[i] = fn()
            times[i].append(time.process_time() - t)
    return results, [statistics.median(t) for t in times]


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--repeat", type=int, default=7, help="timing rounds per page (median)")
    parser.add_argument("--extractors", action="store_true", help="also readability-lxml and JSON-LD articleBody")
    args = parser.parse_args(argv)
    if corpus.corpus_dir() is None:
        print("corpus not found: set BYLINE_CORPUS or put it at ../shared/corpus", file=sys.stderr)
        return 2
    import gzip
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    rows: list[dict[str, Any]] = []
    for page in corpus.pages():
        expected = apply_overrides(page.name, page.expected())
        body = gzip.decompress(page.path.read_bytes())
        exp_paras = expected.get("article_body_paragraphs", [])
        text = body.decode("utf-8")

        def traf() -> Any:
            return trafilatura.extract(text, url=page.url, include_comments=False)  # noqa: B023

        (traf_text, article, _), (t_traf, t_gen, t_traf2) = timed_rounds(
            [traf, lambda: extract_generic(fresh_response(page, body)), traf],  # noqa: B023
            args.repeat,
        )
        got = {k: getattr(article, k) for k in ("headline", "authors", "date_published", "article_body")}
        s = corpus.score(page, got, expected)
        traf_paras = (traf_text or "").split("\n")
        row = {
            "page": page,
            "sim": token_similarity(exp_paras, (article.article_body or "").split("\n\n")),
            "pf1": s.body_f1,
            "traf_sim": token_similarity(exp_paras, traf_paras),
            "traf_pf1": corpus.body_f1(exp_paras, traf_paras),
            "headline": s.headline,
            "date": s.date,
            "authors": s.authors,
            "t_traf": t_traf,
            "t_gen": t_gen,
            "t_traf2": t_traf2,
            "body_source": (article.extraction or {}).get("article_body", "-"),
            "got": got,
            "expected": expected,
        }
        if args.extractors:
            row.update(_other_extractors(text, exp_paras, page))
        rows.append(row)
        if args.verbose:
            flags = " ".join(
                f"{k}={'ok' if row[k] else 'FAIL'}" for k in ("headline", "date", "authors") if row[k] is not None
            )
            print(
                f"{page.name:30} sim {row['sim']:.3f} (traf {row['traf_sim']:.3f})  pF1 {row['pf1']:.3f} "
                f"(traf {row['traf_pf1']:.3f})  {row['body_source']:7} {flags}  "
                f"{1000 * t_gen:5.1f}ms vs {1000 * t_traf:5.1f}ms"
            )
    _summary(rows, args.extractors)
    return 0


def _other_extractors(text: str, exp_paras: list[str], page: corpus.CorpusPage) -> dict[str, float]:
    from parsel import Selector
    from readability import Document

    from crawler.extract.clean import html_to_text
    from crawler.extract.metadata import json_ld_article

    out: dict[str, float] = {}
    t = time.process_time()
    try:
        paras = html_to_text(Document(text).summary(html_partial=True)) or []
    except Exception:  # noqa: BLE001 - readability raises on pages it cannot score
        paras = []
    out["t_readab"] = time.process_time() - t
    out["readab_sim"] = token_similarity(exp_paras, paras)
    out["readab_pf1"] = corpus.body_f1(exp_paras, paras)
    ld = json_ld_article(Selector(text=text)) or {}
    ld_body = ld.get("articleBody") if isinstance(ld.get("articleBody"), str) else ""
    paras = [p for p in (ld_body or "").split("\n") if p.strip()]
    out["ld_has"] = 1.0 if paras else 0.0
    out["ld_sim"] = token_similarity(exp_paras, paras)
    out["ld_pf1"] = corpus.body_f1(exp_paras, paras)
    return out


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _rate(values: list[bool | None]) -> float:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else 1.0


def _summary(rows: list[dict[str, Any]], extractors: bool) -> None:
    n = len(rows)
    print(f"\n{n} corpus pages, generic mode (no site spider used)")
    print(f"{'':28} {'sim (headline)':>15} {'paragraph F1':>13} {'min sim':>8} {'ms/page':>8}")
    gen_ms = _mean([r["t_gen"] for r in rows]) * 1000
    traf_ms = _mean([r["t_traf"] for r in rows]) * 1000
    for label, sim, pf1, ms in (
        ("byline generic", "sim", "pf1", gen_ms),
        ("trafilatura alone", "traf_sim", "traf_pf1", traf_ms),
    ):
        sims = [r[sim] for r in rows]
        print(f"{label:28} {_mean(sims):15.3f} {_mean([r[pf1] for r in rows]):13.3f} {min(sims):8.3f} {ms:8.1f}")
    if extractors:
        for label, key in (("readability-lxml alone", "readab"), ("JSON-LD articleBody alone", "ld")):
            sims = [r[f"{key}_sim"] for r in rows]
            ms = _mean([r.get(f"t_{key}", 0.0) for r in rows]) * 1000
            print(
                f"{label:28} {_mean(sims):15.3f} {_mean([r[f'{key}_pf1'] for r in rows]):13.3f} {min(sims):8.3f} {ms:8.1f}"
            )
        print(f"  (JSON-LD articleBody present on {int(sum(r['ld_has'] for r in rows))} of {n} pages)")
    wins = sum(r["sim"] > r["traf_sim"] + 1e-9 for r in rows)
    losses = sum(r["sim"] < r["traf_sim"] - 1e-9 for r in rows)
    print(f"generic better than trafilatura on {wins} pages, worse on {losses}")
    print(
        f"exact match: headline {_rate([r['headline'] for r in rows]):.1%}  date {_rate([r['date'] for r in rows]):.1%}  "
        f"authors {_rate([r['authors'] for r in rows]):.1%}"
    )
    ratios = [r["t_gen"] / r["t_traf"] for r in rows if r["t_traf"]]
    noise = [r["t_traf2"] / r["t_traf"] for r in rows if r["t_traf"]]
    print(
        f"time per page: generic {gen_ms:.1f} ms, trafilatura alone {traf_ms:.1f} ms, ratio of means {gen_ms / traf_ms:.2f}x"
    )
    for label, values in (("generic / trafilatura", ratios), ("noise: trafilatura / itself", noise)):
        print(
            f"  {label:28} per-page ratio: median {statistics.median(values):.2f}x, p90 {quantile(values, 0.9):.2f}x, "
            f"max {max(values):.2f}x, over 1.3x: {sum(v > 1.3 for v in values)} of {len(values)}"
        )
    slow = sorted(((r["t_gen"] / r["t_traf"], r["page"].name) for r in rows if r["t_traf"]), reverse=True)[:5]
    print("  slowest: " + ", ".join(f"{name} {ratio:.2f}x" for ratio, name in slow))
    sources: dict[str, int] = {}
    for r in rows:
        sources[r["body_source"]] = sources.get(r["body_source"], 0) + 1
    print("body source: " + ", ".join(f"{k} {v}" for k, v in sorted(sources.items())))


if __name__ == "__main__":
    sys.exit(main())
