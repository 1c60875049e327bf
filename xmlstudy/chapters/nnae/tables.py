"""The tables of the non-negative autoencoder chapter: the hierarchy written down, its
faithfulness to held-out data beside shallow factorizations, agreement with known groupings,
the two-step classifier beside the baselines, where the top-5 predictions go, and the image
track (the two image models, the AiTLAS benchmark, the explanations' faithfulness and the
planted-patch check)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import experiments, image_explanations, methods
from xmlstudy.chapters.nnae.experiment_grid import (AUTOENCODER, FACTORIZATIONS, GROUPED, HELD_OUT,
                                         HIERARCHY_DATASETS, MANY_LABEL_DATASETS, NAMES)
from xmlstudy.chapters.nnae.measures import (aitlas_map, explanation_means, image_means,
                                             image_records, level_measures, model_measures, named,
                                             numeric_column)
from xmlstudy.tables import annotate, summary_table


def _by_dataset(frame: pd.DataFrame, index: str, column: str, datasets, order=None) -> pd.DataFrame:
    if not len(frame):
        return pd.DataFrame()
    table = frame.pivot_table(index=index, columns="dataset", values=column, sort=False, dropna=False)
    table = table.reindex(columns=[d for d in datasets if d in table.columns])
    if order is not None:
        table = table.reindex([r for r in order if r in table.index])
    return table.rename_axis(index=None, columns=None)


def _level_order(units: int) -> list:
    two = [NAMES[(m, u)] for m, u in FACTORIZATIONS if len(u) == 2]
    single = [NAMES[(m, u)] for m, u in FACTORIZATIONS if u == (units,)]
    return [f"{n}, level {1 if units == 64 else 2}" for n in two] + single


def hierarchy_table(frames: dict, seed: int = 0, units: int = 4, labels: int = 5) -> pd.DataFrame:
    """The autoencoder's hierarchy written down (the first ``units`` level-2 units of one run, on
    BBC Food, else the first data set with records): each level-2 unit's top labels, and its
    three heaviest level-1 units with theirs."""
    from xmlstudy import data

    h = frames["nnae/hierarchy"]
    h = h[(h["method"] == "nnae") & (h["seed"] == seed)] if len(h) else h
    present = [d for d in HIERARCHY_DATASETS if d in set(h["dataset"])]
    dataset = present[0] if present else None
    h = h[h["dataset"] == dataset]
    if not len(h):
        return pd.DataFrame(columns=["unit", "top labels", "level-1 units"])
    info = h.iloc[0]["fit_info"]
    names = data.load(dataset, valid_fraction=HELD_OUT, split_seed=experiments.DATA_SEED).train.label_names

    def words(top):
        return ", ".join(names[i] for i in top[:labels])

    # A unit whose weights are all zero (the non-negative projection can kill one) has no top
    # labels and no level-1 children: it is named in a note, not shown as an empty row.
    live = [j for j, top in enumerate(info["L2"]["top"]) if len(top)]
    dead = [j + 1 for j, top in enumerate(info["L2"]["top"]) if not len(top)]
    rows = []
    for j in live[:units]:
        children = "; ".join(f"{k + 1}: {words(info['L1']['top'][k][:3])}" for k in info["edges"][j])
        rows.append({"unit": j + 1, "top labels": words(info["L2"]["top"][j]),
                     "level-1 units": children})
    notes = [f"Level-2 unit{'s' if len(dead) > 1 else ''} {', '.join(map(str, dead))} of "
             f"{len(info['L2']['top'])} carr{'y' if len(dead) > 1 else 'ies'} no label (all weights "
             f"zero) and {'are' if len(dead) > 1 else 'is'} left out."] if dead else []
    return annotate(pd.DataFrame(rows), notes=notes)


def completion_table(frames: dict, column: str = "hits@10") -> pd.DataFrame:
    """Recipe completion (held-out rows, one label hidden) per factorization and data set."""
    return _by_dataset(model_measures(frames["nnae/hierarchy"]), "name", column,
                       HIERARCHY_DATASETS, list(NAMES.values()))


def faithfulness_table(frames: dict, measure: str, units: int) -> pd.DataFrame:
    """``measure`` ("npmi" or "stability") of the groups of size ``units`` (64: level 1, 16:
    level 2) per factorization and data set."""
    levels = level_measures(frames["nnae/hierarchy"])
    levels = levels[levels["units"] == units] if len(levels) else levels
    table = _by_dataset(levels, "row", measure, HIERARCHY_DATASETS, _level_order(units))
    # A factorization with no value on any data set (stability needs two seeds; one seed, as in
    # the smoke profile, has none) is left out rather than shown as a blank row.
    return table.dropna(how="all") if len(table) else table


def taxonomy_table(frames: dict) -> pd.DataFrame:
    """NMI, ARI and linear-probe accuracy against the known grouping, per factorization level."""
    levels = level_measures(frames["nnae/hierarchy"])
    levels = levels[levels["dataset"].isin(GROUPED)] if len(levels) else levels
    if not len(levels):
        return pd.DataFrame()
    short = {"whats_cooking": "cuisine", "recipes5k": "food class"}
    table = levels.pivot_table(index="row", columns="dataset", values=["nmi", "ari", "probe"],
                               sort=False)
    table.columns = [f"{short[d]} {m.upper() if m != 'probe' else 'probe'}" for m, d in table.columns]
    table = table.reindex(columns=sorted(table.columns, key=lambda c: (c.split()[0] != "cuisine", c)))
    order = _level_order(64) + _level_order(16)
    return table.reindex([r for r in order if r in table.index]).rename_axis(index=None)


def prediction_table(frames: dict) -> pd.DataFrame:
    """The two-step classifier beside the study's baselines on the many-label data sets (%)."""
    records = pd.concat([named(frames["nnae/many_labels"]), named(frames["baselines/main"])],
                        ignore_index=True)
    if not len(records):
        return pd.DataFrame()
    records = records[records["dataset"].isin(MANY_LABEL_DATASETS)]
    return summary_table(records, ["P@1", "P@3", "P@5", "PSP@1", "PSP@5"], rows=("dataset", "name"))


def tail_table(frames: dict) -> pd.DataFrame:
    """Where the top-5 predictions of the held-out rows go: the share of labels ever predicted,
    the share of slots taken by the 10 most frequent training labels (and their share of the true
    labels), and P@5 beside PSP@5 on test."""
    m = model_measures(frames["nnae/hierarchy"])
    if not len(m):
        return pd.DataFrame()
    m = m[m["name"].isin([AUTOENCODER, NAMES[("nmf", (64, 16))], NAMES[("nmf", (16,))],
                          NAMES[("lda", (16,))], NAMES[("pca", (16,))]])]
    table = m.set_index(["dataset", "name"])[["coverage", "head share", "head share (true)",
                                              "P@5", "PSP@5"]]
    return table.rename_axis(index=[None, None])


# --- the image track ------------------------------------------------------------------------------
def image_table(frames: dict) -> pd.DataFrame:
    """Both image methods on the AiTLAS test split (%, mean ± std over seeds): mAP, P@1, P@3 and
    example-F1 with the threshold chosen on validation, at every resolution run."""
    recs = pd.concat([image_records(frames, "image"), image_records(frames, "image_resolution")],
                     ignore_index=True)
    if not len(recs):
        return pd.DataFrame()
    recs = recs.copy()
    recs["name"] = [f"{methods.name(m)}, {int((p or {}).get('resolution', 0))} px"
                    for m, p in zip(recs["method"], recs["params"])]
    table = summary_table(recs, ["mAP", "P@1", "P@3", "validation/ex-F1"], rows=("name",))
    return table.rename(columns={"validation/ex-F1": "ex-F1 (validation threshold)"})


def aitlas_table(frames: dict) -> pd.DataFrame:
    """mAP (%) of the image methods beside the AiTLAS benchmark's fine-tuned networks on the same
    split (AiTLAS: 100 epochs of full fine-tuning at 224 pixels; theirs are published numbers)."""
    rows = [{"model": f"AiTLAS {k} (published)", "mAP": v} for k, v in aitlas_map().items()]
    ours = pd.concat([image_means(frames, "image"), image_means(frames, "image_resolution")])
    for r in ours.to_dict("records"):
        seeds = int(r["seeds"])
        rows.append({"model": f"{methods.name(r['method'])}, {int(r['resolution'])} px "
                              f"({seeds} seed{'' if seeds == 1 else 's'})", "mAP": 100 * r["mAP"]})
    return pd.DataFrame(rows).sort_values("mAP", ascending=False).set_index("model").rename_axis(None)


def faithfulness_image_table(frames: dict) -> pd.DataFrame:
    """RISE deletion (lower is better) and insertion (higher is better) areas, relative to the
    output on the whole image, of the three superpixel rankings, and LIME's top-5 stability over
    seeds, for the latent unit and the decoded label of the two-step model (means over the
    explained test images, then over the model's seeds)."""
    recs = image_records(frames, "explanations")
    if not len(recs):
        return pd.DataFrame()
    means = explanation_means(recs)
    rows = []
    for kind, what in (("unit", "latent unit"), ("label", "decoded label")):
        for ranking in image_explanations.RANKINGS:
            if f"{kind}/{ranking}/deletion" in means:
                rows.append({"explained": what, "ranking": ranking,
                             "deletion AUC": means[f"{kind}/{ranking}/deletion"],
                             "insertion AUC": means[f"{kind}/{ranking}/insertion"],
                             "top-5 Jaccard over seeds": means.get(f"{kind}/{ranking}/top5_jaccard",
                                                                   np.nan)})
    return pd.DataFrame(rows).set_index(["explained", "ranking"]).rename_axis(index=[None, None])


def planted_table(frames: dict) -> pd.DataFrame:
    """The planted-patch check: mean IoU between each ranking's top region (as large as the
    patch) and the patch, and the share of images where it reaches 0.5, per method (means over
    its seeds)."""
    recs = image_records(frames, "planted")
    rows = []
    for method, runs in (recs.groupby("method", sort=False) if len(recs) else ()):
        means = explanation_means(runs)
        name = methods.name(method)
        for ranking in image_explanations.RANKINGS:
            if f"label/{ranking}/iou" in means:
                rows.append({"model": name, "ranking": ranking, "IoU": means[f"label/{ranking}/iou"],
                             "share passing": means[f"label/{ranking}/passed"],
                             "test mAP": numeric_column(runs, "mAP").mean()})
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).set_index(["model", "ranking"]).rename_axis(index=[None, None])
