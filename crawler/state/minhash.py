"""MinHash signatures and the LSH banding for a similarity threshold, as ``datasketch`` computes them.

byline used ``datasketch.MinHash`` (its default ``affine32`` scheme) and ``datasketch.MinHashLSH``'s choice of
bands and rows. Importing datasketch imports SciPy for that one integral: 0.6 s of every run's start-up, a third
of a re-parse's. The few lines byline uses are here, with NumPy only; ``tests/state/test_minhash.py`` checks
that they give datasketch's signatures and bands, so signatures kept in a ``STATE_DIR`` stay valid.

- :class:`MinHasher`: each shingle's SHA-1 (first 4 bytes, little-endian), pre-mixed by the MurmurHash3
  finalizer, then ``num_perm`` affine permutations ``a * h + b mod 2**32`` (odd ``a``; ``a`` and ``b`` drawn
  from ``numpy.random.RandomState(seed)``); the signature is the minimum of each permutation.
- :func:`optimal_bands`: the bands x rows that minimise the false positive plus false negative probability
  mass around the threshold (both weighted 0.5), the integrals taken numerically.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_EMPTY = np.uint32(0xFFFFFFFF)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer, element-wise (multiplication wraps: modulo 2**32)."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)  # type: ignore[no-any-return]


class MinHasher:
    """``num_perm`` permutations drawn from ``seed``: byte strings (shingles) -> their MinHash signature."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        gen = np.random.RandomState(seed)
        self.num_perm = num_perm
        self.a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        self.b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)

    def signature(self, shingles: Iterable[bytes]) -> np.ndarray:
        """The signature (uint32 per permutation) of a set of byte strings; all 0xFFFFFFFF for an empty set."""
        hashes = [int.from_bytes(hashlib.sha1(s).digest()[:4], "little") for s in shingles]
        if not hashes:
            return np.full(self.num_perm, _EMPTY, dtype=np.uint32)
        hv = _fmix32(np.array(hashes, dtype=np.uint32).reshape(-1, 1))
        return (hv * self.a + self.b).min(axis=0)  # type: ignore[no-any-return]


_GRID = 4097
"""Points of the numerical integration (Simpson's rule) of the false positive and negative probabilities."""


def _simpson(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Simpson's rule along the last axis (an odd number of evenly spaced points)."""
    h = (x[-1] - x[0]) / (len(x) - 1)
    return h / 3 * (y[..., 0] + y[..., -1] + 4 * y[..., 1:-1:2].sum(-1) + 2 * y[..., 2:-1:2].sum(-1))  # type: ignore[no-any-return]


@lru_cache(maxsize=64)
def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) with ``bands * rows <= num_perm`` minimising the probability mass of false positives (pairs
    below ``threshold`` sharing a band) plus false negatives (pairs above it sharing none), as ``MinHashLSH``."""
    if not 0.0 < threshold < 1.0:
        raise ValueError("threshold must be between 0 and 1")
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=float)
    bands, rows = pairs[:, :1], pairs[:, 1:]
    below = np.linspace(0.0, threshold, _GRID)
    above = np.linspace(threshold, 1.0, _GRID)
    false_pos = _simpson(1 - (1 - below**rows) ** bands, below)
    false_neg = _simpson((1 - above**rows) ** bands, above)
    best = int(np.argmin(0.5 * false_pos + 0.5 * false_neg))  # the first of equals, as datasketch's loop keeps
    return int(pairs[best, 0]), int(pairs[best, 1])
