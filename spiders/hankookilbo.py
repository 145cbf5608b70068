"""Hankook Ilbo (hankookilbo.com): articles from the sitemaps its robots.txt lists."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from scrapy.http import HtmlResponse, TextResponse

from crawler.extract.body_rules import story_children
from crawler.items import Article
from crawler.news_spider import NewsSpider

# The Next.js layout (2026) may stream the article only inside a script:
#   window["__RQ_R_35b_"].push({"queries":[{"state":{"data":{"data":{"detail":{"title": ..., "subTitle": ...,
#   "contentHtml": "<p class=\"editor-p\">...", "deployDt": "2026.01.29 18:40", "byLines": [...]}}}}}]})
_STATE_SCRIPT = '//script[contains(text(), "__RQ_R_") and contains(text(), "contentHtml")]/text()'


def article_detail(response: TextResponse) -> dict[str, Any] | None:
    """The page's embedded article state (Next.js query cache) -> its ``detail`` dict, or None."""
    for script in response.xpath(_STATE_SCRIPT).getall():
        start, end = script.find(".push("), script.rfind(")")
        if start < 0 or end <= start:
            continue
        try:
            state = json.loads(script[start + len(".push(") : end])
        except ValueError:
            continue
        for query in state.get("queries", []) if isinstance(state, dict) else []:
            data = (((query.get("state") or {}).get("data") or {}).get("data")) or {}
            detail = data.get("detail") if isinstance(data, dict) else None
            if isinstance(detail, dict) and detail.get("contentHtml"):
                return detail
    return None


def detail_page(response: TextResponse, detail: dict[str, Any]) -> HtmlResponse:
    """The embedded state as the server-rendered article markup, so the same selectors read it."""
    published = detail.get("deployDt") or ""  # "2026.01.29 18:40", Korean time without an offset
    authors = "".join(
        f'<meta name="byline" content="{escape(b.get("writerName") or "")}">' for b in detail.get("byLines") or []
    )
    html = (
        f'<html lang="ko"><head><meta property="og:title" content="{escape(detail.get("title") or "")}">'
        f'<meta property="article:published_time" content="{escape(published)}">{authors}</head><body>'
        f'<div id="article-view-content" class="article-view">'
        f'<h2 class="sub-tit-ll">{detail.get("subTitle") or ""}</h2>'
        f"{detail['contentHtml']}</div></body></html>"
    )
    return HtmlResponse(response.url, body=html.encode("utf-8"), encoding="utf-8", request=response.request)


_EDITOR_P = "contains(concat(' ', normalize-space(@class), ' '), ' editor-p ')"


class HankookIlboSpider(NewsSpider):
    name = "hankookilbo"
    allowed_domains = ["hankookilbo.com"]
    default_base_url = "https://www.hankookilbo.com"
    sitemap_urls = ["https://www.hankookilbo.com/robots.txt"]
    # /News/Read/A2025051516330004328 (to 2025), /news/article/A2026012914320005196 (2026)
    article_url_re = r"hankookilbo\.com/(?:News/Read|news/article)/A\d+"
    timezone = "Asia/Seoul"
    language = "ko"

    selectors = {
        # The embedded state's byline (one <meta name="byline"> per writer; see detail_page).
        "authors": ['meta[name="byline"]::attr(content)'],
        # Sub-headline lines (<h2 class="sub-tit-ll">, <br>-separated), paragraphs and section titles;
        # photo captions, quote boxes and ads are sibling <div>s and stay out.
        # Story lists, tables and sub-headings at any level are kept (crawler/extract/body_rules.py); the quote
        # boxes (<div class="module-quote">) repeat a paragraph and stay out with the other <div>s.
        "article_body": [
            story_children(".article-view", _EDITOR_P, bold_heads=True),
            story_children(".col-main", _EDITOR_P, bold_heads=True),
        ],
    }

    def is_article(self, response: TextResponse) -> bool:
        """The article markup or metadata, or the embedded article state."""
        return super().is_article(response) or article_detail(response) is not None

    def extract(self, response: TextResponse) -> Article:
        """Server-rendered article markup, or the markup rebuilt from the embedded Next.js state."""
        if not response.css(".article-view, .col-main") and (detail := article_detail(response)):
            return super().extract(detail_page(response, detail))
        return super().extract(response)
