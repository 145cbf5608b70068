"""Generic extraction, a story split over several containers: the parts main-content extractors leave out.

Publishers cut a long story into several body containers of one kind (``<div class="body__inner-container">``
between ad slots, a paywall break or a full-width image); main-content extractors keep the container holding
most of the text. When the body's paragraphs sit in a container with a class, the page's other elements of the
very same tag and class hold the rest of the story: their paragraphs join the body in page order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from crawler.extract.generic.common import block_text, text_key
from crawler.extract.generic.standfirst import first_element

_PARAGRAPHS = etree.XPath("./p | ./h2 | ./h3 | ./blockquote/p")
_MIN_PARAGRAPH = 150
"""A container joins the body only when one of its paragraphs is a real one (a sentence or more)."""
_MIN_MEAN = 80
_NOT_STORY = frozenset({"nav", "footer", "aside", "form", "template", "noscript", "script", "figure"})


def _container(root: Any, text: str) -> Any | None:
    el = first_element(root, text)
    if el is None:
        return None
    # The paragraph element holding the text, then the container of paragraphs around it.
    while el is not None and el.tag not in ("p", "h2", "h3"):
        el = el.getparent()
    if el is None:
        return None
    parent = el.getparent()
    if parent is not None and parent.tag == "blockquote":
        parent = parent.getparent()
    return parent if parent is not None and parent.get("class") else None


_MAX_TWINS = 16
_LINKED_TITLE = etree.XPath(".//*[self::h2 or self::h3 or self::h4][.//a[@href]]")


def _listed(el: Any, home_line: set[Any]) -> bool:
    """Is ``el`` an item of a list of stories: near it, below what it shares with the home container, a linked
    title of its own (a blog's or a section's page of teasers)?"""
    for depth, anc in enumerate(el.iterancestors()):
        if anc in home_line or depth == 3:
            return False
        if _LINKED_TITLE(anc):
            return True
    return False


def continued(root: Any, paragraphs: Sequence[str]) -> list[str]:
    """``paragraphs`` (the story's body) with the paragraphs of the page's other containers of the same kind
    (same tag and class) as the one holding them, in page order; ``paragraphs`` itself when there are none."""
    if len(paragraphs) < 2:
        return list(paragraphs)
    home = _container(root, paragraphs[-1])
    if home is None:
        home = _container(root, paragraphs[len(paragraphs) // 2])
    if home is None:
        return list(paragraphs)
    kind = home.get("class")
    twins = [el for el in root.iter(home.tag) if el.get("class") == kind]
    if len(twins) < 2:
        return list(paragraphs)
    if len(twins) > _MAX_TWINS:
        return list(paragraphs)  # a layout class (page-builder widgets), not the story's container
    hay = " ".join(text_key(p) for p in paragraphs)
    home_line = set(home.iterancestors())
    out = list(paragraphs)
    before: list[str] = []
    after: list[str] = []
    seen_home = False
    for el in twins:
        if el is home:
            seen_home = True
            continue
        if any(isinstance(a.tag, str) and a.tag in _NOT_STORY for a in el.iterancestors()):
            continue
        texts = [t for p in _PARAGRAPHS(el) if (t := block_text(p))]
        if not texts:
            continue
        keys = [text_key(t) for t in texts]
        held = [bool(k) and k in hay for k in keys]
        if (any(held) or max(len(t) for t in texts) >= _MIN_PARAGRAPH) and _listed(el, home_line):
            continue
        if any(held):
            # A part the body holds in part (at least half): its other real paragraphs (blocks none of the
            # candidates kept), each after the one it follows in the page.
            if sum(held) < len(held) / 2:
                continue
            anchor = -1
            for t, k, h in zip(texts, keys, held, strict=True):
                if h:
                    anchor = next((i for i, x in enumerate(out) if k in text_key(x)), anchor)
                elif len(t) >= _MIN_PARAGRAPH and anchor >= 0:
                    anchor += 1
                    out.insert(anchor, t)
            continue
        if max(len(t) for t in texts) < _MIN_PARAGRAPH or sum(len(t) for t in texts) / len(texts) < _MIN_MEAN:
            continue
        (after if seen_home else before).extend(texts)
    return [*before, *out, *after]
