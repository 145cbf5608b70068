"""The shared news corpus (``../shared/corpus`` or ``$BYLINE_CORPUS``): pages, expected values, scoring.

Used by the golden tests and by the report (``python -m bench.corpus_report``).

Body metric: **paragraph LCS F1**. Both paragraph lists are whitespace-normalised (``\\s+`` incl.
NBSP -> one space); the longest common subsequence of exactly equal paragraphs gives
precision = LCS / extracted paragraphs, recall = LCS / expected paragraphs, F1 their harmonic mean.
Paragraph order matters and a paragraph counts only when it is exactly right.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse

REPO_ROOT = Path(__file__).resolve().parent.parent


def corpus_dir() -> Path | None:
    """The corpus folder: ``$BYLINE_CORPUS``, else ``../shared/corpus`` beside the checkout."""
    env = os.environ.get("BYLINE_CORPUS")
    candidates = [Path(env)] if env else []
    candidates += [REPO_ROOT.parent / "shared" / "corpus", Path.cwd().parent / "shared" / "corpus"]
    for c in candidates:
        if (c / "MANIFEST.tsv").is_file():
            return c
    return None


@dataclass(frozen=True)
class CorpusPage:
    slug: str
    file: str
    url: str
    crawl_date: datetime
    language: str
    path: Path

    @property
    def name(self) -> str:
        return self.file.removesuffix(".html.gz")

    def expected(self) -> dict[str, Any]:
        spec = json.loads(self.path.with_name(self.name + ".expected.json").read_text("utf-8"))
        return dict(spec["expected"])

    def response(self) -> HtmlResponse:
        from crawler.extract.page import META_CRAWL_DATE

        body = gzip.decompress(self.path.read_bytes())
        request = Request(self.url, meta={META_CRAWL_DATE: self.crawl_date})
        return HtmlResponse(self.url, body=body, encoding="utf-8", request=request)


def pages(root: Path | None = None) -> list[CorpusPage]:
    root = root or corpus_dir()
    if root is None:
        return []
    out = []
    with open(root / "MANIFEST.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            crawl = datetime.fromisoformat(row["crawl_date"])
            if crawl.tzinfo is None:
                crawl = crawl.replace(tzinfo=timezone.utc)
            out.append(
                CorpusPage(row["slug"], row["file"], row["url"], crawl, row["language"], root / row["slug"] / row["file"])
            )
    return out


_WS = re.compile(r"[\s\u00a0\u200b\u202f\ufeff]+")


def norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def lcs_len(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def body_f1(expected: Sequence[str], got: Sequence[str]) -> float:
    """Paragraph LCS F1 (see module doc)."""
    exp = [p for p in (norm(x) for x in expected) if p]
    out = [p for p in (norm(x) for x in got) if p]
    if not exp and not out:
        return 1.0
    common = lcs_len(exp, out)
    if not common:
        return 0.0
    precision, recall = common / len(out), common / len(exp)
    return 2 * precision * recall / (precision + recall)


def same_instant(expected: str | None, got: str | None) -> bool:
    """Equal instants; for a naive expected value (4 corpus pages), equal wall-clock times."""
    if not expected or not got:
        return expected == got
    e, g = datetime.fromisoformat(expected), datetime.fromisoformat(got)
    if e.tzinfo is None:
        return e == g.replace(tzinfo=None)
    return g.tzinfo is not None and e == g


def same_authors(expected: Sequence[str] | None, got: Sequence[str] | None) -> bool:
    return {norm(a) for a in expected or []} == {norm(a) for a in got or []}


@dataclass
class PageScore:
    page: CorpusPage
    headline: bool | None = None
    authors: bool | None = None
    date: bool | None = None
    body_f1: float = 0.0
    error: str | None = None
    got: dict[str, Any] = field(default_factory=dict)


def score(page: CorpusPage, got: dict[str, Any], expected: dict[str, Any]) -> PageScore:
    """Compare one extracted article (a dict of Article fields) with the page's expected values."""
    s = PageScore(page, got=got)
    if "headline" in expected:
        s.headline = norm(expected["headline"]) == norm(got.get("headline"))
    if "authors" in expected:
        s.authors = same_authors(expected["authors"], got.get("authors"))
    if "date_published" in expected:
        s.date = same_instant(expected["date_published"], got.get("date_published"))
    paragraphs = (got.get("article_body") or "").split("\n\n")
    s.body_f1 = body_f1(expected.get("article_body_paragraphs", []), paragraphs)
    return s


def iter_scores(extract: Any, root: Path | None = None) -> Iterator[PageScore]:
    """Run ``extract(page) -> dict`` on every corpus page and score it (overrides applied)."""
    from bench.corpus_overrides import apply_overrides

    for page in pages(root):
        expected = apply_overrides(page.name, page.expected())
        try:
            got = extract(page)
        except Exception as exc:  # noqa: BLE001 - the report shows the failure per page
            yield PageScore(page, error=f"{type(exc).__name__}: {exc}")
            continue
        yield score(page, got or {}, expected)
