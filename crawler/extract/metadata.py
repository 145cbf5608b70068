"""Structured metadata of a page: JSON-LD (NewsArticle & co.), OpenGraph, ``article:*``, Dublin Core.

:func:`page_metadata` returns raw values per Article field, each tagged with where it came from;
the loader's input processors clean them like any selector output.
"""

from __future__ import annotations

from crawler.items import Provenance

JSONLD, META = Provenance.JSONLD.value, Provenance.META.value

import html
import json
import re
import weakref
from collections.abc import Iterator
from typing import Any

from lxml import etree
from parsel import Selector

ARTICLE_TYPES = frozenset(
    {
        "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
        "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting",
        "Report", "ScholarlyArticle", "SocialMediaPosting", "TechArticle", "WebPage", "AskPublicNewsArticle",
    }
)  # fmt: skip
NEWS_TYPES = ARTICLE_TYPES - {"WebPage"}


def _type_name(value: Any) -> str:
    """``"NewsArticle"``, ``"http://schema.org/NewsArticle"``, ``"schema:NewsArticle"`` -> ``"NewsArticle"``."""
    return str(value).strip().rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    if isinstance(t, str):
        return {_type_name(t)}
    if isinstance(t, list):
        return {_type_name(x) for x in t}
    return set()


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for x in node:
            yield from _walk(x)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if key in node:
                yield from _walk(node[key])


# What pages wrap JSON-LD in or leave in it: CDATA markers (bare, or behind ``//`` and ``/* */``), HTML
# comments, JavaScript comments after a structural character, commas before a closing bracket.
_CDATA = re.compile(r"(?://|/\*)?\s*(?:<!\[CDATA\[|\]\]>)\s*(?:\*/)?")
_HTML_COMMENT = re.compile(r"<!--.*?-->|<!--|-->", re.DOTALL)
_JS_COMMENT = re.compile(r"(?<=[{\[,])\s*(?://[^\n]*|/\*.*?\*/)", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*(?=[}\]])")
_CONTROL = re.compile(r"[\x00-\x1f]+")


def _escape_inner_quotes(text: str) -> str:
    """``"headline": "The "new" bridge"`` -> ``"The \\"new\\" bridge"``: a quote that neither opens a string (after
    ``{ [ , :``) nor closes one (before ``, : } ]``) is inside a string."""
    out: list[str] = []
    for i, char in enumerate(text):
        if char == '"' and (i == 0 or text[i - 1] != "\\"):
            j = i - 1
            while j >= 0 and text[j].isspace():
                j -= 1
            k = i + 1
            while k < len(text) and text[k].isspace():
                k += 1
            if j >= 0 and text[j] not in "{[,:" and k < len(text) and text[k] not in ",:}]":
                out.append('\\"')
                continue
        out.append(char)
    return "".join(out)


def _load_json(text: str) -> Any:
    """A JSON-LD script's text -> its data; invalid JSON that a lenient reading still understands is read too.

    Tried in turn: the text as it is (``<!-- -->`` around it and a final ``;`` removed); raw newlines or tabs
    inside strings; HTML entities decoded (``&quot;``), CDATA markers, comments and trailing commas removed;
    quotes inside strings escaped; several values one after another
    (``{...}{...}`` or ``{...},{...}``, read as a list). None when nothing reads.
    """
    text = text.strip().lstrip("\ufeff").removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(_CONTROL.sub(" ", text))  # raw newlines/tabs inside JSON strings
    except ValueError:
        pass
    if "&quot;" in text or "&#34;" in text:  # HTML-escaped by the CMS: {&quot;@type&quot;: ...}
        text = html.unescape(text)
    text = _JS_COMMENT.sub("", _HTML_COMMENT.sub("", _CDATA.sub("", text)))
    text = _CONTROL.sub(" ", _TRAILING_COMMA.sub("", text)).strip().rstrip(";").strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(_escape_inner_quotes(text))
    except ValueError:
        pass
    values, decoder, at = [], json.JSONDecoder(), 0
    while at < len(text):
        try:
            value, at = decoder.raw_decode(text, at)
        except ValueError:
            break
        values.append(value)
        while at < len(text) and text[at] in ",; \n\r\t":
            at += 1
    return values if values and at >= len(text) else None


_TAG_INDEX: weakref.WeakKeyDictionary[Any, dict[str, list[dict[str, str]]]] = weakref.WeakKeyDictionary()

INDEXED_TAGS = frozenset({"meta", "link", "script", "time"})
"""The tags whose attributes metadata reads: indexed in one pass over the page (:func:`tag_index`)."""
SCRIPT_TEXT = " text"
"""Key of a JSON-LD ``<script>``'s text in its attribute dict (no attribute name holds a space)."""
_LD_TYPE = "application/ld+json"
_ALL_SCRIPTS = " every script"
"""Index key present when every ``<script>``'s attributes were indexed, not only the JSON-LD ones."""


def _is_json_ld(script_type: str | None) -> bool:
    """``application/ld+json``, as pages also write it: ``application/LD+JSON``, ``application/ld+json; charset=utf-8``."""
    return script_type is not None and script_type.split(";", 1)[0].strip().lower() == _LD_TYPE


def tag_index(root: Any, also: frozenset[str] = frozenset()) -> dict[str, list[dict[str, str]]]:
    """The attributes of every ``<meta>``, ``<link>``, ``<time>``, JSON-LD ``<script>`` (and ``also`` tags; every
    ``<script>`` when ``also`` names it) of a parsed page, by tag, in page order: one pass over the tree per page.

    Attribute dicts, not the elements: an element kept in this cache (keyed by the page's root) would keep its
    page alive. A JSON-LD script's text is kept under :data:`SCRIPT_TEXT`.
    """
    index = _TAG_INDEX.get(root)
    # Metadata reads only the JSON-LD scripts; every script's attributes only when a site rule asks for them.
    all_scripts = "script" in also
    if index is not None and also <= index.keys() and (not all_scripts or _ALL_SCRIPTS in index):
        return index
    wanted = (INDEXED_TAGS | also) - (index.keys() if index is not None else set())
    if all_scripts:
        wanted |= {"script"}
    found: dict[str, list[dict[str, str]]] = {t: [] for t in wanted}
    for el in root.iter(*wanted):
        tag = el.tag
        if tag == "script":
            if _is_json_ld(el.get("type")):
                attrs = dict(el.attrib)
                attrs[SCRIPT_TEXT] = el.text or ""
            elif all_scripts:
                attrs = dict(el.attrib)
            else:
                continue
        else:
            attrs = dict(el.attrib)
        found[tag].append(attrs)
    index = found if index is None else {**index, **found}
    if all_scripts:
        index[_ALL_SCRIPTS] = []
    try:
        _TAG_INDEX[root] = index
    except TypeError:  # not a weakly referenceable root
        pass
    return index


def _indexed(selector: Selector, tag: str) -> list[dict[str, str]]:
    root = selector.root
    if not isinstance(root, etree._Element):
        return []
    return tag_index(root)[tag]


class _LD:
    """A page's JSON-LD as read once: its objects, the ids of those that are items of a list (of several), the
    scripts no reading understood."""

    __slots__ = ("listed", "objects", "several", "unread")

    def __init__(self) -> None:
        self.objects: list[dict[str, Any]] = []
        self.listed: set[int] = set()
        self.several: set[int] = set()
        self.unread: list[str] = []


_JSON_LD_READ: weakref.WeakKeyDictionary[Any, _LD] = weakref.WeakKeyDictionary()


def _listed(node: Any, ld: _LD) -> None:
    """Note the ids of the objects that are items of a list (related stories, a carousel), at any depth."""
    if isinstance(node, list):
        for x in node:
            _listed(x, ld)
    elif isinstance(node, dict):
        items = node.get("itemListElement")
        if items is not None:
            items = items if isinstance(items, list) else [items]
            for obj in _walk(items):
                ld.listed.add(id(obj))
                if len(items) > 1:
                    ld.several.add(id(obj))
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart"):
            if key in node:
                _listed(node[key], ld)


def _json_ld(selector: Selector) -> _LD:
    try:
        return _JSON_LD_READ[selector.root]
    except (KeyError, TypeError):
        pass
    ld = _LD()
    for script in _indexed(selector, "script"):
        raw = script.get(SCRIPT_TEXT)
        data = _load_json(raw) if raw else None
        if data is not None:
            ld.objects.extend(_walk(data))
            _listed(data, ld)
        elif raw and raw.strip():
            ld.unread.append(raw)
    try:
        _JSON_LD_READ[selector.root] = ld
    except TypeError:
        pass
    return ld


def json_ld_objects(selector: Selector) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` and lists flattened, in page order; read once per parsed page."""
    return list(_json_ld(selector).objects)


def json_ld_listed(selector: Selector) -> list[dict[str, Any]]:
    """The JSON-LD objects that are items of a list (``ItemList.itemListElement``: related stories)."""
    ld = _json_ld(selector)
    return [o for o in ld.objects if id(o) in ld.listed]


def json_ld_unread(selector: Selector) -> list[str]:
    """The texts of the page's JSON-LD scripts that even a lenient reading does not understand."""
    return list(_json_ld(selector).unread)


def json_ld_article(selector: Selector) -> dict[str, Any] | None:
    """The page's article object in JSON-LD (NewsArticle first, then other Article types); an item of a list
    (``ItemList``: related stories) only when no other object is one, and never one of a list of several."""
    ld = _json_ld(selector)
    unlisted = [o for o in ld.objects if id(o) not in ld.listed]
    alone = [o for o in ld.objects if id(o) in ld.listed and id(o) not in ld.several]
    for objs in (unlisted, alone):
        for wanted in (
            {"NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle"},
            NEWS_TYPES,
            {"WebPage"},
        ):
            found = [
                obj
                for obj in objs
                if _types(obj) & wanted and (obj.get("headline") or obj.get("articleBody") or obj.get("datePublished"))
            ]
            if len(found) > 1:  # several stories (the next one, a teaser): the one naming this page's URL
                page = _page_urls(selector)
                return next((obj for obj in found if _object_urls(obj) & page), found[0])
            if found:
                return found[0]
    return None


def _url_key(url: str) -> str:
    """A URL compared without scheme, ``www.``, query, fragment and final slash."""
    url = re.sub(r"^[a-z]+://(?:www\.)?", "", url.strip().lower())
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/")


def _page_urls(selector: Selector) -> set[str]:
    urls = [link.get("href", "") for link in _indexed(selector, "link") if link.get("rel") == "canonical"]
    urls += _meta(selector, "og:url")
    return {_url_key(u) for u in urls if u}


def _object_urls(obj: dict[str, Any]) -> set[str]:
    urls = [obj.get("url"), obj.get("@id"), _url(obj.get("mainEntityOfPage"))]
    return {_url_key(u) for u in urls if isinstance(u, str) and u}


def live_blog_posts(selector: Selector) -> list[tuple[str | None, str | None, str]]:
    """A live page's posts, from JSON-LD ``LiveBlogPosting.liveBlogUpdate``, in the order the page gives them:
    ``(time as stated, headline, text)``; [] when the page is no live page or its posts have no text."""
    for obj in json_ld_objects(selector):
        if "LiveBlogPosting" not in _types(obj):
            continue
        updates = obj.get("liveBlogUpdate")
        updates = [updates] if isinstance(updates, dict) else updates
        posts = []
        for update in updates if isinstance(updates, list) else []:
            if not isinstance(update, dict):
                continue
            text = update.get("articleBody") or update.get("text") or ""
            when, head = update.get("datePublished"), update.get("headline")
            if isinstance(text, str) and text.strip():
                posts.append((when if isinstance(when, str) else None, head if isinstance(head, str) else None, text))
        if posts:
            return posts
    return []


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        if isinstance(name, list):
            return [str(n) for n in name]
    return []


def resolve_refs(value: Any, objects: list[dict[str, Any]]) -> Any:
    """JSON-LD value -> the same with ``{"@id": ...}`` references replaced by the node they name.

    Yoast (WordPress) writes ``"author": {"@id": ".../#/schema/person/..."}`` and
    ``"image": {"@id": ".../#primaryimage"}`` and puts the Person / ImageObject elsewhere in the
    ``@graph``. Unknown references are kept as they are.
    """
    if isinstance(value, list):
        return [resolve_refs(v, objects) for v in value]
    if isinstance(value, dict) and "@id" in value and set(value) <= {"@id", "@type"}:
        for obj in objects:
            if obj.get("@id") == value["@id"] and not set(obj) <= {"@id", "@type"}:
                return obj
    return value


def _url(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return _url(value[0])
    if isinstance(value, dict):
        return _url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return None


_META_INDEX: weakref.WeakKeyDictionary[Any, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def _meta_index(selector: Selector) -> dict[str, list[str]]:
    """``<meta content>`` values by their ``property``/``name``/``itemprop``, page order; once per parsed page."""
    root = selector.root
    try:
        return _META_INDEX[root]
    except (KeyError, TypeError):
        pass
    index: dict[str, list[str]] = {}
    for attrs in _indexed(selector, "meta"):
        content = attrs.get("content")
        if content is None:
            continue
        for key in {attrs.get("property"), attrs.get("name"), attrs.get("itemprop")} - {None}:
            index.setdefault(key, []).append(content)  # type: ignore[arg-type]
    try:
        _META_INDEX[root] = index
    except TypeError:
        pass
    return index


def _meta(selector: Selector, *names: str) -> list[str]:
    index = _meta_index(selector)
    return [v for name in names for v in index.get(name, []) if v.strip()]


def meta_values(selector: Selector, *names: str) -> list[str]:
    """Non-empty ``<meta content>`` of the given property/name/itemprop names, in the order of the names."""
    return _meta(selector, *names)


def meta_names(selector: Selector) -> list[str]:
    """Every ``property``/``name``/``itemprop`` that a ``<meta content>`` of the page uses."""
    return list(_meta_index(selector))


DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")
"""``<meta>`` names of the page's own summary, in order of preference."""


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def page_metadata(selector: Selector) -> dict[str, tuple[str, Any]]:
    """Article fields read from metadata: ``field -> (source, raw value)``; first source wins.

    Sources, in order: ``jsonld``, ``meta`` (OpenGraph, ``article:*``, Dublin Core, ``<time>``...).
    """
    out: dict[str, tuple[str, Any]] = {}

    def put(field: str, source: str, value: Any) -> None:
        if field in out or value in (None, "", [], {}):
            return
        out[field] = (source, value)

    ld = json_ld_article(selector)
    if ld:
        put("headline", JSONLD, ld.get("headline") or ld.get("name"))
        put("description", JSONLD, ld.get("description"))
        put("date_published", JSONLD, ld.get("datePublished") or ld.get("dateCreated"))
        put("date_modified", JSONLD, ld.get("dateModified"))
        graph = json_ld_objects(selector)
        put("authors", JSONLD, _names(resolve_refs(ld.get("author") or ld.get("creator"), graph)))
        section = ld.get("articleSection")
        put("section", JSONLD, section[0] if isinstance(section, list) and section else section)
        keywords = ld.get("keywords")
        put("tags", JSONLD, keywords)
        put("in_language", JSONLD, ld.get("inLanguage"))
        put("publisher", JSONLD, next(iter(_names(ld.get("publisher"))), None))
        put("main_image", JSONLD, _url(resolve_refs(ld.get("image") or ld.get("thumbnailUrl"), graph)))
        put(
            "canonical_url",
            JSONLD,
            _url(ld.get("mainEntityOfPage")) if isinstance(ld.get("mainEntityOfPage"), (dict, str)) else None,
        )
        put("article_body", JSONLD, ld.get("articleBody"))

    meta = META
    put("headline", meta, _first(_meta(selector, "og:title", "twitter:title", "dc.title", "DC.title")))
    put(
        "description",
        meta,
        _first(_meta(selector, *DESCRIPTION_META)),
    )
    put(
        "date_published",
        meta,
        (_meta(selector, "article:published_time", "og:article:published_time", "datePublished", "pubdate",
               "publishdate", "dc.date", "DC.date", "dc.date.issued", "date", "sailthru.date", "parsely-pub-date")
         or [t["datetime"] for t in _indexed(selector, "time") if "datetime" in t] or [None])[0],  # type: ignore[list-item]
    )  # fmt: skip
    put("date_modified", meta, _first(_meta(selector, "article:modified_time", "og:updated_time", "dateModified")))
    put(
        "authors",
        meta,
        _meta(selector, "article:author", "author", "dc.creator", "DC.creator", "sailthru.author", "byl"),
    )
    put("section", meta, _first(_meta(selector, "article:section", "og:article:section")))
    put("tags", meta, _meta(selector, "article:tag", "news_keywords", "keywords"))
    put("main_image", meta, _first(_meta(selector, "og:image", "twitter:image")))
    put("publisher", meta, _first(_meta(selector, "og:site_name", "dc.publisher", "application-name")))
    put(
        "canonical_url",
        meta,
        next(
            (link["href"] for link in _indexed(selector, "link") if link.get("rel") == "canonical" and "href" in link),
            None,
        )
        or _first(_meta(selector, "og:url")),
    )
    lang = selector.xpath("/html/@lang").get() or selector.xpath("/html/@xml:lang").get()
    put(
        "in_language", meta, lang or _first(_meta(selector, "og:locale", "content-language", "language", "dc.language"))
    )
    return out


def is_article_page(selector: Selector) -> bool:
    """Does the page say it is an article (JSON-LD article type, or ``og:type`` article)?"""
    if json_ld_article(selector) is not None and any(_types(o) & NEWS_TYPES for o in json_ld_objects(selector)):
        return True
    return any(v.strip().lower() == "article" for v in _meta(selector, "og:type"))
