"""The Scale chapter's parameters and the records it reads: its own grid's (run first when the
notebook asks), and the two cost benchmarks' (read only: their numbers are costs, and costs come
from a benchmark run alone on a machine, never from the grid's runs on a shared one)."""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments
from xmlstudy.records import read_jsonl

from .claims import BUDGET, DEBIAN, SCALE
from .experiment_grid import EXPERIMENT, grid


def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked."""
    from xmlstudy.parameters import DEVICE, PROFILE, validate as check

    return check(namespace, {"profile": PROFILE, "device": DEVICE, "run_missing": bool})


def bench_records(name: str, profile: str = "full", results_dir=None) -> pd.DataFrame:
    """The records of ``python -m xmlstudy bench <name>`` of ``profile`` as written, one row
    each (nested fields kept as dicts); an empty frame when there are none."""
    path = experiments.results_file("benchmark", name, profile, results_dir)
    rows = [r for r in read_jsonl(path) if r.get("profile", "full") == profile]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=["method", "status"])


def collect(params, results_dir=None) -> tuple[dict, int, int]:
    """``({record set: records}, missing, total)``: the grid's records (run first when
    ``params.run_missing``) and the benchmarks' (see :mod:`.claims` for the keys)."""
    wanted = experiments.select(grid(params.profile), device=params.device)
    found, missing = experiments.collect(wanted, params.run_missing, results_dir)
    frames = {DEBIAN: found.get(EXPERIMENT, experiments.records_frame([])),
              BUDGET: bench_records("budget", params.profile, results_dir),
              SCALE: bench_records("scale", params.profile, results_dir)}
    return frames, missing, len(wanted)
