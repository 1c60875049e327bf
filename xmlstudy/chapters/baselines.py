"""The chapter on the data and the baselines: the data sets against the statistics the papers
print, and the field's baselines (kNN, one-vs-rest logistic regression, Parabel-style label trees)
that every paper chapter is measured against.

Its grid is ``python -m xmlstudy run --paper baselines`` (records in
``results/baselines/main.jsonl``). The baselines are not a paper, so the chapter has no claims of
its own; the papers' baseline columns are judged in their chapters.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments, methods, published
from xmlstudy.experiments import RunConfig
from xmlstudy.tables import STATISTIC_NAMES, baselines_vs_published, summarize

PAPER = "baselines"
CLAIMS = ()

# --- the grid ------------------------------------------------------------------------------------
METHODS = ("knn", "ovr-linear", "parabel")
# imdb-rankae: IMDB-F at the sizes of Rank-AE's IMDb (the Rank-AE chapter's Table 2 and noise study).
DATASETS = ("bibtex", "delicious", "yeast", "scene", "sider", "corel5k", "imdb", "reuters",
            "imdb-rankae")


def grid(profile: str = "full") -> list:
    """The field's baselines (kNN, one-vs-rest logistic regression, Parabel-style trees) on the
    study's datasets with their own choices made on a 10% validation split: seeds 0, 1, 2 in
    ``full``; one seed on the smoke-shrunk data in ``smoke``."""
    seeds = (0,) if profile == "smoke" else (0, 1, 2)
    return [RunConfig(paper="baselines", experiment="main", method=m, dataset=d, seed=s,
                      profile=profile, params=methods.settings(m, d, profile))
            for d in DATASETS for m in METHODS for s in seeds]


# --- the published numbers the chapter checks -------------------------------------------------------
# Transcribed in xmlstudy/published/ (read by xmlstudy.published).
def published_statistics() -> list[dict]:
    """The data-set statistics the papers print (DXML's Table 1, Rank-AE's Table 1 and C-GMVAE's
    Table 6), for :func:`xmlstudy.tables.compare_statistics`."""
    return [published.statistics(paper) for paper in ("dxml", "rankae", "cgmvae")]


def published_tables() -> list[dict]:
    """The published P@k our baselines are set beside: the Extreme Classification Repository's
    (its Bibtex and Delicious splits have Mulan's sizes, 4,880/2,515 and 12,920/3,185 rows) and
    DXML's Table 2."""
    return [published.table("xc-repository", label="legacy datasets"),
            published.table("dxml", "Table 2")]


def published_names() -> dict:
    """Our baseline -> its name in the published tables, as the files map them."""
    names = {**published.printed_names("xc-repository"),
             **published.printed_names("dxml", "Table 2")}
    return {method: names[method] for method in METHODS if method in names}


RANKING = ["P@1", "P@3", "P@5", "nDCG@3", "nDCG@5", "PSP@1", "PSP@5"]
SET_METRICS = ["validation/ex-F1", "validation/mi-F1", "validation/ma-F1", "validation/HA"]


# --- the chapter's parameters and records -----------------------------------------------------------
def validate(namespace: dict):
    """The chapter's parameters, checked; a wrong name or value lists the valid ones. A data set
    must be one the baselines' grid runs (its statistics alone would leave the baseline tables
    empty)."""
    from xmlstudy.parameters import (DEVICE, PROFILE, SEEDS, datasets_in_grid, optional,
                                     profile_asked, writable_dir)
    from xmlstudy.parameters import validate as check

    profile = profile_asked(namespace)
    runs = datasets_in_grid(grid(profile), "data and baselines", profile)
    return check(namespace, {"profile": PROFILE, "datasets": optional(runs),
                             "seeds": optional(SEEDS), "device": DEVICE,
                             "results_dir": optional(writable_dir)})


def collect(params) -> tuple[dict, int, int]:
    """``({"baselines/main": records}, missing, total)`` for the data sets and seeds asked for
    (missing records are run, and written to ``params.results_dir`` when it is given)."""
    wanted = experiments.select(grid(params.profile), params.datasets, params.seeds, params.device)
    found, missing = experiments.collect(wanted, results_dir=params.results_dir, read_default=True)
    return {"baselines/main": found.get("main", experiments.records_frame([]))}, missing, len(wanted)


def best_baselines(records: pd.DataFrame) -> pd.DataFrame:
    """Per data set, the baseline with the highest mean P@1 over seeds."""
    stats = summarize(records, ["P@1"])
    return stats.loc[stats.groupby("dataset", sort=False)["mean"].idxmax()]


def versus_published(records: pd.DataFrame) -> pd.DataFrame:
    """Our baselines beside every number the Extreme Classification Repository and DXML's
    Table 2 give for the same method and data set (1 point tolerance)."""
    sources = published_tables()
    versus = baselines_vs_published(records, sources, published_names(), ["P@1", "P@3", "P@5"],
                                    tolerance=1.0)
    present = set(records["dataset"]) if len(records) else set()
    versus = versus[versus["dataset"].isin(present)]
    versus["source"] = versus["source"].replace({sources[0]["source"]: "XC repository"})
    versus["method"] = versus["method"].map(methods.name)
    return versus.drop(columns="n_seeds").rename(columns={"difference": "diff"})


def numbers(records: pd.DataFrame, comparison: pd.DataFrame) -> dict:
    """The numbers the chapter's prose cites."""
    best = best_baselines(records) if len(records) else pd.DataFrame(columns=["dataset", "method", "mean"])
    wins = best["method"].value_counts()
    versus = versus_published(records)
    return {
        "n_statistics_checked": str(len(comparison)),
        "n_statistics_disagree": str(int((~comparison["agrees"]).sum())),
        "statistics_disagree_list": ", ".join(f"{r.dataset} {STATISTIC_NAMES.get(r.statistic, r.statistic)} "
                                              f"({r.source})"
                                              for r in comparison[~comparison["agrees"]].itertuples()) or "none",
        "n_baseline_records": str(len(records)),
        "n_baseline_datasets": str(records["dataset"].nunique() if len(records) else 0),
        "best_baseline_list": "; ".join(f"{r.dataset}: {methods.name(r.method)} ({100 * r.mean:.1f})"
                                        for r in best.itertuples()),
        "most_wins_method": methods.name(wins.index[0]) if len(wins) else "none",
        "most_wins_count": str(int(wins.iloc[0])) if len(wins) else "0",
        "n_versus": str(len(versus)),
        "n_versus_matches": str(int((versus["verdict"] == "matches").sum())),
    }
