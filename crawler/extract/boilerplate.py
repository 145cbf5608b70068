"""Paragraphs that are never article text, on any site (grouped by kind).

A site extends the shared rules with its own: ``DEFAULT_RULES.extend(promo=r"^Listen to this story")``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

PARAGRAPH_PATTERNS: dict[str, str] = {
    # "Tags:", "Tags: Azerbaijan, Russia", "Keywords:"
    "tags_label": r"^(tags|keywords|topics|related topics|themen|etiquetas|mots-clés|теги|etiketler)\s*:.{0,300}$",
    # sidebar headings: "Latest", "Most read", "Related"
    "sidebar_heading": r"^(latest|latest news|most read|most popular|popular|related|related news|related articles|"
    r"more news|more stories|top stories|trending|editor's picks|recommended|you may also like|also read)\s*:?$",
    "read_more": r"^(read more|read also|see also|related|also read|more|more on this|click here)\b\s*[:>»›-].{0,200}$"
    r"|^(read more|continue reading|read the full story)\s*[.…»›>]*$",
    # share buttons, one per line: "Facebook", "X" (Twitter's name since 2023), "WhatsApp"
    "share": r"^(share|share this|share on \w+|share this article|share this story|tweet|email|print|copy link|"
    r"facebook|twitter|x|whatsapp|telegram|linkedin|pinterest)(\s*[|/·•]\s*\w+)*\s*:?$",
    "advertisement": r"^(advertisement|advertising|sponsored|anzeige|publicité|publicidad|реклама|ad)\s*:?$",
    "newsletter": r"^(sign up|subscribe)\b.{0,120}(newsletter|updates|inbox|alerts?)\b.{0,80}$"
    r"|^subscribe( now| today)?[.!]?$",
    "follow_us": r"^follow (us|\w+) on\b.{0,120}$|^(join|follow) (us|our \w+ channel)\b.{0,80}$",
    "photo_credit": r"^(photo|image|foto|picture|file photo)\s*:\s*.{0,150}$",
    "copyright": r"^(©|\(c\)|copyright)\s*\d{0,4}.{0,150}$",
}


@dataclass
class Rules:
    """A set of named paragraph patterns; a paragraph matching any one is boilerplate."""

    patterns: dict[str, str] = field(default_factory=dict)
    drop_repeated_headline: bool = True

    def __post_init__(self) -> None:
        self._compiled = [(name, re.compile(p, re.IGNORECASE)) for name, p in self.patterns.items()]

    def extend(self, **patterns: str) -> Rules:
        """A new rule set: these rules plus the given ``name=regex`` ones (a site's own junk)."""
        return Rules({**self.patterns, **patterns}, self.drop_repeated_headline)

    def match(self, text: str, headline: str | None = None) -> str | None:
        """Name of the first rule the paragraph matches, or None."""
        stripped = text.strip()
        if not stripped or not any(ch.isalnum() for ch in stripped):
            return "empty"
        if self.drop_repeated_headline and headline and _same_text(stripped, headline):
            return "repeated_headline"
        for name, rx in self._compiled:
            if rx.search(stripped):
                return name
        return None

    def is_boilerplate(self, text: str, headline: str | None = None) -> bool:
        return self.match(text, headline) is not None


_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=256)
def _text_key(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip().casefold()


def _same_text(a: str, b: str) -> bool:
    # A story paragraph many times the headline's length cannot be the headline (checked on every paragraph).
    if len(a) > 4 * len(b) + 100:
        return False
    return _NON_WORD.sub(" ", a).strip().casefold() == _text_key(b)


DEFAULT_RULES = Rules(PARAGRAPH_PATTERNS)
