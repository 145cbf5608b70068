"""Structural variants of every corpus page: story elements kept whole, promos and embeds left out.

For each corpus page the story container is found through the site's own body rule (the parent
holding most of the elements that rule selects; a rule that selects whole blocks, the block
itself). In memory, lxml then inserts after a paragraph in the middle of the story:

- story elements, each with unique marker text: an unordered and an ordered list, sub-headings
  <h2>/<h3>/<h4>, a bold-only paragraph used as a head, a table, a quoted passage
  (<blockquote><p>), preformatted text; or it splits the container in two, a copy of it (same tag
  and attributes) holding the rest of the story after an ad block (a wire story split by ads).
  Every marker must be in ``article_body`` in its place, and the rest of the body must not change;
- promos and embeds: a related-links box, a bare list of links, an embedded tweet and Instagram
  post, a newsletter box, a "Read more" aside, a figure with caption, an ad slot. None of their text
  may reach the body, which must stay as it was.

Mutated copies live only in memory; no corpus file is copied into the project.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from dataclasses import asdict
from typing import Any

import pytest
from lxml import html as lxml_html
from parsel.csstranslator import css2xpath
from scrapy import Request
from scrapy.http import HtmlResponse

from bench import corpus
from crawler.extract.page import META_CRAWL_DATE
from tests.conftest import need

SCRIPT_STORIES = {
    # Hankook Ilbo 2026 streams the story inside a script (Next.js state); tested in test_site_crawls.
    "HankookIlbo_2026_01_29": "the story is in a script's data, not in the markup",
}
BLOCK_LAYOUTS = {
    # One story paragraph per container already: a split adds nothing the page does not do itself.
    "BBC_2026_04_25": "text blocks, one paragraph each",
    "FAZ_2025_04_15": "body-elements-container, one element each",
    "NTVTR_2024_04_30": "one paragraph per container",
    "LBCGroup_2026_01_08": "the story is one block",
}
ALL_PAGES = corpus.pages()
PAGES = [p for p in ALL_PAGES if p.name not in SCRIPT_STORIES]
"""Pages whose story is in their markup (the mutations below need it there)."""

# Story elements: (HTML, the texts that must be in the body, in this order).
STORY_ELEMENTS: dict[str, tuple[str, list[str]]] = {
    "ul": (
        (
            "<ul><li>Quillwort item one: the council will publish the full audit in March.</li>"
            "<li>Quillwort item two: the ferry timetable changes from the first of April.</li></ul>"
        ),
        ["Quillwort item one: the council will publish the full audit in March.",
         "Quillwort item two: the ferry timetable changes from the first of April."],
    ),
    "ol": (
        (
            "<ol><li>Quillwort step one, in which the inspectors visit every pier before noon.</li>"
            "<li>Quillwort step two, in which they write down what they found there.</li></ol>"
        ),
        ["Quillwort step one, in which the inspectors visit every pier before noon.",
         "Quillwort step two, in which they write down what they found there."],
    ),
    "h2": ("<h2>What the Quillwort inquiry found</h2>", ["What the Quillwort inquiry found"]),
    "h3": ("<h3>Quillwort and the harbour money</h3>", ["Quillwort and the harbour money"]),
    "h4": ("<h4>Where the Quillwort plan goes next</h4>", ["Where the Quillwort plan goes next"]),
    "bold_head": ("<p><strong>Quillwort bridge: the second vote</strong></p>", ["Quillwort bridge: the second vote"]),
    "table": (
        (
            "<table><thead><tr><th>Quillwort district</th><th>Turnout</th></tr></thead>"
            "<tbody><tr><td>Quillwort North</td><td>61 percent</td></tr>"
            "<tr><td>Quillwort South</td><td>58 percent</td></tr></tbody></table>"
        ),
        ["Quillwort district", "Turnout", "Quillwort North", "61 percent", "Quillwort South", "58 percent"],
    ),
    "blockquote": (
        (
            "<blockquote><p>Quillwort quoted passage: we will not close the bridge before the inquiry has"
            " reported, the minister wrote.</p></blockquote>"
        ),
        ["Quillwort quoted passage: we will not close the bridge before the inquiry has reported, the minister wrote."],
    ),
    "pre": (
        "<pre>Quillwort ledger   2023   2024\nQuillwort dues    1.2    1.4</pre>",
        ["Quillwort ledger", "Quillwort dues"],
    ),
}  # fmt: skip

# Promos and embeds: their text holds "Zorblat"; none of it may reach the body.
JUNK: dict[str, str] = {
    "related_box": '<div class="related-links"><h3>Related</h3><ul><li><a href="/a">Zorblat council votes to'
    ' close the bridge</a></li><li><a href="/b">Zorblat harbour reopens after the storm</a></li></ul></div>',
    "link_list": '<ul><li><a href="/a">Zorblat council votes to close the bridge for good</a></li>'
    '<li><a href="/b">Zorblat harbour reopens after the winter storm</a></li></ul>',
    "tweet": '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Zorblat tweet text about the news of'
    ' the day.</p>&mdash; Someone (@someone) <a href="https://twitter.com/x/status/1">May 1, 2024</a></blockquote>'
    '<script async src="https://platform.twitter.com/widgets.js"></script>',
    "instagram": '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/x/">'
    '<div><p><a href="https://www.instagram.com/p/x/">A post shared by Zorblat (@zorblat)</a></p></div></blockquote>',
    "newsletter": '<div class="newsletter-signup"><h3>Zorblat Daily</h3><p>Get the Zorblat briefing every'
    ' morning: the stories that matter, in one email.</p><form><input type="email"></form></div>',
    "read_more": '<aside class="related"><h4>Read more</h4><p><a href="/x">Zorblat related story'
    " headline</a></p></aside>",
    "figure": '<figure class="image"><img src="https://example.org/a.jpg" alt="">'
    "<figcaption>Zorblat caption: people walk past a building. (Photo: Agency)</figcaption></figure>",
    "ad": '<div class="ad-slot" data-ad="mid"><div>Advertisement</div><script>var zorblat=1;</script></div>',
}

# (page slug, story element) -> why the site's rule leaves it out on purpose. The test checks that
# it stays out, so the entry goes when the rule changes.
LEFT_OUT = {
    ("thetelegraph", "ul"): "the product reviews' <ul>s are 'at a glance' link lists and spec bullets ('Draws 300W"
    " (estimated 10p per hour of use)'), which the reference text of the corpus page leaves out",
    ("thetelegraph", "ol"): "as its <ul>s",
}

_AD = '<div class="ad-slot" data-ad="mid"><div>Advertisement</div></div>'


def _tree(page: corpus.CorpusPage) -> Any:
    return lxml_html.document_fromstring(gzip.decompress(page.path.read_bytes()).decode("utf-8"))


def _run(spider: Any, page: corpus.CorpusPage, tree: Any) -> dict[str, Any]:
    body = lxml_html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")
    request = Request(page.url, meta={META_CRAWL_DATE: page.crawl_date})
    items = list(spider.parse_article(HtmlResponse(page.url, body=body, encoding="utf-8", request=request)))
    assert len(items) == 1
    return asdict(items[0])


def _norm(text: str) -> str:
    return corpus.norm(text)


def _paragraphs(article: dict[str, Any]) -> list[str]:
    return [_norm(p) for p in (article["article_body"] or "").split("\n\n") if _norm(p)]


def _selected(spider: Any, tree: Any) -> list[Any]:
    """The elements the spider's first matching body rule selects on ``tree`` ([] when none matches)."""
    for rule in spider.selectors["article_body"]:
        xpath = rule if rule.startswith(("/", "(", "./")) else css2xpath(rule)
        found = [e for e in tree.xpath(xpath) if isinstance(e, lxml_html.HtmlElement)]
        if found:
            return found
    return []


_TEXTY = ("p", "div", "span")


def _story(spider: Any, tree: Any) -> tuple[Any, Any]:
    """(story container, the element to insert after) on this page's tree.

    The container is the parent of most selected elements; when the rule selects whole blocks
    (LBC's ``.LongDesc``), the selected element with the most text. The anchor is a selected
    paragraph in the middle of the container with story text after it.
    """
    selected = _selected(spider, tree)
    assert selected, "no body rule matches"
    sizes = [len(_norm(e.text_content())) for e in selected]
    big = selected[sizes.index(max(sizes))]
    blocks = [c for c in big if isinstance(c, lxml_html.HtmlElement) and c.tag in ("p", "div", "br")]
    if big.tag != "p" and len(blocks) >= 2 and max(sizes) > 0.5 * sum(sizes):
        container = big
        children = [c for c in container if isinstance(c, lxml_html.HtmlElement)]
        anchors = [c for c in children if c.tag in _TEXTY and _norm(c.text_content())]
    else:
        path = tree.getroottree().getpath
        # Paragraphs tell the container (on block layouts, BBC's, headings sit in blocks of their own).
        paras = [e for e in selected if e.tag == "p"] or selected
        # Weighted by text: on one-paragraph-per-block layouts (FAZ 2025) the longest paragraph's block.
        parents: Counter[str] = Counter()
        for e in paras:
            if e.getparent() is not None:
                parents[path(e.getparent())] += len(_norm(e.text_content()))
        where = parents.most_common(1)[0][0]
        container = tree.getroottree().xpath(where)[0]
        anchors = [e for e in selected if path(e.getparent()) == where and e.tag in _TEXTY and _norm(e.text_content())]
    assert anchors, "no paragraph in the story container"
    # A paragraph with story text after it (in the container), past the first third where possible.
    later = anchors[:-1] or anchors
    return container, later[len(later) // 2]


_BASELINES: dict[str, list[str]] = {}


def _baseline(spider: Any, page: corpus.CorpusPage) -> list[str]:
    if page.name not in _BASELINES:
        _BASELINES[page.name] = _paragraphs(_run(spider, page, _tree(page)))
    return _BASELINES[page.name]


def _mutable(spider: Any, page: corpus.CorpusPage) -> Any:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    tree = _tree(page)
    assert _selected(spider, tree), "the story is not in the page's markup: list it in SCRIPT_STORIES"
    return tree


def _insert_after(anchor: Any, html: str) -> None:
    for element in reversed(lxml_html.fragments_fromstring(html)):
        anchor.addnext(element)


def _without(paragraphs: list[str], word: str) -> list[str]:
    return [p for p in paragraphs if word not in p]


@pytest.mark.parametrize("page", [p for p in ALL_PAGES if p.name in SCRIPT_STORIES], ids=lambda p: p.name)
def test_script_stories_are_not_in_the_markup(page: corpus.CorpusPage, spider_of) -> None:
    """The pages left out of the mutations really keep their story out of the markup."""
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    assert not _selected(spider_of(page.slug), _tree(page))


@pytest.mark.parametrize("kind", sorted(STORY_ELEMENTS))
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_story_element_is_kept(page: corpus.CorpusPage, kind: str, spider_of) -> None:
    spider = spider_of(page.slug)
    tree = _mutable(spider, page)
    base = _baseline(spider, page)
    _container, anchor = _story(spider, tree)
    html, texts = STORY_ELEMENTS[kind]
    _insert_after(anchor, html)
    got = _paragraphs(_run(spider, page, tree))
    body = "\n".join(got)
    if (page.slug, kind) in LEFT_OUT:
        assert "Quillwort" not in body, f"left out on purpose ({LEFT_OUT[page.slug, kind]}), yet read"
        assert got == base
        return
    missing = [t for t in texts if _norm(t) not in body]
    assert not missing, f"{kind} text missing from the body: {missing}"
    positions = [body.index(_norm(t)) for t in texts]
    assert positions == sorted(positions), "story element out of order"
    # (A table's cells may be paragraphs of their own, or rows "cell | cell": either way they go.)
    cells = {_norm(t) for t in texts}
    assert [p for p in _without(got, "Quillwort") if p not in cells] == base, "the rest of the body changed"
    # In its place: right after the anchor's text (when the anchor's text is a paragraph of the body).
    before = [p for p in got if "Quillwort" not in p]
    first = next(i for i, p in enumerate(got) if "Quillwort" in p)
    anchor_text = _norm(anchor.text_content())
    if anchor_text in before:
        assert first > got.index(anchor_text), "story element before its anchor"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_story_split_over_two_containers(page: corpus.CorpusPage, spider_of) -> None:
    """The story continues in a second container (same tag and attributes) after an ad block."""
    spider = spider_of(page.slug)
    tree = _mutable(spider, page)
    base = _baseline(spider, page)
    container, anchor = _story(spider, tree)
    assert container.tag not in ("body", "html", "main"), "the story's paragraphs sit in the page's main element"
    rest = list(anchor.itersiblings())
    if page.name in BLOCK_LAYOUTS:
        assert not any(isinstance(e, lxml_html.HtmlElement) and _norm(e.text_content()) for e in rest), (
            f"listed as a block layout ({BLOCK_LAYOUTS[page.name]}), yet its container holds more paragraphs"
        )
        return
    assert rest, "one paragraph per container: list the page in BLOCK_LAYOUTS"
    second = lxml_html.Element(container.tag, dict(container.attrib))
    second.text = "\n"
    for element in rest:
        second.append(element)  # moves it, with its tail text
    # the anchor's own tail text stays in the first container
    container.addnext(second)
    container.addnext(lxml_html.fragment_fromstring(_AD))
    got = _paragraphs(_run(spider, page, tree))
    assert got == base


@pytest.mark.parametrize("kind", sorted(JUNK))
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_promo_or_embed_stays_out(page: corpus.CorpusPage, kind: str, spider_of) -> None:
    spider = spider_of(page.slug)
    tree = _mutable(spider, page)
    base = _baseline(spider, page)
    _container, anchor = _story(spider, tree)
    _insert_after(anchor, JUNK[kind])
    got = _paragraphs(_run(spider, page, tree))
    leaked = [p for p in got if re.search("zorblat", p, re.IGNORECASE)]
    assert not leaked, f"{kind} leaked into the body: {leaked}"
    assert got == base


def test_every_site_is_covered() -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    assert len({p.slug for p in PAGES}) >= 28
