"""crawler/state/minhash.py gives datasketch's MinHash signatures and MinHashLSH's bands (stored signatures stay valid)."""

from __future__ import annotations

import importlib.util
import random
from typing import Any

import numpy as np
import pytest

from crawler.state.minhash import MinHasher, optimal_bands
from tests.conftest import need


@pytest.fixture
def datasketch() -> Any:
    need(importlib.util.find_spec("datasketch"), "datasketch (test extra) is the reference")
    import datasketch

    return datasketch


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
def test_bands_are_minhashlsh_bands(num_perm: int, datasketch: Any) -> None:
    from datasketch.lsh import _optimal_param

    for threshold in [t / 100 for t in range(5, 96, 5)]:
        assert optimal_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5), threshold


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7)])
def test_signatures_are_datasketch_signatures(num_perm: int, seed: int, datasketch: Any) -> None:
    rng = random.Random(seed)
    hasher = MinHasher(num_perm, seed)
    for size in (1, 2, 30, 500, 3000):
        shingles = [f"{rng.randint(0, 10**6)} ü {rng.random()}".encode() for _ in range(size)]
        reference = datasketch.MinHash(num_perm=num_perm, seed=seed)
        reference.update_batch(shingles)
        assert np.array_equal(hasher.signature(shingles), np.asarray(reference.hashvalues, dtype=np.uint32)), size
    assert np.array_equal(hasher.signature([]), datasketch.MinHash(num_perm=num_perm, seed=seed).hashvalues)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        MinHasher(0)
    with pytest.raises(ValueError):
        optimal_bands(1.0, 128)
