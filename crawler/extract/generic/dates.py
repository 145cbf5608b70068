"""Generic extraction, the publication date: with the offset the page states, never an invented one."""

from __future__ import annotations

from crawler.items import Provenance

JSONLD, META = Provenance.JSONLD.value, Provenance.META.value

import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from itemloaders.processors import Identity, MapCompose
from lxml import etree
from parsel import Selector

from crawler.extract import clean as processors
from crawler.extract.generic.authors import FIRST_ARTICLE, NOT_BYLINE_AREA
from crawler.extract.generic.common import GENERIC, block_text
from crawler.extract.loader import ArticleLoader
from crawler.extract.metadata import meta_names, meta_values

_DATE_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "publication_date",
    "publication-date", "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date.created", "dc.date",
    "citation_publication_date", "citation_date", "prism.publicationdate", "parsely-pub-date",
    "sailthru.date", "date",
)  # fmt: skip
"""Publication ``<meta>`` names, lower case (pages write ``DC.Date.Issued``, ``dc.date.issued``...), in order."""


_DATE_MARKUP = etree.XPath(
    "/html/body//@itemprop[. = 'datePublished']/../@*[name() = 'content' or name() = 'datetime'] | "
    "/html/body//@property[. = 'schema:datePublished' or . = 'datePublished' or . = 'schema:dateCreated' or "
    ". = 'dc:date' or . = 'dc:created' or . = 'dcterms:created']/../@*[name() = 'content' or name() = 'datetime'] | "
    # hAtom: <abbr class="published" title="2024-05-13T10:00:00+02:00">
    "/html/body//*[contains(concat(' ', normalize-space(@class), ' '), ' published ')]/@title"
)
# Microdata whose value is the element's text: <span itemprop="datePublished">2024-05-13T10:00:00+02:00</span>.
_DATE_MARKUP_TEXT = etree.XPath("/html/body//*[@itemprop = 'datePublished'][not(@content) and not(@datetime)]")
_TIME_DATETIME = etree.XPath("//time/@datetime")
_ARTICLE_TIMES = etree.XPath(".//time/@datetime")


def published_date(selector: Selector, ld: dict[str, Any] | None, tz: Any = None) -> tuple[str, datetime] | None:
    """The publication time: ``(source, aware datetime)``; None when no candidate states or implies an offset.

    Candidates in order: JSON-LD ``datePublished``/``dateCreated``, publication ``<meta>`` tags (names in any
    case), microdata/RDFa, ``<time datetime>``, microdata text. The first readable one (of a plausible year)
    wins; when it has no offset, another candidate stated with its offset gives the time: the same wall-clock
    time (for the day alone, the first one on that day), else the same event written in another zone (same
    non-zero seconds, whole quarter hours apart); else the offset comes from the page's other stated times that
    are not UTC (its modification time...), else from ``tz``; never invented.
    """
    raws: list[tuple[str, Any]] = []
    if ld:
        raws += [(JSONLD, ld.get("datePublished")), (JSONLD, ld.get("dateCreated"))]
    by_name: dict[str, list[str]] = {}
    for name in meta_names(selector):
        by_name.setdefault(name.casefold(), []).append(name)
    for name in _DATE_META:
        raws += [(META, v) for v in meta_values(selector, *by_name.get(name, []))]
    raws += [(META, v) for v in _parsely_dates(meta_values(selector, *by_name.get("parsely-page", [])))]
    # Microdata and RDFa on any element: <time itemprop="datePublished" datetime>, <span property="schema:dateCreated" content>.
    raws += [(META, str(v)) for v in _DATE_MARKUP(selector.root)]
    # <time datetime>: the story's own (inside its <article>) before the page's (tickers, related stories).
    article = next(iter(FIRST_ARTICLE(selector.root)), None)
    times = [str(v) for v in _ARTICLE_TIMES(article)] if article is not None else []
    raws += [(META, v) for v in times + [str(v) for v in _TIME_DATETIME(selector.root) if str(v) not in times]]
    raws += [(META, block_text(el)) for el in _DATE_MARKUP_TEXT(selector.root)[:2]]
    # Any other <meta> naming a publication time ("cXenseParse:publishtime", "article.published"...).
    others = [n for n in meta_names(selector) if "publish" in n.casefold() and n.casefold() not in _DATE_META]
    raws += [(META, v) for v in meta_values(selector, *others)]
    parsed = _parse_dates(raws)
    if not any(stated for _, _, stated, _ in parsed):
        # No stated offset in the markup: the visible date line may state one ("9 January 2024, 14:05 GMT+2").
        parsed += _parse_dates([(GENERIC, t) for t in _visible_dates(selector)])
    if not parsed:
        return None
    source, first, has_offset, timed = parsed[0]
    if has_offset:
        return source, first
    naive = first.replace(tzinfo=None)
    for src, dt, stated, _ in parsed[1:]:
        # The same wall-clock time stated with its offset; for the day alone ("2019-12-23"), the first time
        # stated with its offset on that day.
        if stated and (dt.replace(tzinfo=None) == naive if timed else dt.date() == naive.date()):
            return src, dt
    for src, dt, stated, _ in parsed[1:]:
        # The same event written in another zone: the same non-zero seconds, a whole quarter hour apart.
        shift = dt.replace(tzinfo=None) - naive
        if stated and timed and naive.second and dt.second == naive.second and _quarter_hours(shift):
            return src, dt
    # Another time's offset, when it is not UTC's: a CMS writing times in UTC says nothing of the local clock.
    offsets = [dt.tzinfo for _, dt, stated, _ in parsed if stated and dt.utcoffset()]
    offsets += _page_offsets(ld)
    zone = offsets[0] if offsets else processors.as_tzinfo(tz)
    if zone is None:
        return None
    return source, processors.aware(naive, zone) or naive.replace(tzinfo=zone)


def _quarter_hours(shift: timedelta) -> bool:
    return abs(shift) <= timedelta(hours=14) and shift % timedelta(minutes=15) == timedelta(0)


def _parsely_dates(values: Iterable[str]) -> list[str]:
    """``<meta name="parsely-page" content='{"pub_date": "2024-05-13T08:00:00Z", ...}'>`` -> its publication time."""
    out = []
    for value in values:
        try:
            data = json.loads(value)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("pub_date"), str):
            out.append(data["pub_date"])
    return out


# A time of day in a date string ("T10:00", "10:00", "10h00", "10.00 Uhr"); "2019-12-23" has none.
_TIMED = re.compile(r"(?<![\d.])\d{1,2}\s*[:h.]\s*\d{2}(?!\d)(?!\.\d)|^\d{9,}$")


def _parse_dates(raws: Iterable[tuple[str, Any]]) -> list[tuple[str, datetime, bool, bool]]:
    """``(source, raw)`` -> ``(source, datetime, has a stated offset, states a time of day)`` for the readable ones
    (naive ones as UTC wall time)."""
    parsed: list[tuple[str, datetime, bool, bool]] = []
    for source, raw in raws:
        if not isinstance(raw, str) or not raw.strip():
            continue
        aware = processors.parse_date(raw)
        wall = aware or processors.parse_date(raw, "UTC")
        # Not a misread id or epoch: a year between the early news sites and next year.
        if wall is not None and 1990 <= wall.year <= datetime.now().year + 1:
            parsed.append((source, wall, aware is not None, bool(_TIMED.search(raw))))
    return parsed


# The story's visible date line: <time> without datetime, or an element whose class names a date.
_VISIBLE_DATES = etree.XPath(
    "/html/body//time | /html/body//@class[contains(., 'date') or contains(., 'time') or contains(., 'publish')]/.."
)
# "Published: 9 January 2024", "Updated March 3, 2024": the words before the date.
_DATE_PREFIX = re.compile(
    r"^[^\d]*?(?=\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d)", re.IGNORECASE
)
_INLINE = frozenset({"span", "b", "strong", "em", "abbr", "time", "i"})


def _visible_dates(selector: Selector) -> list[str]:
    """The first few short date-like texts of the page, prefixes like "Published:" removed."""
    out: list[str] = []
    for el in _VISIBLE_DATES(selector.root):
        if len(out) >= 6:
            break
        if any(not isinstance(c.tag, str) or c.tag not in _INLINE for c in el) or NOT_BYLINE_AREA(el):
            continue
        text = block_text(el)
        if not 7 < len(text) < 80:
            continue
        text = _DATE_PREFIX.sub("", text)
        if text:
            out.append(text)
    return out


def _page_offsets(ld: dict[str, Any] | None) -> list[Any]:
    out = []
    for key in ("dateModified", "uploadDate"):
        raw = ld.get(key) if ld else None
        dt = processors.parse_date(raw) if isinstance(raw, str) else None
        if dt is not None and dt.utcoffset():
            out.append(dt.tzinfo)
    return out


def iso_exact(value: Any, loader_context: dict[str, Any] | None = None) -> str | None:
    """Loader input processor: a page date -> ISO 8601 keeping the fraction of a second the page states."""
    if isinstance(value, datetime):
        return value.isoformat() if value.tzinfo else None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # the day alone (generic.meta)
        return value
    ctx = loader_context or {}
    dt = processors.parse_date(value, ctx.get("timezone"), ctx.get("crawl_date"))
    return dt.isoformat() if dt else None


class GenericLoader(ArticleLoader):
    """The shared loader, with dates kept to the precision the page states (``12:00:29.055+00:00``)."""

    date_published_in = date_modified_in = MapCompose(iso_exact)
    # The body arrives as plain-text paragraphs (trafilatura's, the page's blocks, or html_to_text's);
    # ``load_item`` cleans each once more in ``split_body``.
    article_body_in = Identity()  # type: ignore[assignment]
