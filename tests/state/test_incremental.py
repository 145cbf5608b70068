"""Seen-store, incremental middleware and pipeline: units, then three real crawls of a local site."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.items import Article
from crawler.state.extension import store_for
from crawler.state.requests import IncrementalMiddleware, IncrementalSpiderMiddleware
from crawler.state.store import MEMORY, SeenStore, default_state_dir, state_dir
from pipelines.revisions import IncrementalPipeline
from tests.conftest import run_scrapy
from tests.support.incremental_site import SPIDER, _write_site
from tests.support.site_server import serve

# --- the store ----------------------------------------------------------------------------------


def test_state_dir_setting_then_env_then_per_user_default(monkeypatch, tmp_path):
    monkeypatch.setenv("BYLINE_STATE_DIR", str(tmp_path / "env"))
    assert state_dir(Settings({"STATE_DIR": str(tmp_path / "set")})) == str(tmp_path / "set")
    assert state_dir(Settings()) == str(tmp_path / "env")
    monkeypatch.delenv("BYLINE_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_dir(Settings()) == str(tmp_path / "xdg" / "byline") == str(default_state_dir())
    assert state_dir(Settings({"STATE_DIR": MEMORY})) == MEMORY


def test_store_persists_per_spider_and_keeps_newest_listed_date(tmp_path):
    store = SeenStore.for_spider(str(tmp_path), "site/a")
    store.record_fetch("http://x.test/a?utm_source=feed", etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
                       listed_at=200.0)
    store.record_fetch("http://x.test/a", etag='"v2"', listed_at=100.0)
    store.record_export("http://x.test/a", "hash1", None, 1)
    store.close()
    again = SeenStore.for_spider(str(tmp_path), "site/a")
    page = again.get("http://x.test/a#comments")  # tracking parameters and fragments do not make a new page
    assert page is not None
    assert (page.etag, page.last_modified, page.listed_at) == ('"v2"', None, 200.0)
    assert (page.body_hash, page.revision) == ("hash1", 1)
    assert again.get("http://x.test/b") is None
    assert (tmp_path / "site_a.sqlite").exists()
    assert SeenStore.for_spider(str(tmp_path), "other").count() == 0


# --- the middleware -----------------------------------------------------------------------------


class _Spider(Spider):
    name = "incr_unit"

    def parse_article(self, response):
        return []

    def parse_feed(self, response):
        return []


def _crawler(tmp_path: Path, **settings):
    crawler = get_crawler(_Spider, {"STATE_DIR": str(tmp_path), "REMOTE_CONTROL_ENABLED": False, **settings})
    crawler.spider = _Spider.from_crawler(crawler)
    return crawler


def _article_request(spider: _Spider, url: str, listed: datetime | None = None) -> Request:
    return Request(url, callback=spider.parse_article, meta={"news_listed_date": listed} if listed else {})


def test_middleware_skips_known_articles_unless_listed_newer_or_too_old(tmp_path):
    crawler = _crawler(tmp_path, STATE_REVISIT_AGE=3600)
    spider, store = crawler.spider, store_for(crawler)
    smw, dmw = IncrementalSpiderMiddleware.from_crawler(crawler), IncrementalMiddleware.from_crawler(crawler)
    day = datetime(2026, 11, 1, tzinfo=timezone.utc)
    url = "http://site.test/news/1.html"

    new = _article_request(spider, url, day)
    assert smw.admit(new)  # never seen: fetched
    dmw.process_response(new, HtmlResponse(url, body=b"<p>x</p>", headers={"ETag": '"e1"'}))
    retry = _article_request(spider, url, day)
    assert smw.admit(retry) and retry.meta["news_incremental_retry"]  # fetched, not exported yet
    store.record_export(url, "h", None, 1)

    feed = Request("http://site.test/feed.rss", callback=spider.parse_feed)
    out = list(smw.process_spider_output(None, [_article_request(spider, url, day), _article_request(spider, url),
                                                 feed, {"not": "a request"}]))
    assert out == [feed, {"not": "a request"}]  # same date, no date: dropped

    changed = _article_request(spider, url, day + timedelta(hours=1))
    assert smw.admit(changed)
    assert changed.headers.get("If-None-Match") == b'"e1"'
    assert not smw.admit(_article_request(spider, url, day + timedelta(hours=1)))  # that date is known now

    store.record_fetch(url, fetched_at=time.time() - 7200, keep_validators=True)
    assert smw.admit(_article_request(spider, url, day))  # revisit age passed

    stats = crawler.stats.get_stats()
    assert stats["news/incremental/skipped/known"] == 3
    assert stats["news/incremental/fetch/listed"] == 1
    assert stats["news/incremental/fetch/revisit"] == 1
    assert stats["news/incremental/fetch/new"] == 1
    assert stats["news/incremental/fetch/unexported"] == 1


def test_an_undated_link_seen_first_does_not_hide_the_feed_date(tmp_path):
    crawler = _crawler(tmp_path)
    spider, store, smw = crawler.spider, store_for(crawler), IncrementalSpiderMiddleware.from_crawler(crawler)
    url = "http://site.test/news/5.html"
    assert smw.admit(_article_request(spider, url))  # first run: the listing's link wins the duplicate filter
    assert smw.admit(_article_request(spider, url, datetime(2026, 11, 1, tzinfo=timezone.utc)))
    store.record_fetch(url)
    store.record_export(url, "h", None, 1)
    assert not smw.admit(_article_request(spider, url, datetime(2026, 11, 1, tzinfo=timezone.utc)))
    assert smw.admit(_article_request(spider, url, datetime(2026, 11, 2, tzinfo=timezone.utc)))


def test_middleware_counts_304_and_exports_nothing(tmp_path):
    crawler = _crawler(tmp_path, STATE_REVISIT_AGE=0)
    spider, store = crawler.spider, store_for(crawler)
    smw, dmw = IncrementalSpiderMiddleware.from_crawler(crawler), IncrementalMiddleware.from_crawler(crawler)
    url = "http://site.test/news/2.html"
    modified = "Sun, 01 Nov 2026 10:00:00 GMT"
    store.record_fetch(url, last_modified=modified, listed_at=100.0)
    store.record_export(url, "h", None, 1)
    req = _article_request(spider, url, datetime(2026, 11, 2, tzinfo=timezone.utc))
    assert smw.admit(req)
    assert req.headers.get("If-Modified-Since") == modified.encode()
    with pytest.raises(IgnoreRequest):
        dmw.process_response(req, Response(url, status=304))
    assert crawler.stats.get_value("news/incremental/not_modified") == 1
    page = store.get(url)
    assert page.last_modified == modified and page.listed_at == datetime(2026, 11, 2, tzinfo=timezone.utc).timestamp()


def test_middleware_off_with_state_enabled_false(tmp_path):
    from scrapy.exceptions import NotConfigured

    for cls in (IncrementalMiddleware, IncrementalSpiderMiddleware):
        with pytest.raises(NotConfigured):
            cls.from_crawler(_crawler(tmp_path, STATE_ENABLED=False))


# --- the pipeline -------------------------------------------------------------------------------


def test_pipeline_revision_new_unchanged_changed(tmp_path):
    crawler = _crawler(tmp_path)
    pipe = IncrementalPipeline.from_crawler(crawler)
    first = Article(url="http://site.test/a", headline="H", article_body="One. Two.")
    assert pipe.process_item(first).revision == 1
    pipe.item_scraped(first)
    with pytest.raises(DropItem, match="unchanged"):
        pipe.process_item(Article(url="http://site.test/a", headline="H", article_body="one,  two"))
    edited = Article(url="http://site.test/a", headline="H", article_body="One. Two. Three.")
    assert pipe.process_item(edited).revision == 2
    pipe.item_scraped(edited)
    touched = Article(url="http://site.test/a", headline="H", article_body="One. Two. Three.",
                      date_modified="2026-11-02T10:00:00+04:00")
    assert pipe.process_item(touched).revision == 3
    stats = crawler.stats.get_stats()
    assert (stats["news/incremental/new"], stats["news/incremental/unchanged"], stats["news/incremental/revised"]) == (
        1, 1, 2)


def test_a_copy_of_a_story_exported_earlier_is_settled_not_exported(tmp_path):
    crawler = _crawler(tmp_path)
    pipe, mw = IncrementalPipeline.from_crawler(crawler), IncrementalSpiderMiddleware.from_crawler(crawler)
    original = Article(url="http://site.test/energy/1.html", headline="H", article_body="Same story.")
    pipe.item_scraped(pipe.process_item(original))
    with pytest.raises(DropItem, match="duplicate body"):
        pipe.process_item(Article(url="http://site.test/economy/7.html", headline="H", article_body="Same story."))
    assert not mw.admit(_article_request(crawler.spider, "http://site.test/economy/7.html"))  # not fetched again
    rewritten = Article(url="http://site.test/economy/7.html", headline="H", article_body="A story of its own.")
    assert pipe.process_item(rewritten).revision == 1


def test_memory_store_starts_empty_every_run(tmp_path):
    for _ in range(2):
        crawler = _crawler(tmp_path, STATE_DIR=MEMORY)
        pipe = IncrementalPipeline.from_crawler(crawler)
        item = Article(url="http://site.test/a", headline="H", article_body="Body")
        assert pipe.process_item(item).revision == 1
        pipe.item_scraped(item)
    assert not list(tmp_path.iterdir())


# --- three real crawls of a local site ------------------------------------------------------------

def _crawl(tmp_path: Path, base_url: str, state: Path, out: str) -> tuple[list[dict], dict]:
    (tmp_path / "incr_test_spider.py").write_text(SPIDER, "utf-8")
    proc = run_scrapy("runspider", str(tmp_path / "incr_test_spider.py"), "-a", f"base_url={base_url}",
                      "-O", str(tmp_path / out), "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"STATE_DIR={state}",
                      "-s", "LOG_LEVEL=INFO", timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = (tmp_path / out).read_text("utf-8").splitlines()
    reports = sorted((state / "health" / "incr_test").glob("*.json"), key=os.path.getmtime)
    return [json.loads(line) for line in lines], json.loads(reports[-1].read_text("utf-8"))


def test_second_run_exports_nothing_and_a_changed_article_comes_back_as_revision_2(tmp_path):
    site_dir, state = tmp_path / "site", tmp_path / "state"
    site_dir.mkdir()
    day = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    dates = {n: day + timedelta(hours=n) for n in range(1, 5)}
    bodies = {n: f"First paragraph of story {n}." for n in dates}
    _write_site(site_dir, dates, bodies)
    with serve(site_dir) as site:
        first, health1 = _crawl(tmp_path, site.base_url, state, "run1.jsonl")
        assert sorted(a["headline"] for a in first) == [f"Story {n}" for n in range(1, 5)]
        assert {a["revision"] for a in first} == {1}
        assert health1["healthy"] and health1["articles_exported"] == 4 and health1["coverage"]["headline"] == 1.0

        second, health2 = _crawl(tmp_path, site.base_url, state, "run2.jsonl")
        assert second == []
        assert health2["incremental"]["skipped/known"] == 4 and health2["article_pages_fetched"] == 0
        assert health2["healthy"]

        # Story 2 is rewritten and the feed dates it later; story 3 only gets a later feed date.
        bodies[2] = "First paragraph of story 2, corrected."
        dates[2] = dates[3] = day + timedelta(days=1)
        _write_site(site_dir, dates, bodies)
        later = time.time() + 60  # the server's Last-Modified: after the first fetch, whatever the clock granularity
        for n in (1, 3, 4):
            os.utime(site_dir / f"news-{n}.html", (time.time() - 3600, time.time() - 3600))
        os.utime(site_dir / "news-2.html", (later, later))
        third, health3 = _crawl(tmp_path, site.base_url, state, "run3.jsonl")
    assert [(a["headline"], a["revision"]) for a in third] == [("Story 2", 2)]
    assert "corrected" in third[0]["article_body"]
    assert health3["incremental"]["fetch/listed"] == 2
    assert health3["incremental"]["not_modified"] == 1  # story 3: If-Modified-Since -> 304
    assert health3["incremental"]["revised"] == 1
