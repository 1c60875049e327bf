"""Benchmark of the DXML pipeline: ``python -m xmlstudy bench dxml [--datasets bibtex,delicious]``.

For each dataset, one full DXML run with the study's chosen settings (``xmlstudy.methods``) through
``xmlstudy.experiments.run``, split into its stages: DeepWalk label vectors, network training
(with the per-epoch validation check), the validation choice of clusters/k/weighting, and
prediction on the test split; plus the peak memory of the run and its P@1/3/5. Prints a table and
appends one record per dataset to ``results/benchmark/dxml.jsonl``. The goal is the whole
pipeline on delicious in under five minutes on a 2-core CPU.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "results" / "benchmark" / "dxml.jsonl"
GOAL_SECONDS = {"delicious": 300.0}


def measure(dataset: str, seed: int = 0, device: str = "auto", profile: str = "full") -> dict:
    """One timed DXML run on ``dataset``: the experiment record plus a ``benchmark`` section with
    the seconds of each stage."""
    from xmlstudy.experiments import RunConfig, run
    from xmlstudy.methods import settings

    config = RunConfig(paper="benchmark", experiment="dxml", method="dxml", dataset=dataset,
                       seed=seed, profile=profile, params=settings("dxml", dataset, profile),
                       device=device)
    record = run(config)
    info, timings = record["fit_info"], record["timings"]
    total = timings["fit_s"] + timings["predict_s"]
    record["benchmark"] = {
        "deepwalk_s": info["label_embedding_s"],
        "training_s": info["network_s"],
        "selection_s": info["index_s"],
        "predict_s": timings["predict_s"],
        "total_s": total,
        "epochs": info["epochs"],
        "peak_memory_mb": record["peak_memory_mb"],
        "goal_s": GOAL_SECONDS.get(dataset),
        "meets_goal": None if dataset not in GOAL_SECONDS else total <= GOAL_SECONDS[dataset],
    }
    # The history of every epoch is in the main experiments' records; keep this one small.
    record["fit_info"] = {k: v for k, v in info.items() if k != "history"}
    return record


def main(argv: list[str] | None = None) -> int:
    from xmlstudy import data
    from xmlstudy.benchmarks.metrics import append_record

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench dxml",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="bibtex,delicious",
                        help="comma-separated dataset names (default bibtex,delicious)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--profile", default="full", choices=("full", "smoke"),
                        help="smoke: shrunk data and tiny epochs, to check the benchmark runs")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"record file (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    datasets = [d for d in args.datasets.split(",") if d.strip()]
    unknown = [d for d in datasets if d not in data.names()]
    if unknown or not datasets:
        parser.error(f"--datasets: unknown {unknown}; valid: {', '.join(data.names())}")

    header = (f"{'dataset':<12}{'DeepWalk s':>11}{'train s':>9}{'epochs':>7}{'select s':>9}"
              f"{'predict s':>10}{'total s':>9}{'peak MB':>9}{'P@1':>7}{'P@3':>7}{'P@5':>7}")
    rows = []
    for dataset in datasets:
        record = measure(dataset, seed=args.seed, device=args.device, profile=args.profile)
        b, m = record["benchmark"], record["metrics"]
        rows.append(f"{dataset:<12}{b['deepwalk_s']:>11.1f}{b['training_s']:>9.1f}{b['epochs']:>7}"
                    f"{b['selection_s']:>9.1f}{b['predict_s']:>10.2f}{b['total_s']:>9.1f}"
                    f"{(b['peak_memory_mb'] or 0):>9.0f}{100 * m['P@1']:>7.2f}"
                    f"{100 * m['P@3']:>7.2f}{100 * m['P@5']:>7.2f}")
        if args.profile == "full":
            from xmlstudy.benchmarks import limits

            append_record(args.out, {**record, **limits.since_start()})
    print(f"DXML pipeline ({args.profile} profile, seed {args.seed}, device {record['provenance']['device']}, "
          f"{record['provenance']['cpu']['model']} x {record['provenance']['cpu']['cores']})")
    print(header)
    print("\n".join(rows))
    for dataset in datasets:
        if dataset in GOAL_SECONDS:
            print(f"goal: {dataset} under {GOAL_SECONDS[dataset]:.0f} s in total")
    if args.profile == "full":
        print(f"records appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
