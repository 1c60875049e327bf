"""Benchmark of the ranking metrics: ``python -m xmlstudy bench metrics``.

Builds a seeded synthetic extreme-classification test set (by default N = 100,000 rows,
L = 30,000 labels, a few true labels per row drawn from a long-tailed (Zipf) label distribution,
and k = 5 predictions per row of which about half are true labels), then times P@k, nDCG@k and
PSP@k with ``xmlstudy.metrics`` and with napkinXC's ``napkinxc.metrics`` on the same input in the
same process (best of a few repeats), checks that both give the same values, prints a table and
appends a record to ``results/benchmark/metrics.jsonl``.

napkinXC takes lists of label lists; building those lists is input preparation and is not timed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from xmlstudy import metrics, records
from xmlstudy.benchmarks import provenance

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "results" / "benchmark" / "metrics.jsonl"


def synthetic_xc(n: int, n_labels: int, k: int, seed: int = 0, mean_labels: float = 4.0,
                 zipf_exponent: float = 1.0, hit_rate: float = 0.5):
    """Seeded truth (CSR, N x L) and top-k predictions (N x k, unique labels per row).

    Rows hold 1 + Poisson(mean_labels - 1) labels drawn with probability proportional to
    1 / rank^zipf_exponent, so a few head labels are frequent and most labels are rare. Each
    prediction slot is, with probability hit_rate, one of the row's true labels, otherwise a label
    drawn from the same long-tailed distribution; duplicates inside a row are redrawn uniformly.
    """
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_labels + 1, dtype=np.float64) ** zipf_exponent
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0

    def draw(size):
        return np.searchsorted(cdf, rng.random(size), side="right").astype(np.int64)

    per_row = 1 + rng.poisson(mean_labels - 1.0, size=n)
    rows = np.repeat(np.arange(n), per_row)
    Y = sp.csr_matrix((np.ones(rows.size, np.float32), (rows, draw(rows.size))), shape=(n, n_labels))
    Y.sum_duplicates()
    Y.data[:] = 1.0

    counts = np.diff(Y.indptr)
    pick = Y.indptr[:-1, None] + (rng.random((n, k)) * counts[:, None]).astype(np.int64)
    true_pick = Y.indices[np.minimum(pick, Y.nnz - 1)]
    topk = np.where(rng.random((n, k)) < hit_rate, true_pick, draw((n, k)))
    # Redraw any label that repeats an earlier slot of its row until every row is duplicate-free.
    while True:
        dup = np.zeros((n, k), dtype=bool)
        for j in range(1, k):
            dup[:, j] = (topk[:, :j] == topk[:, j:j + 1]).any(axis=1)
        if not dup.any():
            break
        topk[dup] = rng.integers(0, n_labels, size=int(dup.sum()))
    return Y, topk


def _best_time(fn, repeats: int):
    best, value = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def append_record(path: Path, record: dict) -> None:
    """Append one benchmark record atomically (benchmarks keep every run: no de-duplication)."""
    records.append_jsonl(path, record)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench metrics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="rows (default 100000)")
    parser.add_argument("--labels", type=int, default=30_000, help="labels L (default 30000)")
    parser.add_argument("--k", type=int, default=5, help="predictions per row and metric cut-off (default 5)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats, the best is kept (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"record file (default {DEFAULT_OUT})")
    parser.add_argument("--no-napkinxc", action="store_true", help="time xmlstudy.metrics only")
    args = parser.parse_args(argv)
    for name in ("n", "labels", "k", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be a positive integer; got {getattr(args, name)}")
    if args.n < 3:
        parser.error("--n must be at least 3 (propensities need log N > 1)")

    Y, topk = synthetic_xc(args.n, args.labels, args.k, seed=args.seed)
    # Propensities from a second seeded draw standing in for the training labels.
    Y_train, _ = synthetic_xc(args.n, args.labels, 1, seed=args.seed + 1)
    prop = metrics.propensities(Y_train)
    k = args.k

    ours = {
        "P@k": lambda: metrics.precision_at_k(Y, topk, k),
        "nDCG@k": lambda: metrics.ndcg_at_k(Y, topk, k),
        "PSP@k": lambda: metrics.psp_at_k(Y, topk, k, prop),
    }
    times, values = {"xmlstudy": {}, "napkinxc": {}}, {"xmlstudy": {}, "napkinxc": {}}
    for name, fn in ours.items():
        times["xmlstudy"][name], values["xmlstudy"][name] = _best_time(fn, args.repeats)
    times["xmlstudy"]["ranking_metrics(all)"], _ = _best_time(
        lambda: metrics.ranking_metrics(Y, topk, ks=(1, 3, 5), propensity=prop), args.repeats)

    use_napkin = not args.no_napkinxc
    if use_napkin:
        try:
            import napkinxc.metrics as nxm
        except ImportError:
            print("napkinXC is not installed (pip install napkinxc); timing xmlstudy only", file=sys.stderr)
            use_napkin = False
    if use_napkin:
        true_lists = np.split(Y.indices, Y.indptr[1:-1])
        true_lists = [t.tolist() for t in true_lists]
        pred_lists = topk.tolist()
        inv_ps = 1.0 / prop
        theirs = {
            "P@k": lambda: nxm.precision_at_k(true_lists, pred_lists, k=k)[k - 1],
            "nDCG@k": lambda: nxm.ndcg_at_k(true_lists, pred_lists, k=k)[k - 1],
            "PSP@k": lambda: nxm.psprecision_at_k(true_lists, pred_lists, inv_ps, k=k)[k - 1],
        }
        for name, fn in theirs.items():
            t, v = _best_time(fn, args.repeats)
            times["napkinxc"][name], values["napkinxc"][name] = t, float(v)

    print(f"ranking metrics at k={k}: N={args.n:,} rows, L={args.labels:,} labels, "
          f"{Y.nnz / args.n:.2f} true labels per row, best of {args.repeats}")
    print(f"{'metric':<22}{'value':>10}{'xmlstudy s':>12}{'napkinXC s':>12}{'ratio':>9}{'|diff|':>10}")
    ratio, diff = {}, {}
    for name in times["xmlstudy"]:
        ours_t = times["xmlstudy"][name]
        value = values["xmlstudy"].get(name)
        line = f"{name:<22}{'-' if value is None else f'{value:.5f}':>10}{ours_t:>12.4f}"
        if name in times["napkinxc"]:
            ratio[name] = times["napkinxc"][name] / ours_t
            diff[name] = abs(values["xmlstudy"][name] - values["napkinxc"][name])
            line += f"{times['napkinxc'][name]:>12.4f}{ratio[name]:>8.1f}x{diff[name]:>10.1e}"
        print(line)
    if ratio:
        print("ratio = napkinXC time / xmlstudy time (higher means xmlstudy is faster)")

    record = {
        "paper": "benchmark",
        "experiment": "metrics",
        "method": "xmlstudy.metrics" + (" vs napkinxc.metrics" if use_napkin else ""),
        "dataset": "synthetic-zipf",
        "seed": args.seed,
        "profile": "full",
        "setting": {"n_rows": args.n, "n_labels": args.labels, "k": k, "repeats": args.repeats,
                    "true_labels_per_row": round(Y.nnz / args.n, 4)},
        "metrics": values["xmlstudy"],
        "reference_metrics": values["napkinxc"],
        "max_abs_diff": max(diff.values()) if diff else None,
        "timings": {"xmlstudy_s": times["xmlstudy"], "napkinxc_s": times["napkinxc"],
                    "speedup_vs_napkinxc": ratio},
        "provenance": provenance("metrics", argv, ("numpy", "scipy", "napkinxc")),
    }
    from xmlstudy.benchmarks import limits

    record.update(limits.since_start())
    append_record(args.out, record)
    print(f"record appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
