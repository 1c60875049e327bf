"""The Rank-AE chapter's experiment grid: its data sets, its experiments, and the changes each
experiment applies on top of the methods registry's settings (:func:`xmlstudy.methods.settings`).

``python -m xmlstudy run --paper rankae`` runs :func:`grid`; the records land in
``results/rankae/<experiment>.jsonl`` and are found again by their configuration hash, so what
this module builds must not change for the records to stay valid.
"""
from __future__ import annotations

from xmlstudy import methods
from xmlstudy.experiments import RunConfig

PAPER = "rankae"

# Delicious is the paper's own data and split (the fidelity target); Bibtex is public with the
# same kind of bag-of-words features; imdb-rankae is IMDB-F at the paper's IMDb sizes; Corel5k
# (visual words) and Reuters (tf-idf of the raw texts, which the attention study reads) complete
# Table 2 on public data.
DATASETS = ("delicious", "bibtex", "imdb-rankae", "corel5k", "reuters")
METHODS = ("rankae", "rankae-no-attn", "bce-ae")
# The paper tunes on 20% of the training split, then trains on all of it (section 3.1).
VALID_FRACTION = 0.2
# The methods' settings (epoch budget, and lambda, m, lr and weight decay as the search chose
# them) are the methods registry's: xmlstudy.methods.RANKAE_CHOSEN lists the (data set, method)
# pairs searched so far; one not listed has no main runs yet.
# What the search chooses: experiment "search" runs without them (the model then searches).
SEARCHED = tuple(methods.RANKAE_SEARCH_START)


# Experiment "design": what the loss is trained on, the latent size (the paper's h = 200 "for
# large" label sets may include Delicious's 983) and the width of encoder and decoder.
DESIGN = ({"decode": "both"}, {"decode": "features"}, {"latent": 200}, {"hidden": 512})


# Experiment "embeddings": the word vectors the paper initialises from 100-d GloVe where the
# features are words. Only 50-d GloVe is installable, so: random rows of 50 (to separate size
# from initialisation), GloVe-50, and GloVe-50 padded with 50 random dimensions to C = 100; the
# main runs are random-100.
EMBEDDINGS = ({"word_vectors": "random", "embedding": 50},
              {"word_vectors": "glove-50", "embedding": 50},
              {"word_vectors": "glove-50-padded", "embedding": 100})
WORD_DATASETS = ("bibtex", "imdb-rankae")   # features that are words GloVe knows

# Experiments "noise" and "margin" (Figure 3): IMDB-F at the paper's IMDb sizes; labels of the
# 80% training part made noisy, the other 20% the clean validation split for model selection
# (no refit, so no noisy model ever sees clean labels), the same clean test split for all. The
# deep methods keep the settings chosen on the clean data; the baselines stand in for FastXML
# (Parabel) and PD-Sparse (one-vs-rest).
NOISE_DATASET = "imdb-rankae"
NOISE_KINDS = ("missing", "missing-invalid")
NOISE_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
NOISE_METHODS = ("rankae", "bce-ae", "parabel", "ovr-linear")
MARGINS = (0.1, 0.3, 0.5, 0.7, 0.9)
MARGIN_RATES = (0.0, 0.3, 0.6)


def search_params(method: str, dataset: str, profile: str = "full") -> dict:
    """Experiment "search": the registry's settings of ``method`` without the four the search
    chooses, and without the refit (its records keep the validation score of every trial)."""
    params = methods.settings(method, dataset, profile)
    return {**{k: v for k, v in params.items() if k not in SEARCHED}, "refit": False}


def grid(profile: str = "full") -> list:
    """The Rank-AE grid: "search" (seed 0: the coordinate search on validation for Rank-AE and
    its two ablations on every data set of the chapter) and "main" (3 seeds with the chosen
    settings, early stopping on validation, then trained again on the whole training split, as
    the paper does). The smoke profile runs one seed of every path on shrunk data."""
    seeds = (0,) if profile == "smoke" else (0, 1, 2)
    datasets = DATASETS[:1] if profile == "smoke" else DATASETS

    def config(experiment, method, dataset, seed, params):
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=dataset,
                         seed=seed, profile=profile, params=params, valid_fraction=VALID_FRACTION)

    configs = [config("search", m, d, 0, search_params(m, d, profile))
               for d in datasets for m in METHODS]
    configs += [config("main", m, d, s, methods.settings(m, d, profile))
                for s in seeds for d in datasets for m in METHODS
                if profile == "smoke" or (d, m) in methods.RANKAE_CHOSEN]
    # The choices the paper leaves open, one at a time around the main design on Delicious
    # (seed 0, the chosen lambda, m, lr and decay, judged on validation, no refit).
    if profile == "full" and ("delicious", "rankae") in methods.RANKAE_CHOSEN:
        base = {**methods.settings("rankae", "delicious"), "refit": False}
        configs += [config("design", "rankae", "delicious", 0, {**base, **change})
                    for change in DESIGN]
    words = datasets if profile == "smoke" else WORD_DATASETS
    configs += [config("embeddings", "rankae", d, s, {**methods.settings("rankae", d, profile), **change})
                for s in seeds for d in words
                for change in (EMBEDDINGS[1:2] if profile == "smoke" else EMBEDDINGS)
                if profile == "smoke" or (d, "rankae") in methods.RANKAE_CHOSEN]
    return configs + noise_grid(profile) + text_grid(profile) + gap_grid(profile)


# Raw text (Reuters, the one data set with documents): the deep text baselines of Table 2 (fastText,
# and Kim's CNN for XML-CNN) and Rank-AE with a BiLSTM feeding its attention (Figure 5), which
# takes the settings the search chose for Rank-AE on Reuters' tf-idf features (their lengths and
# budgets are the methods registry's: xmlstudy.methods.TEXT_LENGTH, BILSTM_BUDGET).
TEXT_DATASET = "reuters"   # one of DATASETS
TEXT_BASELINES = ("fasttext", "kim-cnn")


def text_grid(profile: str = "full") -> list:
    """Experiments "main" (fastText and Kim's CNN on Reuters, 3 seeds) and "attention" (Rank-AE
    on raw Reuters text, 3 seeds, with the topic-word and deletion measures of
    :mod:`xmlstudy.attention`). They follow the Reuters search of Rank-AE; until it has run,
    only the smoke profile has them."""
    if profile == "full" and (TEXT_DATASET, "rankae") not in methods.RANKAE_CHOSEN:
        return []
    seeds = (0,) if profile == "smoke" else (0, 1, 2)

    def config(experiment, method, seed, params):
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=TEXT_DATASET,
                         seed=seed, profile=profile, params=params, valid_fraction=VALID_FRACTION)

    return ([config("main", m, s, methods.settings(m, TEXT_DATASET, profile))
             for s in seeds for m in TEXT_BASELINES]
            + [config("attention", "rankae-bilstm", s,
                      methods.settings("rankae-bilstm", TEXT_DATASET, profile)) for s in seeds])


def _noise_config(experiment, method, profile, setting, params, seed=0):
    return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=NOISE_DATASET,
                     seed=seed, profile=profile, setting=setting, params=params,
                     valid_fraction=VALID_FRACTION)


def noise_grid(profile: str = "full") -> list:
    """Experiments "noise" (every method at every rate of both kinds) and "margin" (Rank-AE with
    each m at three rates of missing + invalid labels), with the rulebook's 3 seeds (a method
    deterministic given its data, xmlstudy.methods.DETERMINISTIC, runs once on clean labels: the
    noise is drawn from the seed); seed 0 first, so
    the runs of one seed finish before the next begins. They need the settings
    chosen on the clean IMDB-F data; until the search has run, only the smoke profile has them.
    The baselines keep their own settings; in smoke the deep methods start from the search's
    start point instead of searching."""
    if profile == "full" and not all((NOISE_DATASET, m) in methods.RANKAE_CHOSEN
                                     for m in ("rankae", "bce-ae")):
        return []

    def params(method):
        settings = methods.settings(method, NOISE_DATASET, profile)
        if method not in METHODS:
            return settings
        smoke = methods.RANKAE_SEARCH_START if profile == "smoke" else {}
        return {**settings, **smoke, "refit": False}

    def setting(kind, rate):
        return {} if rate == 0 else {"noise": kind, "rate": rate}

    rates = (0.0, 0.3) if profile == "smoke" else NOISE_RATES
    kinds = NOISE_KINDS[:1] if profile == "smoke" else NOISE_KINDS
    # The clean setting ({}) is the same for both kinds: keep one of each distinct setting.
    settings = list({_key(setting(k, r)): setting(k, r) for k in kinds for r in rates}.values())
    seeds = (0,) if profile == "smoke" else (0, 1, 2)
    margins = MARGINS[:1] if profile == "smoke" else MARGINS
    configs = []
    for seed in seeds:
        configs += [_noise_config("noise", m, profile, st, params(m), seed)
                    for st in settings for m in NOISE_METHODS
                    # the label noise is drawn from the seed, so a deterministic method runs
                    # once on clean labels only
                    if seed == 0 or m not in methods.DETERMINISTIC or st]
        configs += [_noise_config("margin", "rankae", profile, setting("missing-invalid", r),
                                  {**params("rankae"), "margin": m}, seed)
                    for r in (MARGIN_RATES[-1:] if profile == "smoke" else MARGIN_RATES) for m in margins]
    return configs


def _key(d: dict) -> str:
    """A setting as text, the same for equal settings whatever their keys' order."""
    return ",".join(f"{k}={d[k]}" for k in sorted(d))



# Experiment "gap": what keeps Rank-AE below the paper's Delicious numbers. Each variant changes
# one component of Rank-AE as printed, or is the plain perceptron beside them. Variants are
# settings of the registry's methods (rankae, bce-ae, mlp-bce), not methods of their own: each
# is the same method with one part swapped, and its record's params say which (gap_variant).
GAP_DATASETS = ("delicious", "bibtex", "reuters")   # bag-of-words / tf-idf features, as the paper's
GAP_DROPOUT = 0.5
MLP_ENCODER = {"encoder": "mlp", "encoder_hidden": 1024, "dropout": GAP_DROPOUT}
# variant -> (method, the changes to its registry settings)
GAP_VARIANTS = {
    "as-printed": ("rankae", {}),
    "bce": ("bce-ae", {}),
    "attention-dropout": ("rankae", {"dropout": GAP_DROPOUT}),
    "attention-dropout-bce": ("bce-ae", {"dropout": GAP_DROPOUT}),
    "mlp-encoder": ("rankae", MLP_ENCODER),
    "mlp-encoder-bce": ("bce-ae", MLP_ENCODER),
    "mlp-encoder-decode-both": ("rankae", {**MLP_ENCODER, "decode": "both"}),
    "mlp-encoder-neighbours": ("rankae", {**MLP_ENCODER, "readout": "neighbours"}),
    "plain-mlp": ("mlp-bce", {"hidden": 1024, "layers": 1, "dropout": GAP_DROPOUT,
                              "select": "precision", "refit": True}),
}
# The search budget: every variant runs a coordinate search of 7 configurations on its own
# validation split, then is trained again on the whole training split (the chapter's protocol).
# The ranking loss has the chapter's search (m, lambda, lr, decay); BCE has no margin, so its two
# trials go to a second learning rate and a second decay; the plain perceptron has neither
# lambda nor m, so its trials go to both of those and to its dropout. Lists, not dicts: the
# order is the search's path and must survive a record's JSON.
GAP_SEARCH = {
    "ranking": [["margin", [0.1, 1.0]], ["lam", [0.1, 10.0]], ["lr", [0.003]],
                ["weight_decay", [1e-05]]],
    "bce": [["lam", [0.1, 10.0]], ["lr", [0.003, 0.0003]], ["weight_decay", [1e-05, 0.0001]]],
    "mlp": [["lr", [0.003, 0.0003]], ["weight_decay", [1e-05, 0.0001]], ["dropout", [0.3, 0.7]]],
}
# The same epoch budget for all (Rank-AE's: xmlstudy.methods.RANKAE_FULL).
GAP_BUDGET = {"epochs": methods.RANKAE_FULL["epochs"], "patience": methods.RANKAE_FULL["patience"]}
# In smoke, one alternative of one setting (the search's code path), and narrow layers.
GAP_SMOKE = {"encoder_hidden": 32, "hidden": 32}


def gap_search(method: str, profile: str = "full") -> list:
    """The coordinate search a variant of ``method`` runs in experiment "gap"."""
    family = "mlp" if method == "mlp-bce" else "bce" if method == "bce-ae" else "ranking"
    search = GAP_SEARCH[family]
    return [[search[0][0], search[0][1][:1]]] if profile == "smoke" else [list(p) for p in search]


def gap_params(variant: str, dataset: str, profile: str = "full") -> dict:
    """A variant's parameters: its method's registry settings without what the search chooses,
    its changes, the search, and (Rank-AE's family) the refit by default."""
    method, changes = GAP_VARIANTS[variant]
    settings = {k: v for k, v in methods.settings(method, dataset, profile).items()
                if k not in SEARCHED}
    params = {**settings, **changes, "search": gap_search(method, profile)}
    if profile == "smoke":
        params.update({k: v for k, v in GAP_SMOKE.items() if k in params})
    else:
        params.update(GAP_BUDGET)
    return params


def gap_variant(method: str, params: dict) -> str:
    """Which variant of experiment "gap" a run of ``method`` with ``params`` is: the one whose
    changes are exactly the run's values of the settings that tell ``method``'s variants apart
    (the smoke profile's narrow layers aside)."""
    keys = {k for m, changes in GAP_VARIANTS.values() if m == method for k in changes} - set(GAP_SMOKE)
    run = {k: params[k] for k in keys if k in params}
    for variant, (m, changes) in GAP_VARIANTS.items():
        if m == method and run == {k: v for k, v in changes.items() if k in keys}:
            return variant
    raise ValueError(f"no variant of experiment 'gap' is {method} with {run}; variants: "
                     f"{', '.join(GAP_VARIANTS)}")


def gap_grid(profile: str = "full") -> list:
    """Experiment "gap": every variant on each of :data:`GAP_DATASETS` with 3 seeds (smoke: the
    first data set, seed 0), each run searching on its own 20% validation split and then refit.
    Seed 0 first, so that one seed of every variant finishes before the next begins."""
    seeds = (0,) if profile == "smoke" else (0, 1, 2)
    datasets = GAP_DATASETS[:1] if profile == "smoke" else GAP_DATASETS
    return [RunConfig(paper=PAPER, experiment="gap", method=GAP_VARIANTS[v][0], dataset=d, seed=s,
                      profile=profile, params=gap_params(v, d, profile),
                      valid_fraction=VALID_FRACTION)
            for s in seeds for d in datasets for v in GAP_VARIANTS]
