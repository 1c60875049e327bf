"""The chapter on the data and the baselines: the data sets against the statistics the papers
print, and the field's baselines (kNN, one-vs-rest logistic regression, Parabel-style label trees)
that every paper chapter is measured against.

Its grid is ``python -m xmlstudy run --paper baselines`` (records in
``results/baselines/main.jsonl``). The baselines are not a paper, so the chapter has no claims of
its own; the papers' baseline columns are judged in their chapters.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments, methods
from xmlstudy.chapters import cgmvae, dxml
from xmlstudy.experiments import RunConfig
from xmlstudy.tables import baselines_vs_published, summarize

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
# Rank-AE has no chapter yet; its data-set statistics are checked here with the others.
RANKAE_STATISTICS = {
    "source": "Rank-AE, Table 1",
    "paper": "rankae",
    "scale": 1,
    "rows": {
        "Delicious": {"train": 12920, "test": 3185, "labels": 983, "features": 500,
                      "cardinality": 19.03, "samples_per_label": 312},
        "Mediamill": {"train": 30993, "test": 12914, "labels": 101, "features": 120,
                      "cardinality": 4.38, "samples_per_label": 1902},
        "RCV": {"train": 623847, "test": 155962, "labels": 2456, "features": 47236,
                "cardinality": 4.79, "samples_per_label": 1219},
        "IMDb": {"train": 27417, "test": 6740, "labels": 28, "features": 115554,
                 "cardinality": 2.4, "samples_per_label": 2937},
        "EURLex": {"train": 15539, "test": 3909, "labels": 3993, "features": 5000,
                   "cardinality": 5.31, "samples_per_label": 26},
        "Wiki10": {"train": 14146, "test": 6616, "labels": 30938, "features": 101938,
                   "cardinality": 18.64, "samples_per_label": 9},
    },
    # Rank-AE's IMDb is its own crawl (not public); the study's "imdb" is MEKA's IMDB-F with the
    # same 28 genres but other documents and features, so it is deliberately not mapped.
    "registry": {"Delicious": "delicious", "Mediamill": None, "RCV": None, "IMDb": None,
                 "EURLex": None, "Wiki10": None},
}


DATASET_STATISTICS = [dxml.STATISTICS, RANKAE_STATISTICS, cgmvae.STATISTICS]

# --- Extreme Classification Repository numbers quoted in the notes -----------------------------
# P@k on the repository's Bibtex and Delicious splits, which have the same sizes as Mulan's
# (4,880/2,515 and 12,920/3,185 rows). Quoted in ../shared/notes/reference-implementations.md.

XC_REPOSITORY = {
    "source": "Extreme Classification Repository (legacy datasets)",
    "scale": 100,
    "values": {
        ("bibtex", "SLEEC", "P@1"): 65.08, ("bibtex", "SLEEC", "P@3"): 39.64,
        ("bibtex", "SLEEC", "P@5"): 28.87,
        ("bibtex", "Parabel", "P@1"): 64.53, ("bibtex", "Parabel", "P@3"): 38.56,
        ("bibtex", "Parabel", "P@5"): 27.94,
        ("bibtex", "PfastreXML", "P@1"): 63.46, ("bibtex", "PfastreXML", "P@3"): 39.22,
        ("bibtex", "PfastreXML", "P@5"): 29.14,
        ("delicious", "FastXML", "P@1"): 69.61, ("delicious", "FastXML", "P@3"): 64.12,
        ("delicious", "FastXML", "P@5"): 59.27,
        ("delicious", "SLEEC", "P@1"): 67.59, ("delicious", "SLEEC", "P@3"): 61.38,
        ("delicious", "SLEEC", "P@5"): 56.56,
        ("delicious", "Parabel", "P@1"): 67.44, ("delicious", "Parabel", "P@3"): 61.83,
        ("delicious", "Parabel", "P@5"): 56.75,
    },
}


# Our method name -> its name in the published baseline columns.
PUBLISHED_NAMES = {"knn": "KNN", "ovr-linear": "1-vs-All", "parabel": "Parabel"}
RANKING = ["P@1", "P@3", "P@5", "nDCG@3", "nDCG@5", "PSP@1", "PSP@5"]
SET_METRICS = ["validation/ex-F1", "validation/mi-F1", "validation/ma-F1", "validation/HA"]


# --- the chapter's parameters and records -----------------------------------------------------------
def validate(namespace: dict):
    """The chapter's parameters, checked; a wrong name or value lists the valid ones."""
    from xmlstudy import data
    from xmlstudy.parameters import DEVICE, PROFILE, list_of, one_or_more_of, optional
    from xmlstudy.parameters import validate as check

    return check(namespace, {"profile": PROFILE, "datasets": optional(one_or_more_of(data.names())),
                             "seeds": optional(list_of(int)), "device": DEVICE})


def collect(params) -> tuple[dict, int, int]:
    """``({"baselines/main": records}, missing, total)`` for the data sets and seeds asked for
    (missing records are run)."""
    wanted = experiments.select(grid(params.profile), params.datasets, params.seeds, params.device)
    found, missing = experiments.collect(wanted)
    return {"baselines/main": found.get("main", experiments.records_frame([]))}, missing, len(wanted)


def best_baselines(records: pd.DataFrame) -> pd.DataFrame:
    """Per data set, the baseline with the highest mean P@1 over seeds."""
    stats = summarize(records, ["P@1"])
    return stats.loc[stats.groupby("dataset", sort=False)["mean"].idxmax()]


def versus_published(records: pd.DataFrame) -> pd.DataFrame:
    """Our baselines beside every number the Extreme Classification Repository and DXML's
    Table 2 give for the same method and data set (1 point tolerance)."""
    versus = baselines_vs_published(records, [XC_REPOSITORY, dxml.TABLE_2], PUBLISHED_NAMES,
                                    ["P@1", "P@3", "P@5"], tolerance=1.0)
    present = set(records["dataset"]) if len(records) else set()
    versus = versus[versus["dataset"].isin(present)]
    versus["source"] = versus["source"].replace({XC_REPOSITORY["source"]: "XC repository"})
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
        "statistics_disagree_list": ", ".join(f"{r.dataset} {r.statistic} ({r.source})"
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
