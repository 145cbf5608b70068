"""Extraction as one chain, in one place: a fetched page -> one Article.

    parse once (:mod:`crawler.extract.page`)
      -> site rules (the spider's ``selectors``, then its ``late_selectors``)
      -> metadata (JSON-LD, ``<meta>``)
      -> generic fallback (:mod:`crawler.extract.generic`)
      -> clean and finish (:meth:`crawler.extract.loader.ArticleLoader.load_article`)

Each stage reads the same parsed page. Which source wins a field is declared once, as data
(:data:`PRECEDENCE`); the ``extraction`` provenance of every field is written only here. A live crawl,
a re-parse and the Python API all call :func:`extract`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from scrapy.http import TextResponse

from crawler.extract import boilerplate
from crawler.extract.generic import GenericLoader, generic_values
from crawler.extract.generic.body import article_body_paragraphs
from crawler.extract.loader import ArticleLoader
from crawler.extract.metadata import live_blog_posts
from crawler.extract.page import crawl_date
from crawler.extract.recall_guard import DEFAULT_RATIO, MIN_CONTAINMENT, guard_body, judge
from crawler.extract.rules import cached_metadata, is_xpath, rule_values, simple_tags
from crawler.items import Article, Provenance

PRECEDENCE: tuple[Provenance, ...] = (
    Provenance.SITE,
    Provenance.JSONLD,
    Provenance.SITE_LATE,
    Provenance.META,
    Provenance.GENERIC,
)
"""Field precedence on a site with rules: the first source with a value wins the field.

``site`` (``selectors``) beats structured metadata, which suits the story but not always a visible
byline or date; ``site-late`` (``late_selectors``) therefore ranks below JSON-LD (exact instants, full
names) and above ``<meta>`` (publisher names as authors, bare days). ``body`` is not a stage: cleaning
the body fills dateline, byline and editor only where every stage left the field empty.
"""

METADATA_FIELDS: tuple[str, ...] = (
    "headline", "description", "date_published", "date_modified", "authors", "section", "tags",
    "in_language", "publisher", "main_image", "canonical_url",
)  # fmt: skip
"""Fields filled from JSON-LD / ``<meta>`` when the site rules find nothing."""

GENERIC_FIELDS: tuple[str, ...] = ("headline", "article_body", "date_published", "authors")
"""Fields taken from the generic extractor when site rules and metadata miss them."""


@dataclass(frozen=True)
class SiteRules:
    """What a site declares for extraction (a :class:`crawler.news_spider.NewsSpider` gives its own)."""

    name: str
    """The spider's name, recorded as ``Article.spider``."""
    selectors: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """field -> CSS/XPath rules, current layout first; the first rule with a value wins."""
    late_selectors: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """field -> CSS/XPath rules of the visible page ranked below JSON-LD (see :data:`PRECEDENCE`)."""
    metadata_fields: tuple[str, ...] = METADATA_FIELDS
    generic_fields: tuple[str, ...] = GENERIC_FIELDS
    loader_class: type[ArticleLoader] = ArticleLoader
    timezone: str | None = None
    """The site's zone for times written without an offset."""
    language: str | None = None
    """The edition's language when the page does not say it."""
    boilerplate: boilerplate.Rules = field(default_factory=lambda: boilerplate.DEFAULT_RULES)
    generic_min_body_chars: int = 150
    """A generic body shorter than this (in characters) is not taken as the story."""
    live_posts: bool = True
    """A live page (JSON-LD ``LiveBlogPosting`` with its updates) is its posts in order with their times; see
    :func:`_live_posts`."""
    recall_guard: bool = True
    """Check the site body against the page's own evidence (JSON-LD ``articleBody``, the generic body); see
    :func:`_recall_guard`."""
    generic_reader: bool = False
    """No site rules at all (the ``generic`` spider, re-parse of unknown hosts): the generic extractor
    reads every field, choosing between JSON-LD, ``<meta>`` and the page by agreement."""


def new_loader(response: TextResponse, rules: SiteRules, stats: Any = None) -> ArticleLoader:
    """The site's loader over the page's one parsed tree, with its zone, crawl date and boilerplate rules."""
    return rules.loader_class(
        response=response,
        selector=response.selector,  # the response's parsed tree, not a second parse
        stats=stats,
        timezone=rules.timezone,
        crawl_date=crawl_date(response),
        boilerplate=rules.boilerplate,
    )


def extract(response: TextResponse, rules: SiteRules, stats: Any = None) -> Article:
    """The page -> its Article, with ``extraction`` provenance (field -> :class:`Provenance` value)."""
    if rules.generic_reader:
        return _extract_generic(response, rules, stats)
    loader = new_loader(response, rules, stats)
    loader.add_value("url", response.url)
    extraction: dict[str, str] = {}
    stages: dict[Provenance, Callable[[list[str]], dict[str, Any]]] = {
        Provenance.SITE: lambda missing: _site_values(response, rules.selectors, missing, loader, Provenance.SITE),
        Provenance.SITE_LATE: lambda missing: _site_values(
            response, rules.late_selectors, missing, loader, Provenance.SITE_LATE
        ),
        Provenance.JSONLD: lambda missing: _metadata(response, rules, missing, Provenance.JSONLD),
        Provenance.META: lambda missing: _metadata(response, rules, missing, Provenance.META),
        Provenance.GENERIC: lambda missing: _generic(response, rules, missing, stats),
    }
    wanted = [*dict.fromkeys([*rules.selectors, *rules.late_selectors, *rules.metadata_fields, *rules.generic_fields])]
    for source in PRECEDENCE:
        missing = [f for f in wanted if f not in extraction]
        if not missing:
            break
        for name, value in stages[source](missing).items():
            if source is not Provenance.SITE and source is not Provenance.SITE_LATE:
                loader.add_value(name, value)  # site values were added rule by rule
            if loader.get_collected_values(name):
                extraction[name] = source.value
                if stats is not None and source is Provenance.SITE_LATE:
                    stats.inc_value(f"news/late_rule/{name}")
                elif stats is not None and source is Provenance.GENERIC:
                    stats.inc_value(f"news/fallback/{name}")
    if rules.live_posts:
        _live_posts(response, rules, loader, extraction, stats)
    if extraction.get("article_body") == Provenance.SITE.value and rules.recall_guard:
        _recall_guard(response, rules, loader, extraction, stats)
    if not loader.get_collected_values("in_language") and rules.language:
        loader.add_value("in_language", rules.language)
    return loader.load_article(extraction, rules.name, crawl_date(response))


def _site_values(
    response: TextResponse,
    selectors: Mapping[str, Sequence[str]],
    missing: list[str],
    loader: ArticleLoader,
    kind: Provenance,
) -> dict[str, Any]:
    """Each missing field's first rule whose value survives the loader's processors (added as it goes)."""
    tags = simple_tags(selectors)  # <meta>/<link> attribute rules: one pass over the tree
    out: dict[str, Any] = {}
    for name in missing:
        for rule in selectors.get(name, ()):
            found = rule_values(response, rule, tags)
            if not found:
                continue
            if kind is Provenance.SITE and loader.stats is not None:
                # Values already found, not add_css/add_xpath (they would run the query again); the
                # same per-rule stat as they count.
                loader.stats.inc_value(f"parser/{name}/{'xpath' if is_xpath(rule) else 'css'}/{rule}")
            loader.add_value(name, list(found))
            if loader.get_collected_values(name):
                out[name] = found
                break
    return out


def _metadata(response: TextResponse, rules: SiteRules, missing: list[str], source: Provenance) -> dict[str, Any]:
    """The page metadata's values of the missing fields that came from ``source`` (JSON-LD or ``<meta>``)."""
    meta = cached_metadata(response)
    return {f: meta[f][1] for f in missing if f in rules.metadata_fields and f in meta and meta[f][0] == source.value}


def _generic(response: TextResponse, rules: SiteRules, missing: list[str], stats: Any) -> dict[str, Any]:
    """The generic extractor's values of the missing ``generic_fields`` (a redesign degrades a field, not the record)."""
    wanted = [f for f in rules.generic_fields if f in missing]
    if not wanted:
        return {}
    out: dict[str, Any] = {}
    for name, (_source, value) in generic_values(response, wanted).items():
        if name == "article_body" and sum(map(len, value if isinstance(value, list) else [value])) < (
            rules.generic_min_body_chars
        ):
            # A page whose story block is empty (JavaScript fills it) leaves only menus and sidebars
            # ("Latest ... Politics") for the generic extractor: that is no story.
            if stats is not None:
                stats.inc_value("news/fallback/rejected/article_body")
            continue
        out[name] = value
    return out


_PAGE_PARAGRAPH_TEXT = etree.XPath(
    "/descendant::body/descendant::p[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside)]"
    "/descendant::text()[not(ancestor::script or ancestor::style)]",
    smart_strings=False,
)
_STORY_PARAGRAPH_TEXT = etree.XPath(
    "/descendant::body/descendant::p[not(ancestor::*[self::nav or self::header or self::footer or self::aside"
    " or self::form or self::a or @aria-modal='true' or @role='dialog' or @role='alertdialog'"
    " or contains(@class, 'popup') or contains(@class, 'modal') or contains(@class, 'consent')])]"
    "/descendant::text()[not(ancestor::script or ancestor::style)]",
    smart_strings=False,
)
"""The page's paragraph text outside navigation, forms, link teasers and dialogs (cookie consent, log-in pop-ups):
costlier, asked only when the site body holds under half of the plain paragraph text."""


def _short_of_page_text(site_chars: int, root: Any) -> bool:
    """Does the site body hold less than :data:`GENERIC_EVIDENCE_BELOW` of the page's story-like paragraph text?"""
    return site_chars < GENERIC_EVIDENCE_BELOW * sum(map(len, _PAGE_PARAGRAPH_TEXT(root))) and (
        site_chars < GENERIC_EVIDENCE_BELOW * sum(map(len, _STORY_PARAGRAPH_TEXT(root)))
    )


LD_LENGTH_HOLDS = 0.9
"""A site body at least this long (in characters) against JSON-LD ``articleBody`` is taken to hold it."""
GENERIC_EVIDENCE_BELOW = 0.5
"""The generic body (a second reading of the page, as costly as the extraction) is asked for only when the site
body holds less than this share of the page's paragraph text: a body that holds most of it cannot be missing much."""


LIVE_MIN_POSTS = 2
"""A live page with fewer posts than this in its JSON-LD is read as an ordinary article."""


def _live_posts(
    response: TextResponse, rules: SiteRules, loader: ArticleLoader, extraction: dict[str, str], stats: Any
) -> None:
    """A live page's body: its own lines the posts do not hold (a summary, key points), then every post in the
    page's order, each opened by its time and headline as the page states them.

    Kept as it is when the body already holds the posts (a site rule that reads them). Counted as
    ``news/live/<site>``; the field's provenance is ``jsonld``.
    """
    posts = live_blog_posts(response.selector)
    if len(posts) < LIVE_MIN_POSTS:
        return
    lines: list[str] = []
    texts: list[str] = []
    for when, head, text in posts:
        opening = " ".join(x.strip() for x in (when, head) if x and x.strip())
        if opening:
            lines.append(opening)
        texts += [line.strip() for line in text.splitlines() if line.strip()]
        lines += [line.strip() for line in text.splitlines() if line.strip()]
    site = [str(p) for p in loader.get_collected_values("article_body")]
    verdict = judge(site, {Provenance.JSONLD.value: texts}, rules=rules.boilerplate, min_containment=0.0)
    if verdict and verdict[0].coverage >= DEFAULT_RATIO:
        return  # the site body holds the posts already
    own = [p for p in site if judge([p], {"posts": texts}, min_containment=0.0)[0].containment < MIN_CONTAINMENT]
    loader.replace_value("article_body", [*own, *lines])
    if loader.get_collected_values("article_body"):
        extraction["article_body"] = Provenance.JSONLD.value
        if stats is not None:
            stats.inc_value(f"news/live/{rules.name}")


def _recall_guard(
    response: TextResponse, rules: SiteRules, loader: ArticleLoader, extraction: dict[str, str], stats: Any
) -> None:
    """A site body that covers clearly less of the story than the page's own evidence says is replaced by it.

    Evidence: JSON-LD ``articleBody`` (the publisher's full text; taken as the page's own paragraphs that hold
    it) or, on a page without it where the site body holds under half of the page's paragraph text, the generic
    body (byline's own candidate, not the costlier vote). The
    decision is :func:`crawler.extract.recall_guard.guard_body`'s; a swap is counted as
    ``news/recall_guard/<site>`` (health reports it) and the field's provenance is the winning source.
    """
    site = [str(p) for p in loader.get_collected_values("article_body")]
    evidence: dict[str, list[str]] = {}
    ld_body = cached_metadata(response).get("article_body", (None, None))[1]
    root = response.selector.root
    if isinstance(ld_body, str) and ld_body.strip():
        # The publisher's own full text: the evidence of choice, and cheap (no second reading of the page). A site
        # body about as long as it holds it (the guard needs under 80% covered): no shingle count needed.
        if sum(map(len, site)) >= LD_LENGTH_HOLDS * len(ld_body):
            return
        evidence[Provenance.JSONLD.value] = [line for line in ld_body.splitlines() if line.strip()]
    elif isinstance(root, etree._Element) and _short_of_page_text(sum(map(len, site)), root):
        found = generic_values(response, ["article_body"], quick=True).get("article_body")
        if found:
            value = found[1]
            evidence[Provenance.GENERIC.value] = list(value) if isinstance(value, list) else [value]
    if not evidence:
        return
    paragraphs, source = guard_body(site, evidence, rules=rules.boilerplate)
    if source is None:
        return
    if source == Provenance.JSONLD.value:
        # articleBody is often one block: the page's own paragraphs that hold it, where they do.
        paragraphs = article_body_paragraphs(root, ld_body) or paragraphs
    loader.replace_value("article_body", paragraphs)
    if loader.get_collected_values("article_body"):
        extraction["article_body"] = source
        if stats is not None:
            stats.inc_value(f"news/recall_guard/{rules.name}")
            stats.inc_value(f"news/recall_guard/{rules.name}/{source}")


def _extract_generic(response: TextResponse, rules: SiteRules, stats: Any) -> Article:
    """No site rules: every field from the generic extractor, with the source it chose."""
    loader = new_loader(response, rules, stats)
    loader.add_value("url", response.url)
    extraction: dict[str, str] = {}
    for name, (source, value) in generic_values(response, tz=rules.timezone).items():
        loader.add_value(name, value)
        if loader.get_collected_values(name):
            extraction[name] = source
    return loader.load_article(extraction, rules.name, crawl_date(response))


def generic_rules(name: str = Provenance.GENERIC.value, **overrides: Any) -> SiteRules:
    """Rules of a page read by the generic extractor alone (``GenericLoader``: dates at the page's precision)."""
    return SiteRules(name=name, **{"loader_class": GenericLoader, "generic_reader": True, **overrides})


def extract_generic(response: TextResponse, stats: Any = None, **overrides: Any) -> Article:
    """A page of any site -> an Article read by the generic extractor alone (``overrides``: :class:`SiteRules` fields)."""
    return extract(response, generic_rules(**overrides), stats)
