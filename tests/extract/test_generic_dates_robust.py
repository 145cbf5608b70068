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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mon, 13 May 2024 10:00:00 +0200", "2024-05-13T10:00:00+02:00"),
        ("13 May 2024 08:00 GMT", "2024-05-13T08:00:00+00:00"),
        ("Mon, 13 May 2024 04:00:00 EDT", "2024-05-13T04:00:00-04:00"),
        ("2024/05/13 10:00:00 +0200", "2024-05-13T10:00:00+02:00"),
        ("2024-5-3T10:00:00+02:00", "2024-05-03T10:00:00+02:00"),
        ("2024-05-13T10:00:00+02:00[Europe/Berlin]", "2024-05-13T10:00:00+02:00"),
        ("9 January 2024, 14:05 GMT", "2024-01-09T14:05:00+00:00"),
    ],
)
def test_dates_as_feeds_and_cmss_write_them_keep_their_offset(raw: str, expected: str) -> None:
    from crawler.extract.clean import parse_date

    dt = parse_date(raw)
    assert dt is not None and dt.isoformat() == expected


@pytest.mark.parametrize("raw", ["Mon, 13 May 2024 10:00:00 -0000", "9 January 2024 GMT", "2024/05/13 10:00"])
def test_a_date_without_a_known_offset_gets_none_invented(raw: str) -> None:
    from crawler.extract.clean import parse_date

    assert parse_date(raw) is None


def _meta_date(head: str = "", body: str = "") -> tuple[str, object] | None:
    from crawler.extract.generic.dates import published_date

    sel = Selector(text=f"<html><head>{head}</head><body><h1>Bridge reopens</h1>{body}</body></html>")
    return published_date(sel, None)


@pytest.mark.parametrize(
    "head",
    [
        '<meta name="DC.Date.Issued" content="2024-05-13T10:00:00+02:00">',
        '<meta name="publication_date" content="2024-05-13T10:00:00+02:00">',
        '<meta name="sailthru.date" content="Mon, 13 May 2024 10:00:00 +0200">',
        """<meta name="parsely-page" content='{"title": "Bridge reopens", "pub_date": "2024-05-13T08:00:00Z"}'>""",
    ],
)
def test_publication_metas_in_any_case_and_spelling(head: str) -> None:
    found = _meta_date(head)
    assert found is not None and found[1] == datetime(2024, 5, 13, 10, tzinfo=PLUS2)


@pytest.mark.parametrize(
    "body",
    [
        '<p>By Ann Lee, <span itemprop="datePublished">2024-05-13T10:00:00+02:00</span></p>',
        '<p><abbr class="published" title="2024-05-13T10:00:00+02:00">13 May</abbr></p>',
    ],
)
def test_microdata_as_text_and_hatom_titles(body: str) -> None:
    found = _meta_date(body=body)
    assert found is not None and found[1] == datetime(2024, 5, 13, 10, tzinfo=PLUS2)


def test_the_day_alone_takes_the_time_stated_with_its_offset_on_that_day_never_midnight() -> None:
    head = '<meta property="article:published_time" content="2024-05-13">'
    body = '<article><time datetime="2024-05-13T10:00:00+02:00">13 May, 10:00</time></article>'
    assert _meta_date(head, body) == ("meta", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def test_a_utc_time_elsewhere_gives_no_offset_to_a_local_wall_clock() -> None:
    # The CMS writes its "publishtime" in UTC; the page's own time is a local wall clock without offset.
    head = ('<meta property="article:published_time" content="2024-05-13 22:17:36">'
            '<meta name="cx:publishtime" content="2024-05-14T12:00:00Z">')  # fmt: skip
    assert _meta_date(head) is None


@pytest.mark.parametrize(
    "script_type", ["application/ld+json; charset=utf-8", "application/LD+JSON", " application/ld+json "]
)
def test_json_ld_scripts_of_any_spelling_of_their_type_are_read(script_type: str) -> None:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Bridge reopens", "datePublished": WHEN})
    sel = Selector(text=f'<html><head><script type="{script_type}">{ld}</script></head><body></body></html>')
    assert generic_meta.published_date(sel, json_ld_article(sel)) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def _page_date(head: str = "", body: str = "") -> tuple[str, object] | None:
    sel = Selector(text=f"<html><head>{head}</head><body><h1>Bridge reopens</h1>{body}</body></html>")
    return generic_meta.published_date(sel, json_ld_article(sel))


def test_script_data_gives_the_time_when_the_markup_states_none() -> None:
    # A client-rendered page: no JSON-LD, no <meta>, the visible line says "2 hours ago"; the app state says when.
    body = ('<p class="date">2 hours ago</p><script>window.__STATE__ = {"story": {"title": "Bridge reopens", '
            '"publishedAt": "2024-05-13T08:00:00.000Z"}};</script>')  # fmt: skip
    found = _page_date(body=body)
    assert found is not None and found[1] == datetime(2024, 5, 13, 10, tzinfo=PLUS2)


def test_script_data_makes_the_day_exact_only_when_it_agrees() -> None:
    head = '<meta property="article:published_time" content="2024-05-13">'
    agrees = '<script>self.push("{\\"datePublished\\":\\"2024-05-13T10:00:00+02:00\\"}")</script>'
    found = _page_date(head, agrees)
    assert found is not None and found[1] == datetime(2024, 5, 13, 10, tzinfo=PLUS2)
    other_day = '<script>var related = {"publishedAt": "2024-04-02T10:00:00+02:00"};</script>'
    found = _page_date(head, other_day)
    assert found is not None and str(found[1]) == "2024-05-13"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Bridge reopens | Europe | DW | 13.05.2024", "2024-05-13"),
        ("13.05.2024 - Bridge reopens - City News", "2024-05-13"),
        ("Bridge reopens (13 May 2024)", "2024-05-13"),
        ("Results, Riverside, 12.5.2024 - Athletics club", None),  # a part of the title's words, not a part
        ("Minutes of the meeting of 10 May 2024 – City Council", None),  # an event's day, not the page's
    ],
)
def test_a_title_part_that_is_a_date_gives_the_day(title: str, expected: str | None) -> None:
    sel = Selector(text=f"<html><head><title>{title}</title></head><body><p>Text.</p></body></html>")
    assert str(generic_meta._title_date(sel)) == str(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20240513T080000Z", "2024-05-13T08:00:00+00:00"),
        ("20240513T1000+0200", "2024-05-13T10:00:00+02:00"),
        ("1715587200", "2024-05-13T08:00:00+00:00"),
        ("1715587200000", "2024-05-13T08:00:00+00:00"),
        ("123456789012345678901234", None),  # an id, not an epoch: no crash, no date
        ("20240513100000", None),  # ISO basic without offset: naive
    ],
)
def test_compact_and_epoch_dates(raw: str, expected: str | None) -> None:
    from crawler.extract.clean import parse_date

    dt = parse_date(raw)
    assert (dt.isoformat() if dt else None) == expected


def test_a_long_number_in_a_publication_meta_is_no_date_and_no_crash() -> None:
    head = ('<meta name="publish-id" content="98765432109876543210">'
            '<meta property="article:published_time" content="2024-05-13T10:00:00+02:00">')  # fmt: skip
    assert _meta_date(head) == ("meta", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def test_of_several_story_objects_the_one_naming_the_page_url_is_the_article() -> None:
    teaser = {"@type": "NewsArticle", "headline": "Next: Ferry strike", "url": "https://example.org/news/ferry-strike",
              "datePublished": "2024-05-14T07:00:00+02:00"}  # fmt: skip
    story = {"@type": "NewsArticle", "headline": "Bridge reopens", "mainEntityOfPage": {"@id": "https://example.org/news/bridge/"},
             "datePublished": WHEN}  # fmt: skip
    head = (f'<link rel="canonical" href="https://www.example.org/news/bridge">'
            f'<script type="application/ld+json">{json.dumps([teaser, story])}</script>')  # fmt: skip
    sel = Selector(text=f"<html><head>{head}</head><body><h1>Bridge reopens</h1></body></html>")
    assert json_ld_article(sel) == story
    assert generic_meta.published_date(sel, story) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-13T10:00:00+02:00Z", "2024-05-13T10:00:00+02:00"),
        ("2024-05-13T10:00:00 GMT+02:00", "2024-05-13T10:00:00+02:00"),
        ("2024-05-13T10:00:00.000 +02:00", "2024-05-13T10:00:00+02:00"),
        ("2024-05-13T10:00:00+0200 (CEST)", "2024-05-13T10:00:00+02:00"),
        ("2024-05-13T10:00:00 CEST", "2024-05-13T10:00:00+02:00"),
        ("13.05.2024 10:00:00 +02:00", "2024-05-13T10:00:00+02:00"),
        ("Mon May 13 2024 10:00:00 GMT+0200 (Central European Summer Time)", "2024-05-13T10:00:00+02:00"),
        ("May 13, 2024 10:00 AM EDT", "2024-05-13T10:00:00-04:00"),
    ],
)
def test_zones_as_pages_and_javascript_append_them(raw: str, expected: str) -> None:
    from crawler.extract.clean import parse_date

    dt = parse_date(raw)
    assert dt is not None and dt.isoformat() == expected


@pytest.mark.parametrize("raw", ["May 13, 2024 10:00 AM CST", "13 May 2024 10:00 IST"])
def test_an_ambiguous_zone_name_states_no_offset(raw: str) -> None:
    from crawler.extract.clean import parse_date

    assert parse_date(raw) is None


@pytest.mark.parametrize(
    "script",
    [
        "{&quot;@type&quot;: &quot;NewsArticle&quot;, &quot;datePublished&quot;: &quot;%s&quot;}",
        "{'@type': 'NewsArticle', 'datePublished': '%s'}",
        '{"@type": "NewsArticle", datePublished: "%s"}',
    ],
)
def test_json_ld_escaped_or_written_as_javascript_still_gives_its_date(script: str) -> None:
    assert _published(script % WHEN) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def test_another_objects_time_must_agree_with_the_articles_naive_time() -> None:
    story = {"@type": "NewsArticle", "headline": "Bridge reopens", "datePublished": "2024-05-13T10:00:00"}
    teaser = {"@type": "NewsArticle", "headline": "Ferry strike", "datePublished": "2024-04-02T07:00:00+02:00"}
    found = _published(json.dumps([story, teaser]))
    assert found is not None and str(found[1]) == "2024-05-13"  # the day alone, never the teaser's time
    same = {"@type": "WebPage", "datePublished": WHEN}
    assert _published(json.dumps([story, same])) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def test_quotes_inside_json_ld_strings_are_read_as_text() -> None:
    text = f'{{"@type": "NewsArticle", "headline": "The "new" bridge", "datePublished": "{WHEN}"}}'
    assert _load_json(text) == {"@type": "NewsArticle", "headline": 'The "new" bridge', "datePublished": WHEN}


def test_an_unreadable_script_gives_its_publication_date_before_its_creation_date() -> None:
    script = (
        '{"@type": "NewsArticle", "dateCreated": "2024-05-12T09:00:00+02:00", "datePublished": "%s", "x": "a"b", "c"}'
    )
    assert _published(script % WHEN) == ("jsonld", datetime(2024, 5, 13, 10, tzinfo=PLUS2))


def test_a_naive_time_takes_the_stated_time_of_the_same_event_written_in_another_zone() -> None:
    # JSON-LD's naive wall clock is an hour off the <meta>'s stated time, with the same seconds: one event.
    script = json.dumps({"@type": "NewsArticle", "headline": "Bridge reopens", "datePublished": "2024-05-13 11:00:49"})
    head = '<meta property="article:published_time" content="2024-05-13T10:00:49+02:00">'
    found = _published(script, head)
    assert found is not None and found[1] == datetime(2024, 5, 13, 10, 0, 49, tzinfo=PLUS2)


def test_a_naive_time_on_a_site_of_a_one_zone_country_takes_that_zone() -> None:
    from scrapy.http import HtmlResponse

    from crawler.extract.generic import generic_values

    def date_of(url: str, published: str) -> str | None:
        ld = json.dumps({"@type": "NewsArticle", "headline": "Brücke offen", "datePublished": published})
        html = f"<html><head><script type='application/ld+json'>{ld}</script></head><body><h1>Brücke offen</h1></body></html>"
        response = HtmlResponse(url, body=html.encode(), encoding="utf-8")
        found = generic_values(response, ["date_published"]).get("date_published")
        return found[1] if found else None

    assert date_of("https://zeitung.de/a/1", "2024-05-13T08:30:00") == "2024-05-13T08:30:00+02:00"
    assert date_of("https://www.sinmun.co.kr/a/1", "2026-01-29T18:40:00") == "2026-01-29T18:40:00+09:00"
    # A country of several zones, or a generic domain: the day alone, never an invented offset.
    assert date_of("https://paper.com/a/1", "2024-05-13T08:30:00") == "2024-05-13"
    assert date_of("https://jornal.com.br/a/1", "2024-05-13T08:30:00") == "2024-05-13"
    # Midnight is the day alone.
    assert date_of("https://zeitung.de/a/1", "2024-05-13T00:00:00") == "2024-05-13"
    # A time given in UTC is spelled in that zone: the same instant, the newsroom's day.
    assert date_of("https://zeitung.de/a/1", "2019-10-18T22:04:00Z") == "2019-10-19T00:04:00+02:00"
    assert date_of("https://paper.com/a/1", "2019-10-18T22:04:00Z") == "2019-10-18T22:04:00+00:00"


def test_a_utc_time_is_spelled_in_the_zone_of_a_one_zone_language() -> None:
    from parsel import Selector

    from crawler.extract.generic.meta import spelling_zone

    def zone(lang: str, url: str = "https://blog.example.com/a") -> str | None:
        found = spelling_zone(Selector(text=f"<html lang='{lang}'><body><p>x</p></body></html>"), url)
        return str(found) if found else None

    assert zone("de-AT") == "Europe/Berlin"  # German is written on one clock (DE, AT, CH, LU)
    assert zone("ja") == "Asia/Tokyo"
    assert zone("en") is None and zone("es") is None and zone("") is None  # several zones: none
    assert zone("en", "https://paper.co.kr/a") == "Asia/Seoul"  # the domain's country first
