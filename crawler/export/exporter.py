"""The structured export: articles -> JSON Lines / JSON / Parquet parts on disk -> a directory or S3, nothing lost.

Enabled by ``EXPORT_URI`` (the add-on puts it at 900). Each article is appended to an open part in
the spool (one line, written through), parts roll every ``EXPORT_BATCH_ITEMS`` articles or
``EXPORT_BATCH_SECONDS`` seconds, are finished (gzip if asked, fsync, atomic rename) and uploaded by a
background thread with backoff. The run's manifest (``<root>/_manifest/<run id>.json``) goes last.
Parts the store did not take stay in the spool, the run fails (``export_pending``) and the next run
or ``scrapy export-flush`` uploads them. See ``crawler.export.spool`` for the spool layout.

API for other components: send the :data:`crawler.export.sidecar` signal
(:func:`crawler.export.write_sidecar`); :meth:`Exporter.write_sidecar` stores the small file
beside the manifest (nothing happens without EXPORT_URI).
"""

from __future__ import annotations

import errno
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.exporters import JsonLinesItemExporter
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task, threads

from crawler import runinfo
from crawler.export import sidecar
from crawler.export.config import ExportConfig, UriTemplate
from crawler.export.formats import read_part
from crawler.export.spool import RunSpool, Uploader, iter_runs, utcnow
from crawler.export.store import Stores
from crawler.extract.clean import dedupe_key
from crawler.items import SCHEMA_VERSION

logger = logging.getLogger(__name__)

LEDGER_NAME = "export-ledger.txt"
"""In JOBDIR: the URL key of every article this job exported, so a resumed job never exports one twice."""
STATS_KEYS = (
    "item_scraped_count", "item_dropped_count", "response_received_count", "downloader/request_count",
    "log_count/ERROR", "elapsed_time_seconds", "finish_reason", "start_time", "finish_time",
)  # fmt: skip


class WholeWrites:
    """An unbuffered part file whose ``write`` writes every byte or raises.

    A raw file may write only part of a line when the disk fills (a short write, no error); the
    exporter ignores the count, so the next line would be glued to half a line. This loops like a
    buffered writer, and the caller truncates back to the line start when it raises.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            n = self.raw.write(view)
            if not n:
                raise OSError(errno.ENOSPC, "short write to the export spool")
            view = view[n:]
        return len(data)

    def tell(self) -> int:
        return self.raw.tell()

    def truncate(self, size: int) -> int:
        return self.raw.truncate(size)

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.raw.close()


@dataclass
class _OpenPart:
    seq: int
    file: WholeWrites
    exporter: JsonLinesItemExporter
    opened: float
    items: int = 0
    last: float = field(default_factory=time.monotonic)


class Exporter:
    """Exports every article handed to it to EXPORT_URI through the local spool (the item pipeline
    :class:`pipelines.export.ExportPipeline` hands them over)."""

    def __init__(self, crawler: Crawler, config: ExportConfig) -> None:
        self.crawler = crawler
        self.config = config
        self.stats = crawler.stats
        self.parts: dict[str, _OpenPart] = {}
        self.seq = 0
        self.run: RunSpool | None = None
        self.adopted: list[RunSpool] = []
        self.worker: Uploader | None = None
        self.finished = False
        self.sidecars = 0
        self.ledger: set[str] | None = None
        self._ledger_file: IO[bytes] | None = None
        self._timer: task.LoopingCall | None = None
        self.spool_error = ""
        crawler.signals.connect(self._on_sidecar, signal=sidecar)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Exporter:
        return cls(crawler, ExportConfig.from_settings(crawler.settings))

    # --- run start -------------------------------------------------------------------------------
    def open_spider(self) -> None:
        assert self.crawler.spider is not None
        cfg = self.config
        run_id = runinfo.run_id(self.crawler)
        spider = self.crawler.spider.name
        self.template = UriTemplate(cfg.uri, spider, run_id)
        self.root = self.template.root
        self.stores = Stores(self.crawler.settings, cfg)
        cfg.spool_dir.mkdir(parents=True, exist_ok=True)
        jobdir = self.crawler.settings.get("JOBDIR")
        self.worker = Uploader(self.stores, cfg.retry_backoff, cfg.retry_backoff_max)
        # Earlier runs to the same EXPORT_URI that left parts behind (store down, crash) go first.
        for old in iter_runs(cfg.spool_dir):
            if old.run_id == run_id or old.info.get("uri") != cfg.uri or not old.lock():
                continue
            torn, recovered = old.recover()
            if torn:
                self.stats.inc_value("news/export/torn_lines_dropped", torn)
            if jobdir and old.info.get("jobdir") == os.path.abspath(jobdir):
                self._ledger_add_parts(jobdir, old, recovered)
            logger.info(
                "Export: uploading %d pending article(s) of earlier run %s from %s",
                old.pending_items(),
                old.run_id,
                old.dir,
            )
            self.adopted.append(old)
            self.worker.add_run(old)
        self.run = RunSpool(cfg.spool_dir, run_id)
        if self.run.closed:
            raise RuntimeError(f"export run {run_id} has ended already and is pending in {self.run.dir}: "
                               "run `scrapy export-flush`, or give this crawl another EXPORT_RUN_ID")  # fmt: skip
        if (self.run.dir / "run.json").exists() and not self.run.closed:
            # The same run id again (EXPORT_RUN_ID, a resumed job) after a crash: continue that run.
            if not self.run.lock():
                raise RuntimeError(f"export run {run_id} is being written by another process ({self.run.dir})")
            torn, recovered = self.run.recover(close=False)
            self.stats.inc_value("news/export/torn_lines_dropped", torn)
            if jobdir:
                self._ledger_add_parts(jobdir, self.run, recovered)
            self.seq = self.run.max_seq()
            self.run.unlock()
        if jobdir:
            self._open_ledger(jobdir)
        self.run.create({
            "run_id": run_id, "spider": spider, "uri": cfg.uri, "root": self.root, "format": cfg.format,
            "gzip": cfg.gzip, "gzip_level": cfg.gzip_level, "extension": cfg.extension, "encoding": cfg.encoding,
            "fields": list(cfg.fields) if cfg.fields else None, "indent": cfg.indent,
            "schema_version": SCHEMA_VERSION, "started_at": utcnow(), "pid": os.getpid(),
            "jobdir": os.path.abspath(jobdir) if jobdir else None, **cfg.format_info(),
        })  # fmt: skip
        self.worker.add_run(self.run)
        self.worker.start()
        self._timer = task.LoopingCall(self._roll_old)
        self._timer.start(max(0.2, min(5.0, cfg.batch_seconds / 4)), now=False)
        logger.info("Exporting to %s (spool %s)", cfg.uri, self.run.dir)

    # --- articles --------------------------------------------------------------------------------
    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if self.spool_error:
            self.stats.inc_value("news/export/not_spooled")
            raise DropItem(f"export spool unwritable ({self.spool_error}): {adapter.get('url')}")
        key = dedupe_key(adapter.get("url") or "") if self.ledger is not None else ""
        if self.ledger is not None and key in self.ledger:
            self.stats.inc_value("news/export/already_exported")
            raise DropItem(f"exported by an earlier run of this job: {adapter.get('url')}")
        prefix = self.template.render(adapter)
        try:
            part = self.parts.get(prefix) or self._open_part(prefix)
            start = part.file.tell()
            try:
                part.exporter.export_item(item)  # one write of whole bytes: on disk even if the process dies now
            except OSError:
                part.file.truncate(start)  # never leave half a line (a later line would be glued to it)
                raise
        except OSError as exc:
            self._spool_failed(exc, adapter.get("url"))
        part.items += 1
        part.last = time.monotonic()
        if self._ledger_file is not None:
            self._ledger_file.write(key.encode() + b"\n")
            self.ledger.add(key)  # type: ignore[union-attr]
        self.stats.inc_value("news/export/items")
        if part.items >= self.config.batch_items:
            self._roll(prefix)
        return item

    def _spool_failed(self, exc: OSError, url: Any) -> NoReturn:
        """The spool cannot take an article (disk full, quota, I/O error): stop the crawl, lose nothing silently.

        What is spooled already stays; this article and later ones are dropped and counted
        (``news/export/not_spooled``), the run ends with finish reason ``spool_full`` (exit 1). The
        seen-store fetches pages that were never exported again on the next run.
        """
        self.spool_error = f"{type(exc).__name__}: {exc}"
        self.stats.inc_value("news/export/not_spooled")
        runinfo.fail_run(self.crawler, "spool_full", f"cannot write to the export spool {self.config.spool_dir}: {exc}")
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason="spool_full"))
        raise DropItem(f"export spool unwritable ({self.spool_error}): {url}") from exc

    def _open_part(self, prefix: str) -> _OpenPart:
        if len(self.parts) >= self.config.max_open_parts:  # many partitions: finish the least recent
            self._roll(min(self.parts, key=lambda p: self.parts[p].last))
        assert self.run is not None
        self.seq += 1
        partition = prefix.removeprefix(self.root)
        f = WholeWrites(self.run.open_part(self.seq, prefix, partition))
        cfg = self.config
        exporter = JsonLinesItemExporter(
            f,  # type: ignore[arg-type]
            encoding=cfg.encoding,
            fields_to_export=cfg.fields,
            indent=cfg.indent,
        )
        part = _OpenPart(self.seq, f, exporter, time.monotonic())
        self.parts[prefix] = part
        return part

    def _roll(self, prefix: str) -> None:
        part = self.parts.pop(prefix)
        part.file.close()
        self.stats.inc_value("news/export/parts")
        run, worker = self.run, self.worker
        assert run is not None and worker is not None

        def finish() -> None:
            run.finalize(part.seq)
            if run.failures == 0:
                run.next_try = 0.0

        worker.submit(finish)

    def _roll_old(self) -> None:
        now = time.monotonic()
        for prefix in [p for p, part in self.parts.items() if now - part.opened >= self.config.batch_seconds]:
            self._roll(prefix)

    # --- JOBDIR ledger ---------------------------------------------------------------------------
    def _open_ledger(self, jobdir: str) -> None:
        path = Path(jobdir, LEDGER_NAME)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.ledger = set()
        if path.exists():
            self.ledger = {line.decode() for line in path.read_bytes().splitlines() if line}
        self._ledger_file = path.open("ab", buffering=0)

    def _ledger_add_parts(self, jobdir: str, run: RunSpool, metas: list[dict[str, Any]]) -> None:
        """A crashed run of this job: its recovered articles count as exported (the ledger may lag by one)."""
        keys = []
        for meta in metas:
            if meta["items"]:
                keys += [dedupe_key(r.get("url") or "") for r in read_part(run.path_of(meta), meta["name"])]
        with Path(jobdir, LEDGER_NAME).open("ab") as f:
            f.write(b"".join(k.encode() + b"\n" for k in keys))

    # --- run end ---------------------------------------------------------------------------------
    def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        for prefix in list(self.parts):
            self._roll(prefix)
        if self._ledger_file is not None:
            self._ledger_file.close()
        # Connected now, so it runs after every spider_closed handler connected at start-up
        # (e.g. one writing a sidecar): the manifest lists those sidecars and goes last.
        self.crawler.signals.connect(self._finish, signal=signals.spider_closed)

    async def _finish(self, spider: Any, reason: str) -> None:
        stats = self.stats.get_stats()
        closing = {
            "finish_reason": reason,
            "finished_at": utcnow(),
            "stats": {k: v for k, v in stats.items() if k in STATS_KEYS or k.startswith("news/")},
        }
        pending = await maybe_deferred_to_future(threads.deferToThread(self._finish_in_thread, closing))
        self._report(pending)

    def _finish_in_thread(self, closing: dict[str, Any]) -> list[RunSpool]:
        assert self.run is not None and self.worker is not None
        run = self.run
        self.worker.submit(lambda: run.close("finished", closing))
        self.worker.stop(self.config.retry_close_timeout)
        self.worker.join()
        self.finished = True
        return [r for r in [*self.adopted, self.run] if r.dir.exists()]

    def _report(self, pending: list[RunSpool]) -> None:
        uploaded = [m for m in self.worker.uploaded if m["kind"] == "part"] if self.worker else []
        self.stats.set_value("news/export/parts_uploaded", len(uploaded))
        self.stats.set_value("news/export/items_uploaded", sum(m["items"] for m in uploaded))
        if not pending:
            return
        items = sum(r.pending_items() for r in pending)
        self.stats.set_value("news/export/items_pending", items)
        for run in pending:
            run.unlock()
        where = ", ".join(str(r.dir) for r in pending)
        last = "; ".join(sorted({r.last_error for r in pending if r.last_error}))
        runinfo.fail_run(
            self.crawler,
            "export_pending",
            f"{items} article(s) not yet stored in {self.config.uri}; kept in {where}. "
            f"Run `scrapy export-flush` (or the next crawl) to upload them. Last error: {last or 'none'}",
        )

    # --- API for other components ----------------------------------------------------------------
    def _on_sidecar(self, relpath: str, data: bytes) -> None:
        self.write_sidecar(relpath, data)

    def write_sidecar(self, relpath: str, data: bytes) -> None:
        """Store ``data`` at ``<export root>/<relpath>`` (e.g. ``_health/<run id>.json``), spooled like a part.

        Call it at any time during the run, or from a ``spider_closed`` handler connected in
        ``from_crawler`` (those run before this pipeline's own close, so the manifest lists the file).
        A file written after that is uploaded at once, or left in the spool (the run then fails with
        ``export_pending`` and ``scrapy export-flush`` uploads it). Destination keys must be unique per
        run (put the run id in ``relpath``): a key is never overwritten.
        """
        if relpath.startswith("/") or ".." in relpath.split("/"):
            raise ValueError(f"sidecar path must be relative and stay under the export root: {relpath!r}")
        assert self.run is not None
        self.sidecars += 1
        name = f"sidecar-{self.sidecars:03d}"
        if not self.finished:
            self.run.add_blob(name, self.root + relpath, data, "sidecar")
            if self.worker is not None:
                self.worker.wake()
            return
        # After the run's close: the directory may be gone (all uploaded); recreate it for this file.
        run = self.run
        if not run.dir.exists():
            run.create(
                {
                    "run_id": run.run_id,
                    "spider": self.template.static["spider"],
                    "uri": self.config.uri,
                    "root": self.root,
                    "started_at": utcnow(),
                }
            )
            (run.dir / "closed.json").write_text('{"status": "finished"}')
        elif not run.lock():
            logger.warning("Export spool %s is held by another process", run.dir)
        run.add_blob(name, self.root + relpath, data, "sidecar")
        worker = Uploader(self.stores, self.config.retry_backoff, self.config.retry_backoff_max)
        if worker.upload_run(run) is False and run.ready():
            run.unlock()
            runinfo.fail_run(
                self.crawler,
                "export_pending",
                f"{relpath} not stored in {self.config.uri}; kept in {run.dir}: {run.last_error}",
            )
