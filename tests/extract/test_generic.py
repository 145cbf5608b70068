"""Generic extraction (crawler/extract/generic.py), the fallback inside site spiders, and the ``generic`` spider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.extract.chain import extract_generic
from crawler.extract.generic import generic_values
from crawler.extract.page import META_CRAWL_DATE
from crawler.news_spider import NewsSpider
from spiders.generic import GenericSpider, url_list
from tests.conftest import run_scrapy
from tests.support import FIXTURES as TEST_FIXTURES
from tests.support.site_server import serve

FIXTURES = TEST_FIXTURES / "generic"
GRAPH_URL = "https://www.riverside-courier.example/news/harbour-bridge-reopens-123.html"


def response_of(name: str, url: str = GRAPH_URL) -> HtmlResponse:
    from datetime import datetime, timezone

    request = Request(url, meta={META_CRAWL_DATE: datetime(2024, 5, 14, tzinfo=timezone.utc)})
    return HtmlResponse(url, body=(FIXTURES / name).read_bytes(), encoding="utf-8", request=request)


def test_generic_article_from_json_ld_graph_and_meta() -> None:
    article = extract_generic(response_of("graph_article.html"))
    assert article.headline == "Harbour bridge reopens after two-year repair"  # the <h1>, not "... | Courier"
    assert article.date_published == "2024-05-13T09:30:00+01:00"
    assert article.date_modified == "2024-05-13T11:02:00+01:00"
    assert article.authors == ["Mara Quinn", "Tobias Lenk"]
    assert article.canonical_url == GRAPH_URL  # rel=canonical, tracking removed
    assert article.in_language == "en-GB"
    assert article.section == "Local"
    assert article.publisher == "The Riverside Courier"
    assert article.main_image == "https://www.riverside-courier.example/img/bridge.jpg"
    body = article.article_body or ""
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith("Traffic crossed the harbour bridge again")
    assert "Longer than planned" in paragraphs  # sub-heading kept in place
    assert paragraphs[-1].startswith("Shop owners on both sides")
    for junk in ("Read more:", "Most read", "Council approves", "All rights reserved", "Home"):
        assert junk not in body
    assert article.extraction is not None
    assert article.extraction["article_body"] == "generic"
    assert article.extraction["date_published"] == "jsonld"
    assert article.extraction["authors"] == "jsonld"
    assert article.extraction["headline"] == "meta"  # og:title, its "| Site" tail cut (agreed by JSON-LD, <h1>)
    assert article.spider == "generic"


def test_generic_article_from_meta_and_time_only() -> None:
    url = "https://nordstadt-anzeiger.example/kultur/bibliothek-oeffnungszeiten"
    article = extract_generic(response_of("meta_only_article.html", url))
    assert article.headline == "Stadtbibliothek verlängert Öffnungszeiten"
    assert article.date_published == "2023-11-02T14:05:00+01:00"  # <time datetime>
    assert article.authors == ["Jana Feldmann"]
    assert article.in_language == "de"
    assert article.canonical_url == url  # og:url when there is no rel=canonical
    assert (article.article_body or "").startswith("Die Stadtbibliothek öffnet")
    assert "Impressum" not in (article.article_body or "")
    assert article.extraction and article.extraction["date_published"] == "meta"


def test_json_ld_article_body_picks_page_paragraphs() -> None:
    """articleBody without paragraph breaks: the page's blocks it contains become the paragraphs."""
    paragraphs = [
        "The lighthouse on the northern cape was switched off for the last time on Friday evening.",
        "Automatic beacons on the breakwater will guide ships into the harbour from now on.",
        "The keeper's cottage will become a small museum about the coast and its shipwrecks.",
    ]
    page = f"""<html lang="en"><head><script type="application/ld+json">
    {json.dumps({"@type": "NewsArticle", "headline": "Lighthouse goes dark", "articleBody": " ".join(paragraphs)})}
    </script></head><body><h1>Lighthouse goes dark</h1><div class="x">{"".join(f"<p>{p}</p>" for p in paragraphs)}
    <p>Subscribe to our newsletter for daily updates</p></div><div class="y"><p>{paragraphs[0]}</p></div></body></html>"""
    response = HtmlResponse("https://cape.example/a", body=page.encode(), encoding="utf-8")
    source, value = generic_values(response, ["article_body"])["article_body"]
    assert source == "jsonld"
    assert value == paragraphs  # in page order, the repeated teaser paragraph once, the promo line out


class BrokenBodySpider(NewsSpider):
    """A site spider after a redesign: its body selector matches nothing any more."""

    name = "broken_body"
    selectors: ClassVar[dict[str, list[str]]] = {
        "headline": ["h1.story-title::text"],
        "article_body": ["div.story-body-v1 > p"],
    }


class WorkingBodySpider(BrokenBodySpider):
    name = "working_body"
    selectors: ClassVar[dict[str, list[str]]] = {**BrokenBodySpider.selectors, "article_body": ["div.story-text > p"]}


def spider(cls: type[NewsSpider]) -> NewsSpider:
    crawler = get_crawler(cls, settings_dict={"REMOTE_CONTROL_ENABLED": False})
    crawler.stats.open_spider()
    crawler.spider = cls.from_crawler(crawler)
    return crawler.spider


def test_site_spider_with_broken_body_selector_falls_back_to_generic() -> None:
    broken = spider(BrokenBodySpider)
    items = list(broken.parse_article(response_of("graph_article.html")))
    assert len(items) == 1
    article = items[0]
    assert (article.article_body or "").startswith("Traffic crossed the harbour bridge again")
    assert article.extraction and article.extraction["article_body"] == "generic"
    assert article.extraction["headline"] == "site"
    assert broken.crawler.stats.get_value("news/fallback/article_body") == 1
    assert broken.crawler.stats.get_value("news/fallback/headline") is None

    working = spider(WorkingBodySpider)
    ok = next(iter(working.parse_article(response_of("graph_article.html"))))
    assert ok.extraction and ok.extraction["article_body"] == "site"
    assert working.crawler.stats.get_value("news/fallback/article_body") is None
    # The same story either way: the fallback degrades quality, not the record.
    assert (ok.article_body or "").split("\n\n")[0] == (article.article_body or "").split("\n\n")[0]


def test_url_list_from_arguments_and_file(tmp_path: Path) -> None:
    assert url_list("http://a.example/1, http://a.example/2") == ["http://a.example/1", "http://a.example/2"]
    listing = tmp_path / "urls.txt"
    listing.write_text("# saved links\nhttp://a.example/1\n\nhttp://b.example/2\n", "utf-8")
    assert url_list(str(listing)) == ["http://a.example/1", "http://b.example/2"]
    assert url_list(None) == []
    assert GenericSpider().article_urls == []  # built bare by ``scrapy reparse``'s dispatcher


def test_generic_spider_without_start_urls_is_a_usage_error() -> None:
    # Issue 17: checked before the crawl starts (crawler.checks): one line, exit 2, nothing run.
    proc = run_scrapy("crawl", "generic")
    assert proc.returncode == 2, proc.stderr[-2000:]
    [line] = [x for x in proc.stderr.splitlines() if "error:" in x]
    assert "-a feeds/sitemaps/urls" in line and "Spider opened" not in proc.stderr


@pytest.fixture
def site(tmp_path: Path):
    for name in ("graph_article.html", "meta_only_article.html", "not_article.html"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    with serve(tmp_path) as s:
        (tmp_path / "feed.rss").write_text(
            f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title>
            <item><title>Bridge</title><link>{s.url("graph_article.html")}</link>
            <pubDate>Mon, 13 May 2024 09:30:00 +0100</pubDate></item></channel></rss>""",
            "utf-8",
        )
        (tmp_path / "sitemap.xml").write_text(
            f"""<?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>{s.url("meta_only_article.html")}</loc></url>
            <url><loc>{s.url("not_article.html")}</loc></url></urlset>""",
            "utf-8",
        )
        yield s


def test_generic_spider_crawls_feeds_sitemaps_and_url_lists(site, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    urls = tmp_path / "urls.txt"
    urls.write_text(site.url("graph_article.html") + "\n", "utf-8")
    proc = run_scrapy(
        "crawl", "generic",
        "-a", f"feeds={site.url('feed.rss')}",
        "-a", f"sitemaps={site.url('sitemap.xml')}",
        "-a", f"urls={urls}",
        "-O", f"{out}:jsonlines",
        "-s", "ROBOTSTXT_OBEY=False", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    articles = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    by_headline = {a["headline"]: a for a in articles}
    # The bridge story is in the feed and in the URL file: exported once (dedupe pipeline).
    assert sorted(by_headline) == [
        "Harbour bridge reopens after two-year repair",
        "Stadtbibliothek verlängert Öffnungszeiten",
    ]
    assert len(articles) == 2
    bridge = by_headline["Harbour bridge reopens after two-year repair"]
    assert bridge["spider"] == "generic"
    assert bridge["extraction"]["article_body"] == "generic"
    assert "'news/skipped/not_article': 1" in proc.stderr  # the sitemap's section page


def test_reparse_sends_hosts_without_a_spider_to_the_generic_extractor(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "bridge.html").write_bytes((FIXTURES / "graph_article.html").read_bytes())
    (pages / "manifest.tsv").write_text(f"bridge.html\t{GRAPH_URL}\t2024-05-14T08:00:00Z\n", "utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_scrapy("reparse", str(pages), "-O", f"{out}:jsonlines")
    assert proc.returncode == 0, proc.stderr[-3000:]
    [article] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert article["spider"] == "generic"
    assert article["headline"] == "Harbour bridge reopens after two-year repair"
    assert article["extraction"]["article_body"] == "generic"
    assert article["fetched_at"] == "2024-05-14T08:00:00+00:00"
    assert "'news/reparse/fallback': 1" in proc.stderr

    skipped = run_scrapy("reparse", str(pages), "-O", f"{out}:jsonlines", "-s", "REPARSE_FALLBACK=")
    assert skipped.returncode == 0, skipped.stderr[-3000:]
    assert out.read_text("utf-8") == ""
    assert "'news/reparse/no_spider': 1" in skipped.stderr


def test_teaser_article_body_gives_way_to_the_whole_story() -> None:
    """A paywalled site's articleBody holds the first paragraphs only: the page's full story wins."""
    paragraphs = [
        f"Paragraph {n} of the council budget story explains, in some detail, what changes for the "
        f"schools, the buses and the libraries of the town in the coming year, item {n}."
        for n in range(1, 7)
    ]
    teaser = " ".join(paragraphs[:3])
    page = f"""<html lang="en"><head><script type="application/ld+json">
    {json.dumps({"@type": "NewsArticle", "headline": "Budget agreed", "articleBody": teaser})}
    </script></head><body><h1>Budget agreed</h1><article>{"".join(f"<p>{p}</p>" for p in paragraphs)}</article>
    </body></html>"""
    response = HtmlResponse("https://town.example/budget", body=page.encode(), encoding="utf-8")
    source, value = generic_values(response, ["article_body"])["article_body"]
    assert source == "generic"
    assert value == paragraphs


def test_trim_story_drops_lines_pointing_to_other_stories_in_several_languages() -> None:
    from crawler.extract.generic.body import trim_story

    story = [
        f"Der Stadtrat hat am Montag beschlossen, die Brücke nach zwei Jahren wieder zu öffnen ({n})." for n in range(4)
    ]
    paragraphs = [story[0], "Lesen Sie auch: Fähre fährt wieder", story[1], "Auch interessant",
                  "Neue Fahrpläne ab Mai", story[2], "VEA TAMBIÉN: Entre puentes y ferris", story[3]]  # fmt: skip
    assert trim_story(paragraphs) == story


def test_a_table_of_the_story_comes_row_by_row() -> None:
    from crawler.extract.generic.body import run_trafilatura

    story = "".join(
        f"<p>Paragraph {n} of the coffee review: the beans come from a cooperative in the highlands and are "
        f"roasted weekly in a small family roastery, which shows in the cup.</p>"
        for n in range(5)
    )
    table = ("<table><tr><td>Aroma</td><td>Red berries, citrus</td></tr>"
             "<tr><td>Origin</td><td><p>Sidamo, Ethiopia</p></td></tr></table>")  # fmt: skip
    html = f"<html><body><article><h1>Sidamo</h1>{story}{table}</article></body></html>"
    root = HtmlResponse("https://coffee.example/sidamo", body=html.encode(), encoding="utf-8").selector.root
    paragraphs = run_trafilatura(root, "https://coffee.example/sidamo", include_tables=True)
    assert "Aroma · Red berries, citrus" in paragraphs
    assert "Origin · Sidamo, Ethiopia" in paragraphs
