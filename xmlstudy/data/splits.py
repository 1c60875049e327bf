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


def group_holdout(groups, fraction: float, seed: int) -> set:
    """The groups held out: ``round(fraction * g)`` of the ``g`` distinct values of ``groups``.

    For rows that come in groups which must not straddle a split (binary packages built from one
    source package share their descriptions and dependencies): a row is held out when its group
    is. The distinct groups are sorted before the seeded permutation, so the answer depends only
    on the set of groups, not on the order of the rows."""
    _check_fraction(fraction, "fraction")
    distinct = sorted(set(groups))
    n_out = int(round(fraction * len(distinct)))
    if fraction > 0 and n_out == 0 and len(distinct) > 1:
        n_out = 1  # as in holdout: a tiny set still gets one held-out group
    order = np.random.default_rng(seed).permutation(len(distinct))
    return {distinct[i] for i in order[:n_out]}


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


# --- split protocols: the data sets' own split, or the papers' random ones ----------------------
PROTOCOLS = ("given", "random-80-10-10", "random-same-sizes")


def resplit(train: Dataset, test: Dataset, protocol: str, seed: int, valid_fraction: float,
            valid_seed: int) -> tuple[Dataset, Dataset | None, Dataset]:
    """(train, valid, test) under a split protocol, from the source's own train and test.

    * ``"given"``: the source's train and test; validation carved from train (``valid_seed``).
    * ``"random-80-10-10"``: train and test pooled, then a ``seed``-ed random 80/10/10 partition
      into train / valid / test (C-GMVAE's section 4.1).
    * ``"random-same-sizes"``: pooled, then a ``seed``-ed random train / test of the source's
      own sizes (the DXML paper's "ten train-test splits"); validation carved from train.

    Features stay as the source computed them: where they were fitted on the source's own train
    split (reuters' tf-idf vocabulary), a random split lets that fit see some test documents."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"split protocol {protocol!r}; valid: {', '.join(PROTOCOLS)}")
    if protocol == "given":
        train, valid = carve_validation(train, valid_fraction, valid_seed)
        return train, valid, test
    pooled = concatenate(train, test, split="pooled")
    order = np.random.default_rng(seed).permutation(len(pooled))
    if protocol == "random-80-10-10":
        n_train, n_valid = int(round(0.8 * len(pooled))), int(round(0.1 * len(pooled)))
        parts = np.split(order, [n_train, n_train + n_valid])
        return tuple(pooled.subset(np.sort(rows), split=name)
                     for rows, name in zip(parts, ("train", "valid", "test")))
    new_train = pooled.subset(np.sort(order[:len(train)]), split="train")
    new_test = pooled.subset(np.sort(order[len(train):]), split="test")
    new_train, valid = carve_validation(new_train, valid_fraction, valid_seed)
    return new_train, valid, new_test
