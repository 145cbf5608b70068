"""Los Angeles Times (latimes.com): articles listed in its news sitemap and section RSS feeds."""

from datetime import datetime
from typing import Any

from itemloaders.processors import MapCompose

from crawler.extract import clean as p
from crawler.extract.body_rules import story_children
from crawler.extract.loader import ArticleLoader
from crawler.news_spider import NewsSpider

# Two body layouts, one rule (page order kept):
# - a regular story: the <p>/<h2>/<h3> children of <div data-element="story-body">;
# - a "story stack" (one page, several numbered parts): each part's title
#   <h3 class="story-stack-story-title"> ("Football") and the <p> children of its
#   <div data-element="story-stack-story-body">.
# Left out: the "enhancement" <div>s between paragraphs - photos with captions ("(Photos by
# Associated Press; photo illustration by Tim Hubbard / Los Angeles Times)"), "Advertisement"
# slots, newsletter and related-story boxes.
# Story elements per crawler/extract/body_rules.py (lists, quotes, tables, h2-h4 too).
_BODY = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' story-stack-story ')]"
    "/h3[contains(concat(' ', normalize-space(@class), ' '), ' story-stack-story-title ')] | "
    + story_children("div[data-element='story-body'], div[data-element='story-stack-story-body']")
)


def to_iso8601_ms(value: Any, loader_context: dict[str, Any] | None = None) -> str | None:
    """A page date -> ISO 8601 keeping milliseconds; other values as the shared ``to_iso8601``.

    LA Times stamps are precise to the millisecond ("2023-06-26T12:00:29.055Z"); the shared
    processor drops sub-seconds, which would move the instant.
    """
    iso = p.to_iso8601(value, loader_context)
    text = p.clean_text(value) or ""
    if iso is None or "." not in text:
        return iso
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if dt.tzinfo is None or not dt.microsecond:
        return iso
    return dt.isoformat(timespec="milliseconds")


class LaTimesLoader(ArticleLoader):
    date_published_in = date_modified_in = MapCompose(p.clean_text, to_iso8601_ms)


class LaTimesSpider(NewsSpider):
    name = "latimes"
    allowed_domains = ["latimes.com"]
    default_base_url = "https://www.latimes.com"
    sitemap_urls = ["https://www.latimes.com/news-sitemap.xml"]
    feed_urls = [
        "https://www.latimes.com/california/rss2.0.xml",
        "https://www.latimes.com/world-nation/rss2.0.xml",
        "https://www.latimes.com/politics/rss2.0.xml",
        "https://www.latimes.com/business/rss2.0.xml",
    ]
    # https://www.latimes.com/<section>/story/2023-06-26/<slug>
    article_url_re = r"latimes\.com/(?:[\w-]+/)+story/\d{4}-\d{2}-\d{2}/[\w-]+"
    timezone = "America/Los_Angeles"
    language = "en"
    loader_class = LaTimesLoader

    # Headline: og:title, as the visible <h1 class="headline"> (JSON-LD "headline" is an SEO variant:
    # "100 years at the Los Angeles Coliseum: ..." for "One hundred years at the Coliseum: ...");
    # authors and dates: JSON-LD NewsArticle.
    selectors = {
        "headline": ["meta[property='og:title']::attr(content)", "h1.headline"],
        "article_body": [_BODY],
    }
    # Without JSON-LD: the byline's names (<span class="author-name"><a>Houston Mitchell</a>, one per
    # writer; the generic guess glues on "Assistant Sports EditorFollow") and <time datetime> (the
    # <meta> article:published_time is UTC written without its "Z").
    late_selectors = {
        "authors": ["div.byline .author-name a::text", "div.byline .author-name::text"],
        "date_published": ["time.published-date::attr(datetime)"],
    }
