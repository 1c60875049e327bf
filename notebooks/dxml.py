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
# Zhang, Yan, Wang and Zha (*Deep Extreme Multi-label Learning*, ICMR 2018) {cite:p}`zhang2018deep`
# map both sides of a multi-label problem into one low-dimensional space. Labels become vectors by
# running **DeepWalk** {cite:p}`perozzi2014deepwalk` on a *label graph* (an edge between two labels
# that ever appear together); a sample's label set becomes the mean of its labels' vectors, $f_y = Vy/\mathrm{nnz}(y)$. A two-layer network with a
# ReLU maps the L2-normalised features to a unit vector $f_x$ and is trained to bring $f_x$ close
# to $f_y$ under the smooth-L1 loss. To predict, the training embeddings are partitioned by
# k-means; a test point goes to its nearest centroid and takes the label distribution of its $k$
# nearest training neighbours in that cluster. The paper reports P@k and nDCG@k on three small and
# three large data sets against SLEEC {cite:p}`bhatia2015sparse`, FastXML
# {cite:p}`prabhu2014fastxml`, LEML {cite:p}`yu2014large` and others, averaged over ten
# train-test splits.
#
# This chapter re-implements the method ({py:mod}`xmlstudy.models.dxml`; no official code exists),
# reruns it on the paper's two small data sets that are public (Bibtex, Delicious) and on three it
# did not use, and judges each claim on the records. Everything on this page is computed by
# {py:mod}`xmlstudy.chapters.dxml` from the records in `results/dxml/` and `results/baselines/`.

# %% [markdown]
# ```{admonition} Key results
# :class: tip
#
# * Bibtex P@1 {glue:text}`dxml_ours_bibtex` on the data set's own split (mean over seeds) against
#   the paper's {glue:text}`dxml_paper_bibtex_P@1`; Delicious {glue:text}`dxml_ours_delicious`
#   against {glue:text}`dxml_paper_delicious_P@1`.
# * Of the paper's {glue:text}`dxml_split_n_compared` P@k and nDCG@k numbers on these two data
#   sets, {glue:text}`dxml_split_n_matches` are reached within {glue:text}`dxml_tolerance` points
#   on ten random splits of the paper's sizes, and {glue:text}`dxml_n_matches` on the data sets'
#   own split.
# * The best of this study's baselines reaches P@1 {glue:text}`dxml_best_baseline_p1_bibtex` on
#   Bibtex ({glue:text}`dxml_best_baseline_bibtex`) and
#   {glue:text}`dxml_best_baseline_p1_delicious` on Delicious
#   ({glue:text}`dxml_best_baseline_delicious`).
# * Without its ReLU, the network's P@1, P@3 and P@5 lie {glue:text}`dxml_vs_dxml-linear_min` to
#   {glue:text}`dxml_vs_dxml-linear_max` points from DXML's over the data sets (linear minus
#   DXML).
# ```

# %% tags=["parameters"]
# "smoke": every code path on a few hundred rows; "full": the recorded runs
profile = "full"
# None: the grid's data sets; or a subset of bibtex, delicious, corel5k, imdb,
# reuters
datasets = None
# None: the grid's seeds (0, 1, 2 in full; 0 in smoke); or a list of ints
seeds = None
device = "auto"     # "auto" uses a GPU when one is visible
# DeepWalk walks started per label; None: the study's choice
walks_per_node = None
walk_length = None      # DeepWalk walk length; None: the study's choice
window = None           # Word2Vec window; None: the study's choice
batch_size = None       # mini-batch size; None: the study's choice
# dropout after the last layer; None: the study's choice
dropout = None
# percentage points a mean may fall below a published number and still match it (the
# rulebook's tolerance, for every verdict and table of this page)
tolerance = 1.5
embedding_dataset = "bibtex"   # whose DeepWalk label vectors are drawn
# a data set of your own, both files or neither: its train file (Extreme Classification
# Repository text, or Mulan/MEKA ARFF with the Mulan .xml beside it)
xc_train = None
xc_test = None          # and its test file, needed with xc_train
# False: show only the records that exist (e.g. while the grid still runs)
run_missing = True
# None: records computed here go to the study's results folder; or a folder of your
# own for them (created if missing; the committed records are still read)
results_dir = None

# %% tags=["remove-cell"]
from xmlstudy.chapters import dxml

params = dxml.validate(globals())

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display
from myst_nb import glue

from xmlstudy import chapters, tables

frames, missing, total = dxml.collect(params)
chapters.glue_all(dxml.numbers(frames, params))
chapters.smoke_notice(params.profile)
chapters.missing_notice(missing, total)

# %% [markdown]
# (dxml-claims)=
# ## The claims, and what held
#
# Each claim of the paper, where it stands in the paper, and the verdict computed from this
# study's records by the study's rules. A published number is reached when DXML's mean over
# seeds is at most {glue:text}`dxml_tolerance` points below it, or above it. "Outperforms" needs
# a gain larger than the seed noise: per data set, a one-sided paired t-test over seeds of the
# mean of P@1, P@3 and P@5, Holm-corrected over every comparison of the claim (kNN and
# one-vs-rest are deterministic given their data: their value pairs with every seed of DXML).
# The checks of a claim are counted: "reproduced" when every one holds, "partly" when at least
# half do, "not reproduced" otherwise. The margin says how far each verdict is from its line.
# The sections linked in the second column hold the evidence.

# %% tags=["remove-input"]
chapters.show_claims(dxml.CLAIMS, frames, params.tolerance);

# %% [markdown]
# ## The method as implemented, and the choices the paper leaves open
#
# Everything the paper specifies is as printed (section 4.1): 256 hidden units and 100
# embedding dimensions for small data sets (512 and 300 for large ones), dropout right after
# the last linear layer, an L2-normalisation layer at the end, SGD with momentum 0.9, weight
# decay 0.0005 and a fixed learning rate of 0.015, the smooth-L1 loss $h$ of Eq. (2) summed over the
# embedding dimensions into the distance $d$ of Eq. (1), and $k$ chosen on a validation set. Everything else was open and is
# chosen on a validation split (10% of the training split, seed 0), **never on test**:
#
# * DeepWalk: walks per label, walk length and Word2Vec window (skip-gram with hierarchical
#   softmax {cite:p}`mikolov2013distributed`, as in DeepWalk, by gensim
#   {cite:p}`rehurek2010software`; 5 passes; single-threaded so that a seed fixes the vectors);
# * mini-batch size and dropout rate; the number of epochs (early stopping with a patience of
#   {glue:text}`dxml_patience` epochs on the validation mean of P@1, P@3 and P@5 of the neighbour
#   prediction without clustering);
# * the number of k-means clusters (2, 5, 10 or 20), $k$ (5 to 50, and larger in steps of 1.5x
#   while the largest value tried wins) and whether neighbours vote equally (the paper's
#   "average") or by cosine similarity, all by the validation mean of P@1/3/5 after training;
# * labels that never co-occur with another label get a self-loop in the graph so that DeepWalk
#   still gives them a vector (only reuters has such labels among the data sets here; the
#   alternative, independent random vectors, is compared below); samples without any label
#   have no target and are left out of the loss, but stay in the neighbour index.
#
#
# The settings chosen for the open DeepWalk and training choices are in the table below (collapsed;
# open it to read them):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(dxml.chosen_table(), "Settings chosen on Bibtex's validation split")

# %% [markdown]
# (dxml-table-2)=
# ## DXML's Tables 2 and 4: Bibtex and Delicious
#
# The paper's numbers (percent, averaged over ten train-test splits) for DXML and for the methods
# it compares with, beside ours: mean ± standard deviation over three seeds on the Mulan
# train/test split (the same sizes as the paper's Table 1), in percent. Our baselines are kNN
# (cosine), one-vs-rest logistic regression and Parabel-style label trees (chapter
# {doc}`data_and_baselines`; kNN and one-vs-rest are deterministic, hence their ± 0.00; "—": the
# paper gives no such number). Records: `results/dxml/main.jsonl`, `results/baselines/main.jsonl`;
# regenerate with `python -m xmlstudy run --paper dxml --experiment main`.

# %% tags=["remove-input"]
tables.styled(dxml.small_table(frames, ["P@1", "P@3", "P@5"]), "P@k (%), Table 2 beside this study", digits=2)

# %% tags=["remove-input"]
tables.styled(dxml.small_table(frames, ["nDCG@1", "nDCG@3", "nDCG@5"]), "nDCG@k (%), Table 4 beside this study", digits=2)

# %% [markdown]
# On Bibtex our DXML reaches P@1 {glue:text}`dxml_ours_bibtex`
# ({glue:text}`dxml_gap_paper_bibtex` points from the paper's value); the best of our baselines is
# {glue:text}`dxml_best_baseline_bibtex` ({glue:text}`dxml_best_baseline_p1_bibtex`). On
# Delicious: P@1 {glue:text}`dxml_ours_delicious` ({glue:text}`dxml_gap_paper_delicious` points),
# best baseline {glue:text}`dxml_best_baseline_delicious`
# ({glue:text}`dxml_best_baseline_p1_delicious`).
#
# DXML predicts with a kNN vote in its learned embedding space, so the kNN vote in the input space
# is the natural yardstick of what the embedding adds. In P@1, DXML minus kNN on Bibtex:
# {glue:text}`dxml_over_knn_bibtex` points here, {glue:text}`dxml_over_knn_paper_bibtex` in the
# paper; on Delicious: {glue:text}`dxml_over_knn_delicious` points here,
# {glue:text}`dxml_over_knn_paper_delicious` in the paper. Our kNN
# differs from the paper's KNN column by {glue:text}`dxml_knn_vs_paper_bibtex` (Bibtex) and
# {glue:text}`dxml_knn_vs_paper_delicious` (Delicious) points, so on Bibtex the shortfall sits in
# what the learned embedding adds, not in the neighbour vote or the data.
#
# (dxml-paper-split)=
# ### The paper's protocol: ten random train/test splits
#
# The paper averages over "ten train-test splits" it does not publish. Here train and test are
# pooled and split at random ten times into the published sizes (4,880 / 2,515 rows for Bibtex,
# 12,920 / 3,185 for Delicious), one split per split seed, with one model per split, so the ±
# is the split-to-split spread; validation is carved from each split's training part as before.
# DXML on these splits: Bibtex P@1 {glue:text}`dxml_split_bibtex`
# ({glue:text}`dxml_split_gap_paper_bibtex` points from the paper,
# {glue:text}`dxml_split_vs_own_bibtex` from the own split), Delicious
# {glue:text}`dxml_split_delicious` ({glue:text}`dxml_split_gap_paper_delicious` points from the
# paper, {glue:text}`dxml_split_vs_own_delicious` from the own split). Our kNN on these splits
# differs from the paper's KNN column by {glue:text}`dxml_split_knn_vs_paper_bibtex` (Bibtex) and
# {glue:text}`dxml_split_knn_vs_paper_delicious` (Delicious) points. Records:
# `results/dxml/paper_split.jsonl`; regenerate with
# `python -m xmlstudy run --paper dxml --experiment paper_split`. DXML under both protocols beside
# the paper is in the first table below (collapsed); the second sets every method on the ten
# splits beside Table 2.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(dxml.protocols_table(frames), "DXML under both split protocols beside the paper (%)")

# %% tags=["remove-input"]
tables.styled(dxml.paper_split_table(frames), "P@k (%) on ten random splits, Table 2 beside this study", digits=2)

# %% [markdown]
# ### Propensity-scored precision
#
# The paper reports only P@k and nDCG@k, which reward predicting frequent labels. PSP@k (the
# propensities of {cite:t}`jain2016extreme`, A = 0.55, B = 1.5) weighs each correct label by its
# inverse propensity, so it shows how well the rare labels are served. No claim of the paper rests
# on it, so the table below is collapsed.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(dxml.psp_table(frames), "PSP@k and PSnDCG@5 (%), mean ± std over seeds")

# %% [markdown]
# ## Data sets the paper did not use
#
# Corel5k (image annotation, 374 labels), IMDB-F (MEKA; 28 genres from plot summaries) and
# Reuters-21578 (ModApte, 90 topics), with the same settings and the same baselines. P@1 of DXML
# and of the best of our baselines:
#
# * Corel5k: DXML {glue:text}`dxml_extra_ours_corel5k`,
#   {glue:text}`dxml_extra_best_baseline_corel5k` {glue:text}`dxml_extra_best_baseline_p1_corel5k`;
# * IMDB-F: DXML {glue:text}`dxml_extra_ours_imdb`,
#   {glue:text}`dxml_extra_best_baseline_imdb` {glue:text}`dxml_extra_best_baseline_p1_imdb`;
# * Reuters: DXML {glue:text}`dxml_extra_ours_reuters`,
#   {glue:text}`dxml_extra_best_baseline_reuters` {glue:text}`dxml_extra_best_baseline_p1_reuters`.
#
# Every metric, for every method, is in the table below (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(dxml.extra_table(frames), "DXML and the baselines on three more data sets (%)")

# %% [markdown]
# (dxml-figure-2)=
# ## DXML's Figure 2: non-linear against linear embedding
#
# The paper's Figure 2 compares DXML with the same network without its ReLU on Delicious-200K (not
# available here). {numref}`fig-dxml-linear` makes the same comparison on the study's data sets,
# each variant with its own validated $k$ and clusters. Records: `results/dxml/ablation.jsonl`;
# regenerate with `python -m xmlstudy run --paper dxml --experiment ablation`.

# %% tags=["remove-cell"]
fig = dxml.ablation_figure(dxml.ablation_records(frames), shown=("dxml", "dxml-linear"))
chapters.glue_figure("dxml_fig_linear", fig)

# %% [markdown]
# ```{glue:figure} dxml_fig_linear
# :name: fig-dxml-linear
#
# Redraws DXML's Figure 2 as a difference: P@1, P@3 and P@5 of the network without its ReLU minus
# DXML's, in points, per data set (dots: mean of the seed-by-seed differences; whiskers: 95%
# Student-t interval over the seeds). Below zero the ReLU helps; a whisker across zero is a
# difference the seeds do not tell from noise.
# ```
#
# The ReLU network's P@1 minus the linear one's is given with the claim on the non-linear
# embedding above.
#
# ## Further ablations
#
# * **DXML with random label vectors**: random label vectors instead of DeepWalk: does the label
#   graph matter?
# * **DXML with SVD label vectors**: the top eigenvectors of the label co-occurrence matrix instead
#   of DeepWalk;
# * **DXML without clustering**: $k$ nearest neighbours among all training points (no k-means);
# * **DXML with L2 loss**: squared-L2 loss instead of smooth-L1.
#
# Their P@k, mean ± std over seeds, is in the table below (collapsed) and in
# {numref}`fig-dxml-ablations`.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(dxml.ablation_table(frames), "DXML and its ablations (%), mean ± std over seeds")

# %% tags=["remove-cell"]
fig = dxml.ablation_figure(dxml.ablation_records(frames), shown=("dxml", *dxml.VARIANTS))
chapters.glue_figure("dxml_fig_ablations", fig)

# %% [markdown]
# ```{glue:figure} dxml_fig_ablations
# :name: fig-dxml-ablations
#
# Each of DXML's five ablations minus DXML, P@1, P@3 and P@5 in points, per data set (dots: mean
# of the seed-by-seed differences; whiskers: 95% Student-t interval over the seeds).
# ```
#
# Differences to DXML in mean P@1/3/5 over the data sets (points, variant minus DXML):
#
# * random label vectors: {glue:text}`dxml_vs_dxml-random-emb_min` to
#   {glue:text}`dxml_vs_dxml-random-emb_max`; SVD label vectors:
#   {glue:text}`dxml_vs_dxml-svd-emb_min` to {glue:text}`dxml_vs_dxml-svd-emb_max`. If random
#   vectors do as well as DeepWalk's, the label graph adds nothing that the regression target
#   needs: any set of well-separated label vectors lets the network encode the label set. With SVD
#   label vectors, P@1 is {glue:text}`dxml_svd_p1_bibtex` on Bibtex (the paper's DXML:
#   {glue:text}`dxml_paper_bibtex_P@1`) and {glue:text}`dxml_svd_p1_delicious` on Delicious (the
#   paper's DXML: {glue:text}`dxml_paper_delicious_P@1`): of everything tried in this chapter, the
#   choice of label vectors moves DXML furthest towards the paper's numbers, and DeepWalk's are not
#   the best choice on these data;
# * without clustering: {glue:text}`dxml_vs_dxml-nocluster_min` to
#   {glue:text}`dxml_vs_dxml-nocluster_max`; where this is near zero, k-means is a speed device at
#   these sizes, not an accuracy one;
# * squared-L2 loss: {glue:text}`dxml_vs_dxml-l2_min` to {glue:text}`dxml_vs_dxml-l2_max`. This
#   follows from the paper's own design: $f_x$ is a unit vector and $f_y$ an average of label
#   vectors of norm about one, so no coordinate of
#   $f_x - f_y$ reaches 1 and the smooth-L1 loss of Eq. (2) never leaves its quadratic branch,
#   where it *is* the squared L2 loss (`tests/test_dxml.py` checks this). The two differ only by
#   floating-point rounding, which sends SGD down a different path, so the differences are of the
#   size of seed-to-seed variation; the robustness to outliers the paper gives as its reason for
#   smooth-L1 never comes into play.
#
# ## Evidence for the open choices: the validation sweep
#
# One open setting changed at a time around the chosen configuration on Bibtex (seed 0), and the
# isolated-label rule on Reuters; every number is the validation mean of P@1, P@3 and P@5 after
# the method's own choice of $k$ and clusters. Test numbers play no part here. Records:
# `results/dxml/sweep.jsonl` (`python -m xmlstudy run --paper dxml --experiment sweep`). Every value
# tried is in the table below (collapsed); {numref}`fig-dxml-sweep` draws them.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(dxml.sweep_evidence(frames), "Validation mean of P@1,3,5 (%) of each setting tried", digits=2, index=False)

# %% tags=["remove-cell"]
fig = dxml.sweep_figure(dxml.sweep_evidence(frames), "bibtex")
chapters.glue_figure("dxml_fig_sweep", fig)

# %% [markdown]
# ```{glue:figure} dxml_fig_sweep
# :name: fig-dxml-sweep
#
# Validation mean of P@1, P@3 and P@5 of each value tried on Bibtex minus that of the chosen
# setting (points), one panel per setting; above zero would have been a better choice.
# ```
#
# ### Refit on train + validation
#
# The paper trains on its whole training split; the main runs above train on 90% of it, the rest
# being the validation set that chooses the epoch count, $k$, the clusters and the weighting.
# Experiment `refit` makes those choices the same way, then trains again from scratch on train +
# validation with them. If the held-out 10% explained the gap to the paper,
# this is where it would close: refitting changes P@1 by {glue:text}`dxml_refit_gain_bibtex` points
# on Bibtex and by {glue:text}`dxml_refit_gain_delicious` on Delicious (the table below, collapsed).
# Records: `results/dxml/refit.jsonl`.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(dxml.refit_table(frames), "P@k (%) of the main runs and of the same runs refitted")

# %% [markdown]
# (dxml-table-6)=
# ## DXML's Table 6: training and test time
#
# The paper trains on a GeForce GTX 1080 Ti and tests on a CPU (Xeon E5-2680 v2, 6 cores). Our
# seconds are for the whole fit (DeepWalk, training with its per-epoch validation check, the
# validation choice of clusters and $k$) and for predicting the test split, on one CPU thread:
# `python -m xmlstudy bench cost` runs seed 0's configuration of each data set again, alone on
# the machine (the grid's own runs share the CPU, so their times are not shown), and
# `python -m xmlstudy bench dxml` times the same pipeline stage by stage; its columns appear
# where it, too, was timed alone. The benchmark's rerun of the seed-0 configuration gives
# exactly the P@1 of the main record on: {glue:text}`dxml_bench_same`. The paper's seconds (from
# other hardware) and ours are in the two tables below (collapsed); they are shown for reference
# and decide no verdict.

# %% mystnb={"code_prompt_hide": "Hide the tables", "code_prompt_show": "Show the tables"} tags=["remove-input", "hide-output"]
paper_seconds, our_seconds = dxml.timing(frames, params.profile)
display(tables.styled(paper_seconds, "Seconds in the paper's Table 6", digits=1))
if len(our_seconds):
    display(tables.styled(our_seconds, "Seconds in this study (seed 0, timed alone)", digits=1))
else:
    display(Markdown("*Not timed alone yet: `python -m xmlstudy bench cost --methods dxml`.*"))

# %% [markdown]
# ## The label embedding
#
# DeepWalk's label vectors for one data set (computed here with the chosen settings on the
# training split), projected to two dimensions by t-SNE in {numref}`fig-dxml-embedding`. Labels
# that share documents land close together: this geometry is what the network regresses onto.

# %% tags=["remove-cell"]
fig = dxml.label_embedding(params.embedding_dataset, params.profile, dxml.knobs(params))
chapters.glue_figure("dxml_fig_embedding", fig)

# %% [markdown]
# ```{glue:figure} dxml_fig_embedding
# :name: fig-dxml-embedding
#
# DeepWalk label vectors in two dimensions (t-SNE on cosine distances); point size and colour
# give each label's number of training samples, and the most frequent labels are named.
# ```
#
# (dxml-large)=
# ## The large data sets
#
# MediaMill, Wiki10-31K, Delicious-200K and Amazon-670K (Tables 2, 3 and 5) are **not in the data
# mirror** of this study, so the paper's large-scale numbers cannot be checked here. A reader who
# has the Extreme Classification Repository files can run DXML on them with the large-data
# settings of the paper (512 hidden units, 300 dimensions), beside kNN,
# one-vs-rest and Parabel with their own validation choices (the table below, percent):
#
# ```bash
# papermill notebooks/dxml.ipynb out.ipynb \
#     -p xc_train Wiki10-31K/train.txt -p xc_test Wiki10-31K/test.txt
# ```

# %% tags=["remove-input"]
if params.xc_train is not None:
    display(dxml.user_data(params))

# %% [markdown]
# ## Paper against reproduction
#
# Every P@k and nDCG@k the paper gives for the small data sets this study has, beside our mean ±
# std (percent); "matches" means within {glue:text}`dxml_tolerance` points. On the paper's
# protocol (ten random splits), of {glue:text}`dxml_split_n_compared` published numbers
# {glue:text}`dxml_split_n_matches` are matched, {glue:text}`dxml_split_n_beats` beaten and
# {glue:text}`dxml_split_n_falls_short` fall short; on the data sets' own split (three seeds),
# {glue:text}`dxml_n_matches`, {glue:text}`dxml_n_beats` and {glue:text}`dxml_n_falls_short`
# of {glue:text}`dxml_n_compared`.

# %% tags=["remove-input"]
tables.styled(dxml.verdict_table(frames, params.tolerance, "dxml/paper_split"), "DXML on ten random splits: paper against reproduction (%)", digits=2, index=False)

# %% tags=["remove-input"]
tables.styled(dxml.verdict_table(frames, params.tolerance), "DXML on the own split: paper against reproduction (%)", digits=2, index=False)

# %% [markdown]
# ## Deviations, and what they explain
#
# * **Splits.** The paper averages ten train-test splits it does not publish. The chapter's
#   experiments use the Mulan split with three seeds; the paper's protocol is rebuilt as ten
#   seeded random splits of the published sizes (above), which cannot be the paper's own ten.
#   In both, 10% of the training part is held out for validation, so the network sees 90% of
#   the paper's training rows.
# * **The open settings** were chosen on Bibtex's validation split only. In the sweep above the
#   largest validation gain over the chosen configuration is {glue:text}`dxml_sweep_best_gain`
#   points ({glue:text}`dxml_sweep_best_setting` = {glue:text}`dxml_sweep_best_value`), against a
#   test gap to the paper of {glue:text}`dxml_gap_paper_bibtex` points in P@1 on Bibtex: the open
#   settings do not explain the shortfall, and neither does the validation carve (refitting on
#   train + validation: {glue:text}`dxml_refit_gain_bibtex` points on Bibtex,
#   {glue:text}`dxml_refit_gain_delicious` on Delicious). Our kNN and one-vs-rest baselines are close
#   to the paper's KNN and 1-vs-All columns (chapter {doc}`data_and_baselines`), so the data and
#   the metrics are not the cause either.
# * **Framework and hardware.** MXNet on a GPU in the paper; PyTorch {cite:p}`paszke2019pytorch`
#   here, on the device each record names. The method's arithmetic does not depend on either.
# * **Clusters.** The paper does not give the number of clusters; it is chosen on validation from
#   2 to 20 (no clustering is the separate ablation, DXML without clustering).
# * **Loss scale.** The smooth-L1 loss $h$ of Eq. (2) is summed over the embedding dimensions into
#   the distance $d$ of Eq. (1), and averaged over the mini-batch.
# * **Features keep their real values** and every row is L2-normalised, as in Figure 1 (a public
#   attempt rounded features to 8-bit integers); nDCG is the paper's definition (`xmlstudy.metrics`).
#
#
#
# ## How to regenerate
#
# ```bash
# python -m xmlstudy run --paper dxml     # every record (resumes)
# python -m xmlstudy run --paper dxml --experiment main --datasets bibtex
# python -m xmlstudy bench dxml           # stage timings and peak memory
# papermill notebooks/dxml.ipynb out.ipynb -p profile smoke   # tiny data
# ```
#
# ## Provenance
#
# The records behind this page: the commits, devices and dates that made them (the table below,
# collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(tables.provenance(pd.concat(frames.values(), ignore_index=True)), index=False)

