"""Generic extraction, the story's lead: the standfirst a page shows between its headline and its body.

News pages print a summary under the headline ("standfirst", "dek", "chapô", "Vorspann", "entradilla") in
its own element, styled apart from the body; main-content extractors leave it out with the header around it.
It belongs to the story (the publisher's own summary, and most parsers of news sites read it as the body's
first paragraph). It is recognised by the page's own statement, not by class names: the page's description
(JSON-LD ``description``, ``og:description``, ``<meta name=description>``, ``twitter:description``) is shown,
whole, as the text of one element placed after the ``<h1>`` and before the body's first paragraph.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from lxml import etree

from crawler.extract.generic.common import block_text, norm_text, text_key

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
_TEXT_HAVING = etree.XPath("//body//text()[contains(normalize-space(.), $s)]")
_H1 = etree.XPath("//body//h1")
_POSITION = etree.XPath("count(preceding::*) + count(ancestor::*)")


def _text_nodes(root: Any, text: str) -> list[Any]:
    """The body's text nodes holding a run of plain words from the start of ``text``: the first of its first
    runs that is found (a run may straddle an inline element, or a no-break space the page writes)."""
    for i, m in enumerate(_SNIPPET.finditer(text)):
        if i == _TRIES:
            break
        nodes = _TEXT_HAVING(root, s=m.group(0))
        if nodes:
            return list(nodes)
    return []


_TRIES = 4


def _element_with_text(root: Any, text: str, key: str) -> Any | None:
    """The innermost element of ``root``'s body whose whole text is ``text`` (compared by ``key``); None."""
    for node in _text_nodes(root, text):
        el = node.getparent()
        if el is None:
            continue
        if node.is_tail:
            el = el.getparent()
        while el is not None and isinstance(el.tag, str):
            k = text_key(block_text(el))
            if k == key:
                return el
            if len(k) > len(key) or el.tag == "body":
                break
            el = el.getparent()
    return None


def _first_position(root: Any, text: str) -> float | None:
    """Document position of the first element whose text holds the start of ``text``; None if not found."""
    for node in _text_nodes(root, text):
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()
        if el is not None and not any(
            isinstance(a.tag, str) and a.tag in ("script", "noscript", "template", "head")
            for a in (el, *el.iterancestors())
        ):
            return float(_POSITION(el))
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
    has one) and before the element holding the body's first paragraph.
    """
    if not paragraphs:
        return None
    hay = " ".join(text_key(p) for p in paragraphs)
    skip = {text_key(t) for t in titles}
    first_key = text_key(paragraphs[0])
    seen: set[str] = set()
    for raw in descriptions:
        text = norm_text(html_lib.unescape(raw))
        key = text_key(text)
        if not (_MIN_CHARS <= len(key) <= _MAX_CHARS) or key in seen or key in skip:
            continue
        seen.add(key)
        # Already in the body, or a shortened copy of its opening ("... the first words…").
        if key in hay or first_key.startswith(key[: max(_MIN_CHARS, len(key) - 10)]):
            continue
        el = _element_with_text(root, text, key)
        if el is None or not _shown_as_lead(el):
            continue
        where = _POSITION(el)
        h1 = _H1(root)
        if h1 and _POSITION(h1[0]) > where:
            continue
        start = _first_position(root, paragraphs[0])
        if start is None or start < where:
            continue
        return block_text(el)
    return None
