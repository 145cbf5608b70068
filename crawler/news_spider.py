"""NewsSpider: the base of every site spider (discovery, the one article callback, metadata fallback).

A site module declares only data: where its news is listed (``feed_urls``, ``sitemap_urls``,
``listing_urls`` + ``listing_links``/``listing_next``), which URLs are articles
(``article_url_re``), its ``selectors`` (field -> CSS/XPath rules, current layout first), its
time zone and boilerplate rules. The base does the rest, identically for a live crawl and a
re-parse (``scrapy reparse`` calls :meth:`NewsSpider.parse_article` on stored responses).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from parsel import Selector
from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler import boilerplate, browser, checks, fastrules, processors
from crawler.items import Article
from crawler.loaders import ArticleLoader
from crawler.metadata import is_article_page

META_CRAWL_DATE = "news_crawl_date"
"""Request/response meta key: when the page was fetched (a datetime); WARC-Date on a re-parse."""
META_LISTED_DATE = "news_listed_date"
"""Request meta key: the date a feed or sitemap gave for the article (a datetime), if any."""


def crawl_date(response: Response) -> datetime:
    """When the response was fetched: meta ``news_crawl_date``, else its ``Date`` header, else now (UTC)."""
    value = response.meta.get(META_CRAWL_DATE) if response.request is not None else None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        parsed = processors.parse_date(value, "UTC")
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


def _xpath_or_css(response: TextResponse, rule: str) -> Any:
    """Rules starting with ``/``, ``(`` or ``./`` are XPath; others are CSS."""
    if rule.startswith(("/", "(", "./")):
        return response.xpath(rule)
    return response.css(rule)


class NewsSpider(Spider):
    """Base spider for one news site. Arguments: ``base_url``, ``since`` (YYYY-MM-DD), ``edition``."""

    loader_class: ClassVar[type[ArticleLoader]] = ArticleLoader
    selectors: ClassVar[dict[str, list[str]]] = {}
    """field -> rules (CSS, or XPath when starting with ``/``); the first rule that matches wins."""
    metadata_fields: ClassVar[tuple[str, ...]] = (
        "headline", "description", "date_published", "date_modified", "authors", "section", "tags",
        "in_language", "publisher", "main_image", "canonical_url",
    )  # fmt: skip
    """Fields filled from JSON-LD / <meta> when the site selectors find nothing."""
    generic_fields: ClassVar[tuple[str, ...]] = ("headline", "article_body", "date_published", "authors")
    """Fields taken from the generic extractor (crawler/generic.py) when selectors and metadata miss them."""
    boilerplate_rules: ClassVar[boilerplate.Rules] = boilerplate.DEFAULT_RULES
    timezone: ClassVar[str | None] = None
    """The site's zone for times written without an offset (``"+04:00"``, ``"Europe/Berlin"``)."""
    language: ClassVar[str | None] = None
    """The edition's language when the page does not say it."""

    default_base_url: ClassVar[str] = ""
    feed_urls: ClassVar[list[str]] = []
    sitemap_urls: ClassVar[list[str]] = []
    listing_urls: ClassVar[list[str]] = []
    listing_links: ClassVar[str] = ""
    """CSS/XPath selecting article link hrefs on a listing page."""
    listing_next: ClassVar[str] = ""
    """CSS/XPath selecting the next listing page's href."""
    article_url_re: ClassVar[str | None] = None
    """Regex (searched in the URL) telling article links from the rest; None accepts every link."""
    max_listing_pages: ClassVar[int] = 20

    use_browser: ClassVar[str] = "fallback"
    """Which pages chromium renders (``-a use_browser=...`` overrides; ``BROWSER_ENABLED=False`` turns all off):
    ``"never"``; ``"fallback"`` (default) only an article whose plain HTML lacks the story, once;
    ``"listings"`` listing pages too (links written by scripts, "load more"); ``"always"`` listings and articles."""
    article_container: ClassVar[str] = ""
    """CSS of the element scripts write the story into (default: the ``article_body`` rules minus their last step)."""
    listing_load_more: ClassVar[str] = ""
    """CSS of a listing's "load more" button, clicked in the browser when listings are rendered."""

    def __init__(self, *args: Any, base_url: str | None = None, since: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if base_url:  # a clear error outside `scrapy crawl` too (crawler.checks runs before a crawl)
            checks.check_http_url("base_url", base_url)
        self.since: date | None = self._parse_since(since)
        self.base_url: str | None = base_url.rstrip("/") if base_url else None
        if self.base_url:
            host = urlsplit(self.base_url).hostname
            domains = list(getattr(self, "allowed_domains", None) or [])
            if host and host not in domains:
                self.allowed_domains = [*domains, host]

    @staticmethod
    def _parse_since(since: str | None) -> date | None:
        if not since:
            return None
        try:
            return date.fromisoformat(since)
        except ValueError as exc:
            raise ValueError(f"since must be YYYY-MM-DD, got {since!r}") from exc

    # --- URLs ---------------------------------------------------------------------------------

    @property
    def home_url(self) -> str:
        return self.base_url or self.default_base_url

    def site_url(self, url: str) -> str:
        """A URL of the real site -> the same path on ``base_url`` when the crawl targets a mirror."""
        if not self.base_url:
            return url
        parts = urlsplit(url)
        if not parts.scheme:
            return self.base_url + "/" + url.lstrip("/")
        host = parts.hostname or ""
        own = [d for d in (getattr(self, "allowed_domains", None) or []) if d]
        if own and not any(host == d or host.endswith("." + d) for d in own):
            return url
        base = urlsplit(self.base_url)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))

    def is_article_url(self, url: str) -> bool:
        return self.article_url_re is None or re.search(self.article_url_re, url) is not None

    def is_recent(self, when: datetime | date | None) -> bool:
        """False only when we know the date and it is before ``since``."""
        if self.since is None or when is None:
            return True
        day = when.date() if isinstance(when, datetime) else when
        return day >= self.since

    # --- discovery ----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_list():
            yield request

    def start_requests_list(self) -> list[Request]:
        reqs = [Request(self.site_url(u), callback=self.parse_feed) for u in self.feed_urls]
        reqs += [Request(self.site_url(u), callback=self.parse_sitemap) for u in self.sitemap_urls]
        reqs += [
            Request(self.site_url(u), callback=self.parse_listing, cb_kwargs={"page": 1}, meta=self.browser_meta("listing"))
            for u in self.listing_urls
        ]
        return reqs

    def article_request(self, url: str, listed: datetime | None = None, **kwargs: Any) -> Request:
        meta = {META_LISTED_DATE: listed} if listed else {}
        meta.update(self.browser_meta("article"))
        meta.update(kwargs.pop("meta", {}))
        return Request(self.site_url(url), callback=self.parse_article, meta=meta, **kwargs)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0 / Atom: one request per recent item."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body)
        sel = Selector(body=body, type="xml")
        sel.remove_namespaces()
        entries = sel.xpath("//item | //entry")
        for entry in entries:
            link = entry.xpath("link/@href").get() or entry.xpath("link/text()").get() or entry.xpath("guid/text()").get()
            if not link:
                continue
            raw = entry.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get()
            listed = self._feed_date(raw)
            if not self.is_recent(listed):
                self.crawler.stats.inc_value("news/discovery/older_than_since")
                continue
            url = response.urljoin(link.strip())
            if self.is_article_url(url):
                yield self.article_request(url, listed)

    def _feed_date(self, raw: str | None) -> datetime | None:
        if not raw:
            return None
        try:
            return parsedate_to_datetime(raw.strip())
        except (TypeError, ValueError):
            return processors.parse_date(raw, self.timezone or "UTC")

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap index, sitemap or news sitemap (gzip or not); robots.txt ``Sitemap:`` lines too."""
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.text, base_url=response.url):
                yield Request(self.site_url(url), callback=self.parse_sitemap)
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE", 0))
            except OSError:
                self.crawler.stats.inc_value("news/discovery/bad_sitemap")
                return
        sel = Selector(body=body, type="xml")
        sel.remove_namespaces()
        if not sel.xpath("/urlset | /sitemapindex"):
            self.crawler.stats.inc_value("news/discovery/bad_sitemap")
            self.logger.warning("Not a sitemap: %s", response.url)
            return
        for loc in sel.xpath("/sitemapindex/sitemap/loc/text()").getall():
            yield Request(self.site_url(loc.strip()), callback=self.parse_sitemap)
        for entry in sel.xpath("/urlset/url"):
            loc = (entry.xpath("loc/text()").get() or "").strip()
            raw = entry.xpath("news/publication_date/text()").get() or entry.xpath("lastmod/text()").get()
            listed = processors.parse_date(raw, "UTC") if raw else None
            if not loc:
                continue
            if not self.is_recent(listed):
                self.crawler.stats.inc_value("news/discovery/older_than_since")
                continue
            if self.is_article_url(loc):
                yield self.article_request(loc, listed)

    def parse_listing(self, response: Response, page: int = 1) -> Iterator[Request]:
        """A section listing: article links, then the next page (up to ``max_listing_pages``)."""
        if not isinstance(response, TextResponse):
            return
        for href in _xpath_or_css(response, self.listing_links).getall() if self.listing_links else []:
            url = response.urljoin(href.strip())
            if self.is_article_url(url):
                yield self.article_request(url)
        if self.listing_next and page < self.max_listing_pages:
            nxt = _xpath_or_css(response, self.listing_next).get()
            if nxt:
                yield Request(
                    self.site_url(response.urljoin(nxt.strip())),
                    callback=self.parse_listing,
                    cb_kwargs={"page": page + 1},
                    meta=self.browser_meta("listing"),
                )

    # --- articles -----------------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        yield from self.parse_article(response)

    def parse_article(self, response: Response) -> Iterator[Article | Request]:
        """The one article callback (live crawl and re-parse): yields one Article, or nothing (or its browser retry)."""
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        if not isinstance(response, TextResponse):
            if stats:
                stats.inc_value("news/skipped/not_html")
            return
        if not self.is_article(response):
            if self.needs_browser(response, None):
                yield browser.fallback_request(self, response)
                return
            if stats:
                stats.inc_value("news/skipped/not_article")
            self.logger.debug("Not an article: %s", response.url)
            return
        item = self.extract(response)
        if self.needs_browser(response, item):
            yield browser.fallback_request(self, response)
            return
        published = processors.parse_date(item.date_published) if item.date_published else None
        if not self.is_recent(published):
            if stats:
                stats.inc_value("news/skipped/older_than_since")
            return
        yield item

    # --- browser (see crawler/browser.py) -------------------------------------------------------

    def browser_meta(self, kind: str) -> dict[str, Any]:
        """Request meta sending a ``kind`` (``"article"``/``"listing"``) request through chromium per ``use_browser``."""
        return browser.request_meta(self, kind) if browser.spider_wants(self, kind) else {}

    def needs_browser(self, response: TextResponse, item: Article | None) -> bool:
        """A plain response of an article page without its story (None: not recognised as an article): render once."""
        return browser.needs_browser(self, response, item)

    def is_article(self, response: TextResponse) -> bool:
        """An article page: the site's headline or body rule matches, or metadata says article."""
        for field in ("article_body",):
            for rule in self.selectors.get(field, []):
                if fastrules.rule_values(response, rule):  # kept for extract(): the query runs once
                    return True
        return is_article_page(response.selector)

    def new_loader(self, response: TextResponse) -> ArticleLoader:
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        return self.loader_class(
            response=response,
            selector=response.selector,  # the response's parsed tree, not a second parse
            stats=stats,
            timezone=self.timezone,
            crawl_date=crawl_date(response),
            boilerplate=self.boilerplate_rules,
        )

    def extract(self, response: TextResponse) -> Article:
        """Site selectors first, then metadata for the fields they missed; provenance recorded."""
        loader = self.new_loader(response)
        extraction: dict[str, str] = {}
        loader.add_value("url", response.url)
        tags = fastrules.simple_tags(self.selectors)  # <meta>/<link> attribute rules: one pass over the tree
        for field, rules in self.selectors.items():
            for rule in rules:
                found = fastrules.rule_values(response, rule, tags)
                if found:
                    # The values already found, not add_css/add_xpath: those would run the query again
                    # (a third of the extraction time on large pages). Same rule stat as they count.
                    kind = "xpath" if rule.startswith(("/", "(", "./")) else "css"
                    if loader.stats is not None:
                        loader.stats.inc_value(f"parser/{field}/{kind}/{rule}")
                    loader.add_value(field, list(found))
                    if loader.get_collected_values(field):
                        extraction[field] = "site"
                        break
        meta = fastrules.cached_metadata(response)
        for field in self.metadata_fields:
            if field in meta and not loader.get_collected_values(field):
                source, value = meta[field]
                loader.add_value(field, value)
                if loader.get_collected_values(field):
                    extraction[field] = source
        self.fill_generic(response, loader, extraction)
        if not loader.get_collected_values("in_language") and self.language:
            loader.add_value("in_language", self.language)
        return loader.load_article(extraction, self.name, crawl_date(response))

    generic_min_body_chars: ClassVar[int] = 150
    """A generic body shorter than this (in characters) is not taken as the story."""

    def fill_generic(self, response: TextResponse, loader: ArticleLoader, extraction: dict[str, str]) -> None:
        """Fields of ``generic_fields`` still empty -> the generic extractor's values, marked "generic".

        A redesign that breaks a selector degrades the field to generic quality instead of to an
        empty record; stats ``news/fallback/<field>`` count it.
        """
        missing = [f for f in self.generic_fields if not loader.get_collected_values(f)]
        if not missing:
            return
        from crawler.generic import generic_values

        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        for field, (_source, value) in generic_values(response, missing).items():
            if field == "article_body" and sum(map(len, value if isinstance(value, list) else [value])) < (
                self.generic_min_body_chars
            ):
                # A page whose story block is empty (JavaScript fills it) leaves only menus and
                # sidebars ("Latest ... Politics") for the generic extractor: that is no story.
                if stats:
                    stats.inc_value("news/fallback/rejected/article_body")
                continue
            loader.add_value(field, value)
            if loader.get_collected_values(field):
                extraction[field] = "generic"
                if stats:
                    stats.inc_value(f"news/fallback/{field}")
