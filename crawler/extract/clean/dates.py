"""Cleaning dates: many languages and formats -> ISO 8601 with the offset the page states."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.extract.clean.names import MONTH_RE, fold_i, month_number
from crawler.extract.clean.text import clean_text

# --- dates ------------------------------------------------------------------------------------

_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$", re.IGNORECASE
)
_TEXT_DATE = re.compile(
    rf"(?P<day>\d{{1,2}})\.?\s+(?P<month>{MONTH_RE})\.?,?\s*(?P<year>\d{{4}})?,?\s*"
    r"(?:(?:at|um|à|a las|в|saat)\s*)?(?P<hour>\d{1,2})?[:.h]?(?P<minute>\d{2})?(?::\d{2})?"
    r"(?:\s*\(?\s*(?P<utc>UTC|GMT)\s*(?P<offset>[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?)?",
    re.IGNORECASE,
)
_TEXT_DATE_US = re.compile(
    rf"(?P<month>{MONTH_RE})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    r"(?:,?\s*(?:at\s*)?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?m\.?)?)?"
    r"(?:\s*\(?\s*(?P<utc>UTC|GMT)\s*(?P<offset>[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?)?",
    re.IGNORECASE,
)
# RFC 2822 (feeds, some <meta>): "Mon, 13 May 2024 10:00:00 +0200", "13 May 2024 08:00 GMT".
_RFC2822 = re.compile(
    r"^(?:[a-z]{3},?\s+)?\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|gmt|utc|ut|z|[ecmp][sd]t)$",
    re.IGNORECASE,
)
# ISO 8601's basic format (no separators), a year of this or the last century first.
_ISO_BASIC = re.compile(r"^(?P<day>(?:19|20)\d{6})(?:T?(?P<clock>\d{4,6}))?(?P<offset>Z|[+-]\d{2}:?\d{2})?$")
# ISO as CMSs bend it: "2024/05/13 10:00", "2024-5-3T10:00:00+02:00", "2024-05-13T10:00:00+02:00[Europe/Berlin]".
_ISO_LOOSE_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?=$|[T ])")
_ZONE_SUFFIX = re.compile(r"(?<=\d)\s*\[[A-Za-z_/+\-0-9]+\]$")
# A zone's name after a stated offset: "+0200 (CEST)", "GMT+0200 (Central European Summer Time)"; "+02:00Z".
_NAME_AFTER_OFFSET = re.compile(
    r"(?:(?<=[+-]\d\d:\d\d)|(?<=[+-]\d{4})|(?<=GMT)|(?<=UTC))\s*(?:\([A-Za-z][A-Za-z .'-]*\)|Z)$", re.IGNORECASE
)
# Zone abbreviations pages write after a time; only unambiguous ones (not CST, IST, AST).
_ZONE_NAMES = {
    "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00", "CET": "+01:00", "MEZ": "+01:00", "CEST": "+02:00",
    "MESZ": "+02:00", "EET": "+02:00", "EEST": "+03:00", "MSK": "+03:00", "TRT": "+03:00", "SAST": "+02:00",
    "WAT": "+01:00", "EAT": "+03:00", "PKT": "+05:00", "WIB": "+07:00", "WITA": "+08:00", "HKT": "+08:00",
    "SGT": "+08:00", "JST": "+09:00", "KST": "+09:00", "WIT": "+09:00", "AEST": "+10:00", "AEDT": "+11:00",
    "NZST": "+12:00", "NZDT": "+13:00", "EST": "-05:00", "EDT": "-04:00", "CDT": "-05:00", "MST": "-07:00",
    "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00", "ART": "-03:00", "BRT": "-03:00",
}  # fmt: skip
_ZONE_NAME = re.compile(rf"(?<=[\d.mM])\s*\(?\b({'|'.join(_ZONE_NAMES)})\)?$")
_GMT_OFFSET = re.compile(r"(?<=\d)\s*(?:GMT|UTC)\s*(?=[+-]\d)", re.IGNORECASE)


def _zone_spelling(text: str) -> str:
    """A stated zone as the readers below take it: "10:00 CEST" -> "10:00 GMT+02:00", "+0200 (CEST)" -> "+0200"."""
    text = _NAME_AFTER_OFFSET.sub("", text)
    if m := _ZONE_NAME.search(text):
        text = f"{text[: m.start()]} GMT{_ZONE_NAMES[m.group(1)]}"
    return text


def as_tzinfo(value: Any) -> tzinfo | None:
    """``"+04:00"``, ``"Asia/Baku"``, ``"UTC"`` or a tzinfo -> tzinfo; None if unknown."""
    if value is None or isinstance(value, tzinfo):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])\s*(\d{1,2}):?(\d{2})?", text, re.IGNORECASE)
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
    text = _ZONE_SUFFIX.sub("", _ISO_LOOSE_DAY.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", text))
    text = _zone_spelling(text)
    if _ISO.match(iso_text := _GMT_OFFSET.sub("", text)):
        text = re.sub(r"\s+(?=[+-]\d{2}:?\d{2}$)", "", iso_text)  # "10:00:00.000 +02:00"
        iso = re.sub(r"\s*(UTC|GMT|Z)$", "+00:00", text, flags=re.IGNORECASE).replace(" ", "T", 1)
        iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
        try:
            dt = datetime.fromisoformat(iso)
        except ValueError:
            return None
        return aware(dt, zone)
    if text.isdigit() and len(text) in (9, 10, 12, 13):  # epoch seconds or milliseconds (longer: an id)
        try:
            return datetime.fromtimestamp(int(text) / (1000 if len(text) > 11 else 1), timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if m := _ISO_BASIC.match(text):  # "20240513", "20240513100000", "20240513T100000Z", "20240513T1000+0200"
        day, clock, offset = m.group("day"), m.group("clock") or "", m.group("offset") or ""
        if len(clock) in (0, 4, 6):
            iso = f"{day[:4]}-{day[4:6]}-{day[6:]}" + (
                f"T{clock[:2]}:{clock[2:4]}:{clock[4:] or '00'}" if clock else ""
            )
            return parse_date(iso + offset, tz, crawl_date)
        return None
    if _RFC2822.match(text):
        try:
            return aware(parsedate_to_datetime(text), zone)  # "-0000" (zone unknown) is naive
        except (TypeError, ValueError):
            return None
    if (t := _TIME_ONLY.fullmatch(text)) and (zone or t.group("offset")):
        return _time_today(t, zone, crawl_date)
    for pattern in (_TEXT_DATE, _TEXT_DATE_US):
        m = pattern.search(fold_i(text))
        if not m:
            continue
        month = month_number(m.group("month"))
        if not month:
            continue
        hour = int(m.group("hour") or 0)
        minute = int(m.group("minute") or 0) if m.group("hour") else 0
        ampm = m.groupdict().get("ampm")
        if ampm:
            hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
        if m.group("offset"):
            offset = as_tzinfo(m.group("offset").replace(" ", ""))
        else:  # "14:05 GMT": UTC; a bare "GMT" after a date without a time says nothing of the time
            offset = timezone.utc if m.group("utc") and m.group("hour") else None
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
        return aware(dt, zone_here)
    return _numeric_date(text, zone)


# "28.04.2023", "28.04.2023 19:20", "14.05.2025, 20:28" (day first, dots: German, Russian, Turkish pages).
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d.]\d)"
    r"(?:,?\s*(?:um\s*|в\s*|saat\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2})?(?!\d)"
    r"(?:\s*(?:UTC|GMT)?\s*(?P<offset>[+-]\d{2}:?\d{2}))?)?"
)


# "2026.01.29 18:40", "2024/04/24 08:21", "2024年04月24日08:21" (year first: Korean, Chinese, Japanese pages).
_NUMERIC_DATE_YMD = re.compile(
    r"(?<![\d.])(?P<year>\d{4})\s*(?:[./]|年)\s*(?P<month>\d{1,2})\s*(?:[./]|月)\s*(?P<day>\d{1,2})(?!\d)\s*日?"
    r"(?:,?\s*(?P<hour>\d{1,2})\s*[:時时]\s*(?P<minute>\d{2})(?::\d{2})?(?!\d)"
    r"(?:\s*(?:UTC|GMT)?\s*(?P<offset>[+-]\d{2}:?\d{2}))?)?"
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
    return aware(dt, as_tzinfo(m.group("offset")) if m.group("offset") else zone)


# Today's stories show only the time: "15:49 (UTC+04)" (Azerbaijani edition of Trend).
_TIME_ONLY = re.compile(
    r"(?:(?:today|bugün|сегодня),?\s*)?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?:\s*\(?\s*(?:UTC|GMT)\s*(?P<offset>[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?)?",
    re.IGNORECASE,
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
    dt = aware(datetime(ref.year, ref.month, ref.day, hour, minute), zone_here)
    if dt is not None and ref.tzinfo is not None and dt > ref + timedelta(minutes=5):
        dt -= timedelta(days=1)
    return dt


def aware(dt: datetime, zone: tzinfo | None) -> datetime | None:
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
        for m in pattern.finditer(fold_i(value)):
            if month_number(m.group("month")):
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
