"""Adversarial Trend variants: pages, text dumps, feeds and listings the spider was not written against.

``tests/fixtures/trend/variants/`` holds pages of the three editions (en, az, ru) that follow the
seed README's markup facts but vary everything else a real site varies (bylines with 0-3 authors,
non-ASCII names and initials, Russian and Azerbaijani leads and dates, meta tags or visible markup
missing, captions, lists, share widgets, ``<br>`` text, table layouts), naive text dumps of four
of them in the seed's format, and feeds and listings. Each case states every field it expects.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.extract.page import META_CRAWL_DATE
from crawler.extract.text_blocks import load_text_blocks
from crawler.news_spider import META_LISTED_DATE
from spiders.trend import TrendSpider
from tests.support import FIXTURES

VARIANTS = FIXTURES / "trend" / "variants"
PAGES = sorted((VARIANTS / "pages").glob("*.json"))
DUMPS = sorted((VARIANTS / "dumps").glob("*.expected.json"))


def spider(**kwargs) -> TrendSpider:
    crawler = get_crawler(TrendSpider, settings_dict={"REMOTE_CONTROL_ENABLED": False})
    return TrendSpider.from_crawler(crawler, **kwargs)


def assert_fields(article: dict, expected: dict) -> None:
    """Every expected field; ``article_body_paragraphs`` against the body split on blank lines."""
    got = {f: article[f] for f in expected if f != "article_body_paragraphs"}
    want = {f: v for f, v in expected.items() if f != "article_body_paragraphs"}
    assert got == want
    assert (article["article_body"] or "").split("\n\n") == expected["article_body_paragraphs"]


# --- pages through the article callback -------------------------------------------------------


@pytest.mark.parametrize("case", PAGES, ids=lambda c: c.stem)
def test_page_through_the_article_callback(case: Path) -> None:
    spec = json.loads(case.read_text("utf-8"))
    url = spec["url"]
    crawled = datetime.fromisoformat(spec["crawl_date"])
    body = case.with_suffix(".html").read_bytes()
    # no encoding given: the page says its own (<meta charset>, http-equiv), as a fetched page does
    response = HtmlResponse(url, body=body, request=Request(url, meta={META_CRAWL_DATE: crawled}))
    items = list(spider(edition=spec["edition"]).parse_article(response))
    assert len(items) == 1
    assert_fields(asdict(items[0]), spec["expected"])


# --- naive text dumps through the text-block loader --------------------------------------------

# dump -> crawl date (the Trend dates without a year take the crawl's year)
DUMP_CRAWL_DATES = {
    "en-lead-three-authors": "2025-03-03T15:00:00+00:00",
    "az-inline-lead-visible-date": "2026-01-10T09:00:00+00:00",
    "ru-slash-trend-inline": "2025-06-18T11:00:00+00:00",
    "en-initials-separate-lines": "2024-12-05T14:00:00+00:00",
    "en-dateline-only-first-paragraph": "2025-07-03T08:00:00+00:00",  # one line per element: section, label, date
    "az-time-only-today": "2026-03-02T12:00:00+00:00",  # "14:05 (UTC+04)": today's story
}


@pytest.mark.parametrize("case", DUMPS, ids=lambda c: c.name.removesuffix(".expected.json"))
def test_text_dump_through_the_loader(case: Path) -> None:
    name = case.name.removesuffix(".expected.json")
    expected = json.loads(case.read_text("utf-8"))
    blocks = (case.parent / f"{name}.txt").read_text("utf-8").splitlines()
    loader = TrendSpider.loader_class(
        timezone=TrendSpider.timezone,
        crawl_date=datetime.fromisoformat(DUMP_CRAWL_DATES[name]),
        boilerplate=TrendSpider.boilerplate_rules,
    )
    loader.add_value("in_language", expected["in_language"])  # the edition's language, as the spider adds it
    assert_fields(asdict(load_text_blocks(loader, blocks)), expected)


def test_every_dump_has_a_crawl_date() -> None:
    assert sorted(DUMP_CRAWL_DATES) == sorted(c.name.removesuffix(".expected.json") for c in DUMPS)
    assert len(DUMPS) >= 4 and len(PAGES) >= 15


# --- feeds ------------------------------------------------------------------------------------

MIRROR = "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("feed", "edition", "since", "expected", "too_old"),
    [
        (
            "en-index.rss", "en", "2025-03-01",
            [
                # tracking parameters are not requested (one page, one fetch)
                ("/business/economy/3951234.html", "2025-03-03T17:45:00+04:00"),
                ("/azerbaijan/politics/3951235.html", None),  # no pubDate: kept, the page's own date decides
                ("/world/europe/3951236.html", "2025-03-02T21:10:00+00:00"),  # CDATA and whitespace around the link
                ("/casia/kazakhstan/3951237.html", "2025-03-02T08:00:00+04:00"),  # only <guid isPermaLink="true">
                ("/azerbaijan/society/3951238.html", "2025-03-03T09:15:00+04:00"),  # <dc:date> in ISO 8601
            ],
            1,
        ),
        (
            "az-index.rss", "az", "2025-11-01",
            [("/azerbaijan/society/3990099.html", "2025-11-15T10:31:00+04:00"), ("/business/finance/3999900.html", None)],
            1,
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("base_url", [None, MIRROR])
def test_feed_items(feed, edition, since, expected, too_old, base_url) -> None:
    s = spider(edition=edition, since=since, **({"base_url": base_url} if base_url else {}))
    home = base_url or {"en": "https://en.trend.az", "az": "https://az.trend.az"}[edition]
    url = f"{home}/feeds/index.rss"
    response = XmlResponse(url, body=(VARIANTS / "feeds" / feed).read_bytes(), request=Request(url))
    requests = list(s.parse_feed(response))
    got = [(r.url, r.meta[META_LISTED_DATE].isoformat() if r.meta.get(META_LISTED_DATE) else None) for r in requests]
    assert got == [(home + path, listed) for path, listed in expected]
    assert all(r.callback == s.parse_article for r in requests)
    assert s.crawler.stats.get_value("news/discovery/older_than_since") == too_old


# --- listings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listing", "edition", "path", "articles", "next_page"),
    [
        (
            "en-latest-next-link-class.html", "en", "/business/?page=2",
            [
                "/azerbaijan/politics/3950001.html",  # image link and title link: one article
                "/business/energy/3950002.html",  # absolute
                "/world/europe/3950003.html",  # protocol-relative
                "/casia/uzbekistan/3950004.html",  # spaces around the href
                "/business/economy/3950005.html",  # relative to the listing's folder
                "/azerbaijan/society/3950006.html",  # neither the fragment nor the tracking parameter is requested
            ],
            "/business/?page=3",  # <a class="next" href="?page=3">
        ),
        (
            "en-section-next-li.html", "en", "/business/?page=2",
            ["/business/3940001.html", "/business/finance/3940002.html"],
            "/business/?page=3",  # <li class="next"><a href=...>
        ),
        ("az-last-page.html", "az", "/latest/?page=5", ["/azerbaijan/society/3990099.html", "/azerbaijan/politics/3990200.html"], None),
        ("ru-rel-next.html", "ru", "/latest/", ["/azerbaijan/politics/3990300.html", "/business/economy/3600500.html"], "/latest/2/"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("base_url", [None, MIRROR])
def test_listing_links_and_pagination(listing, edition, path, articles, next_page, base_url) -> None:
    s = spider(edition=edition, **({"base_url": base_url} if base_url else {}))
    home = base_url or {"en": "https://en.trend.az", "az": "https://az.trend.az", "ru": "https://www.trend.az"}[edition]
    url = home + path
    body = (VARIANTS / "listings" / listing).read_bytes()
    requests = list(s.parse_listing(TextResponse(url, body=body, encoding="utf-8", request=Request(url)), page=2))
    article_urls = [r.url for r in requests if r.callback == s.parse_article]
    assert list(dict.fromkeys(article_urls)) == [home + a for a in articles]
    pages = [(r.url, r.cb_kwargs) for r in requests if r.callback == s.parse_listing]
    assert pages == ([(home + next_page, {"page": 3})] if next_page else [])


# --- story leads of the three editions, through Trend's loader -------------------------------

LEADS = [
    # English: dateline and byline in one paragraph, on two lines, or run together without a full stop
    (["BAKU, Azerbaijan, June 18. By Seba Agayeva - Trend: Text."], "BAKU, Azerbaijan, June 18", ["Seba Agayeva"], "Trend", ["Text."]),
    (["BAKU, Azerbaijan, June 18 By Seba Agayeva - Trend:", "Text."], "BAKU, Azerbaijan, June 18", ["Seba Agayeva"], "Trend", ["Text."]),
    (["Baku, Azerbaijan, 18 June", "By Ülviyyə Şükürova – Trend:", "Text."], "Baku, Azerbaijan, 18 June", ["Ülviyyə Şükürova"], "Trend", ["Text."]),
    (["TEHRAN, Iran, Jan. 5. By E. Mohammadi and N. Kirtzkhalia - Trend News Agency: Text."], "TEHRAN, Iran, Jan. 5",
     ["E. Mohammadi", "N. Kirtzkhalia"], "Trend", ["Text."]),  # the agency's full name is still Trend
    (["BAKU, Azerbaijan, June 18", "Trend:", "Text."], "BAKU, Azerbaijan, June 18", None, "Trend", ["Text."]),
    (["BAKU, Azerbaijan, June 18. Text."], "BAKU, Azerbaijan, June 18", None, None, ["Text."]),
    # Trend's own wire-form lead is its metadata too (another agency's keeps its dateline: see below)
    (["BAKU, Azerbaijan, June 18 (Trend) - Text."], "BAKU, Azerbaijan, June 18", None, "Trend", ["Text."]),
    # Azerbaijani edition
    (["Bakı. Trend: Mətn."], "Bakı", None, "Trend", ["Mətn."]),
    (["Gəncə. Trend:", "Mətn."], "Gəncə", None, "Trend", ["Mətn."]),
    (["Bakı, 15 noyabr. Trend: Mətn."], "Bakı, 15 noyabr", None, "Trend", ["Mətn."]),
    # Russian edition: Trend is the publisher of these leads, so they are split off as well
    (["БАКУ /Trend/ - Текст."], "БАКУ", None, "Trend", ["Текст."]),
    (["БАКУ, 18 июня /Trend/ - Текст."], "БАКУ, 18 июня", None, "Trend", ["Текст."]),
    (["БАКУ, 18 июня. /Trend/.", "Текст."], "БАКУ, 18 июня", None, "Trend", ["Текст."]),
    (["Баку. Trend:", "Текст."], "Баку", None, "Trend", ["Текст."]),
    (["БАКУ, 2 мая. /Trend, Нигяр Аббасова/. Текст."], "БАКУ, 2 мая", ["Нигяр Аббасова"], "Trend", ["Текст."]),
    (["Баку, 3 марта /корр. Trend Н.Гасымова/", "Текст."], "Баку, 3 марта", ["Н.Гасымова"], "Trend", ["Текст."]),
    (["БАКУ, Азербайджан, 15 ноября. /ТРЕНД/. Текст."], "БАКУ, Азербайджан, 15 ноября", None, "Trend", ["Текст."]),
    # not leads: a story's first sentence stays whole
    (["Meanwhile, Azerbaijan Airlines: the carrier said it would add flights."], None, None, None,
     ["Meanwhile, Azerbaijan Airlines: the carrier said it would add flights."]),
    (["Baku. The capital hosted the forum."], None, None, None, ["Baku. The capital hosted the forum."]),
    (["МОСКВА, 18 июня от имени президента передано письмо."], None, None, None,
     ["МОСКВА, 18 июня от имени президента передано письмо."]),
]  # fmt: skip


@pytest.mark.parametrize(("paragraphs", "dateline", "authors", "publisher", "body"), LEADS)
def test_trend_leads(paragraphs, dateline, authors, publisher, body) -> None:
    loader = TrendSpider.loader_class(boilerplate=TrendSpider.boilerplate_rules)
    loader.add_value("headline", "A headline")
    loader.add_value("article_body", paragraphs)
    item = loader.load_item()
    assert (item.dateline, item.authors, item.publisher) == (dateline, authors, publisher)
    assert item.article_body.split("\n\n") == body


def test_another_agencys_wire_lead_keeps_its_dateline() -> None:
    """``PLACE, Date (Reuters) -`` on a Trend page: Reuters' lead is part of the story, as on every site."""
    loader = TrendSpider.loader_class(boilerplate=TrendSpider.boilerplate_rules)
    loader.add_value("article_body", ["LONDON, June 18 (Reuters) - Oil rose.", "More."])
    item = loader.load_item()
    assert (item.dateline, item.publisher) == ("LONDON, June 18", "Reuters")
    assert item.article_body == "LONDON, June 18 (Reuters) - Oil rose.\n\nMore."


def test_agency_written_as_an_author_is_the_publisher() -> None:
    page = """<html lang="en"><head><meta property="og:type" content="article"></head><body><h1>H</h1>
    <div class="article-content article-paddings"><p>By Seba Agayeva, Trend:</p><p>The story.</p></div></body></html>"""
    url = "https://en.trend.az/a/b/1.html"
    (item,) = spider().parse_article(HtmlResponse(url, body=page.encode(), encoding="utf-8", request=Request(url)))
    assert (item.authors, item.publisher, item.article_body) == (["Seba Agayeva"], "Trend", "The story.")


@pytest.mark.parametrize(
    ("paragraphs", "editor", "body"),
    [
        (["Story.", "Edited by CN"], "CN", ["Story."]),
        (["Story.", "Edited by: AM"], "AM", ["Story."]),
        (["Story.", "(Edited by SI)"], "SI", ["Story."]),
        (["Story.", "Redaktə edən: G.M."], "G.M.", ["Story."]),  # the last dot is an initial's
        (["Текст.", "Редактор - Н.М."], "Н.М.", ["Текст."]),
        # a sentence that starts with the word is story text
        (["Текст.", "Редактор газеты уволен"], None, ["Текст.", "Редактор газеты уволен"]),
        (
            ["Story.", "Editor CN said the paper would close."],
            None,
            ["Story.", "Editor CN said the paper would close."],
        ),
    ],
)
def test_editor_lines(paragraphs, editor, body) -> None:
    loader = TrendSpider.loader_class(boilerplate=TrendSpider.boilerplate_rules)
    loader.add_value("article_body", paragraphs)
    item = loader.load_item()
    assert (item.editor, item.article_body.split("\n\n")) == (editor, body)


@pytest.mark.parametrize(
    ("line", "junk"),
    [
        ("X", True), ("Facebook", True), ("WhatsApp", True),  # share buttons, one per line in a dump
        ("Həmçinin oxuyun: Metroda yeni qatarlar", True), ("Читайте также: Президент принял министра", True),
        ("Следите за новостями Trend в Telegram", True), ("Son xəbərlər", True), ("Последние новости", True),
        ("X-ray machines were delivered to the hospital.", False),
        ("Trend reported earlier that the talks would resume.", False),
    ],
)  # fmt: skip
def test_trend_junk_lines(line, junk) -> None:
    assert (TrendSpider.boilerplate_rules.match(line) is not None) is junk


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        (
            datetime.fromisoformat("2025-03-03T13:45:00+00:00"),
            "2025-03-03T17:45:00+04:00",
        ),  # "GMT" pubDate, in Baku time
        (datetime.fromisoformat("2025-03-03T17:45:00+04:00"), "2025-03-03T17:45:00+04:00"),
        (None, None),
    ],
)
def test_page_without_a_time_takes_the_feed_date(listed, expected) -> None:
    page = """<html lang="en"><head><meta property="og:type" content="article"></head><body><h1>H</h1>
    <div class="article-content article-paddings"><p>BAKU, Azerbaijan, March 3. The story.</p></div></body></html>"""
    url = "https://en.trend.az/a/b/1.html"
    meta = {META_LISTED_DATE: listed} if listed else {}
    (item,) = spider().parse_article(
        HtmlResponse(url, body=page.encode(), encoding="utf-8", request=Request(url, meta=meta))
    )
    assert item.date_published == expected
    assert (item.extraction or {}).get("date_published") == ("meta" if expected else None)
