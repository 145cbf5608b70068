"""Generic extraction: an Article from any news page, without site rules.

One lxml parse per page (the response's own selector tree) is shared by the metadata reader
(:func:`crawler.extract.metadata.page_metadata`), the main-content extractor (trafilatura, which copies the
tree it is given) and our cleaning (:func:`crawler.extract.clean.split_body` via the loader).

- metadata: JSON-LD (``NewsArticle`` & co., ``@graph``, lists), OpenGraph, ``article:*``, Dublin
  Core, ``<time datetime>``, ``rel=canonical``, ``<html lang>``;
- headline: the text JSON-LD ``headline``, the page title (without its "| Site" tail) and the
  ``<h1>`` agree on (:func:`headline`); publication time with the offset the page states
  (:func:`published_date`); authors from metadata, else the marked-up byline;
- body: trafilatura's main content; where the page publishes JSON-LD ``articleBody``, the page's
  text blocks that the ``articleBody`` contains (it is the publisher's own statement of the story,
  but usually without paragraph breaks), when they cover it and it is not a teaser; for
  client-rendered pages, the story's HTML in the inline script data; then :func:`trim_story`.

One module per topic (:mod:`.body`, :mod:`.headline`, :mod:`.authors`, :mod:`.persons`, :mod:`.dates`). Entry point:
:func:`generic_values` (raw values with provenance), called by :mod:`crawler.extract.chain` for the
fields a site's rules miss, and for every field of a page whose host has no site rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy.http import TextResponse

from crawler.extract.generic.authors import page_authors
from crawler.extract.generic.body import body_paragraphs, trafilatura_paragraphs
from crawler.extract.generic.common import FIELDS, GENERIC, text_key
from crawler.extract.generic.containers import continued
from crawler.extract.generic.dates import GenericLoader, published_date
from crawler.extract.generic.ensemble import ensemble_body, readability_paragraphs
from crawler.extract.generic.headline import first_title, h1_texts, headline, title_variants
from crawler.extract.generic.meta import complete
from crawler.extract.generic.meta import published_date as meta_published_date
from crawler.extract.generic.standfirst import standfirst
from crawler.extract.metadata import DESCRIPTION_META, is_article_page, json_ld_article, meta_values
from crawler.extract.rules import cached_metadata

__all__ = [
    "FIELDS",
    "GENERIC",
    "GenericLoader",
    "body_paragraphs",
    "generic_values",
    "headline",
    "looks_like_article",
    "page_authors",
    "published_date",
    "trafilatura_paragraphs",
]


def generic_values(
    response: TextResponse, fields: Iterable[str] = FIELDS, tz: Any = None, *, quick: bool = False
) -> dict[str, tuple[str, Any]]:
    """Raw Article field values for a page, ``field -> (source, value)``, for the requested fields.

    ``source`` is ``jsonld``, ``meta`` or ``generic``; values go through the loader's processors.
    ``quick``: the body from byline's own candidate only (the recall guard's second opinion), not the
    ensemble vote (:func:`crawler.extract.generic.ensemble.ensemble_body`, several extractors).
    """
    wanted = set(fields)
    selector = response.selector
    # A site spider falling back here has read the page's metadata already: reuse it.
    meta = cached_metadata(response)
    out: dict[str, tuple[str, Any]] = {f: v for f, v in meta.items() if f in wanted and f != "article_body"}
    ld = json_ld_article(selector) if wanted & {"headline", "date_published", "article_body"} else None
    if "headline" in wanted:
        ld_headline = ld.get("headline") if ld else None
        found = headline(selector, ld_headline if isinstance(ld_headline, str) else None, response.url)
        if found:
            out["headline"] = found
    if "authors" in wanted:
        ld = ld if ld is not None else json_ld_article(selector)
        authors = page_authors(selector, out.pop("authors", None), ld, response.url)
        if authors:
            out["authors"] = authors
    if "date_published" in wanted:
        out.pop("date_published", None)
        date = meta_published_date(selector, ld, tz, response.url)
        if date:
            out["date_published"] = (date[0], date[1].isoformat())
    if "article_body" in wanted:
        ld_body = ld.get("articleBody") if ld else None
        titles = [
            t
            for t in (ld.get("headline") if ld else None, *first_title(selector), *h1_texts(selector)[:2])
            if isinstance(t, str)
        ]
        names: Any = meta.get("authors", (None, []))[1]
        names = [names] if isinstance(names, str) else [n for n in names or [] if isinstance(n, str)]
        source, paragraphs = (body_paragraphs if quick else ensemble_body)(
            selector.root, response.url, ld_body if isinstance(ld_body, str) else None, titles, names
        )
        if paragraphs and not quick:
            paragraphs = continued(selector.root, paragraphs)
            ld_description = ld.get("description") if ld else None
            descriptions = [
                d for d in (ld_description, *meta_values(selector, *DESCRIPTION_META)) if isinstance(d, str)
            ]
            lead = standfirst(selector.root, descriptions, paragraphs, titles)
            if lead:
                paragraphs = [lead, *paragraphs]
        if paragraphs:
            out["article_body"] = (source, paragraphs)
    complete(response, out, wanted)
    return out


def looks_like_article(response: TextResponse, min_chars: int = 400) -> bool:
    """Metadata says article, or the main content holds at least ``min_chars`` of text (trafilatura's, else
    readability's: a page trafilatura discards is still a story when readability finds one)."""
    if is_article_page(response.selector):
        return True
    root = response.selector.root
    chars = sum(len(p) for p in trafilatura_paragraphs(root, response.url))
    if chars < min_chars:
        chars = max(chars, sum(len(p) for p in readability_paragraphs(root)))
    # A short story (a brief, a blog post of a few lines) is one when its <h1> is the page's title.
    return chars >= min_chars or chars >= min_chars // 2 and _titled(response)


def _titled(response: TextResponse) -> bool:
    """Does the page's first ``<h1>`` say what its title says (without the title's "| Site" tail)?"""
    h1 = h1_texts(response.selector)[:1]
    return bool(h1) and any(
        text_key(h1[0]) == text_key(v) for t in first_title(response.selector) for v in title_variants(t)
    )
