"""A static web site on 127.0.0.1 for tests (threaded; serves a directory, ``/x/`` -> ``/x/index.html``).

    with serve(directory) as site:
        site.base_url   # "http://127.0.0.1:PORT"

Query strings are ignored; paths ending in ``.rss``/``.xml`` are served as XML.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".rss": "application/rss+xml",
        ".xml": "application/xml",
        ".html": "text/html; charset=utf-8",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
        pass


@dataclass
class Site:
    base_url: str
    root: Path
    server: ThreadingHTTPServer

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[Site]:
    handler = functools.partial(_Handler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.request_queue_size = 64
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", Path(directory), server)
    finally:
        server.shutdown()
        server.server_close()
