"""Evaluation metrics: ranking metrics at k and set metrics with threshold protocols.

Ranking metrics (as DXML and Rank-AE define them; propensity-scored variants of Jain et al.,
2016) are computed from the ``N x K`` matrix of top-k label indices a model returns, never from a
dense ``N x L`` score matrix, so they scale to extreme label spaces. With ``y`` the 0/1 truth of a row and
``rank_k`` the k predicted labels, best first:

.. code-block:: text

    P@k      = 1/k * sum_{l in rank_k} y_l
    DCG@k    = sum_{j=1..k} y_{rank_j} / log(j + 1)
    nDCG@k   = DCG@k / sum_{j=1..min(k, |y|)} 1 / log(j + 1)
    PSP@k    = as P@k with each hit weighted by the label's inverse propensity 1 / p_l
    PSnDCG@k = as nDCG@k with each hit weighted by 1 / p_l

All are averaged over rows and returned as fractions in [0, 1]. Conventions (the usual ones of the
Extreme Classification literature, and those of napkinXC 0.7.2, ``napkinxc.metrics``):

* A row with no true label still counts in the average and scores 0 for P@k and nDCG@k.
* Fewer than k predictions (a ``K < k`` matrix, or entries set to -1) count as misses.
* PSP@k and PSnDCG@k are normalised by the best achievable value on the same rows: the sum over
  rows of the propensity-scored score divided by the sum over rows of the score an oracle would
  get by ranking each row's true labels by decreasing inverse propensity. This is a ratio of
  sums (napkinXC's ``normalize=True``), not a mean of per-row ratios; rows without true labels
  add 0 to both sums.
* The log base does not matter for nDCG (it cancels); base 2 is used.

Set metrics follow C-GMVAE as its official code computes them, with a label predicted
positive when its probability is >= the threshold:

* ex-F1: per row ``2 |y & y_hat| / (|y| + |y_hat|)``, averaged over rows; rows with no true and no
  predicted label are skipped.
* mi-F1: 2 sum(tp) / (2 sum(tp) + sum(fp) + sum(fn)) over all rows and labels.
* ma-F1: per label 2tp / (2tp + fp + fn + 1e-6), averaged over all labels, so a label with no
  positives and no predictions counts 0.
* HA: Hamming accuracy, 1 - (fp + fn) / (N L).

Where a quantity is 0/0 (ex-F1 with every row skipped, mi-F1 with no positives and no
predictions, PSP with no true labels at all) it is reported as 0 so records never hold NaN.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = [
    "THRESHOLD_GRID",
    "SET_METRICS",
    "propensities",
    "topk_relevance",
    "precision_at_k",
    "ndcg_at_k",
    "psp_at_k",
    "psndcg_at_k",
    "ranking_metrics",
    "precision_at_1_from_scores",
    "set_metrics",
    "set_metrics_from_counts",
    "threshold_protocols",
    "choose_thresholds",
    "truth_csr",
]

# The threshold sweep of the official C-GMVAE code.
THRESHOLD_GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
SET_METRICS = ("ex-F1", "mi-F1", "ma-F1", "HA")


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def truth_csr(Y, name: str = "Y_true") -> sp.csr_matrix:
    """0/1 truth as a CSR matrix with sorted, unique column indices and no stored zeros."""
    if sp.issparse(Y):
        Y = Y.tocsr()
    else:
        Y = np.asarray(Y)
        if Y.ndim != 2:
            raise ValueError(f"{name} must be a 2-D (N x L) matrix; got an array of shape {Y.shape}")
        Y = sp.csr_matrix(Y)
    if Y.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (N x L) matrix; got shape {Y.shape}")
    if not Y.has_canonical_format or (Y.data == 0).any():
        Y = Y.copy()
        Y.sum_duplicates()
        Y.eliminate_zeros()
    return Y


def _topk_matrix(topk_idx, n_rows: int, n_labels: int) -> np.ndarray:
    topk = np.asarray(topk_idx)
    if topk.ndim != 2 or topk.shape[0] != n_rows:
        raise ValueError(f"topk_idx must be an N x K integer matrix with N = {n_rows} rows "
                         f"(one per row of Y_true); got shape {topk.shape}")
    if topk.size and not np.issubdtype(topk.dtype, np.integer):
        raise ValueError(f"topk_idx must hold integer label indices; got dtype {topk.dtype} "
                         "(pass the indices from Model.topk, not the scores)")
    topk = topk.astype(np.int64, copy=False)
    if topk.size and (topk.min() < -1 or topk.max() >= n_labels):
        raise ValueError(f"topk_idx holds label indices outside [0, {n_labels - 1}] "
                         f"(min {topk.min()}, max {topk.max()}); -1 is allowed as 'no prediction'")
    return topk


def _check_ks(ks) -> tuple[int, ...]:
    ks = tuple(ks)
    if not ks or any(not isinstance(k, (int, np.integer)) or k < 1 for k in ks):
        raise ValueError(f"ks must be positive integers, e.g. (1, 3, 5); got {ks}")
    return tuple(int(k) for k in ks)


def _inverse_propensity(propensity, n_labels: int) -> np.ndarray:
    p = np.asarray(propensity, dtype=np.float64)
    if p.shape != (n_labels,):
        raise ValueError(f"propensity must be a vector of length L = {n_labels} (from "
                         f"metrics.propensities(Y_train)); got shape {p.shape}")
    if not np.all((p > 0) & np.isfinite(p)):
        raise ValueError("propensity values must be finite and > 0 (they are probabilities p_l, "
                         "not inverse propensities)")
    return 1.0 / p


# ---------------------------------------------------------------------------------------------
# ranking metrics
# ---------------------------------------------------------------------------------------------

def propensities(Y_train, A: float = 0.55, B: float = 1.5) -> np.ndarray:
    """Label propensities of Jain et al. (2016), estimated on the training labels.

    .. code-block:: text

        p_l = 1 / (1 + C exp(-A log(N_l + B))),  C = (log N - 1) (B + 1)^A

    with N the number of training rows and N_l the number of training rows that hold label l
    (natural logs). Returns a float64 vector of length L with values in (0, 1].
    """
    Y = truth_csr(Y_train, "Y_train")
    n, n_labels = Y.shape
    if n < 3:
        raise ValueError(f"propensities need at least 3 training rows (log N must exceed 1); got N = {n}")
    counts = np.bincount(Y.indices, minlength=n_labels).astype(np.float64)
    C = (np.log(n) - 1.0) * (B + 1.0) ** A
    return 1.0 / (1.0 + C * np.exp(-A * np.log(counts + B)))


def topk_relevance(Y_true, topk_idx) -> np.ndarray:
    """Boolean ``N x K`` matrix: entry (i, j) is True when the j-th predicted label of row i is a
    true label of row i. Entries of -1 (no prediction) are False.

    Vectorised lookup: every true (row, label) pair is encoded as one int64 key ``row * L + label``;
    CSR rows with sorted column indices make these keys sorted, so membership of the predicted
    keys is one ``searchsorted``.
    """
    Y = truth_csr(Y_true)
    n, n_labels = Y.shape
    topk = _topk_matrix(topk_idx, n, n_labels)
    return _relevance(Y, topk)


def _relevance(Y: sp.csr_matrix, topk: np.ndarray) -> np.ndarray:
    n, n_labels = Y.shape
    if Y.nnz == 0 or topk.size == 0:
        return np.zeros(topk.shape, dtype=bool)
    rows_true = np.repeat(np.arange(n, dtype=np.int64), np.diff(Y.indptr))
    keys_true = rows_true * n_labels + Y.indices
    queries = np.arange(n, dtype=np.int64)[:, None] * n_labels + topk
    pos = np.searchsorted(keys_true, queries)
    np.minimum(pos, keys_true.size - 1, out=pos)
    return (keys_true[pos] == queries) & (topk >= 0)


def _discounts(k: int) -> np.ndarray:
    """1 / log2(j + 1) for ranks j = 1..k."""
    return 1.0 / np.log2(np.arange(2, k + 2, dtype=np.float64))


def _pad(mat: np.ndarray, k: int) -> np.ndarray:
    """The first k columns of mat, padded with zeros when it has fewer (missing predictions)."""
    if mat.shape[1] >= k:
        return mat[:, :k]
    return np.pad(mat, ((0, 0), (0, k - mat.shape[1])))


def _ideal_dcg(n_true: np.ndarray, k: int) -> np.ndarray:
    """Per row, ``sum_{j=1..min(k, |y|)} 1/log2(j+1)``; 0 for rows with no true label."""
    cum = np.concatenate([[0.0], np.cumsum(_discounts(k))])
    return cum[np.minimum(n_true, k)]


def _best_inverse_propensities(Y: sp.csr_matrix, inv_p: np.ndarray, k: int) -> np.ndarray:
    """``N x k`` matrix: each row's true labels' inverse propensities, largest first, zero-padded.

    Rank labels once by decreasing inverse propensity, then sort the int64 keys
    ``row * L + rank(label)``: rows stay grouped and, inside a row, labels come out best first.
    """
    n, n_labels = Y.shape
    best = np.zeros((n, k), dtype=np.float64)
    if Y.nnz == 0:
        return best
    order = np.argsort(-inv_p, kind="stable")
    rank = np.empty(n_labels, dtype=np.int64)
    rank[order] = np.arange(n_labels)
    rows_true = np.repeat(np.arange(n, dtype=np.int64), np.diff(Y.indptr))
    keys = np.sort(rows_true * n_labels + rank[Y.indices])
    labels_best_first = order[keys % n_labels]
    within_row = np.arange(Y.nnz) - Y.indptr[rows_true]
    keep = within_row < k
    best[rows_true[keep], within_row[keep]] = inv_p[labels_best_first[keep]]
    return best


def _precision(rel: np.ndarray, k: int) -> float:
    return float(_pad(rel, k).sum(dtype=np.float64) / (k * rel.shape[0])) if rel.shape[0] else 0.0


def _ndcg(rel: np.ndarray, n_true: np.ndarray, k: int) -> float:
    if rel.shape[0] == 0:
        return 0.0
    dcg = _pad(rel, k) @ _discounts(k)
    idcg = _ideal_dcg(n_true, k)
    per_row = np.divide(dcg, idcg, out=np.zeros_like(dcg), where=idcg > 0)
    return float(per_row.mean())


def _psp(gain: np.ndarray, best: np.ndarray, k: int) -> float:
    # The 1/k of both numerator and denominator cancels.
    denom = best[:, :k].sum()
    return float(_pad(gain, k).sum() / denom) if denom > 0 else 0.0


def _psndcg(gain: np.ndarray, best: np.ndarray, n_true: np.ndarray, k: int) -> float:
    disc = _discounts(k)
    idcg = _ideal_dcg(n_true, k)
    has = idcg > 0
    num = (_pad(gain, k)[has] @ disc) / idcg[has]
    den = (best[has, :k] @ disc) / idcg[has]
    total = den.sum()
    return float(num.sum() / total) if total > 0 else 0.0


def _prepare(Y_true, topk_idx):
    Y = truth_csr(Y_true)
    topk = _topk_matrix(topk_idx, *Y.shape)
    return Y, topk, _relevance(Y, topk)


def _check_k(k) -> int:
    return _check_ks((k,))[0]


def precision_at_k(Y_true, topk_idx, k: int) -> float:
    """P@k: the fraction of the first k predictions of each row that are true, averaged over
    rows (rows with no true label count 0)."""
    k = _check_k(k)
    _, _, rel = _prepare(Y_true, topk_idx)
    return _precision(rel, k)


def ndcg_at_k(Y_true, topk_idx, k: int) -> float:
    """nDCG@k as DXML and Rank-AE define it: DCG@k over the ideal DCG with ``min(k, |y|)`` unit
    gains, averaged over rows; a row with no true label scores 0."""
    k = _check_k(k)
    Y, _, rel = _prepare(Y_true, topk_idx)
    return _ndcg(rel, np.diff(Y.indptr), k)


def psp_at_k(Y_true, topk_idx, k: int, propensity) -> float:
    """Propensity-scored P@k, normalised as napkinXC does: sum over rows of the inverse
    propensities of the hits in the top k, divided by the sum over rows of the k largest inverse
    propensities among each row's true labels (the best achievable)."""
    k = _check_k(k)
    Y, topk, rel = _prepare(Y_true, topk_idx)
    inv_p = _inverse_propensity(propensity, Y.shape[1])
    gain = np.where(rel, inv_p[np.maximum(topk, 0)], 0.0)
    return _psp(gain, _best_inverse_propensities(Y, inv_p, k), k)


def psndcg_at_k(Y_true, topk_idx, k: int, propensity) -> float:
    """Propensity-scored nDCG@k, normalised as napkinXC does: sum over rows of
    PSDCG@k / IDCG@k divided by the same sum for the best achievable ranking (true labels by
    decreasing inverse propensity). IDCG@k is the plain ideal DCG with ``min(k, |y|)`` terms; it
    cancels per row but weights rows in the two sums, as in napkinXC."""
    k = _check_k(k)
    Y, topk, rel = _prepare(Y_true, topk_idx)
    inv_p = _inverse_propensity(propensity, Y.shape[1])
    gain = np.where(rel, inv_p[np.maximum(topk, 0)], 0.0)
    return _psndcg(gain, _best_inverse_propensities(Y, inv_p, k), np.diff(Y.indptr), k)


def ranking_metrics(Y_true, topk_idx, ks=(1, 3, 5), propensity=None) -> dict[str, float]:
    """All ranking metrics at once (the relevance lookup is done a single time).

    Returns ``{"P@k", "nDCG@k"}`` for every k in ks, plus ``{"PSP@k", "PSnDCG@k"}`` when a
    propensity vector (from :func:`propensities` on the training labels) is given. Values are
    fractions in [0, 1]. ``topk_idx`` needs at least max(ks) columns to be scored fully; missing
    columns count as misses.
    """
    ks = _check_ks(ks)
    Y, topk, rel = _prepare(Y_true, topk_idx)
    n_true = np.diff(Y.indptr)
    out: dict[str, float] = {}
    for k in ks:
        out[f"P@{k}"] = _precision(rel, k)
    for k in ks:
        out[f"nDCG@{k}"] = _ndcg(rel, n_true, k)
    if propensity is not None:
        inv_p = _inverse_propensity(propensity, Y.shape[1])
        gain = np.where(rel, inv_p[np.maximum(topk, 0)], 0.0)
        best = _best_inverse_propensities(Y, inv_p, max(ks))
        for k in ks:
            out[f"PSP@{k}"] = _psp(gain, best, k)
        for k in ks:
            out[f"PSnDCG@{k}"] = _psndcg(gain, best, n_true, k)
    return out


def precision_at_1_from_scores(Y_true, scores) -> float:
    """P@1 from a dense ``N x L`` score matrix (set-metric tables report it); among equal top
    scores the lowest label index wins, as in ``Model.topk``."""
    S = np.asarray(scores)
    Y = truth_csr(Y_true)
    if S.shape != Y.shape:
        raise ValueError(f"scores must have the shape of Y_true {Y.shape}; got {S.shape}")
    top1 = np.argmax(S, axis=1)[:, None]
    return _precision(_relevance(Y, top1.astype(np.int64)), 1)


# ---------------------------------------------------------------------------------------------
# set metrics and threshold protocols
# ---------------------------------------------------------------------------------------------

class _SetEvaluator:
    """Set metrics of one (truth, probabilities) pair at any number of thresholds.

    The truth's positions and the probabilities at those positions are gathered once; each
    threshold then needs one pass over P (to count predictions) plus a pass over the true
    positions only (to count true positives).
    """

    def __init__(self, Y_true, P, name: str = "") -> None:
        Y = truth_csr(Y_true, f"Y_true{name}")
        P = np.asarray(P)
        if P.shape != Y.shape:
            raise ValueError(f"P{name} must be a dense N x L probability matrix of the shape of "
                             f"Y_true{name} {Y.shape}; got {P.shape}")
        if not np.isfinite(P).all():
            raise ValueError(f"P{name} holds NaN or infinite values; probabilities must be finite")
        self.P = P
        self.n, self.L = Y.shape
        self.rows = np.repeat(np.arange(self.n), np.diff(Y.indptr))
        self.cols = Y.indices
        self.p_true = P[self.rows, self.cols]
        self.true_row = np.diff(Y.indptr)
        self.true_label = np.bincount(self.cols, minlength=self.L)

    def _thresholds(self, threshold):
        t = np.asarray(threshold, dtype=np.float64)
        if t.ndim == 0:
            return t, t
        if t.shape != (self.L,):
            raise ValueError(f"threshold must be a scalar or a vector of length L = {self.L}; "
                             f"got shape {t.shape}")
        return t, t[self.cols]

    def at(self, threshold) -> dict[str, float]:
        t_all, t_true = self._thresholds(threshold)
        pred = self.P >= t_all
        hit = self.p_true >= t_true
        return set_metrics_from_counts(
            tp_row=np.bincount(self.rows[hit], minlength=self.n),
            pred_row=np.count_nonzero(pred, axis=1), true_row=self.true_row,
            tp_label=np.bincount(self.cols[hit], minlength=self.L),
            pred_label=np.count_nonzero(pred, axis=0), true_label=self.true_label)


def set_metrics_from_counts(tp_row, pred_row, true_row, tp_label, pred_label,
                            true_label) -> dict[str, float]:
    """The four set metrics at one threshold from integer counts of true positives, predictions
    and true labels per row and per label: the one home of the definitions, where the dense
    evaluation and the batch-by-batch one (:mod:`xmlstudy.evaluation`) both end."""
    n, n_labels = len(true_row), len(true_label)
    denom_row = true_row + pred_row
    scored = denom_row > 0  # rows with no true and no predicted label are skipped
    ex_f1 = float(np.mean(2.0 * tp_row[scored] / denom_row[scored])) if scored.any() else 0.0

    tp = tp_label.sum()
    fp = pred_label.sum() - tp
    fn = true_label.sum() - tp
    mi_f1 = float(2.0 * tp / (2.0 * tp + fp + fn)) if (2 * tp + fp + fn) > 0 else 0.0

    fp_label = pred_label - tp_label
    fn_label = true_label - tp_label
    ma_f1 = float(np.mean(2.0 * tp_label / (2.0 * tp_label + fp_label + fn_label + 1e-6))) if n_labels else 0.0

    cells = n * n_labels
    ha = float(1.0 - (fp + fn) / cells) if cells else 0.0
    return {"ex-F1": ex_f1, "mi-F1": mi_f1, "ma-F1": ma_f1, "HA": ha}


def set_metrics(Y_true, P, threshold=0.5) -> dict[str, float]:
    """Example-F1, micro-F1, macro-F1 and Hamming accuracy of the predictions ``P >= threshold``.

    ``P`` is the dense ``N x L`` matrix of probabilities; ``threshold`` a scalar or one value per
    label. See the module docstring for the exact definitions (those of C-GMVAE's code).
    """
    return _SetEvaluator(Y_true, P).at(threshold)


def threshold_protocols(Y_valid, P_valid, Y_test, P_test, grid=THRESHOLD_GRID) -> dict[str, dict]:
    """Set metrics on test under three threshold protocols.

    * ``"fixed-0.5"``: threshold 0.5 for every metric.
    * ``"validation"``: for each metric separately, the grid threshold that is best on the
      validation set, applied to test. Omitted when no validation data is given.
    * ``"best-on-test"``: for each metric separately, the grid threshold that is best ON THE
      TEST SET. This is the official C-GMVAE code's protocol (inherited from LaMP/MPVAE); it
      tunes on test and is optimistic by construction, so report it only labelled as such.

    Each value is ``{"ex-F1", "mi-F1", "ma-F1", "HA", "threshold": {metric: threshold used}}``.
    Ties between thresholds go to the smallest one. Higher is better for all four metrics.
    """
    grid = check_grid(grid)
    test = _SetEvaluator(Y_test, P_test, "_test")
    valid_at = None
    if Y_valid is not None and P_valid is not None:
        valid = _SetEvaluator(Y_valid, P_valid, "_valid")
        if valid.L != test.L:
            raise ValueError(f"validation has {valid.L} labels but test has {test.L}")
        valid_at = [valid.at(t) for t in grid]
    return choose_thresholds(grid, [test.at(t) for t in grid], test.at(0.5), valid_at)


def check_grid(grid) -> tuple[float, ...]:
    grid = tuple(float(t) for t in grid)
    if not grid:
        raise ValueError("grid must hold at least one threshold, e.g. metrics.THRESHOLD_GRID")
    return grid


def choose_thresholds(grid, test_at: list[dict], fixed: dict,
                      valid_at: list[dict] | None = None) -> dict[str, dict]:
    """The three protocols of :func:`threshold_protocols` from set metrics already computed at
    every grid threshold on test (``test_at``, in grid order), at 0.5 on test (``fixed``) and,
    when there is validation data, at every grid threshold on validation (``valid_at``)."""

    def pick(scores_at: list[dict]) -> dict[str, int]:
        # np.argmax returns the first maximum: the smallest threshold among ties.
        return {m: int(np.argmax([s[m] for s in scores_at])) for m in SET_METRICS}

    out: dict[str, dict] = {"fixed-0.5": {**fixed, "threshold": {m: 0.5 for m in SET_METRICS}}}
    if valid_at is not None:
        chosen = pick(valid_at)
        out["validation"] = {**{m: test_at[i][m] for m, i in chosen.items()},
                             "threshold": {m: grid[i] for m, i in chosen.items()}}
    chosen = pick(test_at)
    out["best-on-test"] = {**{m: test_at[i][m] for m, i in chosen.items()},
                           "threshold": {m: grid[i] for m, i in chosen.items()}}
    return out


# ---------------------------------------------------------------------------------------------
# per-row outcomes and tail labels
# ---------------------------------------------------------------------------------------------

def hits_at_1(Y_true, topk_idx) -> np.ndarray:
    """Boolean vector, one entry per row: whether the row's top predicted label is a true one.
    Its mean is P@1; kept per row, it lets two methods be compared on the same test rows
    (:func:`xmlstudy.stats.paired_bootstrap`)."""
    Y, topk, rel = _prepare(Y_true, topk_idx)
    return rel[:, 0].copy() if rel.shape[1] else np.zeros(Y.shape[0], bool)


FREQUENCY_BUCKETS = 4   # quarters of the labels, rarest first


def frequency_buckets(Y_train, buckets: int = FREQUENCY_BUCKETS) -> np.ndarray:
    """Bucket of every label by its training frequency: the labels sorted by how many training
    rows hold them (ties by index) and cut into ``buckets`` groups of equal size; 0 is the
    rarest group. Returns an int vector of length L."""
    Y = truth_csr(Y_train, "Y_train")
    if buckets < 1:
        raise ValueError(f"buckets must be at least 1, got {buckets}")
    counts = np.bincount(Y.indices, minlength=Y.shape[1])
    order = np.argsort(counts, kind="stable")
    bucket = np.empty(Y.shape[1], np.int64)
    bucket[order] = np.arange(Y.shape[1]) * buckets // max(Y.shape[1], 1)
    return bucket


def bucket_recall(Y_true, topk_idx, bucket, k: int = 5) -> list[float | None]:
    """Recall@k per label-frequency bucket (:func:`frequency_buckets`): of the test's true
    (row, label) pairs whose label is in the bucket, the share whose label is among the row's
    top ``k``. None for a bucket with no true pair in the test rows."""
    Y, topk, rel = _prepare(Y_true, topk_idx)
    k = _check_k(k)
    bucket = np.asarray(bucket)
    if bucket.shape != (Y.shape[1],):
        raise ValueError(f"bucket must give one bucket per label ({Y.shape[1]}); got shape {bucket.shape}")
    n_buckets = int(bucket.max()) + 1 if bucket.size else 0
    found = np.bincount(bucket[topk[:, :k][rel[:, :k]]], minlength=n_buckets)
    total = np.bincount(bucket[Y.indices], minlength=n_buckets)
    return [None if t == 0 else float(f / t) for f, t in zip(found, total)]
