"""The Rank-AE chapter's parameters (the notebook's first cell, checked) and the records it reads:
its own experiments, the baselines chapter's main runs on the same data sets, and the
``bench rankae`` benchmark."""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments
from xmlstudy.chapters.rankae.experiment_grid import DATASETS, PAPER, grid
from xmlstudy.chapters.rankae.paper import METRICS
from xmlstudy.tables import mean_table

EXPERIMENTS = ("main", "search", "design", "embeddings", "noise", "margin", "attention")


def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked."""
    from xmlstudy.parameters import DEVICE, PROFILE, in_range, list_of, one_or_more_of, optional
    from xmlstudy.parameters import validate as check

    return check(namespace, {"profile": PROFILE, "datasets": optional(one_or_more_of(DATASETS)),
                             "seeds": optional(list_of(int)), "device": DEVICE,
                             "tolerance": in_range(0.0, 100.0), "run_missing": bool})


def collect(params) -> tuple[dict, int, int]:
    """``({"rankae/main": ..., "baselines/main": ..., "benchmark/rankae": ...}, missing, total)``:
    the records of every experiment of the chapter and of the baselines' main runs (computing the
    missing ones when ``params.run_missing``), how many configurations lack a record and how many
    were wanted."""
    from xmlstudy import chapters

    names = params.datasets or DATASETS
    wanted = experiments.select(grid(params.profile), names, params.seeds, params.device)
    wanted += experiments.select(chapters.grid("baselines", params.profile), names, params.seeds,
                                 params.device)
    frames = {"benchmark/rankae": experiments.load_records("benchmark", "rankae", params.profile)}
    missing = 0
    for paper in (PAPER, "baselines"):
        found, lacking = experiments.collect([c for c in wanted if c.paper == paper], params.run_missing)
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
