"""The label-hierarchy measures against hand-computed cases."""
import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy import explain


def test_npmi_by_hand():
    # 4 rows; labels 0 and 1 always together in rows 0-1, label 2 alone in rows 2-3.
    Y = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]], dtype=np.float32))
    # p_01 = 0.5, p_0 = p_1 = 0.5: log(0.5 / 0.25) / -log(0.5) = 1.
    assert explain.npmi_coherence(Y, [[0, 1]]) == pytest.approx(1.0)
    # 0 and 2 never together: -1 by definition.
    assert explain.npmi_coherence(Y, [[0, 2]]) == pytest.approx(-1.0)
    # The mean over pairs then over groups; a one-label group is skipped.
    assert explain.npmi_coherence(Y, [[0, 1, 2], [1]]) == pytest.approx((1 - 1 - 1) / 3)
    # Independent labels: p_ab = p_a p_b gives 0.
    Yi = sp.csr_matrix(np.array([[1, 1], [1, 0], [0, 1], [0, 0]], dtype=np.float32))
    assert explain.npmi_coherence(Yi, [[0, 1]]) == pytest.approx(0.0, abs=1e-12)


def test_recipe_completion_ranks_the_hidden_label():
    Y = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 0, 0]], dtype=np.float32))
    # A perfect completer knows the pairs {0, 1} and {2, 3}: the hidden label ranks first.
    pairs = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=float)
    perfect = explain.recipe_completion(Y, lambda V: V @ pairs, seed=0)
    assert perfect["rows"] == 2 and perfect["mean_rank"] == 1.0 and perfect["hits@10"] == 1.0
    # A constant score ties every candidate: 3 candidates share the mean rank 2.
    flat = explain.recipe_completion(Y, lambda V: np.zeros(V.shape), seed=0)
    assert flat["mean_rank"] == 2.0 and flat["mrr"] == pytest.approx(0.5)


def test_stability_matches_groups_whatever_their_order_and_scale():
    rng = np.random.default_rng(0)
    A = rng.random((30, 5))
    assert explain.stability(A, 3.0 * A[:, [4, 2, 0, 1, 3]]) == pytest.approx(1.0)
    disjoint = np.eye(4)
    assert explain.stability(disjoint[:, :2], disjoint[:, 2:]) == pytest.approx(0.0)
    # By hand: the best one-to-one matching of two 2-d groups.
    B = np.array([[1.0, 0.0], [0.0, 1.0]])
    C = np.array([[1.0, 1.0], [1.0, 0.0]])   # cosines: (1/sqrt2, 1) and (1/sqrt2, 0)
    assert explain.stability(B, C) == pytest.approx((1 + 1 / np.sqrt(2)) / 2)


def test_taxonomy_agreement_and_probe():
    codes = np.array([[3, 0], [2, 1], [0, 5], [1, 4]], dtype=float)
    assert explain.taxonomy_agreement(codes, np.array([7, 7, 9, 9])) == {"nmi": 1.0, "ari": 1.0}
    assert explain.taxonomy_agreement(codes, np.array([7, 9, 7, 9]))["ari"] < 0
    assert explain.linear_probe(codes, [0, 0, 1, 1], codes, [0, 0, 1, 1]) == 1.0


def test_prediction_spread_by_hand():
    Y_train = sp.csr_matrix(np.array([[1, 1, 0, 0], [1, 0, 0, 0], [1, 0, 1, 0]], dtype=np.float32))
    Y_true = sp.csr_matrix(np.array([[1, 0, 0, 1], [0, 1, 0, 0]], dtype=np.float32))
    spread = explain.prediction_spread(np.array([[0, 1], [0, 2]]), Y_train, Y_true, head=1)
    assert spread["coverage"] == 0.75              # labels 0, 1, 2 predicted, 3 never
    assert spread["head_share"] == 0.5             # label 0 takes 2 of 4 slots
    assert spread["head_share_true"] == pytest.approx(1 / 3)


def test_hierarchy_reads_the_weights():
    H1 = np.array([[0.9, 0.0], [0.5, 0.0], [0.0, 0.8], [0.0, 0.1]])
    H2 = np.array([[1.0], [0.2]])
    h = explain.hierarchy(H1, H2, n_labels=2, n_children=2)
    assert h["level1"] == [[0, 1], [2, 3]]
    assert h["level2"] == [[0, 1]]        # H1 H2 = (0.9, 0.5, 0.16, 0.02)
    assert h["edges"] == [[0, 1]]
