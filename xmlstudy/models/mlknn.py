"""ML-kNN (Zhang & Zhou, Pattern Recognition 2007), vectorised.

For each label j, ML-kNN counts how many of a sample's k nearest training neighbours carry j
(C_j in 0..k) and turns the count into a posterior with Bayes' rule:

    P(j | C_j = c) = P(H1_j) P(c | H1_j) / (P(H1_j) P(c | H1_j) + P(H0_j) P(c | H0_j))

with the smoothed prior P(H1_j) = (s + #train with j) / (2s + m) and the smoothed likelihoods
P(c | H1_j) = (s + #{train with j and count c}) / (s (k + 1) + #train with j) (and the same
without j), estimated on the training set with each sample left out of its own neighbourhood.
Neighbours are Euclidean on the features as given; k = 10 and s = 1 are the paper's defaults.
The posterior is both the score and the probability (the paper predicts j when it exceeds 0.5).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.neighbors import NearestNeighbors

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.base import Model


def _drop_self(ind: np.ndarray) -> np.ndarray:
    """From (n, k+1) neighbour lists of the training rows themselves, drop each row's own index
    (or the farthest neighbour when duplicates pushed the row itself out of the list)."""
    n, k1 = ind.shape
    is_self = ind == np.arange(n)[:, None]
    first_self = np.where(is_self.any(1), is_self.argmax(1), k1 - 1)
    keep = np.ones_like(ind, dtype=bool)
    keep[np.arange(n), first_self] = False
    return ind[keep].reshape(n, k1 - 1)


class MLkNN(Model):
    name = "mlknn"

    def __init__(self, *, seed: int = 0, device: str = "auto", k: int = 10, s: float = 1.0) -> None:
        super().__init__(seed=seed, device="cpu")
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
            raise ValueError(f"mlknn: k must be a positive integer, got {k!r}")
        if not s > 0:
            raise ValueError(f"mlknn: smoothing s must be > 0, got {s!r}")
        self.k, self.s = int(k), float(s)

    def fit(self, train: Dataset, valid: Dataset | None = None) -> "MLkNN":
        X = sp.csr_matrix(train.X, dtype=np.float32)
        Y = (sp.csr_matrix(train.Y).toarray() > 0).astype(np.float64)
        m, L = Y.shape
        k = min(self.k, m - 1)
        if k < 1:
            raise ValueError(f"mlknn: needs at least 2 training rows, got {m}")
        self._k = k
        self._Y = Y
        self._index = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(X)
        neighbours = _drop_self(self._index.kneighbors(X, n_neighbors=k + 1, return_distance=False))
        counts = self._counts(neighbours)                                        # (m, L) in 0..k
        s = self.s
        self._prior1 = (s + Y.sum(0)) / (2 * s + m)
        # c1[j, c]: training rows with label j whose neighbours carry j c times; c0 without j.
        cell = (np.arange(L)[None, :] * (k + 1) + counts).ravel()
        c1 = np.bincount(cell, weights=Y.ravel(), minlength=L * (k + 1)).reshape(L, k + 1)
        c0 = np.bincount(cell, weights=1.0 - Y.ravel(), minlength=L * (k + 1)).reshape(L, k + 1)
        self._like1 = (s + c1) / (s * (k + 1) + c1.sum(1, keepdims=True))
        self._like0 = (s + c0) / (s * (k + 1) + c0.sum(1, keepdims=True))
        self.fit_info = {"k": k, "s": s, "epochs": 0}
        return self

    def _counts(self, neighbours: np.ndarray) -> np.ndarray:
        """How many of each row's neighbours carry each label: (n, L) integers."""
        return self._Y[neighbours].sum(1).astype(np.int64)

    def scores(self, X: sp.csr_matrix, batch_size: int = 2048) -> np.ndarray:
        if not hasattr(self, "_index"):
            raise RuntimeError("mlknn: call fit() before scores()")
        X = sp.csr_matrix(X, dtype=np.float32)
        L = self._Y.shape[1]
        out = []
        for start in range(0, X.shape[0], batch_size):
            nb = self._index.kneighbors(X[start:start + batch_size], n_neighbors=self._k,
                                        return_distance=False)
            c = self._counts(nb)
            lab = np.arange(L)[None, :]
            p1 = self._prior1 * self._like1[lab, c]
            p0 = (1.0 - self._prior1) * self._like0[lab, c]
            out.append((p1 / (p1 + p0)).astype(np.float32))
        return np.vstack(out) if out else np.zeros((0, L), np.float32)

    def probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        return self.scores(X)

    def scores_and_probabilities(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        s = self.scores(X)
        return s, s

    @property
    def n_parameters(self) -> int | None:
        return None
