"""Digests that identify a story across URLs and runs: the body hash (words only) and the compact digest kept
in memory, SQLite and Redis for a URL key or a body hash."""

from __future__ import annotations

import hashlib
import re

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def body_hash(text: str) -> str:
    """Hash of a story's words only (case, punctuation and whitespace ignored)."""
    norm = _NON_WORD.sub(" ", text).strip().casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def seen_digest(value: str) -> bytes:
    """A URL key or body hash -> the 16-byte digest the run's sets keep (a fixed size per article, not the string)."""
    return hashlib.blake2b(value.encode("utf-8"), digest_size=16).digest()
