"""Build ``examples/trend-sample.warc.gz``: a crawl of the Trend test site, recorded as if from en.trend.az.

    python examples/make_sample_archive.py [OUT.warc.gz]

Serves ``tests/fixtures/trend/site`` on 127.0.0.1, crawls it with the ``trend`` spider and
``ARCHIVE_WARC_DIR`` on, then rewrites every record's URL (``WARC-Target-URI``, the request's
``Host``, redirect ``Location``) from the local address to ``https://en.trend.az``, keeping bodies,
headers and ``WARC-Date``. The result replays a default ``scrapy crawl trend`` offline:

    scrapy crawl trend -s REPLAY_ARCHIVE=examples/trend-sample.warc.gz -O articles.jsonl
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "tests" / "fixtures" / "trend" / "site"
REAL_HOME = "https://en.trend.az"
# As the tests crawl the site (tests/support/trend_site.py CRAWL_SETTINGS): fast, one request at a time,
# breadth-first, so the archive holds the pages in the order a replay asks for them.
CRAWL_ORDER = (
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=1", "-s", "DEPTH_PRIORITY=1",
    "-s", "SCHEDULER_MEMORY_QUEUE=scrapy.squeues.FifoMemoryQueue",
    "-s", "SCHEDULER_DISK_QUEUE=scrapy.squeues.PickleFifoDiskQueue",
)  # fmt: skip


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class declares it
        **SimpleHTTPRequestHandler.extensions_map,
        ".rss": "application/rss+xml",
        ".html": "text/html; charset=utf-8",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


def record_local(workdir: Path) -> tuple[str, list[Path]]:
    """Crawl the fixture site on a free local port with archiving on -> (its base URL, WARC files)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    try:
        subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "trend", "-a", f"base_url={base}",
             "-s", f"ARCHIVE_WARC_DIR={workdir}", "-s", "LOG_LEVEL=WARNING", *CRAWL_ORDER],
            cwd=REPO, env=env, check=True,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    return base, sorted(workdir.glob("*.warc.gz"))


def rewrite(files: list[Path], local: str, real: str, out: Path) -> int:
    """Copy request/response records to ``out`` with ``local`` URLs replaced by ``real``; returns records written."""
    real_host = real.split("://", 1)[1]

    def fix(url: str) -> str:
        return real + url[len(local) :] if url.startswith(local) else url

    count = 0
    with open(out, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        writer.write_record(
            writer.create_warcinfo_record(
                out.name,
                {"software": "byline examples/make_sample_archive.py", "description": "Trend test site as en.trend.az"},
            )
        )
        for path in files:
            with open(path, "rb") as src:
                for record in ArchiveIterator(src):
                    if record.rec_type not in ("request", "response"):
                        continue
                    http = record.http_headers
                    headers = []
                    for name, value in http.headers:
                        if name.lower() == "host":
                            value = real_host
                        elif name.lower() in ("location", "referer"):
                            value = fix(value)
                        headers.append((name, value))
                    is_request = record.rec_type == "request"
                    new_http = StatusAndHeaders(
                        http.statusline, headers, protocol=http.protocol, is_http_request=is_request
                    )
                    date = record.rec_headers.get_header("WARC-Date")
                    new = writer.create_warc_record(
                        fix(record.rec_headers.get_header("WARC-Target-URI")),
                        record.rec_type,
                        payload=BytesIO(record.raw_stream.read()),
                        http_headers=new_http,
                        warc_headers_dict={"WARC-Date": date},
                    )
                    writer.write_record(new)
                    count += 1
    return count


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else REPO / "examples" / "trend-sample.warc.gz"
    with tempfile.TemporaryDirectory() as tmp:
        local, files = record_local(Path(tmp))
        n = rewrite(files, local, REAL_HOME, out)
    print(f"{out}: {n} records of {REAL_HOME} (recorded from {local})")


if __name__ == "__main__":
    main(sys.argv[1:])
