"""Site rules that rank below JSON-LD but above ``<meta>`` and the generic guess.

``NewsSpider.selectors`` win over structured metadata, which suits the article body but not a
visible byline or date: where JSON-LD is present it is the better source (exact instants, full
names), yet a sibling article without it falls back to ``<meta>`` values that are publisher names
(``<meta name="author" content="Condé Nast">``), WordPress user slugs (``article:author``
"aligharib"), bare days (``dc.date`` "2023-04-26") or the generic extractor's byline guess. A
spider lists its visible-markup rules in ``late_selectors``; they replace such values only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scrapy.http import TextResponse

from crawler.items import Article

WEAK_SOURCES = frozenset({"meta", "generic"})
"""Provenances (``Article.extraction``) a late rule overrides; JSON-LD and site selectors stay."""


class LateSelectorsMixin:
    """Mix into a NewsSpider (before it): ``late_selectors`` fill fields missing or weakly sourced."""

    late_selectors: ClassVar[dict[str, list[str]]] = {}
    """field -> CSS/XPath rules of the visible page, used when JSON-LD and the site selectors miss the field."""

    def extract(self, response: TextResponse) -> Article:
        """The base extraction, then ``late_selectors`` for fields that came only from weak sources."""
        from crawler.news_spider import _xpath_or_css

        item: Article = super().extract(response)  # type: ignore[misc]
        for field, rules in self.late_selectors.items():
            if getattr(item, field) not in (None, "", []) and item.extraction.get(field) not in WEAK_SOURCES:
                continue
            for rule in rules:
                found = _xpath_or_css(response, rule)
                value = self._late_value(response, field, found.getall()) if found else None
                if value not in (None, "", []):
                    setattr(item, field, value)
                    item.extraction[field] = "site-late"
                    stats = self.crawler.stats if getattr(self, "crawler", None) else None  # type: ignore[attr-defined]
                    if stats:
                        stats.inc_value(f"news/late_rule/{field}")
                    break
        return item

    def _late_value(self, response: TextResponse, field: str, raw: list[str]) -> Any:
        """Raw strings -> the field's value through the site's own loader processors."""
        loader = self.new_loader(response)  # type: ignore[attr-defined]
        loader.add_value(field, raw)
        return loader.get_output_value(field)
