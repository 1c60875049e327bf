"""What a chapter's runs would cost on this machine, measured on a piece of each:
``python -m xmlstudy bench budget --paper scale``.

A grid on a large data set cannot be tried whole to learn whether it fits the machine: a run that
does not fit takes days to say so. This measures, for each method of a chapter's grid (seed 0's
configuration: the same data, split and settings), the unit of work the run repeats, in a fresh
process under a time and a memory limit (:mod:`xmlstudy.benchmarks.limits`), and multiplies it
out:

* a method trained in epochs (the torch models): it is fitted for one epoch, without early
  stopping or refit, on ``b1`` and ``b2`` batches' worth of seeded training rows (all labels
  kept; ``--batches``, default 2 and 6), after an untimed fit on the smaller piece; the
  difference of the two times over the difference of rows is the seconds per training row, without what does not grow with the rows (building the
  model, one evaluation on a fixed piece of validation). One epoch costs that times the training rows. A
  run trains at most ``epochs`` epochs (its budget) and at least ``patience + 1`` (early stopping
  cannot stop sooner), twice where the method refits on train + validation (Rank-AE's family);
* one-vs-rest: seconds per liblinear fit, over a seeded sample of the labels that can be trained
  (``--labels``), at every C of its grid; the run makes one fit per trainable label and C;
* with ``--whole``, the whole run of the configuration under the limits, for a method whose
  limit is memory rather than time (ML-kNN's array of every row's neighbours' labels): its
  record then says which allocation failed.

Times are the process's CPU seconds (one thread), not wall-clock seconds: on a machine shared
with other work they measure the work itself, which is what a day of one core buys. The estimate
ignores evaluation on the full validation split each epoch and prediction (both
cost less than an epoch of training), so it is a lower bound on the low side. One record per
method goes to ``results/benchmark/budget.jsonl`` with the measurements, the estimate per run
and for all the grid's runs of the method (its seeds), the machine's load around it, and the
command. The chapters show these records in place of the runs that do not fit.
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from xmlstudy.benchmarks import limits

RECORD_FILE = Path("benchmark") / "budget.jsonl"
VALID_ROWS = 128     # the fixed piece of validation each probe fit evaluates on


def _defaults(method: str) -> dict:
    """The constructor defaults of ``method`` (its class and its parents', and those of the
    factorization a two-step model trains, which takes the epochs), by parameter name."""
    from xmlstudy.benchmarks.scale import _method_class

    out = {}
    method_class = _method_class(method)
    classes = list(reversed(method_class.__mro__))
    factorization = getattr(method_class, "factorization", None)
    if factorization is not None:
        classes.insert(0, getattr(sys.modules[method_class.__module__], "FACTORIZATIONS", {}).get(factorization))
    for cls in [c for c in classes if c is not None]:
        if "__init__" in vars(cls):
            for name, p in inspect.signature(cls.__init__).parameters.items():
                if p.default is not inspect.Parameter.empty:
                    out[name] = p.default
    return out


def _label_fits(config: dict, train, valid, n_labels: int) -> dict:
    """Seconds per liblinear fit of one-vs-rest, on a seeded sample of trainable labels."""
    import scipy.sparse as sp

    from xmlstudy.models.baselines import _fit_one_label

    params = {**_defaults(config["method"]), **config["params"]}
    X = sp.csr_matrix(train.X, dtype=np.float64)
    Y = sp.csc_matrix(train.Y)
    positives = np.diff(Y.indptr)
    trainable = np.flatnonzero((positives > 0) & (positives < X.shape[0]))
    sample = np.random.default_rng(0).choice(trainable, size=min(n_labels, len(trainable)),
                                             replace=False)
    grid = list(params["C_grid"]) if valid is not None else [params["C"]]
    seconds = []
    for j in sample:
        y = Y[:, j].toarray().ravel()
        for C in grid:
            t0 = time.process_time()
            _fit_one_label(X, y, C, params["tol"], params["max_iter"], config["seed"])
            seconds.append(time.process_time() - t0)
    per_fit = float(np.mean(seconds))
    fits = len(trainable) * len(grid)
    # The weights of every label, for the C being fitted and the best one so far (float32).
    weights_gb = 2 * X.shape[1] * train.n_labels * 4 / 2**30
    return {"kind": "label fits", "sampled_labels": len(sample), "C_grid": grid,
            "seconds_per_fit": per_fit, "seconds_per_fit_spread": float(np.std(seconds)),
            "trainable_labels": int(len(trainable)), "fits": int(fits),
            "weights_gb": weights_gb, "run_s": [per_fit * fits, per_fit * fits],
            "basis": f"{len(sample)} labels x {len(grid)} values of C timed; "
                     f"{len(trainable):,} trainable labels x {len(grid)} fits"}


def _epochs(config: dict, train, valid, batches: tuple) -> dict:
    """Seconds per training row of one epoch, from two fits on more and fewer rows."""
    from xmlstudy import models

    params = {**_defaults(config["method"]), **config["params"]}
    batch = int(params.get("batch_size") or 128)
    # One epoch, without early stopping where the method has it (the two-step models do not).
    probe = {"epochs": 1, **({"patience": None} if "patience" in params else {})}
    if "refit" in params:
        probe["refit"] = False
    piece = valid.subset(np.arange(min(VALID_ROWS, len(valid)))) if valid is not None else None
    order = np.random.default_rng(0).permutation(len(train))   # nested pieces, seeded
    rows, seconds, wall = [], [], []
    # The first fit of a process also pays for what happens once (lazy imports, torch's first
    # allocations): a fit on the smaller piece before the timed ones takes that out.
    for b in (batches[0], *batches):
        n = min(b * batch, len(train))
        model = models.create(config["method"], seed=config["seed"], device="cpu",
                              **{**config["params"], **probe})
        t0, w0 = time.process_time(), time.perf_counter()
        model.fit(train.subset(np.sort(order[:n])), piece)
        seconds.append(time.process_time() - t0)
        wall.append(time.perf_counter() - w0)
        rows.append(n)
    rows, seconds, wall = rows[1:], seconds[1:], wall[1:]
    per_row = (seconds[-1] - seconds[0]) / (rows[-1] - rows[0])
    epoch_s = per_row * len(train)
    budget, patience = int(params["epochs"]), params.get("patience")
    fewest = budget if patience is None else min(budget, int(patience) + 1)
    trainings = 2 if params.get("refit") and valid is not None else 1
    refit_rows = len(train) + (len(valid) if trainings == 2 else 0)
    low = fewest * epoch_s + (trainings - 1) * fewest * per_row * refit_rows
    high = budget * epoch_s + (trainings - 1) * budget * per_row * refit_rows
    return {"kind": "epochs", "batch_size": batch, "rows": rows, "seconds": seconds,
            "wall_seconds": wall,
            "seconds_per_row": per_row, "epoch_s": epoch_s, "epochs_budget": budget,
            "fewest_epochs": fewest, "trainings": trainings, "run_s": [low, high],
            "basis": f"one epoch on {rows[0]:,} and {rows[-1]:,} rows; {fewest} to {budget} "
                     f"epochs of {len(train):,} rows" + (", then a refit on train + validation"
                                                         if trainings == 2 else "")}


def _whole(config: dict) -> dict:
    """The whole run of the configuration (fit, prediction, metrics), its CPU seconds."""
    from xmlstudy.experiments import RunConfig, run

    t0 = time.process_time()
    record = run(RunConfig.from_dict(config))
    seconds = time.process_time() - t0
    return {"kind": "whole run", "fit_s": record["timings"]["fit_s"],
            "predict_s": record["timings"]["predict_s"], "run_s": [seconds, seconds],
            "basis": "the whole run of seed 0's configuration"}


def probe_child(spec_path: str) -> None:
    """In the fresh process: the probe of one method, written to ``spec["result_path"]``."""
    from xmlstudy.benchmarks import limits
    from xmlstudy.benchmarks.scale import takes_epochs
    from xmlstudy.experiments import RunConfig, prepare_data

    limits.exit_with_parent()
    spec = json.loads(Path(spec_path).read_text())
    config = spec["config"]
    result = {"status": "ok", "reason": None, "phase": "load"}
    try:
        train, valid, _, _ = prepare_data(RunConfig.from_dict(config))
        limits.limit_address_space(spec["memory_bytes"])
        result["base_rss_mb"], result["peak_memory_source"] = limits.reset_peak_rss()
        result["phase"] = "probe"
        limits.write_json(spec["progress_path"], {"phase": "probe"})
        if spec["whole"]:
            result["probe"] = _whole(config)
        elif config["method"] == "ovr-linear":
            result["probe"] = _label_fits(config, train, valid, spec["labels"])
        elif takes_epochs(config["method"]):
            result["probe"] = _epochs(config, train, valid, tuple(spec["batches"]))
        else:
            raise ValueError(f"{config['method']}: no probe for a method that is neither "
                             "trained in epochs nor one-vs-rest; measure it with --whole")
        result["data"] = {"train": len(train), "valid": 0 if valid is None else len(valid),
                          "features": train.n_features, "labels": train.n_labels}
        result["peak_memory_mb"] = limits.peak_rss_mb() - result["base_rss_mb"]
    except BaseException as exc:  # noqa: BLE001 - every failure becomes the probe's record
        import traceback

        result["status"] = limits.failure_kind(exc)
        result["reason"] = f"{type(exc).__name__} while {result['phase']}: {str(exc)[:1000]}"
        result["traceback"] = traceback.format_exc()[-3000:]
    limits.write_json(spec["result_path"], result)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench budget",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--paper", default="scale", help="the chapter whose grid is measured")
    parser.add_argument("--experiment", default=None, help="only this experiment of the grid")
    parser.add_argument("--methods", required=True,
                        help="comma-separated methods of the grid: one-vs-rest, or methods "
                             "trained in epochs by the study's training loop (not DXML, whose label "
                             "graph grows with the rows it is given, nor the two-step models, "
                             "whose epochs are their factorization's)")
    parser.add_argument("--batches", default="2,6",
                        help="the two training piece sizes, in batches of the method (default 2,6)")
    parser.add_argument("--whole", action="store_true",
                        help="run each method's whole configuration under the limits instead "
                             "(for a method whose cost is its memory, or neither kind above)")
    parser.add_argument("--labels", type=int, default=20,
                        help="labels sampled for one-vs-rest's fits (default 20)")
    limits.add_limit_arguments(parser, "budget", "method's probe, loading included", 600.0)
    return parser


def _configs(parser, args) -> list:
    """Seed 0's configuration (or the lowest seed's) of every method asked for, with how many
    runs of the method the grid holds."""
    from xmlstudy import chapters

    if args.paper not in chapters.CHAPTERS:
        parser.error(f"--paper: unknown chapter {args.paper!r}; valid: {', '.join(chapters.CHAPTERS)}")
    # A chapter that leaves methods out of its grid for their cost lists them among its
    # candidates: they are measured all the same, since that is what the chapter shows for them.
    configs = [c for c in chapters.candidates(args.paper, "full")
               if args.experiment is None or c.experiment == args.experiment]
    if not configs:
        parser.error(f"--experiment: {args.experiment!r} is not in the {args.paper} grid")
    first: dict = {}
    for c in sorted(configs, key=lambda c: c.seed):
        first.setdefault((c.experiment, c.method, c.dataset), c)
    runs = {key: sum((c.experiment, c.method, c.dataset) == key for c in configs) for key in first}
    wanted = [m.strip() for m in args.methods.split(",") if m.strip()]
    present = sorted({k[1] for k in first})
    if not wanted or set(wanted) - set(present):
        parser.error(f"--methods: {sorted(set(wanted) - set(present)) or 'empty'}; valid: "
                     f"{', '.join(present)}")
    return [(c, runs[key]) for key, c in first.items() if c.method in wanted]


def main(argv: list[str] | None = None) -> int:
    from xmlstudy import records
    from xmlstudy.benchmarks import limits

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        batches = [int(b) for b in args.batches.split(",")]
    except ValueError:
        parser.error(f"--batches takes two integers, e.g. 1,3; got {args.batches!r}")
    if len(batches) != 2 or not 0 < batches[0] < batches[1]:
        parser.error(f"--batches takes two increasing positive integers, e.g. 1,3; got {args.batches!r}")
    if args.labels < 1 or args.timeout <= 0 or args.memory_gb <= 0:
        parser.error("--labels, --timeout and --memory-gb must be positive")
    out = args.results_dir / RECORD_FILE
    print(f"budget: {args.paper} grid, limits {args.timeout:g} s and {args.memory_gb:g} GiB per "
          f"probe; records -> {out}", flush=True)
    with tempfile.TemporaryDirectory(prefix="xmlstudy-budget-") as tmp:
        for config, runs in _configs(parser, args):
            spec = {"config": config.to_dict(), "batches": batches, "labels": args.labels,
                    "whole": args.whole}
            before = limits.snapshot()
            o = limits.run_limited(f"{__name__}:probe_child", spec, Path(tmp) / config.method,
                                   timeout_s=args.timeout, memory_bytes=int(args.memory_gb * 2**30),
                                   env=limits.child_env())
            after = limits.snapshot()
            res = o["result"] or {}
            probe = res.get("probe") or {}
            run_s = probe.get("run_s")
            record = {
                "paper": "benchmark", "experiment": "budget", "method": config.method,
                "dataset": config.dataset, "seed": config.seed, "profile": "full",
                "chapter": f"{config.paper}/{config.experiment}", "config_hash": config.config_hash,
                "params": config.params, "status": o["status"], "reason": o["reason"],
                "probe": probe, "data": res.get("data"), "runs": runs,
                "estimate": None if run_s is None else {
                    "run_s": run_s, "runs_s": [runs * s for s in run_s]},
                # The measured outcome, as every record has one (none when the probe failed:
                # its status and reason say why).
                "metrics": {} if run_s is None else {"run_s_low": run_s[0], "run_s_high": run_s[1]},
                "peak_memory_mb": res.get("peak_memory_mb"), "peak_rss_mb": o["peak_rss_mb"],
                "elapsed_s": o["elapsed_s"], **limits.load_note(before, after),
                "provenance": {"git_commit": records.git_commit(), "cpu": records.cpu(),
                               "versions": records.versions(("torch", "numpy", "scipy",
                                                             "scikit-learn")),
                               "date": records.utc_now(),
                               "threads": {k: os.environ.get(k) for k in (
                                   "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
                               "command": " ".join(["python -m xmlstudy bench budget", *argv])}}
            if o["status"] != "ok":
                record["error"] = res.get("traceback") or o["stderr_tail"][-2000:]
            records.append_jsonl(out, record)
            hours = "-" if run_s is None else f"{run_s[0] / 3600:.1f} to {run_s[1] / 3600:.1f} h per run"
            print(f"{config.method:<12} {o['status']:<8} {hours:<26} x {runs} runs   "
                  f"{probe.get('basis') or o['reason'] or ''}", flush=True)
    print(f"records in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
