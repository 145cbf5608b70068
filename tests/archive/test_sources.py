"""Readers of stored pages (WARC, HTTP cache, HTML + manifest), host dispatch and response building."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.archive.dispatch import SpiderDispatcher
from crawler.archive.reparse_spider import page_response
from crawler.archive.sources import SkipCounter, StoredPage, parse_manifest, read_source, source_kind
from tests.support.reparse_util import story_html, write_warc
from tests.support.spiders.example_news import ExampleNewsSpider, OtherNewsSpider


def chunked(data: bytes, size: int = 100) -> bytes:
    """HTTP/1.1 chunked transfer coding of ``data``."""
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def cc_news_records() -> list[dict]:
    """A CC-NEWS-like capture: warcinfo, then request/response/metadata per page (chunked, gzip)."""
    page0, page1 = story_html(0).encode(), story_html(1).encode()
    return [
        {"type": "warcinfo", "url": "", "body": b"software: test\r\n", "headers": None},
        {"type": "request", "url": "https://news.example/story/0.html", "status": "GET /story/0.html HTTP/1.1",
         "headers": [("Host", "news.example")], "body": b""},
        {"url": "https://news.example/story/0.html", "date": "2024-05-01T08:00:00Z", "body": chunked(page0),
         "headers": [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")]},
        {"type": "metadata", "url": "https://news.example/story/0.html", "body": b"fetchTimeMs: 120\r\n"},
        {"url": "https://news.example/story/1.html", "date": "2024-05-02T09:30:00Z",
         "body": chunked(gzip.compress(page1)),
         "headers": [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]},
        {"url": "https://news.example/story/2.html", "status": "301 Moved Permanently", "body": b"",
         "headers": [("Location", "https://news.example/story/1.html")]},
    ]  # fmt: skip


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_warc_cc_news_style(tmp_path: Path, gz: bool) -> None:
    path = write_warc(tmp_path / ("cc.warc.gz" if gz else "cc.warc"), cc_news_records(), gzip=gz)
    skip = SkipCounter()
    pages = list(read_source(path, skip))
    assert [p.url for p in pages] == [f"https://news.example/story/{n}.html" for n in (0, 1, 2)]
    assert pages[0].body == story_html(0).encode()  # de-chunked
    assert pages[1].body == story_html(1).encode()  # de-chunked and gunzipped
    assert pages[1].date.isoformat() == "2024-05-02T09:30:00+00:00"
    assert all(k.lower() not in (b"content-encoding", b"transfer-encoding") for k, _ in pages[1].headers)
    assert pages[2].status == 301
    assert skip.counts == {"records/warcinfo": 1, "records/request": 1, "records/metadata": 1}


def test_filesystem_and_dbm_http_cache(tmp_path: Path) -> None:
    from scrapy.extensions.httpcache import DbmCacheStorage, FilesystemCacheStorage

    for storage_cls, sub, gz in ((FilesystemCacheStorage, "fs", True), (DbmCacheStorage, "dbm", False)):
        crawler = get_crawler(ExampleNewsSpider, {"HTTPCACHE_DIR": str(tmp_path / sub), "HTTPCACHE_GZIP": gz})
        spider = crawler._create_spider()
        storage = storage_cls(crawler.settings)
        storage.open_spider(spider)
        for n in range(3):
            req = Request(f"https://news.example/story/{n}.html")
            body = gzip.compress(story_html(n).encode())
            resp = HtmlResponse(
                req.url,
                body=body,
                request=req,
                headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
            )
            storage.store_response(spider, req, resp)
        storage.close_spider(spider)
        root = tmp_path / sub
        assert source_kind(root) == "cache_dir"
        pages = sorted(read_source(root), key=lambda p: p.url)
        assert [p.url for p in pages] == [f"https://news.example/story/{n}.html" for n in range(3)], sub
        assert pages[2].body == story_html(2).encode(), sub
        assert pages[0].date is not None and pages[0].status == 200


def test_html_dir_with_manifest(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(story_html(1))
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(story_html(2).encode()))
    (tmp_path / "stray.html").write_text(story_html(3))
    (tmp_path / "manifest.tsv").write_text(
        "# file\turl\tfetched\n"
        "a.html\thttps://news.example/story/1.html\t2014-06-18T10:32:00+04:00\n"
        "\n"
        "b.html.gz\thttps://news.example/story/2.html\n"
    )
    skip = SkipCounter()
    pages = list(read_source(tmp_path, skip))
    assert [(p.url, p.body) for p in pages] == [
        ("https://news.example/story/1.html", story_html(1).encode()),
        ("https://news.example/story/2.html", story_html(2).encode()),
    ]
    assert pages[0].date.isoformat() == "2014-06-18T10:32:00+04:00" and pages[1].date is None
    assert skip.counts == {"skipped/not_in_manifest": 1}


def test_bad_manifest_and_unknown_source(tmp_path: Path) -> None:
    (tmp_path / "manifest.tsv").write_text("only-a-file.html\n")
    with pytest.raises(ValueError, match="line 1"):
        parse_manifest(tmp_path / "manifest.tsv")
    with pytest.raises(ValueError):
        source_kind(tmp_path / "missing.warc.gz")
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(ValueError):
        source_kind(tmp_path / "x.txt")


def _crawler_spiders():
    crawler = get_crawler(ExampleNewsSpider, {"SPIDER_MODULES": ["tests.support.spiders.example_news"]})
    return crawler, [ExampleNewsSpider.from_crawler(crawler), OtherNewsSpider.from_crawler(crawler)]


def test_dispatch_by_host_subdomain_forced_and_fallback() -> None:
    crawler, spiders = _crawler_spiders()
    d = SpiderDispatcher(spiders, stats=crawler.stats)
    assert d.spider_for("https://news.example/x").name == "example_news"
    assert d.spider_for("https://www.NEWS.example:443/x").name == "example_news"
    assert d.spider_for("https://other.example/x").name == "other_news"
    assert d.spider_for("https://notnews.example/x") is None
    assert d.spider_for("https://example/x") is None

    page = HtmlResponse(
        "https://nobody.example/story/1.html",
        body=story_html(1).encode(),
        encoding="utf-8",
        request=Request("https://nobody.example/story/1.html"),
    )
    assert list(d.dispatch(page)) == []
    assert crawler.stats.get_value("news/reparse/no_spider") == 1

    forced = SpiderDispatcher(spiders, forced=spiders[0])
    [item] = forced.dispatch(page)
    assert item.headline == "Headline 1" and item.spider == "example_news"

    seen = []
    with_fallback = SpiderDispatcher(spiders, fallback=lambda r: seen.append(r.url) or ["generic"])
    assert list(with_fallback.dispatch(page)) == ["generic"] and seen == [page.url]


def test_dispatcher_from_crawler_loads_every_project_spider() -> None:
    crawler = get_crawler(ExampleNewsSpider, {"SPIDER_MODULES": ["tests.support.spiders.example_news"]})
    d = SpiderDispatcher.from_crawler(crawler)
    assert sorted(d.spiders) == ["example_news", "other_news"]
    assert d.spiders["example_news"].crawler is crawler


def test_page_response_carries_warc_date_into_the_article() -> None:
    _, spiders = _crawler_spiders()
    page = StoredPage(
        "https://news.example/story/4.html",
        200,
        [(b"Content-Type", b"text/html")],
        story_html(4).encode(),
        date=parse("2014-06-18T10:32:00+00:00"),
    )
    response = page_response(page, SkipCounter())
    [item] = SpiderDispatcher(spiders).dispatch(response)
    assert item.fetched_at == "2014-06-18T10:32:00+00:00"


def parse(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


CYRILLIC = "Правительство сообщило сегодня о новых мерах поддержки экономики и малого бизнеса в регионах страны. " * 4


@pytest.mark.parametrize(
    ("header", "meta"),
    [("text/html; charset=utf-8", "windows-1251"), ("text/html; charset=utf-8", None), ("text/html", None)],
    ids=["header-wrong-meta-right", "header-wrong-no-meta", "no-charset"],
)
def test_wrong_or_missing_charset_is_repaired_and_counted(header: str, meta: str | None, caplog) -> None:
    html = story_html(5, charset=meta or "", text=CYRILLIC)
    if not meta:
        html = html.replace('<meta charset="">', "")
    page = StoredPage(
        "https://news.example/story/5.html",
        200,
        [(b"Content-Type", header.encode())],
        html.encode("cp1251"),
        origin="test",
    )
    skip = SkipCounter()
    with caplog.at_level(logging.INFO, logger="crawler.archive.sources"):
        response = page_response(page, skip)
    assert CYRILLIC.strip() in response.text
    assert sum(skip.counts.values()) == 1 and next(iter(skip.counts)).startswith("charset/")
    assert "decoded as" in caplog.text


def test_correct_pages_are_not_touched() -> None:
    skip = SkipCounter()
    for charset in ("utf-8", "windows-1251"):
        html = story_html(6, charset=charset, text=CYRILLIC)
        page = StoredPage(
            "https://news.example/story/6.html",
            200,
            [(b"Content-Type", f"text/html; charset={charset}".encode())],
            html.encode(charset),
        )
        assert CYRILLIC.strip() in page_response(page, skip).text
    assert skip.counts == {}


@pytest.mark.parametrize(
    ("status", "headers", "body", "reason"),
    [
        (200, [(b"Content-Type", b"text/html")], b"  \n", "skipped/empty"),
        (200, [(b"Content-Type", b"application/pdf")], b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", "skipped/not_html"),
        (200, [], b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", "skipped/not_html"),
        (200, [(b"Content-Type", b"application/rss+xml")], b"<?xml version='1.0'?><rss/>", "skipped/not_html"),
        (404, [(b"Content-Type", b"text/html")], b"<html>gone</html>", "skipped/status_4xx"),
        (301, [(b"Location", b"/x")], b"", "skipped/status_3xx"),
    ],
)
def test_pages_that_are_not_articles_are_skipped(status, headers, body, reason) -> None:
    skip = SkipCounter()
    assert page_response(StoredPage("https://news.example/f", status, headers, body, origin="t"), skip) is None
    assert skip.counts == {reason: 1}


def test_reparse_fallback_setting_routes_unowned_hosts() -> None:
    from crawler.archive.reparse_spider import ReparseSpider

    crawler = get_crawler(
        ReparseSpider, {"SPIDER_MODULES": ["tests.support.spiders.example_news"], "REPARSE_FALLBACK": "example_news"}
    )
    spider = ReparseSpider.from_crawler(crawler)
    fallback = spider._fallback()
    d = SpiderDispatcher([OtherNewsSpider.from_crawler(crawler)], fallback=fallback, stats=crawler.stats)
    page = HtmlResponse(
        "https://nobody.example/story/1.html",
        body=story_html(1).encode(),
        encoding="utf-8",
        request=Request("https://nobody.example/story/1.html"),
    )
    [item] = d.dispatch(page)
    assert item.headline == "Headline 1"
    assert crawler.stats.get_value("news/reparse/fallback") == 1


def test_payload_stored_decoded_under_a_gzip_header_is_read_as_is(tmp_path: Path) -> None:
    # Common Crawl keeps "Content-Encoding: gzip" on some payloads it stored already decoded.
    path = write_warc(
        tmp_path / "cc.warc.gz",
        [
            {
                "url": "https://news.example/story/3.html",
                "body": story_html(3),
                "headers": [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            }
        ],
    )
    [page] = read_source(path)
    assert page.body == story_html(3).encode()
