"""Re-parse on every core: stored pages are extracted by worker processes, items come back to one crawl.

    pool = WorkerPool(build, workers=2)             # forks the workers; ``build()`` runs in each
    for result in pool.results(pages):              # pages in, results out, in input order
        replay(result.stats, crawler.stats)
        yield from result.items

The parent reads the sources (one reader, one progress line) and hands pages out in small batches;
each worker turns a page into a response, dispatches it to its site spider and sends back the items
and the stats the extraction counted (as operations, replayed on the crawl's stats). The items then
go through the crawl's one set of pipelines and feeds, so de-duplication, validation, ``-O``/``FEEDS``
and the export add-on see every item exactly once, as with one process.

Results come back in input order (a batch is awaited in the order it was sent), so the output of N
workers is the output of one, line for line. At most ``window`` batches are in flight: memory stays
flat however long the input is.

Workers are forked (POSIX): they start with the parent's imported modules and settings, and need no
pickling of the crawler. Where ``fork`` is not available, :func:`available_workers` says 1.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

BATCH_PAGES = 8
"""Pages per task sent to a worker (fewer round trips; small enough to keep the workers balanced)."""
WINDOW_PER_WORKER = 4
"""Batches in flight per worker: enough to keep it busy while the parent runs pipelines, bounded for memory."""


def available_workers(requested: int | None = None) -> int:
    """``requested`` (0 or None: the number of cores this process may use), 1 where workers cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested and requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class RecordingStats:
    """A stats collector for a worker: applies each operation locally and records it for the parent.

    Supports what extraction code calls (``inc_value``, ``set_value``, ``max_value``, ``min_value``,
    ``get_value``, ``get_stats``); :meth:`take` hands over the operations recorded since the last call.
    """

    def __init__(self) -> None:
        self._stats: dict[str, Any] = {}
        self._ops: list[tuple[str, str, Any, Any]] = []

    def get_value(self, key: str, default: Any = None, *args: Any, **kwargs: Any) -> Any:
        return self._stats.get(key, default)

    def get_stats(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._stats

    def set_value(self, key: str, value: Any, *args: Any, **kwargs: Any) -> None:
        self._stats[key] = value
        self._ops.append(("set", key, value, None))

    def inc_value(self, key: str, count: int = 1, start: int = 0, *args: Any, **kwargs: Any) -> None:
        self._stats[key] = self._stats.setdefault(key, start) + count
        self._ops.append(("inc", key, count, start))

    def max_value(self, key: str, value: Any, *args: Any, **kwargs: Any) -> None:
        self._stats[key] = max(self._stats.setdefault(key, value), value)
        self._ops.append(("max", key, value, None))

    def min_value(self, key: str, value: Any, *args: Any, **kwargs: Any) -> None:
        self._stats[key] = min(self._stats.setdefault(key, value), value)
        self._ops.append(("min", key, value, None))

    def take(self) -> list[tuple[str, str, Any, Any]]:
        ops, self._ops = self._ops, []
        return ops


def replay(ops: Iterable[tuple[str, str, Any, Any]], stats: Any) -> None:
    """Apply a worker's recorded stats operations to the crawl's stats collector."""
    for op, key, value, start in ops:
        if op == "inc":
            stats.inc_value(key, value, start)
        elif op == "set":
            stats.set_value(key, value)
        elif op == "max":
            stats.max_value(key, value)
        elif op == "min":
            stats.min_value(key, value)


@dataclass
class Result:
    """What one page gave: its items (in the order the spider yielded them) and the stats operations."""

    items: list[Any] = field(default_factory=list)
    stats: list[tuple[str, str, Any, Any]] = field(default_factory=list)


# The worker's page handler, built once per worker by the pool's ``build`` callable (set by the fork).
_BUILD: Callable[[RecordingStats], Callable[[Any], list[Any]]] | None = None
_HANDLE: Callable[[Any], list[Any]] | None = None
_STATS: RecordingStats | None = None


def _init_worker() -> None:
    global _HANDLE, _STATS
    assert _BUILD is not None
    _STATS = RecordingStats()
    _HANDLE = _BUILD(_STATS)
    # Everything a worker starts with (the parent's modules, the crawler, the spiders) lives as long as it: out of
    # the collector's sight, a collection walks only what the pages allocate (~4% of a page's time otherwise).
    gc.freeze()


def merge(ops: list[tuple[str, str, Any, Any]]) -> list[tuple[str, str, Any, Any]]:
    """Stats operations -> one per key with the same effect (increments summed, the last set, the max of maxes...).

    A batch's pages count the same few dozen keys: the parent replays one operation per key instead of one per
    page. A key that sees different kinds of operation keeps its operations as they came.
    """
    merged: dict[str, list[Any]] = {}
    for op, key, value, start in ops:
        prev = merged.get(key)
        if prev is None:
            merged[key] = [op, key, value, start]
        elif prev[0] != op:
            return ops
        elif op == "inc":
            prev[2] += value
        elif op == "set":
            prev[2] = value
        elif op == "max":
            prev[2] = max(prev[2], value)
        else:
            prev[2] = min(prev[2], value)
    return [(op, key, value, start) for op, key, value, start in merged.values()]


def _run_batch(pages: list[Any]) -> list[Result]:
    assert _HANDLE is not None and _STATS is not None
    out = [Result(_HANDLE(page)) for page in pages]
    if out:  # the batch's stats, merged, travel with its last page
        out[-1].stats = merge(_STATS.take())
    return out


class WorkerPool:
    """``workers`` forked processes running ``build(stats)`` once, then its page handler on each page.

    ``build(stats) -> handle``: called in each worker with the worker's :class:`RecordingStats`; ``handle(page)``
    returns the page's items (picklable) and must not raise (a page's failure is its own to count).
    """

    def __init__(
        self,
        build: Callable[[RecordingStats], Callable[[Any], list[Any]]],
        workers: int,
        *,
        batch: int = BATCH_PAGES,
        window: int | None = None,
    ) -> None:
        global _BUILD
        self.workers = workers
        self.batch = batch
        self.window = window or WINDOW_PER_WORKER * workers
        _BUILD = build
        gc.freeze()  # the forked workers inherit the parent's objects as frozen: no copy-on-write by their collector
        try:
            self._pool = multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker)
        finally:
            _BUILD = None
            gc.unfreeze()

    def results(self, pages: Iterable[Any]) -> Iterator[Result]:
        """One :class:`Result` per page, in input order; at most ``window`` batches in flight."""
        pending: deque[Any] = deque()
        batch: list[Any] = []
        for page in pages:
            batch.append(page)
            if len(batch) >= self.batch:
                pending.append(self._pool.apply_async(_run_batch, (batch,)))
                batch = []
                while len(pending) >= self.window:
                    yield from pending.popleft().get()
        if batch:
            pending.append(self._pool.apply_async(_run_batch, (batch,)))
        while pending:
            yield from pending.popleft().get()

    def close(self) -> None:
        """Stop the workers (after the last result: they are idle)."""
        self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        self._pool.terminate()
        self._pool.join()
