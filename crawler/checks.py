"""Settings and spider arguments checked before a crawl starts.

A value that cannot work is a usage error: ``scrapy crawl`` / ``scrapy reparse`` print one line
naming the setting or argument and what is accepted, write nothing and exit 2 (see
docs/exit-codes.md). Scrapy 2.19 would otherwise swallow a spider ``__init__`` error into
"Task exception was never retrieved", or let a bad value fail later (an ``ftp://`` export URI
becoming a local folder named ``ftp:``).

:func:`validate_run` checks the project-wide settings (``EXPORT_URI``, ``EXPORT_FORMAT``) and the
arguments every news spider shares (``base_url``, ``since``, and ``urls``/``feeds``/``sitemaps``
when given), then calls the spider class's own ``check_arguments(args)`` classmethod, if it has
one, for its own arguments (``edition`` in spiders/trend.py, the URL sources of spiders/generic.py).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from crawler.items import ARTICLE_FIELDS
from crawler.redact import redact_uri, split_credentials

EXPORT_SCHEMES = ("file", "s3")
"""URI schemes EXPORT_URI accepts; anything else with ``://`` is an error (a plain path is fine)."""
STATIC_FIELDS = ("spider", "run_id")
DATE_FIELDS = ("date_published", "date_modified", "fetched_at")
"""Article fields a ``{field:%Y/%m}`` date format may be applied to."""
EXPORT_FORMATS = ("jsonlines", "jsonl", "json", "parquet")
"""EXPORT_FORMAT values (the keys of crawler.export.config.FORMATS, which imports this module)."""
_BUCKET = re.compile(r"^[a-zA-Z0-9.\-_]{1,255}$")
"""botocore's own rule for a bucket name (stricter AWS rules are the store's to enforce)."""
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class UsageProblem(ValueError):
    """A setting or spider argument that cannot work: ``name`` and a message saying what is accepted."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


# --- settings -----------------------------------------------------------------------------------


def check_export_uri(uri: str) -> None:
    """EXPORT_URI: a path, ``file:///abs/path/`` or ``s3://[KEY:SECRET@]bucket/prefix/``, placeholders
    ``{spider}``, ``{run_id}`` or an Article field (``{date_published:%Y/%m/%d}``). Raises UsageProblem."""
    name = "EXPORT_URI"
    shown = redact_uri(uri)
    match = _SCHEME.match(uri)
    scheme = match.group(1).lower() if match and "://" in uri[: match.end() + 2] else ""
    if scheme and scheme not in EXPORT_SCHEMES:
        raise UsageProblem(
            name, f"scheme {scheme}:// is not supported ({shown}); give a path, file:///path/ or s3://bucket/prefix/"
        )
    if scheme == "file":
        host = urlsplit(uri).netloc
        if host not in ("", "localhost"):
            raise UsageProblem(name, f"file:// URIs name a local path (file:///path/), not a host: {shown}")
    bare, user, password = split_credentials(uri)
    if scheme == "s3":
        if (user is None) != (password is None):
            raise UsageProblem(name, f"credentials in an s3:// URI are KEY:SECRET@ (both parts): {shown}")
        bucket = bare[len("s3://") :].split("/", 1)[0]
        if "{" in bucket:
            raise UsageProblem(name, f"the bucket cannot hold placeholders: {shown}")
        if not _BUCKET.match(bucket):
            raise UsageProblem(
                name, f"invalid bucket name {bucket!r}: letters, digits, '.', '-' and '_' (1-255): {shown}"
            )
    elif user is not None:
        raise UsageProblem(name, f"credentials are only accepted in s3:// URIs: {shown}")
    check_placeholders(name, bare)


def check_placeholders(name: str, template: str) -> None:
    """``{field}`` / ``{field:%Y}`` in ``template`` must name ``spider``, ``run_id`` or an Article field."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise UsageProblem(name, f"bad placeholder in {redact_uri(template)}: {exc} (write {{{{ for a brace)") from None
    accepted = f"accepted: {', '.join(STATIC_FIELDS)} and the Article fields ({', '.join(ARTICLE_FIELDS)})"
    for _, field, spec, conv in parsed:
        if field is None:
            continue
        if field not in STATIC_FIELDS and field not in ARTICLE_FIELDS:
            raise UsageProblem(name, f"unknown placeholder {{{field}}}; {accepted}")
        if conv:
            raise UsageProblem(name, f"{{{field}!{conv}}}: conversions are not supported")
        if spec and "%" in spec and field not in DATE_FIELDS:
            raise UsageProblem(name, f"{{{field}:{spec}}}: a date format needs a date field ({', '.join(DATE_FIELDS)})")
        if spec and "{" in spec:
            raise UsageProblem(name, f"{{{field}:{spec}}}: nested placeholders are not supported")


def check_settings(settings: BaseSettings) -> None:
    """The project-wide settings a run depends on (EXPORT_URI, EXPORT_FORMAT). Raises UsageProblem."""
    uri = settings.get("EXPORT_URI")
    if uri:
        check_export_uri(str(uri))
        fmt = str(settings.get("EXPORT_FORMAT") or "jsonlines").lower()
        if fmt not in EXPORT_FORMATS:
            raise UsageProblem("EXPORT_FORMAT", f"{fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")


# --- spider arguments -------------------------------------------------------------------------


def check_http_url(name: str, value: str) -> str:
    """``value`` must be an absolute http(s) URL with a host; returns it stripped."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageProblem(
            f"-a {name}", f"expected an http:// or https:// URL such as https://www.example.com/, got {value!r}"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageProblem(f"-a {name}", f"bad port in {value!r}") from None
    return value


def check_since(value: str) -> date:
    """``since``: a date ``YYYY-MM-DD``."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageProblem("-a since", f"expected a date YYYY-MM-DD (e.g. 2026-11-01), got {value!r}") from None


def url_list(name: str, value: str) -> list[str]:
    """``u1,u2`` or the path of a file with one URL a line (``#`` comments) -> the URLs, each checked.

    Raises UsageProblem for a missing or unreadable file, a non-http(s) entry, or no URL at all.
    """
    value = value.strip()
    if "://" in value:
        urls = [u.strip() for u in value.split(",") if u.strip()]
        where = ""
    else:
        path = Path(value).expanduser()
        if not path.is_file():
            raise UsageProblem(
                f"-a {name}", f"{value!r} is neither a URL (http://..., comma-separated) nor an existing file of URLs"
            )
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageProblem(f"-a {name}", f"cannot read {value}: {exc}") from None
        urls = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        where = f" in {value}"
    if not urls:
        raise UsageProblem(f"-a {name}", f"no URL given{where}")
    for url in urls:
        try:
            check_http_url(name, url)
        except UsageProblem as exc:
            raise UsageProblem(f"-a {name}", str(exc).split(": ", 1)[1] + where) from None
    return urls


def check_choice(name: str, value: str, choices: Mapping[str, Any] | tuple[str, ...]) -> str:
    """``value`` must be one of ``choices``."""
    if value not in choices:
        raise UsageProblem(f"-a {name}", f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def check_arguments(args: Mapping[str, str]) -> None:
    """The arguments shared by every news spider: ``base_url``, ``since``, ``urls``/``feeds``/``sitemaps``."""
    if args.get("base_url") is not None:
        check_http_url("base_url", args["base_url"])
    if args.get("since"):
        check_since(args["since"])
    for name in ("urls", "feeds", "sitemaps"):
        if args.get(name):
            url_list(name, args[name])


def validate_run(spidercls: type, settings: BaseSettings, args: Mapping[str, str]) -> None:
    """Everything a crawl of ``spidercls`` with ``settings`` and ``-a`` ``args`` needs; raises UsageProblem.

    A spider class adds checks of its own arguments with a classmethod ``check_arguments(args)``.
    """
    check_settings(settings)
    check_arguments(args)
    hook = getattr(spidercls, "check_arguments", None)
    if callable(hook):
        hook(dict(args))


def report_usage(command: str, problem: UsageProblem, settings: BaseSettings) -> int:
    """Print the one-line usage error (and log it when the log goes to a file, e.g. Scrapyd's job log).

    Returns the exit status for a usage error (2).
    """
    import logging
    import sys

    from crawler.runinfo import EXIT_CODES

    line = f"scrapy {command}: error: {problem}"
    print(line, file=sys.stderr)
    if settings.get("LOG_FILE"):
        logging.getLogger(__name__).error("%s", line)
    return EXIT_CODES["usage"]
