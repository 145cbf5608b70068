"""Trend News Agency (trend.az): RSS feed and section listings of one edition (en, az or ru)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urldefrag, urlsplit

from itemloaders.processors import MapCompose
from scrapy import Request
from scrapy.http import TextResponse

from crawler import checks
from crawler.extract import boilerplate
from crawler.extract import clean as p
from crawler.extract.fragments import drop_elements
from crawler.extract.loader import ArticleLoader
from crawler.extract.rules import cached_metadata
from crawler.items import Article
from crawler.news_spider import META_LISTED_DATE, NewsSpider

# edition -> (home URL, language). Article URLs: https://en.trend.az/<section>/<subsection>/<id>.html
EDITIONS: dict[str, tuple[str, str]] = {
    "en": ("https://en.trend.az", "en"),
    "az": ("https://az.trend.az", "az"),
    "ru": ("https://www.trend.az", "ru"),
}

# <title> and og:title may end in the site name: "Headline - Trend.Az", "Headline | Trend News Agency".
_SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+Trend(?:\.Az| News Agency)?\s*$", re.IGNORECASE)


# The agency's own name as pages write it: "Trend", "Trend.Az", "Trend News Agency", "ТРЕНД", "Тренд".
AGENCY_NAME = r"(?:trend|тренд)(?:\.az| news agency| agency)?"


def strip_trend_suffix(value: str) -> str | None:
    """``Headline - Trend.Az`` -> ``Headline``; None when nothing or only the site name (a default og:title) is left."""
    text = _SITE_SUFFIX.sub("", value).strip()
    return None if not text or re.fullmatch(AGENCY_NAME, text, re.IGNORECASE) else text


PUBLISHER = "Trend"
"""The agency's name as ``publisher``."""


def is_agency_name(value: str) -> bool:
    """True for the agency's own name (``Trend``, ``Trend News Agency``), which is not an author."""
    return bool(re.fullmatch(AGENCY_NAME, value.strip(), re.IGNORECASE))


# Trend's own junk paragraphs, quoted from its pages.
TREND_RULES = boilerplate.DEFAULT_RULES.extend(
    # "Follow the author on Twitter: @Seba_Agayeva" / "Follow us on X: @Trend_Agency"
    trend_follow_author=r"^follow (the )?author\b.{0,120}$",
    # "Stay up-to-date with more news at Trend News Agency's WhatsApp channel"
    trend_channel=r"^stay up[- ]to[- ]date with .{0,80}\b(channel|telegram|whatsapp)\b.{0,40}$",
    # Azerbaijani / Russian edition channel promos: "Trend-in Telegram kanalına abunə olun", "Подписывайтесь на Trend в Telegram"
    trend_channel_az_ru=r"^.{0,60}(kanalına|kanalımıza) (abunə|qoşul).{0,60}$|^подписывайтесь на .{0,80}$",
    # Any short line sending readers to Trend's messenger channel: "Следите за новостями Trend в Telegram".
    trend_channel_promo=r"^.{0,60}\b(trend|тренд)\b.{0,40}\b(telegram|whatsapp|канал\w*|kanal\w*)\b.{0,40}$",
    # "Materials" / "Materiallar" / "Материалы": a label of the page template beside the section and date.
    trend_materials_label=r"^(materials|materiallar|материалы)$",
    # A trailing "Trend" / "Trend News Agency" signature line.
    trend_signature=r"^trend(\.az| news agency)?\.?$",
    # In-story links of the other editions: "Həmçinin oxuyun: <title>", "Читайте также: <title>".
    trend_read_also_az_ru=r"^(həmçinin (oxuyun|bax)|oxuyun|читайте (также|тоже)|смотрите также|см\. также)"
    r"\s*:.{0,200}$",
    # Sidebar headings of the other editions ("Latest"): "Son xəbərlər", "Последние новости". The
    # ``sidebar_heading`` prefix makes a text dump's story end there, as at the English "Latest".
    sidebar_heading_az_ru=r"^(son xəbərlər|xəbər lenti|digər xəbərlər|ən çox oxunanlar|последние новости|лента новостей"
    r"|другие новости|самое читаемое)\s*:?$",
)


# <div class="article-content article-paddings">: the story block of every article page.
_CONTENT_CLASS = (
    "contains(concat(' ', normalize-space(@class), ' '), ' article-content ')"
    " and contains(concat(' ', normalize-space(@class), ' '), ' article-paddings ')"
)
# The first one is the page's story: a page may append the next article (its own <h1>, time, block, tags).
_CONTENT = f"(//div[{_CONTENT_CLASS}])[1]"


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# The article's own headline, time and section stand before its story block; a logo <h1>, or a
# sidebar's "Latest" items with their own <span class="date-time">, may stand before them.
_BEFORE_CONTENT = f"[following::div[{_CONTENT_CLASS}]][not(preceding::div[{_CONTENT_CLASS}])]"
_HEADLINE_BEFORE = f"(//h1{_BEFORE_CONTENT})[last()]"
_TIME_BEFORE = f"(//span[{_has_class('date-time')}]{_BEFORE_CONTENT})[last()]"
_SECTION_BEFORE = f"(//*[{_has_class('top-part')}]//a[{_has_class('category')}]{_BEFORE_CONTENT})[last()]"
# The story's tag block is the first one after it (a sidebar's tag cloud may come before or after).
_TAG_BOX = " or ".join(_has_class(c) for c in ("tags-block", "article-tags", "tags"))
_TAGS_AFTER = f"({_CONTENT}/following::*[{_TAG_BOX}])[1]//a"
# Else (no tag block after the story: an empty one there means no tags) the page's first tag block.
_TAGS_ANYWHERE = f"(//*[{_TAG_BOX}])[1]//a[not({_CONTENT}/following::*[{_TAG_BOX}])]"
# Any tag block on the page (``tags_block`` as XPath): every one of the classes contains "tags", so a
# plain substring test on @class first spares the normalize-space() of every element (3x faster).
_ANY_TAG_BOX = f"//*[contains(@class, 'tags')][{_TAG_BOX}]"
# Containers inside the story block that are not the story: images and their captions, data
# tables, "read also" / related boxes and lists, embedded posts, share buttons (<ul class="social-share">
# <li>Facebook</li><li>X</li>...). Only containers *inside* the block count: old pages lay the
# whole page out in a <table>, and a wrapper's class ("with-related") says nothing of the story.
_NOT_STORY_CLASSES = (
    "read-also",
    "related",
    "embed",
    "twitter",
    "instagram",
    "caption",
    "share",
    "social",
    "news-list",
)
_NOT_STORY = " or ".join(["self::figure", "self::table"] + [f"contains(@class, '{c}')" for c in _NOT_STORY_CLASSES])
NOT_STORY_CSS: tuple[str, ...] = ("figure", "table", *(f"[class*={c}]" for c in _NOT_STORY_CLASSES))
"""The same containers as CSS, dropped from the whole block when the story is read from its text."""
# Story parts: paragraphs; sub-headings; list items that are text (an item that is only a link is
# a "related" list); leaf <div>s with text (<div class="editor">Edited by CN</div>). Only when the
# block holds no text of its own: "BAKU, Azerbaijan, June 18<br>By X - Trend:<p>..." is read whole.
_BLOCKS = "self::p or self::div or self::ul or self::ol or self::table or self::figure or self::h2 or self::h3"
_OWN_TEXT = "text()[translate(normalize-space(), '\u00a0\u200b', '') != '']"  # XPath keeps NBSP in normalize-space
_STORY_PARTS = (
    f"{_CONTENT}[not({_OWN_TEXT})]//*[self::p or self::h2 or self::h3"
    " or self::li[not(.//p)][.//text()[normalize-space()][not(ancestor::a)]]"
    f" or self::div[normalize-space()][not(.//*[{_BLOCKS}])][not({_CONTENT_CLASS})]]"
    f"[not(ancestor-or-self::*[{_NOT_STORY}][ancestor::div[{_CONTENT_CLASS}]])]"
)


class TrendLoader(ArticleLoader):
    """Trend's headlines may carry the site name; a ``BAKU, June 18 (Trend) -`` lead is Trend's own, split off.

    A story read from its whole block (``<br>`` text) loses the block's captions, tables and boxes first.
    """

    headline_in = MapCompose(p.clean_text, strip_trend_suffix)
    own_agency = AGENCY_NAME
    article_body_in = MapCompose(drop_elements(*NOT_STORY_CSS), p.html_to_text)

    def load_item(self) -> Any:
        """The shared loading; the agency's own name as a lead writes it ("Trend News Agency", "ТРЕНД") -> Trend."""
        item = super().load_item()
        if item.publisher and is_agency_name(item.publisher):
            item.publisher = PUBLISHER
        return item


class TrendSpider(NewsSpider):
    """``scrapy crawl trend [-a edition=en|az|ru] [-a since=YYYY-MM-DD] [-a base_url=URL] [-a sections=latest,...]``."""

    name = "trend"
    allowed_domains = ["trend.az"]  # noqa: RUF012 - Scrapy's own attribute
    loader_class = TrendLoader
    boilerplate_rules = TREND_RULES
    timezone = "+04:00"  # Baku time, no daylight saving since 2016
    article_url_re = r"^https?://[^/]+/(?:[\w-]+/)+\d+\.html(?:[?#]|$)"
    listing_links = "ul.news-list li a::attr(href)"
    # <link rel="next">, <a rel="next">, <div class="pagination"><a class="next">,
    # <ul class="pagination"><li class="next"><a>
    listing_next = (
        "link[rel=next]::attr(href), a[rel=next]::attr(href), .pagination a.next::attr(href),"
        " .pagination li.next a::attr(href)"
    )
    # "Tags:" block under the story; present (possibly empty) on every article page.
    tags_block: ClassVar[str] = ".tags-block, .article-tags, .tags"
    # Labels the page template writes beside the section name ("Azerbaijan Materials 18 June 2014 ...").
    template_labels: ClassVar[tuple[str, ...]] = ("Materials", "Materiallar", "Материалы")
    # Authors and publisher come from the story's lead ("By X - Trend:"), not from <meta name=author>.
    metadata_fields = tuple(f for f in NewsSpider.metadata_fields if f not in ("authors", "publisher"))
    # ...so the generic extractor, which would name the agency itself, never supplies them either.
    generic_fields = tuple(f for f in NewsSpider.generic_fields if f != "authors")
    publisher_name: ClassVar[str] = PUBLISHER

    # field -> rules: metadata first, then visible markup (see the seed README's markup facts).
    selectors: ClassVar[dict[str, list[str]]] = {
        "canonical_url": ["link[rel=canonical]::attr(href)", "meta[property='og:url']::attr(content)"],
        # The <h1> before the story is the title as shown (og:title may be an SEO variant or the site's name).
        "headline": [_HEADLINE_BEFORE, "meta[property='og:title']::attr(content)", "h1", "title::text"],
        "description": ["meta[property='og:description']::attr(content)", "meta[name=description]::attr(content)"],
        # The visible time may wrap its parts: <span class="date-time">15 Noyabr <b>10:31</b> (UTC+04)</span>.
        "date_published": ["meta[property='article:published_time']::attr(content)", _TIME_BEFORE, "span.date-time"],
        "date_modified": ["meta[property='article:modified_time']::attr(content)"],
        "section": [
            "meta[property='article:section']::attr(content)",
            _SECTION_BEFORE,
            ".top-part a.category, .breadcrumbs a:last-child",
        ],
        "main_image": ["meta[property='og:image']::attr(content)"],
        "in_language": ["html::attr(lang)", "meta[property='og:locale']::attr(content)"],
        "tags": [
            "meta[property='article:tag']::attr(content)",
            # whole links: a tag's text may sit in an inner <span> ("<a><span>#COP29</span></a>")
            _TAGS_AFTER,
            _TAGS_ANYWHERE,
        ],
        # The story: paragraphs, sub-headings and list items of the content block, nested or not, in
        # page order, minus the containers of _NOT_STORY; else the block's own text (older pages
        # separate paragraphs with <br>).
        "article_body": [_STORY_PARTS, _CONTENT],
    }

    def __init__(self, *args: Any, edition: str = "en", sections: str = "latest", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_arguments({"edition": edition, "sections": sections})
        self.edition = edition
        # The edition decides where discovery starts (the base declares these per class).
        home, language = EDITIONS[edition]
        self.default_base_url = home  # type: ignore[misc]
        self.language = language  # type: ignore[misc]
        self.feed_urls = [f"{home}/feeds/index.rss"]  # type: ignore[misc]
        self.listing_urls = [f"{home}/{s.strip().strip('/')}/" for s in sections.split(",") if s.strip()]  # type: ignore[misc]

    @classmethod
    def check_arguments(cls, args: dict[str, str]) -> None:
        """``edition``: en, az or ru; ``sections``: comma-separated path segments, or empty for no section
        listings (the sitemaps alone) (crawler.checks.validate_run)."""
        if "edition" in args:
            checks.check_choice("edition", args["edition"], EDITIONS)
        sections = args.get("sections")
        if sections and not re.fullmatch(r"\s*[\w/-]+(\s*,\s*[\w/-]+)*\s*", sections):
            raise checks.UsageProblem(
                "-a sections", f"expected section paths such as latest,business; got {sections!r}"
            )

    def is_article_url(self, url: str) -> bool:
        """An article URL on trend.az or the mirror: listings also link to other sites' ``/<section>/<id>.html``."""
        host = urlsplit(url).hostname or ""
        own = [d for d in self.allowed_domains if d]
        return super().is_article_url(url) and any(host == d or host.endswith("." + d) for d in own)

    def article_request(self, url: str, listed: datetime | None = None, **kwargs: Any) -> Request:
        """The base's request, without the link's ``#comments``-style fragment."""
        return super().article_request(urldefrag(url)[0], listed, **kwargs)

    def has_tags_block(self, response: TextResponse) -> bool:
        """The page has a ``tags_block`` element (the faster XPath unless a subclass changed the rule)."""
        if self.tags_block == TrendSpider.tags_block:
            return bool(response.xpath(_ANY_TAG_BOX))
        return bool(response.css(self.tags_block))

    def extract(self, response: TextResponse) -> Article:
        """Shared extraction, then Trend's facts: empty tag block -> ``[]``, times in Baku time (the feed's
        when the page shows none), the agency as publisher and never as an author."""
        item = super().extract(response)
        extraction = dict(item.extraction or {})
        # Any tag block first: the following:: query after the story is several times slower on large pages.
        if item.tags is None and (self.has_tags_block(response) or response.xpath(_TAGS_AFTER.removesuffix("//a"))):
            item.tags = []
        listed = response.meta.get(META_LISTED_DATE) if response.request is not None else None
        if not item.date_published and isinstance(listed, datetime) and listed.tzinfo is not None:
            # A page showing no time: the feed item's <pubDate> (metadata of the article, given by the site).
            item.date_published = p.format_iso8601(listed)
            extraction["date_published"] = "meta"
        for field in ("date_published", "date_modified"):
            # Trend's times are Baku times; a meta time in UTC ("...T06:05:00Z") is the same instant.
            value = getattr(item, field)
            if value and value.endswith("+00:00") and (dt := p.parse_date(value)):
                setattr(item, field, p.format_iso8601(dt.astimezone(p.as_tzinfo(self.timezone)), keep_fraction=True))
        if item.authors and any(is_agency_name(a) for a in item.authors):
            # "By Seba Agayeva, Trend:" - the agency written as one more name.
            item.authors = [a for a in item.authors if not is_agency_name(a)] or None
        if not item.authors:
            meta = cached_metadata(response)
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
