"""DXML (seed 002): label graph, DeepWalk walks, targets, loss, clustered kNN prediction, learning,
determinism, and validation-driven choices. Everything runs on small synthetic data in seconds."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from xmlstudy.data.dataset import Dataset
from xmlstudy.metrics import ranking_metrics
from xmlstudy.models import create
from xmlstudy.models import dxml, label_vectors

torch.set_num_threads(1)


def planted(n: int, seed: int, L: int = 12, per_label: int = 5, noise: int = 3) -> Dataset:
    """Each label owns ``per_label`` features; labels come in co-occurring pairs (2j, 2j+1) plus
    an occasional third label. A sample switches on 80% of its labels' features (with real
    values) and ``noise`` random features."""
    rng = np.random.default_rng(seed)
    d = L * per_label + 10
    X = np.zeros((n, d), np.float32)
    Y = np.zeros((n, L), np.float32)
    for i in range(n):
        pair = 2 * rng.integers(L // 2)
        labels = [pair] + ([pair + 1] if rng.random() < 0.7 else [])
        if rng.random() < 0.3:
            labels.append(int(rng.integers(L)))
        for j in labels:
            Y[i, j] = 1
            on = rng.random(per_label) < 0.8
            X[i, j * per_label: (j + 1) * per_label] = on * rng.uniform(0.5, 1.5, per_label)
        X[i, rng.integers(d, size=noise)] += rng.uniform(0.1, 1.0, noise)
    return Dataset("planted", "train", sp.csr_matrix(X), sp.csr_matrix(Y),
                   [f"f{j}" for j in range(d)], [f"label{j}" for j in range(L)])


SMALL = dict(embedding_dim=16, hidden=32, walks_per_node=5, walk_length=10, window=3,
             w2v_epochs=3, epochs=12, batch_size=32, patience=5, dropout=0.1,
             k_grid=(1, 5, 25), cluster_grid=(2, 4), device="cpu")


@pytest.fixture(scope="module")
def data():
    return planted(600, 0), planted(200, 1), planted(200, 2)


@pytest.fixture(scope="module")
def fitted(data):
    train, valid, _ = data
    return create("dxml", seed=0, **SMALL).fit(train, valid)


# --- label graph and DeepWalk --------------------------------------------------------------

def test_label_graph_edges_are_cooccurrences():
    Y = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 0, 0]], np.float32))
    G = label_vectors.label_graph(Y).toarray()
    expected = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])  # 3: self-loop
    np.testing.assert_array_equal(G, expected)


def test_walks_stay_on_graph_edges():
    rng = np.random.default_rng(0)
    Y = sp.csr_matrix((rng.random((200, 30)) < 0.06).astype(np.float32))
    G = label_vectors.label_graph(Y)
    walks = label_vectors.random_walks(G, walks_per_node=4, walk_length=12, seed=3)
    starts = np.flatnonzero(np.diff(G.indptr) > 0)
    assert walks.shape == (4 * len(starts), 12)
    # every node with an edge starts exactly walks_per_node walks
    np.testing.assert_array_equal(np.bincount(walks[:, 0], minlength=30)[starts], 4)
    dense = G.toarray()
    steps = dense[walks[:, :-1].ravel(), walks[:, 1:].ravel()]
    assert (steps == 1).all(), "a walk stepped between labels that never co-occur"
    # and the walks do move: many distinct transitions are used
    assert len({(a, b) for a, b in zip(walks[:, :-1].ravel(), walks[:, 1:].ravel())}) > 50


def test_isolated_labels_get_self_loops_and_distinct_vectors():
    # label 2 only ever appears alone, label 3 never appears
    Y = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 0, 1, 0], [1, 1, 0, 0]] * 5, np.float32))
    G = label_vectors.label_graph(Y, isolated="self-loop")
    assert G[2, 2] == 1 and G[3, 3] == 1 and G[2].nnz == 1 and G[3].nnz == 1
    walks = label_vectors.random_walks(G, 3, 6, seed=0)
    assert (walks[walks[:, 0] == 2] == 2).all()  # a walk from an isolated label stays there
    V = label_vectors.deepwalk_vectors(G, 8, walks_per_node=5, walk_length=6, window=2, seed=0)
    assert np.isfinite(V).all() and (np.linalg.norm(V, axis=1) > 0).all()
    assert not np.allclose(V[2], V[0])

    G_none = label_vectors.label_graph(Y, isolated="random")
    assert G_none[2].nnz == 0 and G_none[3].nnz == 0
    V = label_vectors.deepwalk_vectors(G_none, 8, walks_per_node=5, walk_length=6, window=2, seed=0,
                                       isolated="random")
    norms = np.linalg.norm(V, axis=1)
    np.testing.assert_allclose(norms[2:], norms[:2].mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="valid: self-loop, random"):
        label_vectors.label_graph(Y, isolated="drop")


def test_label_set_targets_equal_brute_force_mean():
    rng = np.random.default_rng(1)
    Y = sp.csr_matrix((rng.random((40, 9)) < 0.25).astype(np.float32))
    Y = sp.vstack([Y, sp.csr_matrix((1, 9), dtype=np.float32)]).tocsr()  # a row with no label
    V = rng.standard_normal((9, 5)).astype(np.float32)
    targets, has_label = label_vectors.label_set_targets(Y, V)
    dense = Y.toarray()
    for i in range(dense.shape[0]):
        on = np.flatnonzero(dense[i])
        if len(on):
            np.testing.assert_allclose(targets[i], V[on].mean(0), rtol=1e-5, atol=1e-6)
            assert has_label[i]
        else:
            assert not has_label[i] and (targets[i] == 0).all()


def test_smooth_l1_matches_paper_equation():
    rng = np.random.default_rng(2)
    a = rng.uniform(-2, 2, (6, 7))
    b = rng.uniform(-2, 2, (6, 7))
    expected = [sum(0.5 * (x - y) ** 2 if abs(x - y) <= 1 else abs(x - y) - 0.5
                    for x, y in zip(ra, rb)) for ra, rb in zip(a, b)]
    got = dxml.smooth_l1(torch.tensor(a), torch.tensor(b)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert (np.abs(a - b) > 1).any() and (np.abs(a - b) <= 1).any()  # both branches exercised
    np.testing.assert_allclose(dxml.squared_l2(torch.tensor(a), torch.tensor(b)).numpy(),
                               0.5 * ((a - b) ** 2).sum(1), rtol=1e-12)


def test_smooth_l1_is_squared_l2_between_unit_vectors():
    # f_x is a unit vector and the targets have norm about 1: no coordinate differs by 1 or more
    # (barring two vectors concentrated on one axis with opposite signs), so both losses agree.
    rng = np.random.default_rng(4)
    a = torch.nn.functional.normalize(torch.tensor(rng.standard_normal((50, 20))), dim=1)
    b = torch.nn.functional.normalize(torch.tensor(rng.standard_normal((50, 20))), dim=1) * 0.9
    assert (a - b).abs().max() < 1
    torch.testing.assert_close(dxml.smooth_l1(a, b), dxml.squared_l2(a, b))


def test_sparse_and_dense_first_layer_agree():
    torch.manual_seed(0)
    net = dxml.FeatureNet(30, 8, 4, dropout=0.0, nonlinear=True).eval()
    X = sp.random(5, 30, density=0.2, format="csr", random_state=0, dtype=np.float32)
    from xmlstudy.training import csr_to_torch
    dense = net(csr_to_torch(X, dense=True))
    sparse = net(csr_to_torch(X, dense=False))
    torch.testing.assert_close(dense, sparse)
    np.testing.assert_allclose(dense.norm(dim=1).detach().numpy(), 1.0, rtol=1e-5)


# --- prediction -----------------------------------------------------------------------------

def brute_force_scores(query, base, base_cluster, centroids, Y_base, k, weighting):
    """One test point at a time: nearest centroid, then its k most similar cluster members."""
    Y = Y_base.toarray()
    out = np.zeros((len(query), Y.shape[1]), np.float64)
    for i, q in enumerate(query):
        c = int(np.argmin(((centroids - q) ** 2).sum(1)))
        members = np.flatnonzero(base_cluster == c)
        sims = base[members] @ q
        order = np.argsort(-sims)[:k]
        w = np.ones(len(order)) if weighting == "uniform" else np.maximum(sims[order], 0)
        if w.sum() > 0:
            out[i] = (w[:, None] * Y[members[order]]).sum(0) / w.sum()
    return out


@pytest.mark.parametrize("weighting", ["uniform", "similarity"])
def test_cluster_knn_equals_brute_force(weighting):
    rng = np.random.default_rng(3)
    base = rng.standard_normal((80, 6))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    query = rng.standard_normal((25, 6))
    query /= np.linalg.norm(query, axis=1, keepdims=True)
    base_cluster = rng.integers(0, 4, 80)
    base_cluster[base_cluster == 3] = 2
    base_cluster[:3] = 3  # one cluster with fewer members than k
    centroids = np.stack([base[base_cluster == c].mean(0) for c in range(4)])
    Y = sp.csr_matrix((rng.random((80, 10)) < 0.3).astype(np.float32))
    k = 7
    t = lambda a: torch.as_tensor(a)  # noqa: E731
    assigned = dxml.assign_clusters(t(query), t(centroids))
    idx, sim = dxml.cluster_neighbours(t(query), t(base), t(base_cluster), assigned, k, batch_size=4)
    got = dxml.neighbour_scores(idx.numpy(), sim.numpy(), Y, k, weighting)
    expected = brute_force_scores(query, base, base_cluster, centroids, Y, k, weighting)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert (assigned.numpy() == 3).any(), "the small cluster must be exercised"


def test_learns_planted_signal(data, fitted):
    _, _, test = data
    idx, _ = fitted.topk(test.X, 5)
    m = ranking_metrics(test.Y, idx)
    chance = test.label_cardinality / test.n_labels
    assert chance < 0.2
    assert m["P@1"] > 0.85, m
    P = fitted.probabilities(test.X)
    assert P.shape == (len(test), test.n_labels) and P.min() >= 0 and P.max() <= 1
    assert fitted.n_parameters == (70 * 32 + 32) + (32 * 16 + 16)


def test_deterministic_on_cpu_for_a_seed(data, fitted):
    train, valid, test = data
    again = create("dxml", seed=0, **SMALL).fit(train, valid)
    np.testing.assert_array_equal(again.scores(test.X), fitted.scores(test.X))
    np.testing.assert_array_equal(again.label_vectors, fitted.label_vectors)
    other = create("dxml", seed=1, **SMALL).fit(train, valid)
    assert not np.array_equal(other.label_vectors, fitted.label_vectors)


def test_validation_drives_k_and_cluster_choice(data, fitted):
    train, valid, _ = data
    # The recorded choice is the best row of the validation table, and that row's score is
    # what the chosen settings give on validation.
    table = fitted.fit_info["selection"]
    assert len(table) == 2 * 3 * 2  # clusters x k x weighting
    best = max(table, key=lambda r: r["valid_mean_P@1,3,5"])
    assert (best["n_clusters"], best["k"], best["weighting"]) == (
        fitted.fit_info["n_clusters"], fitted.fit_info["k"], fitted.fit_info["weighting"])
    recomputed = dxml._mean_precision(valid.Y, fitted.scores(valid.X))
    assert recomputed == pytest.approx(best["valid_mean_P@1,3,5"])

    # Validation sets built to favour one k make the model pick that k.
    model = create("dxml-nocluster", seed=0, **{**SMALL, "k_grid": (1, 25), "epochs": 3}).fit(train, valid)
    model.k_ = 1
    one_nn = valid.subset(np.arange(len(valid)))
    idx, _ = model.neighbours(valid.X)
    one_nn.Y = sp.csr_matrix(train.Y[idx[:, 0]])
    model._choose(one_nn)
    assert model.k_ == 1
    model.k_, model.weighting_ = 25, "uniform"
    broad = valid.subset(np.arange(len(valid)))
    s = model.scores(valid.X)
    top3 = np.argsort(-s, axis=1, kind="stable")[:, :3]
    Ybroad = np.zeros_like(s)
    np.put_along_axis(Ybroad, top3, 1.0, axis=1)
    broad.Y = sp.csr_matrix(Ybroad)
    model._choose(broad)
    assert model.k_ == 25

    # When the largest k of the grid wins, larger ones are tried on validation.
    model.k_grid = (1, 2)
    table = model._choose(broad)
    tried = sorted({row["k"] for row in table})
    assert tried[:3] == [1, 2, 3] and model.k_ > 2
    best = max(table, key=lambda r: r["valid_mean_P@1,3,5"])
    assert best["k"] == model.k_ and best["k"] < max(tried)  # the search stopped past the best


def test_clear_errors_for_bad_settings(data):
    train, _, _ = data
    with pytest.raises(ValueError, match="valid: deepwalk, random, svd"):
        create("dxml", label_embedding="node2vec")
    with pytest.raises(ValueError, match="must be a positive integer"):
        create("dxml", walk_length=0)
    with pytest.raises(ValueError, match="pass valid="):
        create("dxml", **SMALL).fit(train)


def test_variants_change_only_their_setting():
    assert create("dxml-linear").nonlinear is False
    assert create("dxml-random-emb").label_embedding == "random"
    assert create("dxml-svd-emb").label_embedding == "svd"
    assert create("dxml-nocluster").clustering is False
    assert create("dxml-l2").loss == "l2"
    from xmlstudy.methods import DXML_CHOSEN
    default = create("dxml")
    assert {k: getattr(default, k) for k in DXML_CHOSEN} == DXML_CHOSEN  # defaults = validated choice
    big = create("dxml", size="large")
    assert (big.embedding_dim, big.hidden) == (300, 512)


@pytest.mark.parametrize("method", ["dxml-random-emb", "dxml-svd-emb", "dxml-l2", "dxml-linear"])
def test_variants_run_and_learn(data, method):
    train, valid, test = data
    model = create(method, seed=0, **{**SMALL, "k": 5, "n_clusters": 2, "weighting": "uniform"})
    model.fit(train, valid)
    idx, _ = model.topk(test.X, 1)
    assert ranking_metrics(test.Y, idx, ks=(1,))["P@1"] > 0.6


def test_ablation_variant_refuses_a_contradicting_setting():
    from xmlstudy import models

    assert models.create("dxml-linear", nonlinear=False) is not None   # repeating is fine
    with pytest.raises(ValueError, match="nonlinear=False"):
        models.create("dxml-linear", nonlinear=True)


def test_refit_trains_again_on_train_and_valid_with_the_validation_choices(data, fitted):
    train, valid, test = data
    refit = create("dxml", seed=0, refit=True, **SMALL).fit(train, valid)
    info, chosen = refit.fit_info, refit.fit_info["chosen_on_validation"]
    # The validation run is the plain fit; the refit keeps its choices and its epoch count.
    assert chosen["best_epoch"] == fitted.fit_info["best_epoch"]
    assert (chosen["k"], chosen["n_clusters"], chosen["weighting"]) == (
        fitted.fit_info["k"], fitted.fit_info["n_clusters"], fitted.fit_info["weighting"])
    assert (info["k"], info["n_clusters"], info["weighting"]) == (
        chosen["k"], chosen["n_clusters"], chosen["weighting"])
    assert info["refit"] and info["epochs"] == chosen["best_epoch"]
    # Its index holds every train and validation row, and it still learns the planted signal.
    assert refit.base.shape[0] == len(train) + len(valid) == refit.base_Y.shape[0]
    idx, _ = refit.topk(test.X, 1)
    assert ranking_metrics(test.Y, idx)["P@1"] > 0.85
