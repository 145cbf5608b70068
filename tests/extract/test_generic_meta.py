"""Metadata of unknown sites (crawler/generic_meta.py): dates with offsets, the day alone, language, people."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.extract.chain import extract_generic as extract_article
from crawler.extract.generic import meta as generic_meta
from crawler.extract.metadata import json_ld_article


def _page(head: str = "", body: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<html{lang_attr}><head>{head}</head><body>{body}</body></html>"


def _ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-13T10:00:00+02:00", datetime(2024, 5, 13, 10, tzinfo=timezone(timedelta(hours=2)))),
        ("2024-05-13T10:00+02", datetime(2024, 5, 13, 10, tzinfo=timezone(timedelta(hours=2)))),
        ("2024-05-13 10:00:00 -0500", datetime(2024, 5, 13, 10, tzinfo=timezone(timedelta(hours=-5)))),
        ("2024-05-13T10:00:00", None),
    ],
)
def test_parse_stated_reads_offsets_as_cms_write_them(raw: str, expected: datetime | None) -> None:
    assert generic_meta.parse_stated(raw) == expected


def test_a_json_ld_date_with_offset_always_wins_even_outside_the_article_object() -> None:
    # The article object the page's other fields come from has no date; a BlogPosting beside it states one,
    # and a <meta> with another (UTC) time must not win over it.
    head = _ld([{"@type": "NewsArticle", "headline": "Harbour reopens"},
                {"@type": "BlogPosting", "datePublished": "2023-11-02T07:15:00+0100"}])  # fmt: skip
    head += '<meta property="article:published_time" content="2023-11-01T23:00:00Z">'
    sel = Selector(text=_page(head, "<h1>Harbour reopens</h1>"))
    source, value = generic_meta.published_date(sel, json_ld_article(sel))
    assert source == "jsonld"
    assert value.isoformat() == "2023-11-02T07:15:00+01:00"


def test_without_any_offset_the_day_alone_is_given_never_an_invented_offset() -> None:
    head = _ld({"@type": "NewsArticle", "headline": "H", "datePublished": "2021-03-04T22:30:00"})
    sel = Selector(text=_page(head, "<h1>H</h1>"))
    assert generic_meta.published_date(sel, json_ld_article(sel)) == ("jsonld", date(2021, 3, 4))


def test_a_visible_date_written_in_words_in_another_language() -> None:
    body = (
        '<article><h1>Das Ministerium informiert</h1><div class="entry-date">31. Mai 2012</div>'
        "<p>Die Kulturförderung der Stadt wird neu geordnet und die Clubs bekommen mehr Geld.</p></article>"
    )
    sel = Selector(text=_page("", body, "de"))
    found = generic_meta.published_date(sel, None, url="http://blog.example/das-ministerium")
    assert found is not None and found[1] == date(2012, 5, 31)


def test_the_day_alone_survives_the_loader_as_an_iso_date() -> None:
    body = ('<article><h1>Reparaturcafé im Januar</h1><span class="date">Veröffentlicht am 27. Januar 2020</span>'
            + "".join(f"<p>Absatz {n}: Im Reparaturcafé helfen Ehrenamtliche, kaputte Geräte wieder in Gang zu "
                      f"bringen, statt sie wegzuwerfen. Der nächste Termin ist im Januar.</p>" for n in range(4))
            + "</article>")  # fmt: skip
    response = HtmlResponse("http://verein.example/reparaturcafe", body=_page("", body).encode(), encoding="utf-8")
    article = extract_article(response)
    assert article.date_published == "2020-01-27"


@pytest.mark.parametrize(("value", "expected"), [("de-DE", "de"), ("en_US", "en"), ("PT-br", "pt"), ("x", None)])
def test_declared_language_is_its_primary_subtag(value: str, expected: str | None) -> None:
    assert generic_meta.declared_language(value) == expected


def test_language_is_detected_when_the_page_declares_none() -> None:
    text = ("Die Stadtbibliothek verlängert ihre Öffnungszeiten ab dem kommenden Monat. Künftig können "
            "Leserinnen und Leser auch am Samstagnachmittag Bücher ausleihen und zurückgeben.")  # fmt: skip
    body = "<article><h1>Stadtbibliothek verlängert Öffnungszeiten</h1>" + f"<p>{text}</p>" * 3 + "</article>"
    response = HtmlResponse("http://stadt.example/bibliothek", body=_page("", body).encode(), encoding="utf-8")
    assert extract_article(response).in_language == "de"
    declared = HtmlResponse(response.url, body=_page("", body, "de-AT").encode(), encoding="utf-8")
    assert extract_article(declared).in_language == "de-AT"  # a declaration stays as written


def test_site_accounts_and_desks_are_not_people() -> None:
    assert generic_meta.people(["admin", "Ann Lee", "Redaktion", "Staff", "Bo Park", "Editorial Team"]) == [
        "Ann Lee", "Bo Park"]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Veröffentlicht vonAnn Lee", "Ann Lee"),  # a screen-reader label glued to the name
        ("Artikel von: Ann Lee", "Ann Lee"),
        ("Zum Profil von annlee annlee", "annlee"),  # the same name twice (link text and image alt)
        ("Publié par Ann Lee", "Ann Lee"),
        ("Ann Co", "Ann Co"),  # a surname, not "& Co."
        ("Eingestellt von Ann Lee", "Ann Lee"),
        ("Ann Lee — veröffentlicht 3. Mai", "Ann Lee"),
        ("Ann Lee am Samstag", "Ann Lee"),
        ("Ann Lee Follow", "Ann Lee"),  # a follow button's text
        ("Ann Lee For The Daily Courier", "Ann Lee"),
        ("Tom Forman", "Tom Forman"),
        ("Ein Gastbeitrag von Ann Lee", "Ann Lee"),
        ("Pressemitteilung von Ann Lee", "Ann Lee"),
    ],
)
def test_author_labels_and_doubles_are_cut(raw: str, name: str) -> None:
    assert generic_meta.people([raw]) == [name]


def test_degrees_labels_and_sentences_are_no_people() -> None:
    assert generic_meta.people(["Ann Lee", "PhD", "No Author", "Author", "Great post, thanks!", "Follow"]) == [
        "Ann Lee"
    ]
    assert generic_meta.people(["This is the headline of the story and not a name at all"]) == []


def test_wire_desks_are_no_people() -> None:
    assert generic_meta.people(["Staff", "news service reports", "Agencies", "Wire services"]) == []


def test_an_author_that_is_the_headline_goes() -> None:
    page = (
        "<html><head><title>Storm cuts power</title></head><body><article><h1>Storm cuts power</h1>"
        "<div class='author'>Storm cuts power</div><p>Text.</p></article></body></html>"
    )
    response = HtmlResponse("https://x.example/a", body=page.encode(), encoding="utf-8")
    assert extract_article(response).authors in (None, [])


def test_meta_naming_more_writers_than_json_ld() -> None:
    from crawler.extract.generic.authors import page_authors

    page = _page('<meta name="author" content="Ann Lee, Bo Park">')
    found = page_authors(Selector(text=page), ("jsonld", ["Ann Lee"]), None, "https://x.example/a")
    assert found == ("meta", ["Ann Lee", "Bo Park"])
    page = _page('<meta name="author" content="Ann Lee, AL">')  # initials are no writer to add
    assert page_authors(Selector(text=page), ("jsonld", ["Ann Lee"]), None, None) == ("jsonld", ["Ann Lee"])


def test_the_outlet_beside_a_name_goes() -> None:
    assert generic_meta.people(["Courier - Ann Lee", "Bo Park | Courier"], {"courier"}) == ["Ann Lee", "Bo Park"]


def test_a_legal_form_is_no_person() -> None:
    assert generic_meta.people(["Müller & Co.", "Nordex SE", "Ann Lee"]) == ["Ann Lee"]


def test_main_image_falls_back_to_the_story_image() -> None:
    body = (
        '<header><img src="/logo.png"></header><article><h1>H</h1>'
        '<figure><img src="/img/harbour.jpg" width="800" height="450"></figure><p>Text.</p></article>'
    )
    response = HtmlResponse("http://town.example/news/a.html", body=_page("", body).encode(), encoding="utf-8")
    out: dict = {}
    generic_meta.complete(response, out, {"main_image"})
    assert out["main_image"] == ("generic", "http://town.example/img/harbour.jpg")


def test_a_headline_keeps_its_closing_bracket() -> None:
    html = _page("<title>Char Kway Teow (Stir Fry Noodles) | Eat</title>", "<h1>Char Kway Teow (Stir Fry Noodles)</h1>")
    sel = Selector(text=html)
    assert (
        generic_meta.balanced_headline(sel, "Char Kway Teow (Stir Fry Noodles") == "Char Kway Teow (Stir Fry Noodles)"
    )
    assert generic_meta.balanced_headline(sel, "Plain headline") == "Plain headline"


def test_a_utc_time_takes_the_local_spelling_of_the_same_instant() -> None:
    # JSON-LD in UTC, the page's script data with the newsroom's offset: same instant, the local day.
    head = _ld({"@type": "NewsArticle", "headline": "H", "datePublished": "2020-02-25T02:25:54Z"})
    head += '<script>var meta = {"section": "news", "date": "2020-02-24T21:25:54-05:00"};</script>'
    sel = Selector(text=_page(head, "<h1>H</h1>"))
    assert generic_meta.published_date(sel, json_ld_article(sel))[1].isoformat() == "2020-02-24T21:25:54-05:00"


def test_a_local_wall_clock_with_the_same_seconds_gives_the_offset_another_time_does_not() -> None:
    utc = datetime(2023, 11, 9, 5, 30, 59, tzinfo=timezone.utc)
    sel = Selector(text=_page("", '<h1>H</h1><time datetime="2023-11-08 23:30:59">Nov 8</time>'))
    local = generic_meta.local_spelling(sel, [], utc)
    assert local == utc and local.utcoffset() == timedelta(hours=-6)
    # A modification time (other seconds) or a stated time of another instant changes nothing.
    sel = Selector(text=_page('<meta property="article:modified_time" content="2023-11-09T09:00:00+01:00">',
                              '<h1>H</h1><time datetime="2023-11-09 08:12:40">Nov 9</time>'))  # fmt: skip
    assert generic_meta.local_spelling(sel, [], utc).utcoffset() == timedelta(0)


def test_a_misread_year_is_not_a_publication_date() -> None:
    head = '<meta property="article:published_time" content="6244-06-10T02:21:13Z">'
    head += _ld({"@type": "NewsArticle", "headline": "H", "datePublished": "2022-11-02"})
    sel = Selector(text=_page(head, "<h1>H</h1>"))
    found = generic_meta.published_date(sel, json_ld_article(sel))
    assert found is not None and found[1].isoformat()[:10] == "2022-11-02"


def test_yoast_reading_aid_names_the_writer() -> None:
    from crawler.extract.generic.authors import page_authors

    head = (
        '<meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="Ann Lee">'
        '<meta name="twitter:label2" content="Geschätzte Lesezeit"><meta name="twitter:data2" content="3 Minuten">'
    )
    assert page_authors(Selector(text=_page(head)), None, None, None) == ("meta", ["Ann Lee"])
    desk = '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Redaktion">'
    assert page_authors(Selector(text=_page(desk)), None, None, None) is None


def test_an_account_name_takes_the_bylines_spelling() -> None:
    from crawler.extract.generic.authors import page_authors

    page = "<html><body><article><div class='author'>von Ann Lee</div><p>Text.</p></article></body></html>"
    assert page_authors(Selector(text=page), ("jsonld", ["annlee"]), None, None) == ("generic", ["Ann Lee"])
    assert page_authors(Selector(text=page), ("jsonld", ["bopark"]), None, None) == ("jsonld", ["bopark"])
