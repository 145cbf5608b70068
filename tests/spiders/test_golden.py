"""Golden tests over ../shared/corpus: every page through its site spider's article callback.

Metric and thresholds: see bench/corpus.py (paragraph LCS F1 >= 0.97 per page); overrides of
expected values we believe wrong live in bench/corpus_overrides.py.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from bench import corpus
from bench.corpus_overrides import apply_overrides
from tests.conftest import need

PAGES = corpus.pages()


def test_corpus_present() -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    assert len(PAGES) >= 43


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.slug}/{p.name}")
def test_golden_page(page: corpus.CorpusPage, spider_of) -> None:
    spider = spider_of(page.slug)
    items = list(spider.parse_article(page.response()))
    assert len(items) == 1, "the article callback must yield exactly one article"
    got = asdict(items[0])
    expected = apply_overrides(page.name, page.expected())
    s = corpus.score(page, got, expected)
    assert s.headline in (None, True), (expected.get("headline"), got["headline"])
    assert s.authors in (None, True), (expected.get("authors"), got["authors"])
    assert s.date in (None, True), (expected.get("date_published"), got["date_published"])
    assert s.body_f1 >= 0.97, f"body F1 {s.body_f1:.3f}"
