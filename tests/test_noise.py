"""Label noise (seed 003, section 3.3) measured on real data and on hand-made rows."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy import data
from xmlstudy.data import Dataset, inject_label_noise


@pytest.fixture(scope="module")
def delicious():
    return data.load("delicious", valid_fraction=0.0)


@pytest.fixture(scope="module")
def imdb():
    return data.load("imdb", valid_fraction=0.0)


def _overlap(noisy, original) -> tuple[int, int, int]:
    """(positives before, positives after, positives in both)."""
    return int(original.sum()), int(noisy.sum()), int(noisy.multiply(original).sum())


def test_missing_drops_the_stated_share_of_positives(delicious):
    train = delicious.train
    noisy = inject_label_noise(train, "missing", 0.3, seed=0)
    before, after, both = _overlap(noisy.Y, train.Y)
    assert after == both                                  # nothing is added
    dropped = 1 - after / before
    assert abs(dropped - 0.3) < 0.01, dropped             # 246k positives: the std is ~0.001
    assert noisy.meta["label_noise"]["dropped"] == before - after
    assert np.all(noisy.Y.data == 1)


@pytest.mark.parametrize("rate", [0.3, 0.6])
def test_missing_invalid_flips_both_ways_and_keeps_cardinality(imdb, rate):
    train = imdb.train
    noisy = inject_label_noise(train, "missing-invalid", rate, seed=1)
    before, after, both = _overlap(noisy.Y, train.Y)
    missing = (before - both) / before
    invalid = (after - both) / after
    assert abs(missing - rate) < 0.01 and abs(invalid - rate) < 0.01, (missing, invalid)
    # each row keeps its number of labels in expectation
    assert abs(noisy.Y.sum() / train.Y.sum() - 1) < 0.01
    assert np.all(noisy.Y.data == 1)                      # no label added twice
    record = noisy.meta["label_noise"]
    assert record["added"] == after - both and record["dropped"] == before - both


def test_seeded_determinism_and_test_labels_untouched(delicious):
    before_train = delicious.train.Y.copy()
    before_test = delicious.test.Y.copy()
    a = inject_label_noise(delicious.train, "missing-invalid", 0.2, seed=7)
    b = inject_label_noise(delicious.train, "missing-invalid", 0.2, seed=7)
    c = inject_label_noise(delicious.train, "missing-invalid", 0.2, seed=8)
    assert (a.Y != b.Y).nnz == 0
    assert (a.Y != c.Y).nnz > 0
    # the input (and the test split that was never passed) stay as they were
    assert (delicious.train.Y != before_train).nnz == 0
    assert (delicious.test.Y != before_test).nnz == 0
    assert (a.X != delicious.train.X).nnz == 0


def _toy(rows: list[list[int]], n_labels: int) -> Dataset:
    Y = sp.lil_matrix((len(rows), n_labels), dtype=np.float32)
    for i, labels in enumerate(rows):
        Y[i, labels] = 1
    return Dataset(name="toy", split="train", X=sp.csr_matrix((len(rows), 1)), Y=Y,
                   feature_names=["f"], label_names=[f"l{j}" for j in range(n_labels)])


def test_rows_without_room_or_without_labels_gain_nothing():
    toy = _toy([[0, 1, 2], [], [1]], 3)
    for seed in range(20):
        noisy = inject_label_noise(toy, "missing-invalid", 0.9, seed=seed).Y.toarray()
        assert noisy[0].sum() <= 3 and noisy[1].sum() == 0   # full row: no negative to add
        assert noisy[2].sum() <= 2 and set(np.flatnonzero(noisy[2])) <= {0, 1, 2}
        assert np.isin(noisy, (0, 1)).all()


def test_rate_zero_is_identity_and_bad_arguments_are_refused():
    toy = _toy([[0], [1, 2]], 4)
    assert (inject_label_noise(toy, "missing-invalid", 0.0).Y != toy.Y).nnz == 0
    with pytest.raises(ValueError, match="valid: missing, missing-invalid"):
        inject_label_noise(toy, "flip", 0.1)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        inject_label_noise(toy, "missing", 1.5)
