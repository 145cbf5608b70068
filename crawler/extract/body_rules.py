"""Body rules shared by the site spiders: every story element among a story container's children.

A site names its story container(s); :func:`story_children` writes the one XPath rule that reads, in
page order, the container's story elements:

- paragraphs (``<p>``, optionally with a site condition, e.g. "has text of its own");
- sub-headings ``<h2>``-``<h4>`` (also the heads of list articles' entries), and bold-only paragraphs
  used as heads (``<p><strong>The second vote</strong></p>``) where the site's paragraph condition
  would leave them out; a bold paragraph holding a link is a promo, never a head;
- list items of ``<ul>``/``<ol>`` with text of their own (a list whose items are only links is a
  related-links box);
- quoted passages (``<blockquote>``), but not embedded posts (``twitter-tweet``, ``instagram-media``,
  ``tiktok-embed``, ``wp-embedded-content``...) nor pull quotes (a sentence of the story repeated in
  large type: ``class="pull-right"``, ``data-shortcode-type="pullquote"``);
- tables and preformatted text (``<table>``, ``<pre>``).

Everything else among the children (``<div>`` ad slots, newsletter and related boxes, ``<figure>``s,
``<aside>``s, scripts) stays out. Every container the rule names is read, so a story the page splits
over several containers of the same kind (an ad block or paywall markup between them) is read whole.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from lxml import html as lxml_html
from parsel.csstranslator import HTMLTranslator

_TRANSLATOR = HTMLTranslator()

HEADS = "self::h2 or self::h3 or self::h4"
"""Sub-heading levels of a story (``<h1>`` is the page's headline)."""

EMBED_CLASSES: tuple[str, ...] = ("twitter", "instagram", "tiktok", "embed", "facebook", "reddit", "bluesky")
"""Words in the class of a ``<blockquote>`` (or wrapper) that is an embedded post, not a quoted passage."""

_EMBED = " or ".join(f"contains(@class, '{c}')" for c in EMBED_CLASSES)
# Pull quotes repeat a sentence of the story in large type: <blockquote class="stylized pull-right"
# data-shortcode-type="pullquote"> (The Intercept), <blockquote data-test="Pullquote"> (CNBC).
_PULL = (
    "contains(translate(@class, 'PULQOTE', 'pulqote'), 'pull') or contains(translate(@data-shortcode-type, 'PULQOTE',"
    " 'pulqote'), 'pullquote') or contains(translate(@data-test, 'PULQOTE', 'pulqote'), 'pullquote')"
)
NOT_EMBED = f"not({_EMBED}) and not(@data-instgrm-permalink) and not({_PULL})"
"""XPath condition: the element is not an embedded social post, nor a pull quote repeating the story."""

PROMO_CLASSES: tuple[str, ...] = ("newsletter", "signup", "sign-up", "related", "promo", "advert", "ad-slot")
"""Words in the class of a box inside a story block that is not the story (read with ``//`` rules)."""
NOT_IN_PROMO = "not(ancestor::*[" + " or ".join(f"contains(@class, '{c}')" for c in PROMO_CLASSES) + "])"
"""XPath condition: the element is not inside a newsletter, related-links, promo or ad box."""

OWN_TEXT = "text()[normalize-space()]"
"""XPath condition: the element has text of its own (not only inside child elements)."""

# Text outside links (a list item or paragraph that is only a link is a promo).
_UNLINKED_TEXT = ".//text()[normalize-space()][not(ancestor::a)]"
BOLD_HEAD = f"not({OWN_TEXT}) and (b or strong) and not(.//a) and normalize-space()"
"""XPath condition on a ``<p>``: only bold text, no link (a head, not a promo)."""
TEXT_ITEM = f"{_UNLINKED_TEXT}"
"""XPath condition on an ``<li>``: some text outside links."""


def has_class(name: str) -> str:
    """XPath condition: the element's class list holds ``name`` (as CSS ``.name`` means)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def container_xpath(css: str) -> list[str]:
    """A CSS selector (list) of story containers -> absolute XPath paths (``//...``), one per selector."""
    out = []
    for part in css.split(","):
        xpath = _TRANSLATOR.css_to_xpath(part.strip())
        out.append("//" + xpath.removeprefix("descendant-or-self::"))
    return out


def story_children(
    containers: str | list[str],
    paragraph: str = "",
    *,
    heads: bool = True,
    bold_heads: bool = False,
    lists: bool = True,
    quotes: bool = True,
    tables: bool = True,
    pre: bool = True,
    extra: str = "",
    where: str = "",
) -> str:
    """One XPath rule: the story elements among the children of ``containers``, in page order.

    ``containers``: XPath paths (``//div[...]``) or a CSS selector list (converted). ``paragraph``:
    an XPath condition a ``<p>`` must meet (``""``: every ``<p>``). ``bold_heads``: also take
    bold-only ``<p>``s that ``paragraph`` rejects. ``extra``: more ``self::`` alternatives. ``where``:
    a condition every child must meet (lists included), e.g. "not after the closing rule".
    """
    paths = container_xpath(containers) if isinstance(containers, str) else containers
    para = f"self::p[{paragraph}]" if paragraph else "self::p"
    kinds = [para]
    if bold_heads and paragraph:
        kinds.append(f"self::p[{BOLD_HEAD}]")
    if heads:
        kinds.append(HEADS)
    if quotes:
        kinds.append(f"self::blockquote[{NOT_EMBED}]")
    if tables:
        kinds.append("self::table")
    if pre:
        kinds.append("self::pre")
    if extra:
        kinds.append(extra)
    also = f"[{where}]" if where else ""
    child = "*[" + " or ".join(kinds) + "]" + also
    rules = [f"{c}/{child}" for c in paths]
    if lists:
        rules += [f"{c}/*[self::ul or self::ol]{also}/li[{TEXT_ITEM}]" for c in paths]
    return " | ".join(rules)


_LINK_LIST = f"//*[self::ul or self::ol][li][not(li[{TEXT_ITEM}])]"


def drop_link_lists(value: Any) -> Any:
    """Input processor: HTML of a story block -> the same without lists whose items are only links.

    For sites whose rule reads a whole editor-written block (``.LongDesc``), where a related-links
    list (``<ul><li><a>Other story</a></li>...</ul>``) sits among the story's own lists.
    """
    text = str(value) if value is not None else ""
    lowered = text.lower()
    if "<ul" not in lowered and "<ol" not in lowered:
        return value
    try:
        root = lxml_html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return value
    doomed = root.xpath("." + _LINK_LIST)
    if not doomed:
        return value
    for el in doomed:
        el.drop_tree()  # keeps its tail text
    return (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)
