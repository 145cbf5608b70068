"""byline as a library: extract an Article from HTML you already have, or from stored pages.

    from crawler import extract_article, iter_articles

    article = extract_article(html, "https://en.trend.az/business/3900007.html")
    for article in iter_articles("crawl.warc.gz"):       # or an HTTP cache, or an HTML directory
        ...

Both run the chain of a crawl and of ``scrapy reparse``: the page becomes a Scrapy response
(:func:`crawler.archive.reparse_spider.page_response`: charset repaired, ``fetched_at`` carried as the crawl date),
the site spider owning the URL's host parses it (:class:`crawler.archive.dispatch.SpiderDispatcher`), and a
host no spider owns goes to the generic extractor (``REPARSE_FALLBACK``). Item pipelines do not run:
nothing is validated, de-duplicated or exported, so the fields pipelines set (``revision``,
``cluster_id``) stay None. The project settings come from ``SCRAPY_SETTINGS_MODULE``, else
``crawler.settings``.

Spiders are built once per process and per forced spider and reused (not thread-safe: use one
thread, or one process per worker).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.items import Article

__all__ = ["NotAnArticle", "extract_article", "iter_articles"]


class NotAnArticle(ValueError):
    """:func:`extract_article` found no article: not HTML, empty, an error status, or not an article page."""


class _Chain:
    """A crawler bound to the project settings, its spiders by host, and the generic fallback."""

    def __init__(self, spider: str | None) -> None:
        from scrapy.crawler import Crawler
        from scrapy.settings import Settings
        from scrapy.utils.reactor import is_reactor_installed

        from crawler.archive.dispatch import SpiderDispatcher
        from crawler.archive.reparse_spider import ReparseSpider
        from crawler.archive.sources import SkipCounter

        settings = Settings()
        settings.setmodule(os.environ.get("SCRAPY_SETTINGS_MODULE") or "crawler.settings", priority="project")
        # Use a reactor only if the caller's process already runs one; never install one here.
        reactor = is_reactor_installed()
        settings.set("TWISTED_REACTOR_ENABLED", reactor, priority="cmdline")
        if reactor:
            settings.set("TWISTED_REACTOR", None, priority="cmdline")
        settings.set("LOG_ENABLED", False, priority="cmdline")
        crawler = Crawler(ReparseSpider, settings, init_reactor=False)
        crawler._apply_settings()
        crawler.spider = crawler._create_spider(only=spider)
        self.crawler = crawler
        self.dispatcher = SpiderDispatcher.from_crawler(
            crawler,
            only=spider,
            fallback=crawler.spider._fallback(),  # type: ignore[attr-defined]
        )
        self.skip = SkipCounter(crawler.stats, log_limit=0)
        self.max_size = crawler.settings.getint("REPARSE_MAX_SIZE", 10 * 1024 * 1024)

    def articles(self, page: Any) -> Iterator[Article]:
        """A :class:`crawler.archive.sources.StoredPage` -> the Articles its spider yields (requests ignored)."""
        from crawler.archive.reparse_spider import page_response, release

        response = page_response(page, self.skip)
        if response is None:
            return
        try:
            outputs = list(self.dispatcher.dispatch(response))
        finally:
            release(response)
        for out in outputs:
            if isinstance(out, Article):
                yield out


@lru_cache(maxsize=8)
def _chain(spider: str | None) -> _Chain:
    return _Chain(spider)


def _crawl_date(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def extract_article(
    html: str | bytes,
    url: str,
    fetched_at: datetime | str | None = None,
    spider: str | None = None,
) -> Article:
    """One page -> its Article, as a crawl of ``url`` would export it (before the item pipelines).

    Args:
        html: the page; ``str`` is taken as decoded text, ``bytes`` as the server sent them (the
            charset is read from ``<meta>`` or detected, as on a re-parse).
        url: the page's final URL: picks the site spider by host (else the generic extractor) and
            resolves relative links.
        fetched_at: when the page was fetched (``fetched_at`` of the article, and the crawl date that
            chooses a site's layout rules); a datetime (naive = UTC) or ISO 8601 text. None: now.
        spider: name of a project spider to use whatever the host (as ``scrapy reparse --spider``).

    Raises:
        NotAnArticle: the page gave no article (empty, not HTML, or not an article page).
        KeyError: ``spider`` names no project spider.
    """
    from crawler.archive.sources import StoredPage

    if isinstance(html, str):
        body, content_type = html.encode("utf-8"), b"text/html; charset=utf-8"
    else:
        body, content_type = html, b"text/html"
    page = StoredPage(url, 200, [(b"Content-Type", content_type)], body, _crawl_date(fetched_at), url)
    for article in _chain(spider).articles(page):
        return article
    raise NotAnArticle(f"no article extracted from {url}")


def iter_articles(path: str | os.PathLike[str], spider: str | None = None) -> Iterator[Article]:
    """Stored pages -> their Articles, in the source's order (pages that are no article are skipped).

    ``path``: a ``.warc``/``.warc.gz`` file or a directory of them, a Scrapy HTTP cache directory,
    or a directory of ``.html``/``.html.gz`` files with a ``manifest.tsv`` (see
    :func:`crawler.archive.sources.read_source`). Each page's fetch time (WARC-Date, cache timestamp, manifest
    column) becomes its crawl date. Every article is yielded: nothing is de-duplicated (``scrapy
    reparse`` does that in its pipelines). ``spider`` forces one project spider, as in
    :func:`extract_article`.
    """
    from crawler.archive.sources import read_source

    chain = _chain(spider)
    for page in read_source(Path(path), chain.skip, chain.max_size):
        yield from chain.articles(page)
