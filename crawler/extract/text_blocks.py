"""Reading an article from the text blocks of a page (a text dump, one block per line, in page order).

A page read without its markup still has an order every news page follows: the headline, a line
with the section and the publication time, the teaser, then the story (opened by a dateline or a
byline) and the lines around it (tags, sidebar headings). :func:`load_text_blocks` maps the blocks
onto Article fields through an :class:`~crawler.extract.loader.ArticleLoader`, so the same processors and
boilerplate rules clean them as on a parsed page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from crawler.extract import boilerplate
from crawler.extract import clean as p
from crawler.extract.loader import ArticleLoader

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
# A site's own rules named with these prefixes close it too (``sidebar_heading_az_ru``: "Son xəbərlər").
_STORY_END_RULES = ("tags_label", "sidebar_heading")
_META_LINE_WINDOW = 12
# A tag written one per line under an empty "Tags:" label (a dump of <ul><li>tag</li>...): a short line.
_MAX_TAG_WORDS = 5
_MAX_TAG_CHARS = 50
# A section name on its own line above the date line (a dump with one line per element): a few words.
_MAX_SECTION_WORDS = 3
# Today's stories show only the time: "Maliyyə Materiallar 14:05 (UTC+04)" (the offset makes it a date line).
_TIME_WITH_OFFSET = re.compile(
    r"(?<![\d:])\d{1,2}:\d{2}\s*\(\s*(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)$", re.IGNORECASE
)


class _Line(NamedTuple):
    text: str
    end: bool
    """The line closes the story (tag list, sidebar heading)."""
    after_blank: bool
    """An empty block came before it: the dump's break between page parts."""


def _closes_story(rule: str | None) -> bool:
    return rule is not None and rule.startswith(_STORY_END_RULES)


def _tags_after(lines: list[_Line], at: int, rules: boilerplate.Rules) -> list[str]:
    """The short lines right under an empty ``Tags:`` line at ``at``, up to a sidebar heading, longer line or gap."""
    tags = []
    for line in lines[at + 1 :]:
        text = line.text
        if line.after_blank or _closes_story(rules.match(text)) or _TAGS_LINE.match(text):
            break
        if len(text) > _MAX_TAG_CHARS or len(text.split()) > _MAX_TAG_WORDS or text.endswith((".", "!", "?")):
            break
        tags.append(text)
    return tags


def _date_span(text: str) -> tuple[int, int] | None:
    """Where a line's publication time sits, when the line ends with it: a written date, or a time with its offset."""
    if len(text) > _MAX_META_LINE:
        return None
    span = p.find_date(text)
    if span and not text[span[1] :].strip():
        return span
    m = _TIME_WITH_OFFSET.search(text)
    return (m.start(), m.end()) if m else None


def _is_section_line(text: str, before: str) -> bool:
    """A short label line (``Azerbaijan``) under a longer line: the section, with the headline above it."""
    words = text.split()
    return (
        len(words) <= _MAX_SECTION_WORDS
        and not text.endswith((".", "!", "?", ":"))
        and len(before.split()) > len(words)
    )


def load_text_blocks(loader: ArticleLoader, blocks: Sequence[str]) -> Any:
    """Text blocks of one article page, in order -> the loaded Article (see the module doc).

    The first short line ending in a written date or a time with its UTC offset (among the first
    blocks) gives ``date_published`` and, before the date, ``section``; the block before it is the
    ``headline`` (with no such line: the first block that is not boilerplate). A date line without
    a section may sit under a short section line of its own, the headline above that. The blocks
    between the date line and the story's opening (dateline, byline or repeated headline) are the
    ``description``; the story runs from there to the tag list or the first sidebar heading (the
    loader then takes the dateline, byline and editor lines out of it). A tags line after the
    headline gives ``tags``: the tags after the label, else the short lines right under it up to a
    sidebar heading (``[]`` when there are none).
    """
    rules: boilerplate.Rules = loader.context.get("boilerplate") or boilerplate.DEFAULT_RULES
    lines: list[_Line] = []
    blank = False
    for block in blocks:
        text = p.clean_text(block)
        if not text:
            blank = True
            continue
        rule = "tags_label" if _TAGS_LINE.match(text) else rules.match(text)
        if _closes_story(rule):
            lines.append(_Line(text, True, blank))
        elif rule is None:
            lines.append(_Line(text, False, blank))
        blank = False
    content = [i for i, line in enumerate(lines) if not line.end]
    if not content:
        return _finish(loader, False)

    meta_at = None
    section_line = False
    for i in content[1:_META_LINE_WINDOW]:
        text = lines[i].text
        if span := _date_span(text):
            meta_at = i
            loader.add_value("date_published", text[span[0] :])
            if section := _section_of(text[: span[0]], rules):
                loader.add_value("section", section)
            else:
                above = [j for j in content if j < i]
                if len(above) >= 2 and _is_section_line(lines[above[-1]].text, lines[above[-2]].text):
                    loader.add_value("section", lines[above[-1]].text)
                    section_line = True
            break
    if meta_at is not None:
        above = [i for i in content if i < meta_at]
        head_at = above[-2] if section_line else above[-1]
    else:
        head_at = content[0]
    headline = lines[head_at].text
    loader.add_value("headline", headline)

    start = (meta_at if meta_at is not None else head_at) + 1
    story_end = next((i for i in range(start, len(lines)) if lines[i].end), len(lines))
    rest = [line.text for line in lines[start:story_end]]
    if meta_at is not None:
        opening = next((j for j, t in enumerate(rest) if _is_story_opening(t, headline, rules)), None)
        if opening:
            loader.add_value("description", " ".join(rest[:opening]))
            rest = rest[opening:]
    loader.add_value("article_body", rest)

    tags_seen = False
    for at in range(head_at + 1, len(lines)):
        if m := _TAGS_LINE.match(lines[at].text):
            tags_seen = True
            if m.group("tags").strip():
                loader.add_value("tags", m.group("tags"))
            else:
                loader.add_value("tags", _tags_after(lines, at, rules))
            break
    return _finish(loader, tags_seen)


def _finish(loader: ArticleLoader, tags_seen: bool) -> Any:
    item = loader.load_item()
    if tags_seen and getattr(item, "tags", None) is None:
        item.tags = []
    return item
