"""Helpers of the re-parse / archive / replay tests: a tiny news site on disk, WARC writing, JSONL reading."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TEST_SPIDERS = "SPIDER_MODULES=tests.support.spiders.example_news"


def story_html(n: int, charset: str = "utf-8", text: str | None = None) -> str:
    """An article page of news.example (the ``example_news`` test spider's layout)."""
    words = text or f"Story number {n} tells what happened in the harbour today."
    return (
        f'<!doctype html><html lang="en"><head><meta charset="{charset}"><title>Story {n} | News</title></head>'
        f'<body><nav><a href="/">Home</a></nav><h1>Headline {n}</h1>'
        f'<time datetime="2024-05-{n % 28 + 1:02d}T10:00:00+04:00">May</time>'
        f'<div class="story"><p>{words}</p><p>A second paragraph of story {n}, with more detail.</p></div>'
        "</body></html>"
    )


def write_site(root: Path, count: int = 6) -> list[str]:
    """news.example as files: robots.txt, feed.rss (links on the real host), ``story/<n>.html``; returns paths."""
    (root / "story").mkdir(parents=True, exist_ok=True)
    items = "".join(
        f"<item><title>S{n}</title><link>https://news.example/story/{n}.html</link>"
        f"<pubDate>Wed, 01 May 2024 10:00:00 +0400</pubDate></item>"
        for n in range(count)
    )
    # One link in the feed has no page: a 404 live, and "missing" on replay.
    items += "<item><title>gone</title><link>https://news.example/story/gone.html</link></item>"
    (root / "feed.rss").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>')
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for n in range(count):
        (root / "story" / f"{n}.html").write_text(story_html(n), "utf-8")
    return ["robots.txt", "feed.rss", *(f"story/{n}.html" for n in range(count))]


def write_warc(path: Path, records: list[dict[str, Any]], gzip: bool = True) -> Path:
    """Records ``{url, body, headers=[...], status='200 OK', type='response', date=None}`` -> a WARC file."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip, warc_version="1.1")
        for rec in records:
            rec_type = rec.get("type", "response")
            http = None
            if rec_type in ("response", "request"):
                http = StatusAndHeaders(
                    rec.get("status", "200 OK"),
                    rec.get("headers", [("Content-Type", "text/html; charset=utf-8")]),
                    protocol="HTTP/1.1",
                    is_http_request=rec_type == "request",
                )
            warc_headers = {"WARC-Date": rec["date"]} if rec.get("date") else None
            body = rec["body"] if isinstance(rec["body"], bytes) else rec["body"].encode("utf-8")
            record = writer.create_warc_record(
                rec["url"],
                rec_type,
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict=warc_headers,
                length=len(body) if http is None else None,
            )
            writer.write_record(record)
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def by_url(items: list[dict[str, Any]], drop: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    return {i["url"]: {k: v for k, v in i.items() if k not in drop} for i in items}


def stat(log: str, key: str) -> int | None:
    """A counter from the stats dump at the end of a Scrapy log, or None."""
    found = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(found.group(1)) if found else None
