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
from lxml import html as lxml_html
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.selector import Selector

from crawler.extract.clean.dates import parse_date
from crawler.extract.clean.lists import base_url

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
    """Per parsed page: rule -> values, the page metadata (tag attributes: :func:`crawler.extract.metadata.tag_index`)."""

    __slots__ = ("__weakref__", "metadata", "values")

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.metadata: dict[str, tuple[str, Any]] | None = None


_PAGES: weakref.WeakKeyDictionary[Any, Page] = weakref.WeakKeyDictionary()

_UTF8_HTML = lxml_html.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
"""parsel's HTML parser, told the bytes are UTF-8 (one parser, reused page after page)."""


def parse_page(response: TextResponse) -> None:
    """Parse a UTF-8 HTML page from its bytes into the response's selector, before anything asks for it.

    Scrapy's selector decodes the body to text and parsel encodes that text back to UTF-8 for lxml: two
    copies of the page (about 40% of the parse) for the same tree. A page in another encoding, or one
    already parsed, is left to Scrapy. The tree is the one parsel builds: same parser, same stripped body,
    the same base URL (a ``<base href>`` in the first 4 kB), invalid bytes replaced as the decoder would.
    """
    if response._cached_selector is not None or type(response) is not HtmlResponse:  # type: ignore[attr-defined]
        return
    if response.encoding != "utf-8":
        return
    body = response.body
    if body[:1].isspace() or body[-1:].isspace():
        body = body.strip()
    if b"\x00" in body:
        body = body.replace(b"\x00", b"")
    body = body or b"<html/>"
    base = base_url(response)
    root = etree.fromstring(body, parser=_UTF8_HTML, base_url=base)
    if root is None:  # only comments or whitespace
        root = etree.fromstring(b"<html/>", parser=_UTF8_HTML, base_url=base)
    response._cached_selector = Selector(root=root, type="html")  # type: ignore[attr-defined]


def page_of(response: TextResponse) -> Page | None:
    """The :class:`Page` of the response's parsed tree (None when the tree is not an lxml element)."""
    parse_page(response)
    root = response.selector.root
    if not isinstance(root, etree._Element):
        return None
    page = _PAGES.get(root)
    if page is None:
        page = _PAGES[root] = Page()
    return page
