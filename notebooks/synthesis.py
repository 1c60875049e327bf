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
# # Common ground: every method on every data set
#
# Each of the four papers compared its method with rivals of its own choosing, on its own data,
# splits, metrics and threshold rules, and none reported seeds, significance or cost. This
# chapter puts every method of the study side by side under one protocol: the data sets' own
# splits with validation carved from train, each method's settings as its chapter chose them (a
# data set its chapter did not search gets the chapter's defaults), thresholds for the set
# metrics chosen on validation, three seeds. A cell a chapter already ran is read from that
# chapter's records; the others are experiment `benchmark` of this chapter. Then what no paper
# measured, for every method: label noise, fewer training rows, cost and tail labels.
# Everything is computed by {py:mod}`xmlstudy.chapters.synthesis` from the records in
# `results/`; `python -m xmlstudy run --paper synthesis` runs what is missing.

# %% tags=["parameters"]
# "smoke": every code path on a few hundred rows; "full": the recorded runs
profile = "full"
resamples = 10000   # bootstrap resamples of the test rows
device = "auto"     # "auto" uses a GPU when one is visible
# False: show only the records that exist (e.g. while the grid still runs)
run_missing = True
# None: records computed here go to the study's results folder; or a folder of your
# own for them (created if missing; the committed records are still read)
results_dir = None

# %% tags=["remove-cell"]
from xmlstudy.chapters import synthesis

params = synthesis.validate(globals())

# %% tags=["remove-input"]
from IPython.display import Markdown, display

from xmlstudy import chapters, tables

frames, missing, total = synthesis.collect(params)
bench = synthesis.benchmark_records(frames)
chapters.glue_all(synthesis.numbers(frames))
chapters.smoke_notice(params.profile)
chapters.missing_notice(missing, total)

# %% [markdown]
# (synthesis-claims)=
# ## The papers' headline claims, on common ground
#
# Each paper's "better than the rest" claim, judged against every method of the study rather
# than the rivals the paper chose, and the two claims the papers tested for their own method
# only (noise for Rank-AE, fewer data for C-GMVAE), now against all. A claim about several
# metrics (P@k, the F1 scores) is judged on their mean per run. A method "better than the rest"
# is "reproduced" when it has the best average rank over the data sets where every method ran
# (a shared first place counts); otherwise each method is compared with the first by a one-sided
# Wilcoxon signed-rank test on the paired (data set, seed) scores, Holm-corrected over all of
# them: "partly" when the test cannot tell the claimed method from the first, "not reproduced"
# when it can. Under noise and on few rows, a setting counts when the claimed method loses the
# least (or scores best), or is within {glue:text}`rule_tie` points of the best; "reproduced"
# when every setting counts, "partly" when at least {glue:text}`rule_partly` do. A verdict reads
# at least {glue:text}`rule_min_runs` seeds of every run it compares.

# %% tags=["remove-input"]
chapters.show_claims(synthesis.CLAIMS, frames);

# %% [markdown]
# What the common ground shows that none of the papers measured (the sections below hold the
# evidence).

# %% tags=["remove-cell"]
lead = synthesis.bootstrap_table(bench, frames["synthesis/rows"], params.resamples)
chapters.glue_all(synthesis.findings(frames, lead))
noise = synthesis.noise_records(frames)
fewer = synthesis.fewer_records(frames)

# %% [markdown]
# **Leads.** The best method's P@1 lead over the runner-up survives a paired bootstrap on
# {glue:text}`lead_held` of {glue:text}`lead_tested` data sets ({glue:text}`lead_held_where`); on
# the others the top two are not told apart. Data sets not yet tested, for want of per-row
# outcomes: {glue:text}`lead_untested`.
#
# **Noise.** Per data set and kind of noise, the method that loses the least P@1 at
# {glue:text}`noise_rate` noisy labels (the change from its clean labels' P@1, among the methods
# with noise records there), and the method with the highest P@1 at that rate:

# %% tags=["remove-input"]
least = synthesis.least_lost(noise)
display(tables.styled(least, "Least P@1 lost under label noise", digits=1, index=False) if len(least)
        else Markdown("*No data set has noise records of three methods yet.*"))

# %% [markdown]
# **Fewer rows.** Per data set, the best macro-F1 (validation thresholds) on 10% of train:

# %% tags=["remove-input"]
best = synthesis.best_at_tenth(fewer)
display(tables.styled(best, "Best macro-F1 on 10% of train", digits=2, index=False) if len(best)
        else Markdown("*No data set has 10% records of three methods yet.*"))

# %% [markdown]
# Cells (method and share of train) that early stopping ended in their first plateau, under half
# their score on all of train: {glue:text}`far_stalled_n` ({glue:text}`far_stalled`). Run again
# without early stopping, {glue:text}`patience_recover` recover; {glue:text}`patience_stay` stay
# on their plateau.
#
# **Cost.** On the P@1-for-fit-time frontier (fit times taken alone on the machine, for
# {glue:text}`cost_cells` cells so far), times over {glue:text}`frontier_datasets` data sets:
# {glue:text}`frontier_counts`.
#
# **Tail labels.** Best recall@5 on the rarest quarter of the labels, data sets won (of
# {glue:text}`tail_datasets`; a win needs a second method with a value, and a lead at the two
# decimals shown): {glue:text}`tail_wins`. No winner: {glue:text}`tail_no_winner`.

# %% [markdown]
# (synthesis-benchmark)=
# ## The benchmark
#
# {glue:text}`n_cells` of the {glue:text}`n_possible` method and data set pairs have records
# ({glue:text}`n_reused` of them from the chapters); {glue:text}`n_budget` are left out for the
# machine's budget ("budget"), and "to run" marks a cell of this chapter's grid without a record
# yet. P@1 and macro-F1 in percent, mean ± standard deviation over seeds, then PSP@5 (collapsed):

# %% tags=["remove-input"]
display(tables.styled(synthesis.benchmark_table(bench, "P@1"), "P@1 (%), every method on every data set"))
tables.styled(synthesis.benchmark_table(bench, "validation/ma-F1"), "Macro-F1 (%), thresholds chosen on validation")

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(synthesis.benchmark_table(bench, "PSP@5"), "PSP@5 (%), propensity-scored precision")

# %% [markdown]
# (synthesis-ranks)=
# ## Ranks across data sets
#
# Every method ranked on every data set where all of them ran (1 = best), the ranks averaged
# (the Rank-AE paper's summary row, now over everything), with Friedman's test
# {cite:p}`friedman1937use` that all methods are equal; methods with equal scores on a data set share their rank. The last two columns rank
# the mean of P@1, P@3 and P@5 and the mean of the three F1 scores per run, on which the headline
# claims are judged. First on P@1 over {glue:text}`p1_datasets` data sets: {glue:text}`p1_first`
# ({glue:text}`p1_first_rank`; Friedman p = {glue:text}`p1_friedman_p`, critical difference
# {glue:text}`p1_cd`); on macro-F1, {glue:text}`maf1_first` ({glue:text}`maf1_first_rank`).

# %% tags=["remove-input"]
tables.styled(synthesis.rank_table(bench), "Average rank per metric, and Friedman's p-value", digits=2)

# %% [markdown]
# The critical-difference diagrams of {cite:t}`demsar2006statistical`: methods joined by a red
# bar are not told apart by Nemenyi's test at α = 0.05, a test whose verdict on two methods also
# depends on the other methods ranked with them {cite:p}`benavoli2016should`.

# %% [markdown]
# On P@1 every method has records on {glue:text}`p1_datasets` of {glue:text}`p1_with_records`
# data sets ({glue:text}`p1_complete`). Out for cells over the machine's budget:
# {glue:text}`p1_budget`; still to run: {glue:text}`p1_to_run`.

# %% tags=["remove-cell"]
chapters.glue_figure("synthesis_fig_cd_p1", synthesis.critical_difference_figure(bench, "P@1"),
                     "No diagram yet: it needs every method on at least two data sets.")

# %% [markdown]
# ```{glue:figure} synthesis_fig_cd_p1
# :name: fig-synthesis-cd-p1
#
# Average ranks on P@1 (1 = best, on the left). Methods joined by a red bar are not told apart
# by Nemenyi's test; the bar at the top is the critical difference. ‡: a failed seed or a stalled
# fit enters the method's ranks (the runs are named under the table of average ranks).
# ```

# %% [markdown]
# On macro-F1 every method has records on {glue:text}`maf1_datasets` of
# {glue:text}`maf1_with_records` data sets ({glue:text}`maf1_complete`). Out for cells over the
# machine's budget: {glue:text}`maf1_budget`; still to run: {glue:text}`maf1_to_run`.

# %% tags=["remove-cell"]
chapters.glue_figure("synthesis_fig_cd_maf1", synthesis.critical_difference_figure(bench, "validation/ma-F1"),
                     "No diagram yet: it needs every method on at least two data sets.")

# %% [markdown]
# ```{glue:figure} synthesis_fig_cd_maf1
# :name: fig-synthesis-cd-maf1
#
# Average ranks on macro-F1 with validation thresholds, drawn as for P@1.
# ```

# %% [markdown]
# (synthesis-bootstrap)=
# ## Does the best method's lead hold?
#
# Per data set, the best method on P@1 against the runner-up: the difference of their P@1 over
# the same test rows, with a 95% paired bootstrap interval (test rows resampled with
# replacement, each row scored by its top-1 hit rate over the three seeds). The lead holds when the interval excludes 0.
# The chapters' records predate per-row outcomes, so the two leaders of each data set were run
# again with the same configurations (experiment `rows`). kNN and one-vs-rest repeat their P@1
# exactly; the methods with a stochastic fit move by up to {glue:text}`rows_max_shift` points in
# their mean over seeds (another CPU and commit than the chapters' runs), within about their
# spread over seeds. The leads are counted at the top of the page; each is in the table below
# (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(lead, "Best against runner-up, P@1 (points)", index=False)

# %% [markdown]
# (synthesis-noise)=
# ## Label noise, for every method
#
# Missing and missing + invalid labels ({ref}`protocol-noise`) in {glue:text}`noise_rates` of
# the training labels, on the Rank-AE
# chapter's IMDB-F subset (27,417 / 6,740 rows, its clean 20% validation split) and on
# delicious; validation and test stay clean, seed 0. Each curve starts from a run of the same
# configuration on clean labels, and Rank-AE and Rank-AE with BCE loss are not refit on
# train + validation, so
# no noisy model sees the clean validation labels. Each method keeps its own rule for choosing
# its epoch or setting on the clean validation split: mean P@1,3,5 for kNN, one-vs-rest, DXML,
# Rank-AE and Rank-AE with BCE loss; macro-F1 over thresholds for C2AE, C-GMVAE and
# {ref}`MLP (BCE) <method-mlp-bce>`, as the official
# C-GMVAE code does. The P@1 of the latter three can therefore jump between neighbouring noise
# rates: the epoch that is best on macro-F1 need not be good on P@1.

# %% tags=["remove-cell"]
chapters.glue_figure("synthesis_fig_noise", synthesis.noise_figure(noise), "No noise records yet.")

# %% [markdown]
# ```{glue:figure} synthesis_fig_noise
# :name: fig-synthesis-noise
#
# P@1 (left) and macro-F1 with validation thresholds (right) against the share of noisy
# training labels, one row of panels per data set and kind of noise, one line per method (seed 0),
# in the form of Rank-AE's Figure 3.
# ```
#
# How much of its clean score each method keeps at the highest noise rate, as the relative drop
# (%; lower is better):

# %% tags=["remove-input"]
tables.styled(synthesis.noise_drops(noise), f"Relative drop at {synthesis.NOISE_RATES[-1]:.0%} noise (%)", digits=1)

# %% [markdown]
# Every point of the curves (the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(synthesis.noise_table(noise, "P@1"), "P@1 (%) under label noise", digits=2, index=False)

# %% [markdown]
# (synthesis-fewer-data)=
# ## Fewer training rows, for every method
#
# The same nested subsets of the training rows for every method ({glue:text}`fewer_fractions`),
# three seeds; macro-F1 with validation thresholds relative to C2AE at the same fraction (%, the
# form of C-GMVAE's Figure 2; the first table below, collapsed), then absolute.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(synthesis.fewer_wide(synthesis.fewer_table(fewer, relative=True)), "Macro-F1 relative to C2AE (%)", digits=1)

# %% tags=["remove-input"]
tables.styled(synthesis.fewer_wide(synthesis.fewer_table(fewer)), "Macro-F1 (%) by share of train", digits=1)

# %% [markdown]
# A deep model often starts on a plateau where its validation score does not move, and early
# stopping (a patience of {glue:text}`fewer_patience` in these runs, by method and data set, as
# each chapter's settings give it) ends a run that stays there
# for a patience window. The runs below have their best validation epoch among the first
# {glue:text}`stall_epochs`. An early best epoch alone can also be a model that learns fast; where
# the score is under half the method's on all of train (marked), the stopping rule may be as much
# the cause as the number of rows (the check after the table tests that), and only these rows count
# in the findings. A ratio to C2AE is only as sound as C2AE's own run: where C2AE stalled, every ratio of
# that data set and share explodes. These runs are in the table below (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
stalled = synthesis.stalled(fewer)
if len(stalled):
    display(tables.styled(stalled, "Runs that early stopping ended in their first epochs (macro-F1, %)",
                          digits=2, index=False))
else:
    display(Markdown("No fewer-rows run stopped that early."))

# %% [markdown]
# Is it the stopping rule or the rows? C2AE, C-GMVAE and MLP (BCE), the models that choose their
# epoch on validation macro-F1, ran again on 10% of bibtex and delicious without early stopping:
# all their epochs, the best one on validation kept (experiment `patience`, three seeds; the table
# below, collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
check = synthesis.patience_table(frames)
if len(check):
    display(tables.styled(check, "10% of train, with and without early stopping", digits=1))
else:
    display(Markdown("No records of experiment `patience` yet."))

# %% [markdown]
# Without early stopping, {glue:text}`patience_recover` recover (macro-F1 at least
# {glue:text}`recovery_factor` times and {glue:text}`recovery_points` point above the stopped
# runs'); {glue:text}`patience_stay` stay on their plateau for all epochs, so there it is not the
# stopping rule that holds them back.

# %% tags=["remove-cell"]
chapters.glue_figure("synthesis_fig_fewer", synthesis.fewer_figure(fewer), "No fewer-data records yet.")

# %% [markdown]
# ```{glue:figure} synthesis_fig_fewer
# :name: fig-synthesis-fewer
#
# Macro-F1 with validation thresholds against the share of the training rows, one line per
# method, mean over three seeds (C-GMVAE's Figure 2 in absolute form; the relative form is the
# first table above, collapsed).
# ```

# %% [markdown]
# (synthesis-cost)=
# ## Cost
#
# What one run of each benchmark cell costs: the fit time and the prediction time of the test set
# (seconds, one CPU thread), the peak memory growth during fit and prediction (MB), and the
# number of trained parameters where a model has them. `python -m xmlstudy bench cost` ran seed
# 0's configuration of each cell again, one at a time in a fresh process, with nothing else on
# the machine (the other processes' use of the CPU is recorded with each time, and a time taken
# beside more than a fifth of a core of other work is not shown); the grid's own times are not
# used, since its runs share the CPU. {glue:text}`cost_cells` cells are timed so far. The four
# tables below are collapsed; {numref}`fig-synthesis-pareto` sets fit time against P@1.

# %% mystnb={"code_prompt_hide": "Hide the tables", "code_prompt_show": "Show the tables"} tags=["remove-input", "hide-output"]
costs = synthesis.cost_records(frames[synthesis.COST], bench)
if len(costs):
    display(tables.styled(synthesis.cost_table(costs, "fit_s"), "Fit time (s)", digits=1))
    display(tables.styled(synthesis.cost_table(costs, "predict_s", 2), "Prediction time of the test set (s)", digits=2))
    display(tables.styled(synthesis.cost_table(costs, "peak_memory_mb", 0), "Peak memory (MB)", digits=0))
    display(tables.styled(synthesis.cost_table(costs, "n_parameters", 0), "Trained parameters", digits=0))
else:
    display(Markdown("*No cell has been timed alone yet: `python -m xmlstudy bench cost` writes "
                     "`results/benchmark/cost.jsonl`, on a quiet machine.*"))

# %% tags=["remove-cell"]
chapters.glue_figure("synthesis_fig_pareto", synthesis.pareto_figure(bench, costs),
                     "No cell has been timed alone yet, so no figure.")

# %% [markdown]
# ```{glue:figure} synthesis_fig_pareto
# :name: fig-synthesis-pareto
#
# P@1 (mean over seeds) against the fit time of seed 0 timed alone (log scale) per data set, one
# dot per method. Ringed and named: the methods no other beats on both, the accuracy-for-time
# frontier.
# ```

# %% [markdown]
# (synthesis-tail)=
# ## Tail labels
#
# Several of the papers argue for rare labels and none measured them. PSP@5 is in the
# benchmark above (collapsed); here recall@5 on the rarest quarter of each data set's labels (by
# training frequency), in percent, from the records that keep it (the table below, collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(synthesis.tail_table(bench), "Recall@5 on the rarest quarter of the labels (%)", digits=2)

# %% [markdown]
# (synthesis-extreme)=
# ## At extreme scale: debian-deps
#
# None of the data sets above has more than 983 labels. debian-deps, built from the Debian 12
# package indexes (a package's description; the packages it depends on as its labels), has
# 14,099 labels, and no paper tuned for it. The runs are the Scale chapter's, which judges the
# papers' claims about scale ({ref}`scale-claims`); here they are read like the benchmark above. {glue:text}`extreme_ran` methods have runs so far, and the best by the mean of
# P@1, P@3 and P@5 is {glue:text}`extreme_best`. Row by row over the test set,
# {glue:text}`extreme_lead`. Recall@5 on the rarest quarter of the labels is highest for
# {glue:text}`extreme_rare_best`. A method's cost is the CPU hours one run takes, measured alone
# on the machine by `python -m xmlstudy bench budget` (the table, collapsed).

# %% tags=["remove-cell"]
extreme_lead = synthesis.extreme_lead(frames, params.resamples)
chapters.glue_all(synthesis.extreme_numbers(frames, extreme_lead))

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(synthesis.extreme_table(frames), "debian-deps (14,099 labels): accuracy, rank, "
              "rare labels and cost", digits=2, index=False)

# %% [markdown]
# ## How this page was made
#
# `make book` builds it from the committed records; the records behind it are in the table below
# (collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(tables.provenance(bench), index=False)
