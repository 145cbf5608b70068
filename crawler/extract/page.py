"""The page, parsed once: its tree (the response's own selector), when it was fetched, and what every
extraction stage learns about it (rule results, ``<meta>`` attributes, metadata), kept per parsed tree.

Every stage of :mod:`crawler.extract.chain` (site rules, metadata, the generic extractor, cleaning)
reads the same :class:`Page`; nothing parses the HTML a second time.
"""

from __future__ import annotations

import weakref
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree
from scrapy.http import Response, TextResponse

from crawler.extract.clean.dates import parse_date

META_CRAWL_DATE = "news_crawl_date"
"""Request/response meta key: when the page was fetched (a datetime); WARC-Date on a re-parse."""


def crawl_date(response: Response) -> datetime:
    """When the response was fetched: meta ``news_crawl_date``, else its ``Date`` header, else now (UTC)."""
    value = response.meta.get(META_CRAWL_DATE) if response.request is not None else None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        parsed = parse_date(value, "UTC")
        if parsed:
            return parsed
    header = response.headers.get(b"Date")
    if header:
        try:
            dated = parsedate_to_datetime(header.decode("latin-1"))
        except (TypeError, ValueError):
            dated = None
        if dated is not None and dated.tzinfo is not None:
            return dated
    return datetime.now(timezone.utc)


class Page:
    """Per parsed page: rule -> values, the attributes of the simple rules' tags' elements, the page metadata."""

    __slots__ = ("__weakref__", "elements", "metadata", "values")

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.elements: dict[str, list[dict[str, str]]] | None = None
        self.metadata: dict[str, tuple[str, Any]] | None = None


_PAGES: weakref.WeakKeyDictionary[Any, Page] = weakref.WeakKeyDictionary()


def page_of(response: TextResponse) -> Page | None:
    """The :class:`Page` of the response's parsed tree (None when the tree is not an lxml element)."""
    root = response.selector.root
    if not isinstance(root, etree._Element):
        return None
    page = _PAGES.get(root)
    if page is None:
        page = _PAGES[root] = Page()
    return page
