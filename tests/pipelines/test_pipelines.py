"""Validation and de-duplication pipelines: drops, their counted reasons, and what passes."""

from __future__ import annotations

import logging

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import Article
from pipelines.dedupe import DedupePipeline, body_hash
from pipelines.validate import ValidatePipeline


def _crawler():
    crawler = get_crawler(settings_dict={"REMOTE_CONTROL_ENABLED": False})
    crawler.stats.open_spider()
    return crawler


def _article(**kw) -> Article:
    base = {"url": "https://en.trend.az/a/1.html", "headline": "A headline", "article_body": "One.\n\nTwo."}
    return Article(**{**base, **kw})


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "value"), [("url", None), ("headline", None), ("article_body", None), ("article_body", "")]
)
def test_validate_drops_missing_required_field(missing, value) -> None:
    crawler = _crawler()
    pipe = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=f"missing/{missing}"):
        pipe.process_item(_article(**{missing: value}))
    assert crawler.stats.get_value(f"news/validate/missing/{missing}") == 1
    assert crawler.stats.get_value("news/dropped") == 1
    assert crawler.stats.get_value("news/validate/ok") is None


def test_validate_counts_reasons_and_leaves_logging_to_the_formatter(caplog) -> None:
    crawler = _crawler()
    pipe = ValidatePipeline.from_crawler(crawler)
    items = [_article(headline=None), _article(headline=None, url="https://x.az/2.html"), _article(article_body=None)]
    with caplog.at_level(logging.DEBUG, logger="pipelines.validate"):
        for item in items:
            with pytest.raises(DropItem, match=r"^missing/\w+: https://"):
                pipe.process_item(item)
    assert crawler.stats.get_value("news/validate/missing/headline") == 2
    assert crawler.stats.get_value("news/validate/missing/article_body") == 1
    assert crawler.stats.get_value("news/dropped") == 3
    # One line per drop comes from crawler.logformatter (URL + reason); the pipeline adds none.
    assert [r for r in caplog.records if r.name == "pipelines.validate"] == []


def test_validate_passes_complete_article_and_counts_coverage() -> None:
    crawler = _crawler()
    pipe = ValidatePipeline.from_crawler(crawler)
    item = _article(authors=["Seba Agayeva"], tags=[])
    assert pipe.process_item(item) is item
    stats = crawler.stats.get_stats()
    assert stats["news/validate/ok"] == 1
    assert stats["news/coverage/authors"] == 1
    assert "news/coverage/tags" not in stats  # an empty list is not coverage
    assert "news/dropped" not in stats


# --- de-duplication ---------------------------------------------------------------------------


def test_dedupe_by_canonical_url_ignoring_tracking() -> None:
    crawler = _crawler()
    pipe = DedupePipeline.from_crawler(crawler)
    first = _article(url="https://en.trend.az/a/1.html?utm_source=rss&utm_medium=feed")
    pipe.process_item(first)
    again = _article(url="https://en.trend.az/a/1.html#comments", article_body="Different text.")
    with pytest.raises(DropItem, match="duplicate url"):
        pipe.process_item(again)
    assert crawler.stats.get_value("news/dedupe/url") == 1
    assert crawler.stats.get_value("news/dropped") == 1


def test_dedupe_by_rel_canonical_of_another_url() -> None:
    crawler = _crawler()
    pipe = DedupePipeline.from_crawler(crawler)
    pipe.process_item(_article(url="https://en.trend.az/a/1.html"))
    mirror = _article(url="https://m.trend.az/a/1.html", canonical_url="https://en.trend.az/a/1.html?utm_campaign=x",
                      article_body="Another body.")  # fmt: skip
    with pytest.raises(DropItem, match="duplicate url"):
        pipe.process_item(mirror)


def test_dedupe_by_body_hash() -> None:
    crawler = _crawler()
    pipe = DedupePipeline.from_crawler(crawler)
    pipe.process_item(_article(article_body="The story, told once.\n\nSecond paragraph."))
    copy = _article(url="https://en.trend.az/b/2.html", article_body="the story told once   second paragraph!")
    with pytest.raises(DropItem, match="duplicate body"):
        pipe.process_item(copy)
    assert crawler.stats.get_value("news/dedupe/body") == 1
    assert crawler.stats.get_value("news/dedupe/url") is None


def test_dedupe_keeps_distinct_articles() -> None:
    crawler = _crawler()
    pipe = DedupePipeline.from_crawler(crawler)
    a = _article()
    b = _article(url="https://en.trend.az/a/1.html?page=2", article_body="Another story.")
    assert pipe.process_item(a) is a
    assert pipe.process_item(b) is b
    assert crawler.stats.get_value("news/dropped") is None


def test_body_hash_normalises_only_form() -> None:
    assert body_hash("A b, c.") == body_hash("a  B c")
    assert body_hash("A b c") != body_hash("A b d")
