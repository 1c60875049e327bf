"""Benchmark of each method's cost on the cross-paper benchmark: ``python -m xmlstudy bench cost``.

The grid's records carry fit and prediction times, but the grid runs two jobs on two cores beside
other work, so those times are not what a run costs. This benchmark runs seed 0's configuration
of every (method, data set) cell of the cross-paper chapter's benchmark again, the same
configuration the chapter's records come from, one at a time in a fresh process under a time and
a memory limit (:mod:`xmlstudy.benchmarks.limits`), and records its fit and prediction seconds,
peak memory and trained parameters, the cores the rest of the machine used meanwhile, and its P@1
(which must match the grid's record of the same configuration, up to a fit's own randomness).
One record per cell is appended to ``results/benchmark/cost.jsonl`` as it finishes; a rerun
skips the cells already timed alone and measures again those that were not, so an interrupted
run resumes. The cross-paper chapter's cost tables and accuracy-for-time frontier read these
records, never the grid's times.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from xmlstudy.benchmarks import limits, provenance

RECORD_FILE = Path("benchmark") / "cost.jsonl"


def cells(paper: str | None = None, experiment: str | None = None, profile: str = "full") -> dict:
    """``{(method, dataset): RunConfig}``: seed 0's configuration (the lowest seed's) of every
    cell of the cross-paper benchmark (``paper`` None): the cells a chapter runs and those the
    cross-paper chapter runs itself, without the cells it leaves out for their cost. With
    ``paper`` (and ``experiment``), the cells of that chapter's experiment instead, noise and
    training subsets aside."""
    from xmlstudy import chapters
    from xmlstudy.chapters import synthesis

    if paper is not None:
        found: dict = {}
        for c in sorted(chapters.grid(paper, profile), key=lambda c: c.seed):
            if (experiment is None or c.experiment == experiment) and not c.setting:
                found.setdefault((c.method, c.dataset), c)
        return found
    found = {key: min(configs, key=lambda c: c.seed)
             for key, configs in synthesis.reused(profile).items() if key not in synthesis.BUDGET}
    for c in sorted(synthesis.grid(profile), key=lambda c: c.seed):
        if c.experiment == "benchmark":
            found.setdefault((c.method, c.dataset), c)
    order = {(m, d): (i, j) for j, d in enumerate(synthesis.DATASETS)
             for i, m in enumerate(synthesis.METHODS)}
    return dict(sorted(found.items(), key=lambda kv: order.get(kv[0], (len(order), 0))))


def run_child(spec_path: str) -> None:
    """In the fresh process: run the configuration and write its timings, memory and P@1."""
    from xmlstudy.experiments import RunConfig, run

    limits.exit_with_parent()
    spec = json.loads(Path(spec_path).read_text())
    result = {"status": "ok", "reason": None, "phase": "run"}
    try:
        limits.limit_address_space(spec["memory_bytes"])
        limits.write_json(spec["progress_path"], {"phase": "run"})
        record = run(RunConfig.from_dict(spec["config"]))
        result.update({"timings": record["timings"], "peak_memory_mb": record["peak_memory_mb"],
                       "peak_memory_source": record["peak_memory_source"],
                       "n_parameters": record["n_parameters"], "data": record["data"],
                       "metrics": {k: record["metrics"][k] for k in ("P@1", "P@3", "P@5")},
                       # The parts of the fit a model times itself (DXML's DeepWalk, a search).
                       "fit_parts": {k: v for k, v in (record.get("fit_info") or {}).items()
                                     if k.endswith("_s") and isinstance(v, (int, float))},
                       "device": record["provenance"]["device"]})
    except BaseException as exc:  # noqa: BLE001 - every failure becomes the cell's record
        import traceback

        result["status"] = limits.failure_kind(exc)
        result["reason"] = f"{type(exc).__name__} while {result['phase']}: {str(exc)[:1000]}"
        result["traceback"] = traceback.format_exc()[-3000:]
    limits.write_json(spec["result_path"], result)


def _previous(path: Path) -> set:
    """The config hashes already timed alone (a cell timed with other work running is not)."""
    from xmlstudy import records

    done = set()
    for r in records.read_jsonl(path):
        if r.get("others_running"):
            done.discard(r["config_hash"])
        else:
            done.add(r["config_hash"])
    return done


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench cost",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--paper", default=None,
                        help="time the cells of this chapter's grid instead of the cross-paper "
                             "benchmark's (with --experiment: of that experiment only)")
    parser.add_argument("--experiment", default=None, help="with --paper: one experiment")
    parser.add_argument("--methods", default=None,
                        help="comma-separated methods (default: every method of the benchmark)")
    parser.add_argument("--datasets", default=None,
                        help="comma-separated data sets (default: every data set of the benchmark)")
    limits.add_limit_arguments(parser, "cost", "run (fit, prediction and scoring)", 3600.0)
    return parser


def _choose(parser, text, valid, name) -> list:
    if text is None:
        return list(valid)
    wanted = [v.strip() for v in text.split(",") if v.strip()]
    wrong = [v for v in wanted if v not in valid]
    if wrong or not wanted:
        parser.error(f"--{name}: {wrong or 'empty'}; valid: {', '.join(valid)}")
    return wanted


def main(argv: list[str] | None = None) -> int:
    from xmlstudy import records

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.memory_gb <= 0:
        parser.error("--timeout and --memory-gb must be positive")
    from xmlstudy import chapters

    if args.paper is not None and args.paper not in chapters.CHAPTERS:
        parser.error(f"--paper: {args.paper!r}; valid: {', '.join(chapters.CHAPTERS)}")
    if args.experiment is not None and args.paper is None:
        parser.error("--experiment needs --paper")
    todo = cells(args.paper, args.experiment)
    if not todo:
        parser.error(f"--experiment: {args.paper} has no experiment {args.experiment!r}")
    methods = _choose(parser, args.methods, sorted({m for m, _ in todo}), "methods")
    datasets = _choose(parser, args.datasets, sorted({d for _, d in todo}), "datasets")
    out = args.results_dir / RECORD_FILE
    done = _previous(out)
    todo = {k: c for k, c in todo.items() if k[0] in methods and k[1] in datasets
            and c.config_hash not in done}
    print(f"cost benchmark: {len(todo)} cells to time, limits {args.timeout:g} s and "
          f"{args.memory_gb:g} GiB per run; records -> {out}", flush=True)
    print(f"{'method':<14}{'dataset':<12}{'status':>8}{'fit s':>10}{'pred s':>9}{'MB':>8}"
          f"{'P@1':>7}{'others':>8}", flush=True)
    with tempfile.TemporaryDirectory(prefix="xmlstudy-cost-") as tmp:
        for (method, dataset), config in todo.items():
            before = limits.snapshot()
            o = limits.run_limited(f"{__name__}:run_child", {"config": config.to_dict()},
                                   Path(tmp) / f"{method}-{dataset}", timeout_s=args.timeout,
                                   memory_bytes=int(args.memory_gb * 2**30), env=limits.child_env())
            quiet = limits.load_note(before, limits.snapshot())
            res = o["result"] or {}
            record = {
                "paper": "benchmark", "experiment": "cost", "method": method, "dataset": dataset,
                "seed": config.seed, "profile": "full", "config_hash": config.config_hash,
                "source": f"{config.paper}/{config.experiment}", "params": config.params,
                "status": o["status"], "reason": o["reason"],
                "timings": res.get("timings", {}), "fit_parts": res.get("fit_parts", {}),
                "peak_memory_mb": res.get("peak_memory_mb"),
                "peak_memory_source": res.get("peak_memory_source"),
                "peak_rss_mb": o["peak_rss_mb"], "n_parameters": res.get("n_parameters"),
                "metrics": res.get("metrics", {}), "data": res.get("data"),
                "elapsed_s": o["elapsed_s"],
                "limits": {"timeout_s": args.timeout, "memory_gb": args.memory_gb}, **quiet,
                "provenance": provenance("cost", argv, ("torch", "numpy", "scipy", "scikit-learn"),
                                         device=res.get("device", "cpu"))}
            if o["status"] != "ok":
                record["error"] = res.get("traceback") or o["stderr_tail"][-2000:]
            records.append_jsonl(out, record)
            t, m = record["timings"], record["metrics"]
            fmt = lambda v, f: format(v, f) if isinstance(v, (int, float)) else "-"  # noqa: E731
            print(f"{method:<14}{dataset:<12}{o['status']:>8}{fmt(t.get('fit_s'), '.2f'):>10}"
                  f"{fmt(t.get('predict_s'), '.2f'):>9}{fmt(record['peak_memory_mb'], '.0f'):>8}"
                  f"{fmt(m.get('P@1'), '.3f'):>7}{quiet['others_cpu_cores']:>8.2f}", flush=True)
    print(f"records in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
