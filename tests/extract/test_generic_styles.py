"""Generic extraction on pages we wrote in markup styles the corpus lacks (tests/fixtures/generic/styles).

Each ``<style>.json`` gives the page's URL, the expected headline, authors and publication time
(exact), the story's paragraphs (word-level similarity >= 0.95, as the corpus benchmark measures
it) and text that must not reach the body (comments, related stories, share bars).
"""

from __future__ import annotations

import difflib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.extract.chain import extract_generic
from crawler.extract.page import META_CRAWL_DATE
from tests.support import FIXTURES

STYLES = FIXTURES / "generic" / "styles"
CASES = sorted(STYLES.glob("*.json"))


def _words(paragraphs: list[str]) -> list[str]:
    return " ".join(paragraphs).split()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.stem)
def test_generic_extractor_on_markup_style(case: Path) -> None:
    spec = json.loads(case.read_text("utf-8"))
    expected = spec["expected"]
    request = Request(spec["url"], meta={META_CRAWL_DATE: datetime(2024, 6, 5, tzinfo=timezone.utc)})
    body = case.with_suffix(".html").read_bytes()
    article = extract_generic(HtmlResponse(spec["url"], body=body, encoding="utf-8", request=request))
    assert article.headline == expected["headline"]
    assert article.authors == expected["authors"]
    assert article.date_published == expected["date_published"]
    got = (article.article_body or "").split("\n\n")
    sim = difflib.SequenceMatcher(
        None, _words(expected["article_body_paragraphs"]), _words(got), autojunk=False
    ).ratio()
    assert sim >= 0.95, (round(sim, 3), got)
    for junk in spec.get("must_not_contain", []):
        assert junk not in (article.article_body or ""), junk
    assert {"headline", "article_body"} <= set(article.extraction or {})


def test_every_style_page_has_its_expectations() -> None:
    assert len(CASES) >= 8
    for case in CASES:
        assert case.with_suffix(".html").is_file(), case


@pytest.mark.parametrize(
    ("title", "h1", "expected"),
    [
        # A headline holding a dash keeps it; the "| Site" tail goes.
        ("Storm cuts power – thousands affected | Valley Courier", "Storm cuts power – thousands affected", None),
        ("Storm cuts power – thousands affected | Valley Courier", "", "Storm cuts power – thousands affected"),
        ("Storm cuts power – thousands affected - Valley Courier", "", "Storm cuts power – thousands affected"),
        ("Storm cuts power | News | Valley Courier", "", "Storm cuts power"),
        ("Ice breaker called out :: Saaristo Times", "", "Ice breaker called out"),
        ("Storm cuts power | Valley Courier", "Storm cuts power", None),
    ],
)
def test_headline_from_title_and_h1(title: str, h1: str, expected: str | None) -> None:
    from parsel import Selector

    from crawler.extract.generic import headline

    page = f"<html><head><title>{title}</title></head><body>{f'<h1>{h1}</h1>' if h1 else ''}</body></html>"
    found = headline(Selector(text=page), None)
    assert found is not None
    assert found[1] == (expected or h1)


@pytest.mark.parametrize(
    ("head", "h1", "url", "expected"),
    [
        # The title's part after a separator names the site (og:site_name, or the host): the title stands without it.
        (
            '<meta property="og:site_name" content="Valley Courier"><title>Storm cuts power - Valley Courier</title>',
            "<h1>Latest</h1><h1>Most read</h1>",
            None,
            "Storm cuts power",
        ),
        ("<title>Storm cuts power › courier.example</title>", "", "https://courier.example/a", "Storm cuts power"),
        # The host spelled out in the last part: "Kölner Bote Online" on koelnerbote.example.
        (
            "<title>Storm cuts power - Kölner Bote Online</title>",
            "",
            "https://koelnerbote.example/a",
            "Storm cuts power",
        ),
        # An <h1> that is the title's tail (the blog's logo) is no witness.
        ("<title>Ice on the lake | Valley Walks</title>", "<h1>Valley Walks</h1>", None, "Ice on the lake"),
        # A weak separator counts where another witness agrees: "A / Section / Site", "A : 31.10.2023, 10.19 Uhr".
        ("<title>Storm cuts power / News / Home</title>", "<h1>Storm cuts power</h1>", None, "Storm cuts power"),
        ("<title>Storm cuts power : 31.10.2023</title>", "<h1>Storm cuts power</h1>", None, "Storm cuts power"),
        ("<title>Pollution : la ville agit</title>", "", None, "Pollution : la ville agit"),
        # Equal texts: the spelling with its question mark, with paired quotes.
        ("<title>Is it over? - Valley Courier</title>", "<h1>Is it over?</h1>", None, "Is it over?"),
        ('<title>"Never again - Valley Courier</title>', "<h1>„Never again“</h1>", None, "„Never again“"),
        # The site's name first: the text after it; a section prefix goes where the <h1> agrees.
        ("<title>Courier | Storm cuts power - more to come</title>", "", "https://courier.example/a", None),
        ("<title>News - Storm cuts power</title>", "<h1>Storm cuts power</h1>", None, "Storm cuts power"),
        # Of equally supported texts, the title's head before its tail (the blog's logo is an <h1> too).
        (
            "<title>Ice on the lake | Valley Walks – a blog</title>",
            "<h1>Valley Walks – a blog</h1><h1>Ice on the lake</h1>",
            None,
            "Ice on the lake",
        ),
        # A page naming its site elsewhere: a title without that name keeps its dashes.
        (
            '<meta property="og:site_name" content="Ann\'s Blog"><title>Office 365 – HBDI – part three</title>',
            "<h1>Ann's Blog</h1>",
            None,
            "Office 365 – HBDI – part three",
        ),
    ],
)
def test_headline_site_tails(head: str, h1: str, url: str | None, expected: str | None) -> None:
    from parsel import Selector

    from crawler.extract.generic import headline

    found = headline(Selector(text=f"<html><head>{head}</head><body>{h1}</body></html>"), None, url)
    assert found is not None
    assert found[1] == (expected or "Storm cuts power - more to come")


def test_story_time_before_the_tickers_time() -> None:
    from parsel import Selector

    from crawler.extract.generic import published_date

    page = (
        "<html><body><div class='ticker'><time datetime='2024-06-05T09:00:00+02:00'>09:00</time> Markets open</div>"
        "<article><h1>Story</h1><time datetime='2024-06-04T18:30:00+02:00'>4 June</time><p>Text.</p></article>"
        "</body></html>"
    )
    found = published_date(Selector(text=page), None)
    assert found is not None
    assert found[1].isoformat() == "2024-06-04T18:30:00+02:00"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Ann Lee, Staff Writer", ["Ann Lee"]),
        ("By Ann Lee and Bo Park | The Courier", ["Ann Lee", "Bo Park"]),
        ("Ann Lee • 5 min read", ["Ann Lee"]),
        ("Written by Ann Lee", ["Ann Lee"]),
        ("By Ann Lee, Bo Park and Cy Diaz", ["Ann Lee", "Bo Park", "Cy Diaz"]),
        ("By Ann Lee, Senior Political Correspondent", ["Ann Lee"]),
        ("By Ann Lee Updated 3:45 PM EDT, May 2, 2024", ["Ann Lee"]),
        ("Ann Lee 12.03.2024 10:15", ["Ann Lee"]),
        ("By Mayra Lopez", ["Mayra Lopez"]),
        ("di Mario Rossi", ["Mario Rossi"]),
        ("Di Maria Lopez", ["Di Maria Lopez"]),
        ("door Jan de Vries", ["Jan de Vries"]),
    ],
)
def test_byline_class_names(byline: str, names: list[str]) -> None:
    from parsel import Selector

    from crawler.extract.generic.authors import byline_authors

    page = f"<html><body><article><div class='article-byline'>{byline}</div><p>Text.</p></article></body></html>"
    assert byline_authors(Selector(text=page)) == names


@pytest.mark.parametrize(
    ("body", "names"),
    [
        # <address> in the article, a Spanish/German "autor" class.
        ("<article><address>By <a href='/people/ann-lee'>Ann Lee</a></address><p>Text.</p></article>", ["Ann Lee"]),
        (
            "<article><div class='autor'><h6>Ann Lee | Publicado hace 3 horas</h6></div><p>Text.</p></article>",
            ["Ann Lee"],
        ),
        # Not a byline: a heading styled as the blog's author card, a class that only starts with "autor".
        (
            (
                "<article><h1 class='vcard author'>Ann's Blog</h1><h4 class='vcard author'>vom <span>Ann Lee</span></h4>"
                "<p>Text.</p></article>"
            ),
            ["Ann Lee"],
        ),
        (
            (
                "<article><section class='autorelated'>More stories</section><div class='author'>Ann Lee</div>"
                "<p>Text.</p></article>"
            ),
            ["Ann Lee"],
        ),
        # Of a byline's blocks, the first that is not a label; a label and its particle alone are no name.
        (
            "<article><div class='author'><div>Ann Lee</div><div><a href='/a'>All articles</a></div></div><p>T.</p></article>",
            ["Ann Lee"],
        ),
        (
            "<article><span class='meta-author'>Posted on</span> <span class='author'>Ann Lee</span><p>T.</p></article>",
            ["Ann Lee"],
        ),
        ("<article><ul class='authors'><li>Article by</li><li>Ann Lee</li></ul><p>T.</p></article>", ["Ann Lee"]),
        (
            "<article><ul class='authors'><li>Ann Lee</li><li>Bo Park</li></ul><p>T.</p></article>",
            ["Ann Lee", "Bo Park"],
        ),
        # An author box: its name, not the biography below it; the date after the name cut.
        (
            (
                "<article><div class='author-box'><div>About the author</div><div>Ann Lee</div><p>Ann Lee writes"
                " about science and the sea for the paper since 2010.</p></div><p>Text.</p></article>"
            ),
            ["Ann Lee"],
        ),
        ("<article><div class='author-info'>Ann Lee Stand: 05. Februar 2020</div><p>T.</p></article>", ["Ann Lee"]),
        ("<article><div class='author-info'>Ann Lee vor 5 Stunden</div><p>T.</p></article>", ["Ann Lee"]),
        # Each writer in an element of its own, alike; share buttons are no writers.
        (
            (
                "<article><div class='byline'><div class='author'>Ann Lee</div><div class='author'>Bo Park</div>"
                "<time>3 May</time></div><p>Text.</p></article>"
            ),
            ["Ann Lee", "Bo Park"],
        ),
        (
            (
                "<article><div class='author-info'><div>Ann Lee</div><div><a class='s'>Facebook</a><a class='s'>X</a>"
                "</div></div><p>Text.</p></article>"
            ),
            ["Ann Lee"],
        ),
        # A label element: the text after it to the end of its line.
        (
            "<article><p>Story text.<br><strong>Text:</strong> Ann Lee</p><p><strong>Tags:</strong> x</p></article>",
            ["Ann Lee"],
        ),
        (
            (
                "<article><div><span class='l'>Date:</span> 19.11.2021<br><span class='l'>Autor:</span> Ann Lee<br>"
                "<span class='l'>Source:</span> X</div><p>Text.</p></article>"
            ),
            ["Ann Lee"],
        ),
    ],
)
def test_marked_up_bylines(body: str, names: list[str]) -> None:
    from parsel import Selector

    from crawler.extract.generic.authors import byline_authors

    assert byline_authors(Selector(text=f"<html><body>{body}</body></html>")) == names


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("<article><h1>Story</h1><h5><em>Von Ann Lee</em></h5><p>Text.</p></article>", ["Ann Lee"]),
        ("<article><p>By ANN LEE and BO PARK</p><p>Text.</p></article>", ["ANN LEE", "BO PARK"]),
        ("<article><p>Von Ann Lee, dpa</p><p>Text.</p></article>", ["Ann Lee"]),  # the agency goes
        ("<article><p>Por Jan van der Berg</p><p>Text.</p></article>", ["Jan van der Berg"]),
        ("<article><div>Posted on May 3, 2024 by Ann Lee</div><p>Text.</p></article>", ["Ann Lee"]),
        ("<article><p>Auteur : Ann Lee</p><p>Edition : B. Park</p><p>Text.</p></article>", ["Ann Lee"]),
        ("<article><p>Autoren Ann Lee und Bo Park</p><p>Text.</p></article>", ["Ann Lee", "Bo Park"]),
        ("<article><p>Autor: Ann Lee/SP-X</p><p>Text.</p></article>", ["Ann Lee"]),
        ("<article><span>Posted by Konstantin</span><p>Text.</p></article>", ["Konstantin"]),  # a label: one word
        ("<article><p>von Ann Lee</p><p>Text.</p></article>", ["Ann Lee"]),
        ("<article><p>di Mario Rossi</p><p>Testo.</p></article>", ["Mario Rossi"]),
        ("<article><p>Escrito por Ana García</p><p>Texto.</p></article>", ["Ana García"]),
        ("<article><p>Автор: Иван Петров</p><p>Текст.</p></article>", ["Иван Петров"]),
        # Not names: a sentence, a bare "By" before one word, a line outside the story.
        ("<article><p>By the way it rained</p><p>Text.</p></article>", []),
        ("<article><p>By Tuesday</p><p>Text.</p></article>", []),
        ("<article><p>Di Maria segna ancora</p><p>Testo.</p></article>", []),  # "Di" capitalised: a surname
        ("<article><p>Text.</p></article><aside><p>By Ann Lee</p></aside>", []),
    ],
)
def test_by_lines(body: str, names: list[str]) -> None:
    from parsel import Selector

    from crawler.extract.generic.authors import by_line_authors

    assert by_line_authors(Selector(text=f"<html><body>{body}</body></html>").root) == names


def test_a_metadata_author_that_is_no_person_gives_way_to_the_by_line() -> None:
    from parsel import Selector

    from crawler.extract.generic.authors import page_authors

    page = "<html><body><article><h1>Story</h1><p>Von Ann Lee</p><p>Text.</p></article></body></html>"
    found = page_authors(Selector(text=page), ("meta", ["Verein der Leser e.V."]), None, "https://x.example/a")
    assert found == ("generic", ["Ann Lee"])


def test_a_section_glued_to_a_cjk_title_by_a_dash_goes() -> None:
    from parsel import Selector

    from crawler.extract.generic import headline

    page = "<html><head><title>시장이 다시 열렸다-경제ㅣ예시일보</title></head><body></body></html>"
    assert headline(Selector(text=page), None) == ("meta", "시장이 다시 열렸다")
    # The <h1> says the dash is the headline's own.
    page = "<html><head><title>北京-上海高铁</title></head><body><h1>北京-上海高铁</h1></body></html>"
    assert headline(Selector(text=page), None) == ("meta", "北京-上海高铁")


@pytest.mark.parametrize(
    ("line", "names"),
    [("(责编：王小明、李华)", ["王小明", "李华"]), ("责任编辑： 张伟", ["张伟"]), ("责编：see our team page", [])],
)
def test_a_chinese_editor_line_names_the_authors(line: str, names: list[str]) -> None:
    from parsel import Selector

    from crawler.extract.generic.authors import by_line_authors

    page = f"<html><body><div>正文。</div><div class='edit'>{line}</div></body></html>"
    assert by_line_authors(Selector(text=page).root) == names
