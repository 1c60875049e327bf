"""The records the cross-paper chapter reads: its parameters, its own experiments and the chapter
record files it reuses, and the record set behind each part of the page (the benchmark, every
method under noise, every method on fewer rows), each cell from one source only.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments

from .experiment_grid import DATASETS, EXTRA_REUSE, FEWER_DATASETS, METHODS, NOISE_RATES, PAPER, SOURCES, grid

EXPERIMENTS = ("benchmark", "rows", "noise", "fewer_data", "patience")
# Record files read besides this chapter's own.
CHAPTER_FILES = ("baselines/main", "dxml/main", "rankae/main", "rankae/noise", "cgmvae/main",
                 "cgmvae/embeddings", "cgmvae/fewer_data", "nnae/many_labels", "scale/debian")


def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked."""
    from xmlstudy.parameters import DEVICE, PROFILE, in_range, optional, writable_dir
    from xmlstudy.parameters import validate as check

    return check(namespace, {"profile": PROFILE, "resamples": in_range(100, 1_000_000, int),
                             "device": DEVICE, "run_missing": bool,
                             "results_dir": optional(writable_dir)})


def collect(params) -> tuple[dict, int, int]:
    """``({"paper/experiment": records}, missing, total)``: this chapter's records (run first
    when ``params.run_missing``, into ``params.results_dir`` when it is given) and the chapter
    record files it reuses (from ``params.results_dir`` too, then the default folder)."""
    wanted = experiments.select(grid(params.profile), device=params.device)
    found, missing = experiments.collect(wanted, params.run_missing, params.results_dir,
                                         read_default=True)
    frames = {f"{PAPER}/{e}": found.get(e, experiments.records_frame([])) for e in EXPERIMENTS}
    for name in CHAPTER_FILES:
        paper, experiment = name.split("/")
        frames[name] = experiments.load_records(paper, experiment, params.profile,
                                                params.results_dir, read_default=True)
    frames[COST] = cost_benchmark(params.profile)
    frames[BUDGET_RECORDS] = bench_frame("budget", params.profile)
    return frames, missing, len(wanted)


COST = "benchmark/cost"   # each cell's seed 0 timed alone: python -m xmlstudy bench cost


BUDGET_RECORDS = "benchmark/budget"   # what each method's runs on debian-deps cost, measured alone


def bench_frame(name: str, profile: str = "full") -> pd.DataFrame:
    """The records of ``python -m xmlstudy bench <name>`` as written; an empty frame when there
    are none."""
    from xmlstudy.records import read_jsonl

    rows = [r for r in read_jsonl(experiments.results_file("benchmark", name, profile))
            if r.get("profile", "full") == profile]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=["method", "dataset", "status"])


def cost_benchmark(profile: str = "full") -> pd.DataFrame:
    """The records of ``python -m xmlstudy bench cost`` (the cost of each benchmark cell, timed
    alone on the machine). The grid's own times are never costs: its runs share the CPU."""
    return bench_frame("cost", profile)


def _clean(records: pd.DataFrame) -> pd.DataFrame:
    """Runs on the given split without noise or a training subset."""
    if not len(records):
        return records
    plain = records["setting"].map(lambda st: not st) & (records["split"] == "given")
    return records[plain]


def benchmark_records(frames: dict) -> pd.DataFrame:
    """One record set per (method, dataset) of the benchmark: from the first of
    :data:`SOURCES` that has the cell (3 seeds), so no cell mixes two chapters' settings."""
    parts, seen = [], set()
    for name in SOURCES:
        frame = _clean(frames.get(name, experiments.records_frame([])))
        if not len(frame):
            continue
        frame = frame[frame["method"].isin(METHODS) & frame["dataset"].isin(DATASETS)]
        if not name.endswith("/main") and name != f"{PAPER}/benchmark":
            extra = [EXTRA_REUSE.get(k) == name.split("/")[1] for k in zip(frame["method"], frame["dataset"])]
            frame = frame[extra]
        keys = list(zip(frame["method"], frame["dataset"]))
        keep = [k not in seen for k in keys]
        frame = frame[keep].assign(source=name)
        seen |= set(zip(frame["method"], frame["dataset"]))
        parts.append(frame)
    if not parts:
        return experiments.records_frame([]).assign(source=[])
    return pd.concat(parts, ignore_index=True)


def noise_records(frames: dict) -> pd.DataFrame:
    """Every method under noise, clean runs included: this chapter's noise runs and the Rank-AE
    chapter's (its four methods on the IMDB-F subset, at this chapter's rates)."""
    chapter = frames.get("rankae/noise", experiments.records_frame([]))
    if len(chapter):
        rate = chapter["setting"].map(lambda st: (st or {}).get("rate", 0.0))
        chapter = chapter[rate.isin((0.0, *NOISE_RATES))]
    parts = [f for f in (frames.get(f"{PAPER}/noise"), chapter) if f is not None and len(f)]
    if not parts:
        return experiments.records_frame([])
    out = pd.concat(parts, ignore_index=True)
    out["kind"] = out["setting"].map(lambda st: (st or {}).get("noise", "clean"))
    out["rate"] = out["setting"].map(lambda st: (st or {}).get("rate", 0.0))
    return out


def fewer_records(frames: dict) -> pd.DataFrame:
    """Every method at 10%, 50% and 100% of the training rows: this chapter's subsets, the
    C-GMVAE chapter's (C-GMVAE and C2AE on scene and yeast) and the benchmark (100%)."""
    parts = []
    for name in (f"{PAPER}/fewer_data", "cgmvae/fewer_data"):
        frame = frames.get(name, experiments.records_frame([]))
        if len(frame):
            frame = frame[frame["dataset"].isin(FEWER_DATASETS) & frame["method"].isin(METHODS)]
            parts.append(frame.assign(fraction=frame["setting"].map(lambda st: st["train_fraction"])))
    full = benchmark_records(frames)
    if len(full):
        parts.append(full[full["dataset"].isin(FEWER_DATASETS)].assign(fraction=1.0))
    return pd.concat(parts, ignore_index=True) if parts else experiments.records_frame([])
