"""HTML-fragment clean-up for site loaders: drop nested junk (asides, captions, promos) before text extraction.

A selector picks whole elements (``.story > p``); some sites nest junk inside them (a related-links
``<aside>`` inside a ``<p>``). ``drop_elements("aside", "figcaption")`` gives an input processor that
removes such descendants, keeping the text that follows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

# The HTML parser may add these without a tag in the text (and the fragment's own wrapper <div>).
_IMPLIED_TAGS = frozenset({"html", "head", "body", "p", "div"})
_TAG_RULE = re.compile(r"([a-z][a-z0-9]*)(?:[.#][\w-]+)*")  # figure, blockquote.twitter-tweet
_ATTR_CONTAINS_RULE = re.compile(r"\[[a-z][\w-]*\*=(['\"]?)([a-z0-9_-]+)\1\]")


def needle(css: str) -> str | None:
    """A CSS selector -> lowercase text every fragment it can match contains (``figure`` -> ``<figure``), or None.

    Only for a tag name (with classes/id) and ``[attr*=word]``: tag names cannot be written with character
    references, and attribute words only with numeric ones (``&#...;``, checked by the caller).
    """
    m = _TAG_RULE.fullmatch(css)
    if m and m.group(1) not in _IMPLIED_TAGS:
        return "<" + m.group(1)
    m = _ATTR_CONTAINS_RULE.fullmatch(css)
    return m.group(2) if m else None


def drop_elements(*css: str) -> Callable[[Any], Any]:
    """CSS selectors -> processor: HTML fragment in, the same fragment without the matching descendants out."""
    selectors = [CSSSelector(c, translator="html") for c in css]
    # Most story paragraphs hold none of the junk: when no selector's text is in the fragment (and no
    # numeric character reference could spell it), nothing can match and the fragment is not parsed.
    needles = [needle(c) for c in css]
    quick = None if None in needles else tuple(n for n in needles if n is not None)

    def process(value: Any) -> Any:
        text = str(value) if value is not None else ""
        if "<" not in text:
            return value
        if quick is not None and "&#" not in text:
            lowered = text.lower()
            if not any(n in lowered for n in quick):
                return value
        try:
            root = lxml_html.fragment_fromstring(text, create_parent="div")
        except (etree.ParserError, ValueError):
            return value
        doomed = [el for sel in selectors for el in sel(root) if el is not root]
        if not doomed:
            return value
        for el in doomed:
            if el.getparent() is not None:
                el.drop_tree()  # keeps el.tail
        return (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)

    return process
