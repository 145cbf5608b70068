"""HTML-fragment clean-up for site loaders: drop nested junk (asides, captions, promos) before text extraction.

A selector picks whole elements (``.story > p``); some sites nest junk inside them (a related-links
``<aside>`` inside a ``<p>``). ``drop_elements("aside", "figcaption")`` gives an input processor that
removes such descendants, keeping the text that follows them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree, html as lxml_html
from lxml.cssselect import CSSSelector


def drop_elements(*css: str) -> Callable[[Any], Any]:
    """CSS selectors -> processor: HTML fragment in, the same fragment without the matching descendants out."""
    selectors = [CSSSelector(c, translator="html") for c in css]

    def process(value: Any) -> Any:
        text = str(value) if value is not None else ""
        if "<" not in text:
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
