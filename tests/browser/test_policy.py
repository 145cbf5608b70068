"""Browser rendering: settings, opt-in per site and request, the article fallback, and real chromium crawls.

The crawls run the Trend-like test spider (tests/support/spiders/trendlike.py) on the fixtures in
tests/fixtures/browser: ``static/`` is server-rendered, ``js/`` writes the same stories with scripts.
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.browser.policy import (
    HANDLER,
    META_BROWSER_FALLBACK,
    BrowserAddon,
    BrowserConfig,
    browser_rules,
    container_rules,
)
from crawler.items import Article
from tests.conftest import need, run_scrapy
from tests.support import FIXTURES as TEST_FIXTURES
from tests.support.site_server import serve
from tests.support.spiders.trendlike import TrendLikeSpider

FIXTURES = TEST_FIXTURES / "browser"
# Any executable file makes the browser "available" for the checks that never launch it.
FAKE_BROWSER = {"BROWSER_EXECUTABLE": sys.executable, "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER}}
COMPARED = ("headline", "article_body", "authors", "publisher", "dateline", "editor", "date_published", "section")


def spider(settings: dict[str, Any] | None = None, **kwargs: Any) -> TrendLikeSpider:
    crawler = get_crawler(TrendLikeSpider, settings_dict={**FAKE_BROWSER, **(settings or {})})
    kwargs.setdefault("base_url", "http://127.0.0.1:8000")
    crawler.spider = TrendLikeSpider.from_crawler(crawler, **kwargs)
    return crawler.spider


def page(variant: str, path: str, **kwargs: Any) -> HtmlResponse:
    url = "http://127.0.0.1:8000/" + path
    body = (FIXTURES / variant / path).read_bytes()
    return HtmlResponse(url, body=body, request=Request(url, meta=kwargs.pop("meta", {})), **kwargs)


# --- settings ---------------------------------------------------------------------------------


def test_config_defaults_and_overrides() -> None:
    default = BrowserConfig.from_settings(Settings())
    assert default.headless and default.max_pages == 4 and default.timeout == 30
    assert default.block_resources == {"image", "font", "media"}
    custom = BrowserConfig.from_settings(
        Settings({"BROWSER_EXECUTABLE": "/opt/x/chrome", "BROWSER_TIMEOUT": 5, "BROWSER_JS_HEAP_MB": 64})
    )
    options = custom.launch_options()
    assert options["executable_path"] == "/opt/x/chrome" and options["headless"] is True
    assert "--js-flags=--max-old-space-size=64" in options["args"]
    assert not custom.available  # no such executable
    assert BrowserConfig.from_settings(Settings(FAKE_BROWSER)).available
    assert not BrowserConfig.from_settings(Settings({**FAKE_BROWSER, "BROWSER_ENABLED": False})).available
    assert not BrowserConfig.from_settings(Settings({**FAKE_BROWSER, "DOWNLOAD_HANDLERS": {}})).available


def addon_settings(values: dict[str, Any], priority: str = "project") -> Settings:
    settings = Settings(values, priority=priority)
    BrowserAddon().update_settings(settings)
    return settings


def test_addon_registers_lazy_handler_and_derives_playwright_settings() -> None:
    s = addon_settings({"BROWSER_MAX_PAGES": 2, "BROWSER_TIMEOUT": 7})
    assert s.getdict("DOWNLOAD_HANDLERS")["http"] == HANDLER == s.getdict("DOWNLOAD_HANDLERS")["https"]
    assert s.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 2
    assert s.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 7000
    assert s.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["headless"] is True
    # Explicit PLAYWRIGHT_* settings win; BROWSER_ENABLED=False leaves Scrapy's own handlers.
    assert addon_settings({"PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 9}).getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 9
    assert "http" not in addon_settings({"BROWSER_ENABLED": False}).getdict("DOWNLOAD_HANDLERS")
    # Under another reactor, or none, scrapy-playwright cannot run: the add-on stays out of the way.
    assert "http" not in addon_settings({"TWISTED_REACTOR": None}).getdict("DOWNLOAD_HANDLERS")
    assert "http" not in addon_settings({"TWISTED_REACTOR_ENABLED": False}).getdict("DOWNLOAD_HANDLERS")


def test_project_settings_enable_the_addon() -> None:
    from scrapy.utils.project import get_project_settings

    from crawler.addon import Byline

    settings = get_project_settings()
    assert "crawler.addon.Byline" in settings.getdict("ADDONS")
    Byline().update_settings(settings)  # the one add-on plugs the browser handler in too
    assert settings.getdict("DOWNLOAD_HANDLERS")["http"] == HANDLER


def test_selectors_for_the_browser() -> None:
    assert browser_rules(["ul.news-list li a::attr(href)", "//h1", "h1::text"]) == [
        {"css": "ul.news-list li a"},
        {"xpath": "//h1"},
        {"css": "h1"},
    ]
    body = "div.article-content.article-paddings p"
    assert spider().container_rules() == container_rules([body]) == [body, "div.article-content.article-paddings"]


# --- opt-in per site and per request ---------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "listing", "article"),
    [("never", False, False), ("fallback", False, False), ("listings", True, False), ("always", True, True)],
)
def test_use_browser_modes(mode: str, listing: bool, article: bool) -> None:
    s = spider(use_browser=mode)
    (start,) = s.start_requests_list()
    assert bool(start.meta.get("playwright")) is listing
    req = s.article_request("/world/4003.html")
    assert bool(req.meta.get("playwright")) is article
    if listing:  # the listing waits for its links and clicks "load more"
        methods = [m.method.__name__ for m in start.meta["playwright_page_methods"]]
        assert methods == ["wait_for_content", "click_load_more"]
        pickle.dumps(start.to_dict(spider=s))  # disk queues (JOBDIR) and shared schedulers store requests


def test_no_browser_meta_when_disabled_or_missing() -> None:
    assert not spider({"BROWSER_ENABLED": False}, use_browser="always").article_request("/a/1.html").meta
    assert not spider({"BROWSER_EXECUTABLE": "/nonexistent/chromium"}, use_browser="always").browser_meta("listing")


def test_bad_mode_is_an_error() -> None:
    with pytest.raises(ValueError, match="use_browser"):
        spider(use_browser="sometimes").start_requests_list()


# --- the fallback -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["azerbaijan/politics/4001.html", "business/economy/4002.html", "world/4003.html"])
def test_script_page_without_story_is_rendered_once(path: str) -> None:
    # 4001: JSON-LD NewsArticle; 4002: og:type article; 4003: only its empty story container.
    s = spider(use_browser="fallback")
    (out,) = list(s.parse_article(page("js", path, meta={"news_listed_date": None})))
    assert isinstance(out, Request)
    assert out.meta["playwright"] and out.meta[META_BROWSER_FALLBACK] and out.dont_filter
    assert out.url.endswith(path) and "news_listed_date" in out.meta and out.meta["news_incremental"] is False
    assert s.crawler.stats.get_value("news/browser/fallback") == 1
    # The rendered answer is parsed, never sent back again, even if it still lacks the story.
    again = list(s.parse_article(page("js", path, meta=out.meta, flags=["playwright"])))
    assert all(isinstance(x, Article) for x in again)
    assert s.crawler.stats.get_value("news/browser/fallback") == 1


def test_generic_guess_beside_an_empty_story_block_is_rendered() -> None:
    # The generic extractor (extraction "generic") may fill the body from around an empty block.
    s = spider()
    guess = Article(article_body="Latest", extraction={"article_body": "generic"})
    assert s.needs_browser(page("js", "azerbaijan/politics/4001.html"), guess)
    served = page("static", "azerbaijan/politics/4001.html")
    served = served.replace(body=served.body.replace(b"</head>", b'<script src="/app.js"></script></head>'))
    assert not s.needs_browser(served, guess)  # scripts, but the story is in the HTML
    site = Article(article_body="Latest", extraction={"article_body": "site"})
    assert not s.needs_browser(page("js", "azerbaijan/politics/4001.html"), site)


def test_no_fallback_when_not_needed_or_not_wanted() -> None:
    s = spider(use_browser="fallback")
    (item,) = s.parse_article(page("static", "world/4003.html"))
    assert isinstance(item, Article) and item.article_body
    assert list(s.parse_article(page("static", "news/latest/index.html"))) == []  # not an article
    for off in (spider(use_browser="never"), spider({"BROWSER_ENABLED": False})):
        assert not any(isinstance(x, Request) for x in off.parse_article(page("js", "azerbaijan/politics/4001.html")))
    assert s.crawler.stats.get_value("news/browser/fallback") is None
    # A site spider that is not its crawler's spider (``scrapy reparse``) yields the item as it is.
    helper = TrendLikeSpider.from_crawler(s.crawler, base_url="http://127.0.0.1:8000")
    (item,) = helper.parse_article(page("js", "azerbaijan/politics/4001.html"))
    assert isinstance(item, Article) and not item.article_body
    # A page without any script (a truncated page, say) looks the same in a browser.
    bare = page("js", "azerbaijan/politics/4001.html")
    bare = bare.replace(body=re.sub(rb"<script src=[^>]*></script>", b"", bare.body))
    assert b"ld+json" in bare.body and not s.needs_browser(bare, None)


# --- crawls -----------------------------------------------------------------------------------


def crawl(tmp: Path, variant: str, *args: str, timeout: float = 90) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    """Crawl the fixture site ``variant`` with the test spider -> (articles, final stats, log)."""
    out, stats = tmp / f"{variant}.jsonl", tmp / f"{variant}.stats.json"
    with serve(FIXTURES / variant) as site:
        proc = run_scrapy(
            "crawl", "trendlike", "-O", str(out),
            "-s", "SPIDER_MODULES=tests.support.spiders.trendlike", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-a", f"base_url={site.base_url}", "-a", f"stats_out={stats}", *args,
            timeout=timeout,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    articles = [json.loads(line) for line in out.read_text("utf-8").splitlines() if line.strip()]
    return articles, json.loads(stats.read_text("utf-8")), proc.stderr


def by_path(articles: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["url"].split("/", 3)[3]: {k: a[k] for k in COMPARED} for a in articles}


@pytest.fixture(scope="module")
def static_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    # The default mode ("fallback") on a server-rendered site: no page needs the browser.
    return crawl(tmp_path_factory.mktemp("static"), "static", "-a", "use_browser=fallback")


def test_plain_crawl_never_starts_a_browser(static_crawl) -> None:
    articles, stats, log = static_crawl
    assert len(articles) == 3
    assert not [k for k in stats if k.startswith(("playwright/", "news/browser/"))]
    assert "Starting download handler" not in log and "Launching browser" not in log


def test_script_site_gives_the_same_articles_as_its_server_rendered_twin(static_crawl, tmp_path: Path) -> None:
    need(shutil.which("chromium"), "Debian's chromium (apt-get install chromium)")
    articles, stats, _ = crawl(tmp_path, "js")  # listings rendered ("load more" clicked), articles by fallback
    expected = by_path(static_crawl[0])
    assert by_path(articles) == expected
    one = expected["azerbaijan/politics/4001.html"]
    assert one["authors"] == ["Leyla Mammadova"] and one["article_body"].startswith("Transport ministers")
    assert stats["news/browser/fallback"] == 3
    assert stats["news/browser/rendered"] == 4  # the listing and three articles
    assert stats["playwright/page_count"] == stats["playwright/page_count/closed"]
    assert "playwright/request_count/resource_type/image" not in stats or stats["playwright/request_count/aborted"]


def test_hanging_and_crashing_pages_time_out_and_the_crawl_goes_on(tmp_path: Path) -> None:
    need(shutil.which("chromium"), "Debian's chromium (apt-get install chromium)")
    started = time.monotonic()
    articles, stats, _ = crawl(
        tmp_path, "js", "-a", "listing=/news/broken/",
        "-s", "BROWSER_TIMEOUT=5", "-s", "BROWSER_SETTLE_TIMEOUT=2", "-s", "BROWSER_JS_HEAP_MB=64",
        # two of three pages broken on purpose: site health would (rightly) call the run unhealthy
        "-s", "HEALTH_ENABLED=False",
    )  # fmt: skip
    assert time.monotonic() - started < 60
    assert [a["url"].rsplit("/", 1)[1] for a in articles] == ["4001.html"]
    assert stats["finish_reason"] == "finished"
    assert stats["news/browser/timeout"] == 1 and stats["news/browser/crashed"] == 1
    assert stats["playwright/page_count"] == stats["playwright/page_count/closed"]


class XPathSite(TrendLikeSpider):
    # Body rules in XPath, the last one the story block itself (as a site whose older pages use <br>).
    selectors: ClassVar[dict[str, list[str]]] = {
        "headline": ["h1::text"],
        "article_body": [
            "//div[contains(@class, 'article-content')]//p",
            "//div[contains(@class, 'article-content')]",
        ],
    }


def test_empty_story_block_found_by_xpath_rules() -> None:
    crawler = get_crawler(XPathSite, settings_dict=FAKE_BROWSER)
    s = crawler.spider = XPathSite.from_crawler(crawler, base_url="http://127.0.0.1:8000")
    (out,) = s.parse_article(page("js", "world/4003.html"))  # no metadata: only the empty block says "article"
    assert isinstance(out, Request) and out.meta["playwright"]
    assert {"xpath": "//div[contains(@class, 'article-content')]"} in out.meta["playwright_page_methods"][0].args[0]
    (item,) = s.parse_article(page("static", "world/4003.html"))
    assert isinstance(item, Article) and item.article_body
