"""Any news site without a spider: articles from feeds, sitemaps or a URL list, extracted generically.

    scrapy crawl generic -a feeds=URL[,URL...]
    scrapy crawl generic -a sitemaps=URL[,URL...]     # sitemap, sitemap index, news sitemap or robots.txt
    scrapy crawl generic -a urls=URL[,URL...]         # article pages themselves
    scrapy crawl generic -a urls=FILE                 # a file with one URL a line ("#" comments)

Arguments combine; ``since`` (YYYY-MM-DD) works as for site spiders. Every page goes through
:func:`crawler.extract.chain.extract` (no site rules) and the project's pipelines.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler import checks
from crawler.extract.chain import SiteRules, generic_rules
from crawler.extract.generic import GenericLoader, looks_like_article
from crawler.items import Article
from crawler.news_spider import NewsSpider
from crawler.runinfo import fail_run


def url_list(value: str | None, name: str = "urls") -> list[str]:
    """``"u1,u2"`` or the path of a file with one URL a line -> the URLs; [] for None.

    Raises :class:`crawler.checks.UsageProblem` (a ValueError) for a missing file or a non-http(s) URL.
    """
    if not value:
        return []
    return checks.url_list(name, value)


class GenericSpider(NewsSpider):
    """Site-agnostic: no ``allowed_domains``, no selectors; metadata and main-content extraction only."""

    name = "generic"
    loader_class = GenericLoader
    # Every field is generic here by design: the health check of site selectors does not apply.
    custom_settings = {"HEALTH_MAX_FALLBACK": {"headline": 1, "article_body": 1, "date_published": 1}}

    def __init__(
        self,
        *args: Any,
        feeds: str | None = None,
        sitemaps: str | None = None,
        urls: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.feed_urls = url_list(feeds, "feeds")  # type: ignore[misc]
        self.sitemap_urls = url_list(sitemaps, "sitemaps")  # type: ignore[misc]
        self.article_urls = url_list(urls, "urls")

    @classmethod
    def check_arguments(cls, args: dict[str, str]) -> None:
        """Before a crawl (crawler.checks.validate_run): at least one of feeds, sitemaps, urls (each checked there)."""
        if not any(args.get(name) for name in ("feeds", "sitemaps", "urls")):
            raise checks.UsageProblem(
                "-a feeds/sitemaps/urls",
                "the generic spider needs at least one: -a urls=URL[,URL] or a file of URLs, "
                "-a feeds=URL, -a sitemaps=URL",
            )

    def start_requests_list(self) -> list[Request]:
        reqs = super().start_requests_list()
        reqs += [self.article_request(u, discovered=False) for u in self.article_urls]
        if not reqs:
            # Built without arguments it still parses pages (``scrapy reparse``'s fallback); a crawl needs some.
            fail_run(self.crawler, "no_start_urls", "generic spider: give -a feeds=..., -a sitemaps=... or -a urls=...")
        return reqs

    def parse_article(self, response: Response) -> Iterator[Article]:
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        if stats and isinstance(response, TextResponse):
            stats.inc_value("news/generic/pages")
        yield from super().parse_article(response)

    def is_article(self, response: TextResponse) -> bool:
        """Metadata says article, or the main content is long enough to be a story."""
        return looks_like_article(response)

    @cached_property
    def site_rules(self) -> SiteRules:
        """No site rules: the generic extractor reads every field."""
        return generic_rules(
            self.name, loader_class=self.loader_class, timezone=self.timezone, boilerplate=self.boilerplate_rules
        )
