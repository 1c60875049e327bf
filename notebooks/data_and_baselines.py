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
# # Data and baselines
#
# Before any paper is reproduced, two things must hold: the data must be the data the papers
# used, and the numbers a new method is compared with must be what standard methods reach on
# those data under the study's protocol ({doc}`../book/protocol`). This chapter checks the first
# against the statistics the seed papers print, shows how skewed the label distributions are, and
# runs the field's three standard baselines on every benchmark data set.

# %% tags=["parameters"]
profile = "smoke"   # "smoke": every code path on a few hundred rows; "full": the study's protocol
datasets = None     # None: every registered data set; or a list such as ["bibtex", "yeast"]
seeds = None        # None: the grid's seeds (0, 1, 2 in full; 0 in smoke); or a list of ints
device = "auto"     # "auto" uses a GPU when one is visible

# %%
from xmlstudy.parameters import DEVICE, PROFILE, list_of, one_or_more_of, validate
from xmlstudy import data

params = validate(globals(), {
    "profile": PROFILE,
    "datasets": lambda v: None if v is None else one_or_more_of(data.names())(v),
    "seeds": lambda v: None if v is None else list_of(int)(v),
    "device": DEVICE,
})

# %%
import dataclasses

import pandas as pd
from IPython.display import Markdown, display
from myst_nb import glue

from xmlstudy import experiments, figures, published, tables
from xmlstudy.grids import GRIDS

names = params.datasets or data.names()
pd.set_option("display.max_columns", 30)
if params.profile == "smoke":
    display(Markdown("**Smoke profile:** the baselines below ran on a few hundred rows per data "
                     "set to exercise the code; their numbers say nothing about the methods. "
                     "The book is built with `profile = \"full\"`."))

# %% [markdown]
# ## The data sets
#
# Every data set comes from the registry (`xmlstudy.data`): its raw files are checked against
# their sha256 and converted once. The statistics below are computed from the loaded data over
# the source's own train and test splits (for sources without a split, the study's seeded 80/20
# split; see {doc}`../book/protocol`).

# %%
splits = {name: data.load(name, valid_fraction=0) for name in names}
statistics = tables.dataset_statistics(splits)
tables.nowrap(statistics.style.format({"cardinality": "{:.2f}", "median_labels": "{:g}",
                                       "samples_per_label": "{:.1f}"}))

# %% [markdown]
# ### Against the papers' tables
#
# The seeds print statistics for the data sets they use: seed 002 (DXML) Table 1, seed 003
# (Rank-AE) Table 1 and seed 004 (C-GMVAE) Table 6. Each row below holds one table's numbers for
# one data set, checked against the same statistics computed here: a cell shows the computed value
# where it agrees with the paper, and "computed ≠ printed", highlighted, where it does not (counts
# must be equal, averages within 1%). Data sets the study does not have (Mediamill, EURLex, the
# large Extreme Classification Repository sets, eBird, ...) are left out.

# %%
comparison = tables.compare_statistics(statistics, published.DATASET_STATISTICS)
n_checked, n_disagree = len(comparison), int((~comparison["agrees"]).sum())
glue("n_statistics_checked", n_checked, display=False)
glue("n_statistics_disagree", n_disagree, display=False)
glue("statistics_disagree_list",
     ", ".join(f"{r.dataset} {r.statistic} ({r.source})"
               for r in comparison[~comparison["agrees"]].itertuples()) or "none",
     display=False)
tables.statistics_side_by_side(comparison)

# %% [markdown]
# Of {glue:text}`n_statistics_checked` published statistics of data sets the study has,
# {glue:text}`n_statistics_disagree` disagree with the data as loaded here:
# {glue:text}`statistics_disagree_list`. The papers do not say how their derived columns were
# computed, and seed 004 never released its preprocessing for these data sets, so a
# disagreement there is reported, not explained away.

# %% [markdown]
# ## The long tail
#
# Extreme multi-label data are dominated by rare labels: a few labels occur in many samples and
# most occur in a handful. The number of training samples per label, sorted, shows it; the share
# of labels with at most five training samples is where ranking-based metrics and propensity
# scoring ({doc}`../book/protocol`) matter most.

# %%
figures.label_frequency({name: split.train for name, split in splits.items()});

# %% [markdown]
# ## Baselines
#
# Three standard methods, each choosing its own setting on a validation split carved from train
# (never on test):
#
# - **kNN**: cosine k-nearest neighbours; a label's score is the similarity-weighted vote of the
#   neighbours ($k$ chosen on validation);
# - **ovr-linear**: one logistic-regression classifier per label (one-vs-rest; $C$ chosen on
#   validation);
# - **parabel**: Parabel-style partitioned label trees {cite:p}`prabhu2018parabel` from the
#   `omikuji` library {cite:p}`dong2019omikuji`.
#
# Records come from `results/baselines/main.jsonl` when they exist and are computed otherwise.
# The table gives mean ± standard deviation over seeds, in percent.

# %%
configs = GRIDS["baselines"](params.profile)
if params.seeds is not None:
    combos = {dataclasses.replace(c, seed=0).config_hash: c for c in configs}
    configs = [dataclasses.replace(c, seed=s) for c in combos.values() for s in params.seeds]
if params.device != "auto":
    configs = [dataclasses.replace(c, device=params.device) for c in configs]
configs = [c for c in configs if c.dataset in names]
records = pd.DataFrame([experiments.load_or_run(c) for c in configs])

# %%
baseline_datasets = list(dict.fromkeys(c.dataset for c in configs))
glue("n_baseline_records", len(records), display=False)
glue("n_baseline_datasets", len(baseline_datasets), display=False)

# %%
ranking = ["P@1", "P@3", "P@5", "nDCG@3", "nDCG@5", "PSP@1", "PSP@5"]
tables.nowrap(tables.summary_table(records, ranking).style)

# %% [markdown]
# The set metrics (example-, micro- and macro-F1, Hamming accuracy) need a threshold on the
# scores; here it is the one chosen on validation per metric (the protocol's "validation" rule).

# %%
set_metrics = ["validation/ex-F1", "validation/mi-F1", "validation/ma-F1", "validation/HA"]
tables.nowrap(tables.summary_table(records, set_metrics).style)

# %%
stats = tables.summarize(records, ["P@1"])
best = stats.loc[stats.groupby("dataset", sort=False)["mean"].idxmax()]
glue("best_baseline_list", "; ".join(f"{r.dataset}: {r.method} ({100 * r.mean:.1f})"
                                     for r in best.itertuples()), display=False)
wins = best["method"].value_counts()
glue("most_wins_method", wins.index[0], display=False)
glue("most_wins_count", int(wins.iloc[0]), display=False)

# %% [markdown]
# Over {glue:text}`n_baseline_datasets` data sets ({glue:text}`n_baseline_records` records),
# the best baseline by P@1 (percent) is — {glue:text}`best_baseline_list`.
# {glue:text}`most_wins_method` is best on {glue:text}`most_wins_count` of them.

# %% [markdown]
# ### Against published baseline numbers
#
# Seed 002 (DXML) prints kNN and one-vs-all numbers for Bibtex and Delicious, and the Extreme
# Classification Repository lists Parabel on both; "matches" means within one point, in percent.
# These published runs used other implementations and settings, so a difference is a fact about
# the baselines, not a verdict on a paper.

# %%
published_tables = [published.XC_REPOSITORY]
# seed 002's Table 2 (P@k, with its KNN and 1-vs-All columns), wherever xmlstudy.published keeps it
published_tables += [t for t in vars(published).values()
                     if isinstance(t, dict) and t.get("source", "").startswith("seed 002 Table 2")]
versus = tables.baselines_vs_published(
    records, published_tables, {"knn": "KNN", "ovr-linear": "1-vs-All", "parabel": "Parabel"},
    ["P@1", "P@3", "P@5"], tolerance=1.0)
versus = versus[versus["dataset"].isin(baseline_datasets)]   # only the data sets run here
glue("n_versus", len(versus), display=False)
glue("n_versus_matches", int((versus["verdict"] == "matches").sum()), display=False)
tables.nowrap(versus.style.hide(axis="index").format({"paper": "{:.2f}", "difference": "{:+.2f}"}, na_rep="—"))

# %% [markdown]
# {glue:text}`n_versus_matches` of {glue:text}`n_versus` published baseline numbers are matched
# within one point.

# %% [markdown]
# ## How this page was made
#
# ```bash
# make book                                   # this page and all others, from the committed records
# python -m xmlstudy run --paper baselines    # recompute the baseline records (hours on a CPU)
# .venv/bin/papermill notebooks/data_and_baselines.ipynb out.ipynb -p profile full -y "datasets: [bibtex]"
# ```
#
# The records behind the tables:

# %%
tables.provenance(records).style.hide(axis="index")
