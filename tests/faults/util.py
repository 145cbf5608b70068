"""Fault injectors and the no-loss invariant shared by the fault suite."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.support.export_site import records_of, spool_records
from tests.support.moto_server import DelayProxy


class Flaky500Proxy:
    """TCP front of an S3 server that answers ``500 InternalError`` on a random share of connections.

    Each connection is either forwarded whole or answered 500 (its request read first, then
    ``Connection: close``), decided by a seeded random generator. ``faults`` counts the 500s sent.
    """

    BODY = b'<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected</Message></Error>'

    def __init__(self, upstream_port: int, share: float, seed: int) -> None:
        self.upstream = upstream_port
        self.share = share
        self.rng = random.Random(seed)
        self.faults = 0
        self.forwarded = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if self.rng.random() < self.share:
                self.faults += 1
                threading.Thread(target=self._fail, args=(client,), daemon=True).start()
                continue
            self.forwarded += 1
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                client.close()
                continue
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=DelayProxy._pipe, args=(src, dst, 0.0), daemon=True).start()

    def _fail(self, client: socket.socket) -> None:
        try:
            client.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            while len(body) < length:
                chunk = client.recv(65536)
                if not chunk:
                    break
                body += chunk
            client.sendall(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\n"
                + f"Content-Length: {len(self.BODY)}\r\nConnection: close\r\n\r\n".encode()
                + self.BODY
            )
        except OSError:
            pass
        finally:
            client.close()

    def close(self) -> None:
        self.sock.close()


def store_lines(blobs: dict[str, bytes]) -> list[bytes]:
    """Every line of every JSON Lines part in ``blobs`` (gzip undone): a torn line fails to parse later."""
    import gzip

    lines: list[bytes] = []
    for key, data in blobs.items():
        if "/part-" in "/" + key and key.removesuffix(".gz").endswith(".jsonl"):
            lines += (gzip.decompress(data) if key.endswith(".gz") else data).splitlines(keepends=True)
    return lines


def check_no_loss(
    store: dict[str, bytes], spool: Path, scraped: int | None = None, expected: set[str] | None = None
) -> dict[str, int]:
    """The invariant: store + spool == scraped (or == ``expected`` URLs), no duplicates, no torn lines.

    Returns the counts (records stored, spooled).
    """
    for line in store_lines(store):
        assert line.endswith(b"\n"), f"torn line in the store: {line[:80]!r}"
        json.loads(line)
    stored = records_of(store)
    spooled = spool_records(spool) if spool.exists() else []
    found = Counter(r["url"] for r in stored + spooled)
    dupes = {u: n for u, n in found.items() if n > 1}
    assert not dupes, f"duplicates: {dupes}"
    if scraped is not None:
        assert len(stored) + len(spooled) == scraped, (len(stored), len(spooled), scraped)
    if expected is not None:
        assert set(found) == expected, (sorted(expected - set(found))[:5], sorted(set(found) - expected)[:5])
    manifests = [json.loads(v) for k, v in store.items() if "_manifest/" in k]
    listed = sum(m["items"] for m in manifests)
    if manifests and not spooled:
        assert listed == len(stored), (listed, len(stored))
    return {"stored": len(stored), "spooled": len(spooled)}


def local_store(root: Path) -> dict[str, bytes]:
    """A local export directory as key -> bytes (like ``MotoServer.objects``)."""
    return (
        {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else {}
    )


def stat_of(log: str, key: str) -> Any:
    """A value of Scrapy's final stats dump in ``log``."""
    import ast
    import re

    m = re.search(rf"'{re.escape(key)}': ([^,\n}}]+)", log)
    return ast.literal_eval(m.group(1).strip()) if m else None


class Run:
    """A ``scrapy`` subprocess started now, its log in a file (no pipe to fill): ``wait()`` -> (status, log)."""

    def __init__(self, args: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        import subprocess
        import sys

        from tests.conftest import REPO_ROOT, scrapy_env

        self.log_path = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self.started = time.monotonic()
        self.seconds = 0.0
        self._log = log.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=REPO_ROOT,
                                     env=scrapy_env(**(env or {})), stdout=self._log, stderr=subprocess.STDOUT)  # fmt: skip

    def poll(self) -> bool:
        """True once the process has ended (its duration is then recorded)."""
        if self.proc.poll() is None:
            return False
        self.seconds = self.seconds or time.monotonic() - self.started
        return True

    def wait(self, timeout: float = 120) -> tuple[int, str]:
        code = self.proc.wait(timeout)
        self.seconds = self.seconds or time.monotonic() - self.started
        self._log.close()
        return code, self.log_path.read_text("utf-8", "replace")


def fault_crawl_args(base_url: str, uri: str, spool: Path, **settings: Any) -> list[str]:
    """``tests.test_export.crawl_args`` without the browser handler (these crawls never render; it saves
    the Playwright import in every process of a suite that starts many)."""
    from tests.support.export_site import crawl_args

    return crawl_args(base_url, uri, spool, **{"BROWSER_ENABLED": "False", **settings})
