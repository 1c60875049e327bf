"""The faithfulness measures against hand-computed cases."""
import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy import explain
from xmlstudy.data.ucmerced import checkerboard


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


# --- explanations of image models ---------------------------------------------------------------
def _mean_brightness(batch):
    """A 'model' whose only output is the image's mean brightness in [0, 1]."""
    return np.asarray(batch, dtype=np.float64).mean(axis=(1, 2, 3))[:, None] / 255


def test_deletion_and_insertion_areas_by_hand():
    # A 2 x 2 image of four one-pixel superpixels with brightness 255, 255, 0, 0 (grey levels as
    # RGB); the start of insertion is all black.
    image = np.zeros((2, 2, 3), np.uint8)
    image[0] = 255
    segments = np.array([[0, 1], [2, 3]])
    start = np.zeros_like(image)
    good = explain.deletion_insertion(_mean_brightness, image, segments, [0, 1, 2, 3], 0, steps=4,
                                      start=start)
    np.testing.assert_allclose(good["x"], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(good["deletion"], [0.5, 0.25, 0, 0, 0])
    np.testing.assert_allclose(good["insertion"], [0, 0.25, 0.5, 0.5, 0.5])
    # Trapezoids of width 1/4: deletion (0.5+0.25)/2 + (0.25+0)/2 = 0.5, over 4 -> 0.125;
    # insertion (0 + .25)/2 + (.25+.5)/2 + .5 + .5 = 1.5, over 4 -> 0.375.
    assert good["deletion_auc"] == pytest.approx(0.125)
    assert good["insertion_auc"] == pytest.approx(0.375)
    bad = explain.deletion_insertion(_mean_brightness, image, segments, [3, 2, 1, 0], 0, steps=4,
                                     start=start)
    # The dark superpixels first: deletion stays high (0.5, .5, .5, .25, 0): (.5 + .5 + .375 +
    # .125) / 4 = 0.375; insertion (0, 0, 0, .25, .5): (.125 + .375) / 4 = 0.125.
    np.testing.assert_allclose(bad["deletion"], [0.5, 0.5, 0.5, 0.25, 0])
    assert bad["deletion_auc"] == pytest.approx(0.375)
    assert bad["insertion_auc"] == pytest.approx(0.125)
    # x follows the area of the superpixels: one superpixel of 3 pixels, one of 1.
    two = explain.deletion_insertion(_mean_brightness, image, np.array([[0, 0], [0, 1]]), [0, 1], 0,
                                     steps=2, start=start)
    np.testing.assert_allclose(two["x"], [0, 0.75, 1])
    assert explain.curve_auc([0, 0.75, 1], [1, 0, 0]) == pytest.approx(0.375)


def test_top_jaccard_top_region_and_iou():
    a, b = np.array([5, 4, 3, 2, 1, 0, 0]), np.array([5, 4, 3, 2, 0, 0, 1])
    # top-5 {0..4} vs {0, 1, 2, 3, 6}: 4 shared of 6.
    assert explain.top_jaccard([a, b], 5) == pytest.approx(4 / 6)
    assert explain.top_jaccard([a, a, a], 5) == 1.0
    segments = np.array([[0, 0, 1], [2, 2, 1], [3, 3, 3]])
    region = explain.top_region(np.array([0.0, 2.0, 1.0, -1.0]), segments, area=3)
    # Superpixel 1 (2 pixels) first, then 2 (2 pixels): 4 >= 3.
    np.testing.assert_array_equal(region, np.isin(segments, [1, 2]))
    mask = np.isin(segments, [1])
    assert explain.iou(region, mask) == pytest.approx(2 / 4)
    assert explain.iou(np.zeros((2, 2), bool), np.zeros((2, 2), bool)) == 0.0


def _planted_case(seed=0, side=16, size=48):
    """A grey noise image with a bright patch, and a model whose output is the patch's brightness."""
    rng = np.random.default_rng(seed)
    image = rng.integers(80, 100, size=(size, size, 3)).astype(np.uint8)
    top, left = rng.integers(0, size - side, size=2)
    # The study's planted patch: a magenta / lime checkerboard (its mean colour is grey, so hiding
    # a superpixel by its mean colour, as LIME and occlusion do, removes it).
    image[top:top + side, left:left + side] = checkerboard(side, 4)
    mask = np.zeros((size, size), bool)
    mask[top:top + side, left:left + side] = True

    def predict(batch):
        batch = np.asarray(batch, dtype=np.float64)
        magenta = (batch[..., 0] > 200) & (batch[..., 1] < 50) & (batch[..., 2] > 200)
        lime_ = (batch[..., 0] < 50) & (batch[..., 1] > 200) & (batch[..., 2] < 50)
        return np.stack([(magenta | lime_).mean(axis=(1, 2)), batch.mean(axis=(1, 2, 3)) / 255], axis=1)

    return image, mask, predict


@pytest.mark.parametrize("seed", [0, 1])
def test_planted_patch_check_passes_for_lime_and_occlusion_and_fails_for_a_wrong_explainer(seed):
    image, mask, predict = _planted_case(seed)
    segments = explain.superpixels(image, 60)
    lime = explain.lime_weights(predict, image, segments, [0], samples=200, seed=0, batch_size=50)[0]
    occlusion = explain.occlusion_weights(predict, image, segments, [0])[0]
    assert explain.planted_check(lime, segments, mask)["passed"]
    assert explain.planted_check(occlusion, segments, mask)["passed"]
    # A deliberately wrong explainer: the opposite of occlusion (the patch ranked last).
    wrong = explain.planted_check(-occlusion, segments, mask)
    assert not wrong["passed"] and wrong["iou"] < 0.1
    # Faithfulness agrees: deleting by LIME's ranking kills the output sooner than by the wrong one.
    right = explain.deletion_insertion(predict, image, segments, explain.ranking(lime), 0, steps=10)
    worse = explain.deletion_insertion(predict, image, segments, explain.ranking(-occlusion), 0, steps=10)
    assert right["deletion_auc"] < worse["deletion_auc"]
    assert right["insertion_auc"] > worse["insertion_auc"]


def test_lime_is_deterministic_for_a_seed_and_mean_fill_by_hand():
    image, _, predict = _planted_case(0)
    segments = explain.superpixels(image, 20)
    a = explain.lime_weights(predict, image, segments, [0, 1], samples=60, seed=3, batch_size=20)
    b = explain.lime_weights(predict, image, segments, [0, 1], samples=60, seed=3, batch_size=20)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (2, segments.max() + 1)
    img = np.array([[[0, 0, 0], [10, 20, 30]], [[4, 4, 4], [4, 4, 4]]], np.uint8)
    filled = explain.mean_fill(img, np.array([[0, 0], [1, 1]]))
    np.testing.assert_array_equal(filled[0], [[5, 10, 15], [5, 10, 15]])
    np.testing.assert_array_equal(filled[1], img[1])
