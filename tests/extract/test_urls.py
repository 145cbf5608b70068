"""URL integrity: ``url`` is the URL exactly as fetched; ``canonical_url`` is cleaned; keys are normalised."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.extract.chain import extract_generic
from crawler.extract.clean import dedupe_key
from crawler.state.store import url_key
from spiders.washingtontimes import WashingtonTimesSpider

PAGE = b"""<html lang="en"><head><title>Wire story | Site</title>
<link rel="canonical" href="https://news.test/story?id=7&amp;utm_source=twitter">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Wire story",
"datePublished": "2026-11-02T10:00:00+01:00", "author": {"@type": "Person", "name": "Ann Lee"}}</script>
</head><body><article><h1>Wire story</h1>
<p>The first paragraph of the story is long enough to be a story paragraph on any page of the site.</p>
<p>The second paragraph of the story goes on with more detail, so that the page holds a real story.</p>
<p>The third paragraph ends it, with a quote from someone who saw it happen and told the reporter.</p>
</article></body></html>"""

FETCHED = "https://news.test/story?id=7&copy=2&lang=en&reg=3&utm_source=RSS_Feed&utm_medium=RSS"


def response(url: str, body: bytes = PAGE) -> HtmlResponse:
    return HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))


def test_url_is_kept_exactly_as_fetched() -> None:
    article = extract_generic(response(FETCHED))
    assert article.url == FETCHED  # no "\u00a9=2\u2329=en\u00ae=3", no utm_* removed
    assert article.canonical_url == "https://news.test/story?id=7"


def test_site_spider_keeps_the_feed_url() -> None:
    url = "https://www.washingtontimes.com/news/2026/nov/2/a-story/?utm_source=RSS_Feed&utm_medium=RSS"
    spider = WashingtonTimesSpider()
    (article,) = list(spider.parse_article(response(url)))
    assert article.url == url


def test_keys_use_the_normalised_form() -> None:
    plain = "https://news.test/story?id=7&copy=2&lang=en&reg=3"
    assert dedupe_key(FETCHED) == dedupe_key(plain)
    assert url_key(FETCHED) == url_key(plain)
    assert "\u00a9" not in dedupe_key(FETCHED)
