"""What the generic extractor's stages share: the fields it fills, its provenance value, text keys."""

from __future__ import annotations

import re
import unicodedata
import weakref
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from lxml import etree

from crawler.extract.clean.text import normalize_space
from crawler.items import Provenance

GENERIC = Provenance.GENERIC.value
"""Provenance of a value found by the generic extractor's own heuristics (body, ``<h1>``, byline)."""

FIELDS: tuple[str, ...] = (
    "headline", "description", "article_body", "authors", "date_published", "date_modified", "section",
    "tags", "in_language", "publisher", "main_image", "canonical_url",
)  # fmt: skip

_NON_WORD = re.compile(r"[\W_]+")


def norm_text(text: str) -> str:
    """Text -> NFC, whitespace runs (NBSP, zero-width space included) as one space, stripped."""
    return unicodedata.normalize("NFC", normalize_space(text))


@lru_cache(maxsize=2048)
def text_key(text: str) -> str:
    """Text -> a comparison key: no markup entities, no case, no punctuation spacing differences, no soft hyphens
    (``&shy;`` only marks where a word may break: one extractor keeps it, another drops it)."""
    if "\xad" in text:
        text = text.replace("\xad", "")
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})


def ascii_key(key: str) -> str:
    """A text key as a host or an account name spells it: "süddeutsche zeitung" -> "sueddeutsche zeitung",
    "élysée" -> "elysee"."""
    folded = key.translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


_OWN_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")


def block_text(el: Any) -> str:
    """An element's text (scripts and styles left out), whitespace-normalised."""
    return norm_text("".join(str(t) for t in _OWN_TEXT(el)))


_T = TypeVar("_T")


def per_page(fn: Callable[..., _T]) -> Callable[..., _T]:
    """Cache ``fn(root, ...)`` per parsed page (weakly: it goes with the tree); a value must not hold the tree."""
    cache: weakref.WeakKeyDictionary[Any, _T] = weakref.WeakKeyDictionary()

    @wraps(fn)
    def cached(root: Any, *args: Any) -> _T:
        try:
            return cache[root]
        except (KeyError, TypeError):
            pass
        value = fn(root, *args)
        try:
            cache[root] = value
        except TypeError:
            pass
        return value

    return cached


_HIDDEN = frozenset({"script", "style", "noscript", "template"})
_BODY = etree.XPath("//body")


class _TextIndex:
    """The body's texts (an element's text and tails, scripts and styles left out) joined in one string, a
    newline between them, to find where a run of words is written, or whether the page holds control
    characters: one walk a page."""

    def __init__(self, root: Any) -> None:
        self.owners: list[Any] = []  # the element whose text (or the child whose tail) each piece is
        self.starts: list[int] = []
        pieces: list[str] = []
        at = 0

        def add(owner: Any, text: str) -> None:
            nonlocal at
            self.owners.append(owner)
            self.starts.append(at)
            pieces.append(text)
            at += len(text) + 1

        for body in _BODY(root)[:1]:
            hidden = {d for h in body.iter(*_HIDDEN) for d in h.iterdescendants()}
            for el in body.iter():
                if hidden and el in hidden:
                    continue
                if el.text and isinstance(el.tag, str) and el.tag not in _HIDDEN:
                    add(el, el.text)
                if el.tail and el is not body:
                    add(el.getparent(), el.tail)
        self.text = "\n".join(pieces)

    def having(self, snippet: str) -> list[Any]:
        """The elements whose own text (or a child's tail) holds ``snippet``, in page order."""
        out = []
        at = self.text.find(snippet)
        while at >= 0:
            out.append(self.owners[bisect_right(self.starts, at) - 1])
            at = self.text.find(snippet, at + 1)
        return out


@per_page
def text_index(root: Any) -> _TextIndex:
    """The page's :class:`_TextIndex` (built once per parsed page)."""
    return _TextIndex(root)
