"""JSON-LD ``@id`` references (Yoast/WordPress ``@graph``) resolved by crawler.extract.metadata."""

from __future__ import annotations

import json

from parsel import Selector

from crawler.extract.metadata import page_metadata, resolve_refs

GRAPH = {
    "@context": "https://schema.org",
    "@graph": [
        {
            "@type": "NewsArticle",
            "@id": "https://example.org/story/#article",
            "headline": "A story",
            "datePublished": "2023-06-19T23:48:21+00:00",
            "author": {"@id": "https://example.org/#/schema/person/abc"},
            "image": {"@id": "https://example.org/story/#primaryimage"},
            "mainEntityOfPage": {"@id": "https://example.org/story/"},
        },
        {"@type": "ImageObject", "@id": "https://example.org/story/#primaryimage", "url": "https://example.org/a.jpg"},
        {"@type": ["Person"], "@id": "https://example.org/#/schema/person/abc", "name": "Stephanie Bazzle"},
    ],
}


def _page(data: object) -> Selector:
    return Selector(text=f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head></html>')


def test_author_and_image_references_resolved() -> None:
    meta = page_metadata(_page(GRAPH))
    assert meta["authors"] == ("jsonld", ["Stephanie Bazzle"])
    assert meta["main_image"] == ("jsonld", "https://example.org/a.jpg")
    assert meta["canonical_url"] == ("jsonld", "https://example.org/story/")  # a WebPage @id is its URL


def test_unknown_or_inline_values_kept() -> None:
    objects = GRAPH["@graph"]
    dangling = {"@id": "https://example.org/#/schema/person/missing"}
    inline = {"@type": "Person", "name": "Ann Lee"}
    assert resolve_refs(dangling, objects) == dangling
    assert resolve_refs(inline, objects) == inline
    assert resolve_refs([dangling, "Bo Park"], objects) == [dangling, "Bo Park"]
