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
# Bai, Kong and Gomes (*Gaussian Mixture Variational Autoencoder with Contrastive Learning for
# Multi-Label Classification*, ICML 2022) {cite:p}`bai2022gaussian` learn one embedding per label
# and map each one to a Gaussian in a 64-dimensional latent space; the labels of a sample select their Gaussians, whose
# uniform mixture is that sample's prior (eq. 1). A feature encoder gives the posterior q(z|x),
# aligned with the prior by a one-sample KL estimate (eq. 3); a decoder turns a latent sample into
# a feature embedding, and a supervised contrastive loss {cite:p}`khosla2020supervised` (eq. 5)
# pulls it towards the embeddings of the sample's labels and away from the others. Prediction is the sigmoid of the inner product between
# the feature embedding and each label embedding. The paper reports example-, micro- and macro-F1,
# Hamming accuracy and P@1 on nine data sets (Tables 1-3; e.g. example-F1
# {glue:text}`paper_exf1_yeast` on yeast and {glue:text}`paper_exf1_reuters` on reuters), an
# ablation (Table 4), runs on fewer training data (Table 5, Fig. 2) and label-embedding heatmaps
# (Fig. 3).
#
# This chapter re-implements the method ({py:mod}`xmlstudy.models.cgmvae`), C2AE
# {cite:p}`yeh2017learning` ({py:mod}`xmlstudy.models.c2ae`) and ML-kNN {cite:p}`zhang2007ml`
# ({py:mod}`xmlstudy.models.mlknn`), and tests the
# claims on the five of the paper's data sets that are public in the study's data mirror.
# Everything on this page is computed by {py:mod}`xmlstudy.chapters.cgmvae` from the records in
# `results/cgmvae/`.

# %% [markdown]
# ```{admonition} Key results
# :class: tip
#
# * On the paper's own random 80/10/10 splits, {glue:text}`split_n_matched` of
#   {glue:text}`split_n_checked` published C-GMVAE numbers are reached within
#   {glue:text}`tolerance_points` points; on the data sets' official splits,
#   {glue:text}`n_matched` of {glue:text}`n_checked`. Both use the paper's thresholds, tuned on the
#   test set.
# * Tuning the threshold on the test set raises a set metric by up to {glue:text}`max_gap_fixed`
#   over a fixed 0.5 and by up to {glue:text}`max_gap_valid` over a threshold chosen on validation
#   (fractions, as the paper prints them).
# * C-GMVAE on half the training rows minus the uni-Gaussian VAE on all of them, macro-F1:
#   {glue:text}`half_vs_uni_yeast` on yeast, {glue:text}`half_vs_uni_scene` on scene and
#   {glue:text}`half_vs_uni_sider` on sider.
# * The label embeddings' rank correlation with label co-occurrence averages
#   {glue:text}`rho_sider` on sider, {glue:text}`rho_scene` on scene and {glue:text}`rho_yeast` on
#   yeast.
# ```

# %% tags=["parameters"]
# "smoke": every code path on a few hundred rows; "full": the recorded runs
profile = "full"
# None: the data sets the grid runs C-GMVAE on (yeast, scene, sider, reuters,
# delicious; yeast alone in smoke); or a subset of them
datasets = None
seeds = [0, 1, 2]   # the grid's seeds (smoke uses seed 0 only)
device = "auto"     # "auto" uses a GPU when one is visible
# threshold protocol of the paper's tables; also "validation", "fixed-0.5"
protocol = "best-on-test"
# percentage points a mean may fall below a published number and still match it (the
# rulebook's tolerance, for every verdict and table of this page)
tolerance = 1.5
# label embeddings shown as Fig. 3 (readable label names)
heatmap_datasets = ["scene", "reuters", "corel5k"]
# with more labels than this, the most frequent ones are shown
max_heatmap_labels = 20
# False: show only the records that exist (e.g. while the grid still runs)
run_missing = True
# a data set of your own, both files or neither: its train file (Extreme Classification
# Repository text, or Mulan/MEKA ARFF with the Mulan .xml beside it)
xc_train = None
# and its test file, needed with xc_train (e.g. mirflickr, nus-wide, eBird)
xc_test = None
# None: records computed here go to the study's results folder; or a folder of your
# own for them (created if missing; the committed records are still read)
results_dir = None

# %% tags=["remove-cell"]
from xmlstudy.chapters import cgmvae

params = cgmvae.validate(globals())

# %% tags=["remove-input"]
import pandas as pd
from IPython.display import display
from myst_nb import glue

from xmlstudy import chapters, tables

frames, missing, total = cgmvae.collect(params)
rank = cgmvae.correlations(frames, set(params.datasets) | set(params.heatmap_datasets)) \
    if params.profile == "full" else pd.DataFrame()
chapters.glue_all(cgmvae.numbers(frames, params, rank))
chapters.smoke_notice(params.profile)
chapters.missing_notice(missing, total)

# %% [markdown]
# (cgmvae-claims)=
# ## The claims, and what held
#
# Each claim of the paper, where it stands in the paper, and the verdict computed from this
# study's records by the rule named beside it, the same rules in every chapter (a published number
# holds within the tolerance of the parameters cell, in percentage points; "A beats B" needs a gain
# beyond the seed noise; "reproduced" when every check holds, "partly" when at least half do).
# The set metrics follow the paper's protocol, thresholds tuned on the test set, and the claims
# that rest on them say so. Table 4, Table 5 and Fig. 2 are on data sets this study does not
# have; their claims are checked on yeast, scene and sider instead. The sections linked in the
# second column hold the evidence.

# %% tags=["remove-input"]
chapters.show_claims(cgmvae.CLAIMS, frames, params.tolerance);

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
#   cases (seed 0), never test. The paper's own protocol is run as well, on five random 80/10/10
#   splits of each of the five data sets ({ref}`cgmvae-paper-split`).
# * **sider features.** MPVAE {cite:p}`bai2020disentangled` and C-GMVAE used a 38-dimensional
#   feature vector of undocumented origin; here each drug is a 1,024-bit Morgan fingerprint of its
#   SMILES (RDKit {cite:p}`landrum2024rdkit`, radius 2).
# * **reuters features.** The paper does not say how its reuters vectors were made; here they
#   are a tf-idf over 4,453 terms fit on the training documents only.
#
# The sizes of the splits are in the table below (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
if params.profile == "full":
    display(tables.styled(cgmvae.sizes_table(params.datasets), "The splits of this study"))

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
#
# Table 7's settings as run, with the epoch budget, are in the table below (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.settings_table(params.datasets), "Table 7's settings as run, and the epoch budget", digits=3)

# %% [markdown]
# The official code differs from the paper text in more than the decoder: KL weight 6, a
# cross-entropy weight of 0.5 on every branch, an extra "label branch" (the decoded mean of the
# positive labels' Gaussians, with its own cross-entropy and contrastive anchor), a one-layer
# decoder with a LeakyReLU output, Adam weight decay 1e-5 and cosine warm restarts. These are
# collected in the variant C-GMVAE, official-code settings, run in the ablation experiment beside
# the paper's reading.
#
# How long C-GMVAE trained, and whether the epoch budget was binding (a best epoch at or near the
# last epoch means the run was still improving when it was stopped; the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.budget_table(frames), "Main C-GMVAE runs: epochs (mean over seeds)", digits=1)

# %% [markdown]
# (cgmvae-tables-1-3)=
# ## C-GMVAE's Tables 1-3: the main comparison
#
# Each cell is ours (mean ± std over seeds) with the paper's number in brackets. Baselines: C2AE, the
# uni-Gaussian VAE (the paper's uni-Gaussian ablation) as the MPVAE-style model (a single Gaussian
# latent space from the label vector, without MPVAE's multivariate-probit module, so it is compared
# with the MPVAE row as an approximation), one-vs-rest (one logistic regression per label; the
# paper's BR row {cite:p}`zhang2018binary`) and ML-kNN (k = 10); one-vs-rest and ML-kNN are deterministic given
# the data, hence their ± 0.000, and "(—)" marks a number the paper does not give or that is lost
# from its text. Set metrics need a threshold; the paper's numbers come from the official code (as LaMP's {cite:p}`lanchantin2019neural` does), which
# picks, per metric, the best of 0.1…0.9 **on the test set**. That protocol is shown first,
# labelled; the honest ones follow, collapsed: a threshold chosen on validation, and a fixed 0.5.
# Records:
# `results/cgmvae/main.jsonl` (`python -m xmlstudy run --paper cgmvae --experiment main`).

# %% tags=["remove-input"]
def protocol_table(protocol):
    note = " (tuned on the test set, as in the paper's tables)" if protocol == "best-on-test" else ""
    return tables.styled(cgmvae.main_table(frames["cgmvae/main"], protocol),
                         f"Threshold protocol: {protocol}{note}; ours (the paper's), fractions")


protocol_table(params.protocol)

# %% mystnb={"code_prompt_hide": "Hide the tables", "code_prompt_show": "Show the tables"} tags=["remove-input", "hide-output"]
for protocol in [p for p in cgmvae.PROTOCOLS if p != params.protocol]:
    display(protocol_table(protocol))

# %% [markdown]
# (cgmvae-paper-split)=
# ### The paper's own splits
#
# Section 4.1 of the paper splits every data set at random into training (80%), validation (10%)
# and testing (10%). Experiment `paper_split` pools each data set's own train and test rows and
# draws five such splits (split seeds 0-4, one model per split), so the spread below is the
# split-to-split one. Reuters' tf-idf vocabulary and weights were fit on its ModApte training
# documents, so on a random split they have seen part of the test documents' words (a small
# advantage to every method alike). The official code's settings (the rows "C-GMVAE,
# official-code settings") run on split 0 only of reuters and delicious. One fit of them takes,
# on one CPU thread and timed alone on the machine (`python -m xmlstudy bench cost --paper cgmvae
# --experiment paper_split --datasets reuters,delicious`): {glue:text}`official_cost`. Their rows
# there are one split (n = 1). Records:
# `results/cgmvae/paper_split.jsonl` (`python -m xmlstudy run --paper cgmvae --experiment
# paper_split`). C-GMVAE under both protocols beside the paper (thresholds as in the paper's
# tables), then every method on the paper's splits (collapsed):

# %% tags=["remove-input"]
tables.styled(cgmvae.split_comparison(frames, params.protocol), "C-GMVAE: own split, the paper's splits and the paper (fractions)")

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.main_table(cgmvae.scaled(frames["cgmvae/paper_split"]), params.protocol),
              f"Every method on the paper's 80/10/10 splits ({params.protocol}); ours (the paper's), fractions")

# %% [markdown]
# The official code feeds its features unscaled, while this study z-scores dense features with
# the training mean and deviation (sparse ones, such as sider's fingerprints, are never scaled,
# so both rows agree there). On the same splits, both ways (the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.raw_features_table(frames, params.protocol), "Z-scored against raw features, the paper's splits (fractions)")

# %% [markdown]
# The evidence for each miss: every number C-GMVAE falls short of on the paper's splits (at the
# tolerance of the parameters cell), beside what the other runs on the same splits reach. A miss
# that raw features or the official-code settings close is a difference of setup; one that no run on
# these splits reaches, C-GMVAE's own rivals included, points at the data (this mirror's
# versions of the sets) or at the paper's unpublished split files rather than at the model. The
# misses are in the table below (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.split_misses(frames, params.protocol, params.tolerance),
              "Misses on the paper's splits, and what reaches them (fractions)", index=False)

# %% [markdown]
# ### How much tuning the threshold on test adds
#
# Mean over seeds of C-GMVAE's best-on-test score minus the same model's score under the
# validation-chosen threshold, and minus the fixed 0.5 (fractions). P@1 needs no threshold.
# Tuning on test inflates a set metric by up to {glue:text}`max_gap_valid` over a threshold
# chosen on validation, and by up to {glue:text}`max_gap_fixed` over the fixed 0.5, on these
# data. The paper's comparisons mix such numbers with ones quoted from other papers. Every data set
# and metric is in the table below (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.protocol_gap(frames["cgmvae/main"]), "Best-on-test minus the honest protocols (fractions)", digits=4, index=False)

# %% [markdown]
# (cgmvae-table-4)=
# ## C-GMVAE's Table 4: ablation
#
# On yeast, scene and sider (the paper's ablation data are not available): the uni-Gaussian VAE
# (a single Gaussian latent space), C-GMVAE without contrastive loss (the Gaussian mixture alone),
# C-GMVAE without mixture prior (the contrastive term with a single Gaussian), and C-GMVAE (both),
# each over the same seeds; plus the paper's literal decoder (z only, one seed) and the official
# code's settings.
#
# Records: `results/cgmvae/ablation.jsonl` with the main runs.

# %% tags=["remove-input"]
tables.styled(cgmvae.ablation_with_main(frames, params.protocol), f"Table 4 on this study's data ({params.protocol}; fractions)")

# %% [markdown]
# Per data set, the best of the four variants by macro-F1, how far the worst lies below it, and
# the standard deviation over seeds, averaged over the four (the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.ablation_spread_table(frames, params.protocol), "Table 4's variants: best, spread and seed spread (ma-F1, fractions)")

# %% [markdown]
# The paper's Table 4 (below, collapsed) finds GM + contrastive (C-GMVAE) best on every data set;
# here the differences are of the size of the spread between seeds, so these data cannot tell the
# variants apart.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.published_ablation(), "The paper's Table 4, on its own data (not available here; fractions)")

# %% [markdown]
# (cgmvae-table-5)=
# ## C-GMVAE's Table 5 and Figure 2: fewer training data
#
# The same seeded 10% and 50% subsets of the training rows for every method (the 10% subset lies
# inside the 50% one), C-GMVAE against C2AE; 100% is the main runs. The paper's Fig. 2 plots the
# relative macro-F1 improvement over C2AE. Records: `results/cgmvae/fewer_data.jsonl`
# (`python -m xmlstudy run --paper cgmvae --experiment fewer_data`).

# %% tags=["remove-input"]
tables.styled(cgmvae.fewer_table(frames, params.protocol), "Table 5 on this study's data: means over seeds per share of train (fractions)")

# %% tags=["remove-cell"]
fig = cgmvae.fewer_data_figure(cgmvae.fewer_data_stats(frames, params.protocol), "ma-F1")
chapters.glue_figure("cgmvae_fig_fewer", fig, "No runs on fewer data are recorded in this profile.")

# %% [markdown]
# ```{glue:figure} cgmvae_fig_fewer
# :name: fig-cgmvae-fewer
#
# Redraws C-GMVAE's Figure 2: C-GMVAE's macro-F1 relative to C2AE's (per cent; zero: equal) against
# the share of the training rows used, one line per data set.
# ```
#
# The same numbers, C-GMVAE's macro-F1 relative to C2AE's (per cent) at each share of the
# training rows (the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.lead_over_c2ae_table(frames, params.protocol), "C-GMVAE against C2AE, macro-F1 (%)", digits=1)

# %% [markdown]
# The paper's Fig. 2 (mirflickr, nus-wide; not available here) shows C-GMVAE's lead growing as
# the data shrink. In the records of this study that holds on scene, where the lead at 10% is
# large; on yeast and sider the two models stay within a few per cent of each other at every size.
#
# The paper's Table 5 claims more: C-GMVAE on 50% of the data roughly matches MPVAE on all of it.
# Here, C-GMVAE on 50% beside the MPVAE-style uni-Gaussian VAE on 100%; macro-F1 of the first
# minus the second is {glue:text}`half_vs_uni_yeast` on yeast, {glue:text}`half_vs_uni_scene` on
# scene and {glue:text}`half_vs_uni_sider` on sider (negative: C-GMVAE on half the data falls
# short).

# %% tags=["remove-input"]
tables.styled(cgmvae.half_table(frames, params.protocol), "C-GMVAE on 50% against the uni-Gaussian VAE on 100%")

# %% [markdown]
# (cgmvae-figure-3)=
# ## C-GMVAE's Figure 3: what the label embeddings learned
#
# The paper shows, for ten eBird species, that inner products of label embeddings form blocks of
# ecologically related birds. eBird is not available; scene (six scene classes), reuters
# (ninety news topics) and corel5k (374 image keywords) have label names a reader understands.
# The paper has no corel5k results, so C-GMVAE and two ablations ran on it only for this figure
# (experiment `embeddings`, with the settings of yeast and sider). Each run stored the inner products
# of its label embeddings; below, seed 0 of C-GMVAE and, where they ran, of C-GMVAE without
# contrastive loss and the uni-Gaussian VAE, labels ordered by a clustering of the C-GMVAE matrix,
# the clusters outlined.
# Whether the embeddings reflect label correlations is then measured, not eyeballed: the Spearman
# correlation, over label pairs, between the inner product and the co-occurrence of the two
# labels in the training data (counts, and the Jaccard index, which discounts frequent labels).

# %% tags=["remove-input"]
tables.styled(cgmvae.correlation_table(rank), "Spearman ρ of embedding inner products with co-occurrence")

# %% tags=["remove-cell"]
for dataset in params.heatmap_datasets:
    fig, clusters = cgmvae.heatmaps(frames, dataset, params.max_heatmap_labels)
    chapters.glue_figure(f"cgmvae_fig_heatmap_{dataset}", fig,
                         f"No C-GMVAE label embeddings are recorded for {dataset} in this profile.")
    glue(f"cgmvae_clusters_{dataset}", clusters, display=False)

# %% [markdown]
# ```{glue:figure} cgmvae_fig_heatmap_scene
# :name: fig-cgmvae-heatmap-scene
#
# Redraws C-GMVAE's Figure 3: inner products of the learned label embeddings for the six scene classes of scene (seed 0; the diagonal removed), for
# C-GMVAE and, where they ran, C-GMVAE without contrastive loss and the uni-Gaussian VAE; labels in
# the order of an average-linkage clustering of the C-GMVAE matrix, its clusters outlined in red.
# ```
#
# Clusters of the C-GMVAE label embeddings on scene: {glue:text}`cgmvae_clusters_scene`.

# %% [markdown]
# ```{glue:figure} cgmvae_fig_heatmap_reuters
# :name: fig-cgmvae-heatmap-reuters
#
# Redraws C-GMVAE's Figure 3: inner products of the learned label embeddings for the most frequent reuters topics (seed 0; the diagonal removed), for
# C-GMVAE and, where they ran, C-GMVAE without contrastive loss and the uni-Gaussian VAE; labels in
# the order of an average-linkage clustering of the C-GMVAE matrix, its clusters outlined in red.
# ```
#
# Clusters of the C-GMVAE label embeddings on reuters: {glue:text}`cgmvae_clusters_reuters`.

# %% [markdown]
# ```{glue:figure} cgmvae_fig_heatmap_corel5k
# :name: fig-cgmvae-heatmap-corel5k
#
# Redraws C-GMVAE's Figure 3: inner products of the learned label embeddings for the most frequent corel5k keywords (seed 0; the diagonal removed), for
# C-GMVAE and, where they ran, C-GMVAE without contrastive loss and the uni-Gaussian VAE; labels in
# the order of an average-linkage clustering of the C-GMVAE matrix, its clusters outlined in red.
# ```
#
# Clusters of the C-GMVAE label embeddings on corel5k: {glue:text}`cgmvae_clusters_corel5k`.

# %% [markdown]
# Across C-GMVAE runs, the rank correlation between embedding inner products and label
# co-occurrence (Jaccard) ranges from {glue:text}`rho_min` to {glue:text}`rho_max`; its mean per
# data set is {glue:text}`rho_sider` on sider, {glue:text}`rho_scene` on scene,
# {glue:text}`rho_reuters` on reuters, {glue:text}`rho_yeast` on yeast and
# {glue:text}`rho_corel5k` on corel5k. So whether the label embeddings mirror co-occurrence
# depends on the data: strongly for sider's side effects, weakly for scene and reuters, not at
# all for yeast and corel5k in these records (on corel5k the products mostly follow label
# frequency: the most frequent words, such as water, sky and tree, have the smallest products with
# every other word, which a co-occurrence rank does not reward). The ablations give the mixture
# prior little credit for this structure: C-GMVAE's correlation minus the uni-Gaussian VAE's is
# {glue:text}`rho_vs_uni_yeast` on yeast, {glue:text}`rho_vs_uni_scene` on scene,
# {glue:text}`rho_vs_uni_sider` on sider, {glue:text}`rho_vs_uni_reuters` on reuters and
# {glue:text}`rho_vs_uni_corel5k` on corel5k (reuters's gain is about one standard deviation of
# the uni-Gaussian VAE's runs).

# %% [markdown]
# ## Does the compute budget explain the gap?
#
# The main runs cut two things the paper spends: at most {glue:text}`cgmvae_max_epochs` epochs
# with early stopping instead of
# 100, and E = 512 label-embedding dimensions on reuters and delicious. Experiment
# `paper_budget` reruns C-GMVAE on yeast, scene and sider with E = 2048 and 100 epochs without
# early stopping (the best validation epoch is still kept), same seeds; the ablation experiment
# holds one 100-epoch run on reuters and on delicious. Rows: the main runs, then those (the two
# tables below, collapsed).
# Records: `results/cgmvae/paper_budget.jsonl` and `results/cgmvae/ablation.jsonl`.

# %% mystnb={"code_prompt_hide": "Hide the tables", "code_prompt_show": "Show the tables"} tags=["remove-input", "hide-output"]
budget, at_budget, _ = cgmvae.budget_comparison(frames, params.protocol, params.tolerance)
display(tables.styled(budget, "The main runs against the paper's budget (fractions)"))
if len(at_budget):
    display(tables.styled(at_budget, "Verdicts at the paper's budget (fractions)", index=False))

# %% [markdown]
# With the paper's budget, {glue:text}`budget_matched` of {glue:text}`budget_n` published
# numbers are within the tolerance (the main runs on the same data sets:
# {glue:text}`budget_main_matched`). What the paper's budget changes against the main runs, per
# data set and metric (the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.budget_change_table(frames, params.protocol, params.tolerance), "At the paper's budget minus the main runs (fractions)")

# %% [markdown]
# The budget matters where the main runs were still improving when they were cut: on delicious
# the runs of {glue:text}`cgmvae_delicious_epochs` epochs had their best validation epoch at the
# last one, and 100 epochs roughly
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
# on validation would pick (the table below, collapsed).
# Records: `results/cgmvae/search.jsonl`.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.search_table(frames["cgmvae/search"], frames["cgmvae/main"], params.protocol), "One Table 7 setting changed at a time (seed 0; fractions)", index=False)

# %% [markdown]
# What choosing on validation would pick, against Table 7's own row (seed 0; test differences
# under the paper's protocol; the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.search_picks_table(frames, params.protocol), "Validation's pick per data set, against Table 7 (fractions)")

# %% [markdown]
# The picks gain at most {glue:text}`search_max_valid` in validation macro-F1 and move a test
# number by at most {glue:text}`search_max_test`, in either direction: of the order of the spread
# between seeds, and far from closing the gaps to the paper. Table 7 is as good a choice on these
# data as anything nearby.

# %% [markdown]
# ## The data sets that are not in the mirror
#
# eBird, mirflickr, nus-wide and bookmarks (the rest of the paper's Tables 1-3) are not in the data
# mirror of this study, so their published numbers cannot be checked here. A reader who has one
# of them can convert it to the Extreme Classification Repository text format (a header line
# `rows features labels`, then `l1,l2 f:v f:v ...` per row) and run C-GMVAE, C2AE and one-vs-rest
# on it with the settings of Table 7's most common row (those of yeast and sider):
#
# ```bash
# papermill notebooks/cgmvae.ipynb out.ipynb \
#     -p xc_train mirflickr/train.txt -p xc_test mirflickr/test.txt
# ```

# %% tags=["remove-input"]
if params.xc_train is not None:
    display(cgmvae.user_data(params))

# %% [markdown]
# ## What was reproduced
#
# C-GMVAE against the paper's Tables 1-3 under the paper's protocol (thresholds tuned on test), at
# the tolerance of the parameters cell; then, collapsed, the same under the validation protocol.
# The paper's micro-F1 and Hamming-accuracy numbers for C-GMVAE are lost from the paper's text as
# available to this study, so only example-F1, macro-F1 and P@1 can be checked. Of
# {glue:text}`n_checked` published C-GMVAE numbers on the available data, {glue:text}`n_matched`
# are reproduced within the tolerance under the paper's own protocol and {glue:text}`n_short` fall
# short.

# %% tags=["remove-input"]
tables.styled(cgmvae.verdict_table(frames, params.protocol, params.tolerance, params.datasets),
              f"C-GMVAE: paper against reproduction ({params.protocol}; fractions)", index=False)

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(cgmvae.verdict_table(frames, "validation", params.tolerance, params.datasets),
              "C-GMVAE: paper against reproduction (validation; fractions)", index=False)

# %% [markdown]
# ## Deviations, and why
#
# * **Data**: four of nine data sets are unavailable; the main runs use the sources' official
#   splits, and the paper's 80/10/10 splits are run beside them on all five; sider features are
#   fingerprints, not the paper's 38 numbers.
# * **Decoder input** concat(x, z), because the literal z-only decoder collapses (ablation table).
# * **Compute**: fewer epochs than 100, early stopping on validation, E ≤ 512; Table 7's
#   settings with a one-at-a-time validation search around them instead of the paper's full
#   grid search. The section on the compute budget reruns C-GMVAE with the paper's budget: it
#   explains the delicious macro-F1 gap, little else.
# * **Baselines**: C2AE, ML-kNN and one-vs-rest are this study's implementations
#   (the paper quotes numbers from other papers); "MPVAE" here is the uni-Gaussian VAE, the
#   paper's uni-Gaussian ablation.
#   On delicious, C2AE's steps are capped at gradient norm 1: without the cap its exponential
#   ranking term overflows float32 and training stops with an infinite loss within 20 epochs
#   (failed runs leave no record; remove delicious's cap from C2AE's settings in
#   {py:mod}`the methods registry <xmlstudy.methods>` and rerun
#   `python -m xmlstudy run --paper cgmvae --methods c2ae --datasets delicious` to see it).
# * **Protocols**: the paper's threshold protocol tunes on test; it is reproduced, labelled, and
#   its inflation measured above.
#
#
#
# ## How to regenerate
#
# ```bash
# python -m xmlstudy run --paper cgmvae    # every record (resumes)
# python -m xmlstudy bench cgmvae          # seconds per epoch, peak memory
# papermill notebooks/cgmvae.ipynb out.ipynb -p profile full
# ```
#
# ## Provenance
#
# The records behind this page: the commits, devices and dates that made them (the table below,
# collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(tables.provenance(pd.concat(frames.values(), ignore_index=True)), index=False)

