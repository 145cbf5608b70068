"""Sibling-article variants of the corpus pages (first review half): selectors must generalise.

Each corpus page of these publishers is read in place (``bench.corpus``), parsed, changed in
memory the way another article of the same site differs, and run through its spider's article
callback; the result is compared with the unchanged page's (both serialised the same way):

- junk inside the body (embedded tweet, figure with caption, newsletter box, "Read more" aside or
  paragraph, sign-up paragraph, ad slot, video player) must not reach the body;
- no sub-headings: the body is the same minus them; one more <h2>: kept in its place;
- no dek/standfirst: the story paragraphs are all still there;
- generated class names (``BylineName-cMiZYb``, ``text__text__1FZLe``, ``Component-root-0-2-50``,
  ``dcr-4hq641``, ``sc-9cd5bb24-0``) rewritten as a new build would: nothing changes;
- no JSON-LD (an old or AMP-like page): headline, authors and publication instant still right
  (to the minute where the visible date has no seconds; exceptions listed with their reason);
- JSON-LD author lists with a duplicate, or a third writer: authors de-duplicated / completed;
- no JSON-LD and a second writer in the visible byline: both names.

Mutated copies live only in memory; no corpus file is copied into the project.
"""

from __future__ import annotations

import copy
import gzip
import json
import re
from dataclasses import asdict
from datetime import datetime
from typing import Any

import pytest
from lxml import html as lxml_html
from parsel.csstranslator import css2xpath
from scrapy import Request
from scrapy.http import HtmlResponse

from bench import corpus
from crawler.extract.page import META_CRAWL_DATE
from tests.conftest import need

SLUGS = (
    "apnews", "cnbc", "foxnews", "freebeacon", "latimes", "occupydemocrats", "reuters", "thegatewaypundit",
    "theguardian", "bbc", "theindependent", "theintercept", "thenation", "thenewyorker",
)  # fmt: skip
PAGES = [p for p in corpus.pages() if p.slug in SLUGS]

# Elements another article of these sites carries inside its story container.
JUNK = {
    "tweet": '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Zorblat tweet text about the '
    'news.</p>&mdash; Someone (@someone) <a href="https://twitter.com/x/status/1">May 1, 2024</a></blockquote>'
    '<script async src="https://platform.twitter.com/widgets.js"></script>',
    "figure": '<figure class="image"><img src="https://example.org/a.jpg" alt="">'
    "<figcaption>Zorblat caption: people walk past a building. (Photo: Agency)</figcaption></figure>",
    "newsletter": '<div class="newsletter-signup"><h3>Zorblat Daily</h3><p>Sign up for our Zorblat '
    'newsletter to get the news in your inbox.</p><form><input type="email"></form></div>',
    "read_more": '<aside class="related"><h4>Read more</h4><ul><li><a href="/x">Zorblat related '
    "story headline</a></li></ul></aside>",
    "ad": '<div class="ad-slot" data-ad="mid"><div>Advertisement</div><script>var zorblat=1;</script></div>',
    # promos written as story paragraphs: caught by text, not markup
    "read_more_p": '<p>Read more: <a href="/x">Zorblat council votes to close the bridge</a></p>',
    "signup_p": "<p>Sign up for the Zorblat newsletter to get the latest updates in your inbox.</p>",
    "video": '<div class="video-player"><video src="https://example.org/v.mp4"></video>'
    '<p class="video-caption">Zorblat video caption</p></div>',
}


def _spider(spider_of: Any, slug: str) -> Any:
    return spider_of(slug)


def _tree(page: corpus.CorpusPage) -> Any:
    raw = gzip.decompress(page.path.read_bytes())
    return lxml_html.document_fromstring(raw.decode("utf-8"))


def _run(spider: Any, page: corpus.CorpusPage, tree: Any) -> dict[str, Any]:
    body = lxml_html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")
    request = Request(page.url, meta={META_CRAWL_DATE: page.crawl_date})
    items = list(spider.parse_article(HtmlResponse(page.url, body=body, encoding="utf-8", request=request)))
    assert len(items) == 1
    return asdict(items[0])


def _paragraphs(article: dict[str, Any]) -> list[str]:
    return [corpus.norm(p) for p in (article["article_body"] or "").split("\n\n") if corpus.norm(p)]


def _body_elements(spider: Any, tree: Any) -> list[Any]:
    """The elements the spider's first matching body rule selects on ``tree``."""
    for rule in spider.selectors["article_body"]:
        xpath = rule if rule.startswith(("/", "(", "./")) else css2xpath(rule)
        found = [e for e in tree.xpath(xpath) if isinstance(e.tag, str)]
        if found:
            return found
    raise AssertionError("no body rule matches")


def _story_paragraph(spider: Any, tree: Any) -> Any:
    """A <p> of the story, past its first third (where embeds and promos sit)."""
    paras = [
        e
        for e in _body_elements(spider, tree)
        if e.tag not in ("h1", "h2", "h3", "h4", "li") and corpus.norm(e.text_content())
    ]
    assert paras, "no paragraph in the body"
    return paras[len(paras) // 3]


@pytest.fixture(scope="module")
def baselines() -> dict[str, dict[str, Any]]:
    return {}


def _baseline(baselines: dict[str, dict[str, Any]], spider: Any, page: corpus.CorpusPage) -> dict[str, Any]:
    if page.name not in baselines:
        baselines[page.name] = _run(spider, page, _tree(page))
    return baselines[page.name]


def _same_minute(a: str | None, b: str | None) -> bool:
    """The same instant, give or take the seconds a visible "2:20pm EDT" leaves out."""
    if not a or not b:
        return False
    return abs((datetime.fromisoformat(a) - datetime.fromisoformat(b)).total_seconds()) < 60


# Pages whose only source of a field is JSON-LD, or where the fallback is right in its own way:
# (page, field) -> why the no-JSON-LD value may differ.
WITHOUT_JSONLD_DIFFERS = {
    ("TheIntercept_2023_04_28", "date_published"): "the 2023 React page has its instant only in JSON-LD "
    "(15:54+00:00); the visible 'April 28 2023, 3:54 p.m.' disagrees about the zone",
    ("TheGuardian_2024_02_24", "authors"): "JSON-LD names the 'Guardian staff reporter' account; <meta> and the "
    "visible byline say 'Associated Press in Valencia', a right answer too",
    ("BBC_2024_08_01", "authors"): "an explainer without a byline: only JSON-LD names 'BBC News'",
    ("BBC_2024_08_01", "date_published"): "the explainer shows no date; only JSON-LD has one",
    ("BBC_2026_04_25", "date_published"): "JSON-LD keeps the URL's first publication (2012); the visible "
    "<time> is the 2026 rewrite",
}


# --- junk inside the story container ------------------------------------------------------------


@pytest.mark.parametrize("junk", sorted(JUNK))
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_embedded_junk_stays_out(page: corpus.CorpusPage, junk: str, spider_of, baselines) -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _baseline(baselines, spider, page)
    tree = _tree(page)
    anchor = _story_paragraph(spider, tree)
    # On block layouts (BBC: <div data-component="text-block">) embeds are blocks of their own.
    anchor = (anchor.xpath("ancestor::div[@data-component][1]") or [anchor])[0]
    for element in reversed(lxml_html.fragments_fromstring(JUNK[junk])):
        anchor.addnext(element)
    got = _run(spider, page, tree)
    assert "Zorblat" not in (got["article_body"] or "")
    assert _paragraphs(got) == _paragraphs(base)
    assert (got["headline"], got["authors"], got["date_published"]) == (
        base["headline"], base["authors"], base["date_published"],
    )  # fmt: skip


# --- a story without sub-headings -----------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_story_without_subheadings(page: corpus.CorpusPage, spider_of, baselines) -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _baseline(baselines, spider, page)
    tree = _tree(page)
    # (not AP's "___" rule, an <h2> on some pages: it is a separator, not a sub-heading)
    heads = [
        e for e in _body_elements(spider, tree) if e.tag in ("h2", "h3") and re.search(r"[^\W_]", e.text_content())
    ]
    gone = {corpus.norm(e.text_content()) for e in heads}
    for e in heads:
        e.drop_tree()
    got = _run(spider, page, tree)
    assert _paragraphs(got) == [p for p in _paragraphs(base) if p not in gone]
    assert got["headline"] == base["headline"]


# --- a story with sub-headings ------------------------------------------------------------------------

# Sites whose story container takes sub-headings as <h2> children (Reuters, BBC and CNBC wrap theirs).
SUBHEADED = ("apnews", "latimes", "occupydemocrats", "theguardian", "theindependent", "theintercept", "thenation",
             "thenewyorker")  # fmt: skip


@pytest.mark.parametrize("page", [p for p in PAGES if p.slug in SUBHEADED], ids=lambda p: p.name)
def test_story_with_a_subheading(page: corpus.CorpusPage, spider_of, baselines) -> None:
    """A sibling article with a section head between paragraphs: kept, in its place."""
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _paragraphs(_baseline(baselines, spider, page))
    tree = _tree(page)
    anchor = _story_paragraph(spider, tree)
    after = corpus.norm(anchor.text_content())
    anchor.addnext(lxml_html.fragment_fromstring("<h2>What the Zorblat inquiry found</h2>"))
    got = _paragraphs(_run(spider, page, tree))
    assert after in base
    want = base[: base.index(after) + 1] + ["What the Zorblat inquiry found"] + base[base.index(after) + 1 :]
    assert got == want


# --- a story without a dek ---------------------------------------------------------------------------

# The sites whose body opens with the dek/standfirst under the headline: its element per layout.
DEKS = {
    "freebeacon": "h2.article-excerpt",
    "theguardian": "[data-gu-name='standfirst'], div.content__standfirst",
    "theintercept": ".post__excerpt, .Post-excerpt",
    "thenation": ".article-title__dek, h2.subtitle",
    "thenewyorker": "[class*=ContentHeaderDek]",
}


@pytest.mark.parametrize("page", [p for p in PAGES if p.slug in DEKS], ids=lambda p: p.name)
def test_story_without_dek(page: corpus.CorpusPage, spider_of, baselines) -> None:
    """A sibling article without a standfirst: the story paragraphs are still all there."""
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _baseline(baselines, spider, page)
    tree = _tree(page)
    deks = tree.xpath(css2xpath(DEKS[page.slug]))
    assert deks, "the dek rule finds nothing on the page"
    gone = {corpus.norm(t) for d in deks for t in [d.text_content(), *(c.text_content() for c in d.iter("p", "li"))]}
    for d in deks:
        d.drop_tree()
    got = _paragraphs(_run(spider, page, tree))
    assert got == [p for p in _paragraphs(base) if p not in gone]
    assert len(got) >= len(_paragraphs(base)) - 3


# --- generated class names ---------------------------------------------------------------------------

# "BylineName-cMiZYb", "Paragraph-paragraph-2Bgue", "BaseWrap-sc-SJwXJ": a component name, then a
# build hash (mixed case or digits); "ksslzD", "fVKact": hash-only classes of styled-components.
_HASHED = re.compile(r"^(?P<name>[A-Za-z][\w-]*?-)(?P<hash>(?=[\w]*[A-Z0-9])[A-Za-z0-9_]{4,8})$")
_HASH_ONLY = re.compile(r"^(?=[a-z]*[A-Z])[a-z]{3,6}[A-Z][A-Za-z]?$")


# CSS modules "article-body__paragraph__2-BtD" (Reuters), JSS "Component-bylines-0-2-58" (AP 2023),
# emotion "dcr-4hq641" / "css-1x2y3z" (Guardian), styled-components v5 "sc-9cd5bb24-0" (BBC).
_GENERATED = [
    re.compile(r"^(?P<name>[\w-]+__[\w-]+__)(?P<hash>[\w-]{5})$"),
    re.compile(r"^(?P<name>[A-Za-z][\w-]*-0-2-)(?P<hash>\d+)$"),
    re.compile(r"^(?P<name>(?:dcr|css)-)(?P<hash>[a-z0-9]{4,8})$"),
    re.compile(r"^(?P<name>sc-)(?P<hash>[0-9a-f]{8})(?P<tail>-\d+)$"),
]


def _rehash(token: str) -> str:
    for rx in _GENERATED:
        m = rx.match(token)
        if m:
            new = m["hash"][::-1] if not m["hash"].isdigit() else str(int(m["hash"]) + 7)
            if new == m["hash"]:
                new = "z" + new[1:]
            return m["name"] + new + (m.groupdict().get("tail") or "")
    m = _HASHED.match(token)
    if m and not m["hash"].islower():
        return m["name"] + "Qx" + m["hash"][::-1].swapcase()
    if _HASH_ONLY.match(token):
        return token[::-1].swapcase()
    return token


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_new_build_hashes(page: corpus.CorpusPage, spider_of, baselines) -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _baseline(baselines, spider, page)
    tree = _tree(page)
    changed = 0
    for e in tree.xpath("//*[@class]"):
        tokens = e.get("class").split()
        new = [_rehash(t) for t in tokens]
        changed += new != tokens
        e.set("class", " ".join(new))
    got = _run(spider, page, tree)
    for field in ("headline", "authors", "date_published", "article_body"):
        assert got[field] == base[field], (field, changed)


# --- metadata missing or different ------------------------------------------------------------------


def _drop_jsonld(tree: Any) -> None:
    for s in tree.xpath("//script[contains(@type, 'ld+json')]"):
        s.drop_tree()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_without_jsonld(page: corpus.CorpusPage, spider_of, baselines) -> None:
    """An article without JSON-LD: visible markup and <meta> still give headline, authors and date."""
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _baseline(baselines, spider, page)
    tree = _tree(page)
    _drop_jsonld(tree)
    got = _run(spider, page, tree)
    if (page.name, "authors") not in WITHOUT_JSONLD_DIFFERS:
        assert got["authors"] == base["authors"]
    if (page.name, "date_published") not in WITHOUT_JSONLD_DIFFERS:
        assert _same_minute(base["date_published"], got["date_published"]), (
            base["date_published"],
            got["date_published"],
        )
    assert got["headline"] and len(got["headline"]) >= 20
    assert " | " not in got["headline"]  # no "<headline> | <site>" <title>
    assert _paragraphs(got) == _paragraphs(base)


def _edit_jsonld_authors(tree: Any, edit: Any) -> int:
    """Apply ``edit(list_of_author_dicts) -> list`` to every JSON-LD object's "author"; how many changed."""
    changed = 0

    def walk(node: Any) -> None:
        nonlocal changed
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            if "author" in node:
                authors = node["author"] if isinstance(node["author"], list) else [node["author"]]
                node["author"] = edit(copy.deepcopy(authors))
                changed += 1
            for k, v in node.items():
                if k != "author":
                    walk(v)

    for s in tree.xpath("//script[contains(@type, 'ld+json')]"):
        try:
            data = json.loads(s.text or "")
        except ValueError:
            continue
        walk(data)
        s.text = json.dumps(data, ensure_ascii=False)
    return changed


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_jsonld_author_listed_twice(page: corpus.CorpusPage, spider_of, baselines) -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _baseline(baselines, spider, page)
    tree = _tree(page)
    if not _edit_jsonld_authors(tree, lambda a: a + a):
        # No JSON-LD author on this page: the authors cannot have come from there.
        assert base["extraction"].get("authors") != "jsonld"
        return
    assert _run(spider, page, tree)["authors"] == base["authors"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_jsonld_third_author(page: corpus.CorpusPage, spider_of, baselines) -> None:
    """A co-written story: when the site's authors come from JSON-LD, a further writer there is kept."""
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _baseline(baselines, spider, page)
    if base["extraction"].get("authors") != "jsonld":
        # This site's authors come from its visible byline or <meta>: they are found there.
        assert base["authors"] and base["extraction"].get("authors") in {"site", "meta", "body"}
        return
    tree = _tree(page)
    extra = {"@type": "Person", "name": "Marta Q. Zorblat"}
    _edit_jsonld_authors(tree, lambda a: [*a, extra] if any(isinstance(x, dict) for x in a) else [*a, extra["name"]])
    got = _run(spider, page, tree)["authors"]
    assert got == [*base["authors"], "Marta Q. Zorblat"]


# --- visible bylines of sites whose <meta> author is wrong --------------------------------------------

# The element holding one writer's name in the visible byline, per site (see the spiders' late_selectors).
BYLINE_NAME = {
    "latimes": "div.byline .author-name",
    "theintercept": ".article-byline a[rel='author'], .PostByline a.PostByline-link[rel='author']",
    "thenewyorker": "[data-testid='BylineName']",
}


@pytest.mark.parametrize("page", [p for p in PAGES if p.slug in BYLINE_NAME], ids=lambda p: p.name)
def test_two_writers_without_jsonld(page: corpus.CorpusPage, spider_of, baselines) -> None:
    """No JSON-LD and a second writer in the byline: both names, not the publisher or a user slug."""
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    spider = _spider(spider_of, page.slug)
    base = _baseline(baselines, spider, page)
    (writer,) = base["authors"]
    tree = _tree(page)
    _drop_jsonld(tree)
    names = [e for e in tree.xpath(css2xpath(BYLINE_NAME[page.slug])) if writer in e.text_content()]
    assert names, "the byline rule finds no name on the page"
    second = copy.deepcopy(names[0])
    for e in second.iter():
        if e.text and writer in e.text:
            e.text = e.text.replace(writer, "Marta Q. Zorblat")
    names[0].addnext(second)
    assert sorted(_run(spider, page, tree)["authors"]) == sorted([writer, "Marta Q. Zorblat"])
