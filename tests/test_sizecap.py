"""Pages larger than DOWNLOAD_MAXSIZE (10 MiB, re-parse's cap) are skipped and counted, with memory bounded.

A 50 MB page with a Content-Length (Scrapy cancels before reading it) and a 50 MB page streamed
without one (cancelled once 10 MiB have arrived) next to normal articles: both are counted in
``news/download/too_large``, neither is retried nor exported, the crawl exits 0, and the crawl's
peak RSS stays far below the page sizes (it was 1.2-1.6 GB before the cap).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.procstat import peak_rss_kb
from crawler.sizecap import DEFAULT_MAXSIZE, DEFAULT_WARNSIZE
from tests.faults.util import Run, local_store, stat_of
from tests.support.export_site import crawl_args, records_of

BIG = 50 * 1024 * 1024
CHUNK = b"<p>" + b"x" * 65_000 + b"</p>\n"


class _Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/index.html":
            links = "".join(
                f'<a class="story" href="{n}">{n}</a>' for n in ("a1.html", "a2.html", "huge.html", "stream.html")
            )
            self._send(f"<html><body>{links}</body></html>".encode())
        elif self.path in ("/a1.html", "/a2.html"):
            n = self.path[2]
            self._send(
                f"<html><body><article><h1>Small {n}</h1><p>Body of story {n}.</p></article></body></html>".encode()
            )
        elif self.path == "/huge.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(BIG))
            self.end_headers()
            try:
                for _ in range(BIG // len(CHUNK)):
                    self.wfile.write(CHUNK)
            except OSError:
                pass
        elif self.path == "/stream.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(BIG // len(CHUNK)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
        else:
            self.send_error(404)



def test_oversized_pages_are_skipped_counted_and_memory_bounded(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        out = tmp_path / "out"
        # The two lines the project settings get (crawler/settings.py), plus the counting middleware.
        settings = {"DOWNLOAD_MAXSIZE": str(DEFAULT_MAXSIZE), "DOWNLOAD_WARNSIZE": str(DEFAULT_WARNSIZE),
                    "DOWNLOADER_MIDDLEWARES": json.dumps({"crawler.sizecap.SizeCapMiddleware": 560})}  # fmt: skip
        run = Run(crawl_args(base, str(out), tmp_path / "spool", **settings), tmp_path / "log")
        peak = 0
        while run.proc.poll() is None:
            peak = max(peak, peak_rss_kb(run.proc.pid))
            time.sleep(0.05)
        code, log = run.wait(120)
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0, log[-3000:]
    assert stat_of(log, "news/download/too_large") == 2, log[-3000:]
    assert stat_of(log, "news/download/too_large_bytes") >= DEFAULT_MAXSIZE
    assert stat_of(log, "retry/count") is None  # never retried
    assert "Error downloading" not in log and "Traceback" not in log
    assert sorted(r["url"].rsplit("/", 1)[1] for r in records_of(local_store(out))) == ["a1.html", "a2.html"]
    assert log.count("Page skipped, larger than DOWNLOAD_MAXSIZE") == 2
    # (crawler/browser/handler.py: one handler for http and https, closed once)
    assert log.count("Closing download handler") == 1
    print(f"peak RSS of the crawl: {peak / 1024:.0f} MB")
    assert 0 < peak < 300 * 1024, f"peak RSS {peak / 1024:.0f} MB"
