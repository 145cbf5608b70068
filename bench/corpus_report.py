"""Corpus report: per publisher, pages, headline/authors/date exact-match rates, body F1 (mean, min).

    python -m bench.corpus_report            # site spiders
    python -m bench.corpus_report --verbose  # plus one line per page
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from bench.corpus import CorpusPage, PageScore, corpus_dir, iter_scores


def spider_extractor() -> Any:
    settings = get_project_settings()
    loader = SpiderLoader.from_settings(settings)
    cache: dict[str, Any] = {}

    def extract(page: CorpusPage) -> dict[str, Any]:
        if page.slug not in cache:
            cls = loader.load(page.slug)
            crawler = get_crawler(cls, settings_dict={"REMOTE_CONTROL_ENABLED": False})
            cache[page.slug] = cls.from_crawler(crawler)
        items = list(cache[page.slug].parse_article(page.response()))
        return asdict(items[0]) if items else {}

    return extract


def _rate(values: list[bool | None]) -> str:
    vals = [v for v in values if v is not None]
    return f"{sum(vals) / len(vals):6.1%}" if vals else "     -"


def report(scores: list[PageScore], verbose: bool = False, out: Any = sys.stdout) -> dict[str, float]:
    by_site: dict[str, list[PageScore]] = defaultdict(list)
    for s in scores:
        by_site[s.page.slug].append(s)
    head = f"{'publisher':18} {'pages':>5} {'headline':>8} {'authors':>8} {'date':>8} {'body F1':>8} {'min F1':>8}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for slug in sorted(by_site):
        group = by_site[slug]
        f1 = [s.body_f1 for s in group]
        print(
            f"{slug:18} {len(group):5d} {_rate([s.headline for s in group]):>8} {_rate([s.authors for s in group]):>8} "
            f"{_rate([s.date for s in group]):>8} {sum(f1) / len(f1):8.3f} {min(f1):8.3f}",
            file=out,
        )
        if verbose:
            for s in group:
                flags = " ".join(f"{k}={'ok' if v else 'FAIL'}" for k, v in
                                 (("headline", s.headline), ("authors", s.authors), ("date", s.date)) if v is not None)
                print(f"    {s.page.name:32} F1={s.body_f1:.3f} {flags} {s.error or ''}", file=out)
    f1 = [s.body_f1 for s in scores]
    totals = {
        "pages": float(len(scores)),
        "headline": _frac([s.headline for s in scores]),
        "authors": _frac([s.authors for s in scores]),
        "date": _frac([s.date for s in scores]),
        "body_f1_mean": sum(f1) / len(f1) if f1 else 0.0,
        "body_f1_min": min(f1) if f1 else 0.0,
    }
    print("-" * len(head), file=out)
    print(
        f"{'TOTAL':18} {len(scores):5d} {totals['headline']:8.1%} {totals['authors']:8.1%} {totals['date']:8.1%} "
        f"{totals['body_f1_mean']:8.3f} {totals['body_f1_min']:8.3f}",
        file=out,
    )
    return totals


def _frac(values: list[bool | None]) -> float:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    if corpus_dir() is None:
        print("corpus not found: set BYLINE_CORPUS or put it at ../shared/corpus", file=sys.stderr)
        return 2
    report(list(iter_scores(spider_extractor())), verbose=args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
