"""Generic extraction: an Article from any news page, without site rules.

One lxml parse per page (the response's own selector tree) is shared by the metadata reader
(:func:`crawler.metadata.page_metadata`), the main-content extractor (trafilatura, which copies the
tree it is given) and our cleaning (:func:`crawler.processors.split_body` via the loader).

- metadata: JSON-LD (``NewsArticle`` & co., ``@graph``, lists), OpenGraph, ``article:*``, Dublin
  Core, ``<time datetime>``, ``rel=canonical``, ``<html lang>``;
- headline: the page's ``<h1>`` when it agrees with the metadata title, else the metadata title
  without its "| Site" suffix;
- body: trafilatura's main content; where the page publishes JSON-LD ``articleBody``, the page's
  text blocks that the ``articleBody`` contains (it is the publisher's own statement of the story,
  but usually without paragraph breaks), when they cover it.

Entry points: :func:`generic_values` (raw values with provenance, used by site spiders for the
fields their selectors miss) and :func:`extract_article` (a whole Article, used by the ``generic``
spider and by ``scrapy reparse`` for hosts without a spider).
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import timezone
from typing import Any

from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from crawler import boilerplate, processors
from crawler.items import Article
from crawler.loaders import ArticleLoader
from crawler.metadata import json_ld_article, page_metadata

logger = logging.getLogger(__name__)

GENERIC = "generic"
"""Provenance of a value found by the generic extractor's own heuristics (body, ``<h1>``, byline)."""

FIELDS: tuple[str, ...] = (
    "headline", "description", "article_body", "authors", "date_published", "date_modified", "section",
    "tags", "in_language", "publisher", "main_image", "canonical_url",
)  # fmt: skip

# Blocks of the page that can hold one paragraph of a story, for matching against articleBody.
_TEXT_BLOCKS = etree.XPath(
    "//body//*[self::p or self::h2 or self::h3 or self::h4 or self::li or self::blockquote or self::pre]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_BLOCK_NAMES = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "pre", "div", "ul", "ol", "table"})
_WS = re.compile(r"[\s\u00a0\u200b\u2009\u202f\ufeff]+")
_MIN_MATCH_CHARS = 12
"""A block shorter than this is not matched against articleBody (a word like "Politics" occurs anywhere)."""
_LD_COVERAGE = 0.8
"""Share of articleBody's text the matched blocks must cover to be used as the body."""


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", _WS.sub(" ", text)).strip()


def _key(text: str) -> str:
    """Text -> a comparison key: no markup entities, no case, no punctuation spacing differences."""
    return _WS.sub(" ", re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold())).strip()


_OWN_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")


def _block_text(el: Any) -> str:
    return _norm("".join(str(t) for t in _OWN_TEXT(el)))


# --- body -------------------------------------------------------------------------------------


def trafilatura_paragraphs(root: Any, url: str | None = None) -> list[str]:
    """lxml tree of a page -> the main content's paragraphs (and sub-headings) via trafilatura; [] if none."""
    from trafilatura import bare_extraction

    try:
        doc = bare_extraction(
            root, url=url, include_comments=False, include_tables=False, include_formatting=True, with_metadata=False
        )
    except (ValueError, TypeError, etree.LxmlError) as exc:  # trafilatura raises on odd trees
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return []
    body = getattr(doc, "body", None) if doc is not None else None
    if body is None:
        return []
    out: list[str] = []
    for el in body:
        if el.tag == "list":
            items = [el2 for el2 in el.iter("item")]
            out += [t for t in (_norm("".join(i.itertext())) for i in items) if t]
        else:
            text = _norm("".join(el.itertext()))
            if text:
                out.append(text)
    return out


def article_body_paragraphs(root: Any, article_body: str | None) -> list[str] | None:
    """The page's text blocks that JSON-LD ``articleBody`` contains, in page order; None when they do not cover it."""
    if not article_body:
        return None
    text = html_lib.unescape(article_body)
    if "<" in text and ">" in text:
        text = " ".join(processors.html_to_text(text) or [])
    ref = _key(text)
    if len(ref) < 200:
        return None
    chosen: list[Any] = []
    for el in _TEXT_BLOCKS(root):
        # The innermost block holding the text: skip a block whose child blocks will be visited.
        if any(isinstance(c.tag, str) and c.tag in _BLOCK_NAMES for c in el.iterdescendants()):
            continue
        t = _block_text(el)
        k = _key(t)
        if len(k) < _MIN_MATCH_CHARS or k not in ref:
            continue
        if chosen and any(a is el for a in chosen[-1].iterancestors()):
            continue
        chosen.append(el)
    paragraphs: list[str] = []
    seen: set[str] = set()
    covered = 0
    for el in chosen:
        t = _block_text(el)
        k = _key(t)
        if k in seen:  # the same paragraph in a teaser, a print version, a slideshow
            continue
        seen.add(k)
        covered += len(k)
        paragraphs.append(t)
    if covered < _LD_COVERAGE * len(ref):
        return None
    return paragraphs


def body_paragraphs(root: Any, url: str | None = None, article_body: str | None = None) -> tuple[str, list[str]]:
    """The story's paragraphs: ``(source, paragraphs)``, source ``jsonld`` or ``generic``."""
    from_ld = article_body_paragraphs(root, article_body)
    if from_ld:
        return "jsonld", from_ld
    return GENERIC, trafilatura_paragraphs(root, url)


# --- headline -----------------------------------------------------------------------------------


def _h1_texts(selector: Selector) -> list[str]:
    return [t for t in (_norm(" ".join(h.xpath(".//text()").getall())) for h in selector.xpath("//body//h1")) if t]


def headline(selector: Selector, meta_title: str | None) -> tuple[str, str] | None:
    """The story's headline: ``(source, text)``.

    The ``<h1>`` that equals (or is contained in) a metadata title wins, as metadata titles often
    carry a "| Site" suffix; else the metadata title, suffix removed; else the first ``<h1>``.
    """
    titles = [t for t in (meta_title, *_meta_titles(selector)) if t]
    h1s = _h1_texts(selector)
    keys = [_key(t) for t in titles]
    for h in h1s:
        hk = _key(h)
        if hk and any(hk == k or (len(hk) >= 15 and hk in k) for k in keys):
            return GENERIC, h
    if meta_title:
        return "meta", meta_title
    if h1s:
        return GENERIC, h1s[0]
    title = selector.xpath("//title/text()").get()
    stripped = processors.strip_site_suffix(title) if title else None
    return ("meta", stripped) if stripped else None


def _meta_titles(selector: Selector) -> list[str]:
    vals = selector.xpath(
        '//meta[@property="og:title" or @name="twitter:title" or @property="twitter:title"]/@content'
    ).getall()
    vals += selector.xpath("//title/text()").getall()
    return [_norm(v) for v in vals if v.strip()]


# --- all fields ---------------------------------------------------------------------------------


def generic_values(response: TextResponse, fields: Iterable[str] = FIELDS) -> dict[str, tuple[str, Any]]:
    """Raw Article field values for a page, ``field -> (source, value)``, for the requested fields.

    ``source`` is ``jsonld``, ``meta`` or ``generic``; values go through the loader's processors.
    """
    wanted = set(fields)
    selector = response.selector
    meta = page_metadata(selector)
    out: dict[str, tuple[str, Any]] = {f: v for f, v in meta.items() if f in wanted and f != "article_body"}
    if "headline" in wanted:
        meta_title = meta.get("headline", (None, None))[1]
        found = headline(selector, meta_title if isinstance(meta_title, str) else None)
        if found:
            source, text = found
            if source == "meta" and "headline" in meta:
                source = meta["headline"][0]
            out["headline"] = (source, text)
    if "article_body" in wanted:
        ld = json_ld_article(selector)
        ld_body = ld.get("articleBody") if ld else None
        source, paragraphs = body_paragraphs(selector.root, response.url, ld_body if isinstance(ld_body, str) else None)
        if paragraphs:
            out["article_body"] = (source, paragraphs)
    return out


def extract_article(
    response: TextResponse,
    spider: str = GENERIC,
    loader_class: type[ArticleLoader] = ArticleLoader,
    stats: Any = None,
    tz: str | None = None,
    rules: boilerplate.Rules | None = None,
) -> Article:
    """A page of any site -> an Article, with ``extraction`` provenance (field -> jsonld/meta/generic/body)."""
    from crawler.news_spider import crawl_date

    fetched = crawl_date(response)
    loader = loader_class(
        response=response, stats=stats, timezone=tz, crawl_date=fetched, boilerplate=rules or boilerplate.DEFAULT_RULES
    )
    loader.add_value("url", response.url)
    extraction: dict[str, str] = {}
    for field, (source, value) in generic_values(response).items():
        loader.add_value(field, value)
        if loader.get_collected_values(field):
            extraction[field] = source
    loader.add_value("spider", spider)
    loader.add_value("fetched_at", processors.format_iso8601(fetched.astimezone(timezone.utc)))
    item: Article = loader.load_item()
    for field in ("dateline", "publisher", "editor", "authors"):
        if getattr(item, field) and field not in extraction:
            extraction[field] = "body"
    item.extraction = {k: v for k, v in extraction.items() if getattr(item, k, None) not in (None, "", [])}
    return item


def looks_like_article(response: TextResponse, min_chars: int = 400) -> bool:
    """Metadata says article, or the main content holds at least ``min_chars`` of text."""
    from crawler.metadata import is_article_page

    if is_article_page(response.selector):
        return True
    return sum(len(p) for p in trafilatura_paragraphs(response.selector.root, response.url)) >= min_chars


def paragraphs_of(article: Article) -> Sequence[str]:
    """An Article's body -> its paragraphs."""
    return (article.article_body or "").split("\n\n") if article.article_body else []
