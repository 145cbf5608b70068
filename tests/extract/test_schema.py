"""Every record of every corpus spider, and of the generic extractor, is valid against the Article JSON Schema."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from bench import corpus
from crawler.extract.chain import PRECEDENCE, extract_generic
from crawler.items import ARTICLE_FIELDS, SCHEMA_VERSION, Provenance, article_schema
from tests.conftest import need

PAGES = corpus.pages()


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")  # the test extra
    schema = article_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_lists_every_provenance_and_field() -> None:
    schema = article_schema()
    extraction = schema["properties"]["extraction"]
    assert extraction["additionalProperties"]["enum"] == [p.value for p in Provenance]
    assert extraction["propertyNames"]["enum"] == list(ARTICLE_FIELDS)
    assert list(schema["properties"]) == list(ARTICLE_FIELDS)
    assert schema["version"] == SCHEMA_VERSION
    assert set(PRECEDENCE) <= set(Provenance)


def test_schema_rejects_an_unknown_provenance(validator) -> None:
    record = {"url": "https://x.test/a", "headline": "H", "article_body": "B", "extraction": {"headline": "late"}}
    assert list(validator.iter_errors(record))


def _check(validator, article) -> None:
    record = json.loads(json.dumps(asdict(article)))
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(record)]
    assert errors == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.slug}/{p.name}")
def test_site_record_is_valid(page: corpus.CorpusPage, spider_of, validator) -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    (article,) = list(spider_of(page.slug).parse_article(page.response()))
    _check(validator, article)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.slug}/{p.name}")
def test_generic_record_is_valid(page: corpus.CorpusPage, validator) -> None:
    need(corpus.corpus_dir(), "the shared corpus is not at ../shared/corpus (set BYLINE_CORPUS)")
    _check(validator, extract_generic(page.response()))
