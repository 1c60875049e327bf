"""Explanations of image models over superpixels, and how faithful they are.

An image model (:class:`xmlstudy.models.image.ImageModel`) is explained through its ``outputs``
(a batch of ``n x h x w x 3`` images -> ``n x outputs``: a regressed latent unit, a decoded
label) over the SLIC superpixels of an image (:func:`superpixels`):

* :func:`lime_weights`: LIME (``lime.lime_image``, Ribeiro et al. 2016) for any outputs of a
  model, the perturbed samples batched through the network; :func:`occlusion_weights`: the drop
  of an output when one superpixel is greyed out (filled with its mean colour, as LIME hides it);
* :func:`deletion_insertion`: the deletion and insertion curves of Petsiuk et al. (RISE, 2018)
  over a superpixel ranking and their areas (:func:`curve_auc`);
* :func:`top_jaccard`: stability of the top superpixels over LIME seeds;
* :func:`top_region` and :func:`iou`: does an explanation's top region cover a planted patch?
* :func:`measure_image_model`: all of these on a fixed random sample of test images.

The measures of label hierarchies (what the autoencoder's groups are worth) are in
:mod:`xmlstudy.explain`.
"""
from __future__ import annotations

import time

import numpy as np

from xmlstudy.data.ucmerced import PLANTED_LABEL, image_shape, patch_mask, read_images


def superpixels(image: np.ndarray, n_segments: int = 50) -> np.ndarray:
    """SLIC superpixels (scikit-image; compactness 20) of an ``h x w x 3`` image, labelled 0..S-1."""
    from skimage.segmentation import slic

    seg = slic(image, n_segments=n_segments, compactness=20, start_label=0, channel_axis=-1)
    _, seg = np.unique(seg, return_inverse=True)   # consecutive labels
    return seg.reshape(image.shape[:2]).astype(np.int64)


def mean_fill(image: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """The image with every superpixel set to its mean colour (how LIME hides a superpixel)."""
    n = int(segments.max()) + 1
    flat = image.reshape(-1, image.shape[-1]).astype(np.float64)
    counts = np.bincount(segments.ravel(), minlength=n)
    means = np.stack([np.bincount(segments.ravel(), flat[:, c], minlength=n) for c in
                      range(flat.shape[1])], axis=1) / np.maximum(counts, 1)[:, None]
    return means[segments].astype(image.dtype)


def lime_weights(predict, image: np.ndarray, segments: np.ndarray, outputs, samples: int = 1000,
                 seed: int = 0, batch_size: int = 100) -> np.ndarray:
    """LIME's weight of every superpixel for each of ``outputs`` (columns of ``predict``, which
    maps an ``n x h x w x 3`` batch to ``n x outputs``), from ``samples`` perturbed images (random
    subsets of superpixels hidden by their mean colour, LIME's default), passed to ``predict``
    ``batch_size`` at a time. Returns ``len(outputs) x S``."""
    from lime import lime_image

    outputs = [int(o) for o in outputs]
    explainer = lime_image.LimeImageExplainer(random_state=seed)
    exp = explainer.explain_instance(image, predict, labels=outputs, top_labels=None,
                                     hide_color=None, num_samples=samples, batch_size=batch_size,
                                     segmentation_fn=lambda _: segments, random_seed=seed,
                                     )
    out = np.zeros((len(outputs), int(segments.max()) + 1))
    for i, o in enumerate(outputs):
        for segment, weight in exp.local_exp[o]:
            out[i, segment] = weight
    return out


def occlusion_weights(predict, image: np.ndarray, segments: np.ndarray, outputs) -> np.ndarray:
    """Per output and superpixel: the output on the image minus the output with that superpixel
    filled with its mean colour (``len(outputs) x S``)."""
    fill = mean_fill(image, segments)
    n = int(segments.max()) + 1
    batch = np.repeat(image[None], n + 1, axis=0)
    for s in range(n):
        mask = segments == s
        batch[s + 1][mask] = fill[mask]
    values = np.asarray(predict(batch))[:, list(outputs)]
    return (values[0][:, None] - values[1:].T)


def ranking(weights: np.ndarray) -> np.ndarray:
    """Superpixels from the most to the least important (ties: lower index first)."""
    return np.argsort(-np.asarray(weights), kind="stable")


def blurred(image: np.ndarray, sigma: float | None = None) -> np.ndarray:
    """RISE's insertion start: the image under a Gaussian blur (sigma 5 pixels at 224, scaled)."""
    from PIL import Image, ImageFilter

    sigma = 5.0 * image.shape[0] / 224 if sigma is None else sigma
    return np.asarray(Image.fromarray(np.asarray(image, np.uint8)).filter(ImageFilter.GaussianBlur(sigma)))


def curve_auc(x: np.ndarray, y: np.ndarray) -> float:
    """Area under a curve by the trapezoid rule (``x`` from 0 to 1)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))


def perturbation_batches(image: np.ndarray, segments: np.ndarray, order: np.ndarray, steps: int,
                         start: np.ndarray | None = None):
    """The images of the deletion curve (superpixels set to 0 in the order ``order``) and of the
    insertion curve (superpixels copied from ``image`` into ``start``, by default the blurred
    image), at ``steps + 1`` points; the x of each point is the share of pixels changed."""
    order = np.asarray(order)
    n = len(order)
    start = blurred(image) if start is None else start
    counts = np.unique(np.round(np.linspace(0, n, steps + 1)).astype(int))
    areas = np.bincount(segments.ravel(), minlength=n)
    x = np.array([areas[order[:k]].sum() for k in counts]) / segments.size
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    pixel_rank = rank[segments]
    deletion = np.stack([np.where((pixel_rank < k)[..., None], 0, image) for k in counts]).astype(image.dtype)
    insertion = np.stack([np.where((pixel_rank < k)[..., None], image, start) for k in counts]).astype(image.dtype)
    return x, deletion, insertion


def deletion_insertion(predict, image: np.ndarray, segments: np.ndarray, order, output: int,
                       steps: int = 20, start: np.ndarray | None = None) -> dict:
    """RISE's deletion and insertion curves of ``output`` for the superpixel ranking ``order``:
    superpixels are removed (set to 0; lower area is better) or inserted into the blurred image
    (higher is better) in ``steps`` steps, the output recorded after each; the areas are taken
    over the share of pixels changed. Returns ``{"x", "deletion", "insertion"}`` curves and
    their areas ``deletion_auc`` and ``insertion_auc``."""
    x, dele, ins = perturbation_batches(image, segments, order, steps, start)
    values = np.asarray(predict(np.concatenate([dele, ins])))[:, int(output)]
    d, i = values[:len(x)], values[len(x):]
    return {"x": x, "deletion": d, "insertion": i, "deletion_auc": curve_auc(x, d),
            "insertion_auc": curve_auc(x, i)}


def top_jaccard(weight_sets, k: int = 5) -> float:
    """Mean Jaccard index, over pairs of explanations (e.g. LIME with different seeds), of their
    top-``k`` superpixels."""
    tops = [set(ranking(w)[:k].tolist()) for w in weight_sets]
    pairs = [(a, b) for i, a in enumerate(tops) for b in tops[i + 1:]]
    return float(np.mean([len(a & b) / len(a | b) for a, b in pairs])) if pairs else float("nan")


def top_region(weights: np.ndarray, segments: np.ndarray, area: int) -> np.ndarray:
    """The explanation's top region: the highest-weighted superpixels, taken in order until they
    cover at least ``area`` pixels (boolean mask)."""
    order = ranking(weights)
    areas = np.bincount(segments.ravel(), minlength=len(order))[order]
    k = int(np.searchsorted(np.cumsum(areas), area)) + 1
    return np.isin(segments, order[:k])


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks (0 when both are empty)."""
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


PLANTED_IOU = 0.5   # the planted-patch check passes for an image when its IoU reaches this


def planted_check(weights: np.ndarray, segments: np.ndarray, patch_mask: np.ndarray) -> dict:
    """IoU between the explanation's top region (as large as the patch) and the planted patch,
    and whether it reaches :data:`PLANTED_IOU`."""
    value = iou(top_region(weights, segments, int(patch_mask.sum())), patch_mask)
    return {"iou": value, "passed": value >= PLANTED_IOU}


RANKINGS = ("lime", "occlusion", "random")


def measure_image_model(model, test, images: int = 50, samples: int = 1000, seeds: int = 3,
                        stability_images: int = 50, segments: int = 50, steps: int = 20,
                        figures: int = 4, batch_size: int = 100, sample_seed: int = 0) -> dict:
    """The explanation measures of an image model (:class:`xmlstudy.models.image.ImageModel`) on
    a fixed random sample of ``images`` test images (drawn with ``sample_seed``, the same for every
    model and seed; on ``ucmerced-planted`` only images with the patch).

    Per image the explained outputs are the decoded label with the highest score and, for the
    two-step model, the latent unit with the largest predicted code. For each, three superpixel
    rankings (LIME with ``samples`` samples, occlusion, a seeded random order) give RISE deletion
    and insertion areas, relative to the output on the unperturbed image; LIME is rerun with
    ``seeds`` seeds on the first ``stability_images`` images for the top-5 Jaccard; on planted
    data the IoU of each ranking's top region with the patch. The first ``figures`` images keep
    their LIME weights (for the chapter's figures). Returns means (``<kind>/<ranking>/...``), the
    per-image values and the LIME seconds per image."""
    rng = np.random.default_rng(sample_seed)
    patches = test.meta.get("patches")
    planted = patches is not None and PLANTED_LABEL in test.label_names
    pool = [i for i in range(len(test)) if not planted or patches[i] is not None]
    rows = sorted(rng.choice(pool, size=min(images, len(pool)), replace=False).tolist())
    R = model.resolution
    predict = model.outputs
    per_image, figs, lime_s = [], [], []
    for n, row in enumerate(rows):
        image = read_images(test, R, [row])[0]
        segs = superpixels(image, segments)
        base = predict(image[None])[0]
        n_codes = model._label_offset
        label = int(np.argmax(base[n_codes:])) if not planted else test.label_names.index(PLANTED_LABEL)
        targets = {"label": n_codes + label}
        if n_codes:
            targets["unit"] = int(np.argmax(base[:n_codes]))
        outputs = list(targets.values())
        t0 = time.perf_counter()
        lime = [lime_weights(predict, image, segs, outputs, samples, seed, batch_size)
                for seed in range(seeds if n < stability_images else 1)]
        lime_s.append((time.perf_counter() - t0) / len(lime))
        occl = occlusion_weights(predict, image, segs, outputs)
        random_order = np.random.default_rng([sample_seed, row]).permutation(int(segs.max()) + 1)
        entry = {"row": int(row), "segments": int(segs.max()) + 1, "label": label}
        start = blurred(image)
        for t, (kind, output) in enumerate(targets.items()):
            scale = abs(base[output]) if abs(base[output]) > 1e-9 else 1.0
            orders = {"lime": ranking(lime[0][t]), "occlusion": ranking(occl[t]),
                      "random": random_order}
            for name, order in orders.items():
                curves = deletion_insertion(predict, image, segs, order, output, steps, start)
                entry[f"{kind}/{name}/deletion"] = curves["deletion_auc"] / scale
                entry[f"{kind}/{name}/insertion"] = curves["insertion_auc"] / scale
            if len(lime) > 1:
                entry[f"{kind}/lime/top5_jaccard"] = top_jaccard([w[t] for w in lime], 5)
            if kind == "unit":
                entry["unit"] = output
            if planted:
                mask = patch_mask(patches[row], image_shape(test, row), R)
                weights = {"lime": lime[0][t], "occlusion": occl[t],
                           "random": -np.argsort(random_order).astype(float)}
                for name, w in weights.items():
                    entry[f"{kind}/{name}/iou"] = planted_check(w, segs, mask)["iou"]
        per_image.append(entry)
        if n < figures:
            figs.append({"row": int(row), "image_name": test.meta.get("image_name", [None] * len(test))[row],
                         "resolution": R, "n_segments": segments, "label": label,
                         "unit": targets.get("unit"), "outputs": targets,
                         "lime": [[round(float(v), 6) for v in w] for w in lime[0]],
                         "base": [round(float(v), 6) for v in base]})
    keys = sorted({k for e in per_image for k in e if "/" in k})
    means = {k: float(np.mean([e[k] for e in per_image if k in e])) for k in keys}
    if planted:
        for k in [k for k in keys if k.endswith("/iou")]:
            means[k.replace("/iou", "/passed")] = float(np.mean(
                [e[k] >= PLANTED_IOU for e in per_image if k in e]))
    return {"images": len(rows), "samples": samples, "seeds": seeds, "segments": segments,
            "steps": steps, "planted": planted, "mean": means, "per_image": per_image,
            "figures": figs, "lime_per_image_seconds": float(np.mean(lime_s)) if lime_s else None}
