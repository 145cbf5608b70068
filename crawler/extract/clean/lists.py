"""Cleaning lists, URLs and language tags."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from w3lib.html import get_base_url
from w3lib.url import canonicalize_url, url_query_cleaner

from crawler.extract.clean.text import clean_text

# --- lists, urls, language --------------------------------------------------------------------


def split_tags(value: Any) -> list[str] | None:
    """``"Tags: a, b; c"`` -> ["a", "b", "c"]; None when empty."""
    text = clean_text(value)
    if not text:
        return None
    text = re.sub(r"^(tags|keywords|topics|themen|etiquetas|mots-clés|теги)\s*:\s*", "", text, flags=re.IGNORECASE)
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


def fetched_url(value: Any) -> str | None:
    """The URL a page was fetched from, exactly as fetched: no entity decoding, no tracking removal.

    (``&copy=2`` in a query is a parameter, not ``\u00a9``; ``?utm_source=...`` is what the user fed in.)
    """
    return value if isinstance(value, str) and value else None


_BASE_URLS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def head_text(response: Any) -> str:
    """The first 4096 characters of the page's text (where Scrapy looks for ``<base href>``).

    A UTF-8 page's are decoded from its first bytes: the same characters as ``response.text[:4096]`` (a
    character is at most 4 bytes; the BOM is not text), without decoding the whole body.
    """
    if response.encoding == "utf-8":
        return response.body[:16384].decode("utf-8-sig", "replace")[:4096]  # type: ignore[no-any-return]
    return response.text[:4096]  # type: ignore[no-any-return]


def base_url(response: Any) -> str:
    """The page's base URL (``<base href>``, else its URL), as Scrapy's ``get_base_url`` finds it; once a page."""
    try:
        return _BASE_URLS[response]
    except KeyError:
        pass
    base = _BASE_URLS[response] = get_base_url(head_text(response), response.url, response.encoding)
    return base


def absolute_url(value: Any, loader_context: dict[str, Any] | None = None) -> str | None:
    """Relative or absolute URL -> absolute URL (against the response), tracking removed."""
    text = clean_text(value)
    if not text or text.startswith(("data:", "javascript:")):
        return None
    response = (loader_context or {}).get("response")
    if response is not None:
        # response.urljoin(text), without decoding the whole page for its <base href>
        text = urljoin(base_url(response), text) if hasattr(response, "encoding") else response.urljoin(text)
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
