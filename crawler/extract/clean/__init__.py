"""Cleaning steps shared by all sites.

Input processors take one value and return a value, a list or None (None drops the value).
They never raise on odd input. Cross-field steps (pulling the dateline, byline and editor
lines out of the body) live in :func:`split_body`, which the loader runs once per article.

One module per topic; this package exports every processor (``from crawler.extract import clean as p``).
"""

from crawler.extract.clean.dates import (
    as_tzinfo,
    aware,
    find_date,
    format_iso8601,
    parse_date,
    to_iso8601,
)
from crawler.extract.clean.lists import (
    TRACKING_PARAMS,
    absolute_url,
    dedupe_key,
    fetched_url,
    join_paragraphs,
    language_tag,
    split_tags,
    strip_site_suffix,
    strip_tracking,
    unique,
)
from crawler.extract.clean.names import (
    MONTH_RE,
    BodyParts,
    Byline,
    Lead,
    fold_i,
    month_number,
    parse_byline,
    parse_dateline,
    parse_editor,
    parse_lead,
    split_body,
    split_names,
)
from crawler.extract.clean.text import (
    clean_text,
    html_to_text,
    normalize_space,
)

__all__ = [
    "MONTH_RE",
    "TRACKING_PARAMS",
    "BodyParts",
    "Byline",
    "Lead",
    "absolute_url",
    "as_tzinfo",
    "aware",
    "clean_text",
    "dedupe_key",
    "fetched_url",
    "find_date",
    "fold_i",
    "format_iso8601",
    "html_to_text",
    "join_paragraphs",
    "language_tag",
    "month_number",
    "normalize_space",
    "parse_byline",
    "parse_date",
    "parse_dateline",
    "parse_editor",
    "parse_lead",
    "split_body",
    "split_names",
    "split_tags",
    "strip_site_suffix",
    "strip_tracking",
    "to_iso8601",
    "unique",
]
