"""Quiet logs: drops are one INFO line (URL + reason, never the article); one summary line ends the run."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from scrapy.exceptions import DropItem

from crawler.items import Article
from crawler.logformatter import NewsLogFormatter
from tests.conftest import run_scrapy
from tests.support.reparse_util import TEST_SPIDERS, story_html, write_warc

QUIET = (
    "-s",
    "LOG_FORMATTER=crawler.logformatter.NewsLogFormatter",
    "-s",
    'EXTENSIONS={"crawler.summary.RunSummary": 0}',
)
SECRET = "Quokkas gathered at the harbour wall"


def test_dropped_is_one_info_line_with_url_and_reason() -> None:
    article = Article(url="https://news.example/a", headline="H", article_body=SECRET * 100)
    formatter = NewsLogFormatter()
    entry = formatter.dropped(article, DropItem("duplicate url: https://news.example/a"), None, None)  # type: ignore[arg-type]
    text = entry["msg"] % entry["args"]
    assert entry["level"] == logging.INFO
    assert text == "Dropped (duplicate url): https://news.example/a"
    more = formatter.dropped(article, DropItem("duplicate body: https://news.example/a (exported from X)"), None, None)  # type: ignore[arg-type]
    assert more["msg"] % more["args"] == "Dropped (duplicate body): https://news.example/a (exported from X)"
    quiet = formatter.dropped(article, DropItem("unchanged: https://news.example/a", log_level="DEBUG"), None, None)  # type: ignore[arg-type]
    assert quiet["level"] == logging.DEBUG
    loud = formatter.dropped(article, DropItem(f"bad: {article!r}", log_level="WARNING"), None, None)  # type: ignore[arg-type]
    assert loud["level"] == logging.INFO
    assert len(loud["msg"] % loud["args"]) < 400  # a message quoting the item is cut
    scraped = formatter.scraped(article, None, None)  # type: ignore[arg-type]
    assert SECRET not in scraped["msg"] % scraped["args"]


def test_reparse_with_many_duplicates_logs_no_article_text(tmp_path: Path) -> None:
    copies = 40
    records = [
        {"url": f"https://news.example/story/{n}.html", "body": story_html(1, text=f"{SECRET} {'x' * (n % 2)}")}
        for n in range(copies)
    ]
    # Same URL twice: a URL duplicate; the rest share one of two bodies: body duplicates.
    records.append({"url": "https://news.example/story/0.html", "body": story_html(1, text=SECRET)})
    records.append(
        {"url": "https://news.example/story/nohead.html", "body": "<html><body><p>nothing</p></body></html>"}
    )
    warc = write_warc(tmp_path / "dups.warc.gz", records)
    out = tmp_path / "out.jsonl"
    proc = run_scrapy("reparse", str(warc), "-O", str(out), "-s", TEST_SPIDERS, "-s", "REPARSE_FALLBACK=", *QUIET)
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = proc.stderr
    assert SECRET not in log
    assert "article_body=" not in log and "'article_body':" not in log  # no Article(...) or dict dumps
    drops = [line for line in log.splitlines() if "Dropped (" in line]
    assert len(drops) == copies + 1 - 2  # two distinct bodies kept
    assert all(" INFO: " in line and "https://news.example/story/" in line for line in drops)
    assert sum("(duplicate body)" in line for line in drops) == copies - 2
    assert sum("(duplicate url)" in line for line in drops) == 1
    [summary] = [line for line in log.splitlines() if "Run summary" in line]
    found = re.search(r"(\d+) pages, (\d+) articles: (\d+) kept, (\d+) dropped \(([^)]*)\); exported (.*)", summary)
    assert found, summary
    assert found.groups()[:4] == (str(copies + 2), str(copies + 1), "2", str(copies - 1))
    assert found.group(5) == f"duplicate body {copies - 2}, duplicate url 1"
    assert found.group(6) == f"2 to {out} (jsonl)"
    # It comes after the engine stopped (export and stats done).
    assert log.index("Spider closed (finished)") < log.index("Run summary")
