"""Shared test helpers.

Tests that need something outside the Python install (the corpus, Debian's chromium, a moto or
scrapyd server) call :func:`need` so they skip with a reason - or fail when
``BYLINE_REQUIRE_ALL=1`` (set by .ci/run), under which nothing may skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# The seen-store (crawler/state/store.py) is on by default and persists between runs. Tests must not see
# earlier runs (a re-run of the suite would export nothing), nor write to the user's state dir:
# every crawl of the suite, in-process or in a `scrapy` subprocess (which inherits os.environ),
# keeps its store in memory. Tests of incremental crawling pass their own STATE_DIR.
os.environ["BYLINE_STATE_DIR"] = ":memory:"

# Shared fixtures defined in their own modules: trend_site (a local Trend-like site).
pytest_plugins = ["tests.support.trend_site"]


def need(condition: Any, reason: str) -> None:
    """Skip (or fail under BYLINE_REQUIRE_ALL=1) when ``condition`` is falsy."""
    if condition:
        return
    if os.environ.get("BYLINE_REQUIRE_ALL") == "1":
        pytest.fail(f"required for this test (BYLINE_REQUIRE_ALL=1): {reason}")
    pytest.skip(reason)


def scrapy_env(**extra: str) -> dict[str, str]:
    """Environment for a ``scrapy`` subprocess: this checkout first on the path, no stray settings."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    env.update(extra)
    return env


def run_scrapy(*args: str, cwd: Path | None = None, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy ARGS`` (as ``python -m scrapy``) with this checkout's code; returns the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd or REPO_ROOT,
        env=scrapy_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def spider_of():
    """``spider_of("trend", **kwargs)`` -> a spider instance bound to a test crawler."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.test import get_crawler

    loader = SpiderLoader.from_settings(get_project_settings())

    def make(name: str, settings: dict[str, Any] | None = None, **kwargs: Any):
        cls = loader.load(name)
        crawler = get_crawler(cls, settings_dict={"REMOTE_CONTROL_ENABLED": False, **(settings or {})})
        crawler.spider = cls.from_crawler(crawler, **kwargs)
        return crawler.spider

    return make
