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

And explanations of image models (:mod:`xmlstudy.models.image`) over superpixels
(:func:`superpixels`, SLIC):

* :func:`lime_weights`: LIME (``lime.lime_image``, Ribeiro et al. 2016) for any outputs of a
  model (a regressed latent unit, a decoded label), the perturbed samples batched through the
  network; :func:`occlusion_weights`: the drop of an output when one superpixel is greyed out
  (filled with its mean colour, as LIME hides it);
* :func:`deletion_insertion`: the deletion and insertion curves of Petsiuk et al. (RISE, 2018)
  over a superpixel ranking and their areas (:func:`curve_auc`);
* :func:`top_jaccard`: stability of the top superpixels over LIME seeds;
* :func:`top_region` and :func:`iou`: does an explanation's top region cover a planted patch?
* :func:`measure_image_model`: all of these on a fixed random sample of test images.
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


# --- explanations of image models over superpixels -------------------------------------------------
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
    import time

    from xmlstudy.data.ucmerced import PLANTED_LABEL, patch_mask
    from xmlstudy.models.image import read_images

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
                mask = patch_mask(patches[row], _shape(test, row), R)
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


def _shape(ds, row: int) -> tuple[int, int]:
    from PIL import Image

    with Image.open(ds.meta["image_paths"][row]) as img:
        return img.size[1], img.size[0]
