"""The structured export: settings and URI templates (config), stores (local, S3) and the local spool.

The pipeline is ``pipelines.export.ExportPipeline`` over :class:`crawler.export.exporter.Exporter`; ``scrapy export-flush`` uploads what a run left
in the spool.
"""

from __future__ import annotations

from typing import Any

from twisted.python.failure import Failure

sidecar = object()
"""Signal: store a small file beside the export manifest (``relpath``, ``data`` bytes); the export
pipeline, when EXPORT_URI is set, receives it (:meth:`crawler.export.exporter.Exporter.write_sidecar`)."""


def write_sidecar(crawler: Any, relpath: str, data: bytes) -> list[Failure]:
    """Send :data:`sidecar` (no receiver: no export, nothing to do). Returns the receivers' failures."""
    results = crawler.signals.send_catch_log(signal=sidecar, relpath=relpath, data=data)
    return [r for _, r in results if isinstance(r, Failure)]
