"""The DXML chapter's parameters (the notebook's first cell), checked, and the records they
select: the chapter's grid and the baselines' grid, read from ``results/`` (or run where missing,
into the notebook's ``results_dir`` when it names one).
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from xmlstudy import experiments

from .experiment_grid import DATASETS, grid

# The DXML settings a reader may override from the notebook; any override makes new runs.
KNOBS = ("walks_per_node", "walk_length", "window", "batch_size", "dropout")


def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked; a wrong name or value
    raises ValueError listing the valid ones. A data set must be one DXML's main runs cover in
    the profile asked for (the smoke profile runs it on Bibtex and Delicious only), and a user's
    data set needs both of its files."""
    from xmlstudy.parameters import (DEVICE, PROFILE, SEEDS, datasets_in_grid, existing_file,
                                     in_range, one_of, optional, profile_asked, user_data_files,
                                     writable_dir)
    from xmlstudy.parameters import validate as check

    profile = profile_asked(namespace)
    # DXML's own main runs: every data set accepted gives DXML a row beside the baselines.
    mains = [c for c in grid(profile) if c.experiment == "main" and c.method == "dxml"]
    return check(namespace, {
        "profile": PROFILE,
        "datasets": optional(datasets_in_grid(mains, "DXML", profile)),
        "seeds": optional(SEEDS),
        "device": DEVICE,
        "walks_per_node": optional(in_range(1, 10_000, int)),
        "walk_length": optional(in_range(2, 10_000, int)),
        "window": optional(in_range(1, 100, int)),
        "batch_size": optional(in_range(1, 100_000, int)),
        "dropout": optional(in_range(0.0, 0.99)),
        "tolerance": in_range(0.0, 100.0),
        "embedding_dataset": one_of(DATASETS),
        "xc_train": optional(existing_file),
        "xc_test": optional(existing_file),
        "run_missing": bool,
        "results_dir": optional(writable_dir),
    }, joint=[user_data_files("xc_train", "xc_test")])


def knobs(params) -> dict:
    """The DXML settings the parameters override (any override makes new runs)."""
    return {name: getattr(params, name) for name in KNOBS if getattr(params, name) is not None}


def configs(params) -> list:
    """The DXML grid and the baselines' grid as the chapter's parameters select them."""
    from xmlstudy import chapters

    changes = knobs(params)
    chosen = [dataclasses.replace(c, params={**c.params, **changes})
              if changes and c.experiment != "sweep" and c.method.startswith("dxml") else c
              for c in grid(params.profile)]
    names = params.datasets or DATASETS
    out = experiments.select(chosen, names, params.seeds, params.device, keep_seeds=("sweep",))
    return out + experiments.select(chapters.grid("baselines", params.profile), names, params.seeds,
                                    params.device)


def collect(params) -> tuple[dict, int, int]:
    """``({"dxml/main": ..., "baselines/main": ...}, missing, total)``: the chapter's records
    as frames keyed "paper/experiment", how many configurations lack a record and how many
    there are (missing ones are run unless ``run_missing`` is False)."""
    wanted = configs(params)
    frames = {}
    missing = 0
    for paper in ("dxml", "baselines"):
        part = [c for c in wanted if c.paper == paper]
        found, lacking = experiments.collect(part, params.run_missing, params.results_dir,
                                             read_default=True)
        missing += lacking
        frames.update({f"{paper}/{e}": f for e, f in found.items()})
    for name in ("dxml/main", "dxml/ablation", "dxml/sweep", "dxml/refit", "dxml/paper_split",
                 "baselines/main"):
        frames.setdefault(name, experiments.records_frame([]))
    return frames, missing, len(wanted)


def with_baselines(frames: dict) -> pd.DataFrame:
    """The main DXML runs and the baselines' main runs in one frame (DXML's first)."""
    return pd.concat([frames["dxml/main"], frames["baselines/main"]], ignore_index=True)
