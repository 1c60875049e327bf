"""The baselines learn a planted signal, are deterministic where they can be, and make their own
choices on validation data only."""
from __future__ import annotations

import io

import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy import models
from xmlstudy.data.dataset import Dataset
from xmlstudy.metrics import precision_at_k
from xmlstudy.models.baselines import (KNN, OneVsRestLinear, Parabel, _l2_normalize_rows,
                                       write_xc_file)


def planted(n: int, seed: int, d: int = 60, L: int = 12, noise: float = 0.3, split: str = "train"):
    """Each row has 1-3 labels; each label switches on its own 5 features (plus noise
    features), so the labels are recoverable from the features."""
    rng = np.random.default_rng(seed)
    Y = np.zeros((n, L), np.float32)
    for i, k in enumerate(rng.integers(1, 4, size=n)):
        Y[i, rng.choice(L, size=k, replace=False)] = 1
    A = np.zeros((L, d), np.float32)
    for l in range(L):
        A[l, 5 * l:5 * l + 5] = 1.0
    X = Y @ A + (rng.random((n, d)) < 0.05) * noise * 3
    X = X * (rng.random((n, d)) > noise)  # drop some signal features at random
    return Dataset(name="planted", split=split, X=sp.csr_matrix(X), Y=sp.csr_matrix(Y),
                   feature_names=[f"f{j}" for j in range(d)],
                   label_names=[f"l{j}" for j in range(L)])


@pytest.fixture(scope="module")
def data():
    return planted(400, 0), planted(100, 1, split="valid"), planted(200, 2, split="test")


def test_registered():
    for name in ("knn", "ovr-linear", "parabel"):
        assert name in models.available()
    with pytest.raises(ValueError, match="valid: .*knn"):
        models.create("knnn")


@pytest.mark.parametrize("method", ["knn", "ovr-linear", "parabel"])
def test_learns_planted_signal(method, data):
    train, valid, test = data
    model = models.create(method, seed=0).fit(train, valid)
    idx, vals = model.topk(test.X, 5)
    assert idx.shape == (len(test), 5) and vals.shape == (len(test), 5)
    p1 = precision_at_k(test.Y, idx, 1)
    # Chance level is about 2/12; the signal is strong, so every baseline must be far above.
    assert p1 > 0.9, (method, p1)
    P = model.probabilities(test.X)
    assert P.shape == (len(test), test.n_labels)
    assert P.min() >= 0 and P.max() <= 1
    # Probabilities and scores rank the same way for these methods.
    assert np.array_equal(np.argmax(P, axis=1), idx[:, 0])


@pytest.mark.parametrize("method", ["knn", "ovr-linear"])
def test_deterministic(method, data):
    train, valid, test = data
    a = models.create(method, seed=3).fit(train, valid).scores(test.X)
    b = models.create(method, seed=3).fit(train, valid).scores(test.X)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("method", ["knn", "ovr-linear"])
def test_no_seed_enters(method, data):
    """What makes these two xmlstudy.methods.DETERMINISTIC: another seed, the same scores to the
    last bit (one-vs-rest's liblinear solver, the primal one, draws no random number)."""
    train, valid, test = data
    a = models.create(method, seed=0).fit(train, valid).scores(test.X)
    b = models.create(method, seed=1).fit(train, valid).scores(test.X)
    assert np.array_equal(a, b)


def test_parabel_reports_nondeterminism(data):
    train, _, test = data
    model = Parabel().fit(train)
    assert model.fit_info["deterministic"] is False
    s = model.scores(test.X)
    # Only the top min(L, top_k) labels per row are filled; at most 12 here.
    assert s.shape == (len(test), 12) and np.all((s > 0).sum(axis=1) <= 12)


def jitter(ds, seed):
    """The same rows with tiny continuous noise on every feature, so no two similarities tie
    (ties at the k-th neighbour would make the comparison depend on rounding)."""
    rng = np.random.default_rng(seed)
    X = ds.X.toarray() + 0.01 * rng.random(ds.X.shape)
    return Dataset(name=ds.name, split=ds.split, X=sp.csr_matrix(X), Y=ds.Y,
                   feature_names=ds.feature_names, label_names=ds.label_names)


def test_knn_matches_brute_force(data):
    train, test = jitter(data[0], 7), jitter(data[2], 8)
    model = KNN(k=7).fit(train)  # no validation: the default k
    assert model.fit_info["k"] == 7 and "default" in model.fit_info["selection"]
    Xtr = train.X.toarray()
    Xte = test.X.toarray()
    Xtr /= np.maximum(np.linalg.norm(Xtr, axis=1, keepdims=True), 1e-30)
    Xte /= np.maximum(np.linalg.norm(Xte, axis=1, keepdims=True), 1e-30)
    S = Xte @ Xtr.T
    expected = np.zeros((len(test), test.n_labels))
    for i in range(len(test)):
        nn = np.argsort(-S[i], kind="stable")[:7]
        w = np.maximum(S[i, nn], 0) + 1e-12
        expected[i] = (w[:, None] * train.Y.toarray()[nn]).sum(0) / w.sum()
    # Small batches exercise the batching; the result must not depend on it.
    model.batch_size = 13
    model._cached = (None,)
    np.testing.assert_allclose(model.scores(test.X), expected, atol=1e-5)


def tied(n: int = 60, n_labels: int = 7) -> Dataset:
    """Training rows whose cosine similarity to the query ``[1, 0]`` is 1 (row ``i % 4 != 1``:
    features ``[1, 0]``) or 1/sqrt(2) (``i % 4 == 1``: ``[1, 1]``); row ``i`` carries label
    ``i % n_labels``. Many rows tie at every k."""
    X = np.array([[1.0, 0.0] if i % 4 != 1 else [1.0, 1.0] for i in range(n)], np.float32)
    Y = np.zeros((n, n_labels), np.float32)
    Y[np.arange(n), np.arange(n) % n_labels] = 1
    return Dataset(name="tied", split="train", X=sp.csr_matrix(X), Y=sp.csr_matrix(Y),
                   feature_names=["a", "b"], label_names=[f"l{j}" for j in range(n_labels)])


def test_knn_breaks_ties_by_training_row_then_label_index():
    query = sp.csr_matrix(np.array([[3.0, 0.0]], np.float32))
    model = KNN(k=5).fit(tied())
    # 45 rows have similarity 1: the 5 of lowest index are rows 0, 2, 3, 4, 6 (the 5th, row 6,
    # is chosen over 40 others at the same similarity; a partial sort took row 7 here).
    neighbours, sims = model._neighbours(query, 5)
    assert neighbours.tolist() == [[0, 2, 3, 4, 6]] and sims.tolist() == [[1, 1, 1, 1, 1]]
    # They carry labels 0, 2, 3, 4, 6, one each: five labels at 1/5, the others at 0. The top 3
    # are the three of lowest index; among the zeros, too, the lower label index comes first.
    idx, vals = model.topk(query, 7)
    assert idx.tolist() == [[0, 2, 3, 4, 6, 1, 5]]
    np.testing.assert_allclose(vals, [[0.2] * 5 + [0, 0]], atol=1e-7)
    assert model.topk(query, 3)[0].tolist() == [[0, 2, 3]]
    # k = 2: rows 0 and 2, labels 0 and 2 at 1/2.
    assert KNN(k=2).fit(tied()).topk(query, 2)[0].tolist() == [[0, 2]]


def test_knn_neighbours_are_a_stable_sort_whatever_the_batch(data):
    """On binary features (many equal similarities) the neighbours are the first k of a stable
    sort of the similarities, in any batch size, and a second fit gives the same top labels."""
    train, _, test = data
    binary = lambda ds: Dataset(name=ds.name, split=ds.split, X=sp.csr_matrix((ds.X > 0).astype(np.float32)),
                                Y=ds.Y, feature_names=ds.feature_names, label_names=ds.label_names)
    train, test = binary(train), binary(test)
    model = KNN(k=10).fit(train)
    # The model's own float32 similarities of all rows at once, sorted stably: the reference.
    S = np.asarray(model._X @ _l2_normalize_rows(test.X).T.toarray()).T
    ranked = -np.sort(-S, axis=1)
    assert np.mean(ranked[:, 9] == ranked[:, 10]) > 0.3      # many rows tie at the 10th place
    expected = np.argsort(-S, axis=1, kind="stable")[:, :10]
    for batch in (1, 7, 1024):
        model.batch_size = batch
        got, sims = model._neighbours(test.X, 10)
        assert np.array_equal(got, expected), batch
        assert np.array_equal(sims, np.take_along_axis(S, expected, axis=1).astype(np.float32))
    again = KNN(k=10).fit(train)
    assert np.array_equal(model.topk(test.X, 5)[0], again.topk(test.X, 5)[0])


def test_knn_rejects_an_unknown_tie_rule():
    with pytest.raises(ValueError, match="knn: ties must be one of 'index', got 'random'"):
        KNN(ties="random")


def test_knn_chooses_k_on_validation_not_test(data):
    train, valid, test = data
    # Validation rows that duplicate training rows: the single nearest neighbour is exact, k = 1.
    duplicates = train.subset(np.arange(100), split="valid")
    assert KNN(k_grid=(1, 50)).fit(train, duplicates).fit_info["k"] == 1
    # Fresh rows: averaging many neighbours is better, k = 50. Same train, same test: only the
    # validation data changed, so the choice is made on it.
    fresh = KNN(k_grid=(1, 50)).fit(train, valid)
    assert fresh.fit_info["k"] == 50
    # The recorded criterion is mean(P@1, P@3, P@5) on validation with that k.
    idx, _ = KNN(k=50).fit(train).topk(valid.X, 5)
    expected = np.mean([precision_at_k(valid.Y, idx, k) for k in (1, 3, 5)])
    assert fresh.fit_info["valid_score_by_k"]["50"] == pytest.approx(expected)


def test_ovr_untrainable_labels():
    train = planted(200, 4)
    Y = train.Y.tolil()
    Y[:, 3] = 0          # a label never seen in training
    Y[:, 4] = 1          # a label present in every row
    train.Y = sp.csr_matrix(Y, dtype=np.float32)
    model = OneVsRestLinear().fit(train)
    P = model.probabilities(planted(50, 5).X)
    assert np.all(P[:, 3] == 0) and np.all(P[:, 4] == 1)
    assert model.fit_info["labels_without_positives"] == 1
    s = model.scores(planted(50, 5).X)
    assert np.all(np.isfinite(s)) and np.all(s[:, 3] < s[:, 0])


def test_ovr_chooses_C_on_validation(data):
    train, valid, _ = data
    model = OneVsRestLinear(C_grid=(0.01, 1.0)).fit(train, valid)
    assert set(model.fit_info["valid_score_by_C"]) == {"0.01", "1.0"}
    best = max(model.fit_info["valid_score_by_C"].items(), key=lambda kv: kv[1])
    assert model.fit_info["C"] == float(best[0])


def test_bad_params_name_the_problem():
    with pytest.raises(ValueError, match="k must be a positive integer"):
        KNN(k=0)
    with pytest.raises(ValueError, match="C must be a positive number"):
        OneVsRestLinear(C=-1)
    with pytest.raises(ValueError, match="n_trees must be a positive integer"):
        Parabel(n_trees=0)


def test_write_xc_file_format():
    X = sp.csr_matrix(np.array([[0, 1.5, 0], [0, 0, 0], [2, 0, 1]], np.float32))
    Y = sp.csr_matrix(np.array([[1, 0], [0, 1], [0, 0]], np.float32))
    f = io.StringIO()
    write_xc_file(f, X, Y)
    # No trailing space after a row without features; a row without labels starts with a space.
    assert f.getvalue() == "3 3 2\n0 1:1.5\n1\n 0:2 2:1\n"


def test_parabel_training_writes_nothing_to_the_terminal(capfd):
    """omikuji's native logging and progress bars are silenced (they flooded logs), and the
    process's own output still works afterwards."""
    train = planted(300, 0)
    capfd.readouterr()
    Parabel(n_trees=1).fit(train)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    print("still here")
    assert capfd.readouterr().out == "still here\n"
