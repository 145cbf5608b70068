"""Generic extraction, the authors: metadata names that are people, else the marked-up byline."""

from __future__ import annotations

from crawler.items import Provenance

META = Provenance.META.value

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree
from parsel import Selector

from crawler.extract import clean as processors
from crawler.extract.generic.common import GENERIC, ascii_key, block_text, norm_text, text_key
from crawler.extract.generic.persons import is_organization, organization_names
from crawler.extract.generic.persons import people as cleaned_people
from crawler.extract.metadata import meta_names, meta_values

# Marked-up bylines, most explicit first (one pass over the page finds them all). Within the story's
# <article> first: side columns carry the bylines of other stories.
# (Through the attribute axis: several times faster in lxml than testing every element's attributes.)
_BYLINE_CANDIDATES = etree.XPath(
    "/html/body//@class[contains(., 'byline') or contains(., 'author') or contains(., 'autor') or contains(., 'auteur')]/.. | "
    "/html/body//@itemprop[. = 'author']/.. | /html/body//article//address | "
    "/html/body//@rel[. = 'author' or . = 'schema:author']/.. | "
    "/html/body//@property[. = 'schema:author' or . = 'author' or . = 'dc:creator']/.."
)
FIRST_ARTICLE = etree.XPath("(/html/body//article[.//p])[1]")
_PERSON_NAME = etree.XPath(
    ".//*[@itemprop='name' or @property='schema:name' or @property='name' or @property='foaf:name']"
)


def _byline_rank(el: Any) -> int | None:
    """A byline candidate -> its rule's rank (lower is more explicit); None when it is not one."""
    if el.get("itemprop") == "author":
        return 0
    if el.get("rel") in ("schema:author",) or el.get("property") in ("schema:author", "author", "dc:creator"):
        return 1
    if el.tag == "a" and el.get("rel") == "author":
        return 2
    if el.tag in ("h1", "h2"):  # the page's or a section's title, not a byline ("<h1 class='vcard author'>Blog</h1>")
        return None
    cls = f" {el.get('class') or ''} "
    if re.search(r"[\s_-]byline[\s_-]", cls) or el.tag == "address":  # <address> in an <article>: its author
        return 3
    if (
        re.search(r"author|[\s_-](?:autor|auteur)(?:e|en|in|es|a|s)?[\s_-]", cls)
        and "bio" not in cls
        and el.tag not in ("img", "meta", "link")
    ):
        return 4
    return None


# A label element followed by the names: "<li><strong>Author</strong> Ann Lee</li>", "<dt>Autor</dt><dd>...".
_BYLINE_LABEL = re.compile(
    r"^(?:authors?|written by|reporter|by|text|texto|testo|autoreninfo|about the author|über (?:den|die) autor(?:in)?|autor(?:in|en|a)?|autorin\s*/\s*autor|auteur(?:e|s)?|autore|autori|"
    r"yazar|автор[ыа]?|作者|记者|記者|글|기자)\s*:?$",
    re.IGNORECASE,
)
_LABEL_TAGS = etree.XPath(
    "/html/body//strong | /html/body//b | /html/body//dt | /html/body//th | /html/body//label | /html/body//span[not(*)]"
)
NOT_BYLINE_AREA = etree.XPath(
    # A <footer> inside an <article> is that article's own (HTML: it holds the author); the page's is not.
    "ancestor::*[self::aside or self::nav or self::footer[not(ancestor::article)] or self::form or self::li[ancestor::ul[contains(@class, "
    "'related')]] or contains(@class, 'related') or contains(@class, 'comment') or contains(@class, 'teaser')]"
)
# Job titles that follow a name in CJK bylines: "신현주 기자" (reporter), "特派员" (correspondent).
_NAME_TITLE = re.compile(r"\s*(?:선임기자|기자|특파원|논설위원|记者|記者|特派员|特派員|通讯员)$")
_AUTHOR_META = frozenset({"article:author", "author", "dc.creator", "DC.creator", "sailthru.author", "byl"})
"""The author <meta> that :func:`crawler.extract.metadata.page_metadata` reads already."""


# Where the names of a byline end: "By Ann Lee | March 3, 2024", "Ann Lee • 5 min read", "By Ann Lee
# Updated 3:45 PM EDT, May 2, 2024", "Ann Lee - 3 hours ago", "Ann Lee 12.03.2024 10:15".
_BYLINE_END = re.compile(
    r"\s[|•·]\s|\s[-–—]\s(?=\d)|\s(?:updated|published|posted|last updated)\b|"
    r"\s(?:stand:|aktualisiert|veröffentlicht|actualizado|publicado|mis à jour|publié|vor \d|hace \d|il y a \d)|"
    r"\s(?=\d{1,2}[:./]\d|\d{4}\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)",
    re.IGNORECASE,
)


_BLOCK_TAGS = frozenset({"div", "p", "h3", "h4", "h5", "h6", "section", "footer", "header", "br", "dl", "dd"})


def _byline_text(el: Any) -> str:
    """A byline element's names part: of its blocks ("<div>Ann Lee</div><div><a>All articles</a></div>"), the
    first one that is not a label alone ("By", "Autor:")."""
    if el.get("content"):
        return _byline_text_str(el.get("content"))
    blocks = _blocks(el)
    if len(blocks) > 1 and (names := _repeated_names(el)):
        return ", ".join(names)
    if len(blocks) > 1:
        for block in blocks:
            label = _BYLINE_LABEL.match(block.strip(" :")) or _LABEL_ONLY.match(block.strip(" :"))
            text = _byline_text_str(block)
            # A name, or a name and its date; not a biography, a contact line, a "label: value" line.
            if not label and len(block.split()) <= 8 and _people_in(text):
                return text
    if len(blocks) == 1 and el.find(".//li") is not None:  # "<ul><li>Ann Lee</li><li>Bo Park</li></ul>"
        return _byline_text_str(blocks[0])
    return _byline_text_str(block_text(el))


def _repeated_names(el: Any) -> list[str]:
    """The writers of a byline that gives each in an element of its own, alike ("<div class='name'>Ann Lee</div>
    <div class='name'>Bo Park</div>"): the texts of the first such kind (tag and class) whose every text is a name."""
    kinds: dict[tuple[str, str], list[Any]] = {}
    for d in el.iterdescendants():
        if isinstance(d.tag, str) and d.get("class") and d.tag not in ("br", "img", "svg", "path", "time"):
            kinds.setdefault((d.tag, d.get("class") or ""), []).append(d)
    for members in kinds.values():
        if len(members) < 2:
            continue
        texts = [_byline_text_str(block_text(m)) for m in members]
        if all(2 <= len(t.split()) <= 5 and _people_in(t) == [t] for t in texts):  # not share buttons
            return list(dict.fromkeys(texts))
    return []


def _people_in(text: str) -> list[str]:
    return cleaned_people(_person_names(processors.split_names(text) or []))


def _blocks(el: Any) -> list[str]:
    """An element's text cut at its block-level children and line breaks."""
    out = [""]

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("script", "style", "noscript"):
                out[-1] += " " + (child.tail or "")
                continue
            block = tag in _BLOCK_TAGS
            if block:
                out.append("")
            out[-1] += (" , " if tag == "li" else " ") + (child.text or "")  # list items: one name each
            walk(child)
            if block:
                out.append("")
            out[-1] += " " + (child.tail or "")

    out[-1] += el.text or ""
    walk(el)
    return [t for t in (norm_text(b) for b in out) if t]


def byline_authors(selector: Selector) -> list[str]:
    """The page's marked-up byline: ``itemprop=author``, RDFa ``schema:author``, ``rel=author``, a
    ``byline``/``author`` class, or a label ("Author", "Autor", "By") followed by the names; the first
    one's names, [] if none.

    Only the first, within the page's ``<article>`` when it has one: later ones are usually bylines of
    related stories in side columns.
    """
    root = selector.root
    article = next(iter(FIRST_ARTICLE(root)), None)
    ranked = []
    for order, el in enumerate(_BYLINE_CANDIDATES(root)):
        rank = _byline_rank(el)
        if rank is None:
            continue
        outside = article is None or not any(a is article for a in el.iterancestors())
        ranked.append((outside if article is not None else False, rank, order, el))
    for _, rank, _, el in sorted(ranked, key=lambda r: r[:3]):
        if NOT_BYLINE_AREA(el):
            continue
        if rank <= 1 and (names_el := _PERSON_NAME(el)):
            el = names_el[0]
        text = _byline_text(el)
        if text and len(text) <= 120 and (names := _person_names(processors.split_names(text) or [])):
            return names
    return _labelled_byline(root)


# A line that is a byline by its words alone: "By Ann Lee", "Von Ann Lee und Bo Park", "Por ANN LEE", "Posted on
# May 3, 2024 by Ann Lee", "Auteur : Ann Lee". An explicit label ("Posted by", "Autor:") may precede a one-word name.
_BY_LINE = re.compile(
    r"^(?:(?P<bare>(?-i:By|BY|by|Von|VON|von|vom|Por|POR|por|Par|PAR|par|Door|door|Przez|przez|От|от|Av|av|Af|af|di))|"
    r"(?:posted|written|published|reported|geschrieben|verfasst|publié|publicado)(?:\s+on\s+.{4,30}?)?\s+"
    r"(?:by|von|par|por)|escrito por|scritto da|écrit par|geschreven door|skrevet af|skriven av|"
    r"(?:autor(?:in|en|innen)?|auteur|author|autore|autores|автор|yazar)\s*:?)\s+(?P<names>\S.*)$",
    re.IGNORECASE,
)
# Text nodes a by-line may start with (cheap to find; the line is then read from the element around them).
_BY_START = re.compile(
    r"^\s*(?:by|von|vom|por|par|door|przez|от|av|af|di|posted|written|published|reported|geschrieben|verfasst|publié|"
    r"publicado|autor|autoren|autorin|auteur|author|autore|autores|escrito|scritto|écrit|geschreven|skrevet|skriven|"
    r"автор|yazar)\b",
    re.IGNORECASE,
)
# The body's texts whose first letter may start a by-line or an editor line (the test runs in lxml, cheap).
_FIRST_LETTERS = "BbVvPpDdAaWwRrGgOoОоEeÉéSsYyАа(（责責"
_TEXT_STARTS = etree.XPath(
    f"/html/body//text()[contains('{_FIRST_LETTERS}', substring(normalize-space(.), 1, 1))][normalize-space()]"
    "[not(parent::script or parent::style)]"
)
_LINE_TAGS = frozenset({"p", "span", "div", "em", "i", "strong", "b", "small", "h4", "h5", "h6", "li", "address", "a"})
_BY_LINE_SPLIT = re.compile(r"\s*(?:,|&|/|\band\b|\bund\b|\by\b|\bet\b|\be\b|\ben\b|\boch\b|\bog\b|\bi\b)\s*")
_PARTICLES = frozenset(
    [
        "von",
        "van",
        "der",
        "den",
        "de",
        "da",
        "del",
        "della",
        "di",
        "du",
        "la",
        "le",
        "y",
        "bin",
        "al",
        "ten",
        "ter",
        "zu",
        "dos",
        "das",
    ]
)


def _looks_like_name(text: str, shortest: int = 2) -> bool:
    """Two (``shortest``) to five words, each capitalised (name particles aside), first and last too: "Ann Lee",
    "Jan van Dijk"."""
    words = text.split()
    if not shortest <= len(words) <= 5 or any(c.isdigit() for c in text):
        return False
    caps = [w[:1].isupper() and any(c.isalpha() for c in w) for w in words]
    return caps[0] and caps[-1] and all(c or w in _PARTICLES for c, w in zip(caps, words, strict=True))


def _text_starts(texts: list[Any], test: Any) -> Any:
    """The elements (in page order) holding one of these texts (:data:`_TEXT_STARTS`) that ``test`` accepts (its
    first 40 characters)."""
    for text in texts:
        if test(text.lstrip()[:40]):
            el = text.getparent()
            yield el.getparent() if text.is_tail and el is not None else el


def _by_line_elements(texts: list[Any]) -> Any:
    """(element, match) of the page's short lines that start with a by-label, in page order: the element around a
    text that starts with one ("By", "Posted by", "Autor:"), or its parent ("<p><span>By</span> <a>Ann</a></p>")."""
    seen: set[Any] = set()
    for el in _text_starts(texts, _BY_START.match):
        for _ in range(3):
            if el is None or not isinstance(el.tag, str) or el.tag not in _LINE_TAGS or el in seen:
                break
            seen.add(el)
            line = block_text(el)
            if len(line) >= 90:
                break
            if m := _BY_LINE.match(line):
                yield el, m
                break
            el = el.getparent()


def by_line_authors(root: Any) -> list[str]:
    """The first line of the story that says only "By <names>" ("Von", "Por", "Par", ...), unmarked: the names.

    Every part must look like a person's name ("Ann Lee", not a sentence); a last one-word part is an agency
    ("Von Ann Lee, dpa") and goes. In the page's ``<article>`` when it has one.
    """
    article = next(iter(FIRST_ARTICLE(root)), None)
    texts = _TEXT_STARTS(root)
    for el, m in _by_line_elements(texts):
        if article is not None and not any(a is article for a in el.iterancestors()):
            continue
        if NOT_BYLINE_AREA(el):
            continue
        parts = [p for p in _BY_LINE_SPLIT.split(m.group("names").strip(" .")) if p]
        if len(parts) > 1 and len(parts[-1].split()) == 1:
            parts = parts[:-1]
        shortest = 2 if m.group("bare") else 1  # "By Konstantin" may be a sentence's start, "Posted by Konstantin" not
        if parts and all(_looks_like_name(p, shortest) for p in parts):
            return _person_names(parts)
    return _cjk_editor_line(texts)


# Chinese pages name the story's editors where others have a byline: "(责编：牛镛、岳弘彬)", "责任编辑： 焦鹏".
_CJK_EDITOR = re.compile(r"^[(（]?\s*(?:责任编辑|责编|責任編輯|責編)\s*[：:]\s*(.{2,40}?)\s*[)）]?$")
_CJK_EDITOR_START = re.compile(r"^\s*[(（]?\s*(?:责任编辑|责编|責任編輯|責編)")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff·]{2,5}$")


def _cjk_editor_line(texts: list[Any]) -> list[str]:
    """ "(责编：牛镛、岳弘彬)" -> the names (two to five Han characters each)."""
    for el in _text_starts(texts, _CJK_EDITOR_START.match):
        for text in (norm_text(t) for t in el.xpath("text()")):
            m = _CJK_EDITOR.match(text)
            if m and not NOT_BYLINE_AREA(el):
                names = [n for n in re.split(r"[、，,\s]+", m.group(1)) if n]
                if names and all(_CJK_NAME.match(n) for n in names):
                    return names
    return []


def _labelled_byline(root: Any) -> list[str]:
    """ "<li><strong>Autorin/Autor</strong> Roman Goncharenko</li>", "<dt>Author</dt><dd>Ann Lee</dd>" -> names."""
    for label in _LABEL_TAGS(root):
        if len(label) > 2 or len(label.text or "") > 30:
            continue
        label_text = block_text(label)
        if not _BYLINE_LABEL.match(label_text) or NOT_BYLINE_AREA(label):
            continue
        if label.tag in ("dt", "th"):
            following = label.getnext()
            text = block_text(following) if following is not None else ""
        else:
            text = _after_label(label)
        text = _byline_text_str(text)
        if text and len(text) <= 120 and (names := _person_names(processors.split_names(text) or [])):
            return names
    return []


def _after_label(label: Any) -> str:
    """The text after a label element, to the end of its line: "<b>Autor:</b> Ann Lee<br>Quelle: X" -> "Ann Lee"."""
    parts = [label.tail or ""]
    for sib in label.itersiblings():
        if not isinstance(sib.tag, str):
            parts.append(sib.tail or "")
            continue
        if sib.tag == "br" or sib.tag in _BLOCK_TAGS or sib.tag in ("strong", "b", "label", "dt", "th"):
            if norm_text(" ".join(parts)):
                break
            if sib.tag != "br":
                parts.append(block_text(sib))
        else:
            parts.append(block_text(sib))
        parts.append(sib.tail or "")
    return norm_text(" ".join(parts))


def _byline_text_str(text: str) -> str:
    """A byline's text -> its names part (the date, reading time, outlet after it cut)."""
    return _BYLINE_END.split(text.strip(" :,"), maxsplit=1)[0]


# A byline part that is a job, not a person: "By Ann Lee, Staff Writer", "Ann Lee, Senior Correspondent".
_ROLE = re.compile(
    r"^(?:(?:senior|chief|staff|special|political|foreign|economics?|business|sports?|science|health|deputy|"
    r"associate|managing|contributing|investigative|national|international|local|news|digital|the)\s+)*"
    r"(?:writer|reporter|correspondent|editor|contributor|columnist|photographer|journalist|producer|"
    r"analyst|intern|staff|team|desk)s?$",
    re.IGNORECASE,
)
# "Written by Ann Lee", "Reported by Ann Lee", "Text: Ann Lee": the label before the names.
_BY_LABEL = re.compile(
    r"^(?:(?:written|reported|words|story|text|report|posted|published)\s+by|text|words)\s*:?\s+", re.IGNORECASE
)


# "di Mario Rossi" (it), "door Jan de Vries" (nl), "af Mette Holm" (da), "av Ola Nordmann" (no/sv): lower case
# only, so that a surname such as "Di Maria" stays.
_BY_OTHER = re.compile(r"^(?:di|door|af|av|przez|vom)\s+(?=[^\W\d_])")
# A label or its particle where a name was expected: "Publiziert am", "Posted by", "Autor".
_LABEL_ONLY = re.compile(
    r"^(?:publiziert|veröffentlicht|geschrieben|verfasst|posted|published|written|publié|publicado|pubblicato|autor(?:in)?|"
    r"author|auteur|by|von)(?:\s+(?:am|on|by|von|le|par|el|por|il|da))?$|"
    r"^[^\W\d_]+\s+(?:von|by|par|por|di|da)$",  # "Artikel von", "Rezept von", "Article by"
    re.IGNORECASE,
)


def _person_names(names: Sequence[str]) -> list[str]:
    """Names from a byline -> without job titles ("Staff Writer"; CJK "신현주 기자" -> "신현주"), labels, empties."""
    out = []
    for name in names:
        name = _BY_OTHER.sub("", _BY_LABEL.sub("", _NAME_TITLE.sub("", name))).strip()
        if name and not _ROLE.match(name) and not _LABEL_ONLY.match(name) and name not in out:
            out.append(name)
    return out


# An account name where a name was expected: "annlee", "ann.lee", "ann_lee".
_SLUG = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")


def _spelled_out(names: list[str], byline: list[str]) -> list[str]:
    """Metadata names with each account name ("annlee") replaced by the byline's spelling of it ("Ann Lee");
    [] when the byline spells none of them."""
    spelled = {re.sub(r"[^a-z0-9]", "", ascii_key(text_key(b))): b for b in byline}
    out = [spelled.get(re.sub(r"[^a-z0-9]", "", n), n) if _SLUG.match(n) else n for n in names]
    return out if out != names else []


_WRITTEN_BY = re.compile(
    r"^(?:written by|author|verfasst von|geschrieben von|autor(?:in)?|escrito por|écrit par|rédigé par|scritto da|"
    r"geschreven door|skrevet af|skriven av|napisane przez)$",
    re.IGNORECASE,
)


def _twitter_label_authors(selector: Selector) -> list[str]:
    """Yoast's reading aids: ``twitter:label1`` "Written by" / "Verfasst von" and ``twitter:data1`` the name."""
    out = []
    for i in range(1, 5):
        labels = meta_values(selector, f"twitter:label{i}")
        if labels and _WRITTEN_BY.match(labels[0].strip()):
            out += meta_values(selector, f"twitter:data{i}")[:1]
    return out


def page_authors(
    selector: Selector, found: tuple[str, Any] | None, ld: dict[str, Any] | None, url: str | None
) -> tuple[str, list[str]] | None:
    """The story's authors: ``(source, names)``.

    Metadata names (JSON-LD, ``<meta name=author>``) that are people win; names that are the publisher
    itself (its site name, its host, a JSON-LD ``Organization``) give way to a marked-up byline
    (:func:`byline_authors`), and are kept only when the page has none.
    """
    values = [] if not found else found[1] if isinstance(found[1], list) else [found[1]]
    names = _person_names([n for v in values if isinstance(v, str) for n in processors.split_names(v) or []])
    orgs = organization_names(selector, ld, url) if names else set()
    # Not the outlet, and a person by :func:`crawler.extract.generic.meta.people` (no desk, no legal form).
    people = [n for n in names if not is_organization(n, orgs) and cleaned_people([n])]
    if people:
        # JSON-LD naming the first writer only, <meta name="author"> all of them ("Ann Lee, Bo Park"): the meta's list.
        if found and found[0] != META:
            listed = [n for v in meta_values(selector, "author") for n in processors.split_names(v) or []]
            listed = [n for n in _person_names(listed) if not is_organization(n, orgs) and cleaned_people([n])]
            known = {text_key(n) for n in people}
            extra = [n for n in listed if text_key(n) not in known]
            # The others full names ("TK", a writer's initials, is no name to add).
            if extra and known <= {text_key(n) for n in listed} and all(len(n.split()) > 1 for n in extra):
                return META, listed
        if any(_SLUG.match(n) for n in people) and (spelled := _spelled_out(people, byline_authors(selector))):
            return GENERIC, spelled
        return found[0] if found else GENERIC, people
    # Other <meta> naming the author ("articleAuthor", "parsely-author", "cXenseParse:author").
    others = [n for n in meta_names(selector) if "author" in n.casefold() and n not in _AUTHOR_META]
    values = meta_values(selector, *others) + _twitter_label_authors(selector)
    extra = _person_names([n for v in values for n in processors.split_names(v) or []])
    orgs = orgs or organization_names(selector, ld, url)
    if extra and (people := [n for n in extra if not is_organization(n, orgs) and cleaned_people([n])]):
        return META, people
    if markup := byline_authors(selector):
        return GENERIC, markup
    if line := by_line_authors(selector.root):
        return GENERIC, line
    if names:
        return found[0] if found else GENERIC, names
    return None
