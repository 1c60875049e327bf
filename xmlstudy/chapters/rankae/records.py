"""The Rank-AE chapter's parameters (the notebook's first cell, checked) and the records it reads:
its own experiments, the baselines chapter's main runs on the same data sets, and the
``bench rankae`` benchmark."""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments
from xmlstudy.chapters.rankae.experiment_grid import DATASETS, PAPER, grid
from xmlstudy.chapters.rankae.paper import METRICS
from xmlstudy.tables import mean_table, record_field

# The paper's Figure 4 and its average-rank row report P@k (nDCG@k "is similar"): the verdicts on
# several P@k read their mean, one value per run.
P_AT_K = ("P@1", "P@3", "P@5")
EXPERIMENTS = ("main", "search", "design", "embeddings", "noise", "margin", "attention", "gap")


def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked. A data set must be one
    Rank-AE's main runs cover in the profile asked for: the smoke profile runs Rank-AE on
    Delicious only, and a data set without its row would leave the page to the baselines and
    every claim untestable."""
    from xmlstudy.parameters import (DEVICE, PROFILE, SEEDS, datasets_in_grid, in_range,
                                     optional, profile_asked, writable_dir)
    from xmlstudy.parameters import validate as check

    profile = profile_asked(namespace)
    mains = [c for c in grid(profile) if c.experiment == "main" and c.method == "rankae"]
    return check(namespace, {"profile": PROFILE,
                             "datasets": optional(datasets_in_grid(mains, "Rank-AE", profile)),
                             "seeds": optional(SEEDS), "device": DEVICE,
                             "tolerance": in_range(0.0, 100.0), "run_missing": bool,
                             "results_dir": optional(writable_dir)})


def collect(params) -> tuple[dict, int, int]:
    """``({"rankae/main": ..., "baselines/main": ..., "benchmark/rankae": ...}, missing, total)``:
    the records of every experiment of the chapter and of the baselines' main runs (computing the
    missing ones when ``params.run_missing``, into ``params.results_dir`` when it is given), how
    many configurations lack a record and how many were wanted."""
    from xmlstudy import chapters

    names = params.datasets or DATASETS
    wanted = experiments.select(grid(params.profile), names, params.seeds, params.device)
    wanted += experiments.select(chapters.grid("baselines", params.profile), names, params.seeds,
                                 params.device)
    frames = {"benchmark/rankae": experiments.load_records("benchmark", "rankae", params.profile,
                                                           params.results_dir, read_default=True)}
    missing = 0
    for paper in (PAPER, "baselines"):
        found, lacking = experiments.collect([c for c in wanted if c.paper == paper],
                                             params.run_missing, params.results_dir,
                                             read_default=True)
        missing += lacking
        for experiment in (EXPERIMENTS if paper == PAPER else ("main",)):
            frames[f"{paper}/{experiment}"] = found.get(experiment, experiments.records_frame([]))
    return frames, missing, len(wanted)


def main_and_baselines(frames: dict) -> pd.DataFrame:
    """The main runs of Rank-AE and its ablations together with the baselines' main runs."""
    return pd.concat([frames["rankae/main"], frames["baselines/main"]], ignore_index=True)


def means(records: pd.DataFrame, metrics=METRICS) -> pd.DataFrame:
    """Each metric's mean over seeds per (data set, method), as fractions."""
    return mean_table(records, metrics)


def seed_scores(records: pd.DataFrame, metrics=P_AT_K) -> pd.DataFrame:
    """One row per record: ``dataset``, ``seed``, ``method`` and ``value``, the mean of
    ``metrics`` in that run (percentage points), the long frame the rulebook's paired rules
    read."""
    columns = ["dataset", "seed", "method", "value"]
    if not len(records):
        return pd.DataFrame(columns=columns)
    values = pd.concat([pd.to_numeric(record_field(records, m), errors="coerce") for m in metrics],
                       axis=1)
    out = records[["dataset", "seed", "method"]].copy()
    out["value"] = 100 * values.mean(axis=1, skipna=False).to_numpy()
    return out[columns].reset_index(drop=True)
