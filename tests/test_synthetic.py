"""The synthetic data generator: determinism, the power law of label frequencies, a planted
signal that a simple model learns (and that is gone when every feature is noise), valid CSR
splits, and no dense N x L array even at a million labels."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from xmlstudy import models
from xmlstudy.benchmarks.scale import precision_in_batches
from xmlstudy.data import synthetic


def _stack(splits, attr):
    return sp.vstack([getattr(splits.train, attr), getattr(splits.valid, attr),
                      getattr(splits.test, attr)]).tocsr()


def _check_csr(M: sp.csr_matrix, n_cols: int) -> None:
    assert M.format == "csr" and M.dtype == np.float32
    assert M.shape[1] == n_cols
    assert M.indptr[0] == 0 and M.indptr[-1] == M.nnz and np.all(np.diff(M.indptr) >= 0)
    assert M.nnz == 0 or (M.indices.min() >= 0 and M.indices.max() < n_cols)
    assert M.has_canonical_format          # sorted, no repeated column in a row


def test_same_seed_same_arrays_other_seed_other_arrays():
    a = synthetic.generate(n_rows=500, n_labels=300, n_features=400, seed=3)
    b = synthetic.generate(n_rows=500, n_labels=300, n_features=400, seed=3)
    c = synthetic.generate(n_rows=500, n_labels=300, n_features=400, seed=4)
    for split in ("train", "valid", "test"):
        for attr in ("X", "Y"):
            m, n = getattr(getattr(a, split), attr), getattr(getattr(b, split), attr)
            assert (m != n).nnz == 0 and np.array_equal(m.indices, n.indices)
    assert (_stack(a, "Y") != _stack(c, "Y")).nnz > 0


@pytest.mark.parametrize("exponent", [0.7, 1.0, 1.5])
def test_label_frequencies_follow_the_power_law(exponent):
    s = synthetic.generate(n_rows=50_000, n_labels=10_000, n_features=20_000,
                           zipf_exponent=exponent, seed=0)
    counts = np.sort(np.asarray(_stack(s, "Y").sum(0)).ravel())[::-1]
    # Fit over the ranks seen at least 20 times, where counts are not dominated by chance.
    top = int(np.sum(counts >= 20))
    assert top >= 200
    ranks = np.arange(1, top + 1)
    slope = np.polyfit(np.log(ranks), np.log(counts[:top]), 1)[0]
    assert slope == pytest.approx(-exponent, abs=0.05)


def test_labels_of_the_planted_popularity_are_the_frequent_ones():
    s = synthetic.generate(n_rows=20_000, n_labels=2_000, n_features=5_000, seed=1)
    counts = np.asarray(_stack(s, "Y").sum(0)).ravel()
    rank = s.train.meta["label_rank"]
    # The three planted most popular labels are the three most frequent.
    assert set(np.argsort(-counts)[:3]) == set(np.flatnonzero(rank < 3))
    assert np.corrcoef(np.log(rank + 1), np.log(counts + 1))[0, 1] < -0.9


def test_the_planted_signal_is_learnable_and_only_the_signal():
    """kNN is far above predicting the most frequent training label for every row; with every
    feature drawn as noise it is not above it at all."""
    def knn_and_baseline(noise):
        s = synthetic.generate(n_rows=3_000, n_labels=1_000, n_features=3_000, noise=noise, seed=0)
        most_frequent = int(np.argmax(np.asarray(s.train.Y.sum(0)).ravel()))
        baseline = float(s.test.Y[:, most_frequent].toarray().mean())
        model = models.create("knn", seed=0).fit(s.train, s.valid)
        return precision_in_batches(model, s.test.X, s.test.Y, 500)["P@1"], baseline

    p1, baseline = knn_and_baseline(noise=0.3)            # measured: 0.643 against 0.345
    assert baseline == pytest.approx(0.345, abs=0.03)
    assert p1 > 0.6 and p1 > 1.7 * baseline
    p1_noise, baseline_noise = knn_and_baseline(noise=1.0)  # measured: 0.327 against 0.332
    assert p1_noise == pytest.approx(baseline_noise, abs=0.03)


def test_shapes_splits_and_features():
    s = synthetic.generate(n_rows=1_000, n_labels=500, n_features=800, features_per_row=30,
                           valid_fraction=0.1, test_fraction=0.2, seed=2)
    assert (len(s.train), len(s.valid), len(s.test)) == (700, 100, 200)
    for ds in (s.train, s.valid, s.test):
        _check_csr(ds.X, 800)
        _check_csr(ds.Y, 500)
        assert np.all(ds.Y.data == 1)
        assert np.all(np.diff(ds.Y.indptr) >= 1)
        assert np.all(np.diff(ds.X.indptr).clip(max=30) == np.diff(ds.X.indptr))
        norms = np.sqrt(np.asarray(ds.X.multiply(ds.X).sum(1)).ravel())
        np.testing.assert_allclose(norms, 1.0, rtol=1e-5)
        assert len(ds.label_names) == 500 and ds.label_names[499] == "label-499"
        assert ds.feature_names[-1] == "feature-799" and ds.feature_names[:2] == ["feature-0", "feature-1"]
    assert synthetic.generate(n_rows=100, n_labels=5, n_features=5, valid_fraction=0).valid is None


def test_a_million_labels_without_a_dense_label_matrix():
    """1,000 rows x 10^6 labels x 10^6 features: a dense N x L float32 array alone would take
    4 GB; the generator stays at a few arrays of length L."""
    tracemalloc.start()
    s = synthetic.generate(n_rows=1_000, n_labels=10**6, n_features=10**6, seed=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert s.train.Y.shape == (700, 10**6) and s.test.X.shape == (200, 10**6)
    assert peak < 200 * 2**20


@settings(max_examples=40, deadline=None)
@given(n_rows=st.integers(1, 60), n_labels=st.integers(1, 50), n_features=st.integers(1, 40),
       labels_per_row=st.floats(1.0, 6.0), features_per_row=st.integers(1, 20),
       zipf=st.floats(0.0, 2.5), group_size=st.integers(1, 12), same_group=st.floats(0, 1),
       noise=st.floats(0, 1), seed=st.integers(0, 2**31))
def test_any_small_setting_gives_valid_rows(n_rows, n_labels, n_features, labels_per_row,
                                            features_per_row, zipf, group_size, same_group,
                                            noise, seed):
    s = synthetic.generate(n_rows=n_rows, n_labels=n_labels, n_features=n_features,
                           labels_per_row=labels_per_row, features_per_row=features_per_row,
                           zipf_exponent=zipf, group_size=group_size, same_group=same_group,
                           noise=noise, valid_fraction=0.0, test_fraction=0.0, seed=seed)
    assert s.valid is None and len(s.train) == n_rows
    X, Y = s.train.X, s.train.Y
    _check_csr(X, n_features)
    _check_csr(Y, n_labels)
    per_row = np.diff(Y.indptr)
    assert np.all(per_row >= 1)                                     # every row has a label
    for i in range(n_rows):                                         # no label twice in a row
        row = Y.indices[Y.indptr[i]:Y.indptr[i + 1]]
        assert np.unique(row).size == row.size
    assert np.all(Y.data == 1) and np.all((1 <= np.diff(X.indptr)) & (np.diff(X.indptr) <= features_per_row))


@pytest.mark.parametrize("bad, message", [
    ({"n_labels": 0}, "n_labels=0; it must be a positive integer"),
    ({"labels_per_row": 0.5}, "labels_per_row=0.5; it must be at least 1"),
    ({"noise": 1.5}, "noise=1.5; it must be a probability"),
    ({"zipf_exponent": -1}, "zipf_exponent=-1"),
    ({"n_rows": 3, "test_fraction": 0.5, "valid_fraction": 0.4}, "leaves no training row"),
])
def test_bad_settings_are_refused_by_name(bad, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        synthetic.generate(**bad)


def test_unknown_setting_lists_the_valid_ones():
    with pytest.raises(TypeError, match="unknown parameters \\['n_label'\\].*n_labels"):
        synthetic.generate(n_label=10)


def test_the_generator_benchmark_records_each_label_count(tmp_path):
    from xmlstudy import records
    from xmlstudy.benchmarks import synthetic as bench

    assert bench.main(["--labels", "100,1000", "--n", "200", "--features", "50",
                       "--results-dir", str(tmp_path)]) == 0
    recs = records.read_jsonl(tmp_path / "benchmark" / "synthetic.jsonl")
    assert [(r["setting"]["n_labels"], r["status"]) for r in recs] == [(100, "ok"), (1000, "ok")]
    for r in recs:
        assert r["data"]["rows"] == 200 and r["data"]["label_nnz"] >= 200
        assert r["timings"]["generate_s"] > 0 and r["peak_memory_mb"] >= 0
        assert r["peak_rss_mb"] >= r["peak_memory_mb"]
