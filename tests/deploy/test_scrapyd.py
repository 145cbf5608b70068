"""A real Scrapyd on 127.0.0.1: deploy with scrapyd-deploy, schedule with byline-schedule, crawl the local Trend site.

Scrapyd runs in a temp dir (its own scrapyd.conf, free port, basic auth, eggs/logs/dbs there) with
a clean environment: no PYTHONPATH to this checkout, so jobs run the deployed egg, and no
``BYLINE_STATE_DIR``, so the seen-store is the per-user default (``XDG_STATE_HOME`` points into
the temp dir). Exported articles come from ``FEEDS`` passed per job through schedule.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.schedule import Scrapyd, ScrapydError
from tests.conftest import REPO_ROOT, need
from tests.support.trend_site import expected_records

USER, PASSWORD = "byline", "s3cret"
# No politeness delays (a local site), and a fixed breadth-first order so that of the site's two copies
# of one story the feed's (found first) is the one exported, as in expected.jsonl.
FAST = (
    "AUTOTHROTTLE_ENABLED=0", "DOWNLOAD_DELAY=0", "LOG_LEVEL=INFO", "CONCURRENT_REQUESTS=1", "DEPTH_PRIORITY=1",
    "SCHEDULER_MEMORY_QUEUE=scrapy.squeues.FifoMemoryQueue", "SCHEDULER_DISK_QUEUE=scrapy.squeues.PickleFifoDiskQueue",
)  # fmt: skip
PROJECT_FILES = ("crawler", "spiders", "pipelines", "pyproject.toml", "setup.py", "scrapy.cfg", "README.md")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "BYLINE_STATE_DIR", "SCRAPY_PROJECT")}
    env["XDG_STATE_HOME"] = str(home / "xdg-state")
    return env


@dataclass
class Server:
    url: str
    root: Path
    api: Scrapyd

    def state_dir(self) -> Path:
        return self.root / "xdg-state" / "byline"

    def wait(self, job: str, timeout: float = 90) -> None:
        """Until the job is finished (AssertionError after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.api._call("listjobs.json", [("project", "byline")], post=False)
            if any(j["id"] == job for j in jobs["finished"]):
                return
            time.sleep(0.3)
        raise AssertionError(f"job {job} did not finish in {timeout}s; log: {self.log(job)[-2000:]}")

    def log(self, job: str) -> str:
        path = self.root / "logs" / "byline" / "trend" / f"{job}.log"
        return path.read_text("utf-8") if path.exists() else ""


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory) -> Iterator[Server]:
    """Scrapyd started in a temp dir, with this checkout deployed by ``scrapyd-deploy``."""
    need(shutil.which("scrapyd-deploy") or _importable("scrapyd_client"), "scrapyd-client (pip install scrapyd-client)")
    need(_importable("scrapyd"), "scrapyd (pip install scrapyd)")
    root = tmp_path_factory.mktemp("scrapyd")
    port = _free_port()
    for d in ("eggs", "logs", "dbs"):
        (root / d).mkdir()
    (root / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\nusername = {USER}\npassword = {PASSWORD}\n"
        f"eggs_dir = {root / 'eggs'}\nlogs_dir = {root / 'logs'}\ndbs_dir = {root / 'dbs'}\n"
        "items_dir =\npoll_interval = 0.2\nmax_proc = 2\njobs_to_keep = 20\n",
        "utf-8",
    )
    env = _clean_env(root)
    server = Server(f"http://127.0.0.1:{port}", root, Scrapyd(f"http://127.0.0.1:{port}", (USER, PASSWORD)))
    with open(root / "scrapyd.out", "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=root, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            _wait_up(server, proc)
            _deploy(server, root / "project", env)
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _wait_up(server: Server, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError((server.root / "scrapyd.out").read_text("utf-8", "replace")[-3000:])
        try:
            server.api._call("daemonstatus.json", [], post=False)
            return
        except ScrapydError:
            time.sleep(0.2)
    raise AssertionError("scrapyd did not start")


def _deploy(server: Server, project: Path, env: dict[str, str]) -> None:
    """Copy the project (scrapyd-deploy writes build/ and *.egg-info beside setup.py) and deploy it."""
    project.mkdir()
    for name in PROJECT_FILES:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, project / name)
    with open(project / "scrapy.cfg", "a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:test]\nurl = {server.url}/\nproject = byline\nusername = {USER}\npassword = {PASSWORD}\n")
    proc = subprocess.run([sys.executable, "-m", "scrapyd_client.deploy", "test"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0 and '"status": "ok"' in proc.stdout, proc.stdout + proc.stderr
    assert "trend" in server.api.list_spiders("byline")


def _schedule(server: Server, site_url: str, out: Path, *extra: str) -> str:
    """``byline-schedule trend`` with the site, a FEEDS file and fast settings -> the job id."""
    feeds = json.dumps({out.as_uri(): {"format": "jsonlines", "encoding": "utf-8"}})
    args = ["--url", server.url, "--auth", f"{USER}:{PASSWORD}", "trend", "-a", f"base_url={site_url}",
            "-s", f"FEEDS={feeds}", *[a for s in FAST for a in ("-s", s)], *extra]
    proc = subprocess.run([sys.executable, "-m", "crawler.schedule", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    match = re.fullmatch(r"trend (\w+)\n", proc.stdout)
    assert match, proc.stdout
    return match.group(1)


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _health(server: Server, state: Path, job: str) -> dict:
    return json.loads((state / "health" / "trend" / f"{job}.json").read_text("utf-8"))


def test_scheduled_runs_export_only_what_is_new(scrapyd: Server, trend_site, tmp_path):
    expected_urls = sorted(r["url"] for r in expected_records(trend_site.base_url))

    job1 = _schedule(scrapyd, trend_site.base_url, tmp_path / "run1.jsonl")
    scrapyd.wait(job1)
    first = _records(tmp_path / "run1.jsonl")
    assert sorted(r["url"] for r in first) == expected_urls, scrapyd.log(job1)[-3000:]
    assert {r["revision"] for r in first} == {1}
    report = _health(scrapyd, scrapyd.state_dir(), job1)  # the per-user state dir, shared with shell runs
    assert report["healthy"] and report["articles_exported"] == len(expected_urls)
    assert "'finish_reason': 'finished'" in scrapyd.log(job1)

    job2 = _schedule(scrapyd, trend_site.base_url, tmp_path / "run2.jsonl")
    scrapyd.wait(job2)
    assert _records(tmp_path / "run2.jsonl") == [], scrapyd.log(job2)[-3000:]
    assert _health(scrapyd, scrapyd.state_dir(), job2)["incremental"]["skipped/known"] >= len(expected_urls) - 1

    # The London story is corrected, and the feed dates it a day later.
    page = trend_site.root / "world" / "europe" / "3900003.html"
    page.write_text(page.read_text("utf-8").replace("in spring.", "in April, the ministry said."), "utf-8")
    later = time.time() + 60
    os.utime(page, (later, later))
    feed = trend_site.root / "feeds" / "index.rss"
    text = feed.read_text("utf-8")
    assert "<pubDate>Tue, 25 Nov 2026 19:40:00 +0400</pubDate>" in text
    feed.write_text(text.replace("<pubDate>Tue, 25 Nov 2026 19:40:00 +0400</pubDate>",
                                 "<pubDate>Wed, 26 Nov 2026 19:40:00 +0400</pubDate>"), "utf-8")

    job3 = _schedule(scrapyd, trend_site.base_url, tmp_path / "run3.jsonl")
    scrapyd.wait(job3)
    third = _records(tmp_path / "run3.jsonl")
    assert [(r["url"], r["revision"]) for r in third] == [(trend_site.url("/world/europe/3900003.html"), 2)]
    assert "in April, the ministry said." in third[0]["article_body"]


def test_a_redesigned_site_makes_the_scrapyd_job_unhealthy(scrapyd: Server, trend_site, tmp_path):
    # The redesign renames the story container and drops og:title; <h1> becomes a styled <div>.
    for page in trend_site.root.rglob("*.html"):
        html = page.read_text("utf-8")
        html = html.replace('class="article-content article-paddings"', 'class="story-text"')
        html = re.sub(r"<h1>(.*?)</h1>", r'<div class="title">\1</div>', html)
        page.write_text(html, "utf-8")
    state = tmp_path / "state"  # a state of its own: every page is new to this run
    job = _schedule(scrapyd, trend_site.base_url, tmp_path / "broken.jsonl", "-s", f"STATE_DIR={state}")
    scrapyd.wait(job)
    log = scrapyd.log(job)
    assert "'finish_reason': 'unhealthy'" in log, log[-3000:]
    assert "Run failed (unhealthy)" in log
    report = _health(scrapyd, state, job)
    assert report["healthy"] is False
    assert any("article_body" in p for p in report["problems"]), report["problems"]
    # The generic extractor still finds most stories (issue 8), so the redesign shows as fallback share.
    assert report["fallback"]["article_body"] > 0.5, report
