"""Benchmark of the synthetic data generator: ``python -m xmlstudy bench synthetic``.

For each label count L of a grid (default 10^3 to 10^6 at N = 10^5 rows and D = 10^5 features,
the sizes of the label-scaling benchmark, ``bench scale``), draws the data of
:func:`xmlstudy.data.synthetic.generate` in a fresh process and measures its seconds and its peak
memory (the generator's own, over the process after its imports). Prints a table and appends one
record per L to ``results/benchmark/synthetic.jsonl``. The goal: the generator's memory stays
bounded as L grows (no ``N x L`` array), so that data with a million labels is drawn in seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RECORD_FILE = Path("benchmark") / "synthetic.jsonl"
SPLITS = ("train", "valid", "test")


def generate_child(spec_path: str) -> None:
    """In the fresh process: draw the data of ``spec["generator"]`` and write its seconds and
    peak memory."""
    from xmlstudy.benchmarks import limits
    from xmlstudy.data import synthetic

    limits.exit_with_parent()
    spec = json.loads(Path(spec_path).read_text())
    before = limits.peak_rss_mb()
    base, source = limits.reset_peak_rss()
    t0 = time.perf_counter()
    splits = synthetic.generate(**spec["generator"])
    seconds = time.perf_counter() - t0
    peak = limits.peak_rss_mb()
    parts = [getattr(splits, s) for s in SPLITS if getattr(splits, s) is not None]
    limits.write_json(spec["result_path"], {
        "status": "ok", "reason": None, "generate_s": seconds, "peak_memory_mb": peak - base,
        "base_rss_mb": base, "peak_memory_source": source, "process_peak_rss_mb": max(before, peak),
        "rows": sum(len(ds) for ds in parts), "label_nnz": sum(ds.Y.nnz for ds in parts),
        "feature_nnz": sum(ds.X.nnz for ds in parts)})


def main(argv: list[str] | None = None) -> int:
    from xmlstudy import records
    from xmlstudy.benchmarks import limits

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench synthetic",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", default="1000,10000,100000,1000000",
                        help="comma-separated label counts L (default 1000,10000,100000,1000000)")
    parser.add_argument("--n", type=int, default=100_000, help="rows N (default 100000)")
    parser.add_argument("--features", type=int, default=100_000, help="features D (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per L (default 600)")
    parser.add_argument("--memory-gb", type=float, default=20.0, help="GiB per L (default 20)")
    parser.add_argument("--results-dir", type=Path, default=REPO_ROOT / "results",
                        help="records go to <dir>/benchmark/synthetic.jsonl (default results/)")
    args = parser.parse_args(argv)
    try:
        labels = sorted({int(v) for v in args.labels.split(",") if v.strip()})
    except ValueError:
        parser.error(f"--labels takes comma-separated integers (e.g. 1000,10000); got {args.labels!r}")
    if not labels or min(labels) < 1 or args.n < 1 or args.features < 1:
        parser.error("--labels, --n and --features need positive integers")

    out = args.results_dir / RECORD_FILE
    print(f"synthetic data generator: N={args.n:,}, D={args.features:,}, one fresh process per L")
    print(f"{'L':>10}{'seconds':>10}{'peak MB':>10}{'label nnz':>12}{'feature nnz':>13}")
    with tempfile.TemporaryDirectory(prefix="xmlstudy-synthetic-") as tmp:
        for L in labels:
            generator = {"n_rows": args.n, "n_labels": L, "n_features": args.features,
                         "seed": args.seed}
            before = limits.snapshot()
            o = limits.run_limited(f"{__name__}:generate_child", {"generator": generator},
                                   Path(tmp) / str(L), timeout_s=args.timeout,
                                   memory_bytes=int(args.memory_gb * 2**30), env=limits.child_env())
            res = o["result"] or {}
            nan = float("nan")
            print(f"{L:>10,}{res.get('generate_s', nan):>10.2f}{res.get('peak_memory_mb', nan):>10.0f}"
                  f"{res.get('label_nnz', 0):>12,}{res.get('feature_nnz', 0):>13,}  "
                  f"{o['status']} {o['reason'] or ''}", flush=True)
            records.append_jsonl(out, {
                "paper": "benchmark", "experiment": "synthetic", "method": "synthetic.generate",
                "dataset": "synthetic", "seed": args.seed, "profile": "full",
                "setting": generator, "status": o["status"], "reason": o["reason"], "metrics": {},
                "timings": {"generate_s": res.get("generate_s")},
                "peak_memory_mb": res.get("peak_memory_mb"), "peak_rss_mb": o["peak_rss_mb"],
                "peak_memory_source": res.get("peak_memory_source"),
                "data": {k: res.get(k) for k in ("rows", "label_nnz", "feature_nnz")},
                **limits.load_note(before, limits.snapshot()),
                "provenance": {"git_commit": records.git_commit(),
                               "versions": records.versions(("numpy", "scipy")), "device": "cpu",
                               "cpu": records.cpu(), "date": records.utc_now(),
                               "command": " ".join(["python -m xmlstudy bench synthetic", *argv])}})
    print(f"records appended to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
