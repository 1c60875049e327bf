"""ML-kNN against a plain loop over the definitions of Zhang & Zhou (2007)."""
import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset
from xmlstudy.models import create


def _ds(X, Y, split="train"):
    return Dataset("tiny", split, sp.csr_matrix(X), sp.csr_matrix(Y),
                   [f"f{i}" for i in range(X.shape[1])], [f"l{j}" for j in range(Y.shape[1])])


def _brute_mlknn(Xtr, Ytr, Xte, k, s):
    m, L = Ytr.shape
    dist = lambda a, b: float(((a - b) ** 2).sum())  # noqa: E731

    def neighbours(x, exclude=None):
        order = sorted((dist(x, Xtr[i]), i) for i in range(m) if i != exclude)
        return [i for _, i in order[:k]]

    counts = [[sum(Ytr[n, j] for n in neighbours(Xtr[i], exclude=i)) for j in range(L)] for i in range(m)]
    out = np.zeros((len(Xte), L))
    for j in range(L):
        prior1 = (s + Ytr[:, j].sum()) / (2 * s + m)
        c1 = [0] * (k + 1)
        c0 = [0] * (k + 1)
        for i in range(m):
            (c1 if Ytr[i, j] == 1 else c0)[int(counts[i][j])] += 1
        for t, x in enumerate(Xte):
            c = int(sum(Ytr[n, j] for n in neighbours(x)))
            like1 = (s + c1[c]) / (s * (k + 1) + sum(c1))
            like0 = (s + c0[c]) / (s * (k + 1) + sum(c0))
            out[t, j] = prior1 * like1 / (prior1 * like1 + (1 - prior1) * like0)
    return out


def test_mlknn_matches_a_brute_force_loop():
    rng = np.random.default_rng(0)
    # Distinct random points: no distance ties, so the neighbour sets are unambiguous.
    Xtr, Xte = rng.normal(size=(30, 4)), rng.normal(size=(8, 4))
    Ytr = (rng.random((30, 5)) < 0.35).astype(float)
    model = create("mlknn", k=4, s=1.0).fit(_ds(Xtr, Ytr), None)
    got = model.probabilities(sp.csr_matrix(Xte))
    np.testing.assert_allclose(got, _brute_mlknn(Xtr, Ytr, Xte, 4, 1.0), rtol=1e-6)


def test_duplicate_training_rows_still_leave_out_the_row_itself():
    X = np.array([[0.0, 0], [0, 0], [5, 5], [5, 5.1], [9, 9]])
    Y = np.array([[1, 0], [0, 1], [1, 0], [1, 1], [0, 1]], dtype=float)
    from xmlstudy.models.mlknn import _drop_self
    ind = np.array([[1, 0, 2], [0, 1, 2], [2, 3, 0], [3, 2, 4], [3, 2, 4]])
    kept = _drop_self(ind)
    assert kept.tolist() == [[1, 2], [0, 2], [3, 0], [2, 4], [3, 2]]
    assert create("mlknn", k=2).fit(_ds(X, Y), None).probabilities(sp.csr_matrix(X)).shape == (5, 2)


def test_mlknn_rejects_bad_k():
    with pytest.raises(ValueError, match="k must be a positive integer"):
        create("mlknn", k=0)
