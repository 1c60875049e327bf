"""The Scale chapter's parameters and the records it reads: its own grid's (run first when the
notebook asks), and the two cost benchmarks' (read only: their numbers are costs, and costs come
from a benchmark run alone on a machine, never from the grid's runs on a shared one)."""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments
from xmlstudy.records import read_jsonl

from .claims import BUDGET, DEBIAN, EVALUATE, SCALE
from .experiment_grid import EXPERIMENT, PAPER, grid


def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked."""
    from xmlstudy.parameters import DEVICE, PROFILE, optional, writable_dir
    from xmlstudy.parameters import validate as check

    return check(namespace, {"profile": PROFILE, "device": DEVICE, "run_missing": optional(bool),
                             "results_dir": optional(writable_dir)})


def runs_missing(params) -> bool:
    """Whether the page computes the records it lacks: as asked, or by default in the smoke
    profile only, since the full grid takes tens of CPU hours (``python -m xmlstudy run --paper
    scale`` runs it, resumably); the full page shows the records that exist."""
    return params.profile == "smoke" if params.run_missing is None else params.run_missing


def bench_records(name: str, profile: str = "full", results_dir=None) -> pd.DataFrame:
    """The records of ``python -m xmlstudy bench <name>`` of ``profile`` as written, one row
    each (nested fields kept as dicts); an empty frame when there are none."""
    path = experiments.results_file("benchmark", name, profile, results_dir)
    rows = [r for r in read_jsonl(path) if r.get("profile", "full") == profile]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=["method", "status"])


def collect(params) -> tuple[dict, int, int]:
    """``({record set: records}, missing, total)``: the grid's records (the missing ones run
    first when :func:`runs_missing`; new ones written to ``params.results_dir`` when given) and
    the benchmarks' (see :mod:`xmlstudy.chapters.scale.claims` for the keys)."""
    results_dir = getattr(params, "results_dir", None)
    wanted = experiments.select(grid(params.profile), device=params.device)
    found, missing = experiments.collect(wanted, runs_missing(params), results_dir,
                                         read_default=results_dir is not None)
    frames = {DEBIAN: found.get(EXPERIMENT, experiments.records_frame([])),
              BUDGET: bench_records("budget", params.profile),
              SCALE: bench_records("scale", params.profile),
              EVALUATE: bench_records("evaluate", params.profile)}
    return frames, missing, len(wanted)


def claim_frames(profile: str = "full", results_dir=None, *, read_default: bool = False) -> dict:
    """The record sets the claims read (keys of :mod:`xmlstudy.chapters.scale.claims`), read and
    never run: the grid's records as :func:`xmlstudy.experiments.load_records` reads them, the
    benchmarks' as written (for the summary and the rulebook's sensitivity, which judge every
    chapter's claims without running a grid)."""
    return {DEBIAN: experiments.load_records(PAPER, EXPERIMENT, profile, results_dir,
                                             read_default=read_default),
            BUDGET: bench_records("budget", profile), SCALE: bench_records("scale", profile)}
