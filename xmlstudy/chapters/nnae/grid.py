"""The chapter on the non-negative autoencoder paper (Kang, Cheng, Mao, Kuo and Lee, *Towards
Interpretable Deep Extreme Multi-label Learning*, arXiv 2019), with what its referee asked for.

Everything the chapter ``notebooks/nnae.py`` shows comes from here: the grid behind
``python -m xmlstudy run --paper nnae`` (records in ``results/nnae/<experiment>.jsonl``), the
claims with their judges, and the chapter's tables, figures and glued numbers. The model is
:mod:`xmlstudy.models.nnae`, the measures :mod:`xmlstudy.explain`.
"""
from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from xmlstudy import claims as claims_
from xmlstudy import experiments, explain, image_explanations, methods, published
from xmlstudy.experiments import RunConfig
from xmlstudy.tables import record_field, summary_table

PAPER = "nnae"

# --- the grid ------------------------------------------------------------------------------------
# Recipe matrices like the paper's BBC Food one (two with a known grouping), and Corel5k's image
# annotations; the many-label data sets of the study for the prediction claim.
HIERARCHY_DATASETS = ("bbc_food", "whats_cooking", "recipes5k", "epicurious", "corel5k")
GROUPED = ("whats_cooking", "recipes5k")
MANY_LABEL_DATASETS = ("bibtex", "delicious", "corel5k")
DATASETS = tuple(dict.fromkeys(HIERARCHY_DATASETS + MANY_LABEL_DATASETS))
IMAGE_DATASETS = ("ucmerced-aitlas", "ucmerced-planted")
# (method, units): the autoencoder and every factorization it is measured against.
FACTORIZATIONS = (("nnae", (64, 16)), ("nnae-softplus", (64, 16)), ("nmf", (64, 16)),
                  ("nmf", (64,)), ("nmf", (16,)), ("lda", (64,)), ("lda", (16,)),
                  ("pca", (64,)), ("pca", (16,)), ("random-groups", (64,)), ("random-groups", (16,)))


def factorization_name(method: str, units: tuple) -> str:
    """A factorization as the chapter's tables name it: the method's registry name, with its
    number of groups where the chapter runs it at several sizes ("NMF (64)", "two-level NMF";
    the autoencoder always has the paper's 64 and 16 units)."""
    name = methods.name(method)
    if method.startswith("nnae"):
        return name
    return f"two-level {name}" if len(units) == 2 else f"{name} ({units[0]})"


NAMES = {(m, u): factorization_name(m, u) for m, u in FACTORIZATIONS}
AUTOENCODER = factorization_name("nnae", (64, 16))
SHALLOW = tuple(NAMES[(m, u)] for m, u in FACTORIZATIONS if m in ("nmf", "lda", "pca"))
HELD_OUT = 0.2      # share of the training split held out for the hierarchy measures

# The image track: UC Merced with the AiTLAS split, EfficientNet-Lite0 (xmlstudy.models.image).
IMAGE_DATASET, PLANTED_DATASET = "ucmerced-aitlas", "ucmerced-planted"
IMAGE_METHODS = ("nnae-image", "image-bce")
# The input resolution of the main runs and the explanations (the image methods' setting, with
# their epochs, in xmlstudy.methods.IMAGE_FULL).
RESOLUTION = methods.IMAGE_FULL["resolution"]
OTHER_RESOLUTIONS = (224,)       # seed 0 of both methods, for the resolution trade-off
# The explanation measures: 50 test images drawn once (seed 0), LIME with 500 samples, its
# stability over 3 LIME seeds on the first 10 of them, RISE curves in 20 steps over ~50 SLIC
# superpixels; the planted check on 20 test images with the patch.
EXPLAIN = {"images": 50, "samples": 500, "seeds": 3, "stability_images": 10, "segments": 50,
           "steps": 20, "figures": 4}
PLANTED_EXPLAIN = {"images": 20, "samples": 300, "seeds": 1, "stability_images": 0,
                   "segments": 50, "steps": 10, "figures": 2}
EXPLAIN_SMOKE = {"images": 2, "samples": 30, "seeds": 2, "stability_images": 1, "segments": 20,
                 "steps": 4, "figures": 2}


def aitlas_map() -> dict:
    """The AiTLAS benchmark's mAP (%) on this split per network (biasvariancelabs/aitlas-arena
    README, commit b640d13; transcribed in xmlstudy/published/aitlas.csv)."""
    return published.values("aitlas", metric="mAP", dataset=IMAGE_DATASET, by="printed_method")


def grid(profile: str = "full") -> list:
    """"hierarchy": every factorization of :data:`FACTORIZATIONS` on the recipe matrices and
    Corel5k (seeds 0-2; the measures on 20% of the training recipes held out, the two-step
    prediction on the test split). "many_labels": the autoencoder's two-step classifier (projection) on the
    many-label data sets with the baselines chapter's 10% validation split. The smoke profile
    runs every path once on shrunk Recipes5k and Bibtex."""
    smoke = profile == "smoke"
    seeds = (0,) if smoke else (0, 1, 2)

    def config(experiment, method, dataset, seed, units, valid_fraction):
        params = {**methods.settings(method, dataset, profile), "units": list(units)}
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=dataset,
                         seed=seed, profile=profile, params=params, valid_fraction=valid_fraction)

    configs = [config("hierarchy", m, d, s, u, HELD_OUT)
               for d in (("recipes5k",) if smoke else HIERARCHY_DATASETS)
               for m, u in FACTORIZATIONS for s in seeds]
    configs += [config("many_labels", m, d, s, (64, 16), 0.1)
                for d in (("bibtex",) if smoke else MANY_LABEL_DATASETS)
                for m in ("nnae",) for s in seeds]
    return configs + image_grid(profile)


def image_grid(profile: str = "full") -> list:
    """The image track. "image": both image methods at :data:`RESOLUTION` (seeds 0-2);
    "image_resolution": both at :data:`OTHER_RESOLUTIONS` (seed 0); "explanations": the two-step
    model of seed 0 again with the explanation measures (:data:`EXPLAIN`); "planted": both methods
    on the planted-patch data with the planted check (:data:`PLANTED_EXPLAIN`). The smoke profile
    runs every path at 64 pixels for two epochs with a handful of LIME samples."""
    smoke = profile == "smoke"
    seeds = (0,) if smoke else (0, 1, 2)
    explain_ = EXPLAIN_SMOKE if smoke else EXPLAIN
    planted = EXPLAIN_SMOKE if smoke else PLANTED_EXPLAIN

    def config(experiment, method, dataset, seed, **params):
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=dataset,
                         seed=seed, profile=profile,
                         params={**methods.settings(method, dataset, profile), **params})

    configs = [config("image", m, IMAGE_DATASET, s) for m in IMAGE_METHODS for s in seeds]
    if not smoke:
        configs += [config("image_resolution", m, IMAGE_DATASET, 0, resolution=r)
                    for r in OTHER_RESOLUTIONS for m in IMAGE_METHODS]
    configs += [config("explanations", "nnae-image", IMAGE_DATASET, 0, explain=explain_)]
    configs += [config("planted", m, PLANTED_DATASET, 0, explain=planted) for m in IMAGE_METHODS]
    return configs


# --- the chapter's parameters and records -----------------------------------------------------------
def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked."""
    from xmlstudy.parameters import DEVICE, PROFILE, list_of, one_or_more_of, optional
    from xmlstudy.parameters import validate as check

    return check(namespace, {"profile": PROFILE,
                             "datasets": optional(one_or_more_of(DATASETS + IMAGE_DATASETS)),
                             "seeds": optional(list_of(int)), "device": DEVICE,
                             "run_missing": bool})


IMAGE_EXPERIMENTS = ("image", "image_resolution", "explanations", "planted")


def collect(params) -> tuple[dict, int, int]:
    """``({"nnae/hierarchy": ..., "nnae/many_labels": ..., "nnae/image": ..., ...,
    "baselines/main": ...}, missing, total)``."""
    from xmlstudy import chapters

    names = params.datasets or DATASETS + IMAGE_DATASETS
    wanted = experiments.select(grid(params.profile), names, params.seeds, params.device,
                                keep_seeds=("image_resolution", "explanations", "planted"))
    many = [d for d in names if d in MANY_LABEL_DATASETS]
    wanted += experiments.select(chapters.grid("baselines", params.profile), many, params.seeds,
                                 params.device)
    frames, missing = {}, 0
    for paper, experiment_names in ((PAPER, ("hierarchy", "many_labels") + IMAGE_EXPERIMENTS),
                                    ("baselines", ("main",))):
        found, lacking = experiments.collect([c for c in wanted if c.paper == paper],
                                             params.run_missing)
        missing += lacking
        for name in experiment_names:
            frames[f"{paper}/{name}"] = found.get(name, experiments.records_frame([]))
    return frames, missing, len(wanted)


def named(records: pd.DataFrame) -> pd.DataFrame:
    """The records with a column ``name``: the factorization as the chapter calls it."""
    out = records.copy()
    out["name"] = [NAMES.get((m, tuple((p or {}).get("units", ()))), methods.name(m))
                   for m, p in zip(out["method"], out["params"])] if len(out) else []
    return out


def _values(records: pd.DataFrame, path: str) -> pd.Series:
    return pd.to_numeric(record_field(records, path, root="fit_info"), errors="coerce")


def _level_rows(records: pd.DataFrame) -> pd.DataFrame:
    """One row per (record, level): dataset, name, seed, units, the level's measures."""
    rows = []
    for rec in named(records).to_dict("records"):
        info = rec.get("fit_info") or {}
        for level in ("L1", "L2"):
            if level in info:
                rows.append({"dataset": rec["dataset"], "name": rec["name"], "seed": rec["seed"],
                             "level": level, "units": info[level]["units"],
                             "npmi": info[level].get("npmi"), "nmi": info[level].get("nmi"),
                             "ari": info[level].get("ari"), "probe": info[level].get("probe"),
                             "n_labels": (rec.get("data") or {}).get("labels"),
                             "top": info[level]["top"], "weights": info[level]["weights"]})
    return pd.DataFrame(rows, columns=["dataset", "name", "seed", "level", "units", "npmi", "nmi",
                                       "ari", "probe", "n_labels", "top", "weights"])


def _row_name(name: str, level: str, two_level: bool) -> str:
    return f"{name}, level {level[1]}" if two_level else name


def level_measures(records: pd.DataFrame) -> pd.DataFrame:
    """Per (data set, row name, units): mean NPMI, NMI, ARI and probe accuracy over seeds, and the
    stability of the groups between seeds (mean over seed pairs of the Hungarian-matched cosine
    of the groups' top-10 weights)."""
    rows = _level_rows(records)
    if not len(rows):
        return pd.DataFrame(columns=["dataset", "row", "units", "npmi", "nmi", "ari", "probe",
                                     "stability"])
    two = rows.groupby(["dataset", "name"])["level"].transform("nunique") > 1
    rows["row"] = [_row_name(n, lv, t) for n, lv, t in zip(rows["name"], rows["level"], two)]
    out = []
    for (dataset, row, units), g in rows.groupby(["dataset", "row", "units"], sort=False):
        groups = {r.seed: explain.sparse_groups(r.top, r.weights, int(r.n_labels))
                  for r in g.itertuples()}
        pairs = list(itertools.combinations(sorted(groups), 2))
        out.append({"dataset": dataset, "row": row, "units": units,
                    **{m: pd.to_numeric(g[m], errors="coerce").mean()
                       for m in ("npmi", "nmi", "ari", "probe")},
                    "stability": (np.mean([explain.stability(groups[a], groups[b]) for a, b in pairs])
                                  if pairs else np.nan)})
    return pd.DataFrame(out)


def model_measures(records: pd.DataFrame) -> pd.DataFrame:
    """Per (data set, name): recipe completion, reconstruction P@k and the top-5 spread, means."""
    rec = named(records)
    if not len(rec):
        return pd.DataFrame(columns=["dataset", "name"])
    paths = {"hits@10": "completion/hits@10", "mean rank": "completion/mean_rank",
             "MRR": "completion/mrr", "recon P@1": "reconstruction/P@1",
             "recon P@5": "reconstruction/P@5", "coverage": "spread/coverage",
             "head share": "spread/head_share", "head share (true)": "spread/head_share_true",
             "spearman": "spread/spearman"}
    frame = rec[["dataset", "name"]].copy()
    for column, path in paths.items():
        frame[column] = _values(rec, path).to_numpy()
    for metric in ("P@1", "P@5", "PSP@1", "PSP@5"):
        frame[metric] = pd.to_numeric(rec[metric], errors="coerce").to_numpy() if metric in rec else np.nan
    return frame.groupby(["dataset", "name"], sort=False).mean().reset_index()


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


def faithfulness_table(frames: dict, measure: str, units: int) -> pd.DataFrame:
    """``measure`` ("npmi" or "stability") of the groups of size ``units`` (64: level 1, 16:
    level 2) per factorization and data set."""
    levels = level_measures(frames["nnae/hierarchy"])
    levels = levels[levels["units"] == units] if len(levels) else levels
    return _by_dataset(levels, "row", measure, HIERARCHY_DATASETS, _level_order(units))


def completion_table(frames: dict, column: str = "hits@10") -> pd.DataFrame:
    """Recipe completion (held-out rows, one label hidden) per factorization and data set."""
    return _by_dataset(model_measures(frames["nnae/hierarchy"]), "name", column,
                       HIERARCHY_DATASETS, list(NAMES.values()))


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

    rows = []
    for j in range(min(units, len(info["L2"]["top"]))):
        children = "; ".join(f"{k + 1}: {words(info['L1']['top'][k][:3])}" for k in info["edges"][j])
        rows.append({"unit": j + 1, "top labels": words(info["L2"]["top"][j]),
                     "level-1 units": children})
    return pd.DataFrame(rows)


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


def completion_figure(frames: dict):
    """Recipe completion hits@10 and level-2 NPMI per data set, one bar per factorization, in
    its method's registry colour (lighter for the same method at another size)."""
    hits = completion_table(frames)
    npmi = faithfulness_table(frames, "npmi", 16)
    colours, sizes = {}, {}
    for m, u in FACTORIZATIONS:
        sizes[m] = sizes.get(m, -1) + 1
        colours[NAMES[(m, u)]] = methods.lighter(methods.colour(m), 0.3 * sizes[m])
    for name in list(colours):
        colours[f"{name}, level 2"] = colours[name]
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.6))
    for ax, table, title in ((axes[0], hits, "recipe completion: hits@10"),
                             (axes[1], npmi, "NPMI of the 16 groups' top 10")):
        if len(table):
            table.T.plot.bar(ax=ax, legend=False, width=0.85, rot=20,
                             color=[colours.get(row, "grey") for row in table.index])
        ax.set_title(title, fontsize="medium")
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False, fontsize="small")
    fig.tight_layout(rect=(0, 0.2, 1, 1))
    return fig


# --- the image track ------------------------------------------------------------------------------
def _image_records(frames: dict, experiment: str) -> pd.DataFrame:
    return frames.get(f"nnae/{experiment}", experiments.records_frame([]))


def _num(records: pd.DataFrame, column: str) -> pd.Series:
    return (pd.to_numeric(records[column], errors="coerce") if column in records
            else pd.Series(np.nan, index=records.index, dtype=float))


def image_table(frames: dict) -> pd.DataFrame:
    """Both image methods on the AiTLAS test split (%, mean ± std over seeds): mAP, P@1, P@3 and
    example-F1 with the threshold chosen on validation, at every resolution run."""
    recs = pd.concat([_image_records(frames, "image"), _image_records(frames, "image_resolution")],
                     ignore_index=True)
    if not len(recs):
        return pd.DataFrame()
    recs = recs.copy()
    recs["name"] = [f"{methods.name(m)}, {int((p or {}).get('resolution', 0))} px"
                    for m, p in zip(recs["method"], recs["params"])]
    table = summary_table(recs, ["mAP", "P@1", "P@3", "validation/ex-F1"], rows=("name",))
    return table.rename(columns={"validation/ex-F1": "ex-F1 (validation threshold)"})


def image_means(frames: dict, experiment: str = "image") -> pd.DataFrame:
    """Per (method, resolution): mean test mAP, P@1, validation-threshold ex-F1 (fractions), the
    number of seeds, and the mean fit seconds."""
    recs = _image_records(frames, experiment)
    if not len(recs):
        return pd.DataFrame(columns=["method", "resolution", "mAP", "P@1", "ex-F1", "seeds", "fit_s"])
    frame = pd.DataFrame({"method": recs["method"],
                          "resolution": [int((p or {}).get("resolution", 0)) for p in recs["params"]],
                          "mAP": _num(recs, "mAP"), "P@1": _num(recs, "P@1"),
                          "ex-F1": _num(recs, "validation/ex-F1"), "fit_s": _num(recs, "fit_s"),
                          "seed": recs["seed"]})
    out = frame.groupby(["method", "resolution"], sort=False).agg(
        **{"mAP": ("mAP", "mean"), "P@1": ("P@1", "mean"), "ex-F1": ("ex-F1", "mean"),
           "seeds": ("seed", "nunique"), "fit_s": ("fit_s", "mean")})
    return out.reset_index()


def aitlas_table(frames: dict) -> pd.DataFrame:
    """mAP (%) of the image methods beside the AiTLAS benchmark's fine-tuned networks on the same
    split (AiTLAS: 100 epochs of full fine-tuning at 224 pixels; theirs are published numbers)."""
    rows = [{"model": f"AiTLAS {k} (published)", "mAP": v} for k, v in aitlas_map().items()]
    for r in pd.concat([image_means(frames, "image"), image_means(frames, "image_resolution")]).to_dict("records"):
        rows.append({"model": f"{methods.name(r['method'])}, {int(r['resolution'])} px "
                              f"({int(r['seeds'])} seed{'' if int(r['seeds']) == 1 else 's'})", "mAP": 100 * r["mAP"]})
    return pd.DataFrame(rows).sort_values("mAP", ascending=False).set_index("model").rename_axis(None)


def _explain_means(records: pd.DataFrame) -> dict:
    """``{column suffix: value}`` of the flattened ``explain/mean/...`` columns of one record."""
    row = records.iloc[0]
    return {c[len("explain/mean/"):]: row[c] for c in records.columns
            if str(c).startswith("explain/mean/") and pd.notna(row[c])}


def faithfulness_image_table(frames: dict) -> pd.DataFrame:
    """RISE deletion (lower is better) and insertion (higher is better) areas, relative to the
    output on the whole image, of the three superpixel rankings, and LIME's top-5 stability over
    seeds, for the latent unit and the decoded label of the two-step model (means over the
    explained test images)."""
    recs = _image_records(frames, "explanations")
    if not len(recs):
        return pd.DataFrame()
    means = _explain_means(recs)
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
    patch) and the patch, and the share of images where it reaches 0.5, per method."""
    recs = _image_records(frames, "planted")
    rows = []
    for i in range(len(recs)):
        means = _explain_means(recs.iloc[[i]])
        name = methods.name(recs.iloc[i]["method"])
        for ranking in image_explanations.RANKINGS:
            if f"label/{ranking}/iou" in means:
                rows.append({"model": name, "ranking": ranking, "IoU": means[f"label/{ranking}/iou"],
                             "share passing": means[f"label/{ranking}/passed"],
                             "test mAP": recs.iloc[i].get("mAP", np.nan)})
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).set_index(["model", "ranking"]).rename_axis(index=[None, None])


def _hierarchy_text(info: dict, unit: int | None, names: list[str], labels: int = 4) -> str:
    h = info.get("hierarchy") or {}
    if unit is None or not h:
        return ""
    words = lambda idx: ", ".join(names[i] for i in idx[:labels])   # noqa: E731
    lines = [f"level-2 unit {unit + 1}: {words(h['level2'][unit])}"]
    for k in h["edges"][unit]:
        lines.append(f"  level-1 unit {k + 1}: {words(h['level1'][k])}")
    return "\n".join(lines)


def explanation_figure(frames: dict, experiment: str = "explanations", n: int = 4):
    """The paper's Figures 5 and 6 for UC Merced: test images with the LIME explanation (top 5
    superpixels, from the record's weights over the same SLIC superpixels) of the latent unit
    and of the decoded label, and the hierarchy beside each: the level-2 unit, its three heaviest
    level-1 units, and their top labels."""
    from skimage.segmentation import mark_boundaries

    from xmlstudy import data
    from xmlstudy.data.ucmerced import read_images

    recs = _image_records(frames, experiment)
    recs = recs[recs["method"] == "nnae-image"] if len(recs) else recs
    figs = record_field(recs.iloc[[0]], "explain/figures").iloc[0] if len(recs) else None
    if not isinstance(figs, list) or not figs:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no explanation records", ha="center")
        return fig
    info = recs.iloc[0]["fit_info"]
    splits = data.load(recs.iloc[0]["dataset"], split_seed=experiments.DATA_SEED)
    test = splits.test
    names = test.label_names
    figs = figs[:n]
    fig, axes = plt.subplots(len(figs), 3, figsize=(10, 3.2 * len(figs)), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1, 1.25]})
    for ax_row, f in zip(axes, figs):
        row = test.meta["image_name"].index(f["image_name"]) if f.get("image_name") else f["row"]
        image = read_images(test, f["resolution"], [row])[0]
        segs = image_explanations.superpixels(image, f["n_segments"])
        for ax, (kind, weights) in zip(ax_row[:2], zip(f["outputs"], f["lime"])):
            top = np.isin(segs, image_explanations.ranking(np.array(weights))[:5])
            shown = image.astype(float) / 255
            shown[~top] *= 0.35
            ax.imshow(mark_boundaries(shown, segs, color=(1, 1, 0)))
            what = (f"latent unit {f['unit'] + 1}" if kind == "unit"
                    else f"label '{names[f['label']]}'")
            ax.set_title(f"{f['image_name']}: {what}", fontsize="small")
            ax.axis("off")
        truth = ", ".join(names[j] for j in test.Y[row].indices)
        ax_row[2].axis("off")
        ax_row[2].text(0, 1, _hierarchy_text(info, f.get("unit"), names) + f"\n\ntrue: {truth}",
                       va="top", family="monospace", fontsize="x-small", wrap=True)
    fig.tight_layout()
    return fig


# --- the claims -------------------------------------------------------------------------------------
def _judge_faithful(frames: dict) -> claims_.Verdict:
    levels = level_measures(frames["nnae/hierarchy"])
    models = model_measures(frames["nnae/hierarchy"])
    hits, total, lines = 0, 0, []
    for dataset in dict.fromkeys(levels["dataset"]):
        lv = levels[levels["dataset"] == dataset].set_index("row")
        md = models[models["dataset"] == dataset].set_index("name")
        checks = []
        for units, row in ((64, f"{AUTOENCODER}, level 1"), (16, f"{AUTOENCODER}, level 2")):
            rivals = lv[(lv["units"] == units) & lv.index.str.contains("NMF|LDA|PCA")]
            if row in lv.index and len(rivals):
                checks.append(lv.loc[row, "npmi"] >= rivals["npmi"].max())
        rivals = md[md.index.isin(SHALLOW)]
        if AUTOENCODER in md.index and len(rivals):
            checks.append(md.loc[AUTOENCODER, "hits@10"] >= rivals["hits@10"].max())
            lines.append(f"{dataset} hits@10 {md.loc[AUTOENCODER, 'hits@10']:.3f} vs best shallow "
                         f"{rivals['hits@10'].max():.3f}")
        hits += sum(bool(c) for c in checks)
        total += len(checks)
    return claims_.Verdict(claims_.share_verdict(hits, total),
                           f"the autoencoder at least matches the best shallow factorization in {hits} "
                           f"of {total} checks (NPMI of both levels, recipe completion); "
                           + "; ".join(lines))


def _judge_taxonomy(frames: dict) -> claims_.Verdict:
    levels = level_measures(frames["nnae/hierarchy"])
    levels = levels[levels["dataset"].isin(GROUPED)]
    hits, total, lines = 0, 0, []
    for dataset in dict.fromkeys(levels["dataset"]):
        lv = levels[levels["dataset"] == dataset].set_index("row")
        for units, row in ((64, f"{AUTOENCODER}, level 1"), (16, f"{AUTOENCODER}, level 2")):
            chance = NAMES[("random-groups", (units,))]
            if row in lv.index and chance in lv.index:
                for measure in ("ari", "probe"):
                    total += 1
                    hits += int(lv.loc[row, measure] > lv.loc[chance, measure])
        if f"{AUTOENCODER}, level 2" in lv.index:
            best = lv[lv["units"] == 16]["ari"].idxmax()
            lines.append(f"{dataset} level-2 ARI {lv.loc[f'{AUTOENCODER}, level 2', 'ari']:.3f} "
                         f"(best: {best} {lv.loc[best, 'ari']:.3f})")
    return claims_.Verdict(claims_.share_verdict(hits, total),
                           f"above random groups in {hits} of {total} checks (ARI and probe "
                           "accuracy, both levels); " + "; ".join(lines))


def _judge_many_labels(frames: dict) -> claims_.Verdict:
    ours = named(frames["nnae/many_labels"])
    ours = ours[ours["method"] == "nnae"]
    base = frames["baselines/main"]
    hits, total, lines = 0, 0, []
    for dataset in dict.fromkeys(ours["dataset"]):
        b = base[base["dataset"] == dataset]
        if not len(b):
            continue
        o = ours[ours["dataset"] == dataset]
        for metric in ("P@1", "P@3", "P@5"):
            weakest = pd.to_numeric(b[metric]).groupby(b["method"]).mean().min()
            total += 1
            hits += int(pd.to_numeric(o[metric]).mean() >= weakest)
        best = pd.to_numeric(b["P@1"]).groupby(b["method"]).mean()
        lines.append(f"{dataset} P@1 {100 * pd.to_numeric(o['P@1']).mean():.1f} vs "
                     f"{100 * best.min():.1f}-{100 * best.max():.1f}")
    return claims_.Verdict(claims_.share_verdict(hits, total),
                           f"at least the weakest baseline's P@k in {hits} of {total} checks; "
                           "P@1 (%) of the two-step model vs the baselines' range: " + "; ".join(lines))


def _judge_tail(frames: dict) -> claims_.Verdict:
    m = model_measures(frames["nnae/hierarchy"])
    m = m[m["name"] == AUTOENCODER]
    hits = int(((m["coverage"] < 0.5) & (m["head share"] > m["head share (true)"])).sum())
    detail = "; ".join(f"{r['dataset']} {100 * r['coverage']:.0f}% of labels ever predicted, the "
                       f"10 most frequent take {100 * r['head share']:.0f}% of the top-5 slots "
                       f"({100 * r['head share (true)']:.0f}% of the true labels), test P@5 "
                       f"{100 * r['P@5']:.1f} vs PSP@5 {100 * r['PSP@5']:.1f}"
                       for r in m.to_dict("records"))
    return claims_.Verdict(claims_.share_verdict(hits, len(m)),
                           f"head labels over-predicted and most labels never predicted on {hits} of "
                           f"{len(m)} data sets: {detail}")


def _judge_image_prediction(frames: dict) -> claims_.Verdict:
    means = image_means(frames, "image").set_index("method")
    if "nnae-image" not in means.index:
        return claims_.Verdict("not testable here", "no record of the two-step image model")
    ours = means.loc["nnae-image"]
    vgg = aitlas_map()["VGG16"]
    checks = [100 * ours["mAP"] >= vgg]
    text = (f"two-step model at {int(ours['resolution'])} px: test mAP {100 * ours['mAP']:.1f}% "
            f"({int(ours['seeds'])} seeds) vs AiTLAS VGG16 {vgg:.1f}%")
    if "image-bce" in means.index:
        bce = means.loc["image-bce"]
        checks.append(100 * (bce["mAP"] - ours["mAP"]) <= 1.0)
        text += (f" and the same backbone fine-tuned with BCE {100 * bce['mAP']:.1f}% (within one "
                 f"point counts); P@1 {100 * ours['P@1']:.1f} vs {100 * bce['P@1']:.1f}, "
                 f"example-F1 {100 * ours['ex-F1']:.1f} vs {100 * bce['ex-F1']:.1f}")
    hits = int(sum(bool(c) for c in checks))
    return claims_.Verdict(claims_.share_verdict(hits, len(checks)),
                           f"{hits} of {len(checks)} checks hold: " + text, hits=hits, checks=len(checks))


def _judge_explanations(frames: dict) -> claims_.Verdict:
    recs = frames["nnae/explanations"]
    means = _explain_means(recs)
    hits, total, lines = 0, 0, []
    for kind, what in (("unit", "latent unit"), ("label", "decoded label")):
        if f"{kind}/lime/deletion" not in means:
            continue
        d, dr = means[f"{kind}/lime/deletion"], means[f"{kind}/random/deletion"]
        i, ir = means[f"{kind}/lime/insertion"], means[f"{kind}/random/insertion"]
        hits += int(d < dr) + int(i > ir)
        total += 2
        lines.append(f"{what}: deletion {d:.3f} vs random {dr:.3f}, insertion {i:.3f} vs {ir:.3f}")
    planted = frames["nnae/planted"]
    planted = planted[planted["method"] == "nnae-image"]
    if len(planted):
        pm = _explain_means(planted)
        if "label/lime/passed" in pm:
            total += 1
            hits += int(pm["label/lime/passed"] >= 0.5)
            lines.append(f"planted patch: LIME's top region reaches IoU 0.5 on "
                         f"{100 * pm['label/lime/passed']:.0f}% of the images (mean IoU "
                         f"{pm['label/lime/iou']:.2f}; random {pm['label/random/iou']:.2f})")
    p1 = _num(recs, "P@1").mean()
    return claims_.Verdict(claims_.share_verdict(hits, total),
                           f"LIME beats a random superpixel order, or covers the planted patch on "
                           f"at least half of the images, in {hits} of {total} checks (two-step "
                           f"model, test P@1 {100 * p1:.1f}%, {int(recs.iloc[0].get('explain/images', 0))} "
                           "test images): " + "; ".join(lines), hits=hits, checks=total)


CLAIMS = (
    claims_.Claim("nnae-hierarchy", PAPER, "The autoencoder's weights form a label hierarchy "
                  "faithful to the data, more so than shallow factorizations", "Section 3, Figure 2",
                  ("nnae/hierarchy",), _judge_faithful, section="nnae-hierarchy"),
    claims_.Claim("nnae-taxonomy", PAPER, "Its units capture real groupings of the labels "
                  "(cuisines, food classes)", "Section 4", ("nnae/hierarchy",), _judge_taxonomy,
                  section="nnae-taxonomy"),
    claims_.Claim("nnae-many-labels", PAPER, "The two-step approach copes with many-label "
                  "problems", "Abstract, Section 5", ("nnae/many_labels", "baselines/main"),
                  _judge_many_labels, section="nnae-many-labels"),
    claims_.Claim("nnae-tail", PAPER, "Dominant labels are always predicted, rare ones hardly "
                  "ever", "Section 4", ("nnae/hierarchy",), _judge_tail, section="nnae-tail"),
    claims_.Claim("nnae-explanations", PAPER, "LIME on the latent labels shows which part of an "
                  "image makes which label set", "Figures 5-6",
                  ("nnae/explanations", "nnae/planted"), _judge_explanations,
                  section="nnae-explanations"),
    claims_.Claim("nnae-image-prediction", PAPER, "A CNN fine-tuned to the latent labels "
                  "predicts an image's labels (BBC Food ingredients in the paper; UC Merced "
                  "objects here)", "Figure 4", ("nnae/image",), _judge_image_prediction,
                  section="nnae-images"),
    claims_.Claim("nnae-usefulness", PAPER, "The explanations help people understand the "
                  "model", "Abstract, Section 5", section="nnae-usefulness",
                  reason="only a study with people can test this, and none was run; the "
                  "measurable stand-ins are the faithfulness measures (hierarchy, deletion / "
                  "insertion, planted patch, stability)"),
)


# --- numbers for the prose ------------------------------------------------------------------------
def numbers(frames: dict, params) -> dict:
    """Every number the chapter's prose cites, as text, keyed by its glue name."""
    out = {}
    models = model_measures(frames["nnae/hierarchy"])
    hits = models.set_index(["dataset", "name"])["hits@10"] if len(models) else pd.Series(dtype=float)
    key = ("bbc_food", AUTOENCODER)
    out["nnae_bbc_hits"] = f"{hits[key]:.2f}" if key in hits.index else "not run"
    key = ("bbc_food", NAMES[("nmf", (64, 16))])
    out["nnae_bbc_hits_nmf2"] = f"{hits[key]:.2f}" if key in hits.index else "not run"
    key = ("bbc_food", NAMES[("random-groups", (16,))])
    out["nnae_bbc_hits_random"] = f"{hits[key]:.2f}" if key in hits.index else "not run"
    h = frames["nnae/hierarchy"]
    loss = _values(h[h["method"] == "nnae"], "final_loss") if len(h) else pd.Series(dtype=float)
    out["nnae_loss"] = f"{loss.mean():.3f}" if len(loss.dropna()) else "not run"
    loss = _values(h[h["method"] == "nnae-softplus"], "final_loss") if len(h) else pd.Series(dtype=float)
    out["nnae_loss_softplus"] = f"{loss.mean():.3f}" if len(loss.dropna()) else "not run"
    fit = pd.to_numeric(h[h["method"] == "nnae"]["fit_s"], errors="coerce") if len(h) else pd.Series(dtype=float)
    out["nnae_fit_s"] = f"{fit.max():.0f}" if len(fit.dropna()) else "not run"
    out.update(image_numbers(frames))
    cov = models[models["name"] == AUTOENCODER]["coverage"] if len(models) else pd.Series(dtype=float)
    out["nnae_coverage"] = (f"{100 * cov.min():.0f}-{100 * cov.max():.0f}%" if len(cov.dropna())
                            else "not run")
    return out



def image_numbers(frames: dict) -> dict:
    """The image track's numbers for the prose (text; "not run" without records)."""
    out = {"nnae_img_resolution": str(RESOLUTION),
           "nnae_img_other_resolutions": ", ".join(map(str, OTHER_RESOLUTIONS)),
           "nnae_aitlas_vgg": f"{aitlas_map()['VGG16']:.1f}",
           "nnae_aitlas_effnet": f"{aitlas_map()['EfficientNetB0']:.1f}"}
    means = image_means(frames, "image").set_index("method")
    for method, key in (("nnae-image", "two"), ("image-bce", "bce")):
        ok = method in means.index
        out[f"nnae_img_{key}_map"] = f"{100 * means.loc[method, 'mAP']:.1f}" if ok else "not run"
        out[f"nnae_img_{key}_fit_s"] = f"{means.loc[method, 'fit_s']:.0f}" if ok else "not run"
    recs = _image_records(frames, "image")
    two = recs[recs["method"] == "nnae-image"] if len(recs) else recs
    units = [tuple(i.get("units", ())) for i in two["fit_info"] if isinstance(i, dict)] if len(two) else []
    out["nnae_img_units"] = (" and ".join(f"{a} / {b}" for a, b in dict.fromkeys(units))
                             if units else "not run")
    ex = _image_records(frames, "explanations")
    if len(ex):
        info = ex.iloc[0]["fit_info"] or {}
        out["nnae_lime_s"] = (f"{info['lime_per_image_s']:.1f}" if info.get("lime_per_image_s")
                              is not None else "not run")
        row = ex.iloc[0]
        out["nnae_explain_images"] = str(int(row.get("explain/images", 0)))
        out["nnae_explain_samples"] = str(int(row.get("explain/samples", 0)))
        out["nnae_explain_seeds"] = str(int(row.get("explain/seeds", 0)))
    else:
        for k in ("nnae_lime_s", "nnae_explain_images", "nnae_explain_samples", "nnae_explain_seeds"):
            out[k] = "not run"
    return out
