"""Settings and arguments checked before a crawl (crawler/checks.py), and the exit-status table
(crawler/runinfo.py EXIT_CODES, docs/exit-codes.md) as `scrapy crawl` applies it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler import checks
from crawler.runinfo import EXIT_CODES, exit_status
from tests.faults.util import Run
from tests.support.export_site import crawl_args, make_site
from tests.support.site_server import serve

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "uri",
    ["out/dir", "{tmp}/{spider}/{date_published:%Y/%m}/", "file://{tmp}/x/", "file://localhost{tmp}/x/",
     "s3://bucket/p/{run_id}/", "s3://KEY:SEC%2FRET@bucket/{spider}/", "s3://b/{section}/{fetched_at:%Y}/", "o/{{x}}/"],
)  # fmt: skip
def test_export_uris_accepted(uri: str, tmp_path: Path) -> None:
    # An absolute directory: this test's own (the URI is only checked, nothing is written).
    checks.check_export_uri(uri.replace("{tmp}", tmp_path.as_posix()))


@pytest.mark.parametrize(
    ("uri", "says"),
    [("ftp://x/", "scheme ftp://"), ("gs://b/", "scheme gs://"), ("HTTP://h/p", "scheme http://"),
     ("out/{nosuchfield}/", "unknown placeholder {nosuchfield}"), ("out/{section:%Y}/", "needs a date field"),
     ("out/{url!r}/", "conversions"), ("out/{spider/", "bad placeholder"), ("s3://KEY@b/", "KEY:SECRET@"),
     ("s3://{spider}/x/", "bucket cannot hold placeholders"), ("s3://bad bucket/", "invalid bucket name"),
     ("file://host/x/", "not a host"), ("https://u:p@h/x", "scheme https://")],
)  # fmt: skip
def test_export_uris_refused_with_the_reason(uri: str, says: str) -> None:
    with pytest.raises(checks.UsageProblem) as info:
        checks.check_export_uri(uri)
    assert str(info.value).startswith("EXPORT_URI: ") and says in str(info.value)
    assert "SECRET" not in str(info.value).replace("KEY:SECRET@ (", "")  # never echoes a secret


def test_spider_arguments() -> None:
    checks.check_arguments({"base_url": "http://127.0.0.1:8080", "since": "2026-11-01"})
    for args, says in [
        ({"base_url": "notaurl"}, "-a base_url: expected an http:// or https:// URL"),
        ({"base_url": "ftp://x/"}, "-a base_url"),
        ({"base_url": "http://h:99999/"}, "bad port"),
        ({"since": "not-a-date"}, "-a since: expected a date YYYY-MM-DD"),
        ({"since": "2026-13-01"}, "-a since"),
        ({"urls": "/nonexistent-links.txt"}, "-a urls: '/nonexistent-links.txt' is neither a URL"),
        ({"feeds": "http://ok/, mailto:x"}, "-a feeds"),
    ]:
        with pytest.raises(checks.UsageProblem) as info:
            checks.check_arguments(args)
        assert says in str(info.value), (args, str(info.value))


def test_spider_hooks(spider_of) -> None:
    from spiders.generic import GenericSpider
    from spiders.trend import TrendSpider

    with pytest.raises(checks.UsageProblem, match="-a edition: expected one of en, az, ru, got 'xx'"):
        checks.validate_run(TrendSpider, Settings(), {"edition": "xx"})
    with pytest.raises(checks.UsageProblem, match="generic spider needs at least one"):
        checks.validate_run(GenericSpider, Settings(), {})
    checks.validate_run(GenericSpider, Settings({"EXPORT_URI": "out/"}), {"urls": "http://a.example/1"})
    # The spiders' __init__ raise the same clear errors outside `scrapy crawl` (a ValueError).
    with pytest.raises(ValueError, match="-a base_url"):
        spider_of("trend", base_url="notaurl")
    with pytest.raises(ValueError, match="-a edition"):
        spider_of("trend", edition="xx")
    with pytest.raises(ValueError, match="-a urls"):
        spider_of("generic", urls="/nonexistent-links.txt")


def test_exit_status_table_matches_the_docs() -> None:
    assert exit_status("finished") == 0 and exit_status("closespider_itemcount") == EXIT_CODES["closespider"]
    assert exit_status("some_component_failure") == EXIT_CODES["failed"] == 1
    doc = (REPO / "docs" / "exit-codes.md").read_text("utf-8")
    rows = dict(re.findall(r"^\| `([a-z_*]+)` \| (\d+) \|", doc, re.MULTILINE))
    assert {k: int(v) for k, v in rows.items()} == {"closespider_*" if k == "closespider" else k: v
                                                     for k, v in EXIT_CODES.items()}  # fmt: skip


def test_probes_exit_with_the_documented_status(tmp_path: Path) -> None:
    """The issue's probes, as `scrapy crawl` runs them (all at once: the machine is shared)."""
    with serve(make_site(tmp_path / "site", 12)) as site:
        out, spool = tmp_path / "out", tmp_path / "spool"
        local = ["-s", "SPIDER_MODULES=tests.support.spiders", "-s", "ROBOTSTXT_OBEY=False"]
        probes = {
            "ftp": (["crawl", "trend", "-s", "EXPORT_URI=ftp://x/"], EXIT_CODES["usage"]),
            "base_url": (["crawl", "trend", "-a", "base_url=notaurl"], EXIT_CODES["usage"]),
            "since": (["crawl", "trend", "-a", "since=not-a-date"], EXIT_CODES["usage"]),
            "urls": (["crawl", "generic", "-a", "urls=/nonexistent-links.txt"], EXIT_CODES["usage"]),
            "start_error": (["crawl", "broken_start", *local], EXIT_CODES["start_error"]),
            "closespider": (
                crawl_args(site.base_url, str(out), spool, CLOSESPIDER_ITEMCOUNT="3", CONCURRENT_REQUESTS="1"),
                EXIT_CODES["closespider"],
            ),
        }
        runs = {name: Run(args, tmp_path / f"{name}.log", {}) for name, (args, _) in probes.items()}
        results = {name: run.wait(120) for name, run in runs.items()}
    for name, (_, expected) in probes.items():
        code, log = results[name]
        assert code == expected, (name, log[-2000:])
        assert "Traceback" not in log or name == "start_error", (name, log[-2000:])
        if expected == EXIT_CODES["usage"]:
            [line] = [x for x in log.splitlines() if "error:" in x]
            assert line.startswith("scrapy crawl: error: "), line
            assert "Spider opened" not in log
        else:
            assert f"Exit status {expected} (" in log, (name, log[-2000:])
    assert not list(REPO.glob("ftp:*")) and not list(Path.cwd().glob("ftp:*"))  # nothing written


def test_checked_export_formats_are_the_exporter_formats() -> None:
    from crawler.checks import EXPORT_FORMATS
    from crawler.export.config import FORMATS

    assert set(EXPORT_FORMATS) == set(FORMATS)
