"""Publication dates of unknown sites on awkward markup: invalid JSON-LD, odd types, related stories, epochs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from parsel import Selector

from crawler.extract.generic import meta as generic_meta
from crawler.extract.metadata import _load_json, json_ld_article

PLUS2 = timezone(timedelta(hours=2))
WHEN = "2024-05-13T10:00:00+02:00"


def _published(script: str, head: str = "", body: str = "<h1>Bridge reopens</h1>") -> tuple[str, object] | None:
    html = f'<html><head><script type="application/ld+json">{script}</script>{head}</head><body>{body}</body></html>'
    sel = Selector(text=html)
    return generic_meta.published_date(sel, json_ld_article(sel))


@pytest.mark.parametrize(
    "script",
    [
        '{"@type": "NewsArticle", "headline": "Bridge reopens", "datePublished": "%s",}',
        '{"@type": "NewsArticle", "author": [{"name": "Ann Lee"},], "datePublished": "%s"}',
        '//<![CDATA[\n{"@type": "NewsArticle", "datePublished": "%s"}\n//]]>',
        '/*<![CDATA[*/{"@type": "NewsArticle", "datePublished": "%s"}/*]]>*/',
        '{"@type": "NewsArticle", <!-- teaser -->"datePublished": "%s"}',
        '{"@type": "NewsArticle", // the story\n"datePublished": "%s"}',
        '{"@type": "Organization", "name": "Daily"}{"@type": "NewsArticle", "datePublished": "%s"}',
        '{"@type": "Organization", "name": "Daily"},\n{"@type": "NewsArticle", "datePublished": "%s"}',
        '\ufeff{"@type": "NewsArticle", "datePublished": "%s"};',
        '{"@type": "NewsArticle", "headline": "The "new" bridge", "datePublished": "%s"}',  # unreadable: keys still
    ],
)
def test_invalid_json_ld_stating_a_date_with_offset_still_gives_it(script: str) -> None:
    assert _published(script % WHEN) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def test_a_lenient_reading_never_changes_valid_json() -> None:
    text = '{"url": "https://example.org/a,]", "text": "one, } two"}'
    assert _load_json(text) == json.loads(text)


@pytest.mark.parametrize(
    "obj",
    [
        {"@type": "schema:NewsArticle", "datePublished": WHEN},
        {"@type": "http://schema.org/ReportageNewsArticle", "datePublished": WHEN},
        {"@type": "ItemPage", "name": "Bridge reopens", "datePublished": WHEN},
        {"@type": "VideoObject", "name": "Bridge reopens", "uploadDate": WHEN},
        {"name": "Bridge reopens", "datePublished": WHEN},
        {"@type": "NewsArticle", "datepublished": WHEN},
        {"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "datePublished": {"@value": WHEN}}},
    ],
)
def test_a_json_ld_date_with_offset_is_found_whatever_object_states_it(obj: dict[str, object]) -> None:
    assert _published(json.dumps(obj)) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def test_the_article_objects_date_wins_over_another_objects() -> None:
    script = json.dumps([{"@type": "ImageObject", "datePublished": "2019-01-01T08:00:00+02:00"},
                         {"@type": "NewsArticle", "headline": "Bridge reopens", "datePublished": WHEN}])  # fmt: skip
    assert _published(script) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def test_a_related_story_in_an_item_list_never_gives_the_date() -> None:
    related = {"@type": "ItemList", "itemListElement": [
        {"@type": "NewsArticle", "headline": "Older story", "datePublished": "2020-01-01T09:00:00+02:00"},
        {"@type": "NewsArticle", "headline": "Oldest story", "datePublished": "2019-01-01T09:00:00+02:00"}]}  # fmt: skip
    story = {"@type": "NewsArticle", "headline": "Bridge reopens", "datePublished": WHEN}
    assert _published(json.dumps([related, story])) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))
    # Without a date of its own, the page gets none of the related stories' times.
    story.pop("datePublished")
    sel = Selector(text=f'<html><head><script type="application/ld+json">{json.dumps([related, story])}</script>'
                        "</head><body><h1>Bridge reopens</h1></body></html>")  # fmt: skip
    assert json_ld_article(sel) == story
    assert generic_meta._ld_dates(sel, story) == ([], [])


@pytest.mark.parametrize(("value", "expected"), [(1715587200, "2024-05-13T08:00:00+00:00"),
                                                 (1715587200000, "2024-05-13T08:00:00+00:00")])  # fmt: skip
def test_an_epoch_number_in_json_ld_is_read_as_utc(value: int, expected: str) -> None:
    found = _published(json.dumps({"@type": "NewsArticle", "datePublished": value}))
    assert found is not None and found[1].isoformat() == expected  # type: ignore[union-attr]
