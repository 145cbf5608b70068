"""A local news site for the export tests, the crawl arguments that export it, and readers of what a run stored."""


from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

SPIDER = "export_local_news"


def make_site(root: Path, n: int) -> Path:
    """N article pages over three publication days, linked from /index.html."""
    root.mkdir(parents=True, exist_ok=True)
    links = []
    for i in range(n):
        (root / f"a{i}.html").write_text(
            f'<html><body><article data-section="s{i % 2}"><h1>Story {i} – ünïcode</h1>'
            f'<time datetime="2014-06-{10 + i % 3}T14:32:00+04:00"></time>'
            f"<p>Body of story {i}.</p><p>Second paragraph {i}.</p></article></body></html>",
            "utf-8",
        )
        links.append(f'<a class="story" href="a{i}.html">{i}</a>')
    (root / "index.html").write_text("<html><body>" + "".join(links) + "</body></html>", "utf-8")
    return root


def crawl_args(base_url: str, uri: str, spool: Path, **settings: Any) -> list[str]:
    opts = {
        "SPIDER_MODULES": "tests.support.spiders",
        "AUTOTHROTTLE_ENABLED": "False",
        "ROBOTSTXT_OBEY": "False",
        "LOG_LEVEL": "INFO",
        "EXPORT_URI": uri,
        "EXPORT_SPOOL_DIR": str(spool),
        "EXPORT_BATCH_ITEMS": "5",
        "EXPORT_RETRY_BACKOFF": "0.2",
        "EXPORT_RETRY_BACKOFF_MAX": "1",
        "EXPORT_RETRY_CLOSE_TIMEOUT": "1",
        "EXPORT_S3_TIMEOUT": "2",
        **{k: str(v) for k, v in settings.items()},
    }
    args = ["crawl", SPIDER, "-a", f"base_url={base_url}"]
    for key, value in opts.items():
        args += ["-s", f"{key}={value}"]
    return args


def records_of(blobs: dict[str, bytes]) -> list[dict[str, Any]]:
    """Articles in exported parts (JSON Lines or JSON, gzip or not); manifests and sidecars skipped."""
    out: list[dict[str, Any]] = []
    for key, data in blobs.items():
        if "/part-" not in "/" + key:
            continue
        if key.endswith(".gz"):
            data = gzip.decompress(data)
        if key.removesuffix(".gz").endswith(".json"):
            out += json.loads(data)
        else:
            out += [json.loads(line) for line in data.splitlines()]
    return out


def spool_records(spool: Path) -> list[dict[str, Any]]:
    """Articles still in the spool: finished parts and whole lines of open parts."""
    blobs = {}
    for path in spool.glob("*/ready/part-*"):
        if not path.name.endswith((".meta.json", ".tmp")):
            blobs["/" + path.name] = path.read_bytes()
    out = records_of(blobs)
    for path in spool.glob("*/open/*.jsonl"):
        out += [json.loads(line) for line in path.read_bytes().splitlines(keepends=True) if line.endswith(b"\n")]
    return out


def scraped_count(stderr: str) -> int:
    for line in stderr.splitlines():
        if "'item_scraped_count':" in line:
            return int(line.split(":")[1].strip(" ,}"))
    return 0


# --- templates ------------------------------------------------------------------------------------


