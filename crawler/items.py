"""The Article item. Field names follow schema.org NewsArticle, in snake_case."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1.1.0"
"""1.1.0: ``url`` is the URL exactly as fetched (query and tracking parameters kept, no entity decoding);
``canonical_url`` is the cleaned one; ``cluster_id`` (near-duplicate clusters) added; a date may be the day
alone when the page states no time. 1.0.0: ``url`` had tracking
parameters removed."""


class Provenance(str, Enum):
    """Where a field's value came from (``Article.extraction``); the JSON Schema lists these values.

    The order of the members is not the precedence: that is :data:`crawler.extract.chain.PRECEDENCE`.
    """

    SITE = "site"
    """The site spider's ``selectors`` (its own markup rules)."""
    SITE_LATE = "site-late"
    """The site spider's ``late_selectors``: visible markup ranked below JSON-LD, above ``<meta>``."""
    JSONLD = "jsonld"
    """The page's JSON-LD (NewsArticle & co.)."""
    META = "meta"
    """``<meta>``/``<link>``/``<html lang>``: OpenGraph, ``article:*``, Dublin Core."""
    BODY = "body"
    """Taken from the story's own lines (dateline, byline, editor) when cleaning the body."""
    GENERIC = "generic"
    """The generic extractor's heuristics (main content, ``<h1>``, the byline)."""


@dataclass
class Article:
    """A news article, as exported (one JSON object per article, fields in this order).

    All fields default to None: the loader builds ``Article()`` bare and fills what it found.
    """

    url: str | None = None
    """The URL the page was fetched from, after redirects, exactly as fetched (``WARC-Target-URI`` on a
    re-parse): query and tracking parameters kept. Required. Dedupe keys use its normalised form."""
    canonical_url: str | None = None
    """``rel=canonical`` (or og:url), absolute, tracking parameters removed."""
    headline: str | None = None
    """The story's title as shown on the page, without the "| Site" suffix of ``<title>``. Required."""
    description: str | None = None
    """The site's teaser / lead, not the first body paragraph."""
    article_body: str | None = None
    """Plain text of the story only; paragraphs (and sub-headings) separated by one blank line. Required."""
    authors: list[str] | None = None
    """Names of the writers, in page order, without "By" and without the agency."""
    date_published: str | None = None
    """ISO 8601 with the UTC offset the page states, e.g. ``2014-06-18T14:32:00+04:00``; never naive. A page
    that states only the day (no time, no offset anywhere) gives the day alone, ``2014-06-18``."""
    date_modified: str | None = None
    """ISO 8601, as ``date_published``."""
    section: str | None = None
    """The section (schema.org articleSection), e.g. ``Azerbaijan``."""
    tags: list[str] | None = None
    """Keywords / topics of the story (schema.org keywords)."""
    in_language: str | None = None
    """BCP 47 language tag, e.g. ``en``, ``az``, ``pt-BR``."""
    publisher: str | None = None
    """The publishing organisation or agency named on the page, e.g. ``Trend``."""
    dateline: str | None = None
    """Place and date line that opens the story, e.g. ``Baku, Azerbaijan, June 18``."""
    editor: str | None = None
    """Editor named at the end of the story, e.g. ``CN`` from "Edited by CN"."""
    main_image: str | None = None
    """Absolute URL of the lead image."""
    spider: str | None = None
    """Name of the spider that produced the article (provenance)."""
    fetched_at: str | None = None
    """When the page was fetched, ISO 8601 in UTC (provenance)."""
    extraction: dict[str, str] | None = None
    """Where each field came from: field -> a :class:`Provenance` value (``site``, ``site-late``, ``jsonld``...)."""
    revision: int | None = None
    """1 for the first export of a URL; 2, 3... when a changed version of the story is exported again."""
    cluster_id: str | None = None
    """Near-duplicate cluster: lightly edited copies of one story (other URLs, other sites) share it (16 hex digits)."""


ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
REQUIRED_FIELDS: tuple[str, ...] = ("url", "headline", "article_body")

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "article.schema.json"
"""JSON Schema (draft 2020-12) of one exported Article; its ``version`` is :data:`SCHEMA_VERSION`."""


def article_schema() -> dict[str, Any]:
    """The exported record's JSON Schema, as a dict."""
    return dict(json.loads(SCHEMA_PATH.read_text("utf-8")))
