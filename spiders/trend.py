"""Trend News Agency (trend.az): RSS feed and section listings of one edition (en, az or ru)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from itemloaders.processors import MapCompose
from scrapy.http import TextResponse

from crawler import boilerplate
from crawler import processors as p
from crawler.items import Article
from crawler.loaders import ArticleLoader
from crawler.metadata import page_metadata
from crawler.news_spider import NewsSpider

# edition -> (home URL, language). Article URLs: https://en.trend.az/<section>/<subsection>/<id>.html
EDITIONS: dict[str, tuple[str, str]] = {
    "en": ("https://en.trend.az", "en"),
    "az": ("https://az.trend.az", "az"),
    "ru": ("https://www.trend.az", "ru"),
}

# <title> and og:title may end in the site name: "Headline - Trend.Az", "Headline | Trend News Agency".
_SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+Trend(?:\.Az| News Agency)?\s*$", re.IGNORECASE)


def strip_trend_suffix(value: str) -> str | None:
    """``Headline - Trend.Az`` -> ``Headline``; None when nothing is left."""
    return _SITE_SUFFIX.sub("", value).strip() or None


def is_agency_name(value: str) -> bool:
    """True for the agency's own name (``Trend``, ``Trend News Agency``), which is not an author."""
    return bool(re.fullmatch(r"trend(?:\.az| news agency| agency)?", value.strip(), re.IGNORECASE))


class TrendLoader(ArticleLoader):
    """Trend's headlines may carry the site name; everything else is shared."""

    headline_in = MapCompose(p.clean_text, strip_trend_suffix)


# Trend's own junk paragraphs, quoted from its pages.
TREND_RULES = boilerplate.DEFAULT_RULES.extend(
    # "Follow the author on Twitter: @Seba_Agayeva" / "Follow us on X: @Trend_Agency"
    trend_follow_author=r"^follow (the )?author\b.{0,120}$",
    # "Stay up-to-date with more news at Trend News Agency's WhatsApp channel"
    trend_channel=r"^stay up[- ]to[- ]date with .{0,80}\b(channel|telegram|whatsapp)\b.{0,40}$",
    # Azerbaijani / Russian edition channel promos: "Trend-in Telegram kanalına abunə olun", "Подписывайтесь на Trend в Telegram"
    trend_channel_az_ru=r"^.{0,60}(kanalına|kanalımıza) (abunə|qoşul).{0,60}$|^подписывайтесь на .{0,80}$",
    # "Materials" / "Materiallar" / "Материалы": a label of the page template beside the section and date.
    trend_materials_label=r"^(materials|materiallar|материалы)$",
    # A trailing "Trend" / "Trend News Agency" signature line.
    trend_signature=r"^trend(\.az| news agency)?\.?$",
)


# <div class="article-content article-paddings">: the story block of every article page.
_CONTENT = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')"
    " and contains(concat(' ', normalize-space(@class), ' '), ' article-paddings ')]"
)


class TrendSpider(NewsSpider):
    """``scrapy crawl trend [-a edition=en|az|ru] [-a since=YYYY-MM-DD] [-a base_url=URL] [-a sections=latest,...]``."""

    name = "trend"
    allowed_domains = ["trend.az"]  # noqa: RUF012 - Scrapy's own attribute
    loader_class = TrendLoader
    boilerplate_rules = TREND_RULES
    timezone = "+04:00"  # Baku time, no daylight saving since 2016
    article_url_re = r"^https?://[^/]+/(?:[\w-]+/)+\d+\.html(?:[?#]|$)"
    listing_links = "ul.news-list li a::attr(href)"
    listing_next = "link[rel=next]::attr(href), a[rel=next]::attr(href), .pagination a.next::attr(href)"
    # "Tags:" block under the story; present (possibly empty) on every article page.
    tags_block: ClassVar[str] = ".tags-block, .article-tags, .tags"
    # Labels the page template writes beside the section name ("Azerbaijan Materials 18 June 2014 ...").
    template_labels: ClassVar[tuple[str, ...]] = ("Materials", "Materiallar", "Материалы")
    # Authors and publisher come from the story's lead ("By X - Trend:"), not from <meta name=author>.
    metadata_fields = tuple(f for f in NewsSpider.metadata_fields if f not in ("authors", "publisher"))
    publisher_name: ClassVar[str] = "Trend"

    # field -> rules: metadata first, then visible markup (see the seed README's markup facts).
    selectors: ClassVar[dict[str, list[str]]] = {
        "canonical_url": ["link[rel=canonical]::attr(href)", "meta[property='og:url']::attr(content)"],
        "headline": ["meta[property='og:title']::attr(content)", "h1", "title::text"],
        "description": ["meta[property='og:description']::attr(content)", "meta[name=description]::attr(content)"],
        # The visible time may wrap its parts: <span class="date-time">15 Noyabr <b>10:31</b> (UTC+04)</span>.
        "date_published": ["meta[property='article:published_time']::attr(content)", "span.date-time"],
        "date_modified": ["meta[property='article:modified_time']::attr(content)"],
        "section": [
            "meta[property='article:section']::attr(content)",
            ".top-part a.category::text, .breadcrumbs a:last-child::text",
        ],
        "main_image": ["meta[property='og:image']::attr(content)"],
        "in_language": ["html::attr(lang)", "meta[property='og:locale']::attr(content)"],
        "tags": [
            "meta[property='article:tag']::attr(content)",
            ".tags-block a::text, .article-tags a::text, .tags a::text",
        ],
        # The story: paragraphs and sub-headings of the content block, nested or not, in page order,
        # minus image captions and embedded "read also" / social boxes; else the block's own text
        # (older pages separate paragraphs with <br>).
        "article_body": [
            (
                f"{_CONTENT}//*[self::p or self::h2 or self::h3 or self::li[not(.//p)]][not(ancestor::figure or ancestor::table"
                " or ancestor::*[contains(@class, 'read-also') or contains(@class, 'related')"
                " or contains(@class, 'embed') or contains(@class, 'twitter') or contains(@class, 'instagram')])]"
            ),
            _CONTENT,
        ],
    }

    def __init__(self, *args: Any, edition: str = "en", sections: str = "latest", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if edition not in EDITIONS:
            raise ValueError(f"edition must be one of {', '.join(EDITIONS)}, got {edition!r}")
        self.edition = edition
        # The edition decides where discovery starts (the base declares these per class).
        home, language = EDITIONS[edition]
        self.default_base_url = home  # type: ignore[misc]
        self.language = language  # type: ignore[misc]
        self.feed_urls = [f"{home}/feeds/index.rss"]  # type: ignore[misc]
        self.listing_urls = [f"{home}/{s.strip().strip('/')}/" for s in sections.split(",") if s.strip()]  # type: ignore[misc]

    def extract(self, response: TextResponse) -> Article:
        """Shared extraction, then Trend's facts: empty tag block -> ``[]``, agency as publisher."""
        item = super().extract(response)
        extraction = dict(item.extraction or {})
        if item.tags is None and response.css(self.tags_block):
            item.tags = []
        if not item.authors:
            meta = page_metadata(response.selector)
            raw = meta["authors"][1] if "authors" in meta else []
            names = [n for v in _as_list(raw) for n in (p.split_names(v) or []) if not is_agency_name(n)]
            names = p.unique(names)
            if names:
                item.authors = names
                extraction["authors"] = meta["authors"][0]
        if not item.publisher and item.article_body:
            item.publisher = self.publisher_name
            extraction["publisher"] = "site"
        item.extraction = extraction
        return item


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []
