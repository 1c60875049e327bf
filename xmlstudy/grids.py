"""The experiment grids behind ``make results``: for each paper, the list of run configurations
of its ``full`` (or ``smoke``) profile. ``python -m xmlstudy run --paper NAME`` runs one grid,
skipping records that already exist."""
from __future__ import annotations

# --- baselines (foundation) ---------------------------------------------------------------------
BASELINE_METHODS = ("knn", "ovr-linear", "parabel")
BASELINE_DATASETS = ("bibtex", "delicious", "yeast", "scene", "corel5k", "imdb", "reuters")


def baselines_grid(profile: str = "full") -> list:
    """The field's baselines (kNN, one-vs-rest logistic regression, Parabel-style trees) on the
    study's datasets with their own choices made on a 10% validation split: seeds 0, 1, 2 in
    ``full``; one seed on the smoke-shrunk data in ``smoke``."""
    from xmlstudy.experiments import RunConfig

    seeds = (0,) if profile == "smoke" else (0, 1, 2)
    return [RunConfig(paper="baselines", experiment="main", method=m, dataset=d, seed=s,
                      profile=profile)
            for d in BASELINE_DATASETS for m in BASELINE_METHODS for s in seeds]


# --- dxml (seed 002) ----------------------------------------------------------------------------

# --- cgmvae (seed 004) --------------------------------------------------------------------------

GRIDS: dict = {}
GRIDS["baselines"] = baselines_grid
