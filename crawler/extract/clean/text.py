"""Cleaning text: whitespace, entities, HTML fragments -> paragraphs."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from lxml import etree
from w3lib.html import remove_tags, replace_entities

_WS = re.compile(r"[\s\u00a0\u200b\u2009\u202f\ufeff]+")


# --- text -------------------------------------------------------------------------------------


def normalize_space(value: str) -> str:
    """Collapse every run of whitespace (NBSP and zero-width space included) to one space."""
    # str.split() splits on the characters regex \s matches, several times faster than _WS.sub.
    if "\u200b" in value or "\ufeff" in value:
        value = value.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(value.split())


def clean_text(value: Any) -> str | None:
    """HTML fragment or text -> one line of plain text; None when nothing is left."""
    if value is None:
        return None
    text = str(value)
    if "<" in text and ">" in text:
        text = remove_tags(text)
    if "&" in text:  # every entity starts with "&": without one replace_entities returns the text as is
        text = replace_entities(text)
    text = unicodedata.normalize("NFC", normalize_space(text))
    return text or None


_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "iframe", "svg", "button", "form", "select", "input", "textarea"]
)


_FRAGMENT_PARSER = etree.HTMLParser()
"""lxml's HTML parser without ``lxml.html``'s element classes (a Python call per element it touches)."""
_FULL_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE)
_STRING = etree.XPath("string()")
"""An element's text, descendants included (``lxml.html``'s ``text_content()``)."""


def _fragment(raw: str) -> Any:
    """An HTML fragment -> the ``<body>`` holding it, parsed as ``lxml.html.fragments_fromstring`` parses it."""
    doc = etree.fromstring(raw if _FULL_HTML.match(raw) else f"<html><body>{raw}</body></html>", _FRAGMENT_PARSER)
    if doc is None:
        raise etree.ParserError("Document is empty")
    bodies = [el for el in doc if el.tag == "body"]
    if len(bodies) != 1:
        raise ValueError(f"{len(bodies)} bodies in a fragment")
    return bodies[0]


def html_to_text(value: Any) -> list[str] | None:
    """An HTML element (or text) -> its paragraphs as plain text, in order.

    Block elements and ``<br>`` end a paragraph; scripts, styles and widgets are dropped.
    Returns None when the element holds no text.
    """
    if value is None:
        return None
    raw = str(value)
    if "<" not in raw:
        lines = [clean_text(line) for line in re.split(r"\n\s*\n|\r\n\s*\r\n", raw)]
        return [line for line in lines if line] or None
    try:
        root = _fragment(raw)
    except (etree.ParserError, ValueError):
        return [t] if (t := clean_text(raw)) else None
    paragraphs: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = clean_text("".join(buf))
        if text:
            paragraphs.append(text)
        buf.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS or not isinstance(el.tag, str):
            if el.tail:
                buf.append(el.tail)
            return
        if tag in ("tr", "pre"):
            # A table row is one line, its cells joined by " · " (not " | ": "A | Reuters" is a byline to
            # split_body); preformatted text keeps its lines.
            flush()
            if tag == "tr":
                cells = [clean_text(_STRING(c)) for c in el if c.tag in ("td", "th")]
                lines = [" · ".join(c for c in cells if c)]
            else:
                lines = [clean_text(line) or "" for line in _STRING(el).splitlines()]
            paragraphs.extend(line for line in lines if line)
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    walk(root)
    flush()
    return paragraphs or None
