"""Bounded fuzzing (hypothesis) of the shared processors and of the WARC reader, under a time budget.

Processors promise never to raise on odd input (crawler/extract/clean.py docstring); the WARC reader
promises that damaged bytes are counted skips, never an exception or a hang. Each property runs a
fixed number of examples with a per-example deadline, so the whole file stays within seconds.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import clean as p

BUDGET = settings(max_examples=60, deadline=1000, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip

# Odd input: any text (control characters, surrogates excluded by hypothesis), HTML-ish text, None,
# numbers, lists - what selectors and JSON-LD hand to processors.
HTMLISH = st.lists(
    st.sampled_from(["<p>", "</p>", "<br>", "<script>", "&amp;", "&#0;", "&#x110000;", "<!--", "By ", " and ",
                     "Baku, Azerbaijan, June 18", "Edited by CN", "2014-06-18T14:32:00+04:00", "\u00a0", "\x00",
                     "18 June 2014 15:49 (UTC+04)", "|", ",", "\n", "Trend", "\ufeff", "٣", "Ⅻ"]),
    max_size=12,
).map("".join)  # fmt: skip
ODD = st.one_of(st.none(), st.text(max_size=300), HTMLISH, st.integers(), st.floats(allow_nan=True),
                st.lists(st.text(max_size=40), max_size=5))  # fmt: skip

ONE_ARG = [p.normalize_space, p.clean_text, p.html_to_text, p.parse_byline, p.split_names, p.parse_dateline,
           p.parse_editor, p.parse_lead, p.as_tzinfo, p.parse_date, p.to_iso8601, p.split_tags, p.language_tag,
           p.strip_site_suffix, p.find_date]  # fmt: skip


@pytest.mark.parametrize("func", ONE_ARG, ids=lambda f: f.__name__)
@BUDGET
@given(value=ODD)
def test_processors_never_raise_on_odd_input(func, value: Any) -> None:
    if func in (p.normalize_space, p.find_date, p.parse_byline) and not isinstance(value, str):
        value = "" if value is None else str(value)  # these take text only (typed str)
    func(value)


@BUDGET
@given(
    paragraphs=st.lists(st.one_of(st.text(max_size=200), HTMLISH), max_size=8),
    headline=st.one_of(st.none(), st.text(max_size=80)),
)
def test_split_body_never_raises(paragraphs: list[str], headline: str | None) -> None:
    parts = p.split_body(paragraphs, headline)
    assert parts is not None


@BUDGET
@given(url=st.one_of(st.text(max_size=200), st.builds(lambda a, b: f"https://x.example/{a}?utm_source={b}&id=1",
                                                      st.text(max_size=30), st.text(max_size=10))))  # fmt: skip
def test_url_keys_never_raise(url: str) -> None:
    try:
        key = p.dedupe_key(url)
    except ValueError:
        # urllib rejects some hosts (invalid IPv6 literals...): a ValueError, never anything else.
        return
    assert isinstance(key, str)


# --- the WARC reader ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warc_bytes(tmp_path_factory) -> dict[str, bytes]:
    from tests.support.reparse_util import story_html, write_warc

    root = tmp_path_factory.mktemp("fuzz-warc")
    # A fixed WARC-Date: the same bytes every run (the examples must not depend on the clock).
    records = [
        {"url": f"https://news.example/story/{n}.html", "body": story_html(n), "date": "2024-05-01T10:00:00Z"}
        for n in range(4)
    ]
    return {
        "gz": write_warc(root / "a.warc.gz", records).read_bytes(),
        "plain": write_warc(root / "a.warc", records, gzip=False).read_bytes(),
    }


@pytest.mark.parametrize("kind", ["gz", "plain"])
@settings(max_examples=80, deadline=3000, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_warc_reader_survives_any_damage(warc_bytes, tmp_path_factory, kind: str, data: Any) -> None:
    from crawler.archive.sources import read_warc

    raw = bytearray(warc_bytes[kind])
    edits = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)), max_size=20))
    for at, byte in edits:
        raw[at] = byte
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(raw))))
    if cut is not None:
        del raw[cut:]
    path = Path(tmp_path_factory.getbasetemp()) / f"fuzz.{'warc.gz' if kind == 'gz' else 'warc'}"
    path.write_bytes(bytes(raw))
    skips: Counter[str] = Counter()
    started = time.monotonic()
    pages = list(read_warc(path, lambda key, *_a, **_k: skips.update([key]), max_size=1 << 20))
    assert time.monotonic() - started < 3
    for page in pages:
        # A gzip member's CRC covers the WARC header too: only real records come out. A plain WARC
        # has no check on its headers (digests cover the block), so a flipped letter in a URL path
        # can pass; what comes out is still a well-formed http(s) URL on a real host name.
        if kind == "gz":
            assert page.url.startswith("https://news.example/story/"), page.url
        else:
            assert re.fullmatch(r"https?://[\w.-]+(:\d+)?/\S*", page.url), page.url
    # Every record either comes out or is counted; a damaged file still yields its intact records.
    assert pages or skips or not raw
