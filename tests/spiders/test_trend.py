"""The Trend spider: the seed acceptance example, its article callback, its arguments, and a crawl end to end."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.extract.page import META_CRAWL_DATE
from crawler.extract.text_blocks import load_text_blocks
from crawler.items import ARTICLE_FIELDS, article_schema
from spiders.trend import TrendSpider, is_agency_name, strip_trend_suffix
from tests.conftest import REPO_ROOT, need, run_scrapy
from tests.support import FIXTURES as TEST_FIXTURES
from tests.support.trend_site import CRAWL_SETTINGS, EXPECTED_STATS, crawl_stats, expected_records

FIXTURES = TEST_FIXTURES / "trend" / "seed"
SEED_PAGE = FIXTURES / "2014-06-18-azerbaijan-russia.html"


def seed_dir() -> Path | None:
    """``../shared/seed`` beside the checkout (or beside a folder above it); ``$BYLINE_SEED`` first."""
    env = os.environ.get("BYLINE_SEED")
    candidates = [Path(env)] if env else []
    candidates += [parent / "shared" / "seed" for parent in REPO_ROOT.parents]
    return next((c for c in candidates if (c / "trend-article.txt").is_file()), None)


def seed_expected() -> dict:
    root = seed_dir()
    need(root, "the seed article is not at ../shared/seed (set BYLINE_SEED)")
    return json.loads((root / "trend-article.expected.json").read_text("utf-8"))


def assert_seed_fields(article: dict, expected: dict) -> None:
    """Every field of trend-article.expected.json; the body paragraphs joined by one blank line."""
    for field, value in expected.items():
        if field == "article_body_paragraphs":
            assert article["article_body"] == "\n\n".join(value), field
            assert article["article_body"].split("\n\n") == value
        else:
            assert article[field] == value, field


def spider(**kwargs) -> TrendSpider:
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(TrendSpider, settings_dict={"REMOTE_CONTROL_ENABLED": False})
    return TrendSpider.from_crawler(crawler, **kwargs)


def response(url: str, body: bytes, crawled: datetime) -> HtmlResponse:
    return HtmlResponse(url, body=body, encoding="utf-8", request=Request(url, meta={META_CRAWL_DATE: crawled}))


# --- the seed ---------------------------------------------------------------------------------


def test_seed_text_blocks_through_the_loader() -> None:
    expected = seed_expected()
    blocks = (seed_dir() / "trend-article.txt").read_text("utf-8").splitlines()
    loader = TrendSpider.loader_class(
        timezone=TrendSpider.timezone,
        crawl_date=datetime(2014, 6, 18, 11, 0, tzinfo=timezone.utc),
        boilerplate=TrendSpider.boilerplate_rules,
    )
    loader.add_value("in_language", TrendSpider.language or "en")
    article = asdict(load_text_blocks(loader, blocks))
    assert_seed_fields(article, expected)


def test_seed_page_through_the_article_callback() -> None:
    spec = json.loads(SEED_PAGE.with_suffix(".json").read_text("utf-8"))
    crawled = datetime.fromisoformat(spec["crawl_date"])
    items = list(spider().parse_article(response(spec["url"], SEED_PAGE.read_bytes(), crawled)))
    assert len(items) == 1
    article = asdict(items[0])
    assert article == spec["expected"]
    assert article["extraction"]["authors"] == "body" and article["extraction"]["date_published"] == "site"
    if seed_dir():
        assert_seed_fields(article, seed_expected())


def test_article_without_metadata_falls_back_to_visible_markup() -> None:
    """Azerbaijani edition page without <meta> dates: ``15 Noyabr 10:31 (UTC+04)``, year from the crawl date."""
    page = (TEST_FIXTURES / "trend" / "site" / "azerbaijan" / "siyaset" / "3900004.html").read_text()
    page = re.sub(r'\s*<meta property="(?:og:[a-z]+|article:[a-z_]+)" content="[^"]*">', "", page)
    url = "https://az.trend.az/azerbaijan/siyaset/3900004.html"
    for crawled, year in ((datetime(2027, 2, 1, 8, 0, tzinfo=timezone.utc), 2026), (datetime(2026, 11, 20, tzinfo=timezone.utc), 2026)):
        (item,) = spider(edition="az").parse_article(response(url, page.encode(), crawled))
        assert item.date_published == f"{year}-11-15T10:31:00+04:00"
    assert item.headline == "Prezident yeni sərəncam imzalayıb"  # <h1>
    assert item.dateline == "Bakı" and item.publisher == "Trend" and item.authors is None
    assert item.tags == ["Azərbaycan", "Sərəncam"]
    assert item.extraction["date_published"] == "site"


def test_not_an_article_and_malformed_pages_yield_no_article_or_an_incomplete_one() -> None:
    site = TEST_FIXTURES / "trend" / "site"
    now = datetime(2026, 11, 29, tzinfo=timezone.utc)
    gallery = site / "multimedia" / "photo" / "3900008.html"
    assert list(spider().parse_article(response("https://en.trend.az/multimedia/photo/3900008.html",
                                                gallery.read_bytes(), now))) == []  # fmt: skip
    broken = site / "azerbaijan" / "society" / "3900009.html"
    (item,) = spider().parse_article(response("https://en.trend.az/azerbaijan/society/3900009.html",
                                              broken.read_bytes(), now))  # fmt: skip
    assert item.headline is None and item.article_body is None  # the validation pipeline drops it


# --- arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edition", "home", "language"),
    [("en", "https://en.trend.az", "en"), ("az", "https://az.trend.az", "az"), ("ru", "https://www.trend.az", "ru")],
)
def test_editions(edition, home, language) -> None:
    s = spider(edition=edition)
    urls = [r.url for r in s.start_requests_list()]
    assert urls == [f"{home}/feeds/index.rss", f"{home}/latest/"]
    assert s.language == language


def test_base_url_sections_and_since() -> None:
    s = spider(base_url="http://127.0.0.1:8123/", sections="latest,azerbaijan/politics", since="2026-11-01")
    assert [r.url for r in s.start_requests_list()] == [
        "http://127.0.0.1:8123/feeds/index.rss",
        "http://127.0.0.1:8123/latest/",
        "http://127.0.0.1:8123/azerbaijan/politics/",
    ]
    assert s.site_url("https://az.trend.az/a/1.html?x=1") == "http://127.0.0.1:8123/a/1.html?x=1"
    assert s.site_url("https://other.example/a/1.html") == "https://other.example/a/1.html"
    assert not s.is_recent(datetime(2026, 10, 31, tzinfo=timezone.utc)) and s.is_recent(None)


@pytest.mark.parametrize("kwargs", [{"edition": "de"}, {"since": "yesterday"}])
def test_bad_arguments(kwargs) -> None:
    with pytest.raises(ValueError):
        spider(**kwargs)


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://en.trend.az/azerbaijan/politics/3900001.html", True),
        ("https://en.trend.az/business/3900001.html?utm_source=rss", True),
        ("https://en.trend.az/latest/", False),
        ("https://en.trend.az/about/", False),
        ("https://en.trend.az/3900001.html", False),
    ],
)
def test_article_urls(url, is_article) -> None:
    assert spider().is_article_url(url) is is_article


def test_trend_helpers() -> None:
    assert strip_trend_suffix("Headline - Trend.Az") == "Headline"
    assert strip_trend_suffix("Headline | Trend News Agency") == "Headline"
    assert strip_trend_suffix("Trend-setting exports rise") == "Trend-setting exports rise"
    assert is_agency_name("Trend") and is_agency_name("Trend News Agency") and not is_agency_name("Seba Agayeva")
    rules = TrendSpider.boilerplate_rules
    for junk in (
        "Follow the author on Twitter: @Seba_Agayeva",
        "Stay up-to-date with more news at Trend News Agency's WhatsApp channel",
        "Trend-in Telegram kanalına abunə olun",
        "Materials",
    ):
        assert rules.match(junk), junk
    assert rules.match("The author said the channel would open in May.") is None


# --- end to end -------------------------------------------------------------------------------


def _crawl(site, tmp_path: Path, *args: str):
    out = tmp_path / "out.jsonl"
    proc = run_scrapy("crawl", "trend", "-a", f"base_url={site.base_url}", "-O", str(out), *CRAWL_SETTINGS, *args,
                      cwd=REPO_ROOT)  # fmt: skip
    log = proc.stderr + proc.stdout
    assert proc.returncode == 0, log[-3000:]
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
    raw = out.read_bytes().decode("utf-8")
    return raw, crawl_stats(log)


def test_crawl_local_site_end_to_end(trend_site, tmp_path) -> None:
    raw, stats = _crawl(trend_site, tmp_path)
    lines = raw.splitlines()
    records = [json.loads(line) for line in lines]
    # -O *.jsonl: one object per line, UTF-8 with non-ASCII as is, fields in the Article's order
    assert all(line.startswith("{") and line.endswith("}") for line in lines)
    assert "Sərəncam" in raw and "\\u" not in raw
    assert all(list(r) == list(ARTICLE_FIELDS) for r in records)
    for r in records:
        fetched = datetime.fromisoformat(r.pop("fetched_at"))
        assert fetched.utcoffset().total_seconds() == 0
    got = sorted(records, key=lambda r: r["url"])
    expected = expected_records(trend_site.base_url)
    assert [r["url"] for r in got] == [r["url"] for r in expected]
    for g, e in zip(got, expected):
        for field in e:
            assert g[field] == e[field], (g["url"], field)
    for key, value in EXPECTED_STATS.items():
        assert stats.get(key, 0) == value, (key, stats.get(key))


def test_crawl_since_skips_older_articles(trend_site, tmp_path) -> None:
    raw, stats = _crawl(trend_site, tmp_path, "-a", "since=2026-11-20")
    dates = sorted(json.loads(line)["date_published"] for line in raw.splitlines())
    assert dates == [
        "2026-11-24T09:00:00+04:00", "2026-11-25T19:40:00+04:00", "2026-11-26T16:05:00+04:00", "2026-11-27T10:31:00+04:00",
    ]  # fmt: skip
    assert stats["news/discovery/older_than_since"] == 1  # the feed's 15 November item
    assert stats["news/skipped/older_than_since"] == 1  # the 2014 page, dated only on the page


def test_every_exported_record_matches_the_schema(trend_site, tmp_path) -> None:
    import jsonschema  # the test extra
    schema = article_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert list(schema["properties"]) == list(ARTICLE_FIELDS)
    from crawler.items import SCHEMA_VERSION

    assert schema["version"] == SCHEMA_VERSION and schema["$id"].endswith(SCHEMA_VERSION)
    raw, _ = _crawl(trend_site, tmp_path)
    validator = jsonschema.Draft202012Validator(schema)
    records = [json.loads(line) for line in raw.splitlines()]
    assert records
    for record in records:
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, (record["url"], errors)
    bad = dict(records[0], date_published="2014-06-18T14:32:00", extra="x")
    assert len(list(validator.iter_errors(bad))) == 2  # a naive date and an unknown field are refused


VARIANT_HEAD = """<html lang="en"><head><meta property="og:type" content="article">
<meta property="og:title" content="Headline of a variant - Trend.Az"></head><body><h1>Headline of a variant</h1>
<span class="date-time">18 June <b>2014</b> 14:32 (UTC +04:00)</span>"""


@pytest.mark.parametrize(
    ("content", "body", "dateline", "authors"),
    [
        # paragraphs nested in wrappers; a caption and a "read also" box inside the story block
        (
            """<div class="article-content article-paddings"><div class="text"><p>BAKU, Azerbaijan, June 18. By Ann Lee
            and Bo Park - Trend:</p><figure><img src="a.jpg"><p>Caption</p></figure><p>First.</p>
            <div class="read-also"><p>Read also: another story</p></div><h2>Sub-heading</h2><p>Second.</p>
            <ul><li>Item one</li><li><p>Item two</p></li></ul></div></div>""",
            "First.\n\nSub-heading\n\nSecond.\n\nItem one\n\nItem two", "BAKU, Azerbaijan, June 18", ["Ann Lee", "Bo Park"],
        ),
        # older layout: text in the block itself, paragraphs separated by <br>
        (
            """<div class="article-content article-paddings">Baku, Azerbaijan, Nov.15 / Trend, S. Agayeva /<br><br>
            First sentence.<br><br>Second sentence.<br>Edited by CN</div>""",
            "First sentence.\n\nSecond sentence.", "Baku, Azerbaijan, Nov.15", ["S. Agayeva"],
        ),
    ],
)  # fmt: skip
def test_markup_variants(content, body, dateline, authors) -> None:
    page = f"{VARIANT_HEAD}{content}<div class='tags'>Tags:</div></body></html>".encode()
    (item,) = spider().parse_article(response("https://en.trend.az/a/b/1.html", page, datetime(2026, 1, 1, tzinfo=timezone.utc)))
    assert (item.headline, item.article_body, item.dateline, item.authors, item.publisher) == (
        "Headline of a variant", body, dateline, authors, "Trend",
    )  # fmt: skip
    assert item.date_published == "2014-06-18T14:32:00+04:00" and item.tags == []


def test_scrapy_list_and_shell_from_the_repo_root() -> None:
    listed = run_scrapy("list", cwd=REPO_ROOT)
    assert listed.returncode == 0 and "trend" in listed.stdout.split(), listed.stderr[-2000:]
    page = "./" + SEED_PAGE.relative_to(REPO_ROOT).as_posix()
    shell = run_scrapy("shell", "--spider", "trend", page, "-c", "[a.authors for a in spider.parse_article(response)]",
                       cwd=REPO_ROOT)  # fmt: skip
    assert shell.returncode == 0, shell.stderr[-2000:]
    assert shell.stdout.strip() == "[['Seba Agayeva']]"


SITE = TEST_FIXTURES / "trend" / "site"
SITE_ARTICLES = [json.loads(line) for line in (SITE / "expected.jsonl").read_text("utf-8").splitlines() if line]


@pytest.mark.parametrize("expected", SITE_ARTICLES, ids=lambda e: e["url"].rsplit("/", 1)[-1])
def test_text_blocks_of_other_pages(expected) -> None:
    """The text-block reading is not tuned to the seed: the site's pages, dumped as text, read the same."""
    from parsel import Selector

    from crawler.extract.clean import html_to_text

    page = (SITE / expected["url"].replace("{base_url}/", "")).read_text("utf-8")
    blocks = html_to_text(Selector(text=page).css("body").get())
    loader = TrendSpider.loader_class(
        timezone=TrendSpider.timezone,
        crawl_date=datetime(2026, 11, 29, tzinfo=timezone.utc),
        boilerplate=TrendSpider.boilerplate_rules,
    )
    article = asdict(load_text_blocks(loader, blocks))
    fields = ("headline", "description", "date_published", "section", "dateline", "authors", "editor", "article_body")
    assert {f: article[f] for f in fields} == {f: expected[f] for f in fields}


@pytest.mark.parametrize(
    ("head", "authors", "source"),
    [
        (
            (
                '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", "author": '
                '[{"@type": "Person", "name": "Ann Lee"}, {"@type": "Organization", "name": "Trend News Agency"}]}'
                "</script>"
            ),
            ["Ann Lee"], "jsonld",
        ),
        ('<meta name="author" content="Trend">', None, None),  # the agency itself is not an author
    ],
)  # fmt: skip
def test_authors_from_metadata_when_the_story_has_no_byline(head, authors, source) -> None:
    page = f"""<html lang="en"><head>{head}<meta property="og:type" content="article"></head><body><h1>H</h1>
    <div class="article-content article-paddings"><p>BAKU, Azerbaijan, June 18. The story.</p></div></body></html>"""
    (item,) = spider().parse_article(response("https://en.trend.az/a/b/1.html", page.encode(), datetime.now(timezone.utc)))
    assert item.authors == authors and (item.extraction or {}).get("authors") == source
    assert item.publisher == "Trend" and item.extraction["publisher"] == "site"
    assert item.dateline == "BAKU, Azerbaijan, June 18" and item.article_body == "The story."


def test_politeness_settings() -> None:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.get("USER_AGENT").startswith("byline/") and "Scrapy/" not in settings.get("USER_AGENT")
    assert settings.getbool("RETRY_ENABLED") and {429, 500, 502, 503, 504} <= set(settings.getlist("RETRY_HTTP_CODES"))
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
