"""What the generic extractor's stages share: the fields it fills, its provenance value, text keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

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
