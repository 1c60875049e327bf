# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # C-GMVAE: a Gaussian-mixture VAE with contrastive learning
#
# Bai, Kong and Gomes (ICML 2022; seed 004) learn one embedding per label and map each one to a
# Gaussian in a 64-dimensional latent space; the labels of a sample select their Gaussians, whose
# uniform mixture is that sample's prior (eq. 1). A feature encoder gives the posterior
# q(z|x), aligned with the prior by a one-sample KL estimate (eq. 3); a decoder turns a latent
# sample into a feature embedding, and a contrastive loss (eq. 5) pulls it towards the embeddings
# of the sample's labels and away from the others. Prediction is the sigmoid of the inner
# product between the feature embedding and each label embedding. The paper claims:
#
# 1. **State of the art on nine data sets** (Tables 1-3): example-F1, micro-F1, macro-F1,
#    Hamming accuracy and P@1 above MPVAE, LaMP, C2AE, SLEEC, HARAM, ML-kNN and binary relevance;
#    e.g. example-F1 {glue:text}`paper_exf1_yeast` on yeast and {glue:text}`paper_exf1_reuters`
#    on reuters, macro-F1 {glue:text}`paper_maf1_scene` on scene.
# 2. **Both parts matter** (Table 4): the Gaussian mixture beats a single Gaussian, and the
#    contrastive term adds to it.
# 3. **Data efficiency** (Table 5, Fig. 2): with half the training data C-GMVAE matches MPVAE
#    trained on all of it, and its lead over C2AE grows when data are scarce.
# 4. **Interpretable label embeddings** (Fig. 3): inner products of label embeddings form blocks
#    of related labels.
#
# This chapter reimplements the method (`xmlstudy.models.cgmvae`), C2AE (`xmlstudy.models.c2ae`)
# and ML-kNN (`xmlstudy.models.mlknn`), and tests the claims on the five of the paper's data sets
# that are public in the study's data mirror.

# %% tags=["parameters"]
profile = "full"    # "smoke": every code path on a few hundred rows; "full": the recorded runs
datasets = ["yeast", "scene", "sider", "reuters", "delicious"]
seeds = [0, 1, 2]   # the grid's seeds (smoke uses seed 0 only)
device = "auto"     # "auto" uses a GPU when one is visible
protocol = "best-on-test"   # threshold protocol of the paper's tables; also "validation", "fixed-0.5"
tolerance = 0.015   # |ours - paper| within which a number counts as reproduced (fractions)
heatmap_datasets = ["scene", "reuters", "corel5k"]   # label embeddings shown as Fig. 3 (readable label names)
max_heatmap_labels = 20   # with more labels than this, the most frequent ones are shown
run_missing = True  # False: show only the records that exist (e.g. while the grid still runs)
xc_train = None     # path of a user-supplied data set in Extreme Classification Repository format
xc_test = None      # and its test file (e.g. mirflickr, nus-wide, eBird or bookmarks converted)

# %%
from xmlstudy import grids
from xmlstudy.parameters import (DEVICE, PROFILE, existing_file, in_range, list_of, one_of,
                                 one_or_more_of, optional, validate)

params = validate(globals(), {
    "profile": PROFILE,
    "datasets": one_or_more_of(grids.CGMVAE_DATASETS),
    "seeds": list_of(int),
    "device": DEVICE,
    "protocol": one_of(("best-on-test", "validation", "fixed-0.5")),
    "tolerance": in_range(0.0, 1.0),
    "heatmap_datasets": one_or_more_of(("yeast", "scene", "sider", "reuters", "corel5k")),
    "max_heatmap_labels": in_range(2, 200, int),
    "run_missing": bool,
    "xc_train": optional(existing_file),
    "xc_test": optional(existing_file),
})

# %%
import dataclasses

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from myst_nb import glue

from xmlstudy import data, experiments, figures, published, tables

pd.set_option("display.max_columns", 40)
pd.set_option("display.width", 200)
paper_values = published.CGMVAE_MAIN["values"]
for d in ("yeast", "reuters"):
    glue(f"paper_exf1_{d}", f"{paper_values[(d, 'C-GMVAE', 'ex-F1')]:.3f}", display=False)
glue("paper_maf1_scene", f"{paper_values[('scene', 'C-GMVAE', 'ma-F1')]:.3f}", display=False)
if params.profile == "smoke":
    display(Markdown("**Smoke profile:** every model below ran for two epochs on a few hundred "
                     "rows to exercise the code; the numbers say nothing about the methods. The "
                     "book is built with `profile = \"full\"`."))

# %% [markdown]
# ## Data, and how it differs from the paper's
#
# The paper uses nine data sets. **eBird, mirflickr, nus-wide (nus-vec) and bookmarks are not in
# the data mirror** (no reachable public source), so Table 4 (ablation, on eBird, mirflickr and
# nus-vec only) and Table 5 (also on those three) cannot be rerun on their own data; the
# ablation and fewer-data experiments below use yeast, scene and sider instead. The five data
# sets this study has differ from the paper's as follows:
#
# * **Splits.** The paper splits every data set randomly 80/10/10 (train/validation/test). Here
#   yeast, scene and delicious keep Mulan's official train/test split, reuters the ModApte split,
#   and sider (no official split) a seeded random 80/20 split; validation is 10% of train in all
#   cases (seed 0), never test.
# * **sider features.** MPVAE and C-GMVAE used a 38-dimensional feature vector of undocumented
#   origin; here each drug is a 1,024-bit Morgan fingerprint of its SMILES (RDKit, radius 2).
# * **reuters features.** The paper does not say how its reuters vectors were made; here they
#   are a tf-idf over 4,453 terms fit on the training documents only.

# %%
if params.profile == "full":
    splits = {d: data.load(d) for d in params.datasets}
    sizes = pd.DataFrame([{"dataset": d, "train": len(s.train), "valid": len(s.valid),
                           "test": len(s.test), "features": s.test.n_features,
                           "labels": s.test.n_labels,
                           "labels per sample (train)": round(s.train.label_cardinality, 2),
                           "train rows without labels": int((np.diff(s.train.Y.indptr) == 0).sum()),
                           "train (paper: 80% of Table 6)": round(0.8 * published.STATISTICS_SEED_004["rows"][d]["samples"])}
                          for d, s in splits.items()]).set_index("dataset")
    display(sizes)
    share = sizes["train"] / sizes["train (paper: 80% of Table 6)"]
    glue("train_share_min", f"{100 * share.min():.0f}%", display=False)
    glue("train_share_min_dataset", share.idxmin(), display=False)
else:
    glue("train_share_min", "n/a (smoke)", display=False)
    glue("train_share_min_dataset", "n/a", display=False)

# %% [markdown]
# Keeping the official test splits leaves less training data than the paper's 80%: as little as
# {glue:text}`train_share_min` of the paper's training rows ({glue:text}`train_share_min_dataset`).
# The fewer-data experiment below shows how much that alone can cost.

# %% [markdown]
# ## Settings: the paper's, and what was cut to fit the budget
#
# Architecture as in appendix B.1: feature encoder [256, 512, 256] with ReLU and dropout,
# latent size 64, label encoder [512, 256], decoder [512, 512] (one more 512 layer on reuters),
# batch 128, Adam, with the per-data-set learning rate, α, β, embedding size E and dropout of
# Table 7. The loss is eq. 7, L = L_KL + L_recon + α L_CL + β L_CE, with the temperature τ = 1
# (the official code's default; the paper gives none). Rows without any label (delicious has
# some) take the standard normal as prior and add nothing to the contrastive sum.
#
# Three departures, each for a stated reason:
#
# * **The decoder reads concat(x, z)**, as the official code's does, not z alone as the paper's
#   Fig. 1 says. With z alone the posterior collapsed onto the prior in every trial (predictions
#   become the label frequencies); the ablation table below keeps one such run per data set as
#   evidence.
# * **Compute.** The paper trains 100 epochs on a V100 GPU. Here everything ran on a shared
#   2-core CPU, so the epoch budget is cut and early stopping (patience) on validation macro-F1
#   ends runs that stop improving; E is capped at 512 on reuters and delicious (Table 7 uses
#   2048 there), which cuts their cost about four-fold. On delicious, C-GMVAE first spends
#   hundreds of steps fitting the 983 label frequencies (its logits are bounded by the label
#   embeddings' norms, the feature embedding being unit-norm) before it ranks anything per
#   sample, and early stopping ended the first runs on that plateau; there it trains all its
#   epochs (the best validation epoch is still the one kept).
# * **Model selection** is the official code's: the epoch with the best validation macro-F1
#   over thresholds 0.1…0.9. The paper's full hyper-parameter grid search was not rerun; its
#   Table 7 choices are taken as given, and a one-at-a-time search around them on validation
#   (below) checks that nothing nearby does better.

# %%
settings = pd.DataFrame([{"dataset": d, **{k: v for k, v in grids.CGMVAE_TABLE7[d].items()},
                          "E (paper)": published.CGMVAE_HYPERPARAMETERS["rows"][d][3],
                          "epochs (paper: 100)": grids.cgmvae_params("cgmvae", d)["epochs"],
                          "early-stopping patience": grids.cgmvae_params("cgmvae", d)["patience"]}
                         for d in params.datasets]).set_index("dataset")
settings

# %% [markdown]
# The official code differs from the paper text in more than the decoder: KL weight 6, a
# cross-entropy weight of 0.5 on every branch, an extra "label branch" (the decoded mean of the
# positive labels' Gaussians, with its own cross-entropy and contrastive anchor), a one-layer
# decoder with a LeakyReLU output, Adam weight decay 1e-5 and cosine warm restarts. These are
# collected in the method `cgmvae-official`, run in the ablation experiment beside the paper's
# reading.

# %% [markdown]
# ## Runs
#
# Every number below is read from the result records of `python -m xmlstudy run --paper cgmvae`
# (`results/cgmvae/*.jsonl`); a configuration without a record is run here.

# %%
def keep(config):
    wanted = params.heatmap_datasets if config.experiment == "embeddings" else params.datasets
    return config.dataset in wanted and (params.profile == "smoke" or config.seed in params.seeds)


configs = [dataclasses.replace(c, device=params.device) if params.device != "auto" else c
           for c in grids.GRIDS["cgmvae"](params.profile) if keep(c)]
raw = {"main": [], "ablation": [], "fewer_data": [], "paper_budget": [], "embeddings": [], "search": []}
missing = 0
for c in configs:
    record = experiments.load_or_run(c) if params.run_missing else experiments.find_record(c)
    if record is None:
        missing += 1
    else:
        raw[c.experiment].append(record)
if missing:
    display(Markdown(f"**{missing} of {len(configs)} configurations have no record yet and are "
                     "left out** (`run_missing = False`)."))
frames = {name: pd.DataFrame(recs) for name, recs in raw.items()}


def as_table(records):
    """The flat frame load_records gives, for records already in memory."""
    rows = []
    for rec in records:
        row = {k: rec.get(k) for k in ("paper", "experiment", "method", "dataset", "seed",
                                       "profile", "setting", "params", "config_hash")}
        experiments._flatten("setting/", rec.get("setting") or {}, row)
        experiments._flatten("", rec.get("metrics") or {}, row)
        experiments._flatten("", rec.get("timings") or {}, row)
        rows.append(row)
    return pd.DataFrame(rows)


main = as_table(raw["main"])
ablation = as_table(raw["ablation"])
fewer = as_table(raw["fewer_data"])
paper_budget = as_table(raw["paper_budget"])
glue("n_records", len(configs), display=False)

# %% [markdown]
# How long C-GMVAE trained, and whether the epoch budget was binding (a best epoch at or near the
# last epoch means the run was still improving when it was stopped):

# %%
budget = pd.DataFrame([{"dataset": r["dataset"], "seed": r["seed"],
                        "epochs run": r["fit_info"].get("epochs"),
                        "best epoch": r["fit_info"].get("best_epoch"),
                        "epoch limit": (r["params"] or {}).get("epochs"),
                        "fit minutes": round(r["timings"]["fit_s"] / 60, 1)}
                       for r in raw["main"] if r["method"] == "cgmvae"])
if len(budget):
    budget = budget.groupby("dataset", sort=False).agg(
        {"epochs run": "mean", "best epoch": "mean", "epoch limit": "first", "fit minutes": "mean"}).round(1)
budget

# %% [markdown]
# ## Tables 1-3: the main comparison
#
# Each cell is ours (mean ± std over seeds) beside the paper's number. Baselines: C2AE, the
# uni-Gaussian ablation as the MPVAE-style model (a single Gaussian latent space from the label
# vector, without MPVAE's multivariate-probit module, so it is compared with the MPVAE row as an
# approximation), binary relevance (`ovr-linear`: one logistic regression per label) and ML-kNN
# (k = 10). Set metrics need a threshold; the paper's numbers come from the official code, which
# picks, per metric, the best of 0.1…0.9 **on the test set**. That protocol is shown first,
# labelled; the honest ones follow: a threshold chosen on validation, and a fixed 0.5.

# %%
display(Markdown(f"**Threshold protocol: {params.protocol}**"
                 + (" (tuned on test, as the paper's tables)" if params.protocol == "best-on-test" else "")))
tables.cgmvae_main_table(main, params.protocol)

# %%
for other in [p for p in tables.CGMVAE_PROTOCOLS if p != params.protocol]:
    display(Markdown(f"**Threshold protocol: {other}**"))
    display(tables.cgmvae_main_table(main, other))

# %% [markdown]
# ### How much tuning the threshold on test adds
#
# Mean over seeds of C-GMVAE's best-on-test score minus the same model's score under the
# validation-chosen threshold, and minus the fixed 0.5 (fractions). P@1 needs no threshold.

# %%
gap = tables.cgmvae_protocol_gap(main)
set_cols = [c for c in gap.columns if ":" in c]
glue("max_gap_valid", f"{gap[[c for c in set_cols if 'valid' in c]].to_numpy().max():.3f}", display=False)
glue("max_gap_fixed", f"{gap[[c for c in set_cols if '0.5' in c]].to_numpy().max():.3f}", display=False)
gap

# %% [markdown]
# Tuning on test inflates a set metric by up to {glue:text}`max_gap_valid` over a threshold
# chosen on validation, and by up to {glue:text}`max_gap_fixed` over the fixed 0.5, on these
# data. The paper's comparisons mix such numbers with ones quoted from other papers.

# %% [markdown]
# ## Table 4: ablation
#
# On yeast, scene and sider (the paper's ablation data are not available): the uni-Gaussian
# latent space, the Gaussian mixture without the contrastive term, the contrastive term with a
# single Gaussian, and both, each over the same seeds; plus the paper's literal decoder (z only,
# one seed) and the official code's settings.

# %%
both = pd.concat([main, ablation], ignore_index=True)
ablation_table = tables.cgmvae_ablation_table(both, params.protocol)
ablation_table

# %%
# The four rows of the paper's Table 4, as (experiment, method), on the full training data.
table4 = {"uni-Gaussian": ("main", "cgmvae-uni-gaussian"), "GM only": ("ablation", "cgmvae-gm-only"),
          "contrastive only": ("ablation", "cgmvae-contrastive-only"), "GM+contrastive": ("main", "cgmvae")}
maf1 = tables.cgmvae_metric_path("ma-F1", params.protocol)
t4 = []
for variant, (experiment, method) in table4.items():
    group = both[(both["experiment"] == experiment) & (both["method"] == method)
                 & both["dataset"].isin(grids.CGMVAE_SMALL)]
    if len(group):
        t4.append(tables.summarize(group, [maf1], by=("dataset",)).assign(variant=variant))
if t4:
    t4 = pd.concat(t4, ignore_index=True)
    per_dataset = t4.groupby("dataset", sort=False).agg(
        spread=("mean", lambda v: v.max() - v.min()), seed_std=("std", "mean"))
    best_variant = t4.loc[t4.groupby("dataset", sort=False)["mean"].idxmax()].set_index("dataset")["variant"]
    glue("ablation_spread", "; ".join(f"{d} {r.spread:.3f} (mean seed std {r.seed_std:.3f})"
                                      for d, r in per_dataset.iterrows()), display=False)
    glue("ablation_best", "; ".join(f"{d}: {v}" for d, v in best_variant.items()), display=False)
else:
    glue("ablation_spread", "not run", display=False)
    glue("ablation_best", "not run", display=False)

# %% [markdown]
# Macro-F1 of the best and the worst of the four variants differ by {glue:text}`ablation_spread`
# on our data, and the best variant is {glue:text}`ablation_best`. The paper's Table 4 (below)
# finds GM + contrastive best on every data set; here the differences are of the size of the
# spread between seeds, so these data cannot tell the variants apart.

# %%
published_ablation = pd.DataFrame(
    [{"dataset": d, "variant": v, metric: x} for (d, v, metric), x in published.CGMVAE_ABLATION["values"].items()]
).groupby(["dataset", "variant"], sort=False).first()
display(Markdown("The paper's Table 4, on its data (not available here), for the ordering:"))
published_ablation

# %% [markdown]
# ## Table 5 and Fig. 2: fewer training data
#
# The same seeded 10% and 50% subsets of the training rows for every method (the 10% subset lies
# inside the 50% one), C-GMVAE against C2AE; 100% is the main runs. The paper's Fig. 2 plots the
# relative macro-F1 improvement over C2AE.

# %%
fewer_stats = tables.cgmvae_fewer_data(pd.concat([main, fewer], ignore_index=True), params.protocol)
pivot = fewer_stats.pivot_table(index=["dataset", "metric", "fraction"], columns="method",
                                values="mean", sort=False)
pivot["C-GMVAE vs C2AE %"] = fewer_stats[fewer_stats["method"] == "cgmvae"].set_index(
    ["dataset", "metric", "fraction"])["vs C2AE %"]
pivot.round(3)

# %%
import matplotlib.pyplot as plt

fig = figures.cgmvae_fewer_data(fewer_stats, "ma-F1")
display(fig)
plt.close(fig)

# %%
gains = fewer_stats[(fewer_stats["method"] == "cgmvae") & (fewer_stats["metric"] == "ma-F1")]
gains = gains[gains["dataset"].isin(gains.loc[gains["fraction"] < 1, "dataset"])]  # the fewer-data datasets
glue("fewer_gains", "; ".join(
    f"{d} " + " / ".join(f"{g:+.1f}%" for g in grp.sort_values("fraction")["vs C2AE %"])
    for d, grp in gains.groupby("dataset", sort=False)) if len(gains) else "not run", display=False)

# %% [markdown]
# C-GMVAE's macro-F1 relative to C2AE at 10% / 50% / 100% of the training rows:
# {glue:text}`fewer_gains`. The paper's Fig. 2 (mirflickr, nus-wide; not available here) shows
# C-GMVAE's lead growing as the data shrink. In the records of this study that holds on scene,
# where the lead at 10% is large; on yeast and sider the two models stay within a few per cent of
# each other at every size.
#
# The paper's Table 5 claims more: C-GMVAE on 50% of the data roughly matches MPVAE on all of it.
# Here, C-GMVAE on 50% beside the MPVAE-style uni-Gaussian model on 100%:

# %%
half = fewer[fewer["setting/train_fraction"] == 0.5] if "setting/train_fraction" in fewer.columns else fewer.iloc[:0]
half = half[half["method"] == "cgmvae"].assign(method="C-GMVAE, 50% of the data")
uni_full = main[main["method"] == "cgmvae-uni-gaussian"].assign(method="uni-Gaussian (MPVAE-style), 100%")
uni_full = uni_full[uni_full["dataset"].isin(half["dataset"].unique())]
if len(half):
    display(tables.summary_table(pd.concat([half, uni_full], ignore_index=True),
                                 [tables.cgmvae_metric_path(m, params.protocol) for m in ("HA", "ex-F1", "mi-F1", "ma-F1")],
                                 scale=1.0, digits=3))
    half_means = tables.summarize(pd.concat([half, uni_full], ignore_index=True), [maf1]).pivot(
        index="dataset", columns="method", values="mean")
    difference = (half_means.get("C-GMVAE, 50% of the data")
                  - half_means.get("uni-Gaussian (MPVAE-style), 100%")).dropna()
    glue("half_vs_uni", "; ".join(f"{d} {v:+.3f}" for d, v in difference.items()) or "not run", display=False)
else:
    glue("half_vs_uni", "not run", display=False)

# %% [markdown]
# Macro-F1 of C-GMVAE on half the data minus the uni-Gaussian model's on all of it:
# {glue:text}`half_vs_uni` (negative: C-GMVAE on half the data falls short of the single-Gaussian
# model on all of it, which is what the paper's Table 5 says does not happen).

# %% [markdown]
# ## Fig. 3: what the label embeddings learned
#
# The paper shows, for ten eBird species, that inner products of label embeddings form blocks of
# ecologically related birds. eBird is not available; scene (six scene classes), reuters
# (ninety news topics) and corel5k (374 image keywords) have label names a reader understands.
# The paper has no corel5k results, so C-GMVAE and two ablations ran on it only for this figure
# (experiment `embeddings`, with the settings of yeast and sider). Each run stored the inner products
# of its label embeddings; below, seed 0 of C-GMVAE and of the GM-only and uni-Gaussian variants
# where they ran, labels ordered by a clustering of the C-GMVAE matrix, the clusters outlined.
# Whether the embeddings reflect label correlations is then measured, not eyeballed: the Spearman
# correlation, over label pairs, between the inner product and the co-occurrence of the two
# labels in the training data (counts, and the Jaccard index, which discounts frequent labels).

# %%
grams = [g for experiment in ("main", "ablation", "embeddings")
         for g in tables.cgmvae_label_grams(experiment=experiment, profile=params.profile)]
shown_datasets = set(params.datasets) | set(params.heatmap_datasets)
titles = {"cgmvae": "C-GMVAE", "cgmvae-gm-only": "GM only", "cgmvae-uni-gaussian": "uni-Gaussian",
          "cgmvae-contrastive-only": "contrastive only", "cgmvae-official": "official settings"}
rank_rows = []
for g in grams:
    if g["dataset"] not in shown_datasets or g["params"].get("decoder_input") == "z":
        continue
    train_Y = data.load(g["dataset"]).train.Y
    if params.profile == "smoke":
        continue  # the smoke runs trained on a subset; their embeddings say nothing
    rank_rows.append({"dataset": g["dataset"], "variant": titles.get(g["method"], g["method"]),
                      "seed": g["seed"], **tables.label_similarity_vs_cooccurrence(g["gram"], train_Y)})
rank = pd.DataFrame(rank_rows)
if len(rank):
    rank_summary = rank.groupby(["dataset", "variant"], sort=False)[
        ["spearman vs co-occurrence count", "spearman vs Jaccard"]].agg(["mean", "std"]).round(3)
    display(rank_summary)
    cg = rank[rank["variant"] == "C-GMVAE"]
    glue("rho_min", f"{cg['spearman vs Jaccard'].min():.2f}", display=False)
    glue("rho_max", f"{cg['spearman vs Jaccard'].max():.2f}", display=False)
    by_variant = rank.groupby(["dataset", "variant"], sort=False)["spearman vs Jaccard"].mean().unstack()
    versus = (by_variant["C-GMVAE"] - by_variant["uni-Gaussian"]).dropna() \
        if {"C-GMVAE", "uni-Gaussian"} <= set(by_variant.columns) else pd.Series(dtype=float)
    glue("rho_vs_uni", "; ".join(f"{d} {v:+.2f}" for d, v in versus.items()) or "not run", display=False)
    glue("rho_by_dataset", "; ".join(f"{d} {v:.2f}" for d, v in by_variant["C-GMVAE"].dropna()
                                     .sort_values(ascending=False).items()), display=False)
else:
    for name in ("rho_min", "rho_max", "rho_vs_uni", "rho_by_dataset"):
        glue(name, "n/a (smoke)", display=False)

# %%
for dataset in params.heatmap_datasets:
    chosen = {titles[g["method"]]: g["gram"] for g in grams
              if g["dataset"] == dataset and g["seed"] == 0 and g["params"].get("decoder_input") != "z"
              and g["method"] in ("cgmvae", "cgmvae-gm-only", "cgmvae-uni-gaussian")}
    if "C-GMVAE" not in chosen:
        continue
    chosen = {"C-GMVAE": chosen.pop("C-GMVAE"), **chosen}
    train = data.load(dataset).train
    # With many labels, show the most frequent ones (rare topics have noisy embeddings).
    frequency = np.asarray(train.Y.sum(0)).ravel()
    shown = np.sort(np.argsort(-frequency, kind="stable")[:params.max_heatmap_labels])
    chosen = {title: gram[np.ix_(shown, shown)] for title, gram in chosen.items()}
    names = [train.label_names[i] for i in shown]
    fig, blocks = figures.label_gram_heatmaps(chosen, names, n_blocks=3 if len(shown) <= 10 else 5,
                                              max_labels=params.max_heatmap_labels)
    display(fig)
    plt.close(fig)
    groups = {}
    for label, block in blocks.items():
        groups.setdefault(block, []).append(label)
    display(Markdown(f"**{dataset}**, clusters of the C-GMVAE label embeddings: "
                     + "; ".join("{" + ", ".join(v[:12]) + (" …" if len(v) > 12 else "") + "}"
                                 for v in groups.values())))

# %% [markdown]
# Across C-GMVAE runs, the rank correlation between embedding inner products and label
# co-occurrence (Jaccard) ranges from {glue:text}`rho_min` to {glue:text}`rho_max`; its mean per
# data set is {glue:text}`rho_by_dataset`. So whether the label embeddings mirror co-occurrence
# depends on the data: strongly for sider's side effects, weakly for scene and reuters, not at
# all for yeast and corel5k in these records (on corel5k the products mostly follow label
# frequency: the most frequent words, such as water, sky and tree, have the smallest products with
# every other word, which a co-occurrence rank does not reward). The ablations give the mixture prior little
# credit for this structure: C-GMVAE's correlation minus the single-Gaussian model's is
# {glue:text}`rho_vs_uni` (reuters's gain is about one standard deviation of the
# single-Gaussian runs).

# %% [markdown]
# ## Does the compute budget explain the gap?
#
# The main runs cut two things the paper spends: at most 60 epochs with early stopping instead of
# 100, and E = 512 label-embedding dimensions on reuters and delicious. Experiment
# `paper_budget` reruns C-GMVAE on yeast, scene and sider with E = 2048 and 100 epochs without
# early stopping (the best validation epoch is still kept), same seeds; the ablation experiment
# holds one 100-epoch run on reuters and on delicious. Rows: the main runs, then those.

# %%
budget_variants = ["GM+contrastive", "GM+contrastive, 100 epochs (paper's budget)",
                   "GM+contrastive, E = 2048, 100 epochs (paper's budget)"]
budget_frame = pd.concat([main, ablation, paper_budget], ignore_index=True)
budget_table = tables.cgmvae_ablation_table(budget_frame, params.protocol, metrics=("ex-F1", "ma-F1", "P@1"))
budget_table = budget_table[budget_table.index.get_level_values("variant").isin(budget_variants)]
budget_table

# %%
# Every run at the paper's 100 epochs: the paper_budget experiment and the 100-epoch ablation runs.
hundred = ablation[(ablation["method"] == "cgmvae")
                   & ablation["params"].map(lambda p: (p or {}).get("epochs") == 100)] if len(ablation) else ablation
at_paper_budget = pd.concat([paper_budget, hundred], ignore_index=True)
if len(at_paper_budget):
    budget_verdicts = tables.cgmvae_paper_vs_reproduced(at_paper_budget, params.protocol, params.tolerance,
                                                        metrics=("ex-F1", "ma-F1", "P@1"))
    main_verdicts = tables.cgmvae_paper_vs_reproduced(
        main[main["dataset"].isin(at_paper_budget["dataset"].unique())], params.protocol,
        params.tolerance, metrics=("ex-F1", "ma-F1", "P@1"))
    change = budget_verdicts.set_index(["dataset", "metric"])["difference"] \
        - main_verdicts.set_index(["dataset", "metric"])["difference"]
    for metric in ("ma-F1", "P@1"):
        glue(f"budget_change_{metric}", "; ".join(f"{d} {v:+.3f}" for (d, m), v in change.items()
                                                  if m == metric and pd.notna(v)), display=False)
    glue("budget_n", len(budget_verdicts), display=False)
    glue("budget_matched", int((budget_verdicts["verdict"] == "matches").sum()), display=False)
    glue("budget_main_matched", int((main_verdicts["verdict"] == "matches").sum()), display=False)
    display(budget_verdicts)
else:
    for name in ("budget_n", "budget_matched", "budget_main_matched", "budget_change_ma-F1",
                 "budget_change_P@1"):
        glue(name, "not run", display=False)

# %% [markdown]
# With the paper's budget, {glue:text}`budget_matched` of {glue:text}`budget_n` published
# numbers are within the tolerance (the main runs on the same data sets:
# {glue:text}`budget_main_matched`). Change of macro-F1 against the main runs:
# {glue:text}`budget_change_ma-F1`; of P@1: {glue:text}`budget_change_P@1`.
#
# The budget matters where the main runs were still improving when they were cut: on delicious
# the 40-epoch runs had their best validation epoch at the last one, and 100 epochs roughly
# double macro-F1, closing most of that gap to the paper; reuters gains less. Elsewhere the
# paper's E = 2048 and 100 epochs change little, and P@1 can even fall (delicious, sider),
# because the epoch is chosen by validation macro-F1, which keeps improving on rare labels
# while P@1 no longer does. So the compute cut explains the delicious macro-F1 gap and part of
# reuters', not the example-F1 or P@1 gaps, nor sider's.

# %% [markdown]
# ## Would a validation search move anything?
#
# The paper chose its settings by a grid search on validation data (appendix B.1) but publishes
# only the winners (Table 7); the main runs take those as given. Experiment `search` changes one
# of them at a time on yeast, scene and sider (seed 0): the learning rate halved and doubled,
# α and β halved and doubled, and the dropout rate. Runs are judged by what the official code
# selects epochs by, the best validation macro-F1 over thresholds; test numbers are shown
# beside it but play no part in the ranking. The first row of each data set is what a search
# on validation would pick.

# %%
search_frame = pd.DataFrame(raw["search"])
if len(search_frame):
    search_table = tables.cgmvae_search(search_frame, pd.DataFrame(raw["main"]), params.protocol)
    display(search_table)
    picked = search_table.groupby("dataset", sort=False).head(1).set_index("dataset")
    table7 = search_table[search_table["change"] == "Table 7 (main run)"].set_index("dataset")
    glue("search_picked", "; ".join(
        f"{d}: {row.change} (validation {row['vs Table 7']:+.3f}; test ma-F1 "
        f"{row['ma-F1'] - table7.loc[d, 'ma-F1']:+.3f}, ex-F1 {row['ex-F1'] - table7.loc[d, 'ex-F1']:+.3f})"
        for d, row in picked.iterrows()), display=False)
    moved = (picked[["ex-F1", "ma-F1", "P@1"]] - table7.loc[picked.index, ["ex-F1", "ma-F1", "P@1"]]).abs()
    glue("search_max_valid", f"{picked['vs Table 7'].max():.3f}", display=False)
    glue("search_max_test", f"{moved.to_numpy().max():.3f}", display=False)
else:
    for name in ("search_picked", "search_max_valid", "search_max_test"):
        glue(name, "not run", display=False)

# %% [markdown]
# Choosing on validation would pick, against Table 7's own row (seed 0, test differences under
# the paper's protocol): {glue:text}`search_picked`. The picks gain at most
# {glue:text}`search_max_valid` in validation macro-F1 and move a test number by at most
# {glue:text}`search_max_test`, in either direction: of the order of the spread between seeds,
# and far from closing the gaps to the paper. Table 7 is as good a choice on these data as
# anything nearby.

# %% [markdown]
# ## The data sets that are not in the mirror
#
# eBird, mirflickr, nus-wide and bookmarks (the rest of the paper's Tables 1-3) are not in the data
# mirror of this study, so their published numbers cannot be checked here. A reader who has one
# of them can convert it to the Extreme Classification Repository text format (a header line
# `rows features labels`, then `l1,l2 f:v f:v ...` per row) and run C-GMVAE, C2AE and binary
# relevance on it with the settings of Table 7's most common row (those of yeast and sider):
#
# ```bash
# papermill notebooks/cgmvae.ipynb out.ipynb -p xc_train mirflickr/train.txt -p xc_test mirflickr/test.txt
# ```

# %%
if params.xc_train is not None:
    from xmlstudy import metrics
    from xmlstudy.models import create

    xc = data.load_xc(params.xc_train, params.xc_test)
    user_rows = []
    for method in ("cgmvae", "c2ae", "ovr-linear"):
        model = create(method, seed=0, device=params.device,
                       **grids.cgmvae_params(method, "yeast", params.profile)).fit(xc.train, xc.valid)
        protocols = metrics.threshold_protocols(xc.valid.Y, model.probabilities(xc.valid.X),
                                                xc.test.Y, model.probabilities(xc.test.X))
        top, _ = model.topk(xc.test.X, 1)
        user_rows.append({"method": method, "P@1": metrics.precision_at_k(xc.test.Y, top, 1),
                          **{f"{m} ({proto})": protocols[proto][m] for proto in protocols
                             for m in ("ex-F1", "mi-F1", "ma-F1", "HA")}})
    display(pd.DataFrame(user_rows).set_index("method").round(3))
else:
    display(Markdown("*(no user data set given: `xc_train = None`)*"))

# %% [markdown]
# ## What was reproduced
#
# C-GMVAE against the paper's Tables 1-3 under the paper's protocol (thresholds tuned on test),
# at a tolerance of ±0.015; then the same under the validation protocol. The paper's micro-F1
# and Hamming-accuracy numbers for C-GMVAE are lost from the seed text, so only example-F1,
# macro-F1 and P@1 can be checked.

# %%
verdicts = tables.cgmvae_paper_vs_reproduced(main, params.protocol, params.tolerance)
verdicts = verdicts[verdicts["dataset"].isin(params.datasets)]
glue("n_checked", len(verdicts), display=False)
glue("n_matched", int((verdicts["verdict"] == "matches").sum()), display=False)
glue("n_short", int((verdicts["verdict"] == "falls short").sum()), display=False)
verdicts

# %%
tables.cgmvae_paper_vs_reproduced(main, "validation", params.tolerance).query("dataset in @params.datasets")

# %% [markdown]
# Of {glue:text}`n_checked` published C-GMVAE numbers on the available data,
# {glue:text}`n_matched` are reproduced within the tolerance under the paper's own protocol and
# {glue:text}`n_short` fall short.
#
# ### Deviations, and why
#
# * **Data**: four of nine data sets are unavailable; splits are the sources' official ones,
#   not the paper's 80/10/10; sider features are fingerprints, not the paper's 38 numbers.
# * **Decoder input** concat(x, z), because the literal z-only decoder collapses (ablation table).
# * **Compute**: fewer epochs than 100, early stopping on validation, E ≤ 512; Table 7's
#   settings with a one-at-a-time validation search around them instead of the paper's full
#   grid search. The section on the compute budget reruns C-GMVAE with the paper's budget: it
#   explains the delicious macro-F1 gap, little else.
# * **Baselines**: C2AE, ML-kNN and binary relevance are this study's implementations
#   (the paper quotes numbers from other papers); "MPVAE" here is the uni-Gaussian ablation.
#   On delicious, C2AE's steps are capped at gradient norm 1: without the cap its exponential
#   ranking term overflows float32 and training stops with an infinite loss within 20 epochs
#   (failed runs leave no record; remove the entry from `grids.C2AE_DATASET_PARAMS` and rerun
#   `python -m xmlstudy run --paper cgmvae --methods c2ae --datasets delicious` to see it).
# * **Protocols**: the paper's threshold protocol tunes on test; it is reproduced, labelled, and
#   its inflation measured above.
#
# ### Regenerating
#
# ```
# python -m xmlstudy run --paper cgmvae            # every record (resumes; skips finished ones)
# python -m xmlstudy bench cgmvae                  # seconds per epoch, samples/s, peak memory
# papermill notebooks/cgmvae.ipynb out.ipynb -p profile full
# ```
#
# ### Provenance

# %%
all_records = pd.DataFrame([r for recs in raw.values() for r in recs])
tables.provenance(all_records)
