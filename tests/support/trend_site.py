"""A local Trend-like news site for tests: the ``trend_site`` fixture and its expected crawl output.

``tests/conftest.py`` registers this module as a pytest plugin, so any test may ask for ``trend_site``::

    from tests.support.trend_site import CRAWL_SETTINGS, expected_records

    def test_something(trend_site):
        proc = run_scrapy("crawl", "trend", "-a", f"base_url={trend_site.base_url}", "-O", str(out), *CRAWL_SETTINGS)
        assert [strip(r) for r in read_jsonl(out)] == expected_records(trend_site.base_url)

``trend_site`` is function-scoped: each test gets its own copy of ``tests/fixtures/trend/site`` in
``tmp_path`` (``trend_site.root``; edit or add files freely) served on ``127.0.0.1:<free port>``
(``trend_site.base_url``, ``trend_site.url("/feeds/index.rss")``), a :class:`tests.support.site_server.Site`.

What the site holds (paths as on en.trend.az; the spider rewrites real-site URLs to the mirror):

- ``/robots.txt`` disallows ``/private/``; ``/feeds/index.rss`` lists 5 articles (one link with
  ``utm_*`` parameters);
- ``/latest/`` and ``/latest/2/`` (``ul.news-list``, ``rel=next`` pagination) list the rest;
- 6 distinct articles (``expected.jsonl``): English bylines with one, two and three authors, a lead
  without byline, an Azerbaijani-edition page (``Bakı. Trend:``, ``15 Noyabr 10:31 (UTC+04)``), a
  2014 page dated only by its visible ``span.date-time`` (``since=2015-01-01`` skips it);
- drops: the first article again via the feed's ``utm_*`` link (``news/dedupe/url``), the energy
  story republished under ``/business/economy/3900007.html`` (``news/dedupe/body``), a photo gallery
  (``news/skipped/not_article``), a truncated article page (``news/validate/missing/headline``), and
  ``/private/3900010.html`` (``robotstxt/forbidden``).

``expected.jsonl`` is the exact crawl output (one record per line, sorted by ``url``, export field
order), without ``fetched_at``; ``{base_url}`` in it stands for the mirror's address:
:func:`expected_records` fills it in. :data:`EXPECTED_STATS` are the stats a full crawl must show.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import FIXTURES
from tests.support.site_server import Site, serve

SITE_DIR = FIXTURES / "trend" / "site"
EXPECTED_FILE = SITE_DIR / "expected.jsonl"

EXPECTED_STATS: dict[str, int] = {
    "item_scraped_count": 6,
    "news/validate/ok": 7,
    # The feed's link to 3900001 carries utm_* parameters, the listing's does not: discovery drops
    # tracking parameters (NewsSpider.article_request), so that copy is never fetched (schema 1.1.0).
    "news/dedupe/url": 0,
    "news/dedupe/body": 1,
    "news/skipped/not_article": 1,
    "news/validate/missing/headline": 1,
    "news/dropped": 2,
    "robotstxt/forbidden": 1,
}
"""Stats of a full crawl of the site (no ``since``)."""

CRAWL_SETTINGS: tuple[str, ...] = (
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS=1", "-s", "DEPTH_PRIORITY=1",
    "-s", "SCHEDULER_MEMORY_QUEUE=scrapy.squeues.FifoMemoryQueue",
    "-s", "SCHEDULER_DISK_QUEUE=scrapy.squeues.PickleFifoDiskQueue",
)  # fmt: skip
"""``scrapy crawl`` options for the local site: fast (no throttling) and in a fixed, breadth-first order,
so that of the two copies of one story the feed's (found first) is the one exported."""
FAST_SETTINGS = CRAWL_SETTINGS  # the name the re-parse tests use


def expected_records(base_url: str) -> list[dict[str, Any]]:
    """The expected crawl output of a site served at ``base_url`` (sorted by url, without fetched_at)."""
    out = []
    for line in EXPECTED_FILE.read_text("utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line.replace("{base_url}", base_url)))
    return out


@pytest.fixture
def trend_site(tmp_path: Path) -> Iterator[Site]:
    """A fresh copy of the Trend-like site, served on 127.0.0.1 for this test (see module doc)."""
    root = tmp_path / "trend_site"
    shutil.copytree(SITE_DIR, root, ignore=shutil.ignore_patterns("expected.jsonl"))
    with serve(root) as site:
        yield site


_STAT_LINE = re.compile(r"^\s*[{ ]?'(?P<key>[^']+)':\s*(?P<value>-?\d+),?\}?\s*$")


def crawl_stats(log: str) -> dict[str, int]:
    """The integer stats of a ``scrapy crawl`` log (the "Dumping Scrapy stats" block)."""
    block = log.rsplit("Dumping Scrapy stats:", 1)[-1]
    out: dict[str, int] = {}
    for line in block.splitlines():
        if m := _STAT_LINE.match(line):
            out[m.group("key")] = int(m.group("value"))
    return out
