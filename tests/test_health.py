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


# --- fallback: only where the spider has site rules for the field ---------------------------------


class _RuledSpider(Spider):
    """A site spider with rules for headline and body only (dates come from metadata or the generic extractor)."""

    name = "health_ruled"
    selectors = {"headline": ["h1::text"], "article_body": [".story p"]}  # noqa: RUF012

    def parse_article(self, response):
        return []


def _ruled_extension(**settings) -> HealthExtension:
    crawler = get_crawler(_RuledSpider, {"REMOTE_CONTROL_ENABLED": False, "STATE_DIR": ":memory:", **settings})
    crawler.spider = _RuledSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    return HealthExtension.from_crawler(crawler)


def _generic_article(n: int, spider: str) -> Article:
    item = _good(n)
    item.spider = spider
    item.extraction = {"headline": "generic", "article_body": "generic", "date_published": "generic"}
    return item


def test_records_of_hosts_without_a_spider_are_not_a_fallback():
    ext = _extension()
    _feed(ext, 5, [_generic_article(n, "generic") for n in range(5)])
    report = ext.report(ext.crawler.spider)
    assert report["fallback"] == {} and report["fallback_sample"] == {}
    assert ext.judge(report) == (None, [])


def test_a_field_without_site_rules_is_not_a_fallback_but_a_missed_rule_is():
    ext = _ruled_extension()
    articles = [_generic_article(n, "health_ruled") for n in range(4)]
    for item in articles[:2]:  # two pages where the site's body rule still matched
        item.extraction = {**item.extraction, "article_body": "site", "headline": "site"}
    _feed(ext, 4, articles)
    report = ext.report(ext.crawler.spider)
    assert "date_published" not in report["fallback"]  # no date rule: metadata/generic is the expected path
    assert report["fallback"] == {"article_body": 0.5, "headline": 0.5}
    assert report["fallback_sample"] == {"article_body": 4, "headline": 4}
    assert ext.judge(report) == (None, [])
    ext2 = _ruled_extension()
    _feed(ext2, 4, [_generic_article(n, "health_ruled") for n in range(4)])
    reason, problems = ext2.judge(ext2.report(ext2.crawler.spider))
    assert reason == "unhealthy"
    assert [p.split(" ")[0] for p in problems] == ["article_body", "headline"]


def test_fallback_share_counts_only_pages_of_spiders_with_rules():
    """A re-parse mixes site spiders' records with the generic fallback's: only the former are judged."""
    ext = _ruled_extension()
    broken = [_generic_article(n, "health_ruled") for n in range(3)]
    unknown = [_generic_article(n, "generic") for n in range(10, 40)]
    _feed(ext, 33, broken + unknown)
    report = ext.report(ext.crawler.spider)
    assert report["fallback_sample"]["article_body"] == 3 and report["fallback"]["article_body"] == 1.0
    assert ext.judge(report)[0] == "unhealthy"  # 3 of 3 ruled pages, although only 3 of 33 articles


def test_site_rules_of_other_spiders_are_read_from_the_project():
    ext = _extension(SPIDER_MODULES=["tests.support.spiders.example_news"])
    assert ext.rule_fields("other_news") == frozenset({"headline", "article_body"})
    assert ext.rule_fields("generic") == frozenset()
    assert ext.rule_fields("no_such_spider") is None  # unknown: every field counts


_UNKNOWN_HOST_PAGE = """<html lang="en"><head><title>{title} | Town Post</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
"datePublished": "2024-05-1{n}T08:00:00+02:00", "author": {{"@type": "Person", "name": "Ann Lee"}}}}</script>
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>{title}</h1>{paragraphs}</article>
<footer>Contact us. Imprint.</footer></body></html>"""


def test_reparse_of_hosts_without_a_spider_that_extracts_well_is_healthy(tmp_path: Path):
    pages = tmp_path / "pages"
    pages.mkdir()
    rows = []
    for n in range(4):  # four hosts no spider knows, each with its own story
        title = f"Council approves plan number {n} for the harbour"
        paragraphs = "".join(
            f"<p>Paragraph {k} of story {n}: the council voted on the harbour plan, which changes the ferry "
            f"timetable, the parking rules and the budget of the port authority for year {2020 + n}.</p>"
            for k in range(5)
        )
        html = _UNKNOWN_HOST_PAGE.format(title=title, n=n, paragraphs=paragraphs)
        (pages / f"p{n}.html").write_text(html, "utf-8")
        rows.append(f"p{n}.html\thttps://www.unknown-host-{n}.example/news/story-{n}.html\t2024-05-14T08:00:00Z\n")
    (pages / "manifest.tsv").write_text("".join(rows), "utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_scrapy("reparse", str(pages), "-O", f"{out}:jsonlines", "-s", "HEALTH_MIN_SAMPLE=3")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "unhealthy" not in proc.stderr
    assert "'news/health/healthy': True" in proc.stderr
    articles = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(articles) == 4
    assert {a["spider"] for a in articles} == {"generic"}
    assert {a["extraction"]["article_body"] for a in articles} == {"generic"}
