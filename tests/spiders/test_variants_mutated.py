"""Mutated corpus pages for the second-half site spiders: sibling articles the corpus does not hold.

Each test reads a corpus page in place (``bench.corpus``), changes its HTML in memory the way
another article of the same publisher differs (an embedded tweet, photo, video, "read more" box
or newsletter promo inside the story; no lead/sub-heading; a second author; re-built class-name
hashes; no JSON-LD; markup inside the headline) and checks that the article still comes out
right: the unchanged fields equal the spider's output on the original page, the changed ones
change exactly as the mutation implies.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timezone
from functools import cache
from typing import Any

import lxml.html
import pytest
from lxml.cssselect import CSSSelector

from bench import corpus
from tests.conftest import need

SPIDERS = (
    "thetelegraph washingtontimes inews faz dw lemonde elpais asahishimbun ntvtr kommersant pravda lbcgroup "
    "hankookilbo people"
).split()
PAGES = [p for p in corpus.pages() if p.slug in SPIDERS]
FIELDS = ("headline", "authors", "date_published", "article_body")

# Things editors embed between a story's paragraphs; none of their text is story.
EMBEDS = (
    (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Tweeted words that are not the story.</p>'
        '&mdash; Someone (@someone) <a href="https://twitter.com/someone/status/1">May 1, 2024</a></blockquote>'
    ),
    '<figure class="image"><img src="photo.jpg" alt=""><figcaption>A photo caption. Photo: Agency</figcaption></figure>',
    '<aside class="related-box"><h3>Read more</h3><p><a href="/other-story">Another story\'s headline</a></p></aside>',
    '<div class="newsletter-signup"><p>Sign up to our free newsletter.</p><form><input type="email"></form></div>',
    (
        '<div class="video-embed"><iframe src="https://www.youtube.com/embed/abc"></iframe>'
        "<p>A video's description.</p></div>"
    ),
    "<script>window.dataLayer = window.dataLayer || [];</script>",
)
EMBED_TEXTS = ("Tweeted words", "photo caption", "Another story", "Sign up to our", "video's description", "dataLayer")


def pages_of(names: set[str] | None = None) -> list[Any]:
    """Corpus pages of these spiders (all, or the named ones); the corpus is needed."""
    return [p for p in PAGES if names is None or p.name in names] or [None]


def page_id(page: Any) -> str:
    return page.name if page is not None else "no-corpus"


def spider_for(slug: str) -> Any:
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.test import get_crawler

    cls = SpiderLoader.from_settings(get_project_settings()).load(slug)
    crawler = get_crawler(cls, settings_dict={"REMOTE_CONTROL_ENABLED": False})
    return cls.from_crawler(crawler)


def extract(page: corpus.CorpusPage, html: str | None = None) -> dict[str, Any]:
    """The page (or its mutated HTML, same URL and fetch date) through its spider's article callback."""
    response = page.response()
    if html is not None:
        response = response.replace(body=html.encode("utf-8"))
    items = list(spider_for(page.slug).parse_article(response))
    assert len(items) == 1
    return asdict(items[0])


@cache
def baseline(name: str) -> dict[str, Any]:
    """The spider's output on the unmodified page."""
    return extract(next(p for p in PAGES if p.name == name))


def tree_of(page: corpus.CorpusPage) -> Any:
    return lxml.html.document_fromstring(page.response().text)


def mutated(page: corpus.CorpusPage, mutate: Callable[[Any], Any]) -> dict[str, Any]:
    """The page's DOM changed by ``mutate`` in memory, then extracted."""
    tree = tree_of(page)
    mutate(tree)
    return extract(page, lxml.html.tostring(tree, encoding="unicode"))


def paragraphs(article: dict[str, Any]) -> list[str]:
    return (article["article_body"] or "").split("\n\n")


def nfc(text: str | None) -> str:
    """Whitespace-normalised NFC text (the loader NFC-normalises: CJK compatibility ideographs change)."""
    return unicodedata.normalize("NFC", corpus.norm(text))


def text_of(el: Any) -> str:
    return nfc(el.text_content())


def element_of(tree: Any, paragraph: str) -> Any:
    """The innermost element whose whole text is this paragraph, else the innermost one holding it."""
    want = nfc(paragraph)
    holders = [
        el
        for el in tree.iter()
        if isinstance(el.tag, str) and el.tag not in ("html", "body", "head", "script", "style") and want in text_of(el)
    ]
    exact = [el for el in holders if text_of(el) == want]
    pool = exact or holders
    return max(pool, key=lambda el: len(list(el.iterancestors())))


def need_page(page: Any) -> corpus.CorpusPage:
    need(page is not None, "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    return page


def instant(value: str | None) -> datetime | None:
    """An ISO 8601 time -> an aware datetime to the second (UTC), or None."""
    return datetime.fromisoformat(value).astimezone(timezone.utc).replace(microsecond=0) if value else None


def assert_same(got: dict[str, Any], base: dict[str, Any], fields: tuple[str, ...] = FIELDS) -> None:
    for f in fields:
        if f == "date_published":
            # the same instant, to the second (<meta> times have no milliseconds)
            assert (instant(base[f]), f) == (instant(got[f]), f)
        else:
            assert got[f] == base[f], (f, base[f], got[f])


# --- the harness itself -------------------------------------------------------------------------


@pytest.mark.parametrize("page", pages_of(), ids=page_id)
def test_reserialised_page_is_unchanged(page: Any) -> None:
    """Parsing and re-writing the DOM alone changes nothing (so the mutations below are what matters)."""
    page = need_page(page)
    assert_same(mutated(page, lambda tree: None), baseline(page.name))


# --- embeds inside the story --------------------------------------------------------------------


INLINE = {"strong", "b", "em", "i", "span", "a", "u"}


def insert_embeds(tree: Any, paragraph: str) -> None:
    """Put every EMBEDS block right after the element (or <br>-separated text run) of ``paragraph``."""
    el, want = element_of(tree, paragraph), nfc(paragraph)
    blocks = [lxml.html.fragment_fromstring(h) for h in EMBEDS]
    if text_of(el) == want and el.tag not in INLINE:
        for block in reversed(blocks):
            el.addnext(block)
        return
    if text_of(el) == want:
        # An inline element (a <strong> heading inside a <br>-separated <p>): after it.
        el, anchor = el.getparent(), el
    else:
        # A text run of a <br>-separated block: after the child whose tail holds it, or first.
        anchor = next((c for c in el if nfc(c.tail) and nfc(c.tail) in want), None)
    if el.tag == "p" and anchor is not None:
        # A <p> cannot hold blocks (a parser closes it before one): the editor splits the <p> there.
        rest = lxml.html.Element("p")
        for sibling in list(anchor.itersiblings()):
            rest.append(sibling)
        el.addnext(rest)
        for block in reversed(blocks):
            el.addnext(block)
        return
    for block in reversed(blocks):
        if anchor is None:
            el.insert(0, block)
        else:
            anchor.addnext(block)


# Hankook's 2026 streamed page holds its story only as JSON in a script (spiders/hankookilbo.py):
# there is no markup to put anything into.
MARKUP_PAGES = {p.name for p in PAGES} - {"HankookIlbo_2026_01_29"}


@pytest.mark.parametrize("page", pages_of(MARKUP_PAGES), ids=page_id)
def test_embeds_inside_the_story_stay_out(page: Any) -> None:
    page = need_page(page)
    base = baseline(page.name)
    paras = paragraphs(base)
    got = mutated(page, lambda tree: insert_embeds(tree, paras[len(paras) // 2]))
    leaked = [t for t in EMBED_TEXTS if t in (got["article_body"] or "")]
    assert not leaked
    assert_same(got, base)


# --- generated class names ------------------------------------------------------------------------

# Build-hash class tokens: CSS-modules suffixes ("Article_body__x7Yq2"), styled-components /
# emotion names ("sc-gYMRRK", "css-1x2y3z"), and short mixed-case hashes ("nfyQp", "bv2Sj").
_MODULE_HASH = re.compile(r"^(?P<stem>.+__)[A-Za-z0-9_-]{5}$")
_SHORT_HASH = re.compile(
    r"^(?:sc-|css-)?(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]{5,6}$|^(?:sc|css)-\w{5,7}$"
)


def rehash_classes(tree: Any) -> int:
    """Every build-hash class token replaced by another, as the site's next build does -> how many."""
    changed = 0
    for el in tree.iter():
        if not isinstance(el.tag, str) or not el.get("class"):
            continue
        tokens = []
        for token in el.get("class").split():
            if m := _MODULE_HASH.match(token):
                tokens.append(m["stem"] + "Qz9Xw")
            elif _SHORT_HASH.match(token):
                tokens.append("Qz" + token[::-1][:3] + "W")
            else:
                tokens.append(token)
                continue
            changed += 1
        el.set("class", " ".join(tokens))
    return changed


@pytest.mark.parametrize("page", pages_of(), ids=page_id)
def test_new_class_name_hashes(page: Any) -> None:
    page = need_page(page)
    assert_same(mutated(page, rehash_classes), baseline(page.name))


@pytest.mark.parametrize("page", pages_of({"AsahiShimbun_2025_01_13", "DW_2023_06_13", "DW_2024_01_30"}), ids=page_id)
def test_hashed_layouts_have_hashes_to_change(page: Any) -> None:
    """The pages whose layouts are built with hashed class names really get them replaced above."""
    page = need_page(page)
    assert rehash_classes(tree_of(page)) >= 20


# --- no lead / sub-heading --------------------------------------------------------------------------


def drop_lead(tree: Any, paras: list[str]) -> list[str]:
    """The element of the first paragraph removed -> the paragraphs expected then."""
    el = element_of(tree, paras[0])
    gone = text_of(el)
    el.drop_tree()
    return [p for p in paras if nfc(p) not in gone]


# LBCI's lead (.ShortDesc) is empty on the corpus page: its first paragraph is a text run of the story block.
NO_LEAD_PAGES = MARKUP_PAGES - {"LBCGroup_2026_01_08"}


@pytest.mark.parametrize("page", pages_of(NO_LEAD_PAGES), ids=page_id)
def test_article_without_its_lead(page: Any) -> None:
    page = need_page(page)
    base = baseline(page.name)
    expected: list[list[str]] = []
    got = mutated(page, lambda tree: expected.append(drop_lead(tree, paragraphs(base))))
    assert len(paragraphs(base)) / 2 < len(expected[0]) < len(paragraphs(base))  # a lead, not the story
    assert paragraphs(got) == expected[0]
    assert_same(got, base, ("headline", "authors", "date_published"))


# --- more authors -------------------------------------------------------------------------------


def add_jsonld_author(tree: Any, name: str) -> int:
    """``name`` appended to every JSON-LD ``author`` -> how many were changed."""
    changed = 0
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue

        def visit(node: Any) -> None:
            nonlocal changed
            if isinstance(node, list):
                for x in node:
                    visit(x)
            elif isinstance(node, dict):
                if "author" in node:
                    authors = node["author"] if isinstance(node["author"], list) else [node["author"]]
                    node["author"] = [*authors, {"@type": "Person", "name": name}]
                    changed += 1
                for x in node.values():
                    visit(x)

        visit(data)
        script.text = json.dumps(data, ensure_ascii=False)
    return changed


def add_byline_author(tree: Any, rule: str, name: str) -> int:
    """A copy of the last element the site's CSS author rule picks, renamed ``name``, after it."""
    found = CSSSelector(rule.removesuffix("::text").strip(), translator="html")(tree)
    if not found:
        return 0
    twin = copy.deepcopy(found[-1])
    for child in list(twin):
        twin.remove(child)
    twin.text, twin.tail = name, found[-1].tail
    found[-1].addnext(twin)
    return 1


# Pages whose authors come from JSON-LD, and pages whose authors come from the visible byline
# (the site's CSS rule); the others credit an agency, editors or the site itself.
JSONLD_AUTHOR_PAGES = {
    "WashingtonTimes_2023_04_28", "iNews_2023_08_30", "iNews_2025_01_28", "FAZ_2023_04_28", "FAZ_2024_04_17",
    "FAZ_2025_04_15", "DW_2023_06_13", "DW_2024_01_30", "LeMonde_2023_09_01", "ElPais_2024_10_15",
    "Kommersant_2025_05_14", "HankookIlbo_2025_05_15", "HankookIlbo_2026_07_12",
}  # fmt: skip
BYLINE_AUTHOR_PAGES = {"TheTelegraph_2023_08_30", "TheTelegraph_2024_09_17", "Pravda_2026_01_08"}


@pytest.mark.parametrize("page", pages_of(JSONLD_AUTHOR_PAGES), ids=page_id)
def test_a_second_author_in_jsonld(page: Any) -> None:
    page = need_page(page)
    base = baseline(page.name)
    counted: list[int] = []
    got = mutated(page, lambda tree: counted.append(add_jsonld_author(tree, "Jane Roe")))
    assert counted[0] >= 1
    assert got["authors"] == [*base["authors"], "Jane Roe"]
    assert_same(got, base, ("headline", "date_published", "article_body"))


@pytest.mark.parametrize("page", pages_of(BYLINE_AUTHOR_PAGES), ids=page_id)
def test_a_second_author_in_the_byline(page: Any) -> None:
    page = need_page(page)
    base = baseline(page.name)
    spider = spider_for(page.slug)
    rules = spider.selectors["authors"]

    def mutate(tree: Any) -> None:
        assert any(add_byline_author(tree, rule, "Jane Roe") for rule in rules)
        add_jsonld_author(tree, "Jane Roe")  # the page's metadata says so too

    got = mutated(page, mutate)
    assert got["authors"] == [*base["authors"], "Jane Roe"]
    assert_same(got, base, ("headline", "date_published", "article_body"))


# --- no JSON-LD -----------------------------------------------------------------------------------

# What each page keeps without its JSON-LD (a layout or an article type without it): the fields
# its markup or <meta> also carry. Not listed: Asahi's and Hankook's headlines (their <title>,
# og:title and <h1> add a site suffix or quote marks), DW's and Pravda's dates (only the JSON-LD
# has the time), FAZ's authors (its <meta name=author> is the publisher), i's 2023 headline (og:title
# is a different, promotional line) and dates whose <meta> is the modification time.
NO_JSONLD_KEEPS: dict[str, tuple[str, ...]] = {
    "TheTelegraph_2023_08_30": FIELDS,
    "TheTelegraph_2024_09_17": FIELDS,
    "WashingtonTimes_2023_04_28": ("headline", "authors", "article_body"),
    "iNews_2023_08_30": ("authors", "date_published", "article_body"),
    "iNews_2025_01_28": ("headline", "authors", "article_body"),
    "FAZ_2023_04_28": ("headline", "date_published", "article_body"),
    "FAZ_2024_04_17": ("headline", "date_published", "article_body"),
    "FAZ_2025_04_15": FIELDS,
    "DW_2023_04_28": FIELDS,
    "DW_2023_06_13": ("headline", "article_body"),
    "DW_2024_01_30": ("headline", "authors", "article_body"),
    "LeMonde_2023_09_01": FIELDS,
    "ElPais_2024_10_15": FIELDS,
    "AsahiShimbun_2025_01_13": ("date_published", "article_body"),
    "NTVTR_2024_04_30": FIELDS,
    "NTVTR_2025_11_10": FIELDS,
    "Kommersant_2025_05_14": FIELDS,
    "Pravda_2026_01_08": ("headline", "authors", "article_body"),
    "LBCGroup_2026_01_08": FIELDS,
    "HankookIlbo_2025_05_15": ("date_published", "article_body"),
    "HankookIlbo_2026_01_29": FIELDS,
    "HankookIlbo_2026_07_12": ("date_published", "article_body"),
    "People_2024_04_24": FIELDS,
}


def drop_jsonld(tree: Any) -> None:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        script.drop_tree()


@pytest.mark.parametrize("page", pages_of(set(NO_JSONLD_KEEPS)), ids=page_id)
def test_without_jsonld(page: Any) -> None:
    page = need_page(page)
    assert_same(mutated(page, drop_jsonld), baseline(page.name), NO_JSONLD_KEEPS[page.name])


def test_every_page_says_what_it_keeps_without_jsonld() -> None:
    need(PAGES, "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    assert {p.name for p in PAGES} == set(NO_JSONLD_KEEPS)
    assert all(("article_body" in kept) for kept in NO_JSONLD_KEEPS.values())


# --- markup inside the headline -----------------------------------------------------------------

# Pages whose headline comes from a site rule on the visible <h1>.
H1_HEADLINE_PAGES = {
    "TheTelegraph_2023_08_30", "TheTelegraph_2024_09_17", "DW_2023_04_28", "DW_2023_06_13", "DW_2024_01_30",
    "NTVTR_2024_04_30", "NTVTR_2025_11_10", "People_2024_04_24",
}  # fmt: skip


def emphasise_headline(tree: Any, headline: str) -> int:
    """The headline's end wrapped in <em>, in every childless <h1> that is exactly the headline -> how many."""
    want, changed = corpus.norm(headline), 0
    for el in tree.iter("h1"):
        if text_of(el) == want and len(el) == 0 and el.text:
            text = el.text.strip()
            # the last word, or the last two characters of a headline without spaces (Chinese)
            cut = text.rfind(" ") + 1 or len(text) - 2
            head, last = text[:cut], text[cut:]
            el.text = head
            em = lxml.html.fragment_fromstring(f"<em>{last}</em>")
            el.append(em)
            changed += 1
    return changed


@pytest.mark.parametrize("page", pages_of(H1_HEADLINE_PAGES), ids=page_id)
def test_headline_with_markup_inside(page: Any) -> None:
    """A headline with an <em>/<a> has several text nodes: the whole headline still comes out."""
    page = need_page(page)
    base = baseline(page.name)
    counted: list[int] = []
    got = mutated(page, lambda tree: counted.append(emphasise_headline(tree, base["headline"])))
    assert counted[0] >= 1
    assert_same(got, base)


# --- site quirks ----------------------------------------------------------------------------------


def insert_paragraph_after(tree: Any, paragraph: str, html: str) -> None:
    element_of(tree, paragraph).addnext(lxml.html.fragment_fromstring(html))


@pytest.mark.parametrize(
    ("name", "html"),
    [
        # Ukrainska Pravda links other stories from inside the story, in either language.
        ("Pravda_2026_01_08", '<p>Читайте также на эту тему: <a href="/rus/news/1/">Другая статья</a></p>'),
        ("Pravda_2026_01_08", '<p>Читайте більше у статті: <a href="/news/1/">Інша стаття</a></p>'),
        # i's closing agency credit.
        ("iNews_2025_01_28", "<p>Additional reporting by Reuters</p>"),
    ],
    ids=["pravda-ru-read-also", "pravda-uk-read-more", "inews-agency-credit"],
)
def test_in_story_promo_paragraphs_are_dropped(name: str, html: str) -> None:
    page = need_page(next(iter(pages_of({name}))))
    base = baseline(page.name)
    paras = paragraphs(base)
    got = mutated(page, lambda tree: insert_paragraph_after(tree, paras[len(paras) // 2], html))
    assert_same(got, base)


def rename_class(tree: Any, old: str, new: str) -> int:
    changed = 0
    for el in tree.xpath(f'//*[contains(concat(" ", normalize-space(@class), " "), " {old} ")]'):
        el.set("class", f" {el.get('class')} ".replace(f" {old} ", f" {new} ").strip())
        changed += 1
    return changed


def test_pravda_news_layout() -> None:
    """News pages name their blocks post_news_* (as .post_news_tags on the article page): same story."""
    page = need_page(next(iter(pages_of({"Pravda_2026_01_08"}))))
    counted: list[int] = []
    got = mutated(page, lambda tree: counted.append(rename_class(tree, "post_article_text", "post_news_text")))
    assert counted == [1]
    assert_same(got, baseline(page.name))


@pytest.mark.parametrize("joined", [", ", " und "])
def test_dw_old_layout_two_authors(joined: str) -> None:
    """DW before mid-2023 lists writers in one line: "Autorin/Autor Julia Vergin, Clare Roth"."""
    page = need_page(next(iter(pages_of({"DW_2023_04_28"}))))
    base = baseline(page.name)

    def mutate(tree: Any) -> None:
        li = tree.xpath('//ul[@class="smallList"]/li[strong[contains(., "Auto")]]')[0]
        li[-1].tail = f" {base['authors'][0]}{joined}Jane Roe "

    got = mutated(page, mutate)
    assert got["authors"] == [base["authors"][0], "Jane Roe"]
    assert_same(got, base, ("headline", "date_published", "article_body"))


def test_people_page_in_its_own_charset() -> None:
    """People's Daily declares GB2312: the page as such bytes, with no encoding given, reads the same."""
    from scrapy.http import HtmlResponse

    page = need_page(next(iter(pages_of({"People_2024_04_24"}))))
    original = page.response()
    assert re.search(r"charset=gb2312", original.text, re.I)
    response = HtmlResponse(page.url, body=original.text.encode("gb18030"), request=original.request)
    items = list(spider_for(page.slug).parse_article(response))
    assert_same(asdict(items[0]), baseline(page.name))
