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
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from parsel import Selector
from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler import checks
from crawler.browser import policy as browser
from crawler.extract import boilerplate
from crawler.extract import clean as processors
from crawler.extract.chain import GENERIC_FIELDS, METADATA_FIELDS, SiteRules, extract
from crawler.extract.loader import ArticleLoader
from crawler.extract.metadata import is_article_page
from crawler.extract.page import META_CRAWL_DATE, crawl_date, parse_page
from crawler.extract.rules import rule_values, select
from crawler.items import Article

__all__ = ["META_CRAWL_DATE", "META_LISTED_DATE", "NewsSpider", "crawl_date"]

META_LISTED_DATE = "news_listed_date"
"""Request meta key: the date a feed or sitemap gave for the article (a datetime), if any."""


class NewsSpider(Spider):
    """Base spider for one news site. Arguments: ``base_url``, ``since`` (YYYY-MM-DD), ``edition``."""

    loader_class: ClassVar[type[ArticleLoader]] = ArticleLoader
    selectors: ClassVar[dict[str, list[str]]] = {}
    """field -> rules (CSS, or XPath when starting with ``/``); the first rule that matches wins."""
    late_selectors: ClassVar[dict[str, list[str]]] = {}
    """field -> CSS/XPath rules of the visible page ranked below JSON-LD, above ``<meta>`` (a visible byline
    or date: JSON-LD is exact where present, ``<meta>`` often names the publisher); see ``extract.chain.PRECEDENCE``."""
    metadata_fields: ClassVar[tuple[str, ...]] = METADATA_FIELDS
    """Fields filled from JSON-LD / <meta> when the site selectors find nothing."""
    generic_fields: ClassVar[tuple[str, ...]] = GENERIC_FIELDS
    """Fields taken from the generic extractor (crawler/extract/generic/) when selectors and metadata miss them."""
    generic_min_body_chars: ClassVar[int] = 150
    """A generic body shorter than this (in characters) is not taken as the story."""
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
            Request(
                self.site_url(u), callback=self.parse_listing, cb_kwargs={"page": 1}, meta=self.browser_meta("listing")
            )
            for u in self.listing_urls
        ]
        return reqs

    def article_request(
        self, url: str, listed: datetime | None = None, *, discovered: bool = True, **kwargs: Any
    ) -> Request:
        """A request for an article page. A ``discovered`` link (feed, sitemap, listing) is fetched without its
        tracking parameters (``?utm_source=rss``): one page, one fetch, whichever way it was found; the
        record's ``url`` is then exactly what was fetched. A URL the user gave (``discovered=False``) is
        fetched as given."""
        meta = {META_LISTED_DATE: listed} if listed else {}
        meta.update(self.browser_meta("article"))
        meta.update(kwargs.pop("meta", {}))
        target = self.site_url(url)
        if discovered:
            target = processors.strip_tracking(target)
        return Request(target, callback=self.parse_article, meta=meta, **kwargs)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0 / Atom: one request per recent item."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body)
        sel = Selector(body=body, type="xml")
        sel.remove_namespaces()
        entries = sel.xpath("//item | //entry")
        for entry in entries:
            link = (
                entry.xpath("link/@href").get() or entry.xpath("link/text()").get() or entry.xpath("guid/text()").get()
            )
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
        for href in select(response, self.listing_links).getall() if self.listing_links else []:
            url = response.urljoin(href.strip())
            if self.is_article_url(url):
                yield self.article_request(url)
        if self.listing_next and page < self.max_listing_pages:
            nxt = select(response, self.listing_next).get()
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
        parse_page(response)  # once, from the bytes, for every stage (site code may ask response.css first)
        if not self.is_article(response):
            if self.needs_browser(response, None):
                yield self.browser_fallback(response)
                return
            if stats:
                stats.inc_value("news/skipped/not_article")
            self.logger.debug("Not an article: %s", response.url)
            return
        item = self.extract(response)
        if self.needs_browser(response, item):
            yield self.browser_fallback(response)
            return
        published = processors.parse_date(item.date_published) if item.date_published else None
        if not self.is_recent(published):
            if stats:
                stats.inc_value("news/skipped/older_than_since")
            return
        yield item

    # --- extraction (crawler/extract/chain.py) ---------------------------------------------------

    def is_article(self, response: TextResponse) -> bool:
        """An article page: the site's body rule matches, or metadata says article."""
        for rule in self.selectors.get("article_body", []):
            if rule_values(response, rule):  # kept for extract(): the query runs once
                return True
        return is_article_page(response.selector)

    @cached_property
    def site_rules(self) -> SiteRules:
        """What this site declares for extraction, as the chain reads it."""
        return SiteRules(
            name=self.name,
            selectors=self.selectors,
            late_selectors=self.late_selectors,
            metadata_fields=self.metadata_fields,
            generic_fields=self.generic_fields,
            loader_class=self.loader_class,
            timezone=self.timezone,
            language=self.language,
            boilerplate=self.boilerplate_rules,
            generic_min_body_chars=self.generic_min_body_chars,
        )

    def extract(self, response: TextResponse) -> Article:
        """The page -> its Article through the one extraction chain, with this site's rules."""
        return extract(response, self.site_rules, self._stats)

    def new_loader(self, response: TextResponse) -> ArticleLoader:
        """The site's loader over the page's parsed tree (for site code that loads one value)."""
        return self.loader_class(
            response=response,
            selector=response.selector,
            stats=self._stats,
            timezone=self.timezone,
            crawl_date=crawl_date(response),
            boilerplate=self.boilerplate_rules,
        )

    @property
    def _stats(self) -> Any:
        return self.crawler.stats if getattr(self, "crawler", None) else None

    # --- browser (policy in crawler/browser/policy.py) --------------------------------------------

    @cached_property
    def browser_config(self) -> browser.BrowserConfig:
        """The crawl's ``BROWSER_*`` settings (browser off for a spider built without a crawler)."""
        return browser.browser_config(getattr(self, "settings", None))

    def browser_meta(self, kind: str) -> dict[str, Any]:
        """Request meta sending a ``kind`` (``"article"``/``"listing"``) request through chromium per ``use_browser``."""
        if self.use_browser not in browser.USE_BROWSER_MODES:
            raise ValueError(f"use_browser must be one of {browser.USE_BROWSER_MODES}, got {self.use_browser!r}")
        wants = self.use_browser == "always" or (self.use_browser == "listings" and kind == "listing")
        return self.browser_request_meta(kind) if wants else {}

    def browser_request_meta(self, kind: str) -> dict[str, Any]:
        """Meta that sends a request of ``kind`` through the browser; {} when no browser is available."""
        config = self.browser_config
        if not config.available:
            return {}
        if kind == "listing":
            links = browser.browser_rules(self.listing_links) if self.listing_links else []
            return browser.listing_meta(config, links, self.listing_load_more)
        return browser.article_meta(config, browser.browser_rules(self.selectors.get("article_body", [])))

    def container_rules(self) -> list[str]:
        """Where the story belongs: ``article_container``, else the body rules, then each CSS body rule minus its last step."""
        if self.article_container:
            return [self.article_container]
        return browser.container_rules(list(self.selectors.get("article_body", [])))

    def needs_browser(self, response: TextResponse, item: Article | None) -> bool:
        """A plain response of an article page without its story (None: not recognised as an article): render once."""
        if self.use_browser == "never" or response.request is None or browser.rendered(response):
            return False
        # Only the spider the crawl runs can schedule a retry; `scrapy reparse` hands stored pages to
        # site spiders that are not its crawler's spider (a request yielded there would be dropped).
        crawler = getattr(self, "crawler", None)
        if crawler is None or getattr(crawler, "spider", None) is not self:
            return False
        # A body from the generic extractor (extraction "generic") is a guess made around the story's
        # place; when that place is there but empty, the story is the scripts' to write: render.
        generic_body = item is not None and (item.extraction or {}).get("article_body") == "generic"
        if item is not None and item.article_body and not generic_body:
            return False
        if not self.browser_config.available or not browser.runs_scripts(response):
            return False
        if generic_body:
            return browser.empty_container(self.container_rules(), response)
        return is_article_page(response.selector) or browser.empty_container(self.container_rules(), response)

    def browser_fallback(self, response: Response) -> Request:
        """The one browser retry of ``response``'s request (not filtered as a duplicate; counted)."""
        assert response.request is not None
        meta = {
            **response.request.meta,
            **self.browser_request_meta("article"),
            browser.META_BROWSER_FALLBACK: True,
        }
        # The same page again, not a new discovery: exempt from the incremental seen-store's judgement.
        meta["news_incremental"] = False
        for key in ("redirect_urls", "redirect_times", "redirect_reasons", "retry_times", "download_slot"):
            meta.pop(key, None)
        if self._stats:
            self._stats.inc_value("news/browser/fallback")
        self.logger.info("No article body in the plain page, rendering it: %s", response.url)
        return response.request.replace(url=response.url, meta=meta, dont_filter=True)
