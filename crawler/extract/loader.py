"""ArticleLoader: turns raw selector and metadata output into a clean Article."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import Any

from itemadapter import ItemAdapter
from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from crawler.extract import boilerplate
from crawler.extract import clean as p
from crawler.items import Article, Provenance

_FIELD_META: dict[tuple[type, str], Any] = {}
"""(dataclass item class, field) -> the field's metadata (fixed per class)."""


class ArticleLoader(ItemLoader):
    """Shared by all sites; a site subclasses it to change one field's processors.

    Context keys: ``timezone`` (site zone for times without an offset), ``crawl_date`` (to infer a
    missing year), ``boilerplate`` (a :class:`crawler.extract.boilerplate.Rules`, the site's rule set).
    """

    default_item_class = Article
    default_input_processor = MapCompose(p.clean_text)
    default_output_processor = TakeFirst()

    # ``url`` is the page's identity in the output (joins with the URLs fed in and with WARC records):
    # exactly as fetched. Dedupe and the seen-store key it with ``dedupe_key`` (normalised).
    url_in = MapCompose(p.fetched_url)
    canonical_url_in = main_image_in = MapCompose(p.clean_text, p.absolute_url)
    headline_in = MapCompose(p.clean_text)
    date_published_in = date_modified_in = MapCompose(p.clean_text, p.to_iso8601)
    authors_in = MapCompose(p.clean_text, p.split_names)
    tags_in = MapCompose(p.clean_text, p.split_tags)
    authors_out = tags_out = p.unique
    in_language_in = MapCompose(p.language_tag)
    article_body_in = MapCompose(p.html_to_text)
    article_body_out = Identity()
    extraction_in = extraction_out = TakeFirst()
    own_agency: str | None = None
    """Regex of the site's own agency name: its wire-form leads (``BAKU, June 18 (Trend) -``) are split off too."""

    def _get_item_field_attr(self, field_name: str, key: Any, default: Any = None) -> Any:
        """A field's metadata value (``input_processor``...): itemloaders scans the dataclass fields per call, cached here."""
        cls = type(self.item)
        if not dataclasses.is_dataclass(cls):
            return super()._get_item_field_attr(field_name, key, default)
        meta = _FIELD_META.get((cls, field_name))
        if meta is None:
            meta = _FIELD_META[(cls, field_name)] = ItemAdapter(self.item).get_field_meta(field_name)
        return meta.get(key, default)

    def load_item(self) -> Any:
        """Build the Article; the body's dateline, byline and editor lines go to their fields."""
        item = super().load_item()
        adapter = ItemAdapter(item)
        paragraphs = adapter.get("article_body") or []
        if isinstance(paragraphs, str):
            paragraphs = [paragraphs]
        rules = self.context.get("boilerplate") or boilerplate.DEFAULT_RULES
        parts = p.split_body(paragraphs, headline=adapter.get("headline"), rules=rules, own_agency=self.own_agency)
        adapter["article_body"] = p.join_paragraphs(parts.paragraphs)
        for field in ("dateline", "authors", "publisher", "editor"):
            value = getattr(parts, field)
            if value and not adapter.get(field):
                adapter[field] = value
        return item

    def load_article(self, extraction: dict[str, str], spider: str, fetched: datetime) -> Article:
        """Provenance, then :meth:`load_item`: ``extraction`` (field -> source) gains ``body`` for the
        dateline/byline/editor values taken from the story, and keeps only fields that have a value."""
        self.add_value("spider", spider)
        self.add_value("fetched_at", p.format_iso8601(fetched.astimezone(timezone.utc)))
        item: Article = self.load_item()
        for field in ("dateline", "publisher", "editor", "authors"):
            if getattr(item, field) and field not in extraction:
                extraction[field] = Provenance.BODY.value
        item.extraction = {k: v for k, v in extraction.items() if getattr(item, k, None) not in (None, "", [])}
        return item
