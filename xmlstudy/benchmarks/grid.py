"""Benchmark of the grid runner: ``python -m xmlstudy bench grid``.

The baselines grid (kNN, one-vs-rest linear models, Parabel-style trees) on yeast, scene and
bibtex with seeds 0, 1, 2 (27 runs) through :func:`xmlstudy.runner.run_grid` on a Dask
``LocalCluster`` of 1 and then of 2 single-threaded workers, each time into an empty results
folder so that every run is computed; the wall time of each includes starting and closing the
cluster. Prints the wall times and the speed-up, checks that both gave the same outcomes
(:func:`xmlstudy.runner.outcome`; Parabel excepted: omikuji takes no seed), and appends a
record, with the machine's load average before and after, to ``results/benchmark/grid.jsonl``.
The goal is a speed-up of at least 1.7 with 2 workers on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from xmlstudy.benchmarks import limits, provenance

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "results" / "benchmark" / "grid.jsonl"
GOAL = {"workers": 2, "speedup": 1.7}


def configs(datasets, seeds, profile: str = "full") -> list:
    """The baselines chapter's grid, on ``datasets`` with ``seeds``."""
    from xmlstudy import chapters, experiments

    return experiments.select(chapters.grid("baselines", profile), datasets=datasets, seeds=seeds)


def time_grid(grid, workers: int) -> dict:
    """Run ``grid`` on a LocalCluster of ``workers`` into an empty folder: wall time, compute
    time (fit + predict summed over the runs), failures and the outcome of each record."""
    from xmlstudy import records, runner

    with tempfile.TemporaryDirectory(prefix="xmlstudy-bench-grid-") as tmp:
        start = time.perf_counter()
        report = runner.run_grid(grid, jobs=workers, results_dir=tmp)
        wall = time.perf_counter() - start
        recs = [r for path in sorted(Path(tmp).rglob("*.jsonl")) for r in records.read_jsonl(path)]
    return {"wall_s": wall, "failures": sorted(report.failures), "records": len(recs),
            "compute_s": sum(r["timings"]["fit_s"] + r["timings"]["predict_s"] for r in recs),
            "outcomes": {r["config_hash"]: runner.outcome(r) for r in recs}}


def main(argv: list[str] | None = None) -> int:
    from xmlstudy import data, records
    from xmlstudy.benchmarks.metrics import append_record

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench grid",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="yeast,scene,bibtex",
                        help="comma-separated dataset names (default yeast,scene,bibtex)")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    parser.add_argument("--workers", default="1,2",
                        help="comma-separated worker counts, the first is the reference "
                             "(default 1,2)")
    parser.add_argument("--profile", default="full", choices=("full", "smoke"),
                        help="smoke: shrunk data, to check the benchmark runs (no record)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"record file (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    unknown = [d for d in datasets if d not in data.names()]
    if unknown or not datasets:
        parser.error(f"--datasets: unknown {unknown}; valid: {', '.join(data.names())}")
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
        workers = [int(w) for w in args.workers.split(",") if w.strip()]
    except ValueError:
        parser.error("--seeds and --workers take comma-separated integers, e.g. 0,1,2")
    if not seeds or not workers or min(workers) < 1:
        parser.error("--seeds and --workers need at least one value; workers at least 1")

    grid = configs(datasets, seeds, args.profile)
    for name in datasets:  # convert the raw files now, so that no timed run pays for the cache
        data.load(name)
    before = limits.snapshot()
    runs = {w: time_grid(grid, w) for w in workers}
    quiet = limits.load_note(before, limits.snapshot())
    load_before = quiet["load_average"]["before"]

    reference = runs[workers[0]]
    deterministic = {h for h, o in reference["outcomes"].items()
                     if o["fit_info"].get("deterministic", True)}
    same = all(runs[w]["outcomes"][h] == reference["outcomes"][h]
               for w in workers for h in deterministic if h in runs[w]["outcomes"])
    speedup = {str(w): reference["wall_s"] / runs[w]["wall_s"] for w in workers}
    goal_met = (None if str(GOAL["workers"]) not in speedup
                else speedup[str(GOAL["workers"])] >= GOAL["speedup"])

    cpu = records.cpu()
    print(f"baselines grid: {len(grid)} runs ({', '.join(datasets)}; seeds "
          f"{','.join(map(str, seeds))}; {args.profile} profile) on {cpu['model']} x "
          f"{cpu['cores']}, load average before {load_before[0]:.2f}")
    print(f"{'workers':>8}{'wall s':>10}{'compute s':>11}{'speed-up':>10}{'failed':>8}")
    for w in workers:
        r = runs[w]
        print(f"{w:>8}{r['wall_s']:>10.1f}{r['compute_s']:>11.1f}{speedup[str(w)]:>9.2f}x"
              f"{len(r['failures']):>8}")
    print(f"same outcomes with every worker count (Parabel aside): {same}")
    if goal_met is not None:
        print(f"goal: speed-up >= {GOAL['speedup']} with {GOAL['workers']} workers: "
              f"{'met' if goal_met else 'NOT met'}")

    if args.profile != "full":
        return 0
    record = {
        "paper": "benchmark", "experiment": "grid", "method": "run_grid on a dask LocalCluster",
        "dataset": ",".join(datasets), "seed": None, "profile": args.profile,
        "setting": {"datasets": datasets, "seeds": seeds, "workers": workers,
                    "threads_per_worker": 1, "configurations": len(grid),
                    "methods": sorted({c.method for c in grid})},
        "timings": {"wall_s": {str(w): runs[w]["wall_s"] for w in workers},
                    "compute_s": {str(w): runs[w]["compute_s"] for w in workers},
                    "speedup": speedup},
        # The measured outcome, as every record has one: the speed-up per worker count.
        "metrics": {f"speedup@{w}": speedup[str(w)]
                    for w in workers},
        "records": {str(w): runs[w]["records"] for w in workers},
        "failures": {str(w): runs[w]["failures"] for w in workers},
        "same_outcomes": same, "goal": GOAL, "meets_goal": goal_met,
        **quiet,
        "provenance": provenance("grid", argv, ("dask", "distributed", "numpy", "scipy",
                                                "scikit-learn", "omikuji"), cpu=cpu),
    }
    append_record(args.out, record)
    print(f"record appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
