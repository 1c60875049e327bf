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
# # DXML: deep embedding for extreme multi-label learning
#
# Zhang, Yan, Wang and Zha (ICMR 2018; seed 002) map both sides of a multi-label problem into
# one low-dimensional space. Labels become vectors by running **DeepWalk** on a *label graph*
# (an edge between two labels that ever appear together); a sample's label set becomes the mean
# of its labels' vectors, $f_y = Vy/\mathrm{nnz}(y)$. A two-layer network with a ReLU maps the
# L2-normalised features to a unit vector $f_x$ and is trained to bring $f_x$ close to $f_y$ under
# the smooth-L1 loss. To predict, the training embeddings are partitioned by k-means; a test
# point goes to its nearest centroid and takes the label distribution of its $k$ nearest
# training neighbours in that cluster.
#
# **What the paper claims.**
#
# 1. Without an ensemble, DXML is competitive with or better than the state of the art: on
#    Bibtex P@1/3/5 = {glue:text}`dxml_paper_bibtex_P@1` / {glue:text}`dxml_paper_bibtex_P@3` /
#    {glue:text}`dxml_paper_bibtex_P@5` and on Delicious {glue:text}`dxml_paper_delicious_P@1` /
#    {glue:text}`dxml_paper_delicious_P@3` / {glue:text}`dxml_paper_delicious_P@5` (Table 2),
#    "nearly 1%" above SLEEC and above kNN and one-vs-all.
# 2. The non-linear embedding beats the same network without its ReLU (Figure 2).
# 3. Test time is comparable to SLEEC's (Table 6).
#
# This chapter re-implements the method (`xmlstudy.models.dxml`; no official code exists),
# reruns it on the paper's two small data sets that are public (Bibtex, Delicious) and on three
# it did not use, and checks each claim.

# %% tags=["parameters"]
profile = "full"    # "smoke": every code path on a few hundred rows; "full": the recorded runs
datasets = None     # None: the grid's data sets; or a subset of bibtex, delicious, corel5k, imdb, reuters
seeds = None        # None: the grid's seeds (0, 1, 2 in full; 0 in smoke); or a list of ints
device = "auto"     # "auto" uses a GPU when one is visible
walks_per_node = None   # DeepWalk walks started per label; None: the study's choice
walk_length = None      # DeepWalk walk length; None: the study's choice
window = None           # Word2Vec window; None: the study's choice
batch_size = None       # mini-batch size; None: the study's choice
dropout = None          # dropout after the last layer; None: the study's choice
tolerance = 1.5         # |ours - paper| (percentage points) within which a number is reproduced
embedding_dataset = "bibtex"   # whose DeepWalk label vectors are drawn
xc_train = None         # path of an Extreme Classification Repository train file (optional)
xc_test = None          # and its test file
run_missing = True      # False: show only the records that exist (e.g. while the grid still runs)

# %%
from xmlstudy import grids
from xmlstudy.parameters import (DEVICE, PROFILE, existing_file, in_range, list_of, one_of,
                                 one_or_more_of, optional, validate)

params = validate(globals(), {
    "profile": PROFILE,
    "datasets": optional(one_or_more_of(grids.DXML_DATASETS)),
    "seeds": optional(list_of(int)),
    "device": DEVICE,
    "walks_per_node": optional(in_range(1, 10_000, int)),
    "walk_length": optional(in_range(2, 10_000, int)),
    "window": optional(in_range(1, 100, int)),
    "batch_size": optional(in_range(1, 100_000, int)),
    "dropout": optional(in_range(0.0, 0.99)),
    "tolerance": in_range(0.0, 100.0),
    "embedding_dataset": one_of(grids.DXML_DATASETS),
    "xc_train": optional(existing_file),
    "xc_test": optional(existing_file),
    "run_missing": bool,
})

# %%
import dataclasses

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from myst_nb import glue

from xmlstudy import data, experiments, figures, published, tables
from xmlstudy.models import dxml

pd.set_option("display.max_columns", 40)
pd.set_option("display.width", 200)

for dataset in ("bibtex", "delicious"):
    for metric in ("P@1", "P@3", "P@5"):
        glue(f"dxml_paper_{dataset}_{metric}",
             f"{published.DXML_TABLE_2['values'][(dataset, 'DXML', metric)]:.2f}", display=False)
if params.profile == "smoke":
    display(Markdown("**Smoke profile:** every model below ran for two epochs on a few hundred "
                     "rows to exercise the code; the numbers say nothing about the method. The "
                     "book is built with `profile = \"full\"`."))

# The knobs of the parameters cell override the study's chosen settings; any override makes new
# runs (a different configuration), the committed records are reused otherwise.
knobs = {name: getattr(params, name) for name in
         ("walks_per_node", "walk_length", "window", "batch_size", "dropout")
         if getattr(params, name) is not None}
grid = grids.dxml_grid(params.profile)
names = params.datasets or list(dict.fromkeys(c.dataset for c in grid if c.experiment == "main"))


def adjust(configs):
    """The grid's configurations for the chosen data sets, seeds, device and knobs."""
    out = []
    for c in configs:
        if c.dataset not in names:
            continue
        if knobs and c.experiment != "sweep":
            c = dataclasses.replace(c, params=grids.dxml_params(c.dataset, params.profile, **knobs))
        if params.device != "auto":
            c = dataclasses.replace(c, device=params.device)
        out.append(c)
    if params.seeds is not None:
        unique = {dataclasses.replace(c, seed=0).config_hash: c for c in out if c.experiment != "sweep"}
        out = [dataclasses.replace(c, seed=s) for c in unique.values() for s in params.seeds] + \
              [c for c in out if c.experiment == "sweep"]
    return out


def records_of(configs):
    """The records of ``configs``: run where missing, or (``run_missing = False``) left out."""
    if params.run_missing:
        return pd.DataFrame([experiments.load_or_run(c) for c in configs])
    found = [experiments.find_record(c) for c in configs]
    if any(r is None for r in found):
        display(Markdown(f"**{sum(r is None for r in found)} of {len(found)} configurations have "
                         "no record yet and are left out** (`run_missing = False`)."))
    return pd.DataFrame([r for r in found if r is not None])


configs = adjust(grid)
main_configs = [c for c in configs if c.experiment == "main"]
main_records = records_of(main_configs)
baseline_configs = [c for c in grids.baselines_grid(params.profile) if c.dataset in names]
if params.seeds is not None:
    baseline_configs = [c for c in baseline_configs if c.seed in params.seeds]

# %%
baseline_records = records_of(baseline_configs)
both = pd.concat([main_records, baseline_records], ignore_index=True)

# %% [markdown]
# ## The method as implemented, and the choices the paper leaves open
#
# Everything the paper specifies is as printed (section 4.1): 256 hidden units and 100
# embedding dimensions for small data sets (512 and 300 for large ones), dropout right after
# the last linear layer, an L2-normalisation layer at the end, SGD with momentum 0.9, weight
# decay 0.0005 and a fixed learning rate of 0.015, the smooth-L1 loss of Eq. (2) summed over
# embedding dimensions, and $k$ chosen on a validation set. Everything else was open and is
# chosen on a validation split (10% of the training split, seed 0), **never on test**:
#
# * DeepWalk: walks per label, walk length and Word2Vec window (skip-gram with hierarchical
#   softmax, as in DeepWalk; 5 passes; single-threaded so that a seed fixes the vectors);
# * mini-batch size and dropout rate; the number of epochs (early stopping with patience 10 on
#   the validation mean of P@1, P@3 and P@5 of the neighbour prediction without clustering);
# * the number of k-means clusters (2, 5, 10 or 20), $k$ (5 to 50, and larger in steps of 1.5x
#   while the largest value tried wins) and whether neighbours vote equally (the paper's
#   "average") or by cosine similarity, all by the validation mean of P@1/3/5 after training;
# * labels that never co-occur with another label get a self-loop in the graph so that DeepWalk
#   still gives them a vector (only reuters has such labels among the data sets here; the
#   alternative, independent random vectors, is compared below); samples without any label
#   have no target and are left out of the loss, but stay in the neighbour index.
#
# The settings chosen for the open DeepWalk and training choices are:

# %%
chosen = pd.DataFrame([grids.DXML_CHOSEN]).rename(index={0: "chosen"})
chosen

# %% [markdown]
# ## Tables 2 and 4: Bibtex and Delicious
#
# The paper's numbers (percent, averaged over ten train-test splits) for DXML and for the methods
# it compares with, beside ours: mean ± standard deviation over seeds on the Mulan train/test
# split (the same sizes as the paper's Table 1), in percent. Our baselines are kNN (cosine),
# one-vs-rest logistic regression and Parabel-style label trees (chapter
# {doc}`data_and_baselines`).

# %%
small = [d for d in ("bibtex", "delicious") if d in names]
tables.dxml_vs_published(both, published.DXML_SMALL, ["P@1", "P@3", "P@5"], datasets=small)

# %%
tables.dxml_vs_published(both, published.DXML_SMALL, ["nDCG@1", "nDCG@3", "nDCG@5"], datasets=small)

# %%
stats = tables.summarize(both, ["P@1", "P@3", "P@5"], by=("dataset", "method"))
for row in stats.itertuples(index=False):
    glue(f"dxml_ours_{row.dataset}_{row.method}_{row.metric}", f"{100 * row.mean:.2f}", display=False)
for dataset in ("bibtex", "delicious"):
    mine = stats[(stats["dataset"] == dataset) & (stats["method"] == "dxml") & (stats["metric"] == "P@1")]
    base = stats[(stats["dataset"] == dataset) & (stats["method"] != "dxml") & (stats["metric"] == "P@1")]
    best_text, gap_text = "not run", "not run"
    if len(mine) and len(base):
        best = base.loc[base["mean"].idxmax()]
        best_text = f"{best['method']} ({100 * best['mean']:.2f})"
        gap = 100 * mine["mean"].iloc[0] - published.DXML_TABLE_2["values"][(dataset, "DXML", "P@1")]
        gap_text = f"{gap:+.2f}"
    glue(f"dxml_best_baseline_{dataset}", best_text, display=False)
    glue(f"dxml_gap_paper_{dataset}", gap_text, display=False)
# What the learned embedding adds over kNN in the input space, here and in the paper.
for dataset in ("bibtex", "delicious"):
    mine = stats[(stats["dataset"] == dataset) & (stats["metric"] == "P@1")].set_index("method")["mean"]
    text = "not run"
    if {"dxml", "knn"} <= set(mine.index):
        paper = published.DXML_TABLE_2["values"]
        text = (f"{100 * (mine['dxml'] - mine['knn']):+.2f} points here, "
                f"{paper[(dataset, 'DXML', 'P@1')] - paper[(dataset, 'KNN', 'P@1')]:+.2f} in the paper")
        glue(f"dxml_knn_vs_paper_{dataset}", f"{100 * mine['knn'] - paper[(dataset, 'KNN', 'P@1')]:+.2f}",
             display=False)
    else:
        glue(f"dxml_knn_vs_paper_{dataset}", "not run", display=False)
    glue(f"dxml_over_knn_{dataset}", text, display=False)
for dataset in ("bibtex", "delicious"):
    for metric in ("P@1",):
        if not len(stats[(stats["dataset"] == dataset) & (stats["method"] == "dxml")]):
            glue(f"dxml_ours_{dataset}_dxml_{metric}", "not run", display=False)

# %% [markdown]
# On Bibtex our DXML reaches P@1 {glue:text}`dxml_ours_bibtex_dxml_P@1`
# ({glue:text}`dxml_gap_paper_bibtex` points from the paper's value); the best of our baselines is
# {glue:text}`dxml_best_baseline_bibtex`. On Delicious: P@1 {glue:text}`dxml_ours_delicious_dxml_P@1`
# ({glue:text}`dxml_gap_paper_delicious` points), best baseline
# {glue:text}`dxml_best_baseline_delicious`.
#
# DXML predicts with a kNN vote in its learned embedding space, so the kNN vote in the input
# space is the natural yardstick of what the embedding adds. In P@1, DXML minus kNN on Bibtex:
# {glue:text}`dxml_over_knn_bibtex`; on Delicious: {glue:text}`dxml_over_knn_delicious`. Our
# kNN differs from the paper's KNN column by {glue:text}`dxml_knn_vs_paper_bibtex` (Bibtex) and
# {glue:text}`dxml_knn_vs_paper_delicious` (Delicious) points, so on Bibtex the shortfall sits
# in what the learned embedding adds, not in the neighbour vote or the data.
#
# ### Propensity-scored precision
#
# The paper reports only P@k and nDCG@k, which reward predicting frequent labels. PSP@k
# (Jain et al. propensities, A = 0.55, B = 1.5) weighs each correct label by its inverse
# propensity, so it shows how well the rare labels are served.

# %%
psp = ["PSP@1", "PSP@3", "PSP@5", "PSnDCG@5"]
tables.summary_table(both, psp)

# %% [markdown]
# ## Data sets the paper did not use
#
# Corel5k (image annotation, 374 labels), IMDB-F (MEKA; 28 genres from plot summaries) and
# Reuters-21578 (ModApte, 90 topics), with the same settings and the same baselines.

# %%
extra = [d for d in names if d not in ("bibtex", "delicious")]
if extra:
    display(tables.summary_table(both[both["dataset"].isin(extra)],
                                 ["P@1", "P@3", "P@5", "nDCG@5", "PSP@5"]))
else:
    display(Markdown("*(no extra data set selected)*"))
p1 = stats[stats["dataset"].isin(extra) & (stats["metric"] == "P@1")].pivot(
    index="dataset", columns="method", values="mean")
extra_text = []
for dataset, row in p1.iterrows():
    others = row.drop("dxml", errors="ignore").dropna()
    if "dxml" in row and pd.notna(row["dxml"]) and len(others):
        extra_text.append(f"{dataset}: DXML {100 * row['dxml']:.2f}, {others.idxmax()} {100 * others.max():.2f}")
glue("dxml_extra_vs_best", "; ".join(extra_text) or "not run", display=False)

# %% [markdown]
# P@1 of DXML and of the best of our baselines: {glue:text}`dxml_extra_vs_best`.

# %% [markdown]
# ## Figure 2: non-linear against linear embedding
#
# The paper's Figure 2 compares DXML with the same network without its ReLU on Delicious-200K
# (not available here). The same comparison on the study's data sets, each variant with its own
# validated $k$ and clusters:

# %%
ablation_records = records_of([c for c in configs if c.experiment == "ablation"])
ablation = pd.concat([main_records, ablation_records], ignore_index=True)
figures.dxml_ablation(ablation, methods=("dxml", "dxml-linear"),
                      labels={"dxml": "DXML (ReLU)", "dxml-linear": "linear"}, datasets=names);

# %%
lin = tables.summarize(ablation[ablation["method"].isin(["dxml", "dxml-linear"])], ["P@1"])
wide = lin.pivot(index="dataset", columns="method", values="mean")
if {"dxml", "dxml-linear"} <= set(wide.columns):
    wide = wide.dropna(subset=["dxml", "dxml-linear"])  # data sets where both ran
    wins = int((wide["dxml"] > wide["dxml-linear"]).sum())
    glue("dxml_nonlinear_wins", f"{wins} of {len(wide)}", display=False)
    glue("dxml_nonlinear_gain", ", ".join(f"{d} {100 * (r.dxml - r['dxml-linear']):+.2f}"
                                          for d, r in wide.iterrows()), display=False)
else:
    glue("dxml_nonlinear_wins", "none (not run)", display=False)
    glue("dxml_nonlinear_gain", "not run", display=False)

# %% [markdown]
# The ReLU network beats the linear one in P@1 on {glue:text}`dxml_nonlinear_wins` data sets
# (P@1 difference, points: {glue:text}`dxml_nonlinear_gain`).
#
# ## Further ablations
#
# * **dxml-random-emb**: random label vectors instead of DeepWalk: does the label graph matter?
# * **dxml-svd-emb**: the top eigenvectors of the label co-occurrence matrix instead of DeepWalk;
# * **dxml-nocluster**: $k$ nearest neighbours among all training points (no k-means);
# * **dxml-l2**: squared-L2 loss instead of smooth-L1.

# %%
order = ["dxml", *grids.DXML_VARIANTS]
ablation["method"] = pd.Categorical(ablation["method"], order)
tables.summary_table(ablation.sort_values(["dataset", "method"]), ["P@1", "P@3", "P@5", "PSP@5"])

# %%
figures.dxml_ablation(ablation, methods=tuple(order), datasets=names);

# %%
means = tables.summarize(ablation, ["P@1", "P@3", "P@5"]).pivot_table(
    index=["dataset", "metric"], columns="method", values="mean", observed=True)
for variant in grids.DXML_VARIANTS:
    if {"dxml", variant} <= set(means.columns):
        diff = 100 * (means[variant] - means["dxml"]).dropna()
        glue(f"dxml_vs_{variant}", f"{diff.min():+.2f} to {diff.max():+.2f}", display=False)
    else:
        glue(f"dxml_vs_{variant}", "not run", display=False)
p1_means = means.xs("P@1", level="metric") if len(means) else means
svd_text = []
for dataset in ("bibtex", "delicious"):
    if dataset in p1_means.index and "dxml-svd-emb" in p1_means.columns:
        svd_text.append(f"{dataset} {100 * p1_means.loc[dataset, 'dxml-svd-emb']:.2f} (paper's DXML "
                        f"{published.DXML_TABLE_2['values'][(dataset, 'DXML', 'P@1')]:.2f})")
glue("dxml_svd_p1", "; ".join(svd_text) or "not run", display=False)

# %% [markdown]
# Differences to DXML in mean P@1/3/5 over the data sets (points, variant minus DXML):
#
# * random label vectors: {glue:text}`dxml_vs_dxml-random-emb`; SVD label vectors:
#   {glue:text}`dxml_vs_dxml-svd-emb`. If random vectors do as well as DeepWalk's, the label graph
#   adds nothing that the regression target needs: any set of well-separated label vectors lets
#   the network encode the label set. With SVD label vectors, P@1 is {glue:text}`dxml_svd_p1`:
#   of everything tried in this chapter, the choice of label vectors moves DXML furthest
#   towards the paper's numbers, and DeepWalk's are not the best choice on these data;
# * without clustering: {glue:text}`dxml_vs_dxml-nocluster`; where this is near zero, k-means
#   is a speed device at these sizes, not an accuracy one;
# * squared-L2 loss: {glue:text}`dxml_vs_dxml-l2`. This follows from the paper's own design:
#   $f_x$ is a unit vector and $f_y$ an average of label vectors of norm about one, so no
#   coordinate of $f_x - f_y$ reaches 1 and smooth-L1 never leaves its quadratic branch, where it
#   *is* the squared L2 loss (`tests/test_dxml.py` checks this). The two differ only by
#   floating-point rounding, which sends SGD down a different path, so the differences are of
#   the size of seed-to-seed variation; the robustness to outliers the paper gives as its reason
#   for smooth-L1 never comes into play.

# %% [markdown]
# ## Evidence for the open choices: the validation sweep
#
# One open setting changed at a time around the chosen configuration on Bibtex (seed 0), and the
# isolated-label rule on Reuters; every number is the validation mean of P@1, P@3 and P@5 after
# the method's own choice of $k$ and clusters. The chosen setting is the reference (green). Test
# numbers play no part here.

# %%
sweep_records = records_of([c for c in configs if c.experiment == "sweep"])
sweep_info = tables.dxml_fit_info("sweep", params.profile)
main_info = tables.dxml_fit_info("main", params.profile)
sweep = tables.dxml_sweep(sweep_info, main_info)
sweep

# %%
if len(sweep):
    figures.dxml_sweep(sweep, "bibtex");
    best_change = sweep.loc[sweep["difference"].idxmax()]
    glue("dxml_sweep_best", f"{best_change['setting']} = {best_change['tried']} "
                            f"({best_change['difference']:+.2f} points)", display=False)
else:
    glue("dxml_sweep_best", "not run", display=False)

# %% [markdown]
# ### Refit on train + validation
#
# The paper trains on its whole training split; the main runs above train on 90% of it, the
# rest being the validation set that chooses the epoch count, $k$, the clusters and the
# weighting. Experiment `refit` makes those choices the same way, then trains again from scratch
# on train + validation with them (`DXML(refit=True)`), as a final model usually is. If the
# held-out 10% explained the gap to the paper, this is where it would close.

# %%
refit_records = records_of([c for c in configs if c.experiment == "refit"])
if len(refit_records):
    refit_records = refit_records.assign(method="dxml, refit on train + valid")
    refit_table = tables.summary_table(
        pd.concat([main_records[main_records["dataset"].isin(refit_records["dataset"])], refit_records],
                  ignore_index=True), ["P@1", "P@3", "P@5"])
    refit_stats = tables.summarize(pd.concat([main_records, refit_records], ignore_index=True), ["P@1"])
    refit_gain = refit_stats.pivot(index="dataset", columns="method", values="mean")
    refit_gain = 100 * (refit_gain["dxml, refit on train + valid"] - refit_gain["dxml"]).dropna()
    glue("dxml_refit_gain", ", ".join(f"{d} {g:+.2f}" for d, g in refit_gain.items()), display=False)
    display(refit_table)
else:
    glue("dxml_refit_gain", "not run", display=False)

# %% [markdown]
# Refitting on train + validation changes P@1 by {glue:text}`dxml_refit_gain` points.

# %% [markdown]
# ## Table 6: training and test time
#
# The paper trains on a GeForce GTX 1080 Ti and tests on a CPU (Xeon E5-2680 v2, 6 cores). Our
# seconds are for the whole `fit` (DeepWalk, training with its per-epoch validation check, the
# validation choice of clusters and $k$) and for predicting the test split, on the hardware each
# record names; the 2-core CPU was shared with other jobs while most records were made, so they
# are upper bounds. The benchmark columns come from `python -m xmlstudy bench dxml`, which times
# the same pipeline (seed 0) on its own, stage by stage; it was last run with one thread on the
# otherwise idle machine.

# %%
from xmlstudy.records import read_jsonl

selected = main_info[main_info["dataset"].isin(names)
                     & main_info["seed"].isin([c.seed for c in main_configs])] if len(main_info) else main_info
bench_records = [r for r in read_jsonl(experiments.RESULTS_DIR / "benchmark" / "dxml.jsonl")
                 if r.get("profile") == params.profile]
display(tables.dxml_timing(selected, published.DXML_TABLE_6, bench_records))
# The benchmark reruns the seed-0 main configuration: on CPU with one thread its P@k must equal
# the main record's, which checks that the records reproduce.
latest_bench = {r["dataset"]: r for r in bench_records}
same = [d for d, r in latest_bench.items()
        if len(main_records) and any((main_records["dataset"] == d) & (main_records["seed"] == 0))
        and r["metrics"]["P@1"] == main_records[(main_records["dataset"] == d)
                                                & (main_records["seed"] == 0)]["metrics"].iloc[0]["P@1"]]
glue("dxml_bench_same", ", ".join(same) or "none", display=False)

# %% [markdown]
# The benchmark's rerun of the seed-0 configuration gives exactly the P@1 of the main record on:
# {glue:text}`dxml_bench_same`.

# %% [markdown]
# ## The label embedding
#
# DeepWalk's label vectors for one data set (computed here with the chosen settings on the
# training split), projected to two dimensions by t-SNE; the most frequent labels are named.
# Labels that share documents land close together: this geometry is what the network regresses
# onto.

# %%
emb_split = data.load(params.embedding_dataset)
emb_params = {**grids.dxml_params(params.embedding_dataset, params.profile), **knobs}
graph = dxml.label_graph(emb_split.train.Y)
vectors = dxml.deepwalk_vectors(graph, 100, walks_per_node=emb_params["walks_per_node"],
                                walk_length=emb_params["walk_length"], window=emb_params["window"],
                                epochs=emb_params.get("w2v_epochs", 5), seed=0)
frequency = np.asarray(emb_split.train.Y.sum(0)).ravel()
figures.dxml_label_embedding(vectors, [n.removeprefix("TAG_") for n in emb_split.train.label_names],
                             frequency, title=f"DeepWalk label vectors of {params.embedding_dataset} (t-SNE)");

# %% [markdown]
# ## The large data sets
#
# MediaMill, Wiki10-31K, Delicious-200K and Amazon-670K (Tables 2, 3 and 5) are **not in the data
# mirror** of this study, so the paper's large-scale numbers cannot be checked here. A reader who
# has the Extreme Classification Repository files can run DXML on them with the large-data
# settings of the paper (512 hidden units, 300 dimensions: `size="large"`; sparse inputs wider than
# 50,000 features stay sparse through the first layer):
#
# ```bash
# papermill notebooks/dxml.py out.ipynb -p xc_train Wiki10-31K/train.txt -p xc_test Wiki10-31K/test.txt
# ```
#
# or, in Python:
#
# ```python
# from xmlstudy.data import load_xc
# from xmlstudy.models import create
# splits = load_xc("Wiki10-31K/train.txt", "Wiki10-31K/test.txt")
# model = create("dxml", size="large", walks_per_node=80, window=10, batch_size=256).fit(splits.train, splits.valid)
# top, _ = model.topk(splits.test.X, 5)
# ```

# %%
if params.xc_train is not None:
    from xmlstudy.metrics import ranking_metrics, propensities
    from xmlstudy.models import create

    xc = data.load_xc(params.xc_train, params.xc_test)
    model = create("dxml", size="large", device=params.device,
                   **{**grids.DXML_CHOSEN, "batch_size": 256, **knobs}).fit(xc.train, xc.valid)
    top, _ = model.topk(xc.test.X, 5)
    display(pd.Series(ranking_metrics(xc.test.Y, top, propensity=propensities(xc.train.Y))).mul(100).round(2))
else:
    display(Markdown("*(no Extreme Classification Repository file given: `xc_train = None`)*"))

# %% [markdown]
# ## Paper against reproduction
#
# Every P@k and nDCG@k the paper gives for the small data sets this study has, beside our mean ±
# std over seeds; "matches" means within the tolerance of the parameters cell.

# %%
verdicts = tables.paper_vs_reproduced(
    main_records, {**published.DXML_SMALL,
                   "values": {k: v for k, v in published.DXML_SMALL["values"].items() if k[0] in names}},
    "dxml", ["P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5"], params.tolerance,
    published_method="DXML")
counts = verdicts["verdict"].value_counts()
for verdict in ("matches", "beats", "falls short"):
    glue(f"dxml_n_{verdict.replace(' ', '_')}", int(counts.get(verdict, 0)), display=False)
glue("dxml_n_compared", len(verdicts), display=False)
glue("dxml_tolerance", f"{params.tolerance:g}", display=False)
verdicts

# %% [markdown]
# Of {glue:text}`dxml_n_compared` published numbers, {glue:text}`dxml_n_matches` are matched
# within {glue:text}`dxml_tolerance` points, {glue:text}`dxml_n_beats` are beaten and
# {glue:text}`dxml_n_falls_short` fall short.
#
# ## Deviations, and what they explain
#
# * **One split, three seeds.** The paper averages ten train-test splits it does not publish; here
#   the Mulan split is used with three seeds, and 10% of its training part is held out for
#   validation, so the network sees 90% of the paper's training rows.
# * **The open settings** were chosen on Bibtex's validation split only. In the sweep above the
#   largest validation gain over the chosen configuration is {glue:text}`dxml_sweep_best`,
#   against a test gap to the paper of {glue:text}`dxml_gap_paper_bibtex` points in P@1 on Bibtex:
#   the open settings do not explain the shortfall, and neither does the validation carve
#   (refitting on train + validation: {glue:text}`dxml_refit_gain` points). Our kNN and one-vs-rest baselines are close
#   to the paper's KNN and 1-vs-All columns (chapter {doc}`data_and_baselines`), so the data and
#   the metrics are not the cause either.
# * **Framework and hardware.** MXNet on a GPU in the paper; PyTorch here, on the device each
#   record names. The method's arithmetic does not depend on either.
# * **Clusters.** The paper does not give the number of clusters; it is chosen on validation from
#   2 to 20 (no clustering is the separate `dxml-nocluster` ablation).
# * **Loss scale.** The smooth-L1 loss is summed over embedding dimensions as in Eq. (1) and
#   averaged over the mini-batch.
# * **Features keep their real values** and every row is L2-normalised, as in Figure 1 (a public
#   attempt rounded features to 8-bit integers); nDCG is the paper's definition (`xmlstudy.metrics`).
#
# ## How to regenerate
#
# ```bash
# python -m xmlstudy run --paper dxml                  # every record (resumes; skips finished ones)
# python -m xmlstudy run --paper dxml --experiment main --datasets bibtex,delicious
# python -m xmlstudy bench dxml                        # stage timings and peak memory
# papermill notebooks/dxml.ipynb out.ipynb -p profile smoke   # this page on tiny data
# ```
#
# ## Provenance

# %%
all_records = pd.concat([main_records, ablation_records, sweep_records, refit_records], ignore_index=True)
tables.provenance(all_records)
