"""Site health: the verdict on counts, thresholds from settings, and a real crawl of a broken site."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from scrapy import Request, Spider
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.health import HealthConfig, HealthExtension, drop_reason
from crawler.items import Article
from tests.conftest import run_scrapy
from tests.support.incremental_site import SPIDER, _write_site
from tests.support.site_server import serve


class _Spider(Spider):
    name = "health_unit"

    def parse_article(self, response):
        return []


def _extension(**settings) -> HealthExtension:
    crawler = get_crawler(_Spider, {"REMOTE_CONTROL_ENABLED": False, "STATE_DIR": ":memory:", **settings})
    crawler.spider = _Spider.from_crawler(crawler)
    crawler.stats.open_spider()
    return HealthExtension.from_crawler(crawler)


def _feed(ext: HealthExtension, pages: int, articles: list[Article], drops: dict[int, Exception] | None = None):
    spider = ext.crawler.spider
    for n in range(pages):
        request = Request(f"http://site.test/{n}.html", callback=spider.parse_article)
        ext.response_received(HtmlResponse(request.url, body=b"<p></p>"), request)
        ext.crawler.stats.inc_value("downloader/response_count")
        ext.crawler.stats.inc_value("downloader/response_status_count/200")
    for i, item in enumerate(articles):
        if drops and i in drops:
            ext.item_dropped(item, drops[i])
        else:
            ext.item_scraped(item)
            ext.crawler.stats.inc_value("item_scraped_count")


def _good(n: int) -> Article:
    return Article(url=f"http://site.test/{n}.html", headline=f"H{n}", article_body="Text.",
                   date_published="2026-11-20T10:00:00+04:00")


def test_thresholds_merge_defaults_with_settings():
    config = HealthConfig.from_settings(Settings({"HEALTH_MIN_COVERAGE": '{"authors": 0.5, "date_published": 0}'}))
    assert config.min_coverage == {"headline": 0.8, "article_body": 0.8, "authors": 0.5}


def test_healthy_run_and_report_counts():
    ext = _extension()
    drops = {3: DropItem("duplicate url: http://site.test/3.html")}
    _feed(ext, 4, [_good(n) for n in range(4)], drops)
    report = ext.report(ext.crawler.spider, "finished")
    assert report["articles_parsed"] == 4 and report["articles_exported"] == 3
    assert report["drops"] == {"duplicate url": 1}
    assert report["coverage"]["headline"] == 1.0 and report["coverage"]["authors"] == 0.0
    assert ext.judge(report) == (None, [])


def test_missing_dates_make_the_run_unhealthy_and_set_the_finish_reason():
    ext = _extension(HEALTH_MIN_COVERAGE={"date_published": 0.75})
    articles = [_good(n) for n in range(4)]
    for item in articles[:2]:
        item.date_published = None
    _feed(ext, 4, articles)
    ext.crawler.stats.set_value("finish_reason", "finished")
    ext.spider_closed(ext.crawler.spider, "finished")
    stats = ext.crawler.stats.get_stats()
    assert stats["finish_reason"] == "unhealthy"
    assert stats["news/health/healthy"] is False
    assert stats["news/health/coverage/date_published"] == 0.5


def test_pages_that_stop_being_articles_are_a_layout_problem():
    ext = _extension()
    _feed(ext, 10, [_good(1)])
    reason, problems = ext.judge(ext.report(ext.crawler.spider))
    assert reason == "unhealthy" and "article yield 0.10" in problems[0]


def test_403_and_429_are_blocked_not_unhealthy():
    ext = _extension()
    _feed(ext, 2, [_good(1), _good(2)])
    ext.crawler.stats.inc_value("downloader/response_count", 6)
    ext.crawler.stats.inc_value("downloader/response_status_count/403", 4)
    ext.crawler.stats.inc_value("downloader/response_status_count/429", 2)
    report = ext.report(ext.crawler.spider)
    assert report["http_errors"] == {"403": 4, "429": 2} and report["blocked"] == 6
    assert ext.judge(report)[0] == "blocked"


def test_small_runs_are_not_judged():
    ext = _extension()
    _feed(ext, 2, [Article(url="http://site.test/1.html", headline="H")])
    assert ext.judge(ext.report(ext.crawler.spider)) == (None, [])


def test_drop_reason_is_the_message_prefix():
    assert drop_reason(DropItem("missing/headline: http://x")) == "missing/headline"
    assert drop_reason(DropItem("")) == "DropItem"


def test_a_broken_site_is_reported_unhealthy(tmp_path: Path):
    site_dir, state = tmp_path / "site", tmp_path / "state"
    site_dir.mkdir()
    day = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    dates = {n: day + timedelta(hours=n) for n in range(1, 6)}
    _write_site(site_dir, dates, {n: f"Paragraph {n}." for n in dates})
    for page in site_dir.glob("news-*.html"):  # a redesign: new class names, the title moved out of <h1>
        html = page.read_text("utf-8").replace('class="story"', 'class="c-body"').replace("h1>", "h2>")
        page.write_text(html, "utf-8")
    (tmp_path / "incr_test_spider.py").write_text(SPIDER, "utf-8")
    with serve(site_dir) as site:
        proc = run_scrapy("runspider", str(tmp_path / "incr_test_spider.py"), "-a", f"base_url={site.base_url}",
                          "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"STATE_DIR={state}", "-O",
                          str(tmp_path / "out.jsonl"), timeout=60)
    assert "'finish_reason': 'unhealthy'" in proc.stderr, proc.stderr[-3000:]
    (report_path,) = (state / "health" / "incr_test").glob("*.json")
    report = json.loads(report_path.read_text("utf-8"))
    assert report["healthy"] is False and report["article_pages_fetched"] == 5
    assert report["problems"]


def test_a_run_without_any_response_is_unreachable():
    ext = _extension()
    ext.crawler.stats.set_value("downloader/exception_type_count/twisted.internet.error.ConnectionRefusedError", 2)
    ext.crawler.stats.set_value("downloader/exception_type_count/scrapy.exceptions.IgnoreRequest", 5)
    report = ext.report(ext.crawler.spider)
    assert report["download_errors"] == 2
    assert ext.judge(report)[0] == "unreachable"


def test_pages_retried_after_giving_no_article_are_not_judged():
    ext = _extension()
    spider = ext.crawler.spider
    for n in range(5):  # five truncated pages an earlier run could not export, fetched again
        request = Request(f"http://site.test/{n}.html", callback=spider.parse_article,
                          meta={"news_incremental_retry": True})
        response = HtmlResponse(request.url, body=b"<p></p>", request=request)
        ext.response_received(response, request)
        ext.item_dropped(Article(url=request.url), DropItem("missing/headline: x"), response)
    report = ext.report(spider)
    assert (report["article_pages_retried"], report["articles_parsed"], report["drops"]) == (
        5, 0, {"missing/headline": 5})
    assert ext.judge(report) == (None, [])
