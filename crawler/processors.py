"""Cleaning steps shared by all sites.

Input processors take one value and return a value, a list or None (None drops the value).
They never raise on odd input. Cross-field steps (pulling the dateline, byline and editor
lines out of the body) live in :func:`split_body`, which the loader runs once per article.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree, html as lxml_html
from w3lib.html import remove_tags, replace_entities
from w3lib.url import canonicalize_url, url_query_cleaner

from crawler import boilerplate

_WS = re.compile(r"[\s\u00a0\u200b\u2009\u202f\ufeff]+")


# --- text -------------------------------------------------------------------------------------


def normalize_space(value: str) -> str:
    """Collapse every run of whitespace (NBSP and zero-width space included) to one space."""
    # str.split() splits on the characters regex \s matches, several times faster than _WS.sub.
    if "\u200b" in value or "\ufeff" in value:
        value = value.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(value.split())


def clean_text(value: Any) -> str | None:
    """HTML fragment or text -> one line of plain text; None when nothing is left."""
    if value is None:
        return None
    text = str(value)
    if "<" in text and ">" in text:
        text = remove_tags(text)
    if "&" in text:  # every entity starts with "&": without one replace_entities returns the text as is
        text = replace_entities(text)
    text = unicodedata.normalize("NFC", normalize_space(text))
    return text or None


_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_SKIP_TAGS = frozenset("script style noscript template iframe svg button form select input textarea".split())


def html_to_text(value: Any) -> list[str] | None:
    """An HTML element (or text) -> its paragraphs as plain text, in order.

    Block elements and ``<br>`` end a paragraph; scripts, styles and widgets are dropped.
    Returns None when the element holds no text.
    """
    if value is None:
        return None
    raw = str(value)
    if "<" not in raw:
        lines = [clean_text(line) for line in re.split(r"\n\s*\n|\r\n\s*\r\n", raw)]
        return [line for line in lines if line] or None
    try:
        root = lxml_html.fragment_fromstring(raw, create_parent="div")
    except (etree.ParserError, ValueError):
        return [t] if (t := clean_text(raw)) else None
    paragraphs: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = clean_text("".join(buf))
        if text:
            paragraphs.append(text)
        buf.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS or not isinstance(el.tag, str):
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    walk(root)
    flush()
    return paragraphs or None


# --- names, bylines, datelines, editors -------------------------------------------------------

_BY = re.compile(r"^\s*(?:by|von|par|por|de|от|автор[ы]?:?)\s+", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b|\bи\b|、|·)\s*", re.I)
_AGENCY_TAIL = re.compile(r"\s*(?:[|/]|\s[-–—]\s?)\s*([^|/]+?)\s*:?\s*$")
_NOT_A_NAME = re.compile(r"\d|@|https?:|www\.", re.I)


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
        name = part.strip(" .:-–—\"'")
        if name and not _NOT_A_NAME.search(name) and len(name) <= 80 and not _BY.fullmatch(name + " "):
            out.append(name)
    return out or None


_MONTHS_EN = "january february march april may june july august september october november december".split()
_MONTH_NAMES: dict[str, int] = {}
for _lang_months in (
    _MONTHS_EN,
    "yanvar fevral mart aprel may iyun iyul avqust sentyabr oktyabr noyabr dekabr".split(),  # az
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),  # ru gen.
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split(),  # ru nom.
    "januar februar märz april mai juni juli august september oktober november dezember".split(),  # de
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),  # fr
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),  # es
    "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık".split(),  # tr
):
    for _i, _name in enumerate(_lang_months, start=1):
        _MONTH_NAMES.setdefault(_name.replace("ı", "i"), _i)
for _i, _name in enumerate(_MONTHS_EN, start=1):
    _MONTH_NAMES.setdefault(_name[:3], _i)
_MONTH_NAMES["sept"] = 9
_TURKIC_I = str.maketrans({"İ": "I", "ı": "i"})


def _fold_i(text: str) -> str:
    """Same-length text where Turkic dotted/dotless I match ASCII (``İyun`` ~ ``iyun``, ``Kasım`` ~ ``kasim``)."""
    return text.translate(_TURKIC_I)


def _month_number(name: str) -> int | None:
    return _MONTH_NAMES.get(_fold_i(name).lower().rstrip("."))


_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTH_NAMES), key=len, reverse=True))

_DATELINE = re.compile(
    rf"^(?P<dateline>[^\W\d_][^\n:.;]{{0,60}}?,\s*(?:[^\W\d_][^\n:.;,]{{0,40}},\s*)?(?:{_MONTH_RE})\.?\s+\d{{1,2}}"
    rf"|[^\W\d_][^\W\d_ .-]{{1,30}}(?:,\s*[^\W\d_][^\n:.;,]{{0,40}})?(?=\.\s*[^\W\d_]+:))"
    r"\s*[.:]?\s*",
    re.I,
)


def parse_dateline(value: Any) -> str | None:
    """``BAKU, Azerbaijan, June 18.`` -> ``BAKU, Azerbaijan, June 18``; None if the line is not a dateline."""
    text = clean_text(value)
    if not text:
        return None
    m = _DATELINE.match(_fold_i(text))
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
    rf"(?:(?:{_MONTH_RE})(?:\.\s*|\s+)\d{{1,2}}|\d{{1,2}}\.?\s+(?:{_MONTH_RE})\.?)(?:,?\s+\d{{4}})?(?![\w])"
)
# A single place word is a dateline only when the agency follows: "Bakı. Trend:", "Москва. Trend:".
_PLACE_WORD = r"[^\W\d_][^\W\d_-]{1,30}"
# The full dateline may run straight into the byline: "BAKU, Azerbaijan, June 18 By A - Trend:".
# The place word is followed by a full stop ("Bakı. Trend:"), never a comma: "Meanwhile, SOCAR: ..." is a story.
_LEAD_DATELINE = re.compile(
    rf"^(?:(?P<full>{_FULL_DATELINE})(?:\s*(?:[.:]|[-–—](?=\s))\s*|\s*$|\s*(?=[/(])|(?P<by_next>\s+(?=(?:by|от)\s)))"
    rf"|(?P<place>{_PLACE_WORD})(?:\s*\.\s*|\s*(?=/)))",
    re.I,
)
# After the dateline: "By A and B - Trend:", "Trend:", "By A - Trend News Agency:".
_LEAD_BYLINE = re.compile(
    r"^(?:(?P<by>by|от|автор)\s+(?P<names>[^:\n]{1,120}?)\s+[-–—]\s+)?(?P<agency>[^\W\d_][\w.&'’ -]{0,30}?)\s*:\s*",
    re.I,
)
# Older and Russian-edition forms: "/ Trend, S. Agayeva /", "/ТРЕНД/.", "(Trend) -", and the
# correspondent's form "/корр. Trend Н.Гасымова/" ("corr." = the agency's correspondent, then the name).
_LEAD_SLASH = re.compile(
    r"^(?:/\s*(?:корр|corr)\.\s*(?P<agency3>[^\W\d_][\w.&'’-]{0,30})\s+(?P<names3>[^/]{1,80}?)\s*/"
    r"|/\s*(?P<agency>[^\W\d_][\w.&'’ -]{0,30}?)\s*(?:,\s*(?P<names>[^/]{1,80}?))?\s*/"
    r"|\(\s*(?P<agency2>[^\W\d_][\w.&'’ -]{0,30}?)\s*\))\s*(?:[-–—:.]\s*)?",
    re.I,
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
    m = _LEAD_DATELINE.match(_fold_i(text))
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
    if not _BY.match(text) and not re.search(r"(\s[-–—|]\s*[^\W\d_][\w .&-]{1,30}:|\s\|\s*[^\W\d_][\w .&-]{1,30})\s*$", text):
        return None
    if len(text.split()) > 15:
        return None
    return parse_byline(text)


# --- dates ------------------------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$", re.I)
_TEXT_DATE = re.compile(
    rf"(?P<day>\d{{1,2}})\.?\s+(?P<month>{_MONTH_RE})\.?,?\s*(?P<year>\d{{4}})?,?\s*"
    r"(?:(?:at|um|à|a las|в|saat)\s*)?(?P<hour>\d{1,2})?[:.h]?(?P<minute>\d{2})?"
    r"(?:\s*\(?\s*(?:UTC|GMT)\s*(?P<offset>[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?)?",
    re.I,
)
_TEXT_DATE_US = re.compile(
    rf"(?P<month>{_MONTH_RE})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    r"(?:,?\s*(?:at\s*)?(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?"
    r"(?:\s*\(?\s*(?:UTC|GMT)\s*(?P<offset>[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?)?",
    re.I,
)


def as_tzinfo(value: Any) -> tzinfo | None:
    """``"+04:00"``, ``"Asia/Baku"``, ``"UTC"`` or a tzinfo -> tzinfo; None if unknown."""
    if value is None or isinstance(value, tzinfo):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])\s*(\d{1,2}):?(\d{2})?", text, re.I)
    if m:
        delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
        return timezone(-delta if m.group(1) == "-" else delta)
    if text.upper() in {"UTC", "GMT", "Z"}:
        return timezone.utc
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_date(value: Any, tz: Any = None, crawl_date: datetime | None = None) -> datetime | None:
    """A date as pages write it -> an aware datetime; None if it cannot be read.

    ISO 8601 (meta tags, JSON-LD, ``<time datetime>``), ``18 June 2014 14:32 (UTC +04:00)``,
    ``June 18, 2014 2:32 PM``, ``15 Noyabr 10:31 (UTC+04)`` (no year: the year of the crawl date,
    or the year before when that would put the article in the future). A time without an offset
    takes the site's time zone ``tz``; with neither, None (we never invent an offset).
    """
    text = clean_text(value)
    if not text:
        return None
    zone = as_tzinfo(tz)
    if _ISO.match(text):
        iso = re.sub(r"\s*(UTC|GMT|Z)$", "+00:00", text, flags=re.I).replace(" ", "T", 1)
        iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
        try:
            dt = datetime.fromisoformat(iso)
        except ValueError:
            return None
        return _aware(dt, zone)
    if text.isdigit() and len(text) >= 9:  # epoch seconds or milliseconds
        secs = int(text) / (1000 if len(text) > 11 else 1)
        return datetime.fromtimestamp(secs, timezone.utc)
    if (t := _TIME_ONLY.fullmatch(text)) and (zone or t.group("offset")):
        return _time_today(t, zone, crawl_date)
    for pattern in (_TEXT_DATE, _TEXT_DATE_US):
        m = pattern.search(_fold_i(text))
        if not m:
            continue
        month = _month_number(m.group("month"))
        if not month:
            continue
        hour = int(m.group("hour") or 0)
        minute = int(m.group("minute") or 0) if m.group("hour") else 0
        ampm = m.groupdict().get("ampm")
        if ampm:
            hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
        offset = as_tzinfo(m.group("offset").replace(" ", "")) if m.group("offset") else None
        zone_here = offset or zone
        if m.group("year"):
            year = int(m.group("year"))
        else:
            # No year ("15 Noyabr 10:31"): the crawl's year on the page's own calendar, or the
            # year before when the day would lie after the crawl day.
            ref = _local_ref(crawl_date, zone_here)
            year = ref.year
            if (month, int(m.group("day"))) > (ref.month, ref.day):
                year -= 1
        try:
            dt = datetime(year, month, int(m.group("day")), hour, minute)
        except ValueError:
            return None
        return _aware(dt, zone_here)
    return _numeric_date(text, zone)


# "28.04.2023", "28.04.2023 19:20", "14.05.2025, 20:28" (day first, dots: German, Russian, Turkish pages).
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d.]\d)"
    r"(?:,?\s*(?:um\s*|в\s*|saat\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?!\d))?"
)


# "2026.01.29 18:40", "2024/04/24 08:21", "2024年04月24日08:21" (year first: Korean, Chinese, Japanese pages).
_NUMERIC_DATE_YMD = re.compile(
    r"(?<![\d.])(?P<year>\d{4})\s*(?:[./]|年)\s*(?P<month>\d{1,2})\s*(?:[./]|月)\s*(?P<day>\d{1,2})(?!\d)\s*日?"
    r"(?:,?\s*(?P<hour>\d{1,2})\s*[:時时]\s*(?P<minute>\d{2})(?!\d))?"
)


def _numeric_date(text: str, zone: tzinfo | None) -> datetime | None:
    """``28.04.2023 19:20`` / ``2026.01.29 18:40`` -> datetime in ``zone``; None when no such date or no zone."""
    m = _NUMERIC_DATE.search(text) or _NUMERIC_DATE_YMD.search(text)
    if not m:
        return None
    try:
        dt = datetime(
            int(m.group("year")), int(m.group("month")), int(m.group("day")),
            int(m.group("hour") or 0), int(m.group("minute") or 0),
        )  # fmt: skip
    except ValueError:
        return None
    return _aware(dt, zone)


# Today's stories show only the time: "15:49 (UTC+04)" (Azerbaijani edition of Trend).
_TIME_ONLY = re.compile(
    r"(?:(?:today|bugün|сегодня),?\s*)?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?:\s*\(?\s*(?:UTC|GMT)\s*(?P<offset>[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?)?",
    re.I,
)


def _local_ref(crawl_date: datetime | None, zone: tzinfo | None) -> datetime:
    """The crawl time (default now) as a wall-clock time in ``zone`` (when both are aware)."""
    ref = crawl_date or datetime.now(timezone.utc)
    if zone is not None and ref.tzinfo is not None:
        ref = ref.astimezone(zone)
    return ref


def _time_today(m: re.Match[str], zone: tzinfo | None, crawl_date: datetime | None) -> datetime | None:
    """A time of day -> that time on the crawl day (the day before if it lies ahead of the crawl)."""
    zone_here = as_tzinfo(m.group("offset").replace(" ", "")) if m.group("offset") else zone
    hour, minute = int(m.group("hour")), int(m.group("minute"))
    if hour > 23 or minute > 59:
        return None
    ref = _local_ref(crawl_date, zone_here)
    dt = _aware(datetime(ref.year, ref.month, ref.day, hour, minute), zone_here)
    if dt is not None and ref.tzinfo is not None and dt > ref + timedelta(minutes=5):
        dt -= timedelta(days=1)
    return dt


def _aware(dt: datetime, zone: tzinfo | None) -> datetime | None:
    if dt.tzinfo is not None:
        return dt
    if zone is None:
        return None
    if isinstance(zone, ZoneInfo):
        dt = dt.replace(tzinfo=zone)
        return dt.replace(tzinfo=timezone(dt.utcoffset() or timedelta(0)))
    return dt.replace(tzinfo=zone)


def find_date(value: str) -> tuple[int, int] | None:
    """Where a written date (``18 June 2014 14:32 (UTC +04:00)``, ``June 18, 2014``) sits in a text: (start, end)."""
    for pattern in (_TEXT_DATE, _TEXT_DATE_US):
        for m in pattern.finditer(_fold_i(value)):
            if _month_number(m.group("month")):
                return m.start(), m.end()
    return None


def format_iso8601(dt: datetime, keep_fraction: bool = False) -> str:
    """Aware datetime -> ``2014-06-18T14:32:00+04:00`` (microseconds dropped unless ``keep_fraction``)."""
    return dt.isoformat() if keep_fraction else dt.replace(microsecond=0).isoformat()


def to_iso8601(value: Any, loader_context: dict[str, Any] | None = None) -> str | None:
    """Loader input processor: any page date -> ISO 8601 with offset, in the site's zone context.

    Uses ``loader_context["timezone"]`` for times without an offset and
    ``loader_context["crawl_date"]`` to infer a missing year. None if unreadable.
    """
    ctx = loader_context or {}
    dt = parse_date(value, ctx.get("timezone"), ctx.get("crawl_date"))
    # A page's "12:15:32.158Z" keeps its milliseconds: the value must name the page's exact instant.
    return format_iso8601(dt, keep_fraction=True) if dt else None


# --- lists, urls, language --------------------------------------------------------------------


def split_tags(value: Any) -> list[str] | None:
    """``"Tags: a, b; c"`` -> ["a", "b", "c"]; None when empty."""
    text = clean_text(value)
    if not text:
        return None
    text = re.sub(r"^(tags|keywords|topics|themen|etiquetas|mots-clés|теги)\s*:\s*", "", text, flags=re.I)
    parts = [p.strip(" #") for p in re.split(r"\s*[,;|]\s*", text)]
    return [p for p in parts if p] or None


def unique(values: Iterable[Any]) -> list[Any]:
    """Output processor: values in first-seen order, duplicates (case-insensitive) removed."""
    seen: set[str] = set()
    out = []
    for v in values:
        if v is None:
            continue
        key = v.casefold() if isinstance(v, str) else repr(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def join_paragraphs(values: Iterable[str]) -> str | None:
    """Output processor: paragraphs -> one text, paragraphs separated by one blank line."""
    text = "\n\n".join(v for v in values if v)
    return text or None


TRACKING_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id", "utm_name",
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "yclid", "_ga", "ref_src", "cmpid", "ito",
)  # fmt: skip


def strip_tracking(url: str) -> str:
    """Remove ``utm_*``, ``fbclid`` and similar tracking parameters (order of the others kept)."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    return re.sub(r"[?&]utm_[^&=]*=[^&]*", "", cleaned)


def dedupe_key(url: str) -> str:
    """A URL -> the key two URLs of one page share (canonical form, no tracking, no fragment)."""
    return canonicalize_url(strip_tracking(url.strip()))


def absolute_url(value: Any, loader_context: dict[str, Any] | None = None) -> str | None:
    """Relative or absolute URL -> absolute URL (against the response), tracking removed."""
    text = clean_text(value)
    if not text or text.startswith(("data:", "javascript:")):
        return None
    response = (loader_context or {}).get("response")
    if response is not None:
        text = response.urljoin(text)
    if not text.startswith(("http://", "https://")):
        return None
    return strip_tracking(text)


def language_tag(value: Any) -> str | None:
    """``en_US`` / ``EN-us`` / ``en`` -> BCP 47 ``en-US`` / ``en``; None when not a language tag."""
    text = clean_text(value)
    if not text:
        return None
    parts = re.split(r"[-_]", text.split(",")[0].strip())
    if not re.fullmatch(r"[A-Za-z]{2,3}", parts[0]):
        return None
    out = [parts[0].lower()]
    for p in parts[1:]:
        if re.fullmatch(r"[A-Za-z]{2}|\d{3}", p):
            out.append(p.upper())
        elif re.fullmatch(r"[A-Za-z]{4}", p):
            out.append(p.title())
        elif p:
            out.append(p.lower())
    return "-".join(out)


def strip_site_suffix(value: Any) -> str | None:
    """``Headline | Site Name`` / ``Headline - Site`` (from ``<title>``) -> ``Headline``."""
    text = clean_text(value)
    if not text:
        return None
    return re.split(r"\s+[|–—]\s+|\s+-\s+(?=[^-]{2,40}$)", text)[0].strip() or None
