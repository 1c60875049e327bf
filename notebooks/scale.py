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
# # Scale: fourteen thousand labels
#
# Three of the four papers speak of extreme label counts: DXML reports its accuracy and its
# times on Wiki10-31K, Delicious-200K and Amazon-670K, Rank-AE says its loss is linear in the
# number of labels where C2AE's is not, and C-GMVAE's lead over the baselines was shown on at
# most 983 labels. The study's other data sets stop near a thousand labels. This chapter runs
# every method of the cross-paper chapter that reads feature vectors on a real data set with
# {glue:text}`scale_labels` labels, says which methods this study's machine cannot afford there
# and what they would cost, and measures how each method's cost grows with the number of labels
# on synthetic data. Everything is computed by {py:mod}`xmlstudy.chapters.scale` from the records
# in `results/`; `python -m xmlstudy run --paper scale` runs what is missing.

# %% tags=["parameters"]
# "smoke": every code path on a few hundred rows; "full": the recorded runs
profile = "full"
device = "auto"     # "auto" uses a GPU when one is visible
# True: compute the records that are missing (the full grid takes tens of CPU hours);
# False: show only those that exist; None: compute them in smoke only
run_missing = None
# a folder for the records this run computes (None: the study's own results folders)
results_dir = None

# %% tags=["remove-cell"]
from xmlstudy.chapters import scale

params = scale.validate(globals())

# %% tags=["remove-input"]
from IPython.display import Markdown, display

from xmlstudy import chapters, tables

frames, missing, total = scale.collect(params)
chapters.glue_all(scale.numbers(frames, missing, total))
chapters.smoke_notice(params.profile)
chapters.missing_notice(missing, total)

# %% [markdown]
# (scale-claims)=
# ## The papers' claims about scale
#
# A method is "more accurate" than the field's baselines (kNN, one-vs-rest and Parabel) when, on
# the mean of P@1, P@3, P@5, nDCG@5 and PSP@5 per seed, it is above each baseline by more than
# the seed noise: a one-sided paired t-test over seeds per baseline (a deterministic baseline's
# one run paired with every seed), Holm-corrected over the three at
# {glue:text}`scale_alpha`. It is "competitive" when its mean over seeds is at most
# {glue:text}`scale_tolerance` points below the best baseline's, or above, on each of the five
# metrics. Counted checks give "reproduced" when all hold, "partly" when at least half do. A
# cost grows "linearly" when its exponent in L is at most {glue:text}`scale_growth_line` (1,
# with room for timing noise). A method "does not scale" when its runs on debian-deps take more
# than {glue:text}`scale_day_hours` hours of one core even if early stopping ends each run as
# soon as it can; a measured range that straddles the day cannot tell.

# %% tags=["remove-input"]
chapters.show_claims(scale.CLAIMS, frames);

# %% [markdown]
# (scale-data)=
# ## The data: Debian package descriptions and their dependencies
#
# `debian-deps` pairs the English description of every package of Debian 12 (main, amd64) with
# the packages it depends on. Its rows are split by source package, so that the near-identical
# descriptions of `libfoo1`, `libfoo-dev` and `libfoo-doc` never sit on both sides of a split
# (the test `tests/test_debian.py` checks that every source package of the index lies on one
# side): {glue:text}`scale_train` training rows, {glue:text}`scale_valid` for validation and
# {glue:text}`scale_test` for test, drawn over {glue:text}`scale_sources` source packages. The
# features are the tf-idf weights of {glue:text}`scale_features` words; the
# {glue:text}`scale_labels` labels are the depended-on packages that at least two training rows
# carry (of {glue:text}`scale_raw_labels` in the whole index): a long tail, as in the papers'
# extreme data sets.
#
# Each method runs with the settings of the methods registry. Where a method has settings per
# data set (C-GMVAE, C2AE and the Rank-AE family), it takes reuters' (sparse tf-idf of text, the
# same kind of features); nothing was searched on debian-deps. {glue:text}`scale_deterministic`
# draw no random number that changes their result (every one of their committed records on
# every data set scores the same on seeds 0, 1 and 2), so they run once; the others run with
# seeds 0, 1 and 2.

# %% [markdown]
# (scale-debian)=
# ## Accuracy at 14,099 labels
#
# {glue:text}`scale_runs_done` of the grid's {glue:text}`scale_runs_total` runs have records. In
# percent, mean ± standard deviation over seeds; a deterministic method's single run is shown as
# it is. The best P@1 so far: {glue:text}`scale_best_p1`. PSP@5 weighs each correct label by the
# inverse of its propensity {cite:p}`jain2016extreme`, so it rewards the rare labels of the tail.

# %% tags=["remove-input"]
tables.styled(scale.results_table(frames), "debian-deps: P@k, nDCG@5 and PSP@5 (%)", index=False)

# %% [markdown]
# (scale-budget)=
# ## What did not fit, and what it would cost
#
# The study's records are made on a machine with two CPU cores, shared with other work, and
# 24 GB of memory. Before the grid ran, each method whose cost was in doubt was measured on a
# piece of debian-deps with its grid settings, in a fresh process, and its runs multiplied out
# (`python -m xmlstudy bench budget`, see {py:mod}`xmlstudy.benchmarks.budget`): for the methods
# trained in epochs, the CPU seconds of one epoch from two short fits, times the fewest epochs
# early stopping allows and the most the budget allows; for one-vs-rest, the CPU seconds of one
# liblinear fit, times one fit per label and value of C. A method whose runs cannot finish
# within {glue:text}`scale_day_hours` hours of one core is left out of the grid: here,
# {glue:text}`scale_over_budget`.

# %% tags=["remove-input"]
display(tables.styled(scale.left_out(frames), "Left out of the grid", index=False))
budget = scale.budget_table(frames)
if len(budget):
    display(tables.styled(budget, "Measured cost on debian-deps (CPU hours of one core)", index=False))
else:
    display(Markdown("*No budget records yet: `python -m xmlstudy bench budget --paper scale "
                     "--methods ...` writes them to `results/benchmark/budget.jsonl`.*"))

# %% [markdown]
# The command behind these records: `{glue:text}`scale_budget_command``. The probes measure CPU
# time, not wall-clock time, so that the other work on the machine does not inflate them. A probe
# counts as alone when the rest of the machine used under 0.2 of a core while it ran (the
# machine's CPU time less the probe's own); a probe that shared the CPU is shown but judges
# nothing. The grid's own runs share the machine, so their timings are not costs and this page
# shows none of them.

# %% [markdown]
# (scale-growth)=
# ## Cost against the number of labels
#
# `python -m xmlstudy bench scale` draws synthetic data with planted structure at a series of
# label counts (here {glue:text}`scale_bench_labels`, with N = {glue:text}`scale_bench_N` rows and
# D = {glue:text}`scale_bench_D` features) and fits each of {glue:text}`scale_bench_methods`
# methods with its default settings, each (method, L) alone in a fresh process under a time and
# a memory limit, on a machine with nothing else running. Its records hold the seconds of fit and
# prediction, the peak memory, and the limit a run met. {glue:text}`scale_bench_busy` of its runs
# saw other work on the machine (other processes using more than 0.2 of a core while it ran),
# which would slow them; such a size is measured again by the next run of the benchmark, and the
# latest record of each size is the one shown.

# %% tags=["remove-input"]
growth = scale.growth_table(frames)
if len(growth):
    display(tables.styled(scale.scale_table(frames), "Scale benchmark per method and L", digits=2,
                          index=False))
    display(tables.styled(growth, "Growth exponents in L (slope of log cost against log L)",
                          digits=2, index=False))
else:
    display(Markdown("*No scale benchmark records yet: `python -m xmlstudy bench scale` writes "
                     "them to `results/benchmark/scale.jsonl`, on a quiet machine.*"))

# %% tags=["remove-cell"]
chapters.glue_figure("scale_fig_cost", scale.cost_figure(frames),
                     "No scale benchmark records yet, so no figure.")

# %% [markdown]
# ```{glue:figure} scale_fig_cost
# :name: fig-scale-cost
#
# Fit seconds, prediction seconds and peak memory against the number of labels L (log-log), one
# line per method; a cross at the top marks the label count at which a method met a limit.
# ```
#
# Rank-AE's fit time grows as L to the power {glue:text}`scale_rankae_exponent`. Its loss alone
# is linear in L by construction (the Rank-AE chapter times it against binary cross-entropy); the
# exponent here is the whole method's, decoder and prediction included.

# %% [markdown]
# (scale-scoring)=
# ## Scoring without an N x L matrix
#
# Every run above is scored batch by batch: the top labels of each batch of rows by a partial
# sort, the ranking metrics from them, and the thresholded F1 scores from counts accumulated over
# the candidate thresholds, so that no matrix of all rows by all labels is ever held.
# `python -m xmlstudy bench evaluate` times this against the dense matrices it replaced, on
# synthetic scores, alone on the machine: {glue:text}`scale_scoring`.

# %% tags=["remove-input"]
scoring = scale.scoring_table(frames)
if len(scoring):
    display(tables.styled(scoring, "Scoring N rows: batch by batch against dense matrices",
                          digits=1, index=False))
else:
    display(Markdown("*No records yet: `python -m xmlstudy bench evaluate` writes them to "
                     "`results/benchmark/evaluate.jsonl`, on a quiet machine.*"))

# %% [markdown]
# (scale-dxml-times)=
# ## DXML's Table 6 beside the benchmark
#
# DXML's Table 6 gives its training time on {glue:text}`scale_dxml_train_hardware` and its test
# time on {glue:text}`scale_dxml_test_hardware`. Beside them, the scale benchmark's DXML
# extrapolated to each data set's number of labels: its seconds at the largest L it completed,
# times the ratio of label counts to the power of its growth exponent
# ({glue:text}`scale_dxml_exponent` for the fit). The extrapolation holds N and D at the
# benchmark's values, runs on one CPU thread, and has no GPU: it says how the cost grows with L
# on this machine, not what DXML would take on the paper's data.

# %% tags=["remove-input"]
tables.styled(scale.dxml_times(frames), "DXML's Table 6 (seconds) and the benchmark's DXML extrapolated",
              digits=0, index=False)

# %% [markdown]
# ## How this page was made
#
# `make book` builds it from the committed records; the records behind the accuracy table are in
# the table below (collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(tables.provenance(frames["scale/debian"]), index=False)
