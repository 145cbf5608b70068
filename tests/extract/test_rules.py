"""crawler.extract.rules gives exactly what the selector queries give, and its per-page cache does not keep pages alive."""

from __future__ import annotations

import gc
import gzip
import importlib
import pkgutil

from scrapy.http import HtmlResponse

import spiders
from bench.corpus import corpus_dir
from crawler.extract import metadata, page
from crawler.extract import rules as fastrules
from crawler.extract.rules import select as _xpath_or_css
from crawler.news_spider import NewsSpider
from tests.support import FIXTURES

TRICKY = b"""<!doctype html><html lang="az" xml:lang="az-AZ"><head>
<meta property="og:title" content="First &amp; title"><meta property="og:title" content="Second">
<meta property="og:title"><meta property="og:image" content="">
<META NAME="Description" CONTENT="Upper-case markup"><meta name="description" content=" spaced ">
<link rel="canonical" href="/a?b=1"><link rel="canonical alternate" href="/not-exact">
<meta property="article:tag" content="One"><meta property="article:tag" content="Two">
</head><body><h1>Head</h1><svg><meta property="og:title" content="In svg"></svg>
<p>Body <meta property="og:title" content="In body"></p></body></html>"""


def _all_rules() -> set[str]:
    rules: set[str] = set()
    for info in pkgutil.iter_modules(spiders.__path__):
        module = importlib.import_module(f"spiders.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, NewsSpider):
                rules |= {r for rs in obj.selectors.values() for r in rs}
    return rules | {
        "meta[property='og:title']::attr(content)", "meta[name=description]::attr(content)",
        "link[rel=canonical]::attr(href)", "html::attr(lang)", "meta[property='og:image']::attr(content)",
        "meta[property='article:tag']::attr(content)", "meta::attr(content)", "h1", "title::text",
    }  # fmt: skip


def _pages() -> list[HtmlResponse]:
    pages = [HtmlResponse("https://news.example/tricky.html", body=TRICKY, encoding="utf-8")]
    for path in sorted((FIXTURES / "trend" / "site").rglob("*.html"))[:6]:
        pages.append(HtmlResponse(f"https://en.trend.az/{path.name}", body=path.read_bytes(), encoding="utf-8"))
    corpus = corpus_dir()
    for path in sorted(corpus.glob("*/*.html.gz"))[::25][:8] if corpus else []:
        body = gzip.decompress(path.read_bytes())
        pages.append(HtmlResponse(f"https://{path.parent.name}/{path.name}", body=body, encoding="utf-8"))
    return pages


def test_rule_values_equal_the_queries() -> None:
    rules = sorted(_all_rules())
    simple = [r for r in rules if fastrules.simple_attr_rule(r)]
    assert len(simple) >= 8, "the fast path covers the <meta>/<link> rules"
    tags = fastrules.simple_tags(rules)
    for response in _pages():
        for rule in rules:
            expected = _xpath_or_css(response, rule).getall()
            assert fastrules.rule_values(response, rule, tags) == expected, (response.url, rule)
            assert fastrules.rule_values(response, rule, tags) == expected  # cached
        # metadata.py reads the same one pass over the page: its <meta> index and JSON-LD scripts are the queries'.
        root = response.selector.root
        expected_meta: dict[str, list[str]] = {}
        for el in root.xpath("//meta[@content]"):
            for key in {el.get("property"), el.get("name"), el.get("itemprop")} - {None}:
                expected_meta.setdefault(key, []).append(el.get("content"))
        assert metadata._meta_index(response.selector) == expected_meta
        scripts = [s.get(metadata.SCRIPT_TEXT) for s in metadata.tag_index(root)["script"] if metadata.SCRIPT_TEXT in s]
        assert scripts == response.xpath('//script[@type="application/ld+json"]/text()').getall()


def test_tricky_page_values() -> None:
    response = HtmlResponse("https://news.example/t.html", body=TRICKY, encoding="utf-8")
    og = fastrules.rule_values(response, "meta[property='og:title']::attr(content)")
    assert og[:2] == ["First & title", "Second"] and "In body" in og
    # Values compare case-sensitively ("Description" is not "description"), as in the query.
    assert fastrules.rule_values(response, "meta[name=description]::attr(content)") == [" spaced "]
    assert fastrules.rule_values(response, "link[rel=canonical]::attr(href)") == ["/a?b=1"]
    assert fastrules.simple_attr_rule("html::attr(xml:lang)") is None  # a namespace in XPath: a real query


def test_cache_does_not_keep_pages_alive() -> None:
    gc.collect()
    before = len(page._PAGES)
    for n in range(5):
        response = HtmlResponse(f"https://news.example/{n}.html", body=TRICKY, encoding="utf-8")
        fastrules.rule_values(response, "html::attr(lang)", frozenset({"meta", "link", "html"}))
        fastrules.cached_metadata(response)
    del response
    gc.collect()
    assert len(page._PAGES) == before


def test_a_page_parsed_from_its_bytes_is_the_tree_scrapy_builds() -> None:
    """crawler.extract.page.parse_page skips the decode/encode round trip of a UTF-8 page, not a bit of the tree."""
    from lxml import etree

    edge = [
        b"  \n<html><head><base href='/sub/'></head><body><p>a\x00b \xc3\xa9</p></body></html>\n ",
        b"\xef\xbb\xbf<html><body><p>BOM \xe2\x80\x9cquoted\xe2\x80\x9d</p></body></html>",
        b"<html><body><p>broken \xff\xfe utf-8 \xc3\xa9</p></body></html>",
        b"   ",
        b"<!-- only a comment -->",
    ]
    bodies = [r.body for r in _pages()] + edge
    for body in bodies:
        plain = HtmlResponse("https://news.example/a/b.html", body=body, encoding="utf-8")
        fast = HtmlResponse("https://news.example/a/b.html", body=body, encoding="utf-8")
        page.parse_page(fast)
        assert fast._cached_selector is not None  # parsed from the bytes
        assert etree.tostring(fast.selector.root) == etree.tostring(plain.selector.root), body[:60]
        assert fast.selector.root.base_url == plain.selector.root.base_url
    # Another encoding is left to Scrapy.
    latin = HtmlResponse("https://news.example/", body=b"<p>caf\xe9</p>", encoding="latin-1")
    page.parse_page(latin)
    assert latin._cached_selector is None


def test_script_rules_after_the_metadata_pass_see_every_script() -> None:
    body = (
        b'<html><head><script src="/a.js"></script><script type="application/ld+json">'
        b'{"@type": "NewsArticle", "headline": "H"}</script></head><body></body></html>'
    )
    response = HtmlResponse("https://news.example/s.html", body=body, encoding="utf-8")
    assert metadata.json_ld_article(response.selector) == {"@type": "NewsArticle", "headline": "H"}
    # The metadata pass indexed the JSON-LD script only; a site rule on scripts gets them all, in page order.
    assert fastrules.rule_values(response, "script::attr(src)") == ["/a.js"]
    assert fastrules.rule_values(response, "script::attr(type)") == ["application/ld+json"]
