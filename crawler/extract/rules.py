"""Site rules: CSS or XPath (:func:`is_xpath`), run once per parsed page, and simple attribute rules answered from one pass over the tree.

On a large news page every ``//tag`` query walks the whole tree (about 0.5 ms for 330 KB), and a
site's rules are mostly ``<meta>``/``<link>`` attribute reads (``meta[property='og:title']::attr(content)``).
:func:`rule_values` gives the same strings as ``response.css(rule).getall()`` /
``response.xpath(rule).getall()``: rules whose XPath is ``descendant-or-self::TAG[@A = 'V']/@B``
read the elements of one ``root.iter(*tags)`` pass, any other rule runs as a query; each rule's
result is kept for the page (``is_article`` and ``extract`` share it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from parsel.csstranslator import HTMLTranslator
from scrapy.http import TextResponse

from crawler.extract.metadata import page_metadata, prime_meta_index
from crawler.extract.page import page_of

# What cssselect writes for ``tag[attr='value']::attr(name)`` and ``tag::attr(name)`` (no prefixed names:
# ``@xml:lang`` is a namespace in XPath).
_SIMPLE_ATTR = re.compile(r"descendant-or-self::([a-z][a-z0-9]*)(?:\[@([a-z][\w.-]*) = '([^']*)'\])?/@([a-z][\w.-]*)")
_TRANSLATOR = HTMLTranslator()


def is_xpath(rule: str) -> bool:
    """Rules starting with ``/``, ``(`` or ``./`` are XPath; others are CSS."""
    return rule.startswith(("/", "(", "./"))


def select(selector: Any, rule: str) -> Any:
    """``rule`` (XPath or CSS, see :func:`is_xpath`) run on a response or selector -> a SelectorList."""
    return selector.xpath(rule) if is_xpath(rule) else selector.css(rule)


@lru_cache(maxsize=4096)
def simple_attr_rule(rule: str) -> tuple[str, str | None, str | None, str] | None:
    """A CSS rule -> (tag, test attribute, test value, read attribute) when its XPath is that simple; else None."""
    if is_xpath(rule):
        return None
    try:
        xpath = _TRANSLATOR.css_to_xpath(rule)
    except Exception:  # noqa: BLE001 - a rule cssselect rejects runs (and fails) as a query, as before
        return None
    m = _SIMPLE_ATTR.fullmatch(xpath)
    return (m.group(1), m.group(2), m.group(3), m.group(4)) if m else None


def rule_values(response: TextResponse, rule: str, tags: frozenset[str] = frozenset()) -> list[str]:
    """``rule``'s matches on the page as strings (``.getall()``), computed once per page.

    ``tags``: the tags of all the simple rules the caller will ask about, read in one pass.
    """
    page = page_of(response)
    if page is None:
        return select(response, rule).getall()
    try:
        return page.values[rule]
    except KeyError:
        pass
    simple = simple_attr_rule(rule)
    if simple is None or response.selector.type != "html":
        values = select(response, rule).getall()
    else:
        tag, test, expected, read = simple
        if page.elements is None or tag not in page.elements:
            wanted = (tags | {tag}) - set(page.elements or ())
            # Plain attribute dicts, not the elements: an element (the <html> root among them) kept
            # in the cache would keep its page alive, as the cache is keyed by the page's root.
            found: dict[str, list[dict[str, str]]] = {t: [] for t in wanted}
            for el in response.selector.root.iter(*wanted):
                found[el.tag].append(dict(el.attrib))
            page.elements = {**(page.elements or {}), **found}
            if "meta" in found:
                prime_meta_index(response.selector.root, found["meta"])
        values = []
        for attrs in page.elements[tag]:
            if test is None or attrs.get(test) == expected:
                value = attrs.get(read)
                if value is not None:
                    values.append(str(value))
    page.values[rule] = values
    return values


def simple_tags(rules: Any) -> frozenset[str]:
    """The tags of the simple attribute rules among ``rules`` (field -> rule list, or a rule list)."""
    flat = [r for rs in rules.values() for r in rs] if isinstance(rules, dict) else list(rules)
    return frozenset(s[0] for r in flat if (s := simple_attr_rule(r)))


def cached_metadata(response: TextResponse) -> dict[str, tuple[str, Any]]:
    """``page_metadata(response.selector)``, read once per page (a fresh dict each call)."""
    page = page_of(response)
    if page is None:
        return page_metadata(response.selector)
    if page.metadata is None:
        page.metadata = page_metadata(response.selector)
    return dict(page.metadata)


