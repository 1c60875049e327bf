"""DXML's label side (steps 1 and 2 of :mod:`xmlstudy.models.dxml`): the label co-occurrence
graph, DeepWalk label vectors on it (uniform random walks fed to a skip-gram Word2Vec), the
ablations' random and SVD label vectors, and the target of a label set, the mean of its labels'
vectors. Nothing here needs torch.
"""
from __future__ import annotations

import logging

import numpy as np
import scipy.sparse as sp

# What a label with no edge gets: a self-loop to walk on, or a random vector (see label_graph)
ISOLATED = ("self-loop", "random")


def label_graph(Y: sp.csr_matrix, isolated: str = "self-loop") -> sp.csr_matrix:
    """Binary symmetric ``L x L`` adjacency: an edge between labels that co-occur in a sample.

    Labels without any edge get a self-loop when ``isolated == "self-loop"`` (so that every node
    has a neighbour to walk to); with ``"random"`` they are left without edges.
    """
    if isolated not in ISOLATED:
        raise ValueError(f"isolated={isolated!r}; valid: {', '.join(ISOLATED)}")
    Yb = sp.csr_matrix(Y, dtype=np.float32)
    Yb.data[:] = 1.0
    co = (Yb.T @ Yb).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    co.data[:] = 1.0
    if isolated == "self-loop":
        lonely = np.flatnonzero(np.diff(co.indptr) == 0)
        if len(lonely):
            loops = sp.csr_matrix((np.ones(len(lonely), np.float32), (lonely, lonely)), shape=co.shape)
            co = (co + loops).tocsr()
    co.sort_indices()
    return co


def random_walks(adjacency: sp.csr_matrix, walks_per_node: int, walk_length: int,
                 seed: int = 0) -> np.ndarray:
    """Uniform truncated random walks, ``walks_per_node`` starting at every node that has an edge.

    Returns an int64 array ``(n_walks, walk_length)``; all walks advance together one step at a
    time (vectorised over walkers). Nodes without an edge start no walk.
    """
    adjacency = sp.csr_matrix(adjacency)
    indptr, indices = adjacency.indptr, adjacency.indices
    degree = np.diff(indptr)
    starts = np.flatnonzero(degree > 0)
    rng = np.random.default_rng(seed)
    current = np.tile(starts, walks_per_node)
    # Shuffle the walk order as DeepWalk does, so that Word2Vec's learning-rate decay does not
    # favour the nodes whose walks come first.
    current = current[rng.permutation(len(current))]
    walks = np.empty((len(current), walk_length), dtype=np.int64)
    if len(current) == 0 or walk_length == 0:
        return walks[:, :walk_length]
    walks[:, 0] = current
    for step in range(1, walk_length):
        d = degree[current]
        offset = np.minimum((rng.random(len(current)) * d).astype(np.int64), d - 1)
        current = indices[indptr[current] + offset]
        walks[:, step] = current
    return walks


def deepwalk_vectors(adjacency: sp.csr_matrix, dim: int, *, walks_per_node: int = 10,
                     walk_length: int = 40, window: int = 5, epochs: int = 5, sample: float = 1e-3,
                     seed: int = 0, isolated: str = "self-loop") -> np.ndarray:
    """DeepWalk label vectors ``(L, dim)``: skip-gram Word2Vec with hierarchical softmax (as in
    DeepWalk) on the random walks, single-threaded so that a seed fixes the result. ``sample``
    is Word2Vec's down-sampling threshold of frequent tokens (gensim's default 1e-3; a label
    graph has few nodes, each a large share of the walks, so it discards many tokens; 0 keeps all).

    Nodes that start no walk (no edge at all, which only happens with ``isolated="random"``) get
    seeded Gaussian vectors with the mean norm of the learned ones.
    """
    from gensim.models import Word2Vec

    L = adjacency.shape[0]
    walks = random_walks(adjacency, walks_per_node, walk_length, seed)
    sentences = [[str(t) for t in w] for w in walks.tolist()]
    vectors = np.zeros((L, dim), dtype=np.float32)
    seen = np.zeros(L, dtype=bool)
    if sentences:
        # gensim reports every epoch at INFO level; keep it quiet whatever the caller's logging.
        gensim_log = logging.getLogger("gensim")
        level = gensim_log.level
        gensim_log.setLevel(logging.WARNING)
        try:
            w2v = Word2Vec(sentences, vector_size=dim, window=window, min_count=0, sg=1, hs=1,
                           negative=0, sample=sample, workers=1, seed=seed, epochs=epochs)
        finally:
            gensim_log.setLevel(level)
        for token, row in w2v.wv.key_to_index.items():
            vectors[int(token)] = w2v.wv.vectors[row]
            seen[int(token)] = True
    if not seen.all():
        scale = float(np.linalg.norm(vectors[seen], axis=1).mean()) if seen.any() else 1.0
        rng = np.random.default_rng(seed + 1)
        fill = rng.standard_normal((int((~seen).sum()), dim)).astype(np.float32)
        vectors[~seen] = fill / np.linalg.norm(fill, axis=1, keepdims=True) * scale
    return vectors


def random_vectors(L: int, dim: int, seed: int = 0) -> np.ndarray:
    """Independent Gaussian label vectors (the ``dxml-random-emb`` ablation): no label structure."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((L, dim)) / np.sqrt(dim)).astype(np.float32)


def svd_vectors(Y: sp.csr_matrix, dim: int, seed: int = 0) -> np.ndarray:
    """Label vectors from the top eigenvectors of the co-occurrence matrix ``Y^T Y`` scaled by the
    square roots of their eigenvalues (the ``dxml-svd-emb`` ablation). Columns past the rank are
    zero."""
    from sklearn.utils.extmath import randomized_svd

    Yb = sp.csr_matrix(Y, dtype=np.float64)
    Yb.data[:] = 1.0
    co = (Yb.T @ Yb).tocsr()
    L = co.shape[0]
    r = min(dim, L)
    U, S, _ = randomized_svd(co, n_components=r, random_state=seed)
    out = np.zeros((L, dim), dtype=np.float32)
    out[:, :r] = U * np.sqrt(S)
    return out


def label_set_targets(Y: sp.csr_matrix, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f_y = V^T y / nnz(y)`` for every row of ``Y``; rows with no label get zeros and are
    marked False in the returned mask (they have no target)."""
    Y = sp.csr_matrix(Y)
    counts = np.diff(Y.indptr)
    Yb = Y.copy()
    Yb.data[:] = 1.0
    targets = np.asarray(Yb @ V, dtype=np.float32)
    has_label = counts > 0
    targets[has_label] /= counts[has_label, None]
    return targets, has_label
