"""Seeded splits: validation carved from train, and a test split for sources that ship none.

Both draw ``numpy.random.default_rng(seed).permutation(n)`` (PCG64), which is the same on every
machine and operating system for the pinned numpy, and keep the rows of each part in their
original order.
The test split of a source without one always uses :data:`TEST_SPLIT_SEED`, so every run of the
study, whatever its ``split_seed``, is scored on the same test rows.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset

TEST_SPLIT_SEED = 0


def _check_fraction(fraction: float, what: str) -> None:
    if not 0.0 <= float(fraction) < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {fraction!r}")


def holdout(dataset: Dataset, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (kept, held out), each sorted: ``round(fraction * n)`` rows held out."""
    n = len(dataset)
    n_out = int(round(fraction * n))
    if fraction > 0 and n_out == 0 and n > 1:
        n_out = 1  # a tiny set still gets one held-out row rather than none
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_out:]), np.sort(order[:n_out])


def carve_validation(train: Dataset, fraction: float, seed: int) -> tuple[Dataset, Dataset | None]:
    """Split ``train`` into (train, valid); ``valid`` is None when ``fraction`` is 0."""
    _check_fraction(fraction, "valid_fraction")
    if fraction == 0:
        return train, None
    keep, out = holdout(train, fraction, seed)
    return train.subset(keep, split="train"), train.subset(out, split="valid")


def random_test_split(everything: Dataset, fraction: float, seed: int = TEST_SPLIT_SEED
                      ) -> tuple[Dataset, Dataset]:
    """Split a source without its own split into (train, test)."""
    _check_fraction(fraction, "test_fraction")
    if fraction == 0:
        raise ValueError("test_fraction must be above 0 for a source without a test split")
    keep, out = holdout(everything, fraction, seed)
    return everything.subset(keep, split="train"), everything.subset(out, split="test")


def concatenate(first: Dataset, second: Dataset, split: str) -> Dataset:
    """Rows of ``first`` then ``second`` (same features and labels), e.g. to fold an official
    validation split back into train."""
    if first.feature_names != second.feature_names or first.label_names != second.label_names:
        raise ValueError(f"cannot join {first.split!r} and {second.split!r} of {first.name!r}: "
                         f"their feature or label columns differ")

    def both(a, b):
        return None if a is None or b is None else list(a) + list(b)

    groups = None
    if first.groups is not None and second.groups is not None:
        groups = np.concatenate([first.groups, second.groups])
    meta = {k: (both(v, second.meta.get(k)) if isinstance(v, list) and len(v) == len(first) else v)
            for k, v in first.meta.items()}
    return Dataset(
        name=first.name, split=split,
        X=sp.vstack([first.X, second.X], format="csr"), Y=sp.vstack([first.Y, second.Y], format="csr"),
        feature_names=first.feature_names, label_names=first.label_names,
        groups=groups, group_names=first.group_names, texts=both(first.texts, second.texts), meta=meta,
    )
