"""Generic extraction, people and organisations: which author names are persons, cleaned (labels, handles, dates
cut), and which name the publisher itself. Shared by the byline reader (:mod:`.authors`) and the completion of the
generic values (:mod:`.meta`)."""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from crawler.extract.generic.common import text_key
from crawler.extract.metadata import meta_values

_DOMAIN = re.compile(r"(?:^|\s|\()(?:www\.)?[\w-]+(?:\.[a-z]{2,})+\)?$", re.IGNORECASE)
_ORG_TYPES = ("Organization", "Corporation", "NewsMediaOrganization")


def organization_names(selector: Selector, ld: dict[str, Any] | None, url: str | None) -> set[str]:
    """Comparison keys of the names the page gives its publisher: site name, publisher, the host's name."""
    names = meta_values(selector, "og:site_name", "application-name", "publisher", "dc.publisher", "copyright")
    for key in ("publisher", "sourceOrganization"):
        value = ld.get(key) if ld else None
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, dict) and isinstance(v.get("name"), str):
                names.append(v["name"])
            elif isinstance(v, str):
                names.append(v)
    if ld:
        author = ld.get("author")
        for a in author if isinstance(author, list) else [author]:
            if isinstance(a, dict) and isinstance(a.get("name"), str) and _ld_types(a) & set(_ORG_TYPES):
                names.append(a["name"])
    keys = {
        k for n in names if (k := text_key(re.sub(r"^(?:©|\(c\)|copyright)?\s*\d{0,4}\s*", "", n, flags=re.IGNORECASE)))
    }
    if url:
        m = re.match(r"^\w+://([^/:]+)", url)
        host = re.sub(r"^www\d?\.", "", m.group(1).lower()) if m else ""
        if host:
            keys |= {host.split(".")[0], text_key(host)}
    return keys


def _ld_types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    return {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)} if isinstance(t, list) else set()


def is_organization(name: str, organizations: set[str]) -> bool:
    """Is an author name the publisher itself ("NTV", "Deutsche Welle (www.dw.com)", "nytimes.com")?"""
    k = text_key(name)
    return bool(k) and (k in organizations or bool(_DOMAIN.search(name)) or k.replace(" ", "") in organizations)


# Not a person: site accounts and desks ("admin", "Redaktion", "Staff", "Newsroom", "Editorial Team").
_NOT_PERSON = re.compile(
    r"^(?:admin(?:istrator)?|webmaster|editor(?:ial)?(?: (?:team|staff|board|desk))?|redaktion|rédaction|redacción|"
    r"redazione|redactie|redakcja|staff(?: writer| reporter)?|newsroom|news ?desk|the editors|guest|anonymous|"
    r"unknown|team|press office|pressestelle|text|interview|foto|photo|no author|author|autor(?:in)?|auteur|"
    r"follow|folgen|subscribe|abonnieren|agencies|agency reports?|wire(?: services?| reports?)?|(?:news )?services?(?: reports?)?|reports|"
    r"ph\.?\s?d\.?|m\.?\s?d\.?|mba|dr\.?|prof\.?)$",  # a label alone; an academic degree split off ("Ann Lee, PhD")
    re.IGNORECASE,
)
# The label before the names, in many languages: "Von: Ann Lee", "Erstellt von Ann Lee", "Interview: Ann Lee",
# "Zeige alle Beiträge von Ann Lee", "Rezept von Ann Lee", "Texto: Ann Lee", "Par Ann Lee", "Por Ann Lee".
_LABEL = re.compile(
    r"^(?:.{0,30}?\b(?:beiträge|artikel|posts|articles|rezept|recipe|profil|profile)\s+(?:von|by|de|of)\s*:?\s*|"
    r"(?:ein(?:e|en)?\s+)?\w*(?:beitrag|kommentar|pressemitteilung|analyse|kolumne|bericht|rezension|reportage|essay)"
    r"\s+(?:von|by)\s+|"  # "Ein Gastbeitrag von Ann Lee", "Pressemitteilung von Ann Lee"
    r"(?:(?:erstellt|eingestellt|geschrieben|verfasst|veröffentlicht|publiziert|written|posted|published|reported|publié|publicado|"
    r"pubblicato|text|foto|fotos)\s+(?:von|by|par|por|da)\s*:?\s*)|"
    r"(?:von|by|par|por|de|di|door|av|af|przez|od|от|text|texto|testo|interview|autor|autorin|auteur|author)\s*:\s*|"
    r"(?-i:Von|VON|By|BY|by|Par|Por)\s+(?=\w))",  # "Von Ann Lee", never the "von" of "von Weizsäcker"
    re.IGNORECASE,
)
# What follows the names: "Ann Lee am 3. Mai" ("am"/"on"/"le" before a date cut off), "Ann Lee PhillyVoice Staff".
_TAIL = re.compile(
    r"\s+(?:am|on|le|el|il|op|på|w|dnia)$|\s+(?:\S+\s+)?(?:staff|redaktion)(?:\s+writer)?$|"
    r"\s+(?-i:am|on)\s+(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)$|"
    r"\s+(?-i:for|For)\s+(?:(?-i:the|The)\s+)?(?-i:[A-Z]).*$|"  # "Ann Lee For The Daily Courier", "Ann Lee for Example.com"
    r"\s+(?:follow|folgen|suivre|seguir)$|"  # a follow button's text
    r"\s+[-–—|·•]\s+(?:veröffentlicht|published|posted|publié|publicado|pubblicato)\b.*$",
    re.IGNORECASE,
)
# A legal form or the like: an organisation, not a person ("Bund der Energieverbraucher e.V", "Nordex SE").
_ORG_FORM = re.compile(
    r"(?:\b(?:e\.\s?v|gmbh|ag|se|ltd|inc|llc|s\.a|sa|s\.l|plc|kg|ohg|gbr|ug|corp)\.?|&\s*co\.?|\.(?:de|com|at|ch|it|net|org))$",
    re.IGNORECASE,
)


# A social handle after the name: "Ann Lee @annlee".
_HANDLE = re.compile(r"\s+@\w+$")
# The same name twice (an image's alt text and the link's): "annlee annlee", "Ann Lee Ann Lee".
_TWICE = re.compile(r"^(.{2,40}?)\s+\1$")


def clean_name(name: str) -> str:
    """An author string -> the name alone, labels, handles and trailing date particles or desks cut."""
    name = " ".join(name.split())
    for _ in range(2):
        name = _LABEL.sub("", name).strip(" :,-|")
    name = _HANDLE.sub("", _TAIL.sub("", name).strip(" :,-|"))
    return _TWICE.sub(r"\1", name)


_SITE_AND_NAME = re.compile(r"\s+[-–—|]\s+")
# Not a name at all: a sentence (a comment's text, a headline) with its exclamation or question mark, more than
# eight words.
_NOT_A_NAME = re.compile(r"[!?¡¿]|^(?:\S+\s+){8,}\S+$")


def people(names: list[str], organizations: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Author names -> the people among them (not the outlet, site accounts, desks or "Staff"), cleaned, in order.

    ``organizations``: comparison keys of the names the page gives its publisher
    (:func:`crawler.extract.generic.organization_names`).
    """
    out: list[str] = []
    for raw in names:
        if not isinstance(raw, str):
            continue
        name = clean_name(raw)
        if organizations and (parts := _SITE_AND_NAME.split(name)) and len(parts) == 2:
            # "Site - Ann Lee", "Ann Lee | Site": the part that is not the outlet.
            rest = [p for p in parts if not is_organization(p, set(organizations))]
            name = rest[0] if len(rest) == 1 else name
        if not name or _NOT_PERSON.match(name) or _ORG_FORM.search(name) or not any(c.isalpha() for c in name):
            continue
        if _NOT_A_NAME.search(name):
            continue
        if organizations and is_organization(name, set(organizations)):
            continue
        if name not in out:
            out.append(name)
    return out
