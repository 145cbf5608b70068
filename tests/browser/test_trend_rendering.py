"""The browser fallback on the real Trend spider: stories written into their container by scripts.

The local Trend-like site (tests/support/trend_site.py) is changed so that three article pages arrive with an
empty ``div.article-content.article-paddings`` and a script that fetches the story and writes it in
after load. The crawl must still export exactly the site's expected records.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import REPO_ROOT, need, run_scrapy
from tests.support.trend_site import CRAWL_SETTINGS, EXPECTED_STATS, crawl_stats, expected_records

SCRIPTED = ["azerbaijan/politics/3900001.html", "world/europe/3900003.html", "azerbaijan/siyaset/3900004.html"]
_STORY = re.compile(r'(<div class="article-content article-paddings">)(.*?)(</div>)', re.DOTALL)
_LOADER = """<script>
  // The story arrives after load, from the site's JSON API.
  window.addEventListener("load", () => setTimeout(async () => {
    const story = await (await fetch("/api/{id}.json")).json();
    document.querySelector("div.article-content.article-paddings").innerHTML = story.html;
  }, 50));
</script>
</head>"""


def script_the_story(root: Path, path: str) -> None:
    """Move a page's story out of its HTML into ``/api/<id>.json``, written back by a script after load."""
    page = root / path
    html = page.read_text("utf-8")
    match = _STORY.search(html)
    assert match and "<div" not in match.group(2), path
    story_id = Path(path).stem
    (root / "api").mkdir(exist_ok=True)
    (root / "api" / f"{story_id}.json").write_text(json.dumps({"html": match.group(2)}), "utf-8")
    html = html[: match.start(2)] + html[match.end(2) :]
    page.write_text(html.replace("</head>", _LOADER.replace("{id}", story_id), 1), "utf-8")


def test_trend_spider_renders_scripted_stories_once(trend_site, tmp_path: Path) -> None:
    need(shutil.which("chromium"), "Debian's chromium (apt-get install chromium)")
    for path in SCRIPTED:
        script_the_story(trend_site.root, path)
    out = tmp_path / "out.jsonl"
    proc = run_scrapy(
        "crawl", "trend", "-a", f"base_url={trend_site.base_url}", "-O", str(out), *CRAWL_SETTINGS, cwd=REPO_ROOT
    )  # fmt: skip
    log = proc.stderr + proc.stdout
    assert proc.returncode == 0, log[-3000:]
    stats = crawl_stats(log)
    records = sorted((json.loads(line) for line in out.read_text("utf-8").splitlines()), key=lambda r: r["url"])
    for record in records:
        record.pop("fetched_at")
    assert records == expected_records(trend_site.base_url)
    # The feed links 3900001 with utm_* parameters, the listing without: discovery drops tracking
    # parameters, so it is one request, rendered once.
    assert stats["news/browser/fallback"] == len(SCRIPTED)
    assert stats["news/browser/rendered"] == len(SCRIPTED)
    assert stats["playwright/page_count"] == stats["playwright/page_count/closed"]
    for key, value in EXPECTED_STATS.items():
        assert stats.get(key, 0) == value, (key, stats.get(key))


def test_trend_site_without_scripts_needs_no_browser(trend_site, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    proc = run_scrapy(
        "crawl", "trend", "-a", f"base_url={trend_site.base_url}", "-O", str(out), *CRAWL_SETTINGS, cwd=REPO_ROOT
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not [k for k in crawl_stats(proc.stderr) if k.startswith(("playwright/", "news/browser/"))]
    assert "Launching browser" not in proc.stderr
