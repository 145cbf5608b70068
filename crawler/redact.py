"""Secrets never reach a log line: credentials in URIs and secret settings are masked.

Two kinds of secret:

* credentials inside a URI (``s3://KEY:SECRET@bucket/``, the form Scrapy's ``FEEDS`` accepts,
  ``https://user:pass@proxy``): the whole user-info part becomes ``***``, in any text;
* the values of settings whose name marks them as secret (:func:`is_secret_setting`): each value
  is replaced by ``***`` wherever it appears (a botocore error, a traceback...).

:class:`RedactingFilter` applies both to every record that reaches the log handlers, and rebuilds
Scrapy's "Overridden settings" INFO line with every ``AWS_*``, ``*SECRET*``, ``*PASSWORD*``,
``*TOKEN*`` setting masked. :func:`install` applies it to every record the process creates (the
crawl, reparse and export-flush commands call it right after creating their crawler, before
Scrapy logs the settings).
"""

from __future__ import annotations

import logging
import pprint
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from scrapy.settings import BaseSettings

MASK = "***"
SECRET_NAME = re.compile(r"^AWS_|SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|CREDENTIAL", re.IGNORECASE)
"""Setting names whose values are masked in the overridden-settings line."""
_SCRUB_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|ACCESS_KEY|CREDENTIAL", re.IGNORECASE)
"""Setting names whose values are scrubbed from every log line (AWS_REGION_NAME etc. are not secrets)."""
URI_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s'\"<>]+)@")
"""``scheme://user:pass@`` in any text."""
_MIN_SECRET = 4
"""Shorter values are not scrubbed from free text (they would mask ordinary words)."""


def is_secret_setting(name: str) -> bool:
    """``AWS_*``, ``*SECRET*``, ``*PASSWORD*``, ``*TOKEN*``, ``*API_KEY*``, ``*CREDENTIAL*`` -> True."""
    return bool(SECRET_NAME.search(name))


def redact_uri(uri: str) -> str:
    """``s3://KEY:SECRET@bucket/p/`` -> ``s3://***@bucket/p/``; other text unchanged."""
    return URI_USERINFO.sub(lambda m: m.group("scheme") + MASK + "@", uri)


def split_credentials(uri: str) -> tuple[str, str | None, str | None]:
    """``s3://KEY:SECRET@bucket/p`` -> (``s3://bucket/p``, ``KEY``, ``SECRET``), percent-escapes undone.

    A URI without user info comes back unchanged with (None, None). A secret holding ``/`` must be
    written ``%2F`` in the URI (as in any URL).
    """
    if "://" not in uri:
        return uri, None, None
    scheme, rest = uri.split("://", 1)
    netloc, sep, path = rest.partition("/")
    if "@" not in netloc:
        return uri, None, None
    userinfo, _, host = netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    return f"{scheme}://{host}{sep}{path}", unquote(user) or None, unquote(password) or None


def uri_secrets(uri: str) -> set[str]:
    """The user name and password in ``uri`` (as written and percent-decoded)."""
    found: set[str] = set()
    for match in URI_USERINFO.finditer(uri):
        user, _, password = match.group("userinfo").partition(":")
        for value in (user, password):
            if value:
                found |= {value, unquote(value), quote(unquote(value), safe="")}
    return found


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a setting value (dicts, lists, BaseSettings)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (BaseSettings, dict)):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _strings(item)


def settings_secrets(settings: BaseSettings) -> set[str]:
    """Secret values in ``settings``: secret-named settings, and credentials of any URI in any setting."""
    found: set[str] = set()
    for name, value in settings.items():
        if _SCRUB_NAME.search(name) and isinstance(value, str) and value:
            found.add(value)
        for text in _strings(value):
            if "@" in text and "://" in text:
                found |= uri_secrets(text)
    return {s for s in found if len(s) >= _MIN_SECRET}


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URI credentials and each of ``secrets`` masked."""
    text = redact_uri(text)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def masked_settings(settings: BaseSettings, overridden: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """(name, value) pairs -> a dict with secret-named values masked and URI credentials hidden."""
    secrets = settings_secrets(settings)
    out: dict[str, Any] = {}
    for name, value in overridden:
        if is_secret_setting(name):
            out[name] = MASK
        elif isinstance(value, str):
            out[name] = redact_text(value, secrets)
        else:
            out[name] = value
    return out


class RedactingFilter(logging.Filter):
    """Masks secrets in every record it sees (install it on handlers, so records of every logger pass it)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__()
        self.settings = settings
        self._frozen: list[str] | None = None

    @property
    def secrets(self) -> list[str]:
        # Read at log time: add-ons and spiders may change settings until the crawl freezes them.
        if self._frozen is not None:
            return self._frozen
        found = sorted(settings_secrets(self.settings), key=len, reverse=True)
        if self.settings.frozen:
            self._frozen = found
        return found

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets
        if record.name == "scrapy.crawler" and str(record.msg).startswith("Overridden settings"):
            from scrapy.settings import overridden_settings

            shown = masked_settings(self.settings, overridden_settings(self.settings))
            record.msg, record.args = "Overridden settings:\n%(settings)s", {"settings": pprint.pformat(shown)}
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: let the handler report it as usual
            return True
        clean = redact_text(message, secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, secrets)
        return True


_active: RedactingFilter | None = None


def install(settings: BaseSettings) -> RedactingFilter:
    """Redact every log record of this process from now on, reading secrets from ``settings``.

    It works at record creation (``logging.setLogRecordFactory``), not on a handler: Scrapy replaces
    its root handler when a crawl starts (``Crawler.crawl``), which would drop a handler filter.
    """
    global _active
    _active = RedactingFilter(settings)
    base = logging.getLogRecordFactory()
    if not getattr(base, "news_redacting", False):

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = base(*args, **kwargs)
            if _active is not None:
                _active.filter(record)
            return record

        factory.news_redacting = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(factory)
    return _active


def safe_uri(uri: str) -> str:
    """A URI fit for files and logs (``run.json``, manifests): credentials removed."""
    return redact_uri(uri) if urlsplit(uri).username is None else split_credentials(uri)[0]
