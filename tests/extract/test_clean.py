"""Table tests of the shared cleaning processors (crawler/extract/clean.py) and boilerplate rules."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from scrapy.http import HtmlResponse

from crawler.extract import boilerplate
from crawler.extract import clean as p

BAKU = timezone(timedelta(hours=4))
CRAWL = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)  # 16:00 in Baku


# --- text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  a \n\t b  ", "a b"),
        ("a\u00a0b\u200bc", "a b c"),
        ("<b>Bold</b> &amp; <i>it</i>", "Bold & it"),
        ("Tom &quot;Tim&quot;", 'Tom "Tim"'),
        ("e\u0301", "é"),  # NFC
        ("", None),
        ("   ", None),
        (None, None),
        ("<p> </p>", None),
        (42, "42"),
    ],
)
def test_clean_text(value, expected) -> None:
    assert p.clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<div><p>One</p><p>Two <b>bold</b></p></div>", ["One", "Two bold"]),
        ("<p>Line<br>break</p>", ["Line", "break"]),
        ("<div>text<script>var x = 1;</script> after<style>p{}</style></div>", ["text after"]),
        ("<p>Head</p><h2>Sub</h2><ul><li>a</li><li>b</li></ul>", ["Head", "Sub", "a", "b"]),
        ("<p>&nbsp;</p><p>x &amp; y</p>", ["x & y"]),
        ("plain\n\nsecond paragraph", ["plain", "second paragraph"]),
        ("<p></p>", None),
        ("", None),
        (None, None),
    ],
)
def test_html_to_text(value, expected) -> None:
    assert p.html_to_text(value) == expected


# --- bylines, names, datelines, editors ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "authors", "publisher"),
    [
        ("By Seba Agayeva - Trend:", ["Seba Agayeva"], "Trend"),
        ("By Seba Agayeva – Trend News Agency:", ["Seba Agayeva"], "Trend News Agency"),
        ("By Ann Lee and Bo Park", ["Ann Lee", "Bo Park"], None),
        ("By Ann Lee, Bo Park and Cy Young", ["Ann Lee", "Bo Park", "Cy Young"], None),
        ("Ann Lee | Reuters", ["Ann Lee"], "Reuters"),
        ("Ann Lee and Bo Park / AFP", ["Ann Lee", "Bo Park"], "AFP"),
        ("by  Ann   Lee", ["Ann Lee"], None),
    ],
)
def test_parse_byline(value, authors, publisher) -> None:
    assert p.parse_byline(value) == p.Byline(authors, publisher)


@pytest.mark.parametrize(
    "value",
    ["", None, "Ann Lee", "The minister said:", "Edited by CN", "x" * 300, "Tags:"],
)
def test_parse_byline_rejects(value) -> None:
    assert p.parse_byline(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("By A, B and C", ["A", "B", "C"]),
        ("Ann Lee; Bo Park & Cy Young", ["Ann Lee", "Bo Park", "Cy Young"]),
        ("By Ann Lee.", ["Ann Lee"]),
        ("Ann Lee, ann@example.com", ["Ann Lee"]),  # an e-mail is not a name
        ("By Perry Lee Jr.", ["Perry Lee Jr."]),  # the dot of a suffix or an initial stays
        ("Ann C. and Bo Park.", ["Ann C.", "Bo Park"]),
        ("Ann Lee @annlee", ["Ann Lee"]),  # the social handle goes, the name stays
        ("", None),
        ("By", None),
        (None, None),
    ],
)
def test_split_names(value, expected) -> None:
    assert p.split_names(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Baku, Azerbaijan, June 18", "Baku, Azerbaijan, June 18"),
        ("BAKU, Azerbaijan, June 18.", "BAKU, Azerbaijan, June 18"),
        ("LONDON, United Kingdom, Nov. 25", "LONDON, United Kingdom, Nov. 25"),
        ("Baku, June 18", "Baku, June 18"),
        ("Bakı, Azərbaycan, İyun 18", "Bakı, Azərbaycan, İyun 18"),
        ("The cooperation between Azerbaijan and Russia is developing", None),
        ("Azerbaijan, Russia, June 18 talks ended", None),
        ("June 18", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_dateline(value, expected) -> None:
    assert p.parse_dateline(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Edited by CN", "CN"),
        ("edited by Ann Lee.", "Ann Lee"),
        ("Editing by Bo Park", "Bo Park"),
        ("The story was edited by the desk and published", None),
        ("By CN", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_editor(value, expected) -> None:
    assert p.parse_editor(value) == expected


@pytest.mark.parametrize(
    ("value", "dateline", "authors", "publisher", "rest"),
    [
        ("BAKU, Azerbaijan, June 18. By Seba Agayeva - Trend:", "BAKU, Azerbaijan, June 18", ["Seba Agayeva"], "Trend", ""),
        (
            "BAKU, Azerbaijan, June 18. By A and B - Trend: The talks ended.",
            "BAKU, Azerbaijan, June 18", ["A", "B"], "Trend", "The talks ended.",
        ),
        (
            "LONDON, United Kingdom, Nov. 25. By Ann Lee, Bo Park and Cy Young - Trend:",
            "LONDON, United Kingdom, Nov. 25", ["Ann Lee", "Bo Park", "Cy Young"], "Trend", "",
        ),
        ("Bakı. Trend:", "Bakı", None, "Trend", ""),
        ("Bakı. Trend: Prezident sərəncam imzalayıb.", "Bakı", None, "Trend", "Prezident sərəncam imzalayıb."),
        ("Bakı, 15 noyabr. Trend: xəbər", "Bakı, 15 noyabr", None, "Trend", "xəbər"),
        ("Bakı, 15 İyun. Trend:", "Bakı, 15 İyun", None, "Trend", ""),
        ("Баку, 15 ноября. Trend:", "Баку, 15 ноября", None, "Trend", ""),
        ("BAKU, Azerbaijan, November 24. Exports grew.", "BAKU, Azerbaijan, November 24", None, None, "Exports grew."),
        # a quote after the dateline is story text, not an agency
        ("BAKU, Azerbaijan, June 18. The minister said: fine.", "BAKU, Azerbaijan, June 18", None, None,
         "The minister said: fine."),
        ("Baku, Azerbaijan, June 18", "Baku, Azerbaijan, June 18", None, None, ""),
        # older forms and the Russian edition
        ("Baku, Azerbaijan, Nov.15 / Trend, S.Agayeva /", "Baku, Azerbaijan, Nov.15", ["S.Agayeva"], "Trend", ""),
        ("BAKU, Azerbaijan, June 18 (Trend) - The talks.", "BAKU, Azerbaijan, June 18", None, "Trend", "The talks."),
        ("БАКУ, Азербайджан, 15 ноября. /ТРЕНД/. Текст.", "БАКУ, Азербайджан, 15 ноября", None, "ТРЕНД", "Текст."),
        ("БАКУ /Trend/ - Текст", "БАКУ", None, "Trend", "Текст"),
        ("BAKU, Azerbaijan, June 18, 2014. By A - Trend:", "BAKU, Azerbaijan, June 18, 2014", ["A"], "Trend", ""),
        ("BAKU, Azerbaijan, June 18 (the minister said) text", "BAKU, Azerbaijan, June 18", None, None,
         "(the minister said) text"),
    ],
)  # fmt: skip
def test_parse_lead(value, dateline, authors, publisher, rest) -> None:
    lead = p.parse_lead(value)
    assert lead is not None
    assert (lead.dateline, lead.byline.authors if lead.byline else None, lead.publisher, lead.rest) == (
        dateline, authors, publisher, rest,
    )  # fmt: skip


@pytest.mark.parametrize(
    "value",
    [
        "Baku. The president went home.",  # a place word needs the agency after it
        "The president said. Trend: no",
        "The cooperation is developing, June 18 was the day.",
        "Baku (Trend) text",
        "",
        None,
    ],
)
def test_parse_lead_rejects(value) -> None:
    assert p.parse_lead(value) is None


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (
            ["Baku, Azerbaijan, June 18", "By Seba Agayeva - Trend:", "Story one.", "Story two.", "Edited by CN"],
            p.BodyParts(["Story one.", "Story two."], "Baku, Azerbaijan, June 18", ["Seba Agayeva"], "Trend", "CN"),
        ),
        (
            ["BAKU, Azerbaijan, June 18. By Seba Agayeva - Trend:", "Story."],
            p.BodyParts(["Story."], "BAKU, Azerbaijan, June 18", ["Seba Agayeva"], "Trend", None),
        ),
        (
            ["BAKU, Azerbaijan, June 18. By A and B - Trend: Story starts.", "More."],
            p.BodyParts(["Story starts.", "More."], "BAKU, Azerbaijan, June 18", ["A", "B"], "Trend", None),
        ),
        (["Bakı. Trend:", "Xəbər."], p.BodyParts(["Xəbər."], "Bakı", None, "Trend", None)),
        (
            ["Headline here", "Ann Lee | Reuters", "Story.", "Tags:", "Latest", "Share"],
            p.BodyParts(["Story."], None, ["Ann Lee"], "Reuters", None),
        ),
        # a dateline-like sentence deep in the story stays in the story
        (
            ["Story.", "More.", "Also.", "And.", "BAKU, Azerbaijan, June 18. By A - Trend:"],
            p.BodyParts(["Story.", "More.", "Also.", "And.", "BAKU, Azerbaijan, June 18. By A - Trend:"]),
        ),
        ([], p.BodyParts()),
    ],
)
def test_split_body(paragraphs, expected) -> None:
    assert p.split_body(paragraphs, headline="Headline here") == expected


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        ("18 June 2014 14:32 (UTC +04:00)", None, "2014-06-18T14:32:00+04:00"),
        ("18 June 2014 14:32", "+04:00", "2014-06-18T14:32:00+04:00"),
        ("2014-06-18T14:32:00+04:00", None, "2014-06-18T14:32:00+04:00"),
        ("2014-06-18T10:32:00Z", None, "2014-06-18T10:32:00+00:00"),
        ("2014-06-18T14:32:00.123+0400", None, "2014-06-18T14:32:00+04:00"),
        ("2014-06-18 14:32", "+04:00", "2014-06-18T14:32:00+04:00"),
        ("2014-06-18", "+04:00", "2014-06-18T00:00:00+04:00"),
        ("6 Dekabr 2025 15:49 (UTC +04:00)", None, "2025-12-06T15:49:00+04:00"),
        ("June 18, 2014 2:32 PM", "+04:00", "2014-06-18T14:32:00+04:00"),
        ("18 июня 2014 14:32", "+04:00", "2014-06-18T14:32:00+04:00"),
        ("Baku time: 18 June 2014 14:32 (UTC+04)", None, "2014-06-18T14:32:00+04:00"),
        # Azerbaijani edition: no year -> the crawl's year (crawl: 29 November 2026)
        ("15 Noyabr 10:31 (UTC+04)", "+04:00", "2026-11-15T10:31:00+04:00"),
        ("29 Noyabr 15:30 (UTC+04)", "+04:00", "2026-11-29T15:30:00+04:00"),
        # ... or the year before when the day lies after the crawl day
        ("1 Dekabr 10:00 (UTC+04)", "+04:00", "2025-12-01T10:00:00+04:00"),
        ("31 Dekabr 23:00 (UTC+04)", "Asia/Baku", "2025-12-31T23:00:00+04:00"),
        # today's stories show only the time
        ("15:49 (UTC+04)", "+04:00", "2026-11-29T15:49:00+04:00"),
        ("17:30 (UTC+04)", "+04:00", "2026-11-28T17:30:00+04:00"),  # later than the crawl: yesterday
        ("1402000000", None, "2014-06-05T20:26:40+00:00"),
        # Turkic dotted and dotless I: "İyun", "İYUL", "KASIM"
        ("15 İyun 10:31 (UTC+04)", "+04:00", "2026-06-15T10:31:00+04:00"),
        ("3 İYUL 2025 09:00", "+04:00", "2025-07-03T09:00:00+04:00"),
        ("5 KASIM 2025 10:00 (UTC+03)", None, "2025-11-05T10:00:00+03:00"),
        ("5 Kasım 2025 10:00 (UTC+03)", None, "2025-11-05T10:00:00+03:00"),
    ],
)
def test_parse_date(value, tz, expected) -> None:
    dt = p.parse_date(value, tz, CRAWL)
    assert dt is not None and p.format_iso8601(dt) == expected


def test_year_inference_uses_the_pages_calendar() -> None:
    # 31 Dec 21:00 UTC is already 1 January in Baku: "1 Yanvar" is this (new) year, not last year's.
    crawl = datetime(2026, 12, 31, 21, 0, tzinfo=timezone.utc)
    assert p.format_iso8601(p.parse_date("1 Yanvar 00:30 (UTC+04)", "+04:00", crawl)) == "2027-01-01T00:30:00+04:00"


@pytest.mark.parametrize(
    ("value", "tz"),
    [
        ("18 June 2014 14:32", None),  # no offset and no site zone: never invent one
        ("2014-06-18T14:32:00", None),
        ("31 February 2014", "+04:00"),
        ("2014-13-45T10:00:00+04:00", None),
        ("yesterday", "+04:00"),
        ("", "+04:00"),
        (None, "+04:00"),
        ("15:49", None),
        ("25:61 (UTC+04)", None),
    ],
)
def test_parse_date_rejects(value, tz) -> None:
    assert p.parse_date(value, tz, CRAWL) is None


def test_to_iso8601_uses_loader_context() -> None:
    ctx = {"timezone": "+04:00", "crawl_date": CRAWL}
    assert p.to_iso8601("15 Noyabr 10:31", ctx) == "2026-11-15T10:31:00+04:00"
    assert p.to_iso8601("not a date", ctx) is None
    assert p.to_iso8601("18 June 2014 14:32") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("+04:00", BAKU), ("UTC+4", BAKU), ("GMT", timezone.utc), ("-0530", timezone(-timedelta(hours=5, minutes=30)))],
)
def test_as_tzinfo(value, expected) -> None:
    assert p.as_tzinfo(value) == expected


def test_as_tzinfo_unknown() -> None:
    assert p.as_tzinfo("Mars/Olympus") is None
    assert p.as_tzinfo(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Azerbaijan Materials 18 June 2014 14:32 (UTC +04:00)", "18 June 2014 14:32 (UTC +04:00)"),
        ("Siyasət 15 Noyabr 10:31 (UTC+04)", "15 Noyabr 10:31 (UTC+04)"),
        ("Posted June 18, 2014", "June 18, 2014"),
        ("No date in this line", None),
    ],
)
def test_find_date(value, expected) -> None:
    span = p.find_date(value)
    assert (value[span[0] : span[1]].strip() if span else None) == expected


# --- lists, urls, language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tags: a, b; c", ["a", "b", "c"]),
        ("#energy | #oil", ["energy", "oil"]),
        ("Tags:", None),
        ("", None),
        (None, None),
    ],
)
def test_split_tags(value, expected) -> None:
    assert p.split_tags(value) == expected


def test_unique_and_join() -> None:
    assert p.unique(["A", "a", None, "B", "A"]) == ["A", "B"]
    assert p.unique([]) == []
    assert p.join_paragraphs(["One", "", "Two"]) == "One\n\nTwo"
    assert p.join_paragraphs([]) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://x.az/a.html?utm_source=rss&utm_medium=feed", "https://x.az/a.html"),
        ("https://x.az/a.html?id=3&utm_campaign=z&fbclid=1", "https://x.az/a.html?id=3"),
        ("https://x.az/a.html#top", "https://x.az/a.html"),
    ],
)
def test_strip_tracking(value, expected) -> None:
    assert p.strip_tracking(value) == expected


def test_dedupe_key() -> None:
    assert p.dedupe_key("https://x.az/a.html?b=2&a=1&utm_source=x") == p.dedupe_key("https://x.az/a.html?a=1&b=2#c")
    assert p.dedupe_key("https://x.az/a.html") != p.dedupe_key("https://x.az/b.html")


def test_absolute_url() -> None:
    response = HtmlResponse("https://en.trend.az/azerbaijan/politics/1.html", body=b"<html></html>")
    ctx = {"response": response}
    assert p.absolute_url("/media/a.jpg?utm_source=x", ctx) == "https://en.trend.az/media/a.jpg"
    assert p.absolute_url("https://img.az/b.jpg", ctx) == "https://img.az/b.jpg"
    assert p.absolute_url("data:image/png;base64,AA", ctx) is None
    assert p.absolute_url("javascript:void(0)", ctx) is None
    assert p.absolute_url("relative.jpg") is None  # no response to resolve against
    assert p.absolute_url("", ctx) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("en", "en"), ("en_US", "en-US"), ("EN-us", "en-US"), ("az-Latn-AZ", "az-Latn-AZ"), ("ru", "ru"),
     ("english!", None), ("", None), (None, None)],
)  # fmt: skip
def test_language_tag(value, expected) -> None:
    assert p.language_tag(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Headline | Site Name", "Headline"), ("Headline - Trend", "Headline"), ("Well-known story", "Well-known story")],
)
def test_strip_site_suffix(value, expected) -> None:
    assert p.strip_site_suffix(value) == expected


# --- boilerplate rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Tags:", "tags_label"),
        ("Tags: Azerbaijan, Russia", "tags_label"),
        ("Latest", "sidebar_heading"),
        ("Most read", "sidebar_heading"),
        ("Read more: Oil prices rise", "read_more"),
        ("Share", "share"),
        ("Advertisement", "advertisement"),
        ("Subscribe", "newsletter"),
        ("Sign up for our daily newsletter", "newsletter"),
        ("Follow us on Twitter", "follow_us"),
        ("Photo: Trend", "photo_credit"),
        ("© 2026 Trend", "copyright"),
        ("...", "empty"),
        ("", "empty"),
    ],
)
def test_boilerplate_rules(text, rule) -> None:
    assert boilerplate.DEFAULT_RULES.match(text) == rule


@pytest.mark.parametrize(
    "text",
    [
        "The latest figures show growth.",
        "Share prices rose by 3 percent on Monday.",
        "He said the advertisement was misleading.",
        "Readers can subscribe to the bonds until May.",
    ],
)
def test_boilerplate_keeps_story_text(text) -> None:
    assert boilerplate.DEFAULT_RULES.match(text) is None


def test_repeated_headline_and_extend() -> None:
    rules = boilerplate.DEFAULT_RULES.extend(promo=r"^Listen to this story$")
    assert rules.match("Cooperation between Azerbaijan, Russia developing", headline="Cooperation between "
                       "Azerbaijan, Russia developing") == "repeated_headline"
    assert rules.match("Listen to this story") == "promo"
    assert boilerplate.DEFAULT_RULES.match("Listen to this story") is None  # the shared set is unchanged
    assert "promo" not in boilerplate.DEFAULT_RULES.patterns
