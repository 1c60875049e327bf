"""The field's standard baselines: cosine k-nearest neighbours, one-vs-rest linear classifiers,
and Parabel-style label trees (from the maintained library omikuji).

All three learn from the training split only; a validation split, when given, is used only to
choose each method's own setting (k for kNN, C for the linear models). The choice is made on
``mean(P@1, P@3, P@5)`` over validation, the metrics the papers' tables report, and written to
``fit_info``.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset
from xmlstudy.evaluation import top_k
from xmlstudy.models.base import Model


def _selection_score(Y_true: sp.csr_matrix, topk_idx: np.ndarray) -> float:
    """Mean of P@1, P@3, P@5: the criterion every baseline uses to pick its setting on
    validation."""
    from xmlstudy.metrics import ranking_metrics

    m = ranking_metrics(sp.csr_matrix(Y_true), topk_idx, ks=(1, 3, 5))
    return float(np.mean([m["P@1"], m["P@3"], m["P@5"]]))


def _topk_of(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best columns per row, best first, ties towards the lower index."""
    return top_k(scores, k)[0]


def _l2_normalize_rows(X: sp.csr_matrix) -> sp.csr_matrix:
    X = sp.csr_matrix(X, dtype=np.float32, copy=True)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0  # an empty row stays empty (similarity 0 to everything)
    X.data /= np.repeat(norms, np.diff(X.indptr)).astype(np.float32)
    return X


class _ScoresOnce:
    """For methods whose scores are costly (a neighbour search, a tree search per row) and whose
    probabilities are those scores: the last score matrix is kept, keyed by a fingerprint of
    its input, so ``topk(X)`` followed by ``probabilities(X)`` searches once (for an ``X`` of
    one batch)."""

    def _fingerprint(self, X: sp.csr_matrix) -> tuple:
        h = hashlib.blake2b(digest_size=16)
        for a in (X.indptr, X.indices, X.data):
            h.update(np.ascontiguousarray(a).tobytes())
        return X.shape, h.hexdigest()

    def scores(self, X: sp.csr_matrix) -> np.ndarray:
        X = sp.csr_matrix(X, dtype=np.float32)
        key = self._fingerprint(X)
        if getattr(self, "_cached", (None,))[0] != key:
            s = self._compute_scores(X)
            s.flags.writeable = False  # shared between calls: nobody may change it in place
            self._cached = (key, s)
        return self._cached[1]

    def probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        return self.scores(X)

    def scores_and_probabilities(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        s = self.scores(X)
        return s, s


def _check_grid(name: str, grid) -> tuple:
    grid = tuple(grid)
    if not grid or any((not isinstance(v, (int, float))) or v <= 0 for v in grid):
        raise ValueError(f"{name}: expected a non-empty list of positive numbers, got {grid!r}")
    return grid


# ---------------------------------------------------------------------------------------------
KNN_TIES = ("index",)   # how kNN orders equal similarities and scores (KNN's ``ties``)


class KNN(_ScoresOnce, Model):
    """Cosine k-nearest neighbours.

    Features are L2-normalised, so a dot product is the cosine similarity. The score of label
    ``l`` for a query is the similarity-weighted share of its ``k`` nearest training rows that
    carry ``l``: ``sum_j w_j y_jl / sum_j w_j`` with ``w_j = max(cos, 0)``. It lies in [0, 1] and
    is used directly as the probability for set metrics.

    ``k`` is chosen on validation from ``k_grid`` when a validation split is given; otherwise it
    is ``k`` (default 10). Similarities are computed one batch of queries at a time
    (``batch_size`` rows, lowered automatically so a batch's similarity block stays near
    ``max_block`` floats), so an ``N x N`` dense matrix never exists.

    ``ties`` says how equal values are ordered, and so which of them make the cut: ``"index"``
    (the only rule) puts the lower training-row index first among neighbours of equal similarity,
    the k-th one included, and the lower label index first among labels of equal score. Binary
    and count features make such ties common (73% of Delicious's test rows have more than one
    training row at the 20th similarity, 95% of Corel5k's at the 50th), and a partial sort
    (``np.argpartition``) leaves the choice among them to its implementation, which numpy picks
    by the CPU's instruction set: the same configuration then gave other numbers on another
    machine. ``ties`` is a parameter so that it enters the configuration and its hash: a record
    made before the rule is not served for a configuration made with it.
    """

    name = "knn"

    def __init__(self, *, seed: int = 0, device: str = "auto", k: int = 10,
                 k_grid=(1, 3, 5, 10, 20, 30, 50, 100), batch_size: int = 1024,
                 max_block: int = 20_000_000, ties: str = "index") -> None:
        super().__init__(seed=seed, device="cpu")  # sparse products on the CPU only
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"knn: k must be a positive integer, got {k!r}")
        if ties not in KNN_TIES:
            raise ValueError(f"knn: ties must be one of {', '.join(map(repr, KNN_TIES))}, got "
                             f"{ties!r} ('index': equal similarities and scores in index order)")
        self.ties = ties
        self.k = k
        self.k_grid = tuple(int(v) for v in _check_grid("knn k_grid", k_grid))
        self.batch_size = int(batch_size)
        self.max_block = int(max_block)

    def fit(self, train: Dataset, valid: Dataset | None = None) -> "KNN":
        t0 = time.perf_counter()
        self._cached = (None,)
        self._n_labels = train.n_labels
        self._X = _l2_normalize_rows(train.X)
        self._Y = sp.csr_matrix(train.Y, dtype=np.float32)
        self._Y.eliminate_zeros()
        n = self._X.shape[0]
        if valid is not None and len(valid) > 0:
            grid = sorted({min(k, n) for k in self.k_grid})
            neighbours, sims = self._neighbours(valid.X, max(grid))
            by_k = {}
            for k in grid:
                s = self._vote(neighbours[:, :k], sims[:, :k])
                by_k[k] = _selection_score(valid.Y, _topk_of(s, 5))
            # Ties go to the smaller k (the simpler model).
            self.k_ = max(grid, key=lambda k: (by_k[k], -k))
            self.fit_info = {"k": self.k_, "valid_score_by_k": {str(k): v for k, v in by_k.items()},
                             "selection": "mean(P@1,P@3,P@5) on validation"}
        else:
            self.k_ = min(self.k, n)
            self.fit_info = {"k": self.k_, "selection": "default (no validation split)"}
        self.fit_info["epochs"] = 0
        self.fit_info["fit_seconds"] = time.perf_counter() - t0
        return self

    def _batch_rows(self) -> int:
        return max(1, min(self.batch_size, self.max_block // max(self._X.shape[0], 1)))

    def _neighbours(self, X: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and cosine similarities of the k nearest training rows, most similar first;
        among equal similarities the lower training index first, at the k-th place too (the
        rows of ``np.argsort(-similarities, kind="stable")[:, :k]``)."""
        Q = _l2_normalize_rows(X)
        n_train = self._X.shape[0]
        k = min(k, n_train)
        idx_parts, sim_parts = [], []
        step = self._batch_rows()
        for start in range(0, Q.shape[0], step):
            # (n_train x d sparse) @ (d x b dense) is a fast sparse-dense product; transpose after.
            block = np.asarray(self._X @ Q[start:start + step].T.toarray()).T
            # The study's one partial top k (the labels' too): a row's k best in index order
            # among equals, whatever the CPU and whatever the batch.
            idx, sims = top_k(block, k)
            idx_parts.append(idx)
            sim_parts.append(sims)
        if not idx_parts:
            return np.zeros((0, k), np.int64), np.zeros((0, k), np.float32)
        return np.vstack(idx_parts), np.vstack(sim_parts).astype(np.float32)

    def _vote(self, neighbours: np.ndarray, sims: np.ndarray) -> np.ndarray:
        n, k = neighbours.shape
        # A tiny floor keeps the vote defined (uniform) when no neighbour is similar at all.
        w = np.maximum(sims, 0.0) + 1e-12
        w = w / w.sum(axis=1, keepdims=True)
        W = sp.csr_matrix((w.ravel(), neighbours.ravel(), np.arange(0, n * k + 1, k)),
                          shape=(n, self._X.shape[0]))
        return np.asarray((W @ self._Y).toarray(), dtype=np.float32)

    def _compute_scores(self, X: sp.csr_matrix) -> np.ndarray:
        neighbours, sims = self._neighbours(X, self.k_)
        return self._vote(neighbours, sims)


# ---------------------------------------------------------------------------------------------
class OneVsRestLinear(Model):
    """One L2-regularised logistic regression per label (liblinear), on the features as given.

    Logistic regression rather than a linear SVM so that the outputs are probabilities for the
    set metrics. ``C`` is chosen on validation from ``C_grid`` when a validation split is given
    (the models fitted for the chosen C are kept: no refit, validation never enters training);
    otherwise it is ``C`` (default 1.0). A label with no positive training row scores 0; one
    positive in every row scores 1. The per-label fits run in ``n_jobs`` joblib workers
    (default 1).
    """

    name = "ovr-linear"
    libraries = ("scikit-learn", "joblib")

    def __init__(self, *, seed: int = 0, device: str = "auto", C: float = 1.0,
                 C_grid=(0.03, 0.1, 0.3, 1.0, 3.0), tol: float = 1e-4, max_iter: int = 100,
                 n_jobs: int = 1) -> None:
        super().__init__(seed=seed, device="cpu")
        if not isinstance(C, (int, float)) or C <= 0:
            raise ValueError(f"ovr-linear: C must be a positive number, got {C!r}")
        self.C = float(C)
        self.C_grid = tuple(float(c) for c in _check_grid("ovr-linear C_grid", C_grid))
        self.tol, self.max_iter, self.n_jobs = float(tol), int(max_iter), int(n_jobs)

    def _fit_all(self, X: sp.csr_matrix, Y: sp.csc_matrix, C: float):
        from joblib import Parallel, delayed

        n = X.shape[0]
        positives = np.diff(Y.indptr)
        trainable = np.flatnonzero((positives > 0) & (positives < n))
        fits = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_one_label)(X, Y[:, j].toarray().ravel(), C, self.tol, self.max_iter,
                                    self.seed)
            for j in trainable)
        W = np.zeros((X.shape[1], Y.shape[1]), np.float32)
        # Untrainable labels: bias -inf (never seen) or +inf (always present) -> score 0 or 1.
        b = np.where(positives >= n, np.inf, -np.inf).astype(np.float64)
        for j, (w, b_j) in zip(trainable, fits):
            W[:, j], b[j] = w, b_j
        return W, b

    def _decision(self, X: sp.csr_matrix, W: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.asarray(sp.csr_matrix(X, dtype=np.float32) @ W, dtype=np.float64) + b

    def fit(self, train: Dataset, valid: Dataset | None = None) -> "OneVsRestLinear":
        t0 = time.perf_counter()
        X = sp.csr_matrix(train.X, dtype=np.float64)
        Y = sp.csc_matrix(train.Y, copy=True)
        Y.eliminate_zeros()
        if valid is not None and len(valid) > 0:
            by_C, best = {}, None
            for C in self.C_grid:
                W, b = self._fit_all(X, Y, C)
                by_C[C] = _selection_score(valid.Y, _topk_of(self._decision(valid.X, W, b), 5))
                if best is None or by_C[C] > by_C[best[0]]:  # ties keep the smaller C
                    best = (C, W, b)
            self.C_, self._W, self._b = best
            self.fit_info = {"C": self.C_, "valid_score_by_C": {str(c): v for c, v in by_C.items()},
                             "selection": "mean(P@1,P@3,P@5) on validation"}
        else:
            self.C_ = self.C
            self._W, self._b = self._fit_all(X, Y, self.C)
            self.fit_info = {"C": self.C_, "selection": "default (no validation split)"}
        self.fit_info["epochs"] = 0
        self.fit_info["labels_without_positives"] = int(np.sum(np.diff(Y.indptr) == 0))
        self.fit_info["fit_seconds"] = time.perf_counter() - t0
        return self

    def scores(self, X: sp.csr_matrix) -> np.ndarray:
        """Decision values w.x + b (labels never seen in training: -inf, ranked last)."""
        s = self._decision(X, self._W, self._b)
        # Keep the ranking of unseen labels last but finite, so downstream sums stay finite.
        return np.nan_to_num(s, posinf=1e30, neginf=-1e30).astype(np.float32)

    def probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        s = self._decision(X, self._W, self._b)
        with np.errstate(over="ignore"):
            return (1.0 / (1.0 + np.exp(-s))).astype(np.float32)

    @property
    def n_parameters(self) -> int | None:
        if not hasattr(self, "_W"):
            return None
        return int(self._W.size + self._b.size)


def _fit_one_label(X, y, C, tol, max_iter, seed):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, solver="liblinear", tol=tol, max_iter=max_iter,
                             random_state=seed)
    clf.fit(X, y)
    return clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])


# ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _native_output_silenced():
    """Send file descriptors 1 and 2 to /dev/null for the duration: omikuji's Rust core logs
    every step to stdout and draws progress bars on stderr, which Python's own redirection
    cannot catch and which flooded logs and notebooks. Its errors still arrive as exceptions."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


class Parabel(_ScoresOnce, Model):
    """Parabel-style partitioned label trees, trained by omikuji with its defaults, which are
    Parabel's: 3 trees, balanced 2-means label clustering, at most 100 labels per leaf, linear
    classifiers with squared hinge loss (C = 1, weights below 0.1 pruned), beam size 10 at
    prediction.

    omikuji takes no seed (its clustering draws from an unseeded generator), so ``seed`` is
    recorded but cannot fix the trees; ``fit_info["deterministic"]`` says so. Scores for all labels
    are a dense matrix filled from omikuji's top ``min(L, top_k)`` predictions (default 100),
    zeros elsewhere; omikuji's scores lie in [0, 1] and are used as probabilities.
    """

    name = "parabel"
    libraries = ("omikuji",)

    def __init__(self, *, seed: int = 0, device: str = "auto", n_trees: int = 3,
                 max_leaf_size: int = 100, cluster_k: int = 2, beam_size: int = 10,
                 top_k: int = 100, n_threads: int | None = None) -> None:
        super().__init__(seed=seed, device="cpu")
        for name, v in (("n_trees", n_trees), ("max_leaf_size", max_leaf_size),
                        ("cluster_k", cluster_k), ("beam_size", beam_size), ("top_k", top_k)):
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"parabel: {name} must be a positive integer, got {v!r}")
        self.n_trees, self.max_leaf_size, self.cluster_k = n_trees, max_leaf_size, cluster_k
        self.beam_size, self.top_k, self.n_threads = beam_size, top_k, n_threads

    def fit(self, train: Dataset, valid: Dataset | None = None) -> "Parabel":
        import omikuji

        t0 = time.perf_counter()
        self._cached = (None,)
        self._n_labels = train.n_labels
        self._n_features = train.n_features
        hp = omikuji.Model.default_hyper_param()
        hp.n_trees = self.n_trees
        hp.min_branch_size = self.max_leaf_size
        hp.cluster_k = self.cluster_k
        fd, path = tempfile.mkstemp(prefix="xmlstudy-parabel-", suffix=".txt")
        try:
            with os.fdopen(fd, "w") as f:
                write_xc_file(f, train.X, train.Y)
            with _native_output_silenced():
                self._model = omikuji.Model.train_on_data(path, hp, n_threads=self.n_threads)
        finally:
            os.unlink(path)
        self.fit_info = {"epochs": 0, "deterministic": False,
                         "settings": {"n_trees": self.n_trees, "max_leaf_size": self.max_leaf_size,
                                      "cluster_k": self.cluster_k, "beam_size": self.beam_size,
                                      "loss": "squared hinge", "C": 1.0},
                         "fit_seconds": time.perf_counter() - t0}
        return self

    def _compute_scores(self, X: sp.csr_matrix) -> np.ndarray:
        X = X.copy()
        X.sort_indices()
        if X.shape[1] != self._n_features:
            raise ValueError(f"parabel: got {X.shape[1]} features, the model was trained on "
                             f"{self._n_features}")
        k = min(self._n_labels, self.top_k)
        out = np.zeros((X.shape[0], self._n_labels), np.float32)
        # omikuji's Python API predicts one row at a time; the tree search itself runs in Rust.
        for i in range(X.shape[0]):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            pairs = list(zip(X.indices[lo:hi].tolist(), X.data[lo:hi].tolist()))
            for label, score in self._model.predict(pairs, beam_size=self.beam_size, top_k=k):
                out[i, label] = score
        return out


def write_xc_file(f, X: sp.csr_matrix, Y: sp.csr_matrix) -> None:
    """Write features and labels in the Extreme Classification Repository text format.

    The format is a header ``n_rows n_features n_labels``, then per row ``l1,l2,... f:v f:v ...``
    (0-based indices)."""
    X = sp.csr_matrix(X, dtype=np.float32)
    Y = sp.csr_matrix(Y, copy=True)
    Y.eliminate_zeros()
    X.sort_indices()
    Y.sort_indices()
    f.write(f"{X.shape[0]} {X.shape[1]} {Y.shape[1]}\n")
    for i in range(X.shape[0]):
        labels = ",".join(map(str, Y.indices[Y.indptr[i]:Y.indptr[i + 1]]))
        lo, hi = X.indptr[i], X.indptr[i + 1]
        feats = " ".join(f"{j}:{v:.6g}" for j, v in zip(X.indices[lo:hi], X.data[lo:hi]))
        # omikuji rejects a trailing space, so a row without features ends after its labels.
        f.write(f"{labels} {feats}\n" if feats else f"{labels}\n")
