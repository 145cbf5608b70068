"""The local spool: every part lives here until the store has it, and survives crashes.

Layout, one directory per run (``EXPORT_SPOOL_DIR/<run id>/``)::

    lock                       flock held by the live run (or by whoever flushes it)
    run.json                   run id, spider, EXPORT_URI, root, format, start time, JOBDIR
    open/00001.jsonl           the part being written: one JSON line per article, flushed per article
                               (JSON Lines whatever EXPORT_FORMAT is: converted when finished)
    open/00001.json            its destination
    ready/part-00001.jsonl.gz  a finished part (fsync + atomic rename), waiting for upload
                               (``.json``, ``.parquet``: see ``crawler.export.formats``)
    ready/part-00001.jsonl.gz.meta.json   destination, item count, bytes, sha256
    ready/manifest.json (+ .meta.json)    the run's manifest: uploaded after everything else
    done.jsonl                 what the store already has (appended and fsynced after each upload)
    closed.json                the run ended (normally, or recovered after a crash)

A run directory disappears once its manifest is uploaded. A run killed with ``kill -9`` leaves its
open parts: :meth:`RunSpool.recover` keeps their whole lines, drops a torn last line (counted), turns
them into ready parts and writes a manifest with ``"status": "recovered"``.
"""

from __future__ import annotations

import fcntl
import gzip
import json
import logging
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from scrapy.exporters import JsonItemExporter

from crawler.export.formats import write_parquet
from crawler.export.store import StoreError, StorePermanentError, Stores, file_sha256, fsync_dir

logger = logging.getLogger(__name__)
HARD_STOP_GRACE = 120.0
"""Seconds a closing run may wait past EXPORT_RETRY_CLOSE_TIMEOUT for a slow but working store."""

MANIFEST_VERSION = 1
MANIFEST_NAME = "manifest.json"


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file, fsync and rename."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


class RunSpool:
    """One run's spool directory. Writing happens in the crawl thread, finishing and uploads in the worker."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.dir = root / run_id
        self.run_id = run_id
        self._lock_file: IO[bytes] | None = None
        self._mutex = threading.RLock()
        self.failures = 0
        self.next_try = 0.0
        self.last_error = ""
        self.permanent_error = ""
        """Set when the store refused for good (StorePermanentError): no more tries in this process."""

    # --- ownership -------------------------------------------------------------------------------
    def lock(self) -> bool:
        """Take the run's flock (released by the OS if the process dies); False if someone holds it."""
        f = (self.dir / "lock").open("a+b")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self._lock_file = f
        return True

    def unlock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def create(self, info: dict[str, Any]) -> None:
        """Start a run directory (locked by us) with ``run.json``."""
        for sub in ("open", "ready"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        if not self.lock():
            raise RuntimeError(f"export spool {self.dir} is in use by another process")
        write_atomic(self.dir / "run.json", json.dumps(info, indent=1).encode())

    @property
    def info(self) -> dict[str, Any]:
        return dict(json.loads((self.dir / "run.json").read_text("utf-8")))

    @property
    def closed(self) -> bool:
        return (self.dir / "closed.json").exists()

    # --- writing ---------------------------------------------------------------------------------
    def open_part(self, seq: int, dest: str, partition: str) -> IO[bytes]:
        """A new open part: unbuffered, so each article's line reaches the file as it is exported."""
        write_atomic(self.dir / "open" / f"{seq:05d}.json", json.dumps({"dest": dest, "partition": partition}).encode())
        return (self.dir / "open" / f"{seq:05d}.jsonl").open("ab", buffering=0)

    def finalize(self, seq: int) -> dict[str, Any]:
        """Open part ``seq`` -> a ready part in the run's format (whole lines only); returns its meta."""
        info = self.info
        src = self.dir / "open" / f"{seq:05d}.jsonl"
        target = json.loads((self.dir / "open" / f"{seq:05d}.json").read_text("utf-8"))
        name = f"part-{seq:05d}.{info['extension']}"
        tmp = self.dir / "ready" / (name + ".tmp")
        items = torn = 0
        with src.open("rb") as lines, tmp.open("wb") as raw:
            out: Any = raw
            if info["gzip"]:
                # mtime=0 and no file name: the same articles give the same bytes.
                out = gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=info["gzip_level"], mtime=0)
            if info["format"] == "parquet":
                # Converted here, at roll (or recovery) time: a Parquet file cannot grow line by line.
                items, torn = write_parquet(lines, out, info)
            elif info["format"] == "json":
                exporter = JsonItemExporter(out, **_exporter_kwargs(info))
                exporter.start_exporting()
                for line in lines:
                    if not line.endswith(b"\n"):
                        torn += 1  # the crash cut the last article short: its page is crawled again on resume
                    elif line.strip():
                        items += 1
                        exporter.export_item(json.loads(line))
                exporter.finish_exporting()
            else:
                # JSON Lines: copy whole lines in large blocks; bytes after the last newline are a torn line.
                carry = b""
                while block := lines.read(1 << 20):
                    block = carry + block
                    cut = block.rfind(b"\n") + 1
                    out.write(block[:cut])
                    items += block.count(b"\n", 0, cut)
                    carry = block[cut:]
                torn = 1 if carry else 0
            if out is not raw:
                out.close()
            raw.flush()
            os.fsync(raw.fileno())
        meta = {
            "kind": "part",
            "name": name,
            "dest": target["dest"] + name.replace("part-", f"part-{self.run_id}-", 1),
            "partition": target["partition"],
            "items": items,
            "bytes": tmp.stat().st_size,
            "sha256": file_sha256(tmp),
            "torn_lines_dropped": torn,
        }
        with self._mutex:
            write_atomic(self.dir / "ready" / (name + ".meta.json"), json.dumps(meta).encode())
            os.replace(tmp, self.dir / "ready" / name)
            fsync_dir(self.dir / "ready")
            (self.dir / "open" / f"{seq:05d}.jsonl").unlink()
            (self.dir / "open" / f"{seq:05d}.json").unlink()
        if items == 0:  # a part of only a torn line: nothing to store
            self._forget(meta)
        return meta

    def add_blob(self, name: str, dest: str, data: bytes, kind: str) -> dict[str, Any]:
        """A small file (sidecar, manifest) -> a ready entry uploaded like a part."""
        import hashlib

        meta = {
            "kind": kind,
            "name": name,
            "dest": dest,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        with self._mutex:
            (self.dir / "ready").mkdir(parents=True, exist_ok=True)
            tmp = self.dir / "ready" / (name + ".tmp")
            tmp.write_bytes(data)
            with tmp.open("rb+") as f:
                os.fsync(f.fileno())
            write_atomic(self.dir / "ready" / (name + ".meta.json"), json.dumps(meta).encode())
            os.replace(tmp, self.dir / "ready" / name)
            fsync_dir(self.dir / "ready")
        return meta

    # --- state -----------------------------------------------------------------------------------
    def ready(self) -> list[dict[str, Any]]:
        """Ready entries in upload order: parts and sidecars by name, the manifest last."""
        entries = []
        with self._mutex:
            for meta_path in sorted((self.dir / "ready").glob("*.meta.json")):
                name = meta_path.name.removesuffix(".meta.json")
                if (self.dir / "ready" / name).exists():
                    entries.append(json.loads(meta_path.read_text("utf-8")))
        entries.sort(key=lambda m: (m["kind"] == "manifest", m["name"]))
        return entries

    def done(self) -> list[dict[str, Any]]:
        path = self.dir / "done.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_bytes().splitlines() if line.endswith(b"}")]

    def open_seqs(self) -> list[int]:
        return sorted(int(p.stem) for p in (self.dir / "open").glob("*.jsonl"))

    def mark_done(self, meta: dict[str, Any]) -> None:
        """The store has ``meta``'s file: record it (fsync), then drop the local copy."""
        with self._mutex:
            with (self.dir / "done.jsonl").open("ab") as f:
                f.write(json.dumps(meta).encode() + b"\n")
                f.flush()
                os.fsync(f.fileno())
            self._forget(meta)

    def _forget(self, meta: dict[str, Any]) -> None:
        for path in (self.dir / "ready" / meta["name"], self.dir / "ready" / (meta["name"] + ".meta.json")):
            path.unlink(missing_ok=True)

    def path_of(self, meta: dict[str, Any]) -> Path:
        return self.dir / "ready" / str(meta["name"])

    def pending_items(self) -> int:
        """Articles not yet in the store: ready parts plus whole lines of open parts."""
        total = sum(int(m.get("items", 0)) for m in self.ready() if m["kind"] == "part")
        for seq in self.open_seqs():
            with (self.dir / "open" / f"{seq:05d}.jsonl").open("rb") as f:
                total += sum(1 for line in f if line.endswith(b"\n") and line.strip())
        return total

    def remove(self) -> None:
        self.unlock()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- close and recovery ----------------------------------------------------------------------
    def close(self, status: str, closing: dict[str, Any]) -> dict[str, Any]:
        """Mark the run ended and queue its manifest (parts, counts, sha256; uploaded after every part)."""
        with self._mutex:
            info = self.info
            done = self.done()
            ready = self.ready()
            parts = sorted((m for m in done + ready if m["kind"] == "part"), key=lambda m: m["name"])
            sidecars = sorted((m for m in done + ready if m["kind"] == "sidecar"), key=lambda m: m["name"])
            root = info["root"]
            manifest = {
                "manifest_version": MANIFEST_VERSION,
                "schema_version": info.get("schema_version"),
                "status": status,
                "run_id": self.run_id,
                "spider": info["spider"],
                "uri": info["uri"],
                "format": info["format"],
                "compression": (info.get("parquet") or {}).get("compression") or ("gzip" if info["gzip"] else None),
                "started_at": info["started_at"],
                "finished_at": closing.get("finished_at") or utcnow(),
                "finish_reason": closing.get("finish_reason"),
                "items": sum(p["items"] for p in parts),
                "torn_lines_dropped": sum(p.get("torn_lines_dropped", 0) for p in parts),
                "parts": [_listing(p, root) | {"items": p["items"]} for p in parts],
                "sidecars": [_listing(s, root) for s in sidecars],
                "stats": closing.get("stats"),
            }
            data = json.dumps(manifest, indent=1, default=str).encode() + b"\n"
            meta = self.add_blob(MANIFEST_NAME, root + f"_manifest/{self.run_id}.json", data, "manifest")
            write_atomic(self.dir / "closed.json", json.dumps({"status": status, **closing}, default=str).encode())
            return meta

    def max_seq(self) -> int:
        """Highest part number used so far (open, ready or stored)."""
        names = [m["name"] for m in self.ready() + self.done() if m["kind"] == "part"]
        seqs = [int(n.split("-")[1].split(".")[0]) for n in names] + self.open_seqs()
        return max(seqs, default=0)

    def recover(self, close: bool = True) -> tuple[int, list[dict[str, Any]]]:
        """After a crash: finish open parts (torn last lines dropped), close the run as "recovered".

        Returns (torn lines dropped, metas of the parts made from open parts).
        """
        ready_names = {m["name"] for m in self.ready()}
        done_names = {m["name"] for m in self.done()}
        for leftover in (self.dir / "ready").glob("*.tmp"):
            leftover.unlink()
        for meta_path in (self.dir / "ready").glob("*.meta.json"):
            name = meta_path.name.removesuffix(".meta.json")
            if name in done_names or name not in ready_names:
                self._forget({"name": name})  # uploaded already, or an unfinished roll (redone below)
        torn, recovered = 0, []
        for seq in self.open_seqs():
            if not (self.dir / "open" / f"{seq:05d}.json").exists():
                continue
            meta = self.finalize(seq)
            torn += meta["torn_lines_dropped"]
            recovered.append(meta)
        if close and not self.closed and not any(m["kind"] == "manifest" for m in self.done()):
            self.close("recovered", {"finish_reason": None, "recovered_at": utcnow()})
        return torn, recovered


def _listing(meta: dict[str, Any], root: str) -> dict[str, Any]:
    dest = meta["dest"]
    rel = dest.removeprefix(root)
    return {"path": rel, "uri": dest, "bytes": meta["bytes"], "sha256": meta["sha256"]}


def _exporter_kwargs(info: dict[str, Any]) -> dict[str, Any]:
    return {"encoding": info["encoding"], "fields_to_export": info.get("fields"), "indent": info.get("indent")}


def iter_runs(root: Path) -> Iterator[RunSpool]:
    """Run directories in the spool, oldest run id first."""
    if not root.is_dir():
        return
    for path in sorted(root.iterdir()):
        if path.is_dir() and (path / "run.json").exists():
            yield RunSpool(root, path.name)


class Uploader(threading.Thread):
    """Background worker: finishes rolled parts and uploads ready entries, with backoff per run.

    A run's manifest goes only after all its other entries. A run whose manifest is stored is removed.
    """

    def __init__(self, stores: Stores, backoff: float, backoff_max: float) -> None:
        super().__init__(name="news-export", daemon=True)
        self.stores = stores
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.runs: list[RunSpool] = []
        self.tasks: deque[Callable[[], object]] = deque()
        self.cond = threading.Condition()
        self.deadline: float | None = None
        self.stopping = False
        self.uploaded: list[dict[str, Any]] = []
        self.errors: list[str] = []

    def add_run(self, run: RunSpool) -> None:
        with self.cond:
            self.runs.append(run)
            self.cond.notify()

    def submit(self, task: Callable[[], object]) -> None:
        with self.cond:
            self.tasks.append(task)
            self.cond.notify()

    def wake(self) -> None:
        with self.cond:
            self.cond.notify()

    def stop(self, timeout: float) -> None:
        """Finish queued work, keep retrying uploads for at most ``timeout`` seconds, then end."""
        with self.cond:
            self.stopping = True
            self.deadline = time.monotonic() + timeout
            for run in self.runs:  # at close, try again now instead of at the next backoff step
                if not run.permanent_error:
                    run.next_try = 0.0
            self.cond.notify()

    def run(self) -> None:
        while True:
            with self.cond:
                task = self.tasks.popleft() if self.tasks else None
                if task is None:
                    now = time.monotonic()
                    busy = [r for r in self.runs if r.dir.exists()]
                    due = [r for r in busy if r.next_try <= now]
                    # The close timeout bounds the retries of a failing store; a store that is merely
                    # slow (no failure yet, e.g. on a loaded machine) gets up to HARD_STOP_GRACE more.
                    late = self.deadline is not None and now >= self.deadline
                    failing = any(r.failures for r in busy)
                    hopeless = bool(busy) and all(r.permanent_error for r in busy)
                    # Nothing to send and never closed: closing failed (e.g. the spool's disk is full).
                    stalled = self.stopping and all(not r.closed and not r.ready() for r in busy)
                    if self.stopping and (
                        not busy
                        or hopeless
                        or stalled
                        or (late and failing)
                        or (self.deadline is not None and now >= self.deadline + HARD_STOP_GRACE)
                    ):
                        return
                    if not due:
                        wait = min((r.next_try for r in busy), default=now + 1.0) - now
                        if self.deadline is not None:
                            wait = min(wait, self.deadline - now)
                        self.cond.wait(max(0.01, min(wait, 1.0)))
                        continue
            if task is not None:
                try:
                    task()
                except Exception as exc:
                    logger.exception("Export: finishing a part failed")
                    self.errors.append(str(exc))
                continue
            for run in due:
                try:
                    self.upload_run(run)
                except Exception as exc:  # e.g. an unreadable spool file: keep the worker alive
                    logger.exception("Export: uploading from %s failed", run.dir)
                    run.failures += 1
                    run.last_error = repr(exc)
                    run.next_try = time.monotonic() + min(self.backoff_max, self.backoff * 2 ** (run.failures - 1))

    def upload_run(self, run: RunSpool) -> bool:
        """Upload ``run``'s ready entries in order; True when the run is complete (and removed)."""
        while True:
            entries = run.ready()
            if not entries:
                if run.closed and not run.open_seqs():
                    run.remove()  # the manifest went up before a crash could remove the directory
                    return True
                run.next_try = time.monotonic() + 1.0  # a live run with nothing to send yet
                return False
            meta = entries[0]  # the manifest sorts last: it is first only when alone
            try:
                self.stores.put(meta["dest"], run.path_of(meta), meta["sha256"])
            except StorePermanentError as exc:
                # No retry can fix it (credentials, access, bucket, name): stop trying in this process.
                run.failures += 1
                run.next_try = float("inf")
                run.last_error = run.permanent_error = str(exc)
                logger.error(
                    "Export to %s refused for good, not retried: %s. Every part stays in %s: fix the cause, "
                    "then run `scrapy export-flush` (or the next crawl uploads them)",
                    meta["dest"],
                    exc,
                    run.dir,
                )
                return False
            except StoreError as exc:
                run.failures += 1
                delay = min(self.backoff_max, self.backoff * 2 ** (run.failures - 1))
                run.next_try = time.monotonic() + delay
                run.last_error = str(exc)
                logger.warning(
                    "Export upload failed (attempt %d, next in %.1fs), kept in %s: %s",
                    run.failures,
                    delay,
                    run.dir,
                    exc,
                )
                return False
            run.mark_done(meta)
            run.failures = 0
            self.uploaded.append(meta)
            if meta["kind"] == "manifest":
                run.remove()
                logger.info("Export of run %s complete: %s", run.run_id, meta["dest"])
                return True


def flush_spool(
    root: Path,
    stores: Stores,
    *,
    backoff: float = 1.0,
    timeout: float = 0.0,
    only: Callable[[dict[str, Any]], bool] | None = None,
) -> tuple[list[RunSpool], list[RunSpool], int]:
    """Recover and upload every run in the spool that no live process holds (``scrapy export-flush``).

    Retries with backoff for up to ``timeout`` seconds. Returns (runs completed, runs still pending,
    torn lines dropped).
    """
    runs, torn = [], 0
    for run in iter_runs(root):
        if (only is not None and not only(run.info)) or not run.lock():
            continue
        dropped, _ = run.recover()
        torn += dropped
        runs.append(run)
    deadline = time.monotonic() + timeout
    worker = Uploader(stores, backoff, max(backoff, timeout))
    pending = list(runs)
    while pending:
        for run in [r for r in pending if r.next_try <= time.monotonic()]:
            if worker.upload_run(run):
                pending.remove(run)
        if not pending or time.monotonic() >= deadline or all(r.permanent_error for r in pending):
            break
        time.sleep(max(0.0, min(min(r.next_try for r in pending), deadline) - time.monotonic()))
    for run in pending:
        run.unlock()
    return [r for r in runs if r not in pending], pending, torn
