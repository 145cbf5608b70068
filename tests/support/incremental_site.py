"""A local site for the incremental-crawl tests: an RSS feed listing article pages, and its spider."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

SPIDER = '''
from crawler.news_spider import NewsSpider


class IncrTestSpider(NewsSpider):
    """A minimal site: an RSS feed listing article pages."""

    name = "incr_test"
    feed_urls = ["/feed.rss"]
    selectors = {
        "headline": ["h1::text"],
        "article_body": ["div.story > p"],
        "date_published": ["time::attr(datetime)"],
    }
'''


def _write_site(root: Path, dates: dict[int, datetime], bodies: dict[int, str]) -> None:
    items = []
    for n, when in dates.items():
        (root / f"news-{n}.html").write_text(
            f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
            f'<time datetime="{when.isoformat()}">{when:%d %B %Y}</time>'
            f'<div class="story"><p>{bodies[n]}</p><p>Second paragraph of story {n}.</p></div></article></body></html>',
            "utf-8",
        )
        items.append(f"<item><title>Story {n}</title><link>/news-{n}.html</link>"
                     f"<pubDate>{format_datetime(when)}</pubDate></item>")
    (root / "feed.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>' + "".join(items) + "</channel></rss>",
        "utf-8",
    )
