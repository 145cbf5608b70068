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

from lxml import etree
from parsel.csstranslator import HTMLTranslator
from scrapy.http import TextResponse

from crawler.extract.metadata import page_metadata, tag_index
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


# --- queries: one compiled XPath per rule, ``//`` steps as the descendant axis ---------------------------

_PARSEL_NAMESPACES = {"re": "http://exslt.org/regular-expressions"}
"""What parsel binds for every query (``re:test()`` in rules)."""
_NUMERIC_FUNCTIONS = ("count(", "sum(", "number(", "string-length(", "floor(", "ceiling(", "round(")
_STEP_NAME = re.compile(r"\*|[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?(?:\(\))?")
_ANY_DESCENDANT = "/descendant-or-self::*/"  # cssselect's descendant combinator (".a .b")


def _literal_end(xpath: str, i: int) -> int:
    return xpath.index(xpath[i], i + 1) + 1


def _predicate_end(xpath: str, i: int) -> int:
    """``xpath[i]`` is ``[`` -> the index after its matching ``]``."""
    depth = 0
    while i < len(xpath):
        c = xpath[i]
        if c in "'\"":
            i = _literal_end(xpath, i)
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced predicate")


def _top_level(expr: str) -> str:
    """An expression with its string literals blanked and the insides of its brackets and parentheses dropped."""
    out, depth, i = [], 0, 0
    while i < len(expr):
        c = expr[i]
        if c in "'\"":
            i = _literal_end(expr, i)
            out.append("''" if depth == 0 else "")
            continue
        if c in "([":
            out.append(c if depth == 0 else "")
            depth += 1
        elif c in ")]":
            depth -= 1
            out.append(c if depth == 0 else "")
        elif depth == 0:
            out.append(c)
        i += 1
    return "".join(out)


def _positional(predicate: str) -> bool:
    """True when a predicate may depend on the node's position (``[1]``, ``[last()]``, ``[count(x)]``): kept as is."""
    body = predicate[1:-1]
    if "position(" in body or "last(" in body:
        return True
    top = _top_level(body).strip()
    if re.search(r"[=<>]", top):
        return False  # a comparison: a boolean
    if re.match(r"[\d.(\-$]", top) or any(f in top for f in _NUMERIC_FUNCTIONS):
        return True
    return bool(re.search(r"\s(\+|-|div|mod)\s|\*", top.replace("''", "")))


def descendant_steps(xpath: str) -> str:
    """The same query with ``//name[p]`` (and cssselect's ``/descendant-or-self::*/name[p]``) as ``/descendant::name[p]``.

    ``//`` is ``/descendant-or-self::node()/child::``: libxml2 builds and merges one node-set per node of the
    page for it, while ``descendant::`` is one walk. Both select the same nodes, in document order, unless a
    predicate of the step counts positions (``//p[1]`` is every first ``<p>`` child): such steps are kept.
    """
    out, i, n = [], 0, len(xpath)
    while i < n:
        c = xpath[i]
        if c in "'\"":
            j = _literal_end(xpath, i)
            out.append(xpath[i:j])
            i = j
            continue
        skip = 2 if xpath.startswith("//", i) else len(_ANY_DESCENDANT) if xpath.startswith(_ANY_DESCENDANT, i) else 0
        name = _STEP_NAME.match(xpath, i + skip) if skip else None
        if name is not None and not xpath.startswith(("::", "("), name.end()):
            j = name.end()
            predicates = []
            while j < n and xpath[j] == "[":
                k = _predicate_end(xpath, j)
                predicates.append(xpath[j:k])
                j = k
            if not any(map(_positional, predicates)):
                out.append("/descendant::" + xpath[i + skip : j])
                i = j
                continue
        out.append(c)
        i += 1
    return "".join(out)


# cssselect's class test (``.name``): a token of the normalised class list. libxml2 builds two strings per element for it.
_CLASS_TOKEN_TEST = re.compile(r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ' ([^' ]+) '\)")


def class_prefilter(xpath: str) -> str:
    """The same query with each class-token test preceded by ``contains(@class, 'name')``: a plain substring test
    that every element with the token passes, so most elements are rejected before the costly exact test."""
    return _CLASS_TOKEN_TEST.sub(lambda m: f"(contains(@class, '{m.group(1)}') and {m.group(0)})", xpath)


@lru_cache(maxsize=4096)
def compiled_rule(rule: str) -> etree.XPath | None:
    """A rule (CSS or XPath) as one compiled XPath over an HTML tree (see :func:`descendant_steps`); None when
    it does not compile that way (the rule then runs through parsel, which reports its error)."""
    try:
        xpath = rule if is_xpath(rule) else _TRANSLATOR.css_to_xpath(rule)
        namespaces = {k: v for k, v in _PARSEL_NAMESPACES.items() if f"{k}:" in xpath}
        try:
            return etree.XPath(class_prefilter(descendant_steps(xpath)), namespaces=namespaces, smart_strings=False)
        except (etree.XPathError, ValueError):
            return etree.XPath(xpath, namespaces=namespaces, smart_strings=False)
    except Exception:  # noqa: BLE001 - a rule cssselect or lxml rejects runs (and fails) through parsel
        return None


def _as_text(value: Any) -> str:
    """One query result as parsel's ``.get()`` gives it (elements as HTML, booleans as 1/0)."""
    if isinstance(value, etree._Element):
        return etree.tostring(value, method="html", encoding="unicode", with_tail=False)
    if value is True or value is False:
        return "1" if value else "0"
    return str(value)


def query(response: TextResponse, rule: str) -> list[str]:
    """``select(response, rule).getall()`` of an HTML page, faster (one compiled query, no Selector per match)."""
    compiled = compiled_rule(rule) if response.selector.type == "html" else None
    if compiled is None:
        return select(response, rule).getall()  # type: ignore[no-any-return]
    result = compiled(response.selector.root)
    return [_as_text(v) for v in result] if isinstance(result, list) else [_as_text(result)]


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
        return query(response, rule)
    try:
        return page.values[rule]
    except KeyError:
        pass
    simple = simple_attr_rule(rule)
    if simple is None or response.selector.type != "html":
        values = query(response, rule)
    else:
        tag, test, expected, read = simple
        # One pass over the page for the tags of every simple rule the caller has and metadata's own.
        elements = tag_index(response.selector.root, tags | {tag})[tag]
        values = []
        for attrs in elements:
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
