"""The Scale chapter's grid: every method of the cross-paper chapter that predicts from feature
vectors, on debian-deps (Debian package descriptions -> the packages they depend on: 39,389
training rows, 32,849 tf-idf words, 14,099 labels), with the methods registry's settings.

Experiment "debian": each method with its settings for ``debian-deps`` (the registry gives the
data set reuters' choices where a method has per-data-set settings: sparse tf-idf text, the same
kind), on the data set's own split by source package, seeds 0, 1, 2. A deterministic method runs
once (seed 0). A method whose run does not fit the study's machine is not in the grid: it is in
:data:`OVER_BUDGET` with the reason, and the page shows its measured cost instead of a cell.
The smoke profile runs the same configurations, seed 0, on a few hundred rows of each split (the
experiments' smoke shrink, :data:`xmlstudy.experiments.SMOKE_ROWS`), all 14,099 labels kept.
"""
from __future__ import annotations

from xmlstudy import methods
from xmlstudy.experiments import RunConfig

PAPER = "scale"
EXPERIMENT = "debian"
DATASET = "debian-deps"
# The feature-vector methods of the cross-paper chapter, cheapest first (by the budget records
# below), so that a grid started on a shared machine gives its first records within the hour.
METHODS = ("knn", "parabel", "mlp-bce", "dxml", "nnae", "mlknn", "rankae", "bce-ae", "ovr-linear",
           "cgmvae", "c2ae")
SEEDS = (0, 1, 2)
# Methods whose seed changes nothing: kNN and ML-kNN draw no random number, and one-vs-rest's
# liblinear solver for L2 logistic regression (trust-region Newton on the primal) does not use
# its random_state. Measured, not assumed: every committed record of the three on every data set
# has the same metrics for seeds 0, 1 and 2 (tests/test_scale_chapter.py checks this), so they
# run once here and are shown without a spread.
DETERMINISTIC = ("knn", "mlknn", "ovr-linear")
# The machine the study's records are made on: 2 CPU cores shared with other work, 24 GB of
# memory. A method fits when its runs (3 seeds, or 1 when deterministic) take at most a day of
# one core, as measured by `python -m xmlstudy bench budget --paper scale` on seed 0's
# configuration (results/benchmark/budget.jsonl; the page shows those records).
DAY_S = 24 * 3600
OVER_BUDGET: dict[str, str] = {
    # Measured (results/benchmark/budget.jsonl): the whole run, under a 20 GiB limit.
    "mlknn": "an N x k x L array: its fit gathers the label vectors of the k nearest neighbours "
             "of every training row into one dense array of floats before counting them",
    # Measured: one epoch from two short fits, times the fewest epochs early stopping allows.
    "c2ae": "an L x L term: its latent space has 0.8 L dimensions, and its decorrelation penalty "
            "forms the (0.8 L) x (0.8 L) matrix of every batch's latent codes, for the features "
            "and for the labels, at every training step",
}


def run_params(method: str, profile: str = "full") -> dict:
    """The settings ``method`` runs with: the registry's for debian-deps; in the smoke profile
    Rank-AE and its BCE variant start from the search's start point instead of searching (as the
    cross-paper chapter's smoke runs do)."""
    params = methods.settings(method, DATASET, profile)
    if profile == "smoke" and method in ("rankae", "bce-ae"):
        params.update(methods.RANKAE_SEARCH_START)
    return params


def seeds_of(method: str, profile: str = "full") -> tuple:
    """The seeds ``method`` runs with: seed 0 alone for a deterministic method or in smoke."""
    return (0,) if profile == "smoke" or method in DETERMINISTIC else SEEDS


def candidates(profile: str = "full") -> list:
    """Experiment "debian" as it would be without a budget: every method of :data:`METHODS` on
    debian-deps with its seeds (:func:`seeds_of`). ``python -m xmlstudy bench budget`` measures
    these, the ones left out too."""
    return [RunConfig(paper=PAPER, experiment=EXPERIMENT, method=m, dataset=DATASET, seed=s,
                      profile=profile, params=run_params(m, profile))
            for m in METHODS for s in seeds_of(m, profile)]


def grid(profile: str = "full") -> list:
    """The configurations that run: :func:`candidates` without the methods of
    :data:`OVER_BUDGET`."""
    return [c for c in candidates(profile) if c.method not in OVER_BUDGET]
