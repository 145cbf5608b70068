"""Generic extraction: an Article from any news page, without site rules.

One lxml parse per page (the response's own selector tree) is shared by the metadata reader
(:func:`crawler.metadata.page_metadata`), the main-content extractor (trafilatura, which copies the
tree it is given) and our cleaning (:func:`crawler.processors.split_body` via the loader).

- metadata: JSON-LD (``NewsArticle`` & co., ``@graph``, lists), OpenGraph, ``article:*``, Dublin
  Core, ``<time datetime>``, ``rel=canonical``, ``<html lang>``;
- headline: the text JSON-LD ``headline``, the page title (without its "| Site" tail) and the
  ``<h1>`` agree on (:func:`headline`); publication time with the offset the page states
  (:func:`published_date`); authors from metadata, else the marked-up byline;
- body: trafilatura's main content; where the page publishes JSON-LD ``articleBody``, the page's
  text blocks that the ``articleBody`` contains (it is the publisher's own statement of the story,
  but usually without paragraph breaks), when they cover it and it is not a teaser; for
  client-rendered pages, the story's HTML in the inline script data; then :func:`trim_story`.

Entry points: :func:`generic_values` (raw values with provenance, used by site spiders for the
fields their selectors miss) and :func:`extract_article` (a whole Article, used by the ``generic``
spider and by ``scrapy reparse`` for hosts without a spider).
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
import unicodedata
import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from itemloaders.processors import Identity, MapCompose
from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from crawler import boilerplate, processors
from crawler.fastrules import cached_metadata
from crawler.items import Article
from crawler.loaders import ArticleLoader
from crawler.metadata import json_ld_article, meta_names, meta_values

logger = logging.getLogger(__name__)

GENERIC = "generic"
"""Provenance of a value found by the generic extractor's own heuristics (body, ``<h1>``, byline)."""

FIELDS: tuple[str, ...] = (
    "headline", "description", "article_body", "authors", "date_published", "date_modified", "section",
    "tags", "in_language", "publisher", "main_image", "canonical_url",
)  # fmt: skip

# Blocks of the page that can hold one paragraph of a story, for matching against articleBody.
_TEXT_BLOCKS = etree.XPath(
    "//body//*[self::p or self::h2 or self::h3 or self::h4 or self::li or self::blockquote or self::pre]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_BLOCK_NAMES = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "pre", "div", "ul", "ol", "table"})
_WS = re.compile(r"[\s\u00a0\u200b\u2009\u202f\ufeff]+")
_MARKDOWN_LINK = re.compile(r"\]\((?:https?:)?//[^)\s]*\)|https?://\S+")
# Posts embedded from social platforms (the classes are the platforms' own embed code): quoted, not the story.
_EMBEDS = etree.XPath(
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'twitter-video') or "
    "contains(@class, 'instagram-media') or contains(@class, 'tiktok-embed')]"
)
_MIN_MATCH_CHARS = 12
"""A block shorter than this is not matched against articleBody (a word like "Politics" occurs anywhere)."""
_LD_COVERAGE = 0.8
"""Share of articleBody's text the matched blocks must cover to be used as the body."""


_NON_WORD = re.compile(r"[\W_]+")


def _norm(text: str) -> str:
    """Text -> NFC, whitespace runs (NBSP, zero-width space included) as one space, stripped."""
    # str.split() splits on exactly the characters regex \s matches; zero-width spaces are not among them.
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _key(text: str) -> str:
    """Text -> a comparison key: no markup entities, no case, no punctuation spacing differences."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


_OWN_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")


def _block_text(el: Any) -> str:
    return _norm("".join(str(t) for t in _OWN_TEXT(el)))


# --- body -------------------------------------------------------------------------------------


_MAIN_CONTENT: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()
"""trafilatura's paragraphs per parsed page: the generic spider asks twice (is it an article? its body)."""


def trafilatura_paragraphs(root: Any, url: str | None = None) -> list[str]:
    """lxml tree of a page -> the main content's paragraphs (and sub-headings) via trafilatura; [] if none."""
    try:
        return list(_MAIN_CONTENT[root])
    except (KeyError, TypeError):
        pass
    paragraphs = _trafilatura_paragraphs(root, url)
    try:
        _MAIN_CONTENT[root] = paragraphs
    except TypeError:
        pass
    return list(paragraphs)


_PRUNE = ["//comment()", "//processing-instruction()"]
"""Nodes trafilatura drops from its own copy of our tree (its own parser never keeps them)."""


def _trafilatura_paragraphs(root: Any, url: str | None) -> list[str]:
    from trafilatura import bare_extraction

    # Our tree comes from the response's selector, which keeps comments; React pages write text as
    # "borrowing costs <!-- -->are" and trafilatura drops what follows a comment. trafilatura copies the
    # tree it is given and prunes ``prune_xpath`` on that copy (keeping the text after a comment), so the
    # response's tree stays untouched and the page is copied once, as trafilatura alone would parse it once.
    try:
        doc = bare_extraction(
            root,
            url=url,
            include_comments=False,
            include_tables=False,
            include_formatting=True,
            with_metadata=False,
            prune_xpath=_PRUNE,
            output_format="xml",  # any format but "python": the body tree only, without its text rendering
        )
    except (ValueError, TypeError, etree.LxmlError) as exc:  # trafilatura raises on odd trees
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return []
    body = getattr(doc, "body", None) if doc is not None else None
    if body is None:
        return []
    out: list[str] = []
    for el in body:
        for block in _blocks(el):
            out += [t for t in (_norm(line) for line in _lines(block)) if t]
    return _drop_embeds(out, root)


# trafilatura's own block names, and the page's HTML ones it returns from its fallback extractors.
_OUT_BLOCKS = ("p", "head", "item", "quote", "code", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")


def _blocks(el: Any) -> list[Any]:
    """An element of trafilatura's output -> its paragraph blocks: list items; the innermost blocks of a
    container (a fallback extractor returns the page's own ``<div>`` with its ``<p>``); else itself."""
    if el.tag in _OUT_BLOCKS and el.tag not in ("quote", "blockquote"):
        return [el]
    inner = [b for b in el.iterdescendants(*_OUT_BLOCKS) if next(b.iterdescendants(*_OUT_BLOCKS), None) is None]
    return inner or [el]


_LINE_BREAK = "\u2029"


def _lines(el: Any) -> list[str]:
    """A trafilatura output block -> its text split at its line breaks (``<lb/>``: the page's ``<br>``).

    Pages that separate paragraphs with ``<br><br>`` inside one element give one block with breaks.
    """
    if el.find(".//lb") is None:
        return ["".join(el.itertext())]
    parts: list[str] = []

    def walk(e: Any) -> None:
        if e.tag == "lb":
            parts.append(_LINE_BREAK)
        elif e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts).split(_LINE_BREAK)


def _drop_embeds(paragraphs: list[str], root: Any) -> list[str]:
    """Main-content paragraphs -> without those that are the text of a post embedded from a social platform.

    Removed after extraction rather than before: a shorter page makes trafilatura retry in recall mode.
    """
    # Compared without spaces: a <br> inside the post joins words in one text and not in the other.
    embeds = [k.replace(" ", "") for el in _EMBEDS(root) if (k := _key(_block_text(el)))]
    if not embeds:
        return paragraphs
    out = []
    for text in paragraphs:
        k = _key(text).replace(" ", "")
        if k and any(k == e or (len(k) >= _MIN_MATCH_CHARS and k in e) for e in embeds):
            continue
        out.append(text)
    return out


def article_body_paragraphs(root: Any, article_body: str | None) -> list[str] | None:
    """The page's text blocks that JSON-LD ``articleBody`` contains, in page order; None when they do not cover it."""
    if not article_body:
        return None
    text = html_lib.unescape(article_body)
    if "<" in text and ">" in text:
        text = " ".join(processors.html_to_text(text) or [])
    # Some CMSs write articleBody as Markdown: "[the pandemic](https://site/tag/covid)", "+++dropcap".
    text = _MARKDOWN_LINK.sub("", text)
    ref = _key(text)
    if len(ref) < 200:
        return None
    chosen: list[Any] = []
    for el in _TEXT_BLOCKS(root):
        # The innermost block holding the text: skip a block whose child blocks will be visited.
        if any(isinstance(c.tag, str) and c.tag in _BLOCK_NAMES for c in el.iterdescendants()):
            continue
        t = _block_text(el)
        k = _key(t)
        if len(k) < _MIN_MATCH_CHARS or k not in ref:
            continue
        if chosen and any(a is el for a in chosen[-1].iterancestors()):
            continue
        chosen.append(el)
    paragraphs: list[str] = []
    seen: set[str] = set()
    covered = 0
    for el in chosen:
        t = _block_text(el)
        k = _key(t)
        if k in seen:  # the same paragraph in a teaser, a print version, a slideshow
            continue
        seen.add(k)
        covered += len(k)
        paragraphs.append(t)
    if covered < _LD_COVERAGE * len(ref) or _story_goes_on(chosen[-1], ref):
        return None
    return paragraphs


def _story_goes_on(last: Any, ref: str) -> bool:
    """After the last block articleBody contains, do more long paragraphs follow in the same container?

    Paywalled sites cut articleBody to a teaser: the page (or its trafilatura extract) has the rest.
    """
    more = 0
    for sibling in last.itersiblings():
        if isinstance(sibling.tag, str) and sibling.tag == "p":
            k = _key(_block_text(sibling))
            if len(k) >= 80 and k not in ref:
                more += 1
                if more >= 2:
                    return True
    return False


def body_paragraphs(
    root: Any,
    url: str | None = None,
    article_body: str | None = None,
    titles: Sequence[str] = (),
    authors: Sequence[str] = (),
) -> tuple[str, list[str]]:
    """The story's paragraphs: ``(source, paragraphs)``, source ``jsonld`` or ``generic``, cleaned by :func:`trim_story`."""
    from_ld = article_body_paragraphs(root, article_body)
    if from_ld:
        return "jsonld", trim_story(from_ld, titles, authors)
    paragraphs = trafilatura_paragraphs(root, url)
    if sum(len(p) for p in paragraphs) < _SHORT_BODY:
        embedded = script_html_paragraphs(root)
        if sum(len(p) for p in embedded) > sum(len(p) for p in paragraphs):
            paragraphs = embedded
    return GENERIC, trim_story(paragraphs, titles, authors)


_SHORT_BODY = 300
"""Below this many characters of main content, look for the story in the page's scripts."""
# A JSON/JS string literal of some length inside an inline script.
_JS_STRING = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')  # unrolled: one pass, no backtracking
_MIN_JS_STRING = 300
# An HTML paragraph inside script data, however the "<" is escaped: "<p>", "\u003cp\u003e", "\x3cbr".
_HTML_IN_SCRIPT = re.compile(r"(?:<|u003[cC]|x3[cC])(?:p[\s>\\]|br\b)")
_HTML_PARAGRAPH = re.compile(r"<p[\s>]|<br\s*/?>", re.IGNORECASE)
_SCRIPTS = etree.XPath("//script[not(@src)]/text()")


def script_html_paragraphs(root: Any) -> list[str]:
    """Client-rendered pages: the longest HTML string in the inline scripts' data -> its paragraphs; [] if none.

    Sites built with JavaScript frameworks ship the story as HTML inside a data blob
    (``{"contentHtml": "\\u003cp\\u003e..."}``), sometimes JSON inside a JSON string, and
    render it in the browser.
    """
    candidates: list[tuple[int, str]] = []
    for script in _SCRIPTS(root):
        if len(script) < 500 or not _HTML_IN_SCRIPT.search(script):
            continue
        for value in _js_strings(script, depth=2):
            if not value.lstrip().startswith("<") or len(_HTML_PARAGRAPH.findall(value)) < 2:
                continue
            # Ranked by their text length without tags (cheap); only the longest is turned into paragraphs.
            html = _CAPTIONS.sub("", value)
            candidates.append((len(_TAG.sub("", html).strip()), html))
    for _, html in sorted(candidates, key=lambda c: -c[0]):
        paragraphs = [p for p in processors.html_to_text(html) or [] if not _PLACEHOLDER.fullmatch(p)]
        if paragraphs:
            return paragraphs
    return []


_TAG = re.compile(r"<[^>]*>")
_CAPTIONS = re.compile(r"<(figure|figcaption)\b.*?</\1>|<div class=\"caption\".*?</div>", re.DOTALL | re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\$\$\w+\$\$|\W*")  # "$$ARTICLEAD$$": where the site inserts an ad


def _js_strings(text: str, depth: int) -> Iterable[str]:
    """The long string literals of a script, decoded; and those inside them (JSON in a JSON string)."""
    for m in _JS_STRING.finditer(text):
        if len(m.group(1)) < _MIN_JS_STRING:
            continue
        try:
            value = json.loads(f'"{m.group(1)}"')
        except ValueError:
            continue
        yield value
        if depth > 1 and '"' in value:
            yield from _js_strings(value, depth - 1)


# The line that starts what follows a story: related links, comments, "more from" lists.
_STORY_END = re.compile(
    r"^(?:more from\b.{0,60}|more (?:stories|news|articles|coverage) (?:from|on|about)\b.{0,60}|"
    r"related (?:articles|stories|coverage|content|reading)|read next|recommended(?: for you| stories)?|"
    r"you (?:may|might) also (?:like|be interested in)|comments?(?: \(\d+\))?|\d+ comments?|"
    r"join (?:our commenting forum|the conversation|the discussion)|leave a comment|most (?:read|popular|viewed))"
    r"\s*:?$",
    re.IGNORECASE,
)
# Sentence-final punctuation in the scripts of our sites (Latin, CJK, Arabic, Devanagari...).
_SENTENCE_END = re.compile(r"[.!?…。！？؟।\"'”’»)\]]\s*$")
_SHORT_LINE = 20


def trim_story(paragraphs: Sequence[str], titles: Sequence[str] = (), authors: Sequence[str] = ()) -> list[str]:
    """A main-content extract -> the story only.

    - leading lines that repeat the headline (any of the page's titles) or only name the authors;
    - everything from a "More from ...", "Related articles", "Comments" line on (after the story began);
    - short trailing lines without sentence punctuation ("Share", "Comments", "关注").
    """
    drop_keys = {k for t in titles for v in _title_variants(t) if (k := _key(v))}
    author_keys = {_key(a) for a in authors if a} | {_key(" ".join(authors))} if authors else set()
    out: list[str] = []
    for i, text in enumerate(paragraphs):
        if not any(ch.isalnum() for ch in text):
            continue
        if not out and i < 4 and ((k := _key(text)) in drop_keys or k in author_keys):
            continue
        if len(out) >= 2 and _STORY_END.match(text.strip()):
            break
        out.append(text)
    while out and len(out[-1]) < _SHORT_LINE and not _SENTENCE_END.search(out[-1]):
        out.pop()
    return out


# --- headline -----------------------------------------------------------------------------------

# "Headline | Site", "Headline – Section – Site", "Headline | Site | by Author", "Headline * Site"
_TITLE_TAIL = re.compile(
    r"\s+(?:[|–—•·*»]|-{1,2}|::)\s+|\s*ㅣ\s*|(?<=\S)(?:--|_)(?=[^\W\d_])"
)  # "--"/"_": "标题--时政--人民网"


def _title_variants(text: str, site_names: Sequence[str] = ()) -> list[str]:
    """A title -> itself and, when it has one, the part before its "| Site" tail or the site's name."""
    text = _norm(html_lib.unescape(text))
    out = [text]
    # Every head before a separator: "A – B | Site" -> "A", "A – B" (the headline may hold a dash itself).
    for m in _TITLE_TAIL.finditer(text):
        head = text[: m.start()].strip()
        if head and head not in out:
            out.append(head)
    for site in site_names:
        # "津波注意報 気象庁：朝日新聞デジタル", "Headline - Site" without spaces around the dash
        if site and len(site) < len(text) and text.casefold().endswith(site.casefold()):
            head = re.sub(r"[\s\W_]+$", "", text[: -len(site)])
            if head and head not in out:
                out.append(head)
    return out


_PIPE_TAIL = re.compile(r"\s+(?:[|•·*»]|::)\s+|\s*ㅣ\s*")


def _title_head(title: str) -> str | None:
    """A page title -> its headline part: before the first "|"-like separator ("A – B | Section | Site"),
    else before the last dash ("A – B - Site"); None without a separator. Headlines hold dashes, seldom bars."""
    text = _norm(html_lib.unescape(title))
    if m := _PIPE_TAIL.search(text):
        return text[: m.start()].strip() or None
    cuts = list(_TITLE_TAIL.finditer(text))
    return text[: cuts[-1].start()].strip() or None if cuts else None


def headline(selector: Selector, ld_headline: str | None) -> tuple[str, str] | None:
    """The story's headline: ``(source, text)``, by agreement of the page's titles.

    Three independent witnesses: JSON-LD ``headline``; the page's title (``og:title``, else
    ``twitter:title``, else ``<title>``: usually one CMS field, so one vote), also without its
    "| Site" tail; the ``<h1>`` elements. The text (compared without case and punctuation) that
    most witnesses give wins, ties going to JSON-LD, then the titles. Of the winning spellings, the
    plainest (shortest: no decorative quotes) is used, ``og:title``'s first among equals.
    """
    site_names = _meta_values(selector, "og:site_name") + _meta_values(selector, "application-name")
    witnesses: list[list[tuple[str, str]]] = [  # (source, text), in tie-break order
        [("jsonld", ld_headline)] if ld_headline else [],
        [("meta", t) for t in _first_title(selector)],
        [(GENERIC, t) for t in _h1_texts(selector)],
    ]
    text_rank = {"meta": 0, "jsonld": 1, GENERIC: 2}
    # (length, text rank, order, key, source, text): equal keys differ only in punctuation and spacing,
    # so the shortest spelling is the plainest one (no decorative quotes, no doubled spaces).
    candidates: list[tuple[int, int, int, str, str, str]] = []
    votes: dict[str, set[int]] = {}
    order = 0
    heads = {_key(h) for _, t in witnesses[1] if (h := _title_head(t))}  # the title without its "| Site" tail
    for witness, texts in enumerate(witnesses):
        for source, text in texts:
            for v in _title_variants(text, site_names):
                k = _key(v)
                if not k:
                    continue
                votes.setdefault(k, set()).add(witness)
                candidates.append((len(v), text_rank[source], order, k, source, v))
                order += 1
    if not candidates:
        return None
    # The page title as the only witness (no JSON-LD, no <h1>): its text without the "| Site" tail.
    title_only = not witnesses[0] and not witnesses[2]
    # Then, of equally supported texts, the longest: "A – B" over its own head "A".
    best = max(votes, key=lambda k: (len(votes[k]), -min(votes[k]), title_only and k in heads, len(k)))
    chosen = min(c for c in candidates if c[3] == best)
    return chosen[4], chosen[5]


def _first_title(selector: Selector) -> list[str]:
    for name in ("og:title", "twitter:title"):
        if values := _meta_values(selector, name):
            return values[:1]
    return [t for t in selector.xpath("//head/title/text()").getall()[:1] if t.strip()]


def _h1_texts(selector: Selector) -> list[str]:
    return [t for t in (_norm(" ".join(h.xpath(".//text()").getall())) for h in selector.xpath("//body//h1")) if t]


def _meta_values(selector: Selector, name: str) -> list[str]:
    return meta_values(selector, name)


# --- authors ----------------------------------------------------------------------------------

# Marked-up bylines, most explicit first (one pass over the page finds them all). Within the story's
# <article> first: side columns carry the bylines of other stories.
# (Through the attribute axis: several times faster in lxml than testing every element's attributes.)
_BYLINE_CANDIDATES = etree.XPath(
    "/html/body//@class[contains(., 'byline') or contains(., 'author')]/.. | /html/body//@itemprop[. = 'author']/.. | "
    "/html/body//@rel[. = 'author' or . = 'schema:author']/.. | "
    "/html/body//@property[. = 'schema:author' or . = 'author' or . = 'dc:creator']/.."
)
_FIRST_ARTICLE = etree.XPath("(/html/body//article[.//p])[1]")
_PERSON_NAME = etree.XPath(
    ".//*[@itemprop='name' or @property='schema:name' or @property='name' or @property='foaf:name']"
)


def _byline_rank(el: Any) -> int | None:
    """A byline candidate -> its rule's rank (lower is more explicit); None when it is not one."""
    if el.get("itemprop") == "author":
        return 0
    if el.get("rel") in ("schema:author",) or el.get("property") in ("schema:author", "author", "dc:creator"):
        return 1
    if el.tag == "a" and el.get("rel") == "author":
        return 2
    cls = f" {el.get('class') or ''} "
    if re.search(r"[\s_-]byline[\s_-]", cls):
        return 3
    if "author" in cls and "bio" not in cls and el.tag not in ("img", "meta", "link"):
        return 4
    return None


# A label element followed by the names: "<li><strong>Author</strong> Ann Lee</li>", "<dt>Autor</dt><dd>...".
_BYLINE_LABEL = re.compile(
    r"^(?:authors?|written by|reporter|by|autor(?:in|en|a)?|autorin\s*/\s*autor|auteur(?:e|s)?|autore|autori|"
    r"yazar|автор[ыа]?|作者|记者|記者|글|기자)\s*:?$",
    re.IGNORECASE,
)
_LABEL_TAGS = etree.XPath("/html/body//strong | /html/body//b | /html/body//dt | /html/body//th | /html/body//label")
_NOT_BYLINE_AREA = etree.XPath(
    # A <footer> inside an <article> is that article's own (HTML: it holds the author); the page's is not.
    "ancestor::*[self::aside or self::nav or self::footer[not(ancestor::article)] or self::form or self::li[ancestor::ul[contains(@class, "
    "'related')]] or contains(@class, 'related') or contains(@class, 'comment') or contains(@class, 'teaser')]"
)
# Job titles that follow a name in CJK bylines: "신현주 기자" (reporter), "特派员" (correspondent).
_NAME_TITLE = re.compile(r"\s*(?:선임기자|기자|특파원|논설위원|记者|記者|特派员|特派員|通讯员)$")
_DOMAIN = re.compile(r"(?:^|\s|\()(?:www\.)?[\w-]+(?:\.[a-z]{2,})+\)?$", re.IGNORECASE)
_AUTHOR_META = frozenset({"article:author", "author", "dc.creator", "DC.creator", "sailthru.author", "byl"})
"""The author <meta> that :func:`crawler.metadata.page_metadata` reads already."""
_ORG_TYPES = ("Organization", "Corporation", "NewsMediaOrganization")


# Where the names of a byline end: "By Ann Lee | March 3, 2024", "Ann Lee • 5 min read", "By Ann Lee
# Updated 3:45 PM EDT, May 2, 2024", "Ann Lee - 3 hours ago", "Ann Lee 12.03.2024 10:15".
_BYLINE_END = re.compile(
    r"\s[|•·]\s|\s[-–—]\s(?=\d)|\s(?:updated|published|posted|last updated)\b|\s(?=\d{1,2}[:./]\d|\d{4}\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)",
    re.IGNORECASE,
)


def _byline_text(el: Any) -> str:
    return _byline_text_str(el.get("content") or _block_text(el))


def byline_authors(selector: Selector) -> list[str]:
    """The page's marked-up byline: ``itemprop=author``, RDFa ``schema:author``, ``rel=author``, a
    ``byline``/``author`` class, or a label ("Author", "Autor", "By") followed by the names; the first
    one's names, [] if none.

    Only the first, within the page's ``<article>`` when it has one: later ones are usually bylines of
    related stories in side columns.
    """
    root = selector.root
    article = next(iter(_FIRST_ARTICLE(root)), None)
    ranked = []
    for order, el in enumerate(_BYLINE_CANDIDATES(root)):
        rank = _byline_rank(el)
        if rank is None:
            continue
        outside = article is None or not any(a is article for a in el.iterancestors())
        ranked.append((outside if article is not None else False, rank, order, el))
    for _, rank, _, el in sorted(ranked, key=lambda r: r[:3]):
        if _NOT_BYLINE_AREA(el):
            continue
        if rank <= 1 and (names_el := _PERSON_NAME(el)):
            el = names_el[0]
        text = _byline_text(el)
        if text and len(text) <= 120 and (names := _person_names(processors.split_names(text) or [])):
            return names
    return _labelled_byline(root)


def _labelled_byline(root: Any) -> list[str]:
    """ "<li><strong>Autorin/Autor</strong> Roman Goncharenko</li>", "<dt>Author</dt><dd>Ann Lee</dd>" -> names."""
    for label in _LABEL_TAGS(root):
        if len(label) > 2 or len(label.text or "") > 30:
            continue
        label_text = _block_text(label)
        if not _BYLINE_LABEL.match(label_text) or _NOT_BYLINE_AREA(label):
            continue
        if label.tag in ("dt", "th"):
            following = label.getnext()
            text = _block_text(following) if following is not None else ""
        else:
            parent = label.getparent()
            text = _block_text(parent)[len(label_text) :] if parent is not None else ""
        text = _byline_text_str(text)
        if text and len(text) <= 120 and (names := _person_names(processors.split_names(text) or [])):
            return names
    return []


def _byline_text_str(text: str) -> str:
    """A byline's text -> its names part (the date, reading time, outlet after it cut)."""
    return _BYLINE_END.split(text.strip(" :"), maxsplit=1)[0]


# A byline part that is a job, not a person: "By Ann Lee, Staff Writer", "Ann Lee, Senior Correspondent".
_ROLE = re.compile(
    r"^(?:(?:senior|chief|staff|special|political|foreign|economics?|business|sports?|science|health|deputy|"
    r"associate|managing|contributing|investigative|national|international|local|news|digital|the)\s+)*"
    r"(?:writer|reporter|correspondent|editor|contributor|columnist|photographer|journalist|producer|"
    r"analyst|intern|staff|team|desk)s?$",
    re.IGNORECASE,
)
# "Written by Ann Lee", "Reported by Ann Lee", "Text: Ann Lee": the label before the names.
_BY_LABEL = re.compile(
    r"^(?:(?:written|reported|words|story|text|report|posted|published)\s+by|text|words)\s*:?\s+", re.IGNORECASE
)


# "di Mario Rossi" (it), "door Jan de Vries" (nl), "af Mette Holm" (da), "av Ola Nordmann" (no/sv): lower case
# only, so that a surname such as "Di Maria" stays.
_BY_OTHER = re.compile(r"^(?:di|door|af|av|przez)\s+(?=[^\W\d_])")


def _person_names(names: Sequence[str]) -> list[str]:
    """Names from a byline -> without job titles ("Staff Writer"; CJK "신현주 기자" -> "신현주"), labels, empties."""
    out = []
    for name in names:
        name = _BY_OTHER.sub("", _BY_LABEL.sub("", _NAME_TITLE.sub("", name))).strip()
        if name and not _ROLE.match(name) and name not in out:
            out.append(name)
    return out


def organization_names(selector: Selector, ld: dict[str, Any] | None, url: str | None) -> set[str]:
    """Comparison keys of the names the page gives its publisher: site name, publisher, the host's name."""
    names = meta_values(selector, "og:site_name", "application-name", "publisher", "dc.publisher", "copyright")
    for key in ("publisher", "sourceOrganization"):
        value = ld.get(key) if ld else None
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, dict) and isinstance(v.get("name"), str):
                names.append(v["name"])
            elif isinstance(v, str):
                names.append(v)
    if ld:
        author = ld.get("author")
        for a in author if isinstance(author, list) else [author]:
            if isinstance(a, dict) and isinstance(a.get("name"), str) and _ld_types(a) & set(_ORG_TYPES):
                names.append(a["name"])
    keys = {
        k for n in names if (k := _key(re.sub(r"^(?:©|\(c\)|copyright)?\s*\d{0,4}\s*", "", n, flags=re.IGNORECASE)))
    }
    if url:
        m = re.match(r"^\w+://([^/:]+)", url)
        host = re.sub(r"^www\d?\.", "", m.group(1).lower()) if m else ""
        if host:
            keys |= {host.split(".")[0], _key(host)}
    return keys


def _ld_types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    return {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)} if isinstance(t, list) else set()


def is_organization(name: str, organizations: set[str]) -> bool:
    """Is an author name the publisher itself ("NTV", "Deutsche Welle (www.dw.com)", "nytimes.com")?"""
    k = _key(name)
    return bool(k) and (k in organizations or bool(_DOMAIN.search(name)) or k.replace(" ", "") in organizations)


def page_authors(
    selector: Selector, found: tuple[str, Any] | None, ld: dict[str, Any] | None, url: str | None
) -> tuple[str, list[str]] | None:
    """The story's authors: ``(source, names)``.

    Metadata names (JSON-LD, ``<meta name=author>``) that are people win; names that are the publisher
    itself (its site name, its host, a JSON-LD ``Organization``) give way to a marked-up byline
    (:func:`byline_authors`), and are kept only when the page has none.
    """
    values = [] if not found else found[1] if isinstance(found[1], list) else [found[1]]
    names = _person_names([n for v in values if isinstance(v, str) for n in processors.split_names(v) or []])
    orgs = organization_names(selector, ld, url) if names else set()
    people = [n for n in names if not is_organization(n, orgs)]
    if people:
        return found[0] if found else GENERIC, people
    # Other <meta> naming the author ("articleAuthor", "parsely-author", "cXenseParse:author").
    others = [n for n in meta_names(selector) if "author" in n.casefold() and n not in _AUTHOR_META]
    extra = _person_names([n for v in meta_values(selector, *others) for n in processors.split_names(v) or []])
    orgs = orgs or organization_names(selector, ld, url)
    if extra and (people := [n for n in extra if not is_organization(n, orgs)]):
        return "meta", people
    if markup := byline_authors(selector):
        return GENERIC, markup
    if names:
        return found[0] if found else GENERIC, names
    return None


# --- dates --------------------------------------------------------------------------------------

_DATE_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "datePublished", "pubdate",
    "publishdate", "publish-date", "publish_date", "dc.date.issued", "DC.date.issued", "dcterms.created",
    "dc.date", "DC.date", "parsely-pub-date", "sailthru.date", "date",
)  # fmt: skip


_DATE_MARKUP = etree.XPath(
    "/html/body//@itemprop[. = 'datePublished']/../@*[name() = 'content' or name() = 'datetime'] | "
    "/html/body//@property[. = 'schema:datePublished' or . = 'datePublished' or . = 'schema:dateCreated' or "
    ". = 'dc:date' or . = 'dc:created' or . = 'dcterms:created']/../@*[name() = 'content' or name() = 'datetime']"
)
_TIME_DATETIME = etree.XPath("//time/@datetime")
_ARTICLE_TIMES = etree.XPath(".//time/@datetime")


def published_date(selector: Selector, ld: dict[str, Any] | None, tz: Any = None) -> tuple[str, datetime] | None:
    """The publication time: ``(source, aware datetime)``; None when no candidate states or implies an offset.

    Candidates in order: JSON-LD ``datePublished``/``dateCreated``, publication ``<meta>`` tags,
    ``<time datetime>``. The first readable one wins; when it has no offset, the offset comes from
    another candidate with the same wall-clock time, else from the page's other stated times
    (its modification time...), else from ``tz``; never invented.
    """
    raws: list[tuple[str, Any]] = []
    if ld:
        raws += [("jsonld", ld.get("datePublished")), ("jsonld", ld.get("dateCreated"))]
    for name in _DATE_META:
        raws += [("meta", v) for v in _meta_values(selector, name)]
    # Microdata and RDFa on any element: <time itemprop="datePublished" datetime>, <span property="schema:dateCreated" content>.
    raws += [("meta", str(v)) for v in _DATE_MARKUP(selector.root)]
    # <time datetime>: the story's own (inside its <article>) before the page's (tickers, related stories).
    article = next(iter(_FIRST_ARTICLE(selector.root)), None)
    times = [str(v) for v in _ARTICLE_TIMES(article)] if article is not None else []
    raws += [("meta", v) for v in times + [str(v) for v in _TIME_DATETIME(selector.root) if str(v) not in times]]
    # Any other <meta> naming a publication time ("cXenseParse:publishtime", "article.published"...).
    others = [n for n in meta_names(selector) if "publish" in n.casefold() and n not in _DATE_META]
    raws += [("meta", v) for v in meta_values(selector, *others)]
    parsed = _parse_dates(raws)
    if not any(stated for _, _, stated in parsed):
        # No stated offset in the markup: the visible date line may state one ("9 January 2024, 14:05 GMT+2").
        parsed += _parse_dates([(GENERIC, t) for t in _visible_dates(selector)])
    if not parsed:
        return None
    source, first, has_offset = parsed[0]
    if has_offset:
        return source, first
    naive = first.replace(tzinfo=None)
    for src, dt, stated in parsed[1:]:
        if stated and dt.replace(tzinfo=None) == naive:
            return src, dt
    offsets = [dt.tzinfo for _, dt, stated in parsed if stated]
    offsets += _page_offsets(ld)
    zone = offsets[0] if offsets else processors.as_tzinfo(tz)
    if zone is None:
        return None
    return source, processors._aware(naive, zone) or naive.replace(tzinfo=zone)


def _parse_dates(raws: Iterable[tuple[str, Any]]) -> list[tuple[str, datetime, bool]]:
    """``(source, raw)`` -> ``(source, datetime, has a stated offset)`` for the readable ones (naive ones as UTC wall time)."""
    parsed: list[tuple[str, datetime, bool]] = []
    for source, raw in raws:
        if not isinstance(raw, str) or not raw.strip():
            continue
        aware = processors.parse_date(raw)
        wall = aware or processors.parse_date(raw, "UTC")
        if wall is not None:
            parsed.append((source, wall, aware is not None))
    return parsed


# The story's visible date line: <time> without datetime, or an element whose class names a date.
_VISIBLE_DATES = etree.XPath(
    "/html/body//time | /html/body//@class[contains(., 'date') or contains(., 'time') or contains(., 'publish')]/.."
)
# "Published: 9 January 2024", "Updated March 3, 2024": the words before the date.
_DATE_PREFIX = re.compile(
    r"^[^\d]*?(?=\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d)", re.IGNORECASE
)
_INLINE = frozenset({"span", "b", "strong", "em", "abbr", "time", "i"})


def _visible_dates(selector: Selector) -> list[str]:
    """The first few short date-like texts of the page, prefixes like "Published:" removed."""
    out: list[str] = []
    for el in _VISIBLE_DATES(selector.root):
        if len(out) >= 6:
            break
        if any(not isinstance(c.tag, str) or c.tag not in _INLINE for c in el) or _NOT_BYLINE_AREA(el):
            continue
        text = _block_text(el)
        if not 7 < len(text) < 80:
            continue
        text = _DATE_PREFIX.sub("", text)
        if text:
            out.append(text)
    return out


def _page_offsets(ld: dict[str, Any] | None) -> list[Any]:
    out = []
    for key in ("dateModified", "uploadDate"):
        raw = ld.get(key) if ld else None
        dt = processors.parse_date(raw) if isinstance(raw, str) else None
        if dt is not None:
            out.append(dt.tzinfo)
    return out


def iso_exact(value: Any, loader_context: dict[str, Any] | None = None) -> str | None:
    """Loader input processor: a page date -> ISO 8601 keeping the fraction of a second the page states."""
    if isinstance(value, datetime):
        return value.isoformat() if value.tzinfo else None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # the day alone (crawler.generic_meta)
        return value
    ctx = loader_context or {}
    dt = processors.parse_date(value, ctx.get("timezone"), ctx.get("crawl_date"))
    return dt.isoformat() if dt else None


class GenericLoader(ArticleLoader):
    """The shared loader, with dates kept to the precision the page states (``12:00:29.055+00:00``)."""

    date_published_in = date_modified_in = MapCompose(iso_exact)
    # The body arrives as plain-text paragraphs (trafilatura's, the page's blocks, or html_to_text's);
    # ``load_item`` cleans each once more in ``split_body``.
    article_body_in = Identity()  # type: ignore[assignment]


# --- all fields ---------------------------------------------------------------------------------


def generic_values(
    response: TextResponse, fields: Iterable[str] = FIELDS, tz: Any = None
) -> dict[str, tuple[str, Any]]:
    """Raw Article field values for a page, ``field -> (source, value)``, for the requested fields.

    ``source`` is ``jsonld``, ``meta`` or ``generic``; values go through the loader's processors.
    """
    from crawler import generic_ensemble, generic_meta

    wanted = set(fields)
    selector = response.selector
    # A site spider falling back here has read the page's metadata already: reuse it.
    meta = cached_metadata(response)
    out: dict[str, tuple[str, Any]] = {f: v for f, v in meta.items() if f in wanted and f != "article_body"}
    ld = json_ld_article(selector) if wanted & {"headline", "date_published", "article_body"} else None
    if "headline" in wanted:
        ld_headline = ld.get("headline") if ld else None
        found = headline(selector, ld_headline if isinstance(ld_headline, str) else None)
        if found:
            out["headline"] = found
    if "authors" in wanted:
        ld = ld if ld is not None else json_ld_article(selector)
        authors = page_authors(selector, out.pop("authors", None), ld, response.url)
        if authors:
            out["authors"] = authors
    if "date_published" in wanted:
        out.pop("date_published", None)
        date = generic_meta.published_date(selector, ld, tz, response.url)
        if date:
            out["date_published"] = (date[0], date[1].isoformat())
    if "article_body" in wanted:
        ld_body = ld.get("articleBody") if ld else None
        titles = [
            t
            for t in (ld.get("headline") if ld else None, *_first_title(selector), *_h1_texts(selector)[:2])
            if isinstance(t, str)
        ]
        names: Any = meta.get("authors", (None, []))[1]
        names = [names] if isinstance(names, str) else [n for n in names or [] if isinstance(n, str)]
        source, paragraphs = generic_ensemble.ensemble_body(
            selector.root, response.url, ld_body if isinstance(ld_body, str) else None, titles, names
        )
        if paragraphs:
            out["article_body"] = (source, paragraphs)
    generic_meta.complete(response, out, wanted)
    return out


def extract_article(
    response: TextResponse,
    spider: str = GENERIC,
    loader_class: type[ArticleLoader] | None = None,
    stats: Any = None,
    tz: str | None = None,
    rules: boilerplate.Rules | None = None,
) -> Article:
    """A page of any site -> an Article, with ``extraction`` provenance (field -> jsonld/meta/generic/body)."""
    from crawler.news_spider import crawl_date

    fetched = crawl_date(response)
    loader = (loader_class or GenericLoader)(
        response=response,
        selector=response.selector,  # the one parse of the page, shared with metadata and trafilatura
        stats=stats,
        timezone=tz,
        crawl_date=fetched,
        boilerplate=rules or boilerplate.DEFAULT_RULES,
    )
    loader.add_value("url", response.url)
    extraction: dict[str, str] = {}
    for field, (source, value) in generic_values(response, tz=tz).items():
        loader.add_value(field, value)
        if loader.get_collected_values(field):
            extraction[field] = source
    return loader.load_article(extraction, spider, fetched)


def looks_like_article(response: TextResponse, min_chars: int = 400) -> bool:
    """Metadata says article, or the main content holds at least ``min_chars`` of text."""
    from crawler.metadata import is_article_page

    if is_article_page(response.selector):
        return True
    return sum(len(p) for p in trafilatura_paragraphs(response.selector.root, response.url)) >= min_chars
