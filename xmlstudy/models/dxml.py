"""DXML: deep embedding for extreme multi-label learning (Zhang et al., ICMR 2018).

The method in four steps:

1. **Label graph.** One node per label, an edge between two labels that appear together in at
   least one training sample (the non-zeros of ``Y^T Y`` off the diagonal).
2. **Label vectors** ``V`` (``L x dim``) with DeepWalk: truncated uniform random walks on the
   label graph, fed as sentences to a skip-gram Word2Vec (gensim).
3. **Feature network.** ``f_x = l2norm(dropout(W2 relu(W1 l2norm(x))))`` regresses, with the
   smooth-L1 loss of the paper's Eq. (2) summed over dimensions, onto the label-set target
   ``f_y = V^T y / nnz(y)`` (the mean of the sample's label vectors).
4. **Prediction.** k-means on the training embeddings ``f_x``; a test point goes to its nearest
   centroid and is scored by the label distribution of its ``k`` nearest training neighbours (by
   cosine similarity, which on unit vectors orders exactly as Euclidean distance) inside that
   cluster. ``k``, the number of clusters and the neighbour weighting are chosen on validation.

Choices the paper leaves open, and what this module does:

* **Labels with no edge** (a label that never co-occurs with another one, or never occurs at all)
  get a self-loop, so a walk from them stays put; Word2Vec still gives them a vector, pushed away
  from the other labels by its softmax, so a sample tagged only with such a label has a distinct
  target. ``isolated="random"`` instead gives them independent Gaussian vectors of the same
  scale as the learned ones; the chapter compares both.
* **Samples with no label** have no target (``nnz(y) = 0``): they are left out of the regression
  loss but stay in the neighbour index, where they honestly vote for "no label".
* **Early stopping** uses the mean of P@1, P@3 and P@5 on validation computed with the real
  prediction step without clustering (one k, uniform weights), which is cheap and tracks the
  final metric; the best epoch's weights are kept.
* **Input normalisation**: every row of ``X`` is scaled to unit L2 norm before the first layer,
  as in Figure 1 of the paper; features keep their real values (no rounding).

A consequence of the paper's own design: ``f_x`` is a unit vector and ``f_y`` an average of label
vectors of norm about one, so no coordinate of ``f_x - f_y`` reaches 1 in practice and the
smooth-L1 loss works in its quadratic branch, i.e. as the squared L2 loss (the ``dxml-l2``
ablation measures this).
"""
from __future__ import annotations

import inspect
import time

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import nn

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.base import Model, resolve_device
from xmlstudy.models.label_vectors import (ISOLATED, deepwalk_vectors, label_graph, label_set_targets,
                                           random_vectors, svd_vectors)
from xmlstudy import training

# Inputs wider than this are fed to the first layer as sparse tensors; narrower ones as dense
# mini-batches (cheaper on CPU for the Mulan datasets, whose widths are at most a few thousand).
SPARSE_INPUT_MIN_FEATURES = 50_000
# Query-by-base similarity blocks are capped at this many entries to bound memory.
SIMILARITY_BATCH_ELEMENTS = 32_000_000

LABEL_EMBEDDINGS = ("deepwalk", "random", "svd")
LOSSES = ("smooth-l1", "l2")
WEIGHTINGS = ("uniform", "similarity")
SIZES = ("small", "large")


# --- step 3: the feature network -----------------------------------------------------------

def smooth_l1(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The paper's Eq. (1)-(2): smooth-L1 summed over embedding dimensions, one value per row."""
    return F.smooth_l1_loss(a, b, reduction="none", beta=1.0).sum(dim=1)


def squared_l2(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Half squared Euclidean distance per row (the ``dxml-l2`` ablation); equals smooth-L1 where
    every coordinate differs by at most 1."""
    return 0.5 * ((a - b) ** 2).sum(dim=1)


def l2_normalize_rows(X: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit L2 norm; all-zero rows stay zero. Stays sparse."""
    X = sp.csr_matrix(X, dtype=np.float32)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X, dtype=np.float32)


class FeatureNet(nn.Module):
    """``x -> W1 -> ReLU (or identity) -> W2 -> dropout -> L2 normalisation`` (Figure 1)."""

    def __init__(self, n_features: int, hidden: int, dim: int, dropout: float, nonlinear: bool):
        super().__init__()
        self.first = nn.Linear(n_features, hidden)
        self.second = nn.Linear(hidden, dim)
        self.dropout = nn.Dropout(dropout)
        self.nonlinear = nonlinear

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.is_sparse or x.layout == torch.sparse_csr:
            # Wide sparse input: multiply without densifying the batch.
            h = torch.sparse.mm(x.to_sparse_coo(), self.first.weight.t()) + self.first.bias
        else:
            h = self.first(x)
        if self.nonlinear:
            h = torch.relu(h)
        return F.normalize(self.dropout(self.second(h)), dim=1)


# --- step 4: clustered nearest-neighbour prediction -----------------------------------------

def assign_clusters(Z: torch.Tensor, centroids: torch.Tensor) -> torch.Tensor:
    """Index of the nearest centroid (Euclidean, the paper's Eq. 4) for every row of ``Z``."""
    # ||z - c||^2 = ||z||^2 - 2 z.c + ||c||^2; the first term does not change the argmin.
    return torch.argmin((centroids * centroids).sum(1)[None, :] - 2 * Z @ centroids.T, dim=1)


def cluster_neighbours(query: torch.Tensor, base: torch.Tensor, base_cluster: torch.Tensor,
                       query_cluster: torch.Tensor, k: int, batch_size: int | None = None
                       ) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``k`` most similar base rows (by dot product) of each query row among the base rows of
    the query's own cluster, most similar first.

    Returns ``(idx, sim)`` of shape ``(n_query, k)``; where a cluster has fewer than ``k`` members
    the missing slots hold index -1 and similarity -inf. Loops over clusters and query batches,
    never over single points; by default a batch holds at most ~32M similarities (128 MB).
    """
    n = query.shape[0]
    idx = torch.full((n, k), -1, dtype=torch.long, device=query.device)
    sim = torch.full((n, k), float("-inf"), dtype=query.dtype, device=query.device)
    for c in torch.unique(query_cluster).tolist():
        rows = torch.nonzero(query_cluster == c).flatten()
        members = torch.nonzero(base_cluster == c).flatten()
        kk = min(k, len(members))
        if kk == 0:
            continue
        step = batch_size or max(16, SIMILARITY_BATCH_ELEMENTS // len(members))
        for first in range(0, len(rows), step):
            r = rows[first:first + step]
            s, j = torch.topk(query[r] @ base[members].T, kk, dim=1)
            idx[r, :kk] = members[j]
            sim[r, :kk] = s
    return idx, sim


def neighbour_scores(idx: np.ndarray, sim: np.ndarray, Y_base: sp.csr_matrix, k: int,
                     weighting: str = "uniform") -> np.ndarray:
    """Label distribution of the first ``k`` neighbours: ``sum_j w_j y_j / sum_j w_j``, with
    ``w_j = 1`` (uniform, the paper's "average") or ``max(sim_j, 0)`` (similarity-weighted).
    Missing neighbours (index -1) weigh nothing. Returns a dense ``n x L`` array in [0, 1]."""
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting={weighting!r}; valid: {', '.join(WEIGHTINGS)}")
    idx, sim = idx[:, :k], sim[:, :k]
    present = idx >= 0
    w = present.astype(np.float32) if weighting == "uniform" else np.where(present, np.maximum(sim, 0), 0)
    total = w.sum(1, keepdims=True)
    w = np.divide(w, total, out=np.zeros_like(w, dtype=np.float32), where=total > 0)
    n = idx.shape[0]
    W = sp.csr_matrix((w[present].astype(np.float32), (np.nonzero(present)[0], idx[present])),
                      shape=(n, Y_base.shape[0]))
    return np.asarray((W @ Y_base).todense(), dtype=np.float32)


def _mean_precision(Y: sp.csr_matrix, scores: np.ndarray) -> float:
    """Mean of P@1, P@3 and P@5: the one number validation choices maximise."""
    from xmlstudy.metrics import ranking_metrics

    top = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    m = ranking_metrics(Y, top, ks=(1, 3, 5))
    return float((m["P@1"] + m["P@3"] + m["P@5"]) / 3)


# --- the model ------------------------------------------------------------------------------

class DXML(Model):
    """DXML with the paper's settings where it gives them (section 4.1) and, for the rest, the
    defaults chosen on Bibtex's validation split (``xmlstudy.methods.DXML_CHOSEN``). ``k`` and
    ``n_clusters`` left as None are chosen on validation from ``k_grid`` and ``cluster_grid``
    (together with ``weighting`` when it is None); given values are used as they are. When the
    largest k of ``k_grid`` is the best, larger ones (x1.5 each step) are tried on validation
    until one stops improving.

    ``refit=True`` follows the usual last step of model selection: once the epoch count, k, the
    number of clusters and the weighting are chosen on validation, the model is trained again
    from scratch on train + validation with those choices (the paper trains on its whole training
    split; without a refit the study's model sees 10% fewer rows)."""

    name = "dxml"
    libraries = ("torch", "gensim", "scikit-learn")

    def __init__(self, *, seed: int = 0, device: str = "auto", size: str = "small",
                 embedding_dim: int | None = None, hidden: int | None = None,
                 label_embedding: str = "deepwalk", isolated: str = "self-loop",
                 walks_per_node: int = 80, walk_length: int = 40, window: int = 10,
                 w2v_epochs: int = 5, w2v_sample: float = 1e-3, nonlinear: bool = True,
                 loss: str = "smooth-l1",
                 dropout: float = 0.1, lr: float = 0.015, momentum: float = 0.9,
                 weight_decay: float = 5e-4, epochs: int = 100, batch_size: int = 16,
                 patience: int | None = 10, eval_k: int = 10, clustering: bool = True,
                 k: int | None = None, n_clusters: int | None = None, weighting: str | None = None,
                 k_grid: tuple = (5, 10, 15, 20, 30, 50), cluster_grid: tuple = (2, 5, 10, 20),
                 max_eval_rows: int = 5000, refit: bool = False, progress: bool = False) -> None:
        super().__init__(seed=seed, device=device)
        given = {key: value for key, value in locals().items() if key not in ("self", "__class__")}
        self._check(given)
        self.size = size
        self.embedding_dim = embedding_dim or (100 if size == "small" else 300)
        self.hidden = hidden or (256 if size == "small" else 512)
        self.label_embedding, self.isolated = label_embedding, isolated
        self.walks_per_node, self.walk_length = walks_per_node, walk_length
        self.window, self.w2v_epochs, self.w2v_sample = window, w2v_epochs, w2v_sample
        self.nonlinear, self.loss = bool(nonlinear), loss
        self.dropout, self.lr, self.momentum = dropout, lr, momentum
        self.weight_decay, self.epochs = weight_decay, epochs
        self.batch_size, self.patience, self.eval_k = batch_size, patience, eval_k
        self.clustering = bool(clustering)
        self.k, self.n_clusters, self.weighting = k, n_clusters, weighting
        self.k_grid, self.cluster_grid = tuple(k_grid), tuple(cluster_grid)
        self.max_eval_rows, self.progress = max_eval_rows, progress
        self.refit = bool(refit)

    @staticmethod
    def _check(p: dict) -> None:
        choices = {"size": SIZES, "label_embedding": LABEL_EMBEDDINGS, "isolated": ISOLATED,
                   "loss": LOSSES}
        for key, valid in choices.items():
            if p[key] not in valid:
                raise ValueError(f"DXML: {key}={p[key]!r}; valid: {', '.join(valid)}")
        if p["weighting"] is not None and p["weighting"] not in WEIGHTINGS:
            raise ValueError(f"DXML: weighting={p['weighting']!r}; valid: None (choose on "
                             f"validation), {', '.join(WEIGHTINGS)}")
        positive = ["walks_per_node", "walk_length", "window", "w2v_epochs", "epochs",
                    "batch_size", "eval_k", "max_eval_rows"]
        for key in positive + ["embedding_dim", "hidden", "k", "n_clusters", "patience"]:
            v = p[key]
            if (key in positive or v is not None) and (not isinstance(v, (int, np.integer)) or v < 1):
                raise ValueError(f"DXML: {key}={v!r}; must be a positive integer")
        if not 0 <= p["w2v_sample"] < 1:
            raise ValueError(f"DXML: w2v_sample={p['w2v_sample']!r}; must be in [0, 1)")
        if not 0 <= p["dropout"] < 1:
            raise ValueError(f"DXML: dropout={p['dropout']!r}; must be in [0, 1)")
        for key in ("k_grid", "cluster_grid"):
            if not p[key] or any(not isinstance(v, (int, np.integer)) or v < 1 for v in p[key]):
                raise ValueError(f"DXML: {key}={p[key]!r}; must be a non-empty list of positive integers")

    # -- training --------------------------------------------------------------------------

    def _label_vectors(self, Y: sp.csr_matrix) -> np.ndarray:
        if self.label_embedding == "random":
            return random_vectors(Y.shape[1], self.embedding_dim, self.seed)
        if self.label_embedding == "svd":
            return svd_vectors(Y, self.embedding_dim, self.seed)
        graph = label_graph(Y, self.isolated)
        return deepwalk_vectors(graph, self.embedding_dim, walks_per_node=self.walks_per_node,
                                walk_length=self.walk_length, window=self.window,
                                epochs=self.w2v_epochs, sample=self.w2v_sample, seed=self.seed,
                                isolated=self.isolated)

    def _batch(self, X: sp.csr_matrix) -> torch.Tensor:
        return training.csr_to_torch(X, self._device, dense=X.shape[1] < SPARSE_INPUT_MIN_FEATURES)

    def _embed(self, X: sp.csr_matrix, batch_size: int = 4096) -> torch.Tensor:
        """Unit-norm embeddings ``f_x`` (eval mode: no dropout) of the rows of ``X``."""
        X = l2_normalize_rows(X)
        was_training = self.net.training
        self.net.eval()
        with torch.no_grad():
            parts = [self.net(self._batch(X[i:i + batch_size])) for i in range(0, X.shape[0], batch_size)]
        self.net.train(was_training)
        if not parts:
            return torch.zeros((0, self.embedding_dim), device=self._device)
        return torch.cat(parts)

    def fit(self, train: Dataset, valid: Dataset | None = None) -> "DXML":
        fixed = self.k is not None and (self.n_clusters is not None or not self.clustering) \
            and self.weighting is not None
        if valid is None and not fixed:
            raise ValueError("DXML.fit: k, the number of clusters and the weighting are chosen on "
                             "validation; pass valid=..., or set k=, n_clusters= (or "
                             "clustering=False) and weighting= explicitly")
        training.seed_everything(self.seed)
        self._device = resolve_device(self.device)
        self.n_labels = train.n_labels
        t0 = time.perf_counter()
        self.label_vectors = self._label_vectors(train.Y)
        label_s = time.perf_counter() - t0

        targets, has_label = label_set_targets(train.Y, self.label_vectors)
        X = l2_normalize_rows(train.X)
        labelled = np.flatnonzero(has_label)  # rows with a regression target
        target_t = torch.from_numpy(targets).to(self._device)
        self.net = FeatureNet(train.n_features, self.hidden, self.embedding_dim, self.dropout,
                              self.nonlinear).to(self._device)
        distance = smooth_l1 if self.loss == "smooth-l1" else squared_l2
        optimizer = torch.optim.SGD(self.net.parameters(), lr=self.lr, momentum=self.momentum,
                                    weight_decay=self.weight_decay)

        def step(rows: np.ndarray) -> torch.Tensor:
            rows = labelled[rows]
            f_x = self.net(self._batch(X[rows]))
            return distance(f_x, target_t[rows]).mean()

        evaluate = None
        if valid is not None:
            # Validation subset for the per-epoch check (all of it unless it is very large).
            rng = np.random.default_rng(self.seed)
            pick = np.arange(len(valid))
            if len(valid) > self.max_eval_rows:
                pick = np.sort(rng.choice(len(valid), self.max_eval_rows, replace=False))
            Xv, Yv = valid.X[pick], valid.Y[pick]

            def evaluate() -> float:
                base = self._embed(train.X)
                query = self._embed(Xv)
                zeros_b = torch.zeros(base.shape[0], dtype=torch.long, device=self._device)
                zeros_q = torch.zeros(query.shape[0], dtype=torch.long, device=self._device)
                idx, sim = cluster_neighbours(query, base, zeros_b, zeros_q, self.eval_k)
                s = neighbour_scores(idx.cpu().numpy(), sim.cpu().numpy(), train.Y, self.eval_k)
                return _mean_precision(Yv, s)

        result = training.train(self.net, optimizer, step, len(labelled), epochs=self.epochs,
                       batch_size=self.batch_size, seed=self.seed, evaluate=evaluate,
                       patience=self.patience if valid is not None else None,
                       progress=self.progress, desc=f"{self.name} ({train.name})")
        train_s = time.perf_counter() - t0 - label_s

        # Index: embeddings of all training rows and their labels.
        self.base = self._embed(train.X)
        self.base_Y = sp.csr_matrix(train.Y, dtype=np.float32)
        t1 = time.perf_counter()
        choice = self._choose(valid)
        self.fit_info = {
            "epochs": result.epochs_run, "best_epoch": result.best_epoch,
            "best_valid_score": result.best_score, "k": self.k_, "n_clusters": self.n_clusters_,
            "weighting": self.weighting_, "selection": choice,
            "embedding_dim": self.embedding_dim, "hidden": self.hidden,
            "label_embedding": self.label_embedding, "nonlinear": self.nonlinear,
            "loss": self.loss, "unlabelled_train_rows": int((~has_label).sum()),
            "label_embedding_s": label_s, "network_s": train_s,
            "index_s": time.perf_counter() - t1,
            "history": result.history,
        }
        if self.refit and valid is not None:
            self._refit(train, valid)
        return self

    def _refit(self, train: Dataset, valid: Dataset) -> None:
        """Train again on train + valid with the choices made on validation, and keep that model
        (its index then holds the validation rows too)."""
        both = Dataset(name=train.name, split="train+valid", X=sp.vstack([train.X, valid.X]),
                       Y=sp.vstack([train.Y, valid.Y]), feature_names=train.feature_names,
                       label_names=train.label_names)
        settings = {key: value for key, value in vars(self).items()
                    if key in inspect.signature(DXML.__init__).parameters}
        settings.update(epochs=self.fit_info["best_epoch"], patience=None, k=self.k_,
                        n_clusters=self.n_clusters_ if self.clustering else None,
                        weighting=self.weighting_, refit=False)
        again = DXML(**settings).fit(both)
        chosen_on_validation = self.fit_info
        for key in ("label_vectors", "net", "base", "base_Y", "centroids", "base_cluster"):
            setattr(self, key, getattr(again, key))
        self.fit_info = {**again.fit_info, "refit": True, "train_rows": len(both),
                         "selection": chosen_on_validation["selection"],
                         "chosen_on_validation": {k: v for k, v in chosen_on_validation.items()
                                                  if k != "selection"}}

    def _cluster(self, m: int) -> tuple[torch.Tensor, torch.Tensor]:
        """k-means with ``m`` clusters on the training embeddings: (centroids, member labels)."""
        if m <= 1:
            return (self.base.mean(0, keepdim=True),
                    torch.zeros(self.base.shape[0], dtype=torch.long, device=self._device))
        from sklearn.cluster import KMeans

        Z = self.base.cpu().numpy().astype(np.float64)
        km = KMeans(n_clusters=min(m, len(Z)), n_init=3, random_state=self.seed).fit(Z)
        centroids = torch.as_tensor(km.cluster_centers_, dtype=self.base.dtype, device=self._device)
        return centroids, torch.as_tensor(km.labels_, dtype=torch.long, device=self._device)

    def _choose(self, valid: Dataset | None) -> list[dict]:
        """Pick the number of clusters, k and the weighting by the mean of P@1/3/5 on validation
        (or take the given ones). Returns the table of validation scores tried."""
        clusters = [1] if not self.clustering else (
            [self.n_clusters] if self.n_clusters is not None else list(self.cluster_grid))
        ks = [self.k] if self.k is not None else list(self.k_grid)
        weightings = [self.weighting] if self.weighting is not None else list(WEIGHTINGS)
        if valid is None or (len(clusters) == len(ks) == len(weightings) == 1):
            self.n_clusters_, self.k_, self.weighting_ = clusters[0], ks[0], weightings[0]
            self.centroids, self.base_cluster = self._cluster(self.n_clusters_)
            return []
        query = self._embed(valid.X)
        fits = {m: self._cluster(m) for m in clusters}
        table, best = [], None

        def score_all(ks_now: list[int]) -> None:
            nonlocal best
            for m, (centroids, members) in fits.items():
                idx, sim = cluster_neighbours(query, self.base, members,
                                              assign_clusters(query, centroids), max(ks_now))
                idx, sim = idx.cpu().numpy(), sim.cpu().numpy()
                for k in ks_now:
                    for w in weightings:
                        s = neighbour_scores(idx, sim, self.base_Y, k, w)
                        score = _mean_precision(valid.Y, s)
                        table.append({"n_clusters": m, "k": k, "weighting": w,
                                      "valid_mean_P@1,3,5": score})
                        if best is None or score > best[0]:
                            best = (score, m, k, w, centroids, members)

        score_all(ks)
        # When the largest k of the grid wins, the grid was too small for this data set (many
        # labels per sample want many neighbours): keep trying 1.5 times larger k on validation
        # until a larger one stops winning.
        while self.k is None and best[2] == max(ks) and max(ks) < self.base.shape[0]:
            ks = ks + [min(int(round(max(ks) * 1.5)), self.base.shape[0])]
            score_all(ks[-1:])
        _, self.n_clusters_, self.k_, self.weighting_, self.centroids, self.base_cluster = best
        return table

    # -- prediction ------------------------------------------------------------------------

    def embed(self, X: sp.csr_matrix) -> np.ndarray:
        """The learned feature embeddings ``f_x`` of the rows of ``X`` (unit vectors)."""
        return self._embed(sp.csr_matrix(X)).cpu().numpy()

    def neighbours(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Nearest-centroid cluster assignment then the ``k`` nearest training rows inside it:
        (indices into the training set, -1 where missing; cosine similarities)."""
        query = self._embed(sp.csr_matrix(X))
        idx, sim = cluster_neighbours(query, self.base, self.base_cluster,
                                      assign_clusters(query, self.centroids), self.k_)
        return idx.cpu().numpy(), sim.cpu().numpy()

    def scores(self, X: sp.csr_matrix) -> np.ndarray:
        idx, sim = self.neighbours(X)
        return neighbour_scores(idx, sim, self.base_Y, self.k_, self.weighting_)

    def probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        # Scores already are the (weighted) fraction of neighbours carrying each label.
        return self.scores(X)

    def scores_and_probabilities(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        s = self.scores(X)
        return s, s

    @property
    def n_parameters(self) -> int | None:
        if not hasattr(self, "net"):
            return None
        return int(sum(p.numel() for p in self.net.parameters()))


class _Variant(DXML):
    """A DXML ablation: ``variant`` holds the settings that define it. A caller may repeat them but
    never contradict them, or the variant would silently be another method."""

    variant: dict = {}

    def __init__(self, **params) -> None:
        for key, value in self.variant.items():
            if key in params and params[key] != value:
                raise ValueError(f"{self.name} is defined by {key}={value!r}; got {key}={params[key]!r}. "
                                 f"Leave {key} out, or use another method")
        super().__init__(**{**params, **self.variant})


class DXMLLinear(_Variant):
    """Figure 2's ablation: the same network without the ReLU (a linear embedding)."""

    name = "dxml-linear"
    variant = {"nonlinear": False}


class DXMLRandomEmbedding(_Variant):
    """Random label vectors instead of DeepWalk: what the label graph contributes."""

    name = "dxml-random-emb"
    variant = {"label_embedding": "random"}


class DXMLSVDEmbedding(_Variant):
    """Label vectors from a truncated SVD of the label co-occurrence matrix instead of DeepWalk."""

    name = "dxml-svd-emb"
    variant = {"label_embedding": "svd"}


class DXMLNoCluster(_Variant):
    """k nearest neighbours over all training points (no k-means partition)."""

    name = "dxml-nocluster"
    variant = {"clustering": False}


class DXMLL2(_Variant):
    """Squared-L2 regression loss instead of smooth-L1."""

    name = "dxml-l2"
    variant = {"loss": "l2"}
