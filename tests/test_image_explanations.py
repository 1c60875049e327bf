"""Explanations of image models over superpixels: RISE's deletion and insertion areas by hand,
the top-region and Jaccard measures, LIME and occlusion finding a planted patch (and a wrong
explainer failing the check), and LIME's determinism for a seed."""
import numpy as np
import pytest

from xmlstudy import image_explanations
from xmlstudy.data.ucmerced import checkerboard

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
    good = image_explanations.deletion_insertion(_mean_brightness, image, segments, [0, 1, 2, 3], 0, steps=4,
                                      start=start)
    np.testing.assert_allclose(good["x"], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(good["deletion"], [0.5, 0.25, 0, 0, 0])
    np.testing.assert_allclose(good["insertion"], [0, 0.25, 0.5, 0.5, 0.5])
    # Trapezoids of width 1/4: deletion (0.5+0.25)/2 + (0.25+0)/2 = 0.5, over 4 -> 0.125;
    # insertion (0 + .25)/2 + (.25+.5)/2 + .5 + .5 = 1.5, over 4 -> 0.375.
    assert good["deletion_auc"] == pytest.approx(0.125)
    assert good["insertion_auc"] == pytest.approx(0.375)
    bad = image_explanations.deletion_insertion(_mean_brightness, image, segments, [3, 2, 1, 0], 0, steps=4,
                                     start=start)
    # The dark superpixels first: deletion stays high (0.5, .5, .5, .25, 0): (.5 + .5 + .375 +
    # .125) / 4 = 0.375; insertion (0, 0, 0, .25, .5): (.125 + .375) / 4 = 0.125.
    np.testing.assert_allclose(bad["deletion"], [0.5, 0.5, 0.5, 0.25, 0])
    assert bad["deletion_auc"] == pytest.approx(0.375)
    assert bad["insertion_auc"] == pytest.approx(0.125)
    # x follows the area of the superpixels: one superpixel of 3 pixels, one of 1.
    two = image_explanations.deletion_insertion(_mean_brightness, image, np.array([[0, 0], [0, 1]]), [0, 1], 0,
                                     steps=2, start=start)
    np.testing.assert_allclose(two["x"], [0, 0.75, 1])
    assert image_explanations.curve_auc([0, 0.75, 1], [1, 0, 0]) == pytest.approx(0.375)


def test_top_jaccard_top_region_and_iou():
    a, b = np.array([5, 4, 3, 2, 1, 0, 0]), np.array([5, 4, 3, 2, 0, 0, 1])
    # top-5 {0..4} vs {0, 1, 2, 3, 6}: 4 shared of 6.
    assert image_explanations.top_jaccard([a, b], 5) == pytest.approx(4 / 6)
    assert image_explanations.top_jaccard([a, a, a], 5) == 1.0
    segments = np.array([[0, 0, 1], [2, 2, 1], [3, 3, 3]])
    region = image_explanations.top_region(np.array([0.0, 2.0, 1.0, -1.0]), segments, area=3)
    # Superpixel 1 (2 pixels) first, then 2 (2 pixels): 4 >= 3.
    np.testing.assert_array_equal(region, np.isin(segments, [1, 2]))
    mask = np.isin(segments, [1])
    assert image_explanations.iou(region, mask) == pytest.approx(2 / 4)
    assert image_explanations.iou(np.zeros((2, 2), bool), np.zeros((2, 2), bool)) == 0.0


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
    segments = image_explanations.superpixels(image, 60)
    lime = image_explanations.lime_weights(predict, image, segments, [0], samples=200, seed=0, batch_size=50)[0]
    occlusion = image_explanations.occlusion_weights(predict, image, segments, [0])[0]
    assert image_explanations.planted_check(lime, segments, mask)["passed"]
    assert image_explanations.planted_check(occlusion, segments, mask)["passed"]
    # A deliberately wrong explainer: the opposite of occlusion (the patch ranked last).
    wrong = image_explanations.planted_check(-occlusion, segments, mask)
    assert not wrong["passed"] and wrong["iou"] < 0.1
    # Faithfulness agrees: deleting by LIME's ranking kills the output sooner than by the wrong one.
    right = image_explanations.deletion_insertion(predict, image, segments, image_explanations.ranking(lime), 0, steps=10)
    worse = image_explanations.deletion_insertion(predict, image, segments, image_explanations.ranking(-occlusion), 0, steps=10)
    assert right["deletion_auc"] < worse["deletion_auc"]
    assert right["insertion_auc"] > worse["insertion_auc"]


def test_lime_is_deterministic_for_a_seed_and_mean_fill_by_hand():
    image, _, predict = _planted_case(0)
    segments = image_explanations.superpixels(image, 20)
    a = image_explanations.lime_weights(predict, image, segments, [0, 1], samples=60, seed=3, batch_size=20)
    b = image_explanations.lime_weights(predict, image, segments, [0, 1], samples=60, seed=3, batch_size=20)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (2, segments.max() + 1)
    img = np.array([[[0, 0, 0], [10, 20, 30]], [[4, 4, 4], [4, 4, 4]]], np.uint8)
    filled = image_explanations.mean_fill(img, np.array([[0, 0], [1, 1]]))
    np.testing.assert_array_equal(filled[0], [[5, 10, 15], [5, 10, 15]])
    np.testing.assert_array_equal(filled[1], img[1])
