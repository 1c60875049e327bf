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
# against the statistics the papers print, shows how skewed the label distributions are, and
# runs the field's three standard baselines on every benchmark data set.

# %% tags=["parameters"]
# "smoke": every code path on a few hundred rows; "full": the study's protocol
profile = "smoke"
# None: every registered data set; or a list such as ["bibtex", "yeast"]
datasets = None
# None: the grid's seeds (0, 1, 2 in full; 0 in smoke); or a list of ints
seeds = None
device = "auto"     # "auto" uses a GPU when one is visible
# None: records computed here go to the study's results folder; or a folder of your
# own for them (created if missing; the committed records are still read)
results_dir = None

# %% tags=["remove-cell"]
from xmlstudy.chapters import baselines

params = baselines.validate(globals())

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
from IPython.display import display
from myst_nb import glue

from xmlstudy import chapters, data, figures, methods, tables

names = params.datasets or data.names()
splits = {name: data.load(name, valid_fraction=0) for name in names}
statistics = tables.dataset_statistics(splits)
comparison = tables.compare_statistics(statistics, baselines.published_statistics())
frames, missing, total = baselines.collect(params)
records = frames["baselines/main"]
chapters.glue_all(baselines.numbers(records, comparison))
chapters.smoke_notice(params.profile)

# %% [markdown]
# ## The data sets
#
# Every data set comes from the registry (`xmlstudy.data`): its raw files are checked against
# their sha256 and converted once. The statistics below are computed from the loaded data over
# the source's own train and test splits (for sources without a split, the study's seeded 80/20
# split; see {doc}`../book/protocol`).

# %% tags=["remove-input"]
sizes = ["train", "test", "samples", "features", "labels"]
display(tables.styled(statistics[sizes], "Sizes of the data sets as loaded"))
display(tables.styled(statistics.drop(columns=sizes).rename(columns=tables.STATISTIC_NAMES),
                      "Labels of the data sets (train + test)", digits=2))

# %% [markdown]
# ### Against the papers' tables
#
# The papers print statistics for the data sets they use: DXML's Table 1, Rank-AE's Table 1
# and C-GMVAE's Table 6. Each row below holds one table's numbers for
# one data set, checked against the same statistics computed here: a cell shows the computed value
# where it agrees with the paper, and "computed ≠ printed", highlighted, where it does not (counts
# must be equal, averages within 1%). Data sets the study does not have (Mediamill, EURLex, the
# large Extreme Classification Repository sets, eBird, ...) are left out.

# %% tags=["remove-input"]
sizes = ["train", "test", "samples", "features", "labels"]
display(tables.statistics_side_by_side(comparison, sizes, "Sizes: computed here (≠ the paper's)"))
display(tables.statistics_side_by_side(comparison, [s for s in tables.STATISTICS if s not in sizes],
                                       "Label statistics: computed here (≠ the paper's)"))

# %% [markdown]
# Of {glue:text}`n_statistics_checked` published statistics of data sets the study has,
# {glue:text}`n_statistics_disagree` disagree with the data as loaded here:
# {glue:text}`statistics_disagree_list`. The papers do not say how their derived columns were
# computed, and C-GMVAE's authors never released their preprocessing for these data sets, so a
# disagreement there is reported, not explained away.

# %% [markdown]
# ## The long tail
#
# Extreme multi-label data are dominated by rare labels: a few labels occur in many samples and
# most occur in a handful. The number of training samples per label, sorted, shows it; the share
# of labels with at most five training samples is where ranking-based metrics and propensity
# scoring ({doc}`../book/protocol`) matter most.

# %% tags=["remove-cell"]
fig = figures.label_frequency({name: split.train for name, split in splits.items()})
chapters.glue_figure("fig_label_frequency", fig)

# %% [markdown]
# ```{glue:figure} fig_label_frequency
# :name: fig-label-frequency
#
# Training samples of every label, labels sorted from the most to the least frequent (log-log
# axes), one panel per data set; each title gives the share of labels with at most five training
# samples.
# ```

# %% [markdown]
# ## Baselines
#
# Three standard methods, each choosing its own setting on a validation split carved from train
# (never on test):
#
# - {ref}`kNN <method-knn>`: cosine k-nearest neighbours {cite:p}`cover1967nearest`; a label's
#   score is the similarity-weighted vote of the neighbours ($k$ chosen on validation);
# - {ref}`one-vs-rest <method-ovr-linear>`: one logistic-regression classifier per label (binary
#   relevance {cite:p}`zhang2018binary`, by scikit-learn's liblinear {cite:p}`pedregosa2011scikit`;
#   $C$ chosen on validation);
# - {ref}`Parabel <method-parabel>`: Parabel-style partitioned label trees
#   {cite:p}`prabhu2018parabel` from the `omikuji` library {cite:p}`dong2019omikuji`.
#
# The study's deep baseline, which no paper ran and which the cross-paper chapters
# ({doc}`synthesis`, {doc}`scale`) run beside every paper's model, is
# {ref}`MLP (BCE) <method-mlp-bce>`: a perceptron with two hidden layers of 512 leaky-ReLU units
# and dropout, from the features to one logit per label, trained with binary cross-entropy on
# every label, which {cite:t}`nam2014large` found to train multi-label networks better than a
# pairwise ranking loss. Every method's definition, source, colour and marker are in
# {doc}`../book/methods`.
#
# Records come from `results/baselines/main.jsonl` when they exist and are computed otherwise
# (`python -m xmlstudy run --paper baselines` regenerates them).
# The table gives mean ± standard deviation over seeds, in percent. kNN and one-vs-rest are
# deterministic given the data (the validation split is the same for every seed), so their spread
# over seeds is exactly ± 0.00; Parabel's trees depend on the seed.

# %% tags=["remove-input"]
tables.styled(tables.summary_table(methods.named(records), baselines.RANKING),
              "Ranking metrics of the baselines (%), mean ± std over seeds")

# %% [markdown]
# The set metrics (example-, micro- and macro-F1, Hamming accuracy) need a threshold on the
# scores; here it is the one chosen on validation per metric (the protocol's "validation" rule).

# %% tags=["remove-input"]
tables.styled(tables.summary_table(methods.named(records), baselines.SET_METRICS).rename(columns=lambda c: c.split("/")[-1]),
              "Set metrics of the baselines (%, thresholds chosen on validation)")

# %% [markdown]
# Over {glue:text}`n_baseline_datasets` data sets ({glue:text}`n_baseline_records` records),
# the best baseline by P@1 (percent) is — {glue:text}`best_baseline_list`.
# {glue:text}`most_wins_method` is best on {glue:text}`most_wins_count` of them.

# %% [markdown]
# ### Against published baseline numbers
#
# The DXML paper prints kNN and one-vs-all numbers for Bibtex and Delicious, and the Extreme
# Classification Repository lists Parabel on both; "matches" means within one point, in percent.
# These published runs used other implementations and settings, so a difference is a fact about
# the baselines, not a verdict on a paper.

# %% tags=["remove-input"]
tables.styled(baselines.versus_published(records), "Our baselines beside published numbers (%)",
              digits=2, index=False)

# %% [markdown]
# {glue:text}`n_versus_matches` of {glue:text}`n_versus` published baseline numbers are matched
# within one point.

# %% [markdown]
# ## How this page was made
#
# ```bash
# make book                                  # every page, from the records
# python -m xmlstudy run --paper baselines   # recompute the baseline records
# .venv/bin/papermill notebooks/data_and_baselines.ipynb out.ipynb \
#     -p profile full -y "datasets: [bibtex]"
# ```
#
# The records behind the tables (the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(tables.provenance(records), index=False)
