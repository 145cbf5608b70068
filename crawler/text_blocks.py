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
_TAGS_LINE = re.compile(r"^(?:tags|keywords|topics|etiketlər|teqlər|теги)\s*:\s*(?P<tags>.*)$", re.IGNORECASE)
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


# Rules whose lines close the story: the tag list and the sidebar headings ("Latest", "Related") below it.
_STORY_END_RULES = frozenset({"tags_label", "sidebar_heading"})
_META_LINE_WINDOW = 12


def load_text_blocks(loader: ArticleLoader, blocks: Sequence[str]) -> Any:
    """Text blocks of one article page, in order -> the loaded Article (see the module doc).

    The first short line ending in a written date (among the first blocks) gives ``date_published``
    and, before the date, ``section``; the block before it is the ``headline`` (with no such line:
    the first block that is not boilerplate). The blocks between the date line and the story's
    opening (dateline, byline or repeated headline) are the ``description``; the story runs from
    there to the tag list or the first sidebar heading (the loader then takes the dateline, byline
    and editor lines out of it). A tags line after the headline gives ``tags`` (``[]`` when empty).
    """
    rules: boilerplate.Rules = loader.context.get("boilerplate") or boilerplate.DEFAULT_RULES
    lines: list[tuple[str, bool]] = []  # (text, closes the story)
    for block in blocks:
        text = p.clean_text(block)
        if not text:
            continue
        rule = "tags_label" if _TAGS_LINE.match(text) else rules.match(text)
        if rule in _STORY_END_RULES:
            lines.append((text, True))
        elif rule is None:
            lines.append((text, False))
    content = [i for i, (_, end) in enumerate(lines) if not end]
    if not content:
        return _finish(loader, False)

    meta_at = None
    for i in content[1:_META_LINE_WINDOW]:
        text = lines[i][0]
        span = p.find_date(text)
        if span and len(text) <= _MAX_META_LINE and not text[span[1] :].strip():
            meta_at = i
            loader.add_value("date_published", text[span[0] :])
            if section := _section_of(text[: span[0]], rules):
                loader.add_value("section", section)
            break
    head_at = max(i for i in content if i < meta_at) if meta_at is not None else content[0]
    headline = lines[head_at][0]
    loader.add_value("headline", headline)

    start = (meta_at if meta_at is not None else head_at) + 1
    story_end = next((i for i in range(start, len(lines)) if lines[i][1]), len(lines))
    rest = [text for text, _ in lines[start:story_end]]
    if meta_at is not None:
        opening = next((j for j, t in enumerate(rest) if _is_story_opening(t, headline, rules)), None)
        if opening:
            loader.add_value("description", " ".join(rest[:opening]))
            rest = rest[opening:]
    loader.add_value("article_body", rest)

    tags_seen = False
    for text, _ in lines[head_at + 1 :]:
        if m := _TAGS_LINE.match(text):
            tags_seen = True
            if m.group("tags").strip():
                loader.add_value("tags", m.group("tags"))
            break
    return _finish(loader, tags_seen)


def _finish(loader: ArticleLoader, tags_seen: bool) -> Any:
    item = loader.load_item()
    if tags_seen and getattr(item, "tags", None) is None:
        item.tags = []
    return item
