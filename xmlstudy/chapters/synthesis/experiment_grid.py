"""The cross-paper chapter's experiment grid: the methods and data sets of the common ground, the
cells reused from the chapters' records, and the experiments this chapter runs itself (benchmark,
rows, noise, fewer_data, patience), with the changes each applies on top of the methods
registry's settings (:func:`xmlstudy.methods.settings`).
"""
from __future__ import annotations

from xmlstudy import methods
from xmlstudy.experiments import RunConfig

PAPER = "synthesis"
METHODS = ("knn", "ovr-linear", "parabel", "mlknn", "c2ae", "dxml", "rankae", "bce-ae", "cgmvae",
           "nnae", "mlp-bce")
DATASETS = ("bibtex", "delicious", "corel5k", "imdb", "reuters", "yeast", "scene", "sider")
# Names, colours and markers are the methods registry's (xmlstudy.methods).
SEEDS = (0, 1, 2)

# The chapters' record files a benchmark cell can come from, in order of preference (one-vs-rest
# on yeast is in the baselines' and C-GMVAE's main runs; the baselines' come first), and the
# chapter cells outside a "main" experiment that ran 3 seeds with the settings the benchmark
# would use: C-GMVAE on corel5k (for its label embeddings) and the two-step model on the
# non-negative autoencoder chapter's many-label data sets.
SOURCES = ("baselines/main", "dxml/main", "rankae/main", "cgmvae/main", "cgmvae/embeddings",
           "nnae/many_labels", "synthesis/benchmark")
EXTRA_REUSE = {("cgmvae", "corel5k"): "embeddings", ("nnae", "bibtex"): "many_labels",
               ("nnae", "delicious"): "many_labels", ("nnae", "corel5k"): "many_labels"}

# Cells left out, with the reason: IMDB-F's 120,919 training rows put the latent-space models at
# hours per seed on two CPU cores (C-GMVAE: about 230 s per seed on reuters' 7,000 rows, 300 s on
# delicious' 13,000; the Rank-AE chapter runs its models on a 27,417-row IMDB-F subset instead).
BUDGET = {(m, "imdb"): "not run: 120,919 training rows put this model at hours per seed on the "
                       "study's two CPU cores; see the Rank-AE chapter's IMDB-F subset"
          for m in ("c2ae", "cgmvae", "rankae", "bce-ae")}

# Experiment "noise": every method on the Rank-AE chapter's IMDB-F subset (its 20% clean
# validation split) and on delicious, labels of the training part made noisy, seed 0. The clean
# point of each curve is a run of the same configuration without noise, and Rank-AE and BCE-AE
# are not refit on train + validation: the refit would show a noisy model the clean validation
# labels (as in the Rank-AE chapter's noise runs).
NOISE_DATASETS = ("imdb-rankae", "delicious")
NOISE_KINDS = ("missing", "missing-invalid")
NOISE_RATES = (0.2, 0.4, 0.6)
NOISE_VALID_FRACTION = {"imdb-rankae": 0.2}
CHAPTER_NOISE_METHODS = ("rankae", "bce-ae", "parabel", "ovr-linear")   # in results/rankae/noise
NO_REFIT = {"rankae": {"refit": False}, "bce-ae": {"refit": False}}
# Experiment "fewer_data": the same nested subsets of train for every method (C-GMVAE's Figure 2).
FEWER_DATASETS = ("scene", "yeast", "delicious", "bibtex")
FRACTIONS = (0.1, 0.5)
# Experiment "patience": is a stall the stopping rule or the rows? The models that choose their
# epoch on validation macro-F1 stall at 10% of bibtex and delicious; they run again there without
# early stopping (all their epochs, the best one on validation kept), 3 seeds.
PATIENCE_CHECK = {"methods": ("c2ae", "cgmvae", "mlp-bce"), "datasets": ("bibtex", "delicious"),
                  "fraction": 0.1}


def run_params(method: str, dataset: str, profile: str = "full") -> dict:
    """Settings of ``method`` on ``dataset``: the methods registry's (for a data set its chapter
    did not search, DXML's chosen settings, Rank-AE's own search, C-GMVAE's and C2AE's of the
    data set of the same kind), with two smoke-profile exceptions that the smoke records were
    made with: Rank-AE and its BCE variant start from the search's start point instead of
    searching, and the two-step model runs at its constructor's defaults."""
    if profile == "smoke" and method == "nnae":
        return {}
    params = methods.settings(method, dataset, profile)
    if profile == "smoke" and method in ("rankae", "bce-ae"):
        params.update(methods.RANKAE_SEARCH_START)
    return params


def reused(profile: str = "full") -> dict:
    """``{(method, dataset): [configs]}``: the benchmark cells a chapter's grid already runs (its
    "main" experiment on the given split, no noise or subset; or the experiment named in
    :data:`EXTRA_REUSE`), from the first chapter that has the cell."""
    from xmlstudy import chapters

    cells: dict = {}
    for name in ("baselines", "dxml", "rankae", "cgmvae", "nnae"):
        found: dict = {}
        for c in chapters.grid(name, profile):
            key = (c.method, c.dataset)
            if (c.experiment == EXTRA_REUSE.get(key, "main") and not c.setting
                    and c.split == "given" and c.method in METHODS and c.dataset in DATASETS):
                found.setdefault(key, []).append(c)
        for key, configs in found.items():
            cells.setdefault(key, configs)
    return cells


# Experiment "rows": the chapters' records predate per-row outcomes, so the best two methods on
# P@1 of each data set (by the benchmark's means; tests/test_synthesis.py checks this against the
# records) are run again, same configurations, to compare them row by row.
LEADERS = {"bibtex": ("ovr-linear", "parabel"), "delicious": ("mlp-bce", "parabel"),
           "corel5k": ("ovr-linear", "mlp-bce"), "imdb": ("ovr-linear", "parabel"),
           "reuters": ("parabel", "ovr-linear"), "yeast": ("bce-ae", "rankae"),
           "scene": ("mlp-bce", "cgmvae"), "sider": ("mlp-bce", "knn")}


def grid(profile: str = "full") -> list:
    """Experiments "benchmark" (every cell of METHODS x DATASETS no chapter runs, 3 seeds),
    "rows" (the leaders run again with per-row outcomes), "noise" (every method clean and with
    both noise kinds at 20/40/60%, seed 0), "fewer_data" (10% and 50% of train, 3 seeds; 100% is
    the benchmark) and "patience" (:data:`PATIENCE_CHECK` without early stopping). The smoke
    profile runs one seed of each on shrunk data, and no "patience"."""
    import dataclasses

    smoke = profile == "smoke"
    seeds = (0,) if smoke else SEEDS
    datasets = ("yeast", "bibtex") if smoke else DATASETS

    def config(experiment, method, dataset, seed, setting=None, valid_fraction=None):
        extra = {} if valid_fraction is None else {"valid_fraction": valid_fraction}
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=dataset,
                         seed=seed, profile=profile, setting=setting or {},
                         params=run_params(method, dataset, profile), **extra)

    done = reused(profile)
    configs = [config("benchmark", m, d, s) for d in datasets for m in METHODS for s in seeds
               if (m, d) not in done and (m, d) not in BUDGET]
    leaders_ = {d: LEADERS[d] for d in datasets} if not smoke else {"yeast": ("knn", "ovr-linear")}
    configs += [dataclasses.replace(c, paper=PAPER, experiment="rows")
                for d, pair in leaders_.items() for m in pair for c in done.get((m, d), [])]
    noise_sets = NOISE_DATASETS[:1] if smoke else NOISE_DATASETS
    rates = NOISE_RATES[-1:] if smoke else NOISE_RATES
    kinds = NOISE_KINDS[-1:] if smoke else NOISE_KINDS
    settings = [{}] + [{"noise": k, "rate": r} for k in kinds for r in rates]
    for d in noise_sets:
        # The Rank-AE chapter's noise runs already hold its own four methods on the IMDB-F subset.
        skip = () if smoke or d != "imdb-rankae" else CHAPTER_NOISE_METHODS
        configs += [dataclasses.replace(config("noise", m, d, 0, st, NOISE_VALID_FRACTION.get(d)),
                                        params={**run_params(m, d, profile), **NO_REFIT.get(m, {})})
                    for st in settings for m in METHODS if m not in skip and (m, d) not in BUDGET]
    fewer = FEWER_DATASETS[:1] if smoke else FEWER_DATASETS
    fractions = FRACTIONS[:1] if smoke else FRACTIONS
    configs += [config("fewer_data", m, d, s, {"train_fraction": f})
                for f in fractions for d in fewer for m in METHODS for s in seeds
                if not (m in ("cgmvae", "c2ae") and d in ("scene", "yeast"))]  # the C-GMVAE chapter's
    if not smoke:
        check = PATIENCE_CHECK
        configs += [dataclasses.replace(config("patience", m, d, s, {"train_fraction": check["fraction"]}),
                                        params={**run_params(m, d, profile), "patience": None})
                    for d in check["datasets"] for m in check["methods"] for s in seeds]
    return configs
