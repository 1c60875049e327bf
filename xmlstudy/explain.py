"""Label hierarchies and how faithful they are to the data.

A factorization of a label matrix (the non-negative autoencoder of
:mod:`xmlstudy.models.nnae`, NMF, LDA, PCA, random groups) gives *groups*: a ``p x k`` matrix
whose column ``j`` weighs every label in group ``j``. This module writes such groups down as a
hierarchy and measures them on held-out rows, the referee's "quantitative faithfulness
measure":

* :func:`npmi_coherence`: do a group's top labels occur together in held-out rows?
* :func:`recipe_completion`: hide one label of each held-out row and rank it back from the rest
  through the factorization (mean rank, hits@10);
* :func:`stability`: the same groups again from another seed (Hungarian matching, cosine);
* :func:`taxonomy_agreement`: does each row's dominant unit agree with a known grouping
  (cuisine, food class)? NMI and ARI; :func:`linear_probe` the accuracy of a linear classifier
  from the codes to the grouping;
* :func:`prediction_spread`: which labels a model ever puts in its top k (the paper's
  tail-label remark).

Explanations of image models over superpixels (LIME, occlusion, RISE curves) are in
:mod:`xmlstudy.image_explanations`.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


# --- the hierarchy, written down -----------------------------------------------------------------
def top_labels(groups: np.ndarray, n: int = 10) -> list[list[int]]:
    """Per column of ``groups`` (p x k) the indices of its ``n`` largest positive weights, largest
    first (fewer when a group has fewer positive weights)."""
    groups = np.asarray(groups, dtype=np.float64)
    out = []
    for j in range(groups.shape[1]):
        col = groups[:, j]
        order = np.argsort(-col, kind="stable")[:n]
        out.append([int(i) for i in order if col[i] > 0])
    return out


def hierarchy(H1: np.ndarray, H2: np.ndarray, n_labels: int = 10, n_children: int = 3) -> dict:
    """A two-level hierarchy from the encoder weights: level-1 units are the columns of ``H1``
    (p x k1, weights over labels), level-2 units the columns of ``H1 @ H2`` (p x k2), and the
    children of level-2 unit ``j`` are the level-1 units with the largest entries of column ``j``
    of ``H2`` (k1 x k2). Returns the top label indices of every unit and the edges."""
    level2 = H1 @ H2
    return {"level1": top_labels(H1, n_labels), "level2": top_labels(level2, n_labels),
            "edges": top_labels(H2, n_children)}


# --- faithfulness on held-out rows ----------------------------------------------------------------
def npmi_coherence(Y: sp.csr_matrix, tops: list[list[int]]) -> float:
    """Mean over groups of the mean normalised PMI of every pair of a group's top labels, with
    probabilities estimated on the rows of ``Y`` (held-out rows, 0/1):
    NPMI(i, j) = log(p_ij / (p_i p_j)) / -log(p_ij), and -1 (its limit) when i and j never occur
    together. Groups with fewer than two labels are skipped; NaN when none is left."""
    Y = sp.csr_matrix(Y, dtype=np.float64)
    Y.data[:] = 1.0
    n = Y.shape[0]
    scores = []
    for top in tops:
        if len(top) < 2:
            continue
        sub = Y[:, top]
        joint = (sub.T @ sub).toarray() / n
        single = np.diag(joint)
        values = []
        for a in range(len(top)):
            for b in range(a + 1, len(top)):
                p_ab = joint[a, b]
                if p_ab <= 0:
                    values.append(-1.0)
                elif p_ab >= 1:
                    values.append(1.0)   # both in every row: as dependent as can be
                else:
                    values.append(np.log(p_ab / (single[a] * single[b])) / -np.log(p_ab))
        scores.append(np.mean(values))
    return float(np.mean(scores)) if scores else float("nan")


def _rank_of(scores: np.ndarray, target: int, candidates: np.ndarray) -> float:
    """Rank (1 = best) of ``target`` among ``candidates`` by ``scores``; ties share the mean rank."""
    s = scores[candidates]
    t = scores[target]
    return 1.0 + float((s > t).sum()) + 0.5 * float((s == t).sum() - 1)


def recipe_completion(Y: sp.csr_matrix, reconstruct, seed: int = 0, ks=(10,)) -> dict:
    """Hide one label (chosen at random, seeded) of every row of ``Y`` that has at least two, give
    the rest to ``reconstruct`` (0/1 rows -> dense scores over all labels) and rank the hidden
    label among the labels the row does not show. Returns the mean and median rank, the mean
    reciprocal rank and hits@k (share of rows whose hidden label ranks within the top k), with
    the number of rows used."""
    Y = sp.csr_matrix(Y, dtype=np.float32)
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(np.diff(Y.indptr) >= 2)
    if not len(rows):
        return {"rows": 0}
    Yr = Y[rows].tolil()
    hidden = np.empty(len(rows), dtype=np.int64)
    for i in range(len(rows)):
        cols = Yr.rows[i]
        hidden[i] = cols[rng.integers(len(cols))]
        Yr[i, hidden[i]] = 0
    shown = sp.csr_matrix(Yr)
    scores = np.asarray(reconstruct(shown), dtype=np.float64)
    ranks = np.empty(len(rows))
    p = Y.shape[1]
    for i in range(len(rows)):
        present = np.zeros(p, dtype=bool)
        present[shown.indices[shown.indptr[i]:shown.indptr[i + 1]]] = True
        ranks[i] = _rank_of(scores[i], hidden[i], np.flatnonzero(~present))
    out = {"rows": int(len(rows)), "mean_rank": float(ranks.mean()),
           "median_rank": float(np.median(ranks)), "mrr": float((1.0 / ranks).mean())}
    out.update({f"hits@{k}": float((ranks <= k).mean()) for k in ks})
    return out


def stability(A: np.ndarray, B: np.ndarray) -> float:
    """How well the groups ``B`` (p x k) reproduce the groups ``A`` (p x k') fitted with another
    seed: the columns are matched one to one by the Hungarian method on their cosine similarity
    and the matched cosines averaged (1: the same groups up to order and scale)."""
    from scipy.optimize import linear_sum_assignment

    def unit(M):
        M = np.asarray(M, dtype=np.float64)
        norms = np.linalg.norm(M, axis=0)
        return M / np.where(norms > 0, norms, 1.0)

    cos = unit(A).T @ unit(B)
    r, c = linear_sum_assignment(cos, maximize=True)
    return float(cos[r, c].mean())


def sparse_groups(tops: list[list[int]], weights: list[list[float]], n_labels: int) -> np.ndarray:
    """The ``p x k`` groups rebuilt from their top labels and weights (as records keep them)."""
    G = np.zeros((n_labels, len(tops)))
    for j, (idx, w) in enumerate(zip(tops, weights)):
        G[idx, j] = w
    return G


# --- agreement with a known grouping --------------------------------------------------------------
def taxonomy_agreement(codes: np.ndarray, groups: np.ndarray) -> dict:
    """NMI and ARI between each row's dominant unit (the largest entry of its code; for PCA codes
    pass their absolute values) and its known group."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    dominant = np.asarray(codes).argmax(axis=1)
    return {"nmi": float(normalized_mutual_info_score(groups, dominant)),
            "ari": float(adjusted_rand_score(groups, dominant))}


def linear_probe(train_codes, train_groups, test_codes, test_groups, seed: int = 0,
                 max_train: int = 5000) -> float:
    """Accuracy on ``test_codes`` of a multinomial logistic regression (standardised codes) fitted
    on ``train_codes`` (at most ``max_train`` of them, drawn with ``seed``): how much of the known
    grouping a linear reader finds in the codes."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train_codes, train_groups = np.asarray(train_codes), np.asarray(train_groups)
    if len(train_codes) > max_train:   # a seeded subsample: the probe's cost stays bounded
        keep = np.random.default_rng(seed).choice(len(train_codes), max_train, replace=False)
        train_codes, train_groups = train_codes[keep], train_groups[keep]
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300, random_state=seed))
    probe.fit(train_codes, train_groups)
    return float((probe.predict(np.asarray(test_codes)) == np.asarray(test_groups)).mean())


# --- the tail-label remark -------------------------------------------------------------------------
def prediction_spread(topk: np.ndarray, Y_train: sp.csr_matrix, Y_true: sp.csr_matrix,
                      head: int = 10) -> dict:
    """Which labels a model predicts: the share of labels that appear in some row's top k
    (``coverage``), the share of top-k slots taken by the ``head`` most frequent training labels
    (``head_share``) beside their share of the true labels (``head_share_true``), and the
    Spearman correlation between a label's training frequency and how often it is predicted."""
    from scipy.stats import spearmanr

    p = Y_train.shape[1]
    train_freq = np.asarray(Y_train.sum(axis=0)).ravel()
    predicted = np.bincount(np.asarray(topk).ravel(), minlength=p)
    true = np.asarray(sp.csr_matrix(Y_true).sum(axis=0)).ravel()
    head_idx = np.argsort(-train_freq, kind="stable")[:head]
    rho = spearmanr(train_freq, predicted).statistic if predicted.any() else float("nan")
    return {"coverage": float((predicted > 0).mean()),
            "head_share": float(predicted[head_idx].sum() / max(predicted.sum(), 1)),
            "head_share_true": float(true[head_idx].sum() / max(true.sum(), 1)),
            "spearman": float(rho)}
