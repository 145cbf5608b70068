"""Cleaning names: bylines, datelines, editors, the lead lines a story starts with."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.extract import boilerplate
from crawler.extract.clean.text import clean_text

# --- names, bylines, datelines, editors -------------------------------------------------------

_BY = re.compile(r"^\s*(?:by|von|par|por|de|от|автор[ы]?:?)\s+", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b|\bи\b|、|·)\s*", re.IGNORECASE)
_AGENCY_TAIL = re.compile(r"\s*(?:[|/]|\s[-–—]\s?)\s*([^|/]+?)\s*:?\s*$")
_HANDLE = re.compile(r"\s+@\w+\s*$")  # "Ann Lee @annlee": the name, without the social handle
_ABBREVIATION_END = re.compile(r"(?:^|[\s.])(?:[^\W\d_]|Jr|Sr|jr|sr)\.$")
_NOT_A_NAME = re.compile(r"\d|@|https?:|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Byline:
    """What a byline line says: the writers, and the agency or publisher named with them."""

    authors: list[str]
    publisher: str | None = None


def parse_byline(value: str) -> Byline | None:
    """``By Seba Agayeva - Trend:`` -> Byline(["Seba Agayeva"], "Trend"); None if not a byline.

    Handles ``By A and B``, ``By A, B and C``, ``A | Reuters``, ``A - Trend:``.
    """
    text = clean_text(value)
    if not text or len(text) > 200:
        return None
    has_by = bool(_BY.match(text))
    text = _BY.sub("", text)
    publisher = None
    m = _AGENCY_TAIL.search(text)
    if m and m.start() > 0:
        publisher = m.group(1).strip(" :")
        text = text[: m.start()]
    elif text.endswith(":") and not has_by:
        return None
    text = text.strip(" :-–—")
    names = split_names(text)
    if not names or not (has_by or publisher):
        return None
    return Byline(names, publisher or None)


def split_names(value: Any) -> list[str] | None:
    """``By A, B and C`` -> ["A", "B", "C"]; drops "By" and things that are not names."""
    text = clean_text(value)
    if not text:
        return None
    text = _BY.sub("", text).strip(" :-–—")
    out = []
    for part in _NAME_SPLIT.split(text):
        name = _HANDLE.sub("", part).strip(" :-–—\"'")
        # A final dot ends the sentence, except after an initial or a suffix: "Perry Bacon Jr.", "Ann C."
        if not _ABBREVIATION_END.search(name):
            name = name.strip(" .:-–—\"'")
        else:
            name = name.lstrip(" .")
        if name and not _NOT_A_NAME.search(name) and len(name) <= 80 and not _BY.fullmatch(name + " "):
            out.append(name)
    return out or None


_MONTHS_EN = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_NAMES: dict[str, int] = {}
for _lang_months in (
    _MONTHS_EN,
    [
        "yanvar",
        "fevral",
        "mart",
        "aprel",
        "may",
        "iyun",
        "iyul",
        "avqust",
        "sentyabr",
        "oktyabr",
        "noyabr",
        "dekabr",
    ],  # az
    [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],  # ru gen.
    [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ],  # ru nom.
    [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],  # de
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],  # fr
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],  # es
    [
        "ocak",
        "şubat",
        "mart",
        "nisan",
        "mayıs",
        "haziran",
        "temmuz",
        "ağustos",
        "eylül",
        "ekim",
        "kasım",
        "aralık",
    ],  # tr
):
    for _i, _name in enumerate(_lang_months, start=1):
        _MONTH_NAMES.setdefault(_name.replace("ı", "i"), _i)
for _i, _name in enumerate(_MONTHS_EN, start=1):
    _MONTH_NAMES.setdefault(_name[:3], _i)
_MONTH_NAMES["sept"] = 9
_TURKIC_I = str.maketrans({"İ": "I", "ı": "i"})


def fold_i(text: str) -> str:
    """Same-length text where Turkic dotted/dotless I match ASCII (``İyun`` ~ ``iyun``, ``Kasım`` ~ ``kasim``)."""
    return text.translate(_TURKIC_I)


def month_number(name: str) -> int | None:
    return _MONTH_NAMES.get(fold_i(name).lower().rstrip("."))


MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTH_NAMES), key=len, reverse=True))

_DATELINE = re.compile(
    rf"^(?P<dateline>[^\W\d_][^\n:.;]{{0,60}}?,\s*(?:[^\W\d_][^\n:.;,]{{0,40}},\s*)?(?:{MONTH_RE})\.?\s+\d{{1,2}}"
    rf"|[^\W\d_][^\W\d_ .-]{{1,30}}(?:,\s*[^\W\d_][^\n:.;,]{{0,40}})?(?=\.\s*[^\W\d_]+:))"
    r"\s*[.:]?\s*",
    re.IGNORECASE,
)


def parse_dateline(value: Any) -> str | None:
    """``BAKU, Azerbaijan, June 18.`` -> ``BAKU, Azerbaijan, June 18``; None if the line is not a dateline."""
    text = clean_text(value)
    if not text:
        return None
    m = _DATELINE.match(fold_i(text))
    if not m or m.end() != len(text):
        return None
    return text[m.start("dateline") : m.end("dateline")].strip()


# "Edited by CN", "Edited by: CN", "(Editing by Bo Park)", "Redaktə edən: N.M.", "Редактор - Н.М."; a label
# without "by" needs its separator: "Редактор газеты уволен" is a sentence, not an editor line.
_EDITOR = re.compile(
    r"^\(?(?:(?:edited|editing) by\s*[:\-–—]?|(?:editor|redaktə edən|redaktor|редактор)\s*[:\-–—])"
    r"\s*(?P<name>[^\s:\-–—].{0,59}?)\s*\.?\)?$",
    re.IGNORECASE,
)


def parse_editor(value: Any) -> str | None:
    """``Edited by CN`` -> ``CN``; None if the line is not an editor line."""
    text = clean_text(value)
    if not text:
        return None
    m = _EDITOR.match(text)
    if not m:
        return None
    name = m.group("name")
    # "Редактор: Н.М." - the last dot belongs to an initial, not to the sentence.
    if text.rstrip(")").endswith(".") and not name.endswith(".") and re.search(r"(?:^|[.\s])[^\W\d_]$", name):
        name += "."
    return name


# Datelines that open a story: "BAKU, Azerbaijan, June 18", "Bakı, 15 noyabr", "Баку, 15 ноября".
_PLACE = r"[^\W\d_][^\n:.;,()]{0,40}?"
_FULL_DATELINE = (
    rf"{_PLACE},\s*(?:{_PLACE},\s*)?"
    rf"(?:(?:{MONTH_RE})(?:\.\s*|\s+)\d{{1,2}}|\d{{1,2}}\.?\s+(?:{MONTH_RE})\.?)(?:,?\s+\d{{4}})?(?![\w])"
)
# A single place word is a dateline only when the agency follows: "Bakı. Trend:", "Москва. Trend:".
_PLACE_WORD = r"[^\W\d_][^\W\d_-]{1,30}"
# The full dateline may run straight into the byline: "BAKU, Azerbaijan, June 18 By A - Trend:".
# The place word is followed by a full stop ("Bakı. Trend:"), never a comma: "Meanwhile, SOCAR: ..." is a story.
_LEAD_DATELINE = re.compile(
    rf"^(?:(?P<full>{_FULL_DATELINE})(?:\s*(?:[.:]|[-–—](?=\s))\s*|\s*$|\s*(?=[/(])|(?P<by_next>\s+(?=(?:by|от)\s)))"
    rf"|(?P<place>{_PLACE_WORD})(?:\s*\.\s*|\s*(?=/)))",
    re.IGNORECASE,
)
# After the dateline: "By A and B - Trend:", "Trend:", "By A - Trend News Agency:".
_LEAD_BYLINE = re.compile(
    r"^(?:(?P<by>by|от|автор)\s+(?P<names>[^:\n]{1,120}?)\s+[-–—]\s+)?(?P<agency>[^\W\d_][\w.&'’ -]{0,30}?)\s*:\s*",
    re.IGNORECASE,
)
# Older and Russian-edition forms: "/ Trend, S. Agayeva /", "/ТРЕНД/.", "(Trend) -", and the
# correspondent's form "/корр. Trend Н.Гасымова/" ("corr." = the agency's correspondent, then the name).
_LEAD_SLASH = re.compile(
    r"^(?:/\s*(?:корр|corr)\.\s*(?P<agency3>[^\W\d_][\w.&'’-]{0,30})\s+(?P<names3>[^/]{1,80}?)\s*/"
    r"|/\s*(?P<agency>[^\W\d_][\w.&'’ -]{0,30}?)\s*(?:,\s*(?P<names>[^/]{1,80}?))?\s*/"
    r"|\(\s*(?P<agency2>[^\W\d_][\w.&'’ -]{0,30}?)\s*\))\s*(?:[-–—:.]\s*)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Lead:
    """What the opening line of a story says before the story: dateline, writers, agency; and the rest."""

    dateline: str | None
    byline: Byline | None
    publisher: str | None
    rest: str
    wire: bool = False
    """True for the wire-service form ``PLACE, Date (Agency) - text``, whose dateline is part of the story."""


def _agency_like(value: str) -> bool:
    words = value.split()
    return 0 < len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() for w in words)


def parse_lead(value: Any) -> Lead | None:
    """``BAKU, Azerbaijan, June 18. By A - Trend: text`` -> Lead(dateline, byline, "Trend", "text").

    Also ``Bakı. Trend: text``, ``BAKU, Azerbaijan, November 24. Text`` (dateline only), a bare
    dateline line, and older forms ``Baku, Azerbaijan, Nov.15 / Trend, S. Agayeva /``, ``БАКУ /ТРЕНД/.``. None when the text does not open with a dateline (a place word alone needs the
    agency after it).
    """
    text = clean_text(value)
    if not text:
        return None
    m = _LEAD_DATELINE.match(fold_i(text))
    if not m:
        return None
    group = "full" if m.group("full") else "place"
    dateline = text[m.start(group) : m.end(group)].strip().rstrip(".").strip()
    rest = text[m.end() :]
    byline = None
    publisher = None
    wire = False
    b = _LEAD_BYLINE.match(rest)
    sl = _LEAD_SLASH.match(rest)
    slash_agency = (sl.group("agency") or sl.group("agency2") or sl.group("agency3")) if sl else None
    if sl and slash_agency and _agency_like(slash_agency):
        publisher = slash_agency.strip()
        names_text = sl.group("names") or sl.group("names3")
        names = split_names(names_text) if names_text else None
        byline = Byline(names, publisher) if names else None
        wire = bool(sl.group("agency2")) and bool(re.match(r"\s*[-–—]", rest[sl.end("agency2") + 1 :]))
        rest = rest[sl.end() :]
    elif m.group("by_next") and not (b and b.group("names") and _agency_like(b.group("agency"))):
        return None  # "МОСКВА, 18 июня от имени президента...": a sentence, not a dateline and a byline
    elif b and _agency_like(b.group("agency")):
        publisher = b.group("agency").strip()
        if b.group("names"):
            names = split_names(b.group("names"))
            byline = Byline(names, publisher) if names else None
        rest = rest[b.end() :]
    elif m.group("place"):
        return None
    return Lead(dateline, byline, publisher, rest.strip(), wire)


@dataclass
class BodyParts:
    """The story paragraphs, and the metadata lines that were taken out of them."""

    paragraphs: list[str] = field(default_factory=list)
    dateline: str | None = None
    authors: list[str] | None = None
    publisher: str | None = None
    editor: str | None = None


def split_body(
    paragraphs: Sequence[str],
    headline: str | None = None,
    rules: boilerplate.Rules | None = None,
    lead_lines: int = 4,
    own_agency: str | None = None,
) -> BodyParts:
    """Clean a story's paragraphs and pull the dateline, byline and editor lines out of them.

    - boilerplate lines (``Tags:``, ``Latest``, ``Read more``, a repeated headline...) are dropped;
    - among the first ``lead_lines`` paragraphs, a dateline line, a byline line, or a lead of the
      form ``BAKU, Azerbaijan, June 18. By A - Trend: text`` are split off; so is a lone
      ``Trend:`` line right after a dateline line;
    - an ``Edited by X`` line near the end gives the editor.

    A wire-service lead ``PLACE, Date (Agency) - text`` keeps its dateline in the story, unless
    the agency matches ``own_agency`` (a regex: the site's own agency, whose leads are its metadata).
    """
    rules = rules or boilerplate.DEFAULT_RULES
    parts = BodyParts()
    kept: list[str] = []
    for text in paragraphs:
        text = clean_text(text) or ""
        if not text or rules.is_boilerplate(text, headline=headline):
            continue
        if not kept and not parts.dateline and (lead := parse_lead(text)):
            parts.dateline = lead.dateline
            if lead.byline and not parts.authors:
                parts.authors = lead.byline.authors
            parts.publisher = lead.publisher or parts.publisher
            # "KATHMANDU, April 25 (Reuters) - Nepal's..." : wire services keep the dateline in the story.
            own = bool(own_agency and lead.publisher and re.fullmatch(own_agency, lead.publisher, re.IGNORECASE))
            text = text if lead.wire and not own else lead.rest
            if not text:
                continue
        # "BAKU, Azerbaijan, June 18" / "Trend:" on two lines: the agency of a story without byline.
        agency = _AGENCY_LINE.fullmatch(text) if not kept and parts.dateline and not parts.publisher else None
        if agency and _agency_like(agency.group(1)):
            parts.publisher = agency.group(1)
            continue
        if len(kept) < lead_lines and not parts.authors and (byline := _byline_line(text)):
            parts.authors, parts.publisher = byline.authors, byline.publisher or parts.publisher
            continue
        if len(kept) < lead_lines and not parts.dateline and (dl := parse_dateline(text)):
            parts.dateline = dl
            continue
        if (editor := parse_editor(text)) is not None:
            parts.editor = editor
            continue
        kept.append(text)
    parts.paragraphs = kept
    return parts


_AGENCY_LINE = re.compile(r"([^\W\d_][\w.&'’ -]{0,30}?)\s*:")


def _byline_line(text: str) -> Byline | None:
    """A paragraph that is only a byline: ``By A - Trend:``, ``A and B - Trend:``, ``A | Reuters``."""
    if not _BY.match(text) and not re.search(
        r"(\s[-–—|]\s*[^\W\d_][\w .&-]{1,30}:|\s\|\s*[^\W\d_][\w .&-]{1,30})\s*$", text
    ):
        return None
    if len(text.split()) > 15:
        return None
    return parse_byline(text)
