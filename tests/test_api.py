"""The Python API: ``from crawler import extract_article, iter_articles`` gives the records a re-parse exports."""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from bench.corpus import corpus_dir
from tests.conftest import REPO_ROOT, need, run_scrapy
from tests.support.reparse_util import read_jsonl, story_html, write_warc

CORPUS = corpus_dir() or Path("no-corpus")  # $BYLINE_CORPUS, else ../shared/corpus beside the checkout
PIPELINE_FIELDS = ("revision", "cluster_id")
"""Set by item pipelines, which the API does not run."""


def corpus_rows() -> list[dict[str, str]]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def html_dir_of_corpus(root: Path) -> list[dict[str, str]]:
    """The corpus as a re-parse source: symlinks to the pages (read in place) + manifest.tsv."""
    rows = corpus_rows()
    lines = []
    for n, row in enumerate(rows):
        name = f"{n:02d}-{row['file']}"
        (root / name).symlink_to(CORPUS / row["slug"] / row["file"])
        lines.append(f"{name}\t{row['url']}\t{row['crawl_date']}")
    (root / "manifest.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    return rows


def without(record: dict, fields: tuple[str, ...] = PIPELINE_FIELDS) -> dict:
    return {k: v for k, v in record.items() if k not in fields}


def test_import_crawler_is_cheap_and_exposes_the_api() -> None:
    code = "import sys, crawler; assert 'scrapy' not in sys.modules, 'scrapy imported'; print(crawler.__all__)"
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['extract_article', 'iter_articles']"
    import crawler

    assert callable(crawler.extract_article) and callable(crawler.iter_articles)
    with pytest.raises(AttributeError):
        crawler.no_such_name  # noqa: B018


def test_extract_article_on_corpus_pages_equals_the_reparse_record(tmp_path: Path) -> None:
    need((CORPUS / "MANIFEST.tsv").is_file(), f"the corpus at {CORPUS} (BYLINE_CORPUS)")
    from crawler import extract_article, iter_articles

    pages = tmp_path / "pages"
    pages.mkdir()
    rows = html_dir_of_corpus(pages)
    out = tmp_path / "reparse.jsonl"
    proc = run_scrapy("reparse", str(pages), "-O", str(out), timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    reparsed = {r["url"]: r for r in read_jsonl(out)}
    assert len(reparsed) >= 0.8 * len(rows)
    compared = 0
    for row in rows:
        html = gzip.decompress((CORPUS / row["slug"] / row["file"]).read_bytes())
        article = extract_article(html, row["url"], fetched_at=row["crawl_date"])
        if article.url not in reparsed:
            continue  # dropped by validation in the re-parse: the API does not validate
        assert without(asdict(article)) == without(reparsed[article.url]), row["file"]
        compared += 1
    assert compared == len(reparsed)
    # The decoded text gives the same article as the bytes (the corpus pages are UTF-8).
    first = rows[0]
    text = gzip.decompress((CORPUS / first["slug"] / first["file"]).read_bytes()).decode("utf-8")
    assert asdict(extract_article(text, first["url"], fetched_at=first["crawl_date"])) == asdict(
        extract_article(text.encode(), first["url"], fetched_at=first["crawl_date"])
    )
    # iter_articles over the same directory: every re-parse record, and the validation drops too.
    iterated = {a.url: asdict(a) for a in iter_articles(pages)}
    assert set(reparsed) <= set(iterated)
    for url, record in reparsed.items():
        assert without(iterated[url]) == without(record), url


def test_extract_article_routes_by_host_forces_a_spider_and_refuses_non_articles() -> None:
    from crawler.api import NotAnArticle, extract_article

    html = story_html(3, text="The ferry timetable changed on Monday for the whole summer season. " * 10)
    generic = extract_article(html, "https://unknown.example/story/3.html", fetched_at="2024-05-01T10:00:00Z")
    assert generic.spider == "generic" and generic.article_body.startswith("The ferry timetable changed")
    assert generic.fetched_at == "2024-05-01T10:00:00+00:00"
    with pytest.raises(NotAnArticle):
        extract_article("", "https://unknown.example/empty.html")
    with pytest.raises(KeyError):
        extract_article(html, "https://unknown.example/story/3.html", spider="no_such_spider")


def test_iter_articles_reads_a_warc_like_reparse(tmp_path: Path) -> None:
    from crawler import iter_articles

    sample = REPO_ROOT / "examples" / "trend-sample.warc.gz"
    out = tmp_path / "reparse.jsonl"
    proc = run_scrapy("reparse", str(sample), "-O", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    reparsed = {r["url"]: r for r in read_jsonl(out)}
    articles = list(iter_articles(str(sample)))
    # Every page's article, duplicates and headline-less ones included (no pipelines).
    assert len(articles) == 8 and {a.spider for a in articles} == {"trend"}
    iterated = {a.url: asdict(a) for a in articles}
    assert len(reparsed) == 6 and set(reparsed) <= set(iterated)
    for url, record in reparsed.items():
        assert without(iterated[url]) == without(record), url


def test_iter_articles_sends_unowned_hosts_to_the_generic_extractor(tmp_path: Path) -> None:
    from crawler import iter_articles

    text = "The ferry timetable changed on Monday for the whole summer season. " * 10
    records = [{"url": f"https://unknown.example/s/{n}.html", "body": story_html(n, text=text + str(n)),
                "date": "2024-05-01T10:00:00Z"} for n in range(3)]  # fmt: skip
    warc = write_warc(tmp_path / "w.warc.gz", records)
    articles = list(iter_articles(warc))
    assert [a.url for a in articles] == [r["url"] for r in records]
    assert {a.spider for a in articles} == {"generic"}
    assert {a.fetched_at for a in articles} == {"2024-05-01T10:00:00+00:00"}
