"""Test inputs of the cluster tests: a bigger Trend-like site, and WARC files of Trend pages.

:func:`big_trend_site` is ``tests/fixtures/trend/site`` plus N more articles (clones of one article
page with their own id, headline and story), all listed in the RSS feed: enough pages for two workers
to share and for one to be killed mid-run.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.support.reparse_util import write_warc
from tests.support.trend_site import SITE_DIR, expected_records

TEMPLATE = SITE_DIR / "world" / "europe" / "3900003.html"
FIRST_ID = 3910000


def clone_article(i: int) -> tuple[str, str]:
    """The i-th extra article: (path on the site, HTML)."""
    page_id = FIRST_ID + i
    html = TEMPLATE.read_text("utf-8")
    html = html.replace("3900003", str(page_id))
    html = html.replace("Energy ministers meet in London", f"Cluster story {i}: ministers meet in London")
    html = html.replace(
        "Energy ministers of twelve countries met in London on Tuesday to discuss the security of supplies.",
        f"Story {i}: ministers of {i + 2} countries met in London on Tuesday to discuss supply route {i * 7}.",
    )
    return f"world/europe/{page_id}.html", html


def big_trend_site(root: Path, n: int) -> Path:
    """A copy of the Trend-like site at ``root`` with ``n`` more articles, all in the feed; returns ``root``."""
    shutil.copytree(SITE_DIR, root, ignore=shutil.ignore_patterns("expected.jsonl"))
    items = []
    for i in range(n):
        path, html = clone_article(i)
        (root / path).write_text(html, "utf-8")
        items.append(
            f"<item><title>Cluster story {i}</title><link>https://en.trend.az/{path}</link>"
            f"<pubDate>Tue, 25 Nov 2026 19:40:00 +0400</pubDate></item>"
        )
    feed = root / "feeds" / "index.rss"
    feed.write_text(feed.read_text("utf-8").replace("</channel>", "".join(items) + "</channel>"), "utf-8")
    return root


def big_site_urls(base_url: str, n: int) -> set[str]:
    """URLs of every article of :func:`big_trend_site` served at ``base_url``."""
    urls = {r["url"] for r in expected_records(base_url)}
    return urls | {f"{base_url}/{clone_article(i)[0]}" for i in range(n)}


def trend_warcs(directory: Path, n_extra: int, files: int) -> list[Path]:
    """WARC files of Trend pages on their real URLs: the fixture site's pages and ``n_extra`` clones.

    Spread over ``files`` files; one article is stored in two files (each worker may meet it), and
    the republished energy story follows the original in the same file (so which copy is kept does
    not depend on which worker reads it).
    """
    directory.mkdir(parents=True, exist_ok=True)
    pages: list[tuple[str, str]] = []
    for path in sorted(SITE_DIR.rglob("*.html")):
        rel = path.relative_to(SITE_DIR).as_posix()
        if rel.startswith(("latest/", "private/")):
            continue
        pages.append((rel, path.read_text("utf-8")))
    pages += [clone_article(i) for i in range(n_extra)]
    host = {"azerbaijan/siyaset/3900004.html": "az.trend.az"}
    records: list[list[dict[str, Any]]] = [[] for _ in range(files)]
    energy = [p for p in pages if p[0] in ("business/energy/3900002.html", "business/economy/3900007.html")]
    rest = [p for p in pages if p not in energy]
    for k, (rel, html) in enumerate(rest):
        records[k % files].append({"url": f"https://{host.get(rel, 'en.trend.az')}/{rel}", "body": html,
                                   "date": "2026-11-28T10:00:00Z"})  # fmt: skip
    records[0] += [{"url": f"https://en.trend.az/{rel}", "body": html, "date": "2026-11-28T10:00:00Z"}
                   for rel, html in sorted(energy, key=lambda p: p[0] != "business/energy/3900002.html")]  # fmt: skip
    if files > 1:
        records[-1].append(dict(records[1][0]))  # the same page again, in another file
    return [write_warc(directory / f"part-{k:02d}.warc.gz", recs) for k, recs in enumerate(records)]
