"""Generic extraction, the headline: what JSON-LD ``headline``, the page title (without its "| Site"
tail) and the ``<h1>`` agree on."""

from __future__ import annotations

from crawler.items import Provenance

JSONLD, META = Provenance.JSONLD.value, Provenance.META.value

import html as html_lib
import re
from collections.abc import Sequence

from parsel import Selector

from crawler.extract.generic.common import GENERIC, ascii_key, norm_text, text_key
from crawler.extract.metadata import meta_values

# "Headline | Site", "Headline – Section – Site", "Headline | Site | by Author", "Headline * Site"
_TITLE_TAIL = re.compile(
    r"\s+(?:[|–—•·*»›ǀ]|-{1,2}|::)\s+|\s*ㅣ\s*|(?<=\S)(?:--|_)(?=[^\W\d_])"
)  # "--"/"_": "标题--时政--人民网"
# Weaker separators, heads that count only where another witness gives the same text: "A / Section / Site",
# "A : 31.10.2023" (a French headline holds " : " itself, so a title alone is never cut there).
_WEAK_TAIL = re.compile(r"\s+[/:]\s+")


def title_variants(text: str, site_names: Sequence[str] = (), tails: bool = True) -> list[str]:
    """A title -> itself and, when it has one, the part before its "| Site" tail or the site's name."""
    text = norm_text(html_lib.unescape(text))
    out = [text]
    # Every head before a separator: "A – B | Site" -> "A", "A – B" (the headline may hold a dash itself).
    for m in [*_TITLE_TAIL.finditer(text), *_WEAK_TAIL.finditer(text)]:
        head, tail = text[: m.start()].strip(), text[m.end() :].strip()
        if head and head not in out:
            out.append(head)
        # The part after a section or site prefix ("Aktuelles - Headline"), for another witness to agree with.
        if tails and tail and tail not in out:
            out.append(tail)
    for v in list(out):  # "标题-新华网", "제목-정치 | 일보"
        if (glued := _CJK_SECTION.search(v)) and v[: glued.start()] not in out:
            out.append(v[: glued.start()])
    for site in site_names:
        # "津波注意報 気象庁：朝日新聞デジタル", "Headline - Site" without spaces around the dash
        if site and len(site) < len(text) and text.casefold().endswith(site.casefold()):
            head = re.sub(r"[\s\W_]+$", "", text[: -len(site)])
            if head and head not in out:
                out.append(head)
    return out


# A section or site name glued to a CJK title by a dash: "…부담 커졌다-정치", "…英雄的城！-新华网".
_CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff60"
_CJK_SECTION = re.compile(f"(?<=[{_CJK}])-[{_CJK}]{{1,6}}$")

_PIPE_TAIL = re.compile(r"\s+(?:[|•·*»›ǀ]|::)\s+|\s*ㅣ\s*")


def _title_head(title: str, dashes: bool = True) -> str | None:
    """A page title -> its headline part: before the first "|"-like separator ("A – B | Section | Site"),
    else (``dashes``) before the last dash ("A – B - Site"); None without a separator. Headlines hold dashes,
    seldom bars."""
    text = norm_text(html_lib.unescape(title))
    if m := _PIPE_TAIL.search(text):
        return text[: m.start()].strip() or None
    cuts = list(_TITLE_TAIL.finditer(text)) if dashes else []
    return text[: cuts[-1].start()].strip() or None if cuts else None


def _nospace_key(text: str) -> str:
    return text_key(text).replace(" ", "")


def site_keys(selector: Selector, url: str | None = None) -> set[str]:
    """Comparison keys (no spaces) of the names the page gives its site: ``og:site_name``,
    ``application-name``, its host ("evang.at", "lastampa" for www.lastampa.it)."""
    keys = {
        _nospace_key(n) for n in meta_values_of(selector, "og:site_name") + meta_values_of(selector, "application-name")
    }
    if url and (m := re.match(r"^\w+://(?:www\d?\.)?([^/:]+)", url)):
        host = m.group(1).lower()
        keys |= {_nospace_key(host), _nospace_key(host.split(".")[0])}
    return {k for k in keys if k}


def _site_cut(text: str, sites: set[str]) -> int | None:
    """Where a title's site part begins ("Headline | Section | Site - Slogan": before "Site"), when a part after a
    separator names the site; None otherwise."""
    text = norm_text(html_lib.unescape(text))
    cuts = list(_TITLE_TAIL.finditer(text))
    for i, m in enumerate(cuts):
        last = i + 1 == len(cuts)
        part = text[m.end() : len(text) if last else cuts[i + 1].start()]
        key = _nospace_key(part)
        # The last part may also spell the host out: "Süddeutsche Zeitung" on sueddeutsche.de.
        if key in sites or (last and any(len(s) >= 6 and ascii_key(key).startswith(s) for s in sites)):
            return m.start()
    return None


def _title_parts(text: str) -> list[str]:
    """A title's parts between its separators: "A | Blog name | Slogan" -> ["A", "Blog name", "Slogan"]."""
    text = norm_text(html_lib.unescape(text))
    parts = re.split(f"{_TITLE_TAIL.pattern}|{_WEAK_TAIL.pattern}", text)
    return [p.strip() for p in parts if p and p.strip()]


def _is_tail_part(key: str, parts: list[str]) -> bool:
    """Is ``key`` one of a title's parts after its head, shorter than the head ("Blog" of "Headline | Blog")?"""
    return any(key == _nospace_key(p) and len(p) < len(parts[0]) for p in parts[1:])


_TERMINAL = re.compile(r"[?!…]")
_QUOTES = ('"', "„“”", "«»", "()")


def _unbalanced(text: str) -> bool:
    """Quotes or brackets that do not pair (a title cut inside a quotation: '"Welches Europa wir wollen')."""
    if text.count('"') % 2 or sum(text.count(c) for c in "„“”") % 2:
        return True
    return text.count("«") != text.count("»") or text.count("(") != text.count(")")


def _plainness(text: str) -> tuple[bool, int, int]:
    """Sort key of equal texts' spellings: balanced first, then the shortest (no decorative quotes, no doubled
    spaces) but never for want of its question or exclamation mark ("Hope!" over "Hope")."""
    return _unbalanced(text), len(_TERMINAL.sub("", text)), -len(_TERMINAL.findall(text))


def headline(selector: Selector, ld_headline: str | None, url: str | None = None) -> tuple[str, str] | None:
    """The story's headline: ``(source, text)``, by agreement of the page's titles.

    Three independent witnesses: JSON-LD ``headline``; the page's title (``og:title``, else
    ``twitter:title``, else ``<title>``: usually one CMS field, so one vote), also without its
    "| Site" tail; the ``<h1>`` elements. The text (compared without case and punctuation) that
    most witnesses give wins, ties going to JSON-LD, then the titles. Of the winning spellings, the
    plainest (balanced quotes, shortest: no decorative quotes) is used, ``og:title``'s first among equals.

    A title whose part after a separator names the site (``og:site_name``, the host, or an ``<h1>`` that
    is the site's logo: "Headline | Blog name" with ``<h1>Blog name</h1>``) stands only without that part;
    such an ``<h1>``, or one that is the site's name, is no witness.
    """
    site_names = meta_values_of(selector, "og:site_name") + meta_values_of(selector, "application-name")
    sites = site_keys(selector, url)
    titles = first_title(selector)
    # An <h1> that is a part of the title after its head, shorter than the head, is the site's logo: "Headline | Blog"
    # with <h1>Blog</h1>.
    h1s = []
    for h in h1_texts(selector):
        k = _nospace_key(h)
        if k in sites:
            continue
        if any(_is_tail_part(k, _title_parts(t)) for t in titles):
            sites.add(k)
            continue
        h1s.append(h)

    def site_free(text: str) -> str:
        cut = _site_cut(text, sites)
        text = norm_text(html_lib.unescape(text))[:cut].strip() if cut else text
        # "Site | Headline": the text after the leading site's name.
        first = _TITLE_TAIL.search(text := norm_text(html_lib.unescape(text)))
        if first and first.start() and _nospace_key(text[: first.start()]) in sites:
            return text[first.end() :].strip()
        return text

    witnesses: list[list[tuple[str, str]]] = [  # (source, text), in tie-break order
        [(JSONLD, site_free(ld_headline))] if ld_headline else [],
        [(META, site_free(t)) for t in titles],
        [(GENERIC, t) for t in h1s],
    ]
    text_rank = {META: 0, JSONLD: 1, GENERIC: 2}
    # (plainness, text rank, order, key, source, text): equal keys differ only in punctuation and spacing.
    candidates: list[tuple[tuple[bool, int, int], int, int, str, str, str]] = []
    votes: dict[str, set[int]] = {}
    order = 0
    # The title without its "| Site" tail: before a separator naming the site, else before the first bar, else
    # (no site name declared: it may be the tail) before the last dash.
    heads = set()
    for t in titles:
        free = site_free(t)
        head: str | None
        if free != norm_text(html_lib.unescape(t)):
            head = _title_head(free, dashes=False) or free
        else:
            head = _title_head(t, dashes=not site_names)
        if head or _CJK_SECTION.search(free):
            heads.add(text_key(_CJK_SECTION.sub("", head or free)))
    for witness, texts in enumerate(witnesses):
        for source, text in texts:
            for v in title_variants(text, site_names, tails=witness == 1):  # the title's tail: a section prefix
                k = text_key(v)
                if not k:
                    continue
                votes.setdefault(k, set()).add(witness)
                candidates.append((_plainness(v), text_rank[source], order, k, source, v))
                order += 1
    if not candidates:
        return None
    # The page title as the only witness (no JSON-LD, no <h1>): its text without the "| Site" tail.
    title_only = not witnesses[0] and not witnesses[2]
    # Then, of equally supported texts, the longest: "A – B" over its own head "A".
    # Of equally supported texts, the title's head or whole before its tail ("Headline | Blog name": "Headline").
    not_tail = {text_key(v) for _, t in witnesses[1] for v in title_variants(t, site_names, tails=False)}
    best = max(votes, key=lambda k: (len(votes[k]), -min(votes[k]), title_only and k in heads, k in not_tail, len(k)))
    chosen = min(c for c in candidates if c[3] == best)
    return chosen[4], chosen[5]


def first_title(selector: Selector) -> list[str]:
    for name in ("og:title", "twitter:title"):
        if values := meta_values_of(selector, name):
            return values[:1]
    found = [t for t in selector.xpath("//head/title/text()").getall()[:1] if t.strip()]
    # A <title> the parser moved into the body (markup written by a script before it ends the head), not an
    # SVG icon's title.
    return found or [t for t in selector.xpath("//title[not(ancestor::svg)]/text()").getall()[:1] if t.strip()]


def h1_texts(selector: Selector) -> list[str]:
    return [t for t in (norm_text(" ".join(h.xpath(".//text()").getall())) for h in selector.xpath("//body//h1")) if t]


def meta_values_of(selector: Selector, name: str) -> list[str]:
    return meta_values(selector, name)
