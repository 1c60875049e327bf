"""Benchmark of Rank-AE's loss: ``python -m xmlstudy bench rankae``.

Rank-AE's claim is that its margin ranking loss (Eq. 3-4) costs O(L) per sample, like binary
cross-entropy and unlike C2AE's loss over all (positive, negative) pairs. This times, in one
process and on the same seeded synthetic scores (batch 128, 5 to 20 positive labels per row),
forward and backward of the three losses at L = 1e3, 1e4 and 1e5 labels, with
:func:`xmlstudy.models.rankae.ranking_loss`, ``torch.nn.functional.binary_cross_entropy_with_logits``
(summed over labels, as Rank-AE's BCE ablation does) and C2AE's pairwise loss written as the
paper defines it, a (B, P, N) tensor of pairs (:func:`pairwise_loss_pairs`; the study's own C2AE
factorises it, which is exact only for its exponential form). Best of a few repeats. Goal: the
ranking loss within 2x of BCE's time at L = 1e5. Then Rank-AE itself on every data set of its
chapter, with the settings chosen there: seconds per training epoch (two epochs on the 80%
training part, no validation) and the peak memory growth of the fit. A record goes to
``results/benchmark/rankae.jsonl``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from xmlstudy import records
from xmlstudy.models.rankae import ranking_loss

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "results" / "benchmark" / "rankae.jsonl"


def pairwise_loss_pairs(scores: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """C2AE's output loss as its paper writes it: per row, the mean over every (positive p,
    negative q) pair of exp(s_q - s_p), built as an explicit tensor of pairs (so its cost grows
    with positives x negatives, O(L) per positive)."""
    total = scores.new_zeros(())
    for s, row in zip(scores, y):
        pos, neg = s[row > 0], s[row <= 0]
        total = total + torch.exp(neg[None, :] - pos[:, None]).mean()
    return total / len(scores)


def synthetic(batch: int, n_labels: int, seed: int = 0):
    """Seeded logits (B x L) and 0/1 targets with 5 to 20 positives per row."""
    rng = np.random.default_rng(seed)
    y = np.zeros((batch, n_labels), np.float32)
    for row in y:
        row[rng.choice(n_labels, size=rng.integers(5, 21), replace=False)] = 1.0
    logits = rng.normal(size=(batch, n_labels)).astype(np.float32)
    return torch.from_numpy(logits), torch.from_numpy(y)


def _best_time(fn, logits, y, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        x = logits.clone().requires_grad_(True)
        t0 = time.perf_counter()
        fn(x, y).backward()
        best = min(best, time.perf_counter() - t0)
    return best


LOSSES = {
    "ranking (Rank-AE)": lambda x, y: ranking_loss(torch.sigmoid(x), y, 0.5),
    "BCE": lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none").sum(1).mean(),
    "pairwise (C2AE)": pairwise_loss_pairs,
}


def epoch_cost(dataset: str, epochs: int = 2) -> tuple[float, float, int]:
    """Seconds per epoch, peak memory (MB) and training rows of Rank-AE fitted for ``epochs``
    epochs on ``dataset`` with its chosen settings (the methods registry's) (no validation, no refit)."""
    from xmlstudy import data, methods, models
    from xmlstudy.chapters import rankae as chapter
    from xmlstudy.experiments import _PeakMemory

    torch.optim.Adam([torch.zeros(1, requires_grad=True)])   # the optimiser's first import, off the clock
    splits = data.load(dataset, valid_fraction=chapter.VALID_FRACTION)
    params = {**methods.settings("rankae", dataset), "epochs": epochs, "patience": None, "refit": False}
    model = models.create("rankae", seed=0, device="cpu", **params)
    with _PeakMemory("cpu") as memory:
        start = time.perf_counter()
        model.fit(splits.train, None)
        seconds = time.perf_counter() - start
    return seconds / epochs, memory.peak_mb, len(splits.train)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench rankae",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", default="1000,10000,100000", help="comma-separated L values")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--datasets", default=None,
                        help="comma-separated data sets for the per-epoch cost (default: the "
                             "chapter's; '' for none)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    from xmlstudy.chapters import rankae as chapter

    datasets = list(chapter.DATASETS) if args.datasets is None else [
        d.strip() for d in args.datasets.split(",") if d.strip()]
    unknown = [d for d in datasets if d not in chapter.DATASETS]
    if unknown:
        parser.error(f"--datasets: {unknown} are not data sets of the Rank-AE chapter; valid: "
                     f"{', '.join(chapter.DATASETS)}")
    try:
        sizes = [int(v) for v in args.labels.split(",") if v.strip()]
    except ValueError:
        parser.error(f"--labels: {args.labels!r} is not a comma-separated list of integers")
    if not sizes or min(sizes) < 21 or args.batch < 1 or args.repeats < 1:
        parser.error("--labels must be integers of at least 21; --batch and --repeats at least 1")
    torch.set_num_threads(1)  # one thread, as every record of the study
    seconds = {name: {} for name in LOSSES}
    print(f"forward + backward, batch {args.batch}, best of {args.repeats} (seconds)")
    print(f"{'L':>8}" + "".join(f"{name:>20}" for name in LOSSES) + f"{'ranking / BCE':>16}")
    for L in sizes:
        logits, y = synthetic(args.batch, L)
        for name, fn in LOSSES.items():
            seconds[name][str(L)] = _best_time(fn, logits, y, args.repeats)
        ratio = seconds["ranking (Rank-AE)"][str(L)] / seconds["BCE"][str(L)]
        print(f"{L:>8}" + "".join(f"{seconds[n][str(L)]:>20.5f}" for n in LOSSES) + f"{ratio:>16.2f}")
    ratios = {str(L): seconds["ranking (Rank-AE)"][str(L)] / seconds["BCE"][str(L)] for L in sizes}
    epoch_seconds, peak_mb, rows = {}, {}, {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    for dataset in datasets:
        # A fresh process per data set: memory a previous fit left allocated would hide this
        # fit's growth of the resident set.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=torch.set_num_threads, initargs=(1,)) as pool:
            epoch_seconds[dataset], peak_mb[dataset], rows[dataset] = pool.submit(epoch_cost, dataset).result()
        print(f"Rank-AE on {dataset}: {epoch_seconds[dataset]:.1f} s per epoch "
              f"({rows[dataset]} rows), peak memory {peak_mb[dataset]:.0f} MB")
    record = {
        "paper": "benchmark", "experiment": "rankae", "method": "ranking vs BCE vs pairwise loss",
        "dataset": "synthetic", "seed": 0, "profile": "full",
        "setting": {"batch": args.batch, "labels": sizes, "repeats": args.repeats,
                    "positives_per_row": [5, 20]},
        "timings": {"seconds": seconds, "ranking_over_bce": ratios,
                    "epoch_seconds": epoch_seconds, "train_rows": rows},
        "peak_memory_mb": peak_mb,
        # The measured outcome, as every record has one: ranking-loss time over BCE's, per L.
        "metrics": {f"ranking_over_bce@{L}": r for L, r in ratios.items()},
        "provenance": {"git_commit": records.git_commit(), "versions": records.versions(("torch",)),
                       "device": "cpu", "threads": 1, "cpu": records.cpu(), "date": records.utc_now(),
                       "command": " ".join(["python -m xmlstudy bench rankae", *argv])},
    }
    from xmlstudy.benchmarks import limits

    records.append_jsonl(args.out, {**record, **limits.since_start()})
    print(f"record appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
