"""A Trend-like test spider for the browser fixtures (tests/fixtures/browser); not a real site's spider.

Run with ``-s SPIDER_MODULES=tests.support.spiders.trendlike -a base_url=http://127.0.0.1:PORT``;
``-a listing=/news/broken/`` crawls another listing, ``-a stats_out=FILE`` writes the final stats as JSON.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, ClassVar

from crawler.news_spider import NewsSpider


class TrendLikeSpider(NewsSpider):
    name = "trendlike"
    default_base_url = "http://127.0.0.1"
    listing_urls: ClassVar[list[str]] = ["/news/latest/"]
    listing_links = "ul.news-list li a::attr(href)"
    # Server-rendered twin: "Load more" is a link to the next page; script twin: a button.
    listing_next = "a.load-more::attr(href)"
    listing_load_more = "button.load-more"
    article_url_re = r"/\d+\.html$"
    timezone = "+04:00"
    language = "en"
    use_browser = "listings"
    selectors: ClassVar[dict[str, list[str]]] = {
        "headline": ["h1::text"],
        "section": ["span.section::text"],
        "article_body": ["div.article-content.article-paddings p"],
    }

    def __init__(self, *args: Any, listing: str | None = None, stats_out: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if listing:
            self.listing_urls = [listing]
        self.stats_out = stats_out

    def closed(self, reason: str) -> None:
        if self.stats_out:
            stats = dict(self.crawler.stats.get_stats())
            stats["finish_reason"] = reason
            start = stats.get("start_time")
            if start is not None:  # CoreStats sets elapsed_time_seconds only after this method
                stats["elapsed_time_seconds"] = (datetime.now(timezone.utc) - start).total_seconds()
            with open(self.stats_out, "w", encoding="utf-8") as f:
                json.dump(stats, f, default=str, indent=1, sort_keys=True)
