"""The evaluation that streams (xmlstudy.evaluation) against the dense path it replaces: the same
top labels, the same set metrics under every threshold protocol, whatever the batch size."""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from xmlstudy import evaluation as E
from xmlstudy import metrics as M
from xmlstudy.data.dataset import Dataset
from xmlstudy.models.base import Model, row_batches

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def dense_top_k(s: np.ndarray, k: int) -> np.ndarray:
    """What Model.topk did before: a stable sort of every row."""
    return np.argsort(-s, axis=1, kind="stable")[:, :min(k, s.shape[1])]


def tied_scores(rng: np.random.Generator, n: int, n_labels: int, kind: str, dtype) -> np.ndarray:
    """Scores with the kinds of ties models produce: few distinct values, mostly zeros (a
    neighbour vote), values exactly at the thresholds and at their float32 neighbours, NaN."""
    if kind == "continuous":
        s = rng.random((n, n_labels))
    elif kind == "few-values":
        s = rng.integers(0, 4, (n, n_labels)) / 4
    elif kind == "mostly-zero":
        s = np.where(rng.random((n, n_labels)) < 0.01, rng.integers(1, 3, (n, n_labels)) / 2, 0.0)
    elif kind == "at-thresholds":
        # every grid threshold, and the float32 numbers on either side of it
        t = np.asarray(M.THRESHOLD_GRID, np.float32)
        values = np.concatenate([t, np.nextafter(t, np.float32(0)), np.nextafter(t, np.float32(1)),
                                 np.asarray(M.THRESHOLD_GRID), [0.0, 1.0]])
        s = rng.choice(values, size=(n, n_labels))
    else:
        raise ValueError(kind)
    return s.astype(dtype)


KINDS = ("continuous", "few-values", "mostly-zero", "at-thresholds")


# ------------------------------------------------------------------ top k

@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 12), n_labels=st.integers(1, 2000),
       k=st.integers(1, 12), kind=st.sampled_from(KINDS), dtype=st.sampled_from([np.float32, np.float64]),
       nan_rate=st.sampled_from([0.0, 0.0, 0.02]))
def test_top_k_is_the_stable_sort_of_every_row(seed, n, n_labels, k, kind, dtype, nan_rate):
    rng = np.random.default_rng(seed)
    s = tied_scores(rng, n, n_labels, kind, dtype)
    s[rng.random(s.shape) < nan_rate] = np.nan
    idx, vals = E.top_k(s, k)
    expected = dense_top_k(s, k)
    assert idx.dtype == np.int64 and np.array_equal(idx, expected)
    np.testing.assert_array_equal(vals, np.take_along_axis(s, expected, axis=1))


@SETTINGS
@given(s=hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, max_side=40),
                    elements=st.sampled_from([0.0, -0.0, 1.0, 0.5, -1.0, np.inf, -np.inf, np.nan,
                                              np.float32(1e-30), np.float32(3e38)])),
       k=st.integers(1, 8))
def test_top_k_with_signed_zeros_infinities_and_nan(s, k):
    assert np.array_equal(E.top_k(s, k)[0], dense_top_k(s, k))


def test_top_k_breaks_ties_towards_the_lower_label_by_hand():
    s = np.array([[0.5, 0.9, 0.5, 0.9, 0.1],
                  [0.0, 0.0, 0.0, 0.0, 0.0],
                  [np.nan, 0.2, np.nan, 0.3, 0.2]], dtype=np.float32)
    idx, vals = E.top_k(s, 3)
    assert idx.tolist() == [[1, 3, 0], [0, 1, 2], [3, 1, 4]]
    assert vals[0].tolist() == pytest.approx([0.9, 0.9, 0.5])
    # k larger than L: every label, in order
    assert E.top_k(s[:1], 9)[0].tolist() == [[1, 3, 0, 2, 4]]


def test_top_k_rows_of_ties_on_a_wide_batch_use_the_exact_path():
    # 3000 labels, all zero but two: the k-th value is a 0 shared by thousands of labels, so the
    # block cut admits every entry; the lowest-indexed zeros must follow the two positives.
    s = np.zeros((3, 3000), np.float32)
    s[0, [2500, 7]] = [1.0, 2.0]
    s[2, 1234] = -1.0
    assert E.top_k(s, 4)[0].tolist() == [[7, 2500, 0, 1], [0, 1, 2, 3], [0, 1, 2, 3]]


# ------------------------------------------------------------------ set metrics from counts

def truth(rng, n, n_labels, rate=0.15):
    return sp.csr_matrix(rng.random((n, n_labels)) < rate)


def batches(S, P, size):
    return ((S[a:a + size], P[a:a + size]) for a in range(0, S.shape[0], size))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), n_valid=st.integers(0, 30),
       n_labels=st.integers(1, 700), kind=st.sampled_from(KINDS),
       dtype=st.sampled_from([np.float32, np.float64]), batch=st.integers(1, 45),
       rate=st.sampled_from([0.0, 0.05, 0.3]))
def test_streamed_protocols_equal_the_dense_ones(seed, n, n_valid, n_labels, kind, dtype, batch, rate):
    rng = np.random.default_rng(seed)
    Y, P = truth(rng, n, n_labels, rate), tied_scores(rng, n, n_labels, kind, dtype)
    Yv, Pv = truth(rng, n_valid, n_labels, rate), tied_scores(rng, n_valid, n_labels, kind, dtype)
    with_valid = n_valid > 0
    dense = M.threshold_protocols(Yv if with_valid else None, Pv if with_valid else None, Y, P)
    test = E.evaluate(batches(P, P, batch), Y, k=5)
    valid = E.evaluate(batches(Pv, Pv, batch), Yv, k=None).counts if with_valid else None
    streamed = E.threshold_protocols(test.counts, valid)
    assert streamed == dense          # every protocol, every metric, every chosen threshold: ==
    assert set(streamed) == ({"fixed-0.5", "validation", "best-on-test"} if with_valid
                             else {"fixed-0.5", "best-on-test"})
    for t in M.THRESHOLD_GRID:
        assert test.counts.at(t) == M.set_metrics(Y, P, t)
    # and the top labels are the dense ones
    assert np.array_equal(test.top_idx, dense_top_k(P.astype(np.float32), 5))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), n_labels=st.integers(1, 600),
       kind=st.sampled_from(KINDS), sizes=st.lists(st.integers(1, 70), min_size=2, max_size=4))
def test_batch_size_changes_no_number(seed, n, n_labels, kind, sizes):
    rng = np.random.default_rng(seed)
    Y, S = truth(rng, n, n_labels), tied_scores(rng, n, n_labels, kind, np.float32)
    P = np.clip(S * 1.3 - 0.1, 0, 1).astype(np.float32)   # probabilities apart from the scores
    Yv, Pv = truth(rng, n + 5, n_labels), tied_scores(rng, n + 5, n_labels, kind, np.float64)
    results = []
    for size in sizes:
        ev = E.evaluate(batches(S, P, size), Y, k=5)
        valid = E.evaluate(batches(Pv, Pv, size), Yv, k=None).counts
        results.append((ev.top_idx, ev.top_scores, E.threshold_protocols(ev.counts, valid),
                        M.ranking_metrics(Y, ev.top_idx)))
    for other in results[1:]:
        assert np.array_equal(other[0], results[0][0]) and np.array_equal(other[1], results[0][1])
        assert other[2] == results[0][2] and other[3] == results[0][3]


def test_planted_case_by_hand():
    # 3 rows, 6 labels, scores as probabilities. Row 0 holds {0, 2}, row 1 {1, 3, 4, 5}, row 2
    # nothing. Ties: row 0's 0.8 at labels 1 and 2 goes to label 1 first.
    Y = sp.csr_matrix(np.array([[1, 0, 1, 0, 0, 0],
                                [0, 1, 0, 1, 1, 1],
                                [0, 0, 0, 0, 0, 0]]))
    P = np.array([[0.6, 0.8, 0.8, 0.1, 0.0, 0.3],
                  [0.9, 0.7, 0.2, 0.4, 0.05, 0.1],
                  [0.2, 0.0, 0.0, 0.0, 0.6, 0.55]], dtype=np.float32)
    for size in (1, 2, 3):
        ev = E.evaluate(batches(P, P, size), Y, k=3)
        assert ev.top_idx.tolist() == [[1, 2, 0], [0, 1, 3], [4, 5, 0]]
        m = M.ranking_metrics(Y, ev.top_idx, ks=(1, 3))
        # row 0 hits at ranks 2, 3; row 1 at ranks 2, 3; row 2 has no true label
        assert m["P@1"] == 0.0
        assert m["P@3"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
        d2, d3 = 1 / math.log2(3), 1 / math.log2(4)
        assert m["nDCG@3"] == pytest.approx(((d2 + d3) / (1 + d2) + (d2 + d3) / (1 + d2 + d3)) / 3)
        at5 = ev.counts.at(0.5)
        # at 0.5: row 0 predicts {0, 1, 2} (tp 2), row 1 {0, 1} (tp 1), row 2 {4, 5} (tp 0)
        assert at5["ex-F1"] == pytest.approx((2 * 2 / 5 + 2 * 1 / 6 + 0) / 3)
        assert at5["mi-F1"] == pytest.approx(2 * 3 / (2 * 3 + 4 + 3))
        assert at5["HA"] == pytest.approx(1 - 7 / 18)


def test_counts_refuse_what_the_dense_path_refuses():
    Y = sp.csr_matrix(np.eye(3))
    P = np.full((3, 3), 0.2, np.float32)
    P[1, 2] = np.nan
    with pytest.raises(ValueError, match="P_test holds NaN or infinite"):
        E.evaluate(batches(P, P, 2), Y, name="_test")
    P[1, 2] = -np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        E.evaluate(batches(P, P, 2), Y)
    good = np.full((3, 3), 0.2)
    with pytest.raises(ValueError, match="covered 2 rows but Y_true has 3"):
        E.evaluate(batches(good[:2], good[:2], 2), Y)
    with pytest.raises(ValueError, match=r"\(rows x 3\)"):
        E.evaluate([(good[:, :2], good[:, :2])], Y)
    ev = E.evaluate(batches(good, good, 2), Y)
    with pytest.raises(ValueError, match="0.25 is not a candidate"):
        ev.counts.at(0.25)


def test_counts_at_other_candidates_and_without_labels():
    rng = np.random.default_rng(7)
    Y, P = truth(rng, 30, 8), np.round(rng.random((30, 8)), 2)
    ev = E.evaluate(batches(P, P, 7), Y, thresholds=[0.35, 0.35, 0.05, 0.99])
    assert ev.counts.thresholds.tolist() == [0.05, 0.35, 0.99]
    for t in (0.05, 0.35, 0.99):
        assert ev.counts.at(t) == M.set_metrics(Y, P, t)
    empty = np.zeros((4, 0))
    counts = E.evaluate([(empty, empty)], sp.csr_matrix(empty), k=None).counts
    assert counts.at(0.5) == M.set_metrics(sp.csr_matrix(empty), empty, 0.5)


def test_batch_rows_keep_4096_until_the_budget_and_then_halve():
    assert E.batch_rows(14) == E.batch_rows(6703) == 4096
    assert E.batch_rows(10**5) == 256 and E.batch_rows(10**6) == 32
    assert E.batch_rows(10**9) == 1
    with pytest.raises(ValueError):
        E.batch_rows(10, budget=0)


# ------------------------------------------------------------------ the Model interface

class Planted(Model):
    """A model whose scores are a fixed function of the features: ties on purpose."""

    name = "planted"

    def fit(self, train, valid=None):
        return self

    def scores(self, X):
        X = sp.csr_matrix(X)
        return np.round(np.asarray(X @ np.arange(1, 31, dtype=np.float64).reshape(3, 10)), 0) % 7


def test_model_topk_and_score_batches_match_the_dense_path():
    rng = np.random.default_rng(2)
    X = sp.csr_matrix(rng.integers(0, 3, (50, 3)).astype(np.float64))
    Y = truth(rng, 50, 10)
    model = Planted()
    S = model.scores(X)
    for size in (1, 7, 50, 4096):
        idx, vals = model.topk(X, 4, batch_size=size)
        assert np.array_equal(idx, dense_top_k(S.astype(np.float32), 4))
        ev = E.evaluate(model.score_batches(X, size), Y, k=4)
        assert np.array_equal(ev.top_idx, idx) and np.array_equal(ev.top_scores, vals)
        assert E.threshold_protocols(ev.counts) == M.threshold_protocols(None, None, Y, np.clip(S, 0, 1))
    assert model.topk(X[:0], 4)[0].shape == (0, 4)


def test_row_batches_slice_matrices_lists_and_datasets_in_order():
    X = np.arange(10.0).reshape(5, 2)
    parts = list(row_batches(X, 2))
    assert [p.shape[0] for p in parts] == [2, 2, 1] and sp.issparse(parts[0])
    assert list(row_batches(["a", "b", "c"], 2)) == [["a", "b"], ["c"]]
    texts = ["a", "b"]
    assert next(row_batches(texts, 5)) is texts          # one batch: the input itself
    ds = Dataset(name="toy", split="test", X=sp.csr_matrix(X), Y=sp.csr_matrix(np.eye(5)),
                 feature_names=["u", "v"], label_names=list("abcde"))
    sub = list(row_batches(ds, 3))
    assert [len(p) for p in sub] == [3, 2] and sub[1].Y.toarray()[0].tolist() == [0, 0, 0, 1, 0]
    with pytest.raises(ValueError, match="batch_size"):
        list(row_batches(X, 0))


@pytest.mark.parametrize("method", ["knn", "ovr-linear", "mlknn"])
def test_baseline_outputs_do_not_depend_on_the_batch(method):
    from xmlstudy.models import create

    rng = np.random.default_rng(0)
    X = sp.csr_matrix(rng.random((300, 12)) * (rng.random((300, 12)) < 0.5))
    Y = sp.csr_matrix((X[:, :6].toarray() + rng.random((300, 6)) * 0.3) > 0.5)
    train = Dataset(name="toy", split="train", X=X[:200], Y=Y[:200],
                    feature_names=[str(i) for i in range(12)], label_names=[str(i) for i in range(6)])
    valid = train.subset(np.arange(150, 200), split="valid")
    model = create(method, seed=0).fit(train.subset(np.arange(150)), valid)
    Xt, Yt = X[200:], Y[200:]
    dense = M.threshold_protocols(valid.Y, model.probabilities(valid.X), Yt, model.probabilities(Xt))
    top = dense_top_k(np.asarray(model.scores(Xt), np.float32), 5)
    for size in (16, 33, 100):
        ev = E.evaluate(model.score_batches(Xt, size), Yt, k=5)
        valid_counts = E.evaluate(model.score_batches(valid.X, size), valid.Y, k=None).counts
        assert np.array_equal(ev.top_idx, top)
        assert E.threshold_protocols(ev.counts, valid_counts) == dense


# ------------------------------------------------------------------ the benchmark's plumbing

def test_bench_evaluate_scores_are_seeded_and_both_paths_agree():
    from xmlstudy.benchmarks import evaluate as bench

    Y, Yv, propensity = bench._data(300, 40, 3000, seed=1)
    first = [s.copy() for s, p in bench.synthetic_batches(Y, 64, seed=5) if p is s]
    again = [s.copy() for s, _ in bench.synthetic_batches(Y, 64, seed=5)]
    assert len(first) == 5 and all(np.array_equal(a, b) for a, b in zip(first, again))
    # above the background (< 0.05) only what was planted in the row itself: at most its true
    # labels and 5 random ones, so nothing planted in one batch is left in the next
    per_row = np.diff(Y.indptr)
    for i, batch in enumerate(first):
        assert ((batch >= 0.05).sum(axis=1) <= per_row[64 * i:64 * i + len(batch)] + 5).all()
    streamed = bench.score_streaming(Y, Yv, propensity, batch=64, seed=5)
    assert streamed == bench.score_dense(Y, Yv, propensity, batch=64, seed=5)
    assert 0.2 < streamed["P@1"] < 0.9
