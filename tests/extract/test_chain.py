"""The extraction chain: field precedence declared once, provenance written once, the recall guard."""

from __future__ import annotations

import json

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.extract.chain import PRECEDENCE, SiteRules, extract
from crawler.items import Provenance
from crawler.news_spider import NewsSpider

STORY = [
    "The council approved the new harbour plan on Tuesday after a debate that lasted most of the night.",
    "Supporters said the plan would bring jobs to the town and open the old docks to visitors again.",
    "Opponents said the costs were far higher than the first estimate and asked for an independent review.",
    "The mayor said the first works would start in the spring and that residents would be consulted again.",
    "A second vote on the financing is expected next month, when the regional government gives its answer.",
]


def page(*, ld: dict | None = None, meta_author: str | None = None, byline: str | None = None, split: int = 5) -> bytes:
    head = ""
    if ld is not None:
        head += f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **ld})}</script>'
    if meta_author:
        head += f'<meta name="author" content="{meta_author}">'
    first = "".join(f"<p>{p}</p>" for p in STORY[:split])
    rest = "".join(f"<p>{p}</p>" for p in STORY[split:])
    body = f'<h1>Harbour plan approved</h1><span class="byline">{byline or ""}</span><div class="story">{first}</div>'
    if rest:
        body += f'<div class="ad">Advertisement</div><div class="story-continued">{rest}</div>'
    return f"<html><head><title>Harbour | Site</title>{head}</head><body><article>{body}</article></body></html>".encode()


def response(body: bytes) -> HtmlResponse:
    url = "https://harbour.test/news/plan"
    return HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))


RULES = SiteRules(
    name="harbour",
    selectors={"headline": ["h1::text"], "article_body": ["div.story > p"]},
    late_selectors={"authors": ["span.byline::text"]},
)


def test_precedence_is_declared_once_and_in_order() -> None:
    assert PRECEDENCE == (
        Provenance.SITE, Provenance.JSONLD, Provenance.SITE_LATE, Provenance.META, Provenance.GENERIC
    )  # fmt: skip


def test_jsonld_beats_a_late_rule_which_beats_meta() -> None:
    ld = {"headline": "Harbour plan approved", "author": {"@type": "Person", "name": "Ann Lee"}}
    with_ld = extract(response(page(ld=ld, byline="Bo Park")), RULES)
    assert with_ld.authors == ["Ann Lee"] and with_ld.extraction["authors"] == "jsonld"
    late = extract(response(page(meta_author="Harbour Media Group", byline="Bo Park")), RULES)
    assert late.authors == ["Bo Park"] and late.extraction["authors"] == "site-late"
    meta = extract(response(page(meta_author="Cy Diaz")), RULES)
    assert meta.authors == ["Cy Diaz"] and meta.extraction["authors"] == "meta"
    assert with_ld.extraction["headline"] == late.extraction["headline"] == "site"


def test_every_provenance_value_is_an_enum_value() -> None:
    article = extract(response(page(ld={"headline": "X"}, meta_author="Cy Diaz")), RULES)
    assert set(article.extraction.values()) <= {p.value for p in Provenance}


def test_recall_guard_takes_the_jsonld_story_when_the_site_body_holds_part_of_it() -> None:
    crawler = get_crawler(NewsSpider)
    stats = MemoryStatsCollector(crawler)
    body = page(ld={"articleBody": "\n".join(STORY)}, split=2)
    article = extract(response(body), RULES, stats)
    assert article.article_body == "\n\n".join(STORY)  # the page's own paragraphs, in order
    assert article.extraction["article_body"] == "jsonld"
    assert stats.get_value("news/recall_guard/harbour") == 1
    assert stats.get_value("news/recall_guard/harbour/jsonld") == 1


def test_recall_guard_keeps_a_whole_site_body() -> None:
    crawler = get_crawler(NewsSpider)
    stats = MemoryStatsCollector(crawler)
    article = extract(response(page(ld={"articleBody": "\n".join(STORY)})), RULES, stats)
    assert article.article_body == "\n\n".join(STORY)
    assert article.extraction["article_body"] == "site"
    assert stats.get_value("news/recall_guard/harbour") is None


def test_recall_guard_asks_the_generic_body_without_jsonld() -> None:
    article = extract(response(page(split=1)), RULES)
    assert article.article_body == "\n\n".join(STORY)
    assert article.extraction["article_body"] == "generic"


def live_page(posts_in_markup: bool) -> bytes:
    updates = [
        {"@type": "BlogPosting", "headline": f"Update {n}", "datePublished": f"2026-11-02T1{n}:00:00+01:00",
         "articleBody": STORY[n]}
        for n in (3, 2, 1)
    ]  # fmt: skip
    ld = {"@type": "LiveBlogPosting", "headline": "Harbour plan: live", "liveBlogUpdate": updates}
    posts = "".join(f'<div class="post"><p>{u["articleBody"]}</p></div>' for u in updates) if posts_in_markup else ""
    return (
        f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head><body><article>'
        f'<h1>Harbour plan: live</h1><div class="story"><p>{STORY[0]}</p></div>{posts}</article></body></html>'
    ).encode()


def test_a_live_page_is_its_posts_in_order_with_their_times() -> None:
    crawler = get_crawler(NewsSpider)
    stats = MemoryStatsCollector(crawler)
    article = extract(response(live_page(posts_in_markup=False)), RULES, stats)
    assert article.article_body.split("\n\n") == [
        STORY[0],  # the page's own summary, which no post holds
        "2026-11-02T13:00:00+01:00 Update 3", STORY[3],
        "2026-11-02T12:00:00+01:00 Update 2", STORY[2],
        "2026-11-02T11:00:00+01:00 Update 1", STORY[1],
    ]  # fmt: skip
    assert article.extraction["article_body"] == "jsonld"
    assert stats.get_value("news/live/harbour") == 1


def test_a_live_page_whose_rule_reads_the_posts_keeps_the_site_body() -> None:
    rules = SiteRules(name="harbour", selectors={"headline": ["h1::text"], "article_body": ["div.story p, div.post p"]})
    article = extract(response(live_page(posts_in_markup=True)), rules)
    assert article.extraction["article_body"] == "site"
    assert article.article_body.split("\n\n") == [STORY[0], STORY[3], STORY[2], STORY[1]]
