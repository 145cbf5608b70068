"""A real S3 for tests: ``moto_server`` on 127.0.0.1 (started, killed and restarted on its port), plus a
delaying TCP proxy that plays a slow store. Talk to it through botocore with the usual AWS settings.

    with MotoServer() as s3:
        s3.client.create_bucket(Bucket="news")
        s3.settings   # -s options for a crawl: AWS_ENDPOINT_URL, keys, region
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from typing import Any

KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION_NAME": "us-east-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def s3_client(endpoint: str, key: str = "testing", secret: str = "testing") -> Any:
    import botocore.session
    from botocore.config import Config

    return botocore.session.get_session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10),
    )


class MotoServer:
    """``moto_server`` on a free port of 127.0.0.1; ``env`` goes to its process (e.g. auth switches)."""

    available = shutil.which("moto_server") is not None

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "S3_UPLOAD_PART_MIN_SIZE": "1024", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> MotoServer:
        """Start moto on ``self.port``; if the port was taken meanwhile (our process exits), on a new one.

        free_port() closes its probe socket before moto binds, and other processes (other test runs
        of the machine) take ports from the same range: the endpoint may then answer from someone
        else's server while ours dies with "address in use". Ours must be alive once it answers.
        """
        for _attempt in range(3):
            self.proc = subprocess.Popen(
                ["moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1).read()
                except OSError:
                    time.sleep(0.05)
                    continue
                time.sleep(0.2)  # a server of someone else answers while ours is still failing to bind
                if self.proc.poll() is None:
                    return self
                break
            self.stop()
            self.port = free_port()
            self.endpoint = f"http://127.0.0.1:{self.port}"
        raise RuntimeError("moto_server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def __enter__(self) -> MotoServer:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def client(self) -> Any:
        return s3_client(self.endpoint)

    @property
    def settings(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL": self.endpoint, **KEYS}

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object of ``bucket``: key -> bytes."""
        client = self.client
        out = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for obj in page.get("Contents", []):
                out[obj["Key"]] = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
        return out

    def snapshot(self, bucket: str) -> dict[str, tuple[bytes, dict[str, str]]]:
        """Every object of ``bucket`` with its user metadata: key -> (bytes, metadata)."""
        client = self.client
        out = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for obj in page.get("Contents", []):
                got = client.get_object(Bucket=bucket, Key=obj["Key"])
                out[obj["Key"]] = (got["Body"].read(), got.get("Metadata", {}))
        return out

    def restore(self, bucket: str, snapshot: dict[str, tuple[bytes, dict[str, str]]]) -> None:
        """Create ``bucket`` again with the objects of ``snapshot``."""
        client = self.client
        client.create_bucket(Bucket=bucket)
        for key, (data, metadata) in snapshot.items():
            client.put_object(Bucket=bucket, Key=key, Body=data, Metadata=metadata)


class DelayProxy:
    """TCP proxy to ``upstream_port``: on the first ``slow`` connections each reply chunk waits ``delay`` s."""

    def __init__(self, upstream_port: int, delay: float = 0.0, slow: int = 0, port: int = 0) -> None:
        self.upstream = upstream_port
        self.delay = delay
        self.slow = slow
        self.connections = 0
        self.down = False
        """While True the store is "gone": connections are accepted and cut at once (see :meth:`cut`)."""
        self.open: list[socket.socket] = []
        self.sock = socket.create_server(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            self.connections += 1
            delay = self.delay if self.connections <= self.slow else 0.0
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                client.close()
                continue
            self.open += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, 0.0), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, delay), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket, delay: float) -> None:
        try:
            while data := src.recv(65536):
                time.sleep(delay)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        """The store "dies" for its clients: open connections are cut and new ones are cut at once,
        while this proxy keeps its port (closing and binding it again races with other processes)."""
        self.down = True
        self._cut_open()

    def _cut_open(self) -> None:
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.open.clear()

    def restore(self, upstream_port: int | None = None) -> None:
        """The store is back (on ``upstream_port`` if it restarted elsewhere)."""
        if upstream_port is not None:
            self.upstream = upstream_port
        self.down = False

    def close(self) -> None:
        """Stop listening and cut every open connection (the store "dies" for its clients)."""
        self.sock.close()
        self._cut_open()
