"""The numbers the non-negative autoencoder chapter's prose cites, each as short text keyed by its
glue name; the sentences around them are written in ``notebooks/nnae.py``."""
from __future__ import annotations

import pandas as pd

from xmlstudy.chapters.nnae.experiment_grid import AUTOENCODER, NAMES, OTHER_RESOLUTIONS, RESOLUTION
from xmlstudy.chapters.nnae.measures import (aitlas_map, fit_info_values, image_means,
                                             image_records, model_measures)


NOT_RUN = "not run"     # what the prose shows in place of a number that has no records yet


def _text(value, spec: str) -> str:
    """``value`` formatted with ``spec``, or :data:`NOT_RUN` when there is none."""
    return NOT_RUN if value is None or pd.isna(value) else format(value, spec)


def numbers(frames: dict, params) -> dict:
    """Every number the chapter's prose cites, as text keyed by its glue name: the hits@10 of
    recipe completion on BBC Food (the autoencoder, the two-level NMF, random groups), the
    autoencoder's training steps (``nnae_steps``), mean final loss (projection, softplus) and
    slowest fit in seconds, the range of its label coverage over the data sets ("0-5%"), and
    :func:`image_numbers`."""
    h = frames["nnae/hierarchy"]
    models = model_measures(h)
    hits = (models.set_index(["dataset", "name"])["hits@10"] if len(models)
            else pd.Series(dtype=float))
    out = {}
    for glue, name in (("nnae_bbc_hits", AUTOENCODER),
                       ("nnae_bbc_hits_nmf2", NAMES[("nmf", (64, 16))]),
                       ("nnae_bbc_hits_random", NAMES[("random-groups", (16,))])):
        out[glue] = _text(hits.get(("bbc_food", name)), ".2f")
    for glue, method in (("nnae_loss", "nnae"), ("nnae_loss_softplus", "nnae-softplus")):
        loss = fit_info_values(h[h["method"] == method], "final_loss") if len(h) else None
        out[glue] = _text(None if loss is None else loss.mean(), ".3f")
    # the autoencoder's training steps, as its records ran them (every step is one full batch)
    steps = fit_info_values(h[h["method"] == "nnae"], "epochs").dropna() if len(h) else pd.Series(dtype=float)
    out["nnae_steps"] = ("-".join(f"{s:.0f}" for s in sorted({steps.min(), steps.max()})) if len(steps)
                         else NOT_RUN)
    out.update(image_numbers(frames))
    cover = models[models["name"] == AUTOENCODER]["coverage"].dropna() if len(models) else []
    # a range over the data sets, as one phrase: it reads "not run" as a whole without records
    out["nnae_coverage"] = (f"{100 * cover.min():.0f}-{100 * cover.max():.0f}%" if len(cover)
                            else NOT_RUN)
    return out


def image_numbers(frames: dict) -> dict:
    """The image track's numbers for the prose, as text keyed by glue name: the input
    resolutions, the AiTLAS benchmark's published mAP of VGG16 and EfficientNet-B0, both image
    models' mean test mAP (%), the units chosen on validation ("64 / 16"; every distinct choice
    over the seeds, joined with "and"), and the explanation measures' settings. No times: the
    grid's runs shared the CPU."""
    aitlas = aitlas_map()
    out = {"nnae_img_resolution": str(RESOLUTION),
           "nnae_img_other_resolutions": ", ".join(map(str, OTHER_RESOLUTIONS)),
           "nnae_aitlas_vgg": _text(aitlas["VGG16"], ".1f"),
           "nnae_aitlas_effnet": _text(aitlas["EfficientNetB0"], ".1f")}
    means = image_means(frames, "image").set_index("method")
    for method, key in (("nnae-image", "two"), ("image-bce", "bce")):
        ok = method in means.index
        out[f"nnae_img_{key}_map"] = _text(100 * means.loc[method, "mAP"] if ok else None, ".1f")
    recs = image_records(frames, "image")
    two = recs[recs["method"] == "nnae-image"] if len(recs) else recs
    units = ([tuple(i.get("units", ())) for i in two["fit_info"] if isinstance(i, dict)]
             if len(two) else [])
    out["nnae_img_units"] = (" and ".join(f"{a} / {b}" for a, b in dict.fromkeys(units))
                             if units else NOT_RUN)
    explained = image_records(frames, "explanations")
    # the settings are the same for every seed; the prose cites the first seed's
    first = explained.sort_values("seed", kind="stable").iloc[0] if len(explained) else None
    for what in ("images", "samples", "seeds"):
        out[f"nnae_explain_{what}"] = (NOT_RUN if first is None
                                       else str(int(first.get(f"explain/{what}", 0))))
    return out
