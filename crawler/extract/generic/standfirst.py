"""Generic extraction, the story's lead: the standfirst a page shows between its headline and its body.

News pages print a summary under the headline ("standfirst", "dek", "chapô", "Vorspann", "entradilla") in
its own element, styled apart from the body; main-content extractors leave it out with the header around it.
It belongs to the story (the publisher's own summary, and most parsers of news sites read it as the body's
first paragraph). It is recognised first by the page's own statement: the page's description (JSON-LD
``description``, ``og:description``, ``<meta name=description>``, ``twitter:description``) shown, whole, as the
text of one element placed after the ``<h1>`` and before the body's first paragraph; else by an element there
that the page's classes name a summary (:func:`standfirst`).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from lxml import etree

from crawler.extract.generic.common import block_text, norm_text, text_index, text_key

_MIN_CHARS = 40
"""A description shorter than this is a label or a kicker, not a lead."""
_MAX_CHARS = 1200
_SNIPPET = re.compile(r"\w+(?: \w+){2,5}")
"""A run of three to six plain words: searched for literally in the page's text nodes."""
_NOT_STORY = frozenset(
    {"a", "nav", "footer", "aside", "button", "figure", "figcaption", "form", "select", "label", "template",
     "noscript", "script", "style", "title", "head", "ul", "ol", "li", "table"}
)  # fmt: skip
"""A lead is not a link, a navigation or caption text, a list item, or hidden data."""
_BLOCKS = frozenset({"p", "div", "h2", "h3", "h4", "h5", "h6", "section", "header", "span", "strong", "b", "em"})
_H1 = etree.XPath("(//body//h1)[1]")


def _text_nodes(root: Any, text: str) -> list[Any]:
    """The body's elements whose text holds a run of plain words from the start of ``text``: the first of its first
    runs that is found (a run may straddle an inline element, or a no-break space the page writes)."""
    index = text_index(root)
    for i, m in enumerate(_SNIPPET.finditer(text)):
        if i == _TRIES:
            break
        nodes = index.having(m.group(0))
        if nodes:
            return nodes
    return []


_TRIES = 8


def _element_with_text(root: Any, text: str, key: str) -> Any | None:
    """The innermost element of ``root``'s body whose whole text is ``text`` (compared by ``key``); None."""
    for el in _text_nodes(root, text):
        while el is not None and isinstance(el.tag, str):
            k = text_key(block_text(el))
            if k == key:
                return el
            if len(k) > len(key) or el.tag == "body":
                break
            el = el.getparent()
    return None


def first_element(root: Any, text: str) -> Any | None:
    """The first element whose text holds a run of words from the start of ``text``; None."""
    for el in _text_nodes(root, text):
        return el
    return None


def _shown_as_lead(el: Any) -> bool:
    if el.tag not in _BLOCKS:
        return False
    return not any(isinstance(a.tag, str) and a.tag in _NOT_STORY for a in (el, *el.iterancestors()))


def standfirst(
    root: Any, descriptions: Iterable[str], paragraphs: Sequence[str], titles: Sequence[str] = ()
) -> str | None:
    """The lead the page shows before ``paragraphs`` (the story's body), when they lack it; else None.

    ``descriptions``: the page's own summaries (JSON-LD, OpenGraph, meta). One of them must be the whole text of
    one visible element (not a link, caption, list item or navigation) after the page's first ``<h1>`` (when it
    has one) and before the element holding the body's first paragraph. Without such a description, the first
    element there that the page names a summary (``class="standfirst"``, ``"dek"``, ``"excerpt"``, ``"intro"``,
    ``itemprop="description"``...) and that reads like one (a sentence of some words; pages with an ``<h1>``).
    """
    if not paragraphs:
        return None
    hay = " ".join(text_key(p) for p in paragraphs)
    skip = {text_key(t) for t in titles}
    first_key = text_key(paragraphs[0])

    def new(key: str) -> bool:
        # Not in the body already, nor a shortened copy of its opening ("... the first words…").
        return key not in hay and key not in skip and not first_key.startswith(key[: max(_MIN_CHARS, len(key) - 10)])

    shown: list[Any] = []
    seen: set[str] = set()
    for raw in descriptions:
        text = norm_text(html_lib.unescape(raw))
        key = text_key(text)
        if not (_MIN_CHARS <= len(key) <= _MAX_CHARS) or key in seen:
            continue
        seen.add(key)
        if new(key) and (el := _element_with_text(root, text, key)) is not None and _shown_as_lead(el):
            shown.append(el)
    h1 = next(iter(_H1(root)), None)
    if not shown and h1 is None:
        return None
    start = first_element(root, paragraphs[0])
    if start is None:
        return None
    # One walk in document order from the <h1> to the body's first paragraph.
    named: Any = None
    inside = h1 is None
    for el in root.iter():
        if el is start:
            break
        if not inside:
            inside = el is h1
            continue
        if any(el is x for x in shown):
            return block_text(el)
        if named is None and h1 is not None and _named_summary(el) and _shown_as_lead(el):
            text = block_text(el)
            key = text_key(text)
            if _MIN_CHARS <= len(key) <= _NAMED_MAX_CHARS and len(key.split()) >= _NAMED_MIN_WORDS and new(key):
                named = text
    return named


_SUMMARY_WORDS = (
    "standfirst", "dek", "deck", "lede", "lead", "intro", "excerpt", "summary", "subtitle", "subheadline",
    "strapline", "teaser", "abstract", "sapo", "chapo", "chapeau", "entradilla", "bajada", "sumario", "vorspann",
    "description",
)  # fmt: skip
_CLASS_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
"""Words of a class name: "ContentHeaderDek-eXmPeo" -> Content, Header, Dek, e, Xm, Peo; "post__excerpt" -> post, excerpt."""
_NAMED_MAX_CHARS = 600
_NAMED_MIN_WORDS = 6


_MEDIA_WORDS = frozenset(
    {"caption", "credit", "figure", "image", "img", "photo", "picture", "media", "video", "gallery", "carousel",
     "slide", "slider", "slideshow", "embed", "player", "modal", "popup", "newsletter", "card", "author", "byline",
     "bio", "share", "social", "breadcrumb", "breadcrumbs", "menu", "nav", "comment", "comments"}
)  # fmt: skip
"""Class words of a summary's surroundings that make it another item's: a photo caption, a slide's, a card's, an
author's bio, a share box."""


def _class_words(el: Any) -> set[str]:
    return {w.lower() for w in _CLASS_PART.findall(el.get("class", ""))}


def _named_summary(el: Any) -> bool:
    if not isinstance(el.tag, str) or el.tag not in _BLOCKS:
        return False
    if el.get("itemprop") not in ("description", "alternativeHeadline"):
        if not el.get("class"):
            return False
        words = _class_words(el)
        if not (words & set(_SUMMARY_WORDS) or "sub" in words and words & {"title", "tit", "headline", "head"}):
            return False
    around = (*el.iterancestors(), *el.iter())
    return not any(_class_words(a) & _MEDIA_WORDS for a in around if isinstance(a.tag, str) and a.get("class"))
