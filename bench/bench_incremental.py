"""Seen-store throughput: ``python bench/bench_incremental.py [N]`` judges N article requests twice
(a first run: all new, then a second run: all known) against a store in a temp dir; prints requests/s."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.state.extension import store_for
from crawler.state.requests import IncrementalMiddleware, IncrementalSpiderMiddleware


class BenchSpider(Spider):
    name = "bench"

    def parse_article(self, response):
        return []


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        crawler = get_crawler(BenchSpider, {"STATE_DIR": tmp, "REMOTE_CONTROL_ENABLED": False})
        crawler.spider = spider = BenchSpider.from_crawler(crawler)
        smw, dmw, store = (
            IncrementalSpiderMiddleware(crawler, _cfg(crawler)),
            IncrementalMiddleware(crawler, _cfg(crawler)),
            store_for(crawler),
        )
        day = datetime(2026, 11, 1, tzinfo=timezone.utc)
        urls = [f"http://site.test/news/{i}.html" for i in range(n)]
        start = time.perf_counter()
        for i, url in enumerate(urls):  # first run: judge, fetch, export
            req = Request(url, callback=spider.parse_article, meta={"news_listed_date": day + timedelta(minutes=i)})
            smw.admit(req)
            dmw.process_response(req, HtmlResponse(url, body=b"", headers={"ETag": f'"{i}"'}))
            store.record_export(url, f"h{i}", None, 1)
        first = time.perf_counter() - start
        start = time.perf_counter()
        skipped = sum(
            not smw.admit(
                Request(url, callback=spider.parse_article, meta={"news_listed_date": day + timedelta(minutes=i)})
            )
            for i, url in enumerate(urls)
        )
        second = time.perf_counter() - start
    print(
        f"{n} pages: first run {n / first:,.0f} pages/s (judge + record fetch + record export); "
        f"second run {n / second:,.0f} requests/s judged, {skipped} skipped"
    )


def _cfg(crawler):
    from crawler.state.store import StateConfig

    return StateConfig.from_settings(crawler.settings)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
