"""Generic extraction side by side with the open extractors, on the corpus and on trafilatura-eval.

    python bench/generic_quality.py                      # both sets, every system available, markdown tables
    python bench/generic_quality.py --sets traf --half dev --systems byline,trafilatura
    python bench/generic_quality.py --verbose            # plus one line per page (byline vs the best other)
    python bench/generic_quality.py --dump out.jsonl     # per-page outputs and scores, for reading failures

Systems (each gets the same page; every one extracts body and metadata in the one call that is timed):

- ``byline``: :func:`crawler.extract.generic.extract_article` on a fresh Scrapy response of the page's bytes (as if
  no site had a spider: one lxml parse shared by metadata and body);
- ``trafilatura``: ``trafilatura.bare_extraction(html, url, with_metadata=True)`` (its defaults, no comments);
- ``readability``: readability-lxml ``Document(html).summary()`` and ``short_title()`` (no authors, no dates);
- ``newspaper4k``: ``newspaper.Article(url).download(input_html=html); parse()`` in its own venv
  (``--newspaper-python``, default ``$BENCH_NEWSPAPER_PYTHON``; skipped when unset or broken). Its venv:
  ``python -m venv .newspaper-venv && .newspaper-venv/bin/pip install newspaper4k lxml_html_clean`` (gitignored).

Sets:

- ``corpus`` (``$BYLINE_CORPUS``, 43 news pages with expected values): body as **paragraph** P/R/F1 (LCS of
  exactly equal whitespace-normalised paragraphs, per page then mean: :mod:`bench.corpus`) and word
  4-gram shingle F1; headline exact, authors as a set, date as the same instant (:func:`bench.corpus.score`).
- ``traf`` (``$BYLINE_TRAF_EVAL``, default ``../shared/devsets/trafilatura-eval``, 949 pages): body by the
  **snippet method** of its README: every ``with`` snippet found in the extracted text is a true positive,
  every one missing a false negative, every ``without`` snippet found a false positive; P/R/F1 over all
  snippets of all pages (whitespace collapsed on both sides). Headline and date (YYYY-MM-DD, the date as the
  page states it) exact; authors as a set of names (split at ``;``, ``,``, ``&``, "and"/"und"/"et"/"y").
  Metadata accuracy is over the pages that give a non-empty expected value. ``--half dev`` / ``test``:
  a fixed half of the pages (by a hash of their key), to develop on one and report the other.

Speed: pages per CPU second of this process (``time.process_time``; the machine is shared, wall time is
noisy), the extraction call only (reading the file is not counted; parsing is). Each in-process system first
extracts every page of the set once untimed (``--warmup``, on by default): imports, lazily loaded models
(py3langid's), per-language data (dateparser, justext stoplists) and caches are then loaded, as in a long
crawl, instead of being charged to whichever page needed them first (newspaper4k's worker is not warmed).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import math
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scrapy import Request
from scrapy.http import HtmlResponse

from bench import corpus

TRAF_EVAL_DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "devsets" / "trafilatura-eval"
SYSTEMS = ("byline", "trafilatura", "readability", "newspaper4k")
_WS = re.compile(r"[\s\u00a0\u200b\u202f\ufeff]+")


def norm(text: str | None) -> str:
    """Whitespace runs (NBSP, zero-width included) -> one space, stripped."""
    return _WS.sub(" ", text or "").strip()


# --- pages --------------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of a set, with what it is expected to give."""

    dataset: str
    name: str
    url: str
    body: bytes
    expected: dict[str, Any]
    crawl_date: datetime | None = None
    encoding: str | None = None
    text: str = ""


def corpus_pages() -> list[Page]:
    """The news corpus, expected values with their documented overrides."""
    from bench.corpus_overrides import apply_overrides

    out = []
    for p in corpus.pages():
        body = gzip.decompress(p.path.read_bytes())
        out.append(Page("corpus", p.name, p.url, body, apply_overrides(p.name, p.expected()), p.crawl_date, "utf-8"))
    return out


def traf_eval_dir() -> Path | None:
    env = os.environ.get("BYLINE_TRAF_EVAL")
    candidates = (
        [Path(env)] if env else [TRAF_EVAL_DEFAULT, Path.cwd().parent / "shared" / "devsets" / "trafilatura-eval"]
    )
    if not env and (corpus_root := corpus.corpus_dir()) is not None:  # beside the corpus: shared/devsets/
        candidates.append(corpus_root.parent / "devsets" / "trafilatura-eval")
    for c in candidates:
        if (c / "evaldata.json").is_file():
            return c
    return None


def in_half(key: str, half: str) -> bool:
    """A fixed half of trafilatura-eval by a hash of the page's key: ``dev``, ``test`` or ``all``."""
    if half == "all":
        return True
    bit = int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 2
    return bit == (0 if half == "dev" else 1)


def traf_pages(half: str = "all") -> list[Page]:
    """trafilatura-eval; keys that are not URLs get one under the reserved ``devset.invalid`` domain."""
    root = traf_eval_dir()
    if root is None:
        return []
    data = json.loads((root / "evaldata.json").read_text("utf-8"))
    out = []
    for key, spec in sorted(data.items()):
        if not in_half(key, half):
            continue
        url = key if key.startswith(("http://", "https://")) else f"http://devset.invalid/{spec['file']}"
        body = gzip.decompress((root / "pages" / f"{spec['file']}.gz").read_bytes())
        out.append(Page("traf", key, url, body, spec))
    return out


# --- systems ------------------------------------------------------------------------------------


@dataclass
class Output:
    """What a system gave for a page."""

    paragraphs: list[str] = field(default_factory=list)
    headline: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    seconds: float = 0.0
    error: str | None = None


def run_byline(page: Page) -> Output:
    from crawler.extract.chain import extract_generic as extract_article
    from crawler.extract.page import META_CRAWL_DATE

    request = Request(page.url, meta={META_CRAWL_DATE: page.crawl_date or datetime.now(timezone.utc)})
    t = time.process_time()
    response = HtmlResponse(page.url, body=page.body, encoding=page.encoding, request=request)  # type: ignore[arg-type]
    article = extract_article(response)
    seconds = time.process_time() - t
    paragraphs = (article.article_body or "").split("\n\n") if article.article_body else []
    return Output(paragraphs, article.headline, list(article.authors or []), article.date_published, seconds)


def run_trafilatura(page: Page) -> Output:
    from trafilatura import bare_extraction

    t = time.process_time()
    doc = bare_extraction(page.text, url=page.url, with_metadata=True, include_comments=False)
    seconds = time.process_time() - t
    if doc is None:
        return Output(seconds=seconds)
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    authors = [a.strip() for a in (d.get("author") or "").split(";") if a.strip()]
    return Output((d.get("text") or "").split("\n"), d.get("title"), authors, d.get("date"), seconds)


def run_readability(page: Page) -> Output:
    from readability import Document

    from crawler.extract.clean import html_to_text

    t = time.process_time()
    try:
        doc = Document(page.text)
        paragraphs = html_to_text(doc.summary(html_partial=True)) or []
        title = doc.short_title()
    except Exception as exc:  # noqa: BLE001 - readability raises on pages it cannot score
        return Output(seconds=time.process_time() - t, error=repr(exc)[:200])
    return Output(paragraphs, title, seconds=time.process_time() - t)


def run_newspaper(pages: Sequence[Page], python: str) -> list[Output] | None:
    """All pages through the newspaper4k worker in its venv; None when it cannot run."""
    worker = Path(__file__).with_name("newspaper_worker.py")
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        for i, page in enumerate(pages):
            path = Path(tmp) / f"{i}.html"
            path.write_text(page.text, "utf-8")
            jobs.append(json.dumps({"url": page.url, "path": str(path)}))
        try:
            proc = subprocess.run(
                [python, str(worker)],
                check=False,
                input="\n".join(jobs) + "\n",
                capture_output=True,
                text=True,
                timeout=3600,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"newspaper4k skipped: {exc}", file=sys.stderr)
            return None
        lines = proc.stdout.splitlines()
        if proc.returncode or len(lines) != len(pages):
            print(f"newspaper4k skipped: exit {proc.returncode}: {proc.stderr[-500:]}", file=sys.stderr)
            return None
    out = []
    for line in lines:
        d = json.loads(line)
        out.append(Output((d["text"] or "").split("\n"), d["title"], d["authors"], d["date"], d["seconds"], d["error"]))
    return out


RUNNERS: dict[str, Callable[[Page], Output]] = {
    "byline": run_byline,
    "trafilatura": run_trafilatura,
    "readability": run_readability,
}


# --- scoring ------------------------------------------------------------------------------------

_NAME_SPLIT = re.compile(r"\s*(?:[;,&/]|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)


def name_set(names: Iterable[str]) -> set[str]:
    """Author names -> a set of case-folded single names (lists and "A and B" strings alike)."""
    flat = [x for a in names for x in (a if isinstance(a, list) else [a]) if isinstance(x, str)]
    return {n for a in flat for x in _NAME_SPLIT.split(a) if (n := norm(x).casefold())}


@dataclass
class Score:
    """One page's scores for one system (None: no expectation on the page)."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    p: float | None = None
    r: float | None = None
    f1: float | None = None
    shingle_f1: float | None = None
    headline: bool | None = None
    authors: bool | None = None
    date: bool | None = None
    seconds: float = 0.0


def score_traf(page: Page, out: Output) -> Score:
    text = norm("\n".join(out.paragraphs))
    s = Score(seconds=out.seconds)
    for snippet in page.expected.get("with", []):
        if norm(snippet) in text:
            s.tp += 1
        else:
            s.fn += 1
    for snippet in page.expected.get("without", []):
        if norm(snippet) in text:
            s.fp += 1
        else:
            s.tn += 1
    exp = page.expected
    if exp.get("title"):
        s.headline = norm(exp["title"]) == norm(out.headline)
    if exp.get("author"):
        s.authors = name_set([exp["author"]]) == name_set(out.authors)
    if exp.get("date"):
        s.date = (out.date or "")[:10] == exp["date"]
    return s


def shingles(paragraphs: Iterable[str], n: int = 4) -> set[tuple[str, ...]]:
    words = norm(" ".join(paragraphs)).casefold().split()
    return {tuple(words[i : i + n]) for i in range(max(0, len(words) - n + 1))}


def score_corpus(page: Page, out: Output) -> Score:
    expected = page.expected
    exp = [p for p in (norm(x) for x in expected.get("article_body_paragraphs", [])) if p]
    got = [p for p in (norm(x) for x in out.paragraphs) if p]
    common = corpus.lcs_len(exp, got)
    p = common / len(got) if got else float(not exp)
    r = common / len(exp) if exp else 1.0
    a, b = shingles(exp), shingles(got)
    both = len(a & b)
    sf1 = 2 * both / (len(a) + len(b)) if a or b else 1.0
    s = Score(p=p, r=r, f1=2 * p * r / (p + r) if p + r else 0.0, shingle_f1=sf1, seconds=out.seconds)
    if "headline" in expected:
        s.headline = norm(expected["headline"]) == norm(out.headline)
    if "authors" in expected:
        s.authors = corpus.same_authors(expected["authors"], out.authors)
    if "date_published" in expected:
        s.date = corpus.same_instant(expected["date_published"], out.date)
    return s


def _rate(values: Iterable[bool | None]) -> tuple[float, int]:
    vals = [v for v in values if v is not None]
    return (sum(vals) / len(vals) if vals else float("nan")), len(vals)


def summarize(scores: Sequence[Score], dataset: str) -> dict[str, float]:
    """Per-system totals: body P/R/F1 (snippets pooled, or paragraph means), metadata rates, pages/s."""
    out: dict[str, float] = {}
    if dataset == "traf":
        tp, fn, fp = (sum(getattr(s, k) for s in scores) for k in ("tp", "fn", "fp"))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out.update(p=p, r=r, f1=2 * p * r / (p + r) if p + r else 0.0)
    else:
        n = len(scores) or 1
        out.update(
            p=sum(s.p or 0 for s in scores) / n,
            r=sum(s.r or 0 for s in scores) / n,
            f1=sum(s.f1 or 0 for s in scores) / n,
            shingle_f1=sum(s.shingle_f1 or 0 for s in scores) / n,
        )
    for key in ("headline", "authors", "date"):
        out[key], out[f"n_{key}"] = _rate(getattr(s, key) for s in scores)
    seconds = sum(s.seconds for s in scores)
    out["pages_s"] = len(scores) / seconds if seconds else float("nan")
    out["ms"] = 1000 * seconds / len(scores) if scores else float("nan")
    return out


def markdown_table(title: str, totals: dict[str, dict[str, float]], dataset: str, n_pages: int) -> str:
    body = "paragraph P / R / F1 (mean per page), 4-gram F1" if dataset == "corpus" else "snippet P / R / F1 (pooled)"
    lines = [f"**{title}** ({n_pages} pages; body: {body})", ""]
    head = ["system", "body P", "body R", "body F1"] + (["4-gram F1"] if dataset == "corpus" else [])
    any_t = next(iter(totals.values()), {})
    head += [f"headline (n={any_t.get('n_headline', 0)})", f"authors (n={any_t.get('n_authors', 0)})",
             f"date (n={any_t.get('n_date', 0)})", "pages/s", "ms/page"]  # fmt: skip
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    best = max((t["f1"] for t in totals.values()), default=0)
    for system, t in totals.items():
        f1 = f"**{t['f1']:.3f}**" if t["f1"] == best else f"{t['f1']:.3f}"
        cells = [system, f"{t['p']:.3f}", f"{t['r']:.3f}", f1]
        if dataset == "corpus":
            cells.append(f"{t['shingle_f1']:.3f}")
        cells += [_pct(t["headline"]), _pct(t["authors"]), _pct(t["date"]), f"{t['pages_s']:.1f}", f"{t['ms']:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.1%}"  # NaN: the system gives no such field


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="corpus,traf", help="comma-separated: corpus, traf")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated: " + ", ".join(SYSTEMS))
    parser.add_argument(
        "--half",
        default="all",
        choices=("all", "dev", "test", "split"),
        help="trafilatura-eval pages: all, a fixed half, or split (tables for all, dev and test)",
    )
    parser.add_argument(
        "--newspaper-python",
        default=os.environ.get("BENCH_NEWSPAPER_PYTHON"),
        help="python of a venv with newspaper4k (default $BENCH_NEWSPAPER_PYTHON)",
    )
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--dump", help="write per-page outputs and scores as JSON lines to this file")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each set (smoke runs)")
    parser.add_argument("--cache", help="directory keeping the other systems' outputs between runs (not byline's)")
    parser.add_argument(
        "--warmup",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="one untimed pass of each in-process system over the set before the timed one (default on)",
    )
    # Kept for the old command line: every system now runs by default.
    parser.add_argument("--extractors", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("readability").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    systems = [s for s in args.systems.split(",") if s]
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None  # noqa: SIM115
    for dataset in [s for s in args.sets.split(",") if s]:
        pages = corpus_pages() if dataset == "corpus" else traf_pages("all" if args.half == "split" else args.half)
        if args.limit:
            pages = pages[: args.limit]
        if not pages:
            print(f"{dataset}: set not found (BYLINE_CORPUS / BYLINE_TRAF_EVAL)", file=sys.stderr)
            continue
        for page in pages:  # one decoding for the systems that take text (byline reads the bytes)
            page.text = HtmlResponse(page.url, body=page.body, encoding=page.encoding).text  # type: ignore[arg-type]
        scorer = score_corpus if dataset == "corpus" else score_traf
        outputs: dict[str, list[Output]] = {}
        for system in systems:
            cached = _cache_path(args.cache, dataset, system, pages) if system != "byline" else None
            if cached is not None and cached.is_file():
                outputs[system] = pickle.loads(cached.read_bytes())
                continue
            if system == "newspaper4k":
                if not args.newspaper_python:
                    print("newspaper4k skipped: give --newspaper-python or $BENCH_NEWSPAPER_PYTHON", file=sys.stderr)
                    continue
                got = run_newspaper(pages, args.newspaper_python)
                if got is None:
                    continue
                outputs[system] = got
                _store(cached, got)
                continue
            runner = RUNNERS[system]
            if args.warmup:
                for page in pages:
                    try:
                        runner(page)
                    except Exception:  # noqa: BLE001, S112 - scored in the timed pass
                        continue
            outs = []
            for page in pages:
                try:
                    outs.append(runner(page))
                except Exception as exc:  # noqa: BLE001 - one failing page is a zero, not a crash
                    outs.append(Output(error=f"{type(exc).__name__}: {exc}"[:200]))
            outputs[system] = outs
            _store(cached, outs)
        scores = {system: [scorer(p, o) for p, o in zip(pages, outs, strict=True)] for system, outs in outputs.items()}
        halves = ["all", "dev", "test"] if dataset == "traf" and args.half == "split" else [args.half]
        for half in halves:
            idx = [i for i, p in enumerate(pages) if dataset == "corpus" or in_half(p.name, half)]
            totals = {s: summarize([sc[i] for i in idx], dataset) for s, sc in scores.items()}
            title = "corpus" if dataset == "corpus" else f"trafilatura-eval, {half}"
            print(markdown_table(title, totals, dataset, len(idx)) + "\n")
        if args.verbose or dump:
            _per_page(pages, outputs, scores, dataset, args.verbose, dump)
    if dump:
        dump.close()
    return 0


def _cache_path(directory: str | None, dataset: str, system: str, pages: Sequence[Page]) -> Path | None:
    if not directory:
        return None
    digest = hashlib.sha1("\n".join(p.name for p in pages).encode("utf-8")).hexdigest()[:12]
    return Path(directory) / f"{dataset}-{system}-{digest}.pickle"


def _store(path: Path | None, outputs: list[Output]) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(outputs))


def _per_page(pages: Sequence[Page], outputs: dict[str, list[Output]], scores: dict[str, list[Score]], dataset: str,
              verbose: bool, dump: Any) -> None:  # fmt: skip
    for i, page in enumerate(pages):
        row: dict[str, Any] = {"set": dataset, "page": page.name, "url": page.url}
        for system, outs in outputs.items():
            o, s = outs[i], scores[system][i]
            row[system] = {"score": s.__dict__, "headline": o.headline, "authors": o.authors, "date": o.date,
                           "paragraphs": o.paragraphs, "error": o.error}  # fmt: skip
        if dump:
            dump.write(json.dumps(row, ensure_ascii=False) + "\n")
        if verbose:
            cells = []
            for system in outputs:
                s = scores[system][i]
                body = f"{s.f1:.2f}" if s.f1 is not None else f"+{s.tp}-{s.fn}!{s.fp}"
                meta = "".join("." if v is None else "1" if v else "0" for v in (s.headline, s.authors, s.date))
                cells.append(f"{system[:6]} {body} {meta}")
            print(f"{page.name[:60]:60} " + "  ".join(cells))


if __name__ == "__main__":
    sys.exit(main())
