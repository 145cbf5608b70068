"""The seen-store: what earlier runs of a spider fetched and exported, kept in SQLite in ``STATE_DIR``.

One database per spider (``<STATE_DIR>/<spider>.sqlite``), shared by every run of that spider,
whether started from a shell or by Scrapyd, as long as they resolve the same ``STATE_DIR``:

1. the ``STATE_DIR`` setting, if set;
2. else the environment variable ``BYLINE_STATE_DIR``;
3. else ``$XDG_STATE_HOME/byline`` (``~/.local/state/byline``): per user, so a shell run and a
   Scrapyd job of the same user share it.

``STATE_DIR=:memory:`` keeps the store in memory for one run only (nothing persists; every
article is new): the test suite uses it so that re-running tests never sees an earlier run.

Near-duplicate clusters (:class:`ClusterStore`) live beside them in ``<STATE_DIR>/near-dupes.sqlite``,
one file for all spiders.

One row per page (key: :func:`crawler.extract.clean.dedupe_key` of the URL): the validators the server
sent (ETag, Last-Modified), when it was last fetched, the latest date a feed or sitemap listed it
with, and, once exported, the story's body hash, its ``date_modified`` and the revision number.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

from crawler.extract.clean import dedupe_key

MEMORY = ":memory:"
ENV_STATE_DIR = "BYLINE_STATE_DIR"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    key TEXT PRIMARY KEY,         -- sha1 of the URL's dedupe key
    url TEXT NOT NULL,            -- the URL as last seen
    etag TEXT,                    -- ETag response header of the last 200
    last_modified TEXT,           -- Last-Modified response header of the last 200
    fetched_at REAL,              -- unix time of the last fetch (200 or 304); NULL: listed, never fetched
    listed_at REAL,               -- unix time of the newest date a feed / sitemap gave for it
    body_hash TEXT,               -- hash of the exported story's words (pipelines.dedupe.body_hash)
    date_modified TEXT,           -- date_modified of the exported article
    revision INTEGER,             -- 1 after the first export, +1 per changed version exported;
                                  -- 0: settled without export (its story was exported from another URL)
    exported_at REAL              -- unix time of the last export (or settlement)
);
CREATE INDEX IF NOT EXISTS pages_body ON pages (body_hash);
"""


def default_state_dir() -> Path:
    """The per-user state directory: ``$XDG_STATE_HOME/byline`` or ``~/.local/state/byline``."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "byline"


def state_dir(settings: BaseSettings) -> str:
    """Settings -> the state directory as a string (``:memory:`` allowed): setting, env, then per-user default."""
    value = settings.get("STATE_DIR") or os.environ.get(ENV_STATE_DIR) or ""
    value = str(value).strip()
    if value == MEMORY:
        return MEMORY
    return str(Path(value).expanduser()) if value else str(default_state_dir())


def url_key(url: str) -> str:
    """URL -> the store's key (hash of its canonical form, tracking and fragment removed)."""
    return hashlib.sha1(dedupe_key(url).encode("utf-8")).hexdigest()


def to_timestamp(value: Any) -> float | None:
    """datetime (naive = UTC) / unix time / None -> unix time or None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _connect(path: str, schema: str) -> sqlite3.Connection:
    """An SQLite store at ``path`` (``:memory:``: this process only) with ``schema``; safe for concurrent runs."""
    if path != MEMORY:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    if path != MEMORY:
        db.execute("PRAGMA journal_mode=WAL")
        # One commit per page: NORMAL syncs at checkpoints, not at every commit (a power cut may
        # lose the last pages' rows - they are then fetched once more - never corrupt the file).
        db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(schema)
    return db


@dataclass(frozen=True)
class Page:
    """One row of the store."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: float | None = None
    listed_at: float | None = None
    body_hash: str | None = None
    date_modified: str | None = None
    revision: int | None = None
    exported_at: float | None = None


_HEX_DIGEST = re.compile(r"[0-9a-f]{40,128}")


class SeenStore:
    """SQLite table of pages, one file per spider; safe for concurrent runs (WAL, busy timeout)."""

    def __init__(self, path: str) -> None:
        self.path = path
        # In memory (one run, nothing persists) the hashes are kept as bytes, half the size of their
        # hex text in the table and its indexes: a re-parse or replay adds a row per article.
        self._compact = path == MEMORY
        # Scrapy calls components from the reactor thread only; the lock guards against a thread pool.
        self._lock = threading.Lock()
        self._db = _connect(path, _SCHEMA)

    def _key(self, url: str) -> str | bytes:
        """URL -> the key column's value (:func:`url_key`; its bytes in memory)."""
        key = url_key(url)
        return bytes.fromhex(key) if self._compact else key

    def _hash_in(self, body_hash: str | None) -> str | bytes | None:
        """A body hash -> the body_hash column's value (a hex digest's bytes in memory; other text as is)."""
        if self._compact and body_hash is not None and len(body_hash) % 2 == 0 and _HEX_DIGEST.fullmatch(body_hash):
            return bytes.fromhex(body_hash)
        return body_hash

    @staticmethod
    def _hash_out(value: Any) -> Any:
        return value.hex() if isinstance(value, bytes) else value

    @classmethod
    def for_spider(cls, directory: str, spider_name: str) -> SeenStore:
        """A state directory (or ``:memory:``) and spider name -> that spider's store."""
        if directory == MEMORY:
            return cls(MEMORY)
        safe = re.sub(r"[^\w.-]+", "_", spider_name) or "spider"
        return cls(os.path.join(directory, f"{safe}.sqlite"))

    def get(self, url: str) -> Page | None:
        """URL -> its row, or None when no run has fetched it."""
        with self._lock:
            row = self._db.execute(
                "SELECT url, etag, last_modified, fetched_at, listed_at, body_hash, date_modified, revision,"
                " exported_at FROM pages WHERE key = ?",
                (self._key(url),),
            ).fetchone()
        if not row:
            return None
        url, etag, last_modified, fetched_at, listed_at, body_hash, date_modified, revision, exported_at = row
        return Page(
            url,
            etag,
            last_modified,
            fetched_at,
            listed_at,
            self._hash_out(body_hash),
            date_modified,
            revision,
            exported_at,
        )

    def record_fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        listed_at: float | None = None,
        fetched_at: float | None = None,
        keep_validators: bool = False,
    ) -> None:
        """A fetch of ``url`` (200, or 304 with ``keep_validators``): validators, fetch time, newest listed date."""
        now = fetched_at if fetched_at is not None else time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO pages (key, url, etag, last_modified, fetched_at, listed_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET url = excluded.url, fetched_at = excluded.fetched_at,"
                " etag = CASE WHEN ? THEN etag ELSE excluded.etag END,"
                " last_modified = CASE WHEN ? THEN last_modified ELSE excluded.last_modified END,"
                " listed_at = MAX(COALESCE(listed_at, excluded.listed_at), COALESCE(excluded.listed_at, listed_at))",
                (self._key(url), url, etag, last_modified, now, listed_at, keep_validators, keep_validators),
            )

    def record_listed(self, url: str, listed_at: float) -> None:
        """A feed or sitemap listed ``url`` with this date (unix time); the newest date is kept."""
        with self._lock:
            self._db.execute(
                "INSERT INTO pages (key, url, listed_at) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET listed_at = MAX(COALESCE(listed_at, excluded.listed_at),"
                " excluded.listed_at)",
                (self._key(url), url, listed_at),
            )

    def record_export(self, url: str, body_hash: str, date_modified: str | None, revision: int) -> None:
        """An article exported from ``url`` with this body hash, ``date_modified`` and revision."""
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO pages (key, url, fetched_at, body_hash, date_modified, revision, exported_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET body_hash = excluded.body_hash,"
                " date_modified = excluded.date_modified, revision = excluded.revision,"
                " exported_at = excluded.exported_at, fetched_at = COALESCE(fetched_at, excluded.fetched_at)",
                (self._key(url), url, now, self._hash_in(body_hash), date_modified, revision, now),
            )

    def claim_revision(self, url: str, revision: int) -> bool:
        """May this run export ``revision`` of ``url``? Always here (one writer); the cluster's Redis store arbitrates."""
        return True

    def exported_body(self, body_hash: str, url: str) -> str | None:
        """The URL of another page exported with this body hash, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT url FROM pages WHERE body_hash = ? AND revision > 0 AND key != ? LIMIT 1",
                (self._hash_in(body_hash), self._key(url)),
            ).fetchone()
        return str(row[0]) if row else None

    def count(self, exported_only: bool = False) -> int:
        """Number of rows (of exported pages only, with ``exported_only``)."""
        where = " WHERE revision IS NOT NULL" if exported_only else ""
        with self._lock:
            return int(self._db.execute(f"SELECT COUNT(*) FROM pages{where}").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


_CLUSTER_SCHEMA = """
CREATE TABLE IF NOT EXISTS near_members (
    key BLOB PRIMARY KEY,         -- sha1 of the URL's dedupe key (url_key), as bytes
    url TEXT NOT NULL,            -- the URL as last exported
    cluster_id TEXT NOT NULL,     -- near-duplicate cluster (pipelines.near_dupes)
    signature BLOB NOT NULL,      -- MinHash signature of the story's shingles (uint32 per permutation)
    added_at REAL                 -- unix time it joined
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS near_bands (
    bucket INTEGER NOT NULL,      -- LSH bucket: 64-bit hash of (band number, that band of the signature)
    key BLOB NOT NULL,            -- near_members.key
    PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
"""

MAX_BUCKET_CANDIDATES = 32
"""Members of one LSH bucket a new story is compared with (see :meth:`ClusterStore.candidates`)."""
CLUSTER_DB = "near-dupes.sqlite"
"""File of the near-duplicate clusters in STATE_DIR: one for every spider, so copies on several sites meet."""


@dataclass(frozen=True)
class ClusterMember:
    """One article of a near-duplicate cluster."""

    key: bytes
    url: str
    cluster_id: str
    signature: bytes


class ClusterStore:
    """Near-duplicate cluster membership across runs: MinHash signatures and their LSH buckets in SQLite.

    Kept beside the per-spider seen-stores (``<STATE_DIR>/near-dupes.sqlite``, or in memory with
    ``STATE_DIR=:memory:``), shared by every spider: a wire story on two sites crawled by two spiders
    lands in one cluster. Safe for concurrent runs (WAL, busy timeout) like :class:`SeenStore`.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = _connect(path, _CLUSTER_SCHEMA)

    _scratch = False

    @classmethod
    def in_dir(cls, directory: str) -> ClusterStore:
        """A state directory -> its cluster store; ``:memory:`` -> a store for this run only (:meth:`scratch`)."""
        return cls.scratch() if directory == MEMORY else cls(os.path.join(directory, CLUSTER_DB))

    @classmethod
    def scratch(cls) -> ClusterStore:
        """A store for this run only, in a temporary file that :meth:`close` removes.

        Not SQLite's ``:memory:``: a re-parse of 20,000 articles would keep ~1.8 kB of signature and buckets per
        article in the process. On disk, the process holds SQLite's bounded page cache; the rest is the OS's.
        """
        fd, path = tempfile.mkstemp(prefix="byline-near-dupes-", suffix=".sqlite")
        os.close(fd)
        store = cls(path)
        store._scratch = True
        return store

    def candidates(self, buckets: list[int], per_bucket: int = MAX_BUCKET_CANDIDATES) -> list[ClusterMember]:
        """Members sharing at least one LSH bucket with ``buckets``: at most ``per_bucket`` of each bucket.

        A story copied thousands of times fills its buckets with near-identical members; comparing a new copy with
        all of them would make a run quadratic. Any of them is as good a witness of its cluster as the rest.
        """
        if not buckets:
            return []
        one = "SELECT key FROM (SELECT key FROM near_bands WHERE bucket = ? LIMIT ?)"
        sql = (
            "SELECT key, url, cluster_id, signature FROM near_members WHERE key IN ("
            + " UNION ".join([one] * len(buckets))
            + ")"
        )
        with self._lock:
            rows = self._db.execute(sql, [x for b in buckets for x in (b, per_bucket)]).fetchall()
        return [ClusterMember(bytes(r[0]), r[1], r[2], bytes(r[3])) for r in rows]

    def member(self, key: bytes) -> ClusterMember | None:
        """The member stored under this URL key, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT key, url, cluster_id, signature FROM near_members WHERE key = ?", (key,)
            ).fetchone()
        return ClusterMember(bytes(row[0]), row[1], row[2], bytes(row[3])) if row else None

    def add(self, member: ClusterMember, buckets: list[int]) -> None:
        """Store (or replace) ``member`` and file it under ``buckets``, in one transaction."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO near_members (key, url, cluster_id, signature, added_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (member.key, member.url, member.cluster_id, member.signature, time.time()),
                )
                self._db.executemany(
                    "INSERT OR IGNORE INTO near_bands (bucket, key) VALUES (?, ?)", [(b, member.key) for b in buckets]
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def remove(self, key: bytes, buckets: list[int]) -> None:
        """Forget a member added this run (a later pipeline dropped its article)."""
        with self._lock:
            self._db.execute("DELETE FROM near_members WHERE key = ?", (key,))
            self._db.executemany("DELETE FROM near_bands WHERE bucket = ? AND key = ?", [(b, key) for b in buckets])

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM near_members").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
        if self._scratch:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(self.path + suffix)


@dataclass(frozen=True)
class StateConfig:
    """``STATE_*`` settings."""

    enabled: bool
    directory: str
    revisit_age: float
    """Seconds after which a known article is fetched again although no feed says it changed (0: never)."""
    conditional: bool
    """Send If-None-Match / If-Modified-Since when re-fetching a page whose validators we kept."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> StateConfig:
        return cls(
            enabled=settings.getbool("STATE_ENABLED", True),
            directory=state_dir(settings),
            revisit_age=settings.getfloat("STATE_REVISIT_AGE", 7 * 24 * 3600.0),
            conditional=settings.getbool("STATE_CONDITIONAL", True),
        )
