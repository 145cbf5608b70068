"""Reading an article from the text blocks of a page (a text dump, one block per line, in page order).

A page read without its markup still has an order every news page follows: the headline, a line
with the section and the publication time, the teaser, then the story (opened by a dateline or a
byline) and the lines around it (tags, sidebar headings). :func:`load_text_blocks` maps the blocks
onto Article fields through an :class:`~crawler.loaders.ArticleLoader`, so the same processors and
boilerplate rules clean them as on a parsed page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from crawler import boilerplate
from crawler import processors as p
from crawler.loaders import ArticleLoader

# "Tags:", "Tags: Azerbaijan, Russia", "Keywords: ..." - the tag list, possibly empty.
_TAGS_LINE = re.compile(r"^(?:tags|keywords|topics|etiketlər|teqlər|теги)\s*:\s*(?P<tags>.*)$", re.I)
_MAX_META_LINE = 120


def _is_story_opening(text: str, headline: str | None, rules: boilerplate.Rules) -> bool:
    """A dateline, a byline, a ``BAKU, ... June 18. By X - Agency:`` lead, or the headline repeated."""
    if headline and rules.match(text, headline=headline) == "repeated_headline":
        return True
    return bool(p.parse_lead(text) or p.parse_dateline(text) or p.parse_byline(text))


def _section_of(prefix: str, rules: boilerplate.Rules) -> str | None:
    """``Azerbaijan Materials`` -> ``Azerbaijan``: words the site's rules call template labels are dropped."""
    words = [w for w in prefix.split() if rules.match(w) is None]
    return p.clean_text(" ".join(words))


def load_text_blocks(loader: ArticleLoader, blocks: Sequence[str]) -> Any:
    """Text blocks of one article page, in order -> the loaded Article (see the module doc).

    headline = the first block that is not boilerplate; the first short line ending in a written
    date gives ``date_published`` and, before the date, ``section``; the blocks between it and the
    story's opening are the ``description``; the rest is the body (the loader then takes the
    dateline, byline and editor lines out of it). A tags line gives ``tags`` (``[]`` when empty).
    """
    rules: boilerplate.Rules = loader.context.get("boilerplate") or boilerplate.DEFAULT_RULES
    tags_seen = False
    lines: list[str] = []
    for block in blocks:
        text = p.clean_text(block)
        if not text:
            continue
        if m := _TAGS_LINE.match(text):
            tags_seen = True
            if m.group("tags").strip():
                loader.add_value("tags", m.group("tags"))
            continue
        if rules.match(text) is not None:
            continue
        lines.append(text)
    if not lines:
        return _finish(loader, tags_seen)

    headline = lines[0]
    loader.add_value("headline", headline)
    rest = lines[1:]
    for i, text in enumerate(rest[:3]):
        span = p.find_date(text)
        if span and len(text) <= _MAX_META_LINE and not text[span[1] :].strip():
            loader.add_value("date_published", text[span[0] :])
            if section := _section_of(text[: span[0]], rules):
                loader.add_value("section", section)
            rest = rest[i + 1 :]
            opening = next((j for j, t in enumerate(rest) if _is_story_opening(t, headline, rules)), None)
            if opening:
                loader.add_value("description", " ".join(rest[:opening]))
                rest = rest[opening:]
            break
    loader.add_value("article_body", rest)
    return _finish(loader, tags_seen)


def _finish(loader: ArticleLoader, tags_seen: bool) -> Any:
    item = loader.load_item()
    if tags_seen and getattr(item, "tags", None) is None:
        item.tags = []
    return item
