"""Generic extraction, the headline: what JSON-LD ``headline``, the page title (without its "| Site"
tail) and the ``<h1>`` agree on."""

from __future__ import annotations

from crawler.items import Provenance

JSONLD, META = Provenance.JSONLD.value, Provenance.META.value

import html as html_lib
import re
from collections.abc import Sequence

from parsel import Selector

from crawler.extract.generic.common import GENERIC, norm_text, text_key
from crawler.extract.metadata import meta_values

# "Headline | Site", "Headline – Section – Site", "Headline | Site | by Author", "Headline * Site"
_TITLE_TAIL = re.compile(
    r"\s+(?:[|–—•·*»]|-{1,2}|::)\s+|\s*ㅣ\s*|(?<=\S)(?:--|_)(?=[^\W\d_])"
)  # "--"/"_": "标题--时政--人民网"


def title_variants(text: str, site_names: Sequence[str] = ()) -> list[str]:
    """A title -> itself and, when it has one, the part before its "| Site" tail or the site's name."""
    text = norm_text(html_lib.unescape(text))
    out = [text]
    # Every head before a separator: "A – B | Site" -> "A", "A – B" (the headline may hold a dash itself).
    for m in _TITLE_TAIL.finditer(text):
        head = text[: m.start()].strip()
        if head and head not in out:
            out.append(head)
    for site in site_names:
        # "津波注意報 気象庁：朝日新聞デジタル", "Headline - Site" without spaces around the dash
        if site and len(site) < len(text) and text.casefold().endswith(site.casefold()):
            head = re.sub(r"[\s\W_]+$", "", text[: -len(site)])
            if head and head not in out:
                out.append(head)
    return out


_PIPE_TAIL = re.compile(r"\s+(?:[|•·*»]|::)\s+|\s*ㅣ\s*")


def _title_head(title: str) -> str | None:
    """A page title -> its headline part: before the first "|"-like separator ("A – B | Section | Site"),
    else before the last dash ("A – B - Site"); None without a separator. Headlines hold dashes, seldom bars."""
    text = norm_text(html_lib.unescape(title))
    if m := _PIPE_TAIL.search(text):
        return text[: m.start()].strip() or None
    cuts = list(_TITLE_TAIL.finditer(text))
    return text[: cuts[-1].start()].strip() or None if cuts else None


def headline(selector: Selector, ld_headline: str | None) -> tuple[str, str] | None:
    """The story's headline: ``(source, text)``, by agreement of the page's titles.

    Three independent witnesses: JSON-LD ``headline``; the page's title (``og:title``, else
    ``twitter:title``, else ``<title>``: usually one CMS field, so one vote), also without its
    "| Site" tail; the ``<h1>`` elements. The text (compared without case and punctuation) that
    most witnesses give wins, ties going to JSON-LD, then the titles. Of the winning spellings, the
    plainest (shortest: no decorative quotes) is used, ``og:title``'s first among equals.
    """
    site_names = meta_values_of(selector, "og:site_name") + meta_values_of(selector, "application-name")
    witnesses: list[list[tuple[str, str]]] = [  # (source, text), in tie-break order
        [(JSONLD, ld_headline)] if ld_headline else [],
        [(META, t) for t in first_title(selector)],
        [(GENERIC, t) for t in h1_texts(selector)],
    ]
    text_rank = {META: 0, JSONLD: 1, GENERIC: 2}
    # (length, text rank, order, key, source, text): equal keys differ only in punctuation and spacing,
    # so the shortest spelling is the plainest one (no decorative quotes, no doubled spaces).
    candidates: list[tuple[int, int, int, str, str, str]] = []
    votes: dict[str, set[int]] = {}
    order = 0
    heads = {text_key(h) for _, t in witnesses[1] if (h := _title_head(t))}  # the title without its "| Site" tail
    for witness, texts in enumerate(witnesses):
        for source, text in texts:
            for v in title_variants(text, site_names):
                k = text_key(v)
                if not k:
                    continue
                votes.setdefault(k, set()).add(witness)
                candidates.append((len(v), text_rank[source], order, k, source, v))
                order += 1
    if not candidates:
        return None
    # The page title as the only witness (no JSON-LD, no <h1>): its text without the "| Site" tail.
    title_only = not witnesses[0] and not witnesses[2]
    # Then, of equally supported texts, the longest: "A – B" over its own head "A".
    best = max(votes, key=lambda k: (len(votes[k]), -min(votes[k]), title_only and k in heads, len(k)))
    chosen = min(c for c in candidates if c[3] == best)
    return chosen[4], chosen[5]


def first_title(selector: Selector) -> list[str]:
    for name in ("og:title", "twitter:title"):
        if values := meta_values_of(selector, name):
            return values[:1]
    return [t for t in selector.xpath("//head/title/text()").getall()[:1] if t.strip()]


def h1_texts(selector: Selector) -> list[str]:
    return [t for t in (norm_text(" ".join(h.xpath(".//text()").getall())) for h in selector.xpath("//body//h1")) if t]


def meta_values_of(selector: Selector, name: str) -> list[str]:
    return meta_values(selector, name)
