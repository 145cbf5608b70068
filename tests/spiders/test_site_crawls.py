"""Site spiders of the corpus's second half: their helpers, their declared discovery, and two local crawls.

Per-page extraction is checked by spiders/test_golden.py; here: what those tests do not reach.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from bench import corpus
from bench.corpus_overrides import OVERRIDES, REASONS, _unglue
from crawler.extract import clean as processors
from crawler.extract.fragments import drop_elements
from tests.conftest import need, run_scrapy
from tests.support.site_server import serve

SPIDERS = (
    "theindependent theintercept thenation thenewyorker thetelegraph washingtontimes inews faz dw lemonde elpais "
    "asahishimbun ntvtr kommersant pravda lbcgroup hankookilbo people"
).split()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("28.04.2023", "2023-04-28T00:00:00+02:00"),  # DW's "Datum 28.04.2023" (Berlin, summer time)
        ("28.01.2023 19:20", "2023-01-28T19:20:00+01:00"),
        ("14.05.2025, 20:28", "2025-05-14T20:28:00+02:00"),
        ("2023-06-13T12:15:32.158Z", "2023-06-13T12:15:32.158000+00:00"),  # the page's milliseconds are kept
        ("2023-04-28T19:20:36+0200", "2023-04-28T19:20:36+02:00"),
        ("2026.01.29 18:40", "2026-01-29T18:40:00+01:00"),  # year first (Korean pages)
        ("2024年04月24日08:21", "2024-04-24T08:21:00+02:00"),
        ("2024/04/24", "2024-04-24T00:00:00+02:00"),
        ("v1.2.3", None),
        ("31.02.2023", None),
    ],
)
def test_page_dates(raw: str, expected: str | None) -> None:
    assert processors.to_iso8601(raw, {"timezone": "Europe/Berlin"}) == expected


def test_numeric_date_needs_a_zone() -> None:
    assert processors.parse_date("28.04.2023 10:00") is None


def test_drop_elements_keeps_the_text_around_the_dropped_ones() -> None:
    strip = drop_elements("aside", ".credits")
    html = (
        '<p>Before <aside><h4>Related Article</h4><a href="/x">X</a></aside>after '
        '<span class="credits">(AP)</span>end</p>'
    )
    assert processors.html_to_text(strip(html)) == ["Before after end"]
    assert strip("plain text") == "plain text"


def test_unglue_splits_only_at_glued_boundaries() -> None:
    glued = ["Lead", "Bir iki ediyor.Şampiyonluk yarışı. Devam.BAŞLIK BURADAGalatasaray kazandı."]
    boundary = r"(?<=[.!?:])(?=[A-ZÇĞİÖŞÜ])|(?<=[A-ZÇĞİÖŞÜ?!])(?=[A-ZÇĞİÖŞÜ][a-zçğıöşü])"
    assert _unglue(glued, 1, boundary) == [
        "Lead", "Bir iki ediyor.", "Şampiyonluk yarışı. Devam.", "BAŞLIK BURADA", "Galatasaray kazandı."
    ]  # fmt: skip


def test_every_override_has_a_reason() -> None:
    assert set(OVERRIDES) == set(REASONS)


@pytest.mark.parametrize("name", SPIDERS)
def test_declared_discovery(name: str, spider_of) -> None:
    """Feeds and sitemaps are on the site's domains, and the site's corpus pages pass its article URL filter."""
    spider = spider_of(name)
    assert spider.feed_urls or spider.sitemap_urls
    assert spider.timezone and processors.as_tzinfo(spider.timezone) is not None
    for url in [*spider.feed_urls, *spider.sitemap_urls]:
        host = url.split("/")[2]
        assert any(host == d or host.endswith("." + d) for d in spider.allowed_domains), url
    pages = [p for p in corpus.pages() if p.slug == name]
    for page in pages:
        assert spider.is_article_url(page.url), page.url
    assert not spider.is_article_url(spider.default_base_url + "/")


def _hankook_state_page(url: str) -> HtmlResponse:
    detail = {
        "title": "장동혁,\u00a0제명",
        "subTitle": "첫째 줄<br>둘째 줄",
        "contentHtml": '<div class="editor-img-box"><div class="caption"><p>사진 설명. 연합뉴스</p></div></div>'
        '$$ARTICLEAD$$<p class="editor-p">첫 문단.</p><h3 class="editor-tit">소제목</h3><p class="editor-p">둘째 문단.</p>',
        "deployDt": "2026.01.29 18:40",
        "byLines": [{"writerName": "신현주", "writerJobName": "기자"}, {"writerName": "김태연"}],
    }
    state = {"mutations": [], "queries": [{"state": {"data": {"data": {"detail": detail}}}}]}
    script = f'window["__RQ_R_35b_"] = window["__RQ_R_35b_"] || [];window["__RQ_R_35b_"].push({json.dumps(state)})'
    html = f"<html><head><title>x-정치ㅣ한국일보</title></head><body><main></main><script>{script}</script></body></html>"
    return HtmlResponse(url, body=html.encode(), encoding="utf-8")


def test_hankookilbo_reads_the_embedded_article_state(spider_of) -> None:
    spider = spider_of("hankookilbo")
    (item,) = spider.parse_article(_hankook_state_page("https://www.hankookilbo.com/news/article/A2026012914320005196"))
    assert item.headline == "장동혁, 제명"
    assert item.authors == ["신현주", "김태연"]
    assert item.date_published == "2026-01-29T18:40:00+09:00"
    assert item.article_body == "첫째 줄\n\n둘째 줄\n\n첫 문단.\n\n소제목\n\n둘째 문단."


def _corpus_page(name: str) -> corpus.CorpusPage:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    return next(p for p in corpus.pages() if p.name == name)


def _put(root: Path, path: str, data: bytes) -> None:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _crawl(name: str, root: Path, tmp_path: Path) -> list[dict]:
    out = tmp_path / "items.jsonl"
    with serve(root) as site:
        proc = run_scrapy(
            "crawl", name, "-a", f"base_url={site.base_url}", "-O", str(out),
            "-s", "ROBOTSTXT_OBEY=False", "-s", "HTTPCACHE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in out.read_text("utf-8").splitlines() if line.strip()]


def test_faz_crawl_from_its_feed_on_a_mirror(tmp_path: Path) -> None:
    """RSS feed -> article (real URL rewritten to the mirror) -> one clean article."""
    page = _corpus_page("FAZ_2024_04_17")
    root = tmp_path / "site"
    path = "/" + page.url.split("/", 3)[3]
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>FAZ</title>'
        f"<item><title>a</title><link>{page.url}</link><pubDate>Wed, 17 Apr 2024 10:24:31 GMT</pubDate></item>"
        "<item><title>b</title><link>https://www.faz.net/aktuell/</link></item>"  # a section page: not an article
        "</channel></rss>"
    )
    _put(root, "/rss/aktuell/index.html", rss.encode())
    _put(root, path, gzip.decompress(page.path.read_bytes()))
    items = _crawl("faz", root, tmp_path)
    assert [i["headline"] for i in items] == [page.expected()["headline"]]
    assert items[0]["date_published"] == "2024-04-17T10:24:31+00:00"


def test_hankookilbo_crawl_from_robots_sitemap_on_a_mirror(tmp_path: Path) -> None:
    """robots.txt -> news sitemap -> article, the Next.js page read from its embedded state."""
    page = _corpus_page("HankookIlbo_2026_01_29")
    root = tmp_path / "site"
    _put(root, "/robots.txt", b"User-agent: *\nSitemap: https://www.hankookilbo.com/sitemap/news.xml\n")
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{page.url}/</loc><lastmod>2026-01-29T18:49:00+09:00</lastmod></url></urlset>"
    )
    _put(root, "/sitemap/news.xml", sitemap.encode())
    _put(root, "/" + page.url.split("/", 3)[3] + "/index.html", gzip.decompress(page.path.read_bytes()))
    items = _crawl("hankookilbo", root, tmp_path)
    assert len(items) == 1
    assert items[0]["authors"] == ["신현주"]
    assert items[0]["date_published"] == "2026-01-29T18:40:00+09:00"
    assert len(items[0]["article_body"].split("\n\n")) == len(page.expected()["article_body_paragraphs"])
