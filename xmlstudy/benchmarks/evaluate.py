"""Benchmark of the evaluation that streams: ``python -m xmlstudy bench evaluate``.

Scores N rows (default 100,000, plus a tenth of that as a validation split) at L labels (default
100,000 and 1,000,000) the way :func:`xmlstudy.experiments.run` does: top 5 labels and threshold
counts batch by batch (:mod:`xmlstudy.evaluation`), then the ranking metrics, the per-row outcomes
and the three threshold protocols. The scores stand in for a model's outputs and are made batch by
batch, so the benchmark itself never holds N x L numbers: a pool of background scores (uniform in
[0, 0.05), seeded) of which each batch is a seeded window, with, written into it, the row's true
labels (70% of them, uniform in [0.1, 1)) and 5 random labels (uniform in [0, 1)); the truth
is the Zipf-tailed one of ``bench metrics``. The probabilities are the scores themselves (as for
kNN, DXML, ML-kNN and Parabel).

Each size runs in a fresh Python process, whose peak resident memory (``ru_maxrss``) is the
measurement; its resident memory before scoring (imports, truth, the pool) is recorded beside
it. The dense path (the whole N x L probability matrices, a stable sort of every row, and
:func:`xmlstudy.metrics.threshold_protocols`) runs in its own process on as many rows as fit under
``--dense-limit-mb``, together with the streaming path on the same rows (their metrics must be
equal); for the full N its memory is projected. The load average is recorded before and after
each process. The goal: L = 10^6 at N = 10^5 under 2 GB peak.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from xmlstudy.benchmarks import provenance

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "results" / "benchmark" / "evaluate.jsonl"
GOAL = {"rows": 100_000, "labels": 1_000_000, "peak_mb": 2048}
K = 5
EXTRA_POOL_ROWS = 32
_CHILD = "from xmlstudy.benchmarks.evaluate import _child; _child()"


def synthetic_batches(Y, batch: int, seed: int, n_random: int = 5, hit_rate: float = 0.7):
    """``(scores, scores)`` for consecutive batches of the rows of ``Y`` (see the module
    docstring). Each batch is a window of the pool with the planted values written in; they are
    taken out again once the consumer asks for the next batch."""
    rng = np.random.default_rng(seed)
    n, n_labels = Y.shape
    pool = rng.random((min(batch, n) + EXTRA_POOL_ROWS, n_labels), dtype=np.float32)
    pool *= np.float32(0.05)
    for start in range(0, n, batch):
        b = min(batch, n - start)
        offset = int(rng.integers(0, pool.shape[0] - b + 1))
        window = pool[offset:offset + b]
        ptr = Y.indptr[start:start + b + 1]
        rows = np.repeat(np.arange(b), np.diff(ptr))
        hit = rng.random(rows.size) < hit_rate
        r = np.concatenate([rows[hit], np.repeat(np.arange(b), n_random)])
        c = np.concatenate([Y.indices[ptr[0]:ptr[-1]][hit], rng.integers(0, n_labels, b * n_random)])
        values = np.concatenate([rng.uniform(0.1, 1.0, int(hit.sum())),
                                 rng.random(b * n_random)]).astype(np.float32)
        saved = window[r, c]
        window[r, c] = values
        yield window, window
        window[r, c] = saved


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


def _data(n: int, n_valid: int, n_labels: int, seed: int):
    from xmlstudy import metrics
    from xmlstudy.benchmarks.metrics import synthetic_xc

    Y, _ = synthetic_xc(n, n_labels, 1, seed=seed)
    Yv, _ = synthetic_xc(n_valid, n_labels, 1, seed=seed + 1)
    Y_train, _ = synthetic_xc(n, n_labels, 1, seed=seed + 2)
    return Y, Yv, metrics.propensities(Y_train)


def score_streaming(Y, Yv, propensity, batch: int, seed: int) -> dict:
    """What experiments.run does after fitting, on the synthetic outputs."""
    from xmlstudy import evaluation, metrics, records

    test = evaluation.evaluate(synthetic_batches(Y, batch, seed + 10), Y, k=K)
    valid = evaluation.evaluate(synthetic_batches(Yv, batch, seed + 11), Yv, k=None).counts
    out = metrics.ranking_metrics(Y, test.top_idx, ks=(1, 3, 5), propensity=propensity)
    out.update(evaluation.threshold_protocols(test.counts, valid))
    out["rows"] = records.pack_bits(metrics.hits_at_1(Y, test.top_idx))
    return out


def score_dense(Y, Yv, propensity, batch: int, seed: int) -> dict:
    """The path before streaming: the whole probability matrices, a stable sort of every row in
    batches of 4096 (the old Model.topk) and the dense threshold protocols."""
    from xmlstudy import metrics, records

    P = np.vstack([s.copy() for s, _ in synthetic_batches(Y, batch, seed + 10)])
    Pv = np.vstack([s.copy() for s, _ in synthetic_batches(Yv, batch, seed + 11)])
    top = np.vstack([np.argsort(-P[i:i + 4096], axis=1, kind="stable")[:, :K]
                     for i in range(0, P.shape[0], 4096)])
    out = metrics.ranking_metrics(Y, top, ks=(1, 3, 5), propensity=propensity)
    out.update(metrics.threshold_protocols(Yv, Pv, Y, P))
    out["rows"] = records.pack_bits(metrics.hits_at_1(Y, top))
    return out


def _child() -> None:
    """In a fresh process: one (path, size) from stdin; the result as the last line of stdout."""
    from xmlstudy import evaluation

    job = json.loads(sys.stdin.read())
    Y, Yv, propensity = _data(job["rows"], job["valid_rows"], job["labels"], job["seed"])
    batch = evaluation.batch_rows(job["labels"])
    before = _maxrss_mb()
    t0 = time.perf_counter()
    score = score_streaming if job["path"] == "streaming" else score_dense
    result = score(Y, Yv, propensity, batch, job["seed"])
    seconds = time.perf_counter() - t0
    print("\n" + json.dumps({"seconds": seconds, "batch_rows": batch, "rss_before_mb": before,
                             "peak_rss_mb": _maxrss_mb(), "metrics": result}), flush=True)


def run_child(job: dict) -> dict:
    load_before = os.getloadavg()
    proc = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(job), text=True,
                          stdout=subprocess.PIPE, env={**os.environ, "OMP_NUM_THREADS": "1",
                                                      "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    if proc.returncode != 0:
        raise RuntimeError(f"bench evaluate: the {job['path']} run at L={job['labels']} on "
                           f"{job['rows']} rows exited with status {proc.returncode} (out of memory?)")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["load_average"] = {"before": list(load_before), "after": list(os.getloadavg())}
    return out


def dense_projection_mb(rows: int, valid_rows: int, n_labels: int) -> float:
    """Memory the dense path needs on top of the process: both probability matrices (float32),
    one batch of the stable sort (negated scores and int64 order) and the boolean predictions at
    one threshold."""
    return ((rows + valid_rows) * n_labels * 4 + min(rows, 4096) * n_labels * 12
            + rows * n_labels) / 2**20


def main(argv: list[str] | None = None) -> int:
    from xmlstudy import evaluation
    from xmlstudy.benchmarks.metrics import append_record

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench evaluate",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="test rows N (default 100000)")
    parser.add_argument("--labels", default="100000,1000000",
                        help="comma-separated label counts L (default 100000,1000000)")
    parser.add_argument("--dense-limit-mb", type=float, default=3000.0,
                        help="run the dense path on as many rows as its projected memory allows "
                             "within this (default 3000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--note", default="", help="what else ran on the machine, for the record")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"record file (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    try:
        label_counts = [int(v) for v in args.labels.split(",") if v.strip()]
    except ValueError:
        parser.error(f"--labels takes comma-separated integers, e.g. 100000,1000000; got {args.labels!r}")
    if args.rows < 30 or not label_counts or min(label_counts) < 1:
        parser.error("--rows must be at least 30 and every --labels value at least 1")
    valid_rows = max(3, args.rows // 10)

    from xmlstudy.benchmarks import limits

    before = limits.snapshot()
    sizes = []
    for n_labels in label_counts:
        job = {"rows": args.rows, "valid_rows": valid_rows, "labels": n_labels, "seed": args.seed}
        size = {"labels": n_labels, "rows": args.rows, "valid_rows": valid_rows,
                "streaming": run_child({**job, "path": "streaming"})}
        # The dense path on N rows, or on N / 2^i rows when its projection exceeds the limit.
        dense_rows = args.rows
        while dense_rows > 30 and dense_projection_mb(dense_rows, max(3, dense_rows // 10),
                                                      n_labels) > args.dense_limit_mb:
            dense_rows = max(30, dense_rows // 2)
        small = {"rows": dense_rows, "valid_rows": max(3, dense_rows // 10)}
        dense = run_child({**job, **small, "path": "dense"})
        same = (run_child({**job, **small, "path": "streaming"}) if dense_rows != args.rows
                else size["streaming"])
        size["dense"] = {**small, **dense,
                         "projected_mb": dense_projection_mb(small["rows"], small["valid_rows"], n_labels),
                         "same_metrics_as_streaming": dense["metrics"] == same["metrics"]}
        size["streaming_on_dense_rows"] = {k: same[k] for k in ("seconds", "peak_rss_mb", "rss_before_mb")}
        size["dense_projected_mb_at_full_rows"] = dense_projection_mb(args.rows, valid_rows, n_labels)
        sizes.append(size)
        s = size["streaming"]
        print(f"L={n_labels:>9,}  N={args.rows:,}: streaming {s['seconds']:7.1f} s, peak "
              f"{s['peak_rss_mb']:7.0f} MB (before scoring {s['rss_before_mb']:.0f} MB, batches of "
              f"{s['batch_rows']} rows)", flush=True)
        print(f"{'':>13}dense on {dense_rows:,} rows: {dense['seconds']:.1f} s, peak "
              f"{dense['peak_rss_mb']:.0f} MB (projection {size['dense']['projected_mb']:.0f} MB on "
              f"top of the process); streaming on them {same['seconds']:.1f} s, peak "
              f"{same['peak_rss_mb']:.0f} MB; same metrics: {size['dense']['same_metrics_as_streaming']}")
        print(f"{'':>13}dense projected at N={args.rows:,}: "
              f"{size['dense_projected_mb_at_full_rows']:,.0f} MB", flush=True)
    quiet = limits.load_note(before, limits.snapshot())

    goal = next((s for s in sizes if s["labels"] == GOAL["labels"] and s["rows"] == GOAL["rows"]), None)
    meets = None if goal is None else goal["streaming"]["peak_rss_mb"] < GOAL["peak_mb"]
    if meets is not None:
        print(f"goal: L=10^6 at N=10^5 under {GOAL['peak_mb']} MB peak: {'met' if meets else 'NOT met'}")
    for s in sizes:   # the metrics themselves stay in the record only as a check
        for path in ("streaming", "dense"):
            s[path]["metrics"] = {k: v for k, v in s[path]["metrics"].items() if k != "rows"}
    record = {
        "paper": "benchmark", "experiment": "evaluate",
        "method": "xmlstudy.evaluation (streaming) vs dense matrices",
        "dataset": "synthetic-zipf-scores", "seed": args.seed, "profile": "full",
        "setting": {"rows": args.rows, "valid_rows": valid_rows, "labels": label_counts, "k": K,
                    "thresholds": list(evaluation.DEFAULT_THRESHOLDS),
                    "score_budget": evaluation.SCORE_BUDGET, "dense_limit_mb": args.dense_limit_mb,
                    "scores": "background U[0,0.05) from a seeded pool; 70% of true labels "
                              "U[0.1,1); 5 random labels U[0,1); probabilities = scores"},
        "metrics": {f"peak_mb@L={s['labels']}": s["streaming"]["peak_rss_mb"] for s in sizes},
        "sizes": sizes,
        "timings": {f"streaming_s@L={s['labels']}": s["streaming"]["seconds"] for s in sizes},
        "goal": GOAL, "meets_goal": meets,
        **quiet,
        "note": args.note,
        "provenance": provenance("evaluate", argv, ("numpy", "scipy")),
    }
    append_record(args.out, record)
    print(f"record appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
