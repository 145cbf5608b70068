"""Near-duplicate clusters: lightly edited copies of one story share a ``cluster_id``, across URLs, sites and runs.

:mod:`pipelines.dedupe` drops exact repeats (same URL, same words). Wire copies on several sites and
updates under another URL differ a little: a new headline, a paragraph added or cut, other
boilerplate. Here each story's body becomes a set of word 5-gram shingles (CJK text: character
5-grams), summarised by a MinHash signature (:mod:`crawler.state.minhash`: datasketch's); locality-sensitive hashing
(``DEDUPE_NEAR_THRESHOLD`` picks the bands and rows, as ``datasketch.MinHashLSH`` does) finds earlier
stories sharing a band, and the most similar one whose estimated Jaccard similarity reaches the
threshold gives its cluster. Otherwise the story starts a cluster: its id is the first 16 hex
digits of its body hash (:func:`pipelines.dedupe.body_hash`), so ids do not depend on host or run.

Membership is kept in the seen-store directory (:class:`crawler.state.store.ClusterStore`, one file for
all spiders), so a copy crawled next week joins this week's cluster. Members are recorded as the
article passes; one that a later pipeline drops is taken out again.

Settings (defaults in :class:`NearDupeConfig`):

- ``DEDUPE_NEAR``: ``mark`` (every article keeps its ``cluster_id``), ``drop`` (an article joining a
  cluster that holds another URL is dropped: ``near duplicate``), ``off``.
- ``DEDUPE_NEAR_THRESHOLD`` (0.5): Jaccard similarity of the shingle sets to join a cluster.
- ``DEDUPE_NEAR_PERMUTATIONS`` (128): MinHash permutations (signature size: 4 bytes each).
- ``DEDUPE_NEAR_SHINGLE`` (5): words (CJK characters) per shingle.
- ``DEDUPE_NEAR_MIN_WORDS`` (30): shorter stories are not matched (each is its own cluster).

Stats: ``news/near_dupes/new_cluster``, ``.../joined``, ``.../same_url``, ``.../short``,
``.../dropped``. The item pipeline over it is :class:`pipelines.near_dupes.NearDupePipeline` (add-on priority 250: after
validation 100 and exact de-duplication 200, before revisions 300).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from crawler.state.digests import body_hash
from crawler.state.minhash import MinHasher, optimal_bands
from crawler.state.store import ClusterMember, ClusterStore, url_key

MODES = ("mark", "drop", "off")
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)
"""A word, or one Han/kana character (those scripts do not separate words by spaces)."""


@dataclass(frozen=True)
class NearDupeConfig:
    """``DEDUPE_NEAR*`` settings."""

    mode: str = "mark"
    threshold: float = 0.5
    permutations: int = 128
    shingle: int = 5
    min_words: int = 30
    seed: int = 1

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> NearDupeConfig:
        mode = str(settings.get("DEDUPE_NEAR", "mark")).lower()
        if mode not in MODES:
            raise NotConfigured(f"DEDUPE_NEAR must be one of {MODES}, not {mode!r}")
        return cls(
            mode=mode,
            threshold=settings.getfloat("DEDUPE_NEAR_THRESHOLD", 0.5),
            permutations=settings.getint("DEDUPE_NEAR_PERMUTATIONS", 128),
            shingle=max(1, settings.getint("DEDUPE_NEAR_SHINGLE", 5)),
            min_words=settings.getint("DEDUPE_NEAR_MIN_WORDS", 30),
        )


def tokens(text: str) -> list[str]:
    """A story -> its words, case-folded (CJK: one token per character); punctuation and spacing ignored."""
    return _TOKEN.findall(text.casefold())


def shingles(words: list[str], size: int) -> set[bytes]:
    """Words -> the set of their ``size``-word windows (the whole text when shorter)."""
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class Signer:
    """MinHash signatures (:class:`crawler.state.minhash.MinHasher`) and their LSH buckets for one configuration."""

    def __init__(self, config: NearDupeConfig) -> None:
        self.config = config
        self._hasher = MinHasher(config.permutations, config.seed)
        # MinHashLSH's choice of bands x rows for this threshold (false positives and negatives weighed equally).
        self.bands, self.rows = optimal_bands(config.threshold, config.permutations)

    def signature(self, text: str) -> np.ndarray | None:
        """A story -> its signature (uint32 per permutation), or None when it is shorter than ``min_words``."""
        words = tokens(text)
        if len(words) < self.config.min_words:
            return None
        return self._hasher.signature(shingles(words, self.config.shingle))

    def buckets(self, signature: np.ndarray) -> list[int]:
        """A signature -> one signed 64-bit LSH bucket per band."""
        out = []
        for band in range(self.bands):
            chunk = signature[band * self.rows : (band + 1) * self.rows].tobytes()
            digest = hashlib.blake2b(band.to_bytes(2, "big") + chunk, digest_size=8).digest()
            out.append(int.from_bytes(digest, "big", signed=True))
        return out

    @staticmethod
    def similarity(a: np.ndarray, b: bytes) -> float:
        """Estimated Jaccard similarity of two signatures (share of equal permutation minima)."""
        other = np.frombuffer(b, dtype=np.uint32)
        return float(np.count_nonzero(a == other)) / len(a) if len(other) == len(a) else 0.0


@dataclass(frozen=True)
class Assignment:
    """Where :meth:`NearDupeClusters.assign` puts a story."""

    cluster_id: str
    closest: ClusterMember | None
    """The most similar member under another URL (None: the story starts a cluster, or is too short)."""
    earlier: ClusterMember | None
    """This URL's membership from before (a new version of the page), or None."""
    signature: np.ndarray | None
    buckets: list[int]


class NearDupeClusters:
    """Assigns clusters against a :class:`crawler.state.store.ClusterStore` (usable without Scrapy: see the bench)."""

    def __init__(self, store: ClusterStore, config: NearDupeConfig) -> None:
        self.store = store
        self.config = config
        self.signer = Signer(config)

    def assign(self, url: str, text: str) -> Assignment:
        """The cluster of the story ``text`` at ``url``. Nothing is stored (see :meth:`record`)."""
        key = bytes.fromhex(url_key(url))
        earlier = self.store.member(key)
        signature = self.signer.signature(text)
        if signature is None:
            return Assignment(earlier.cluster_id if earlier else body_hash(text)[:16], None, earlier, None, [])
        buckets = self.signer.buckets(signature)
        best: tuple[float, ClusterMember] | None = None
        for member in self.store.candidates(buckets):
            if member.key == key:
                continue
            score = self.signer.similarity(signature, member.signature)
            if score >= self.config.threshold and (best is None or score > best[0]):
                best = (score, member)
        if earlier is not None:
            cluster = earlier.cluster_id  # a new version of a URL stays in its cluster
        elif best is not None:
            cluster = best[1].cluster_id
        else:
            cluster = body_hash(text)[:16]
        return Assignment(cluster, best[1] if best else None, earlier, signature, buckets)

    def record(self, url: str, assignment: Assignment) -> ClusterMember | None:
        """Store ``url`` as a member of its assigned cluster (None: too short to match, not stored)."""
        if assignment.signature is None:
            return None
        member = ClusterMember(bytes.fromhex(url_key(url)), url, assignment.cluster_id, assignment.signature.tobytes())
        self.store.add(member, assignment.buckets)
        return member


def cluster_all(records: Iterable[tuple[str, str]], config: NearDupeConfig | None = None) -> list[str]:
    """(url, body) pairs in order -> their cluster ids, recorded in a fresh in-memory store (tests, bench)."""
    clusters = NearDupeClusters(ClusterStore(":memory:"), config or NearDupeConfig())
    out = []
    for url, text in records:
        found = clusters.assign(url, text)
        clusters.record(url, found)
        out.append(found.cluster_id)
    return out
