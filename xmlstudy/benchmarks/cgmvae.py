"""Benchmark of C-GMVAE training: ``python -m xmlstudy bench cgmvae``.

For each dataset, fits C-GMVAE with its settings (``xmlstudy.methods.settings``) for
a few epochs without validation, on the CPU and, when one is visible, on CUDA, and reports seconds
per epoch, training samples per second and peak memory (CPU: growth of the resident set size;
CUDA: ``torch.cuda.max_memory_allocated``). Each measurement runs in a fresh Python process, so
memory freed by an earlier dataset cannot hide a later one's peak. Prints a table and appends one
record per dataset and device to ``results/benchmark/cgmvae.jsonl``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from xmlstudy.chapters.cgmvae import DATASETS as CGMVAE_DATASETS
from xmlstudy.methods import settings


def _devices(requested: str) -> list[str]:
    import torch

    if requested == "all":
        return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    return [requested]


def bench_one(dataset: str, device: str, epochs: int, method: str = "cgmvae") -> dict:
    from xmlstudy import data, models
    from xmlstudy.experiments import RunConfig, _PeakMemory, provenance

    import torch

    # The first optimiser built in a process imports torch's compiler stack (seconds): pay that
    # before the clock starts, so the numbers are the training cost only.
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])
    splits = data.load(dataset)
    params = {**settings(method, dataset), "epochs": epochs, "patience": None}
    model = models.create(method, seed=0, device=device, **params)
    with _PeakMemory(device) as memory:
        start = time.perf_counter()
        model.fit(splits.train, None)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
    config = RunConfig(paper="benchmark", experiment="cgmvae", method=method, dataset=dataset,
                       params=params, valid_fraction=0.1, device=device)
    prov = provenance(config, model, device)
    return {
        # Every measurement is kept: the hash names this configuration at this time.
        "config_hash": f"{config.config_hash}@{prov.get('date')}",
        "paper": "benchmark", "experiment": "cgmvae", "method": method, "dataset": dataset,
        "device": device, "epochs": epochs, "params": params,
        "train_rows": len(splits.train), "features": splits.train.n_features,
        "labels": splits.train.n_labels, "n_parameters": model.n_parameters,
        "metrics": {"seconds_per_epoch": seconds / epochs,
                    "samples_per_second": len(splits.train) * epochs / seconds,
                    "peak_memory_mb": memory.peak_mb},
        "timings": {"fit_s": seconds, "epochs": epochs},
        "peak_memory_mb": memory.peak_mb, "peak_memory_source": memory.source,
        "provenance": prov,
    }


def _bench_in_subprocess(dataset: str, device: str, epochs: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "xmlstudy.benchmarks.cgmvae", dataset, device,
                           str(epochs)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench cgmvae on {dataset} ({device}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    from xmlstudy.experiments import RESULTS_DIR, append_record

    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench cgmvae",
                                     description="Seconds per epoch, samples per second and peak "
                                                 "memory of C-GMVAE training per dataset.")
    parser.add_argument("--datasets", default=",".join(CGMVAE_DATASETS),
                        help=f"comma-separated, among {', '.join(CGMVAE_DATASETS)}")
    parser.add_argument("--device", default="all", choices=("all", "cpu", "cuda"),
                        help="all = CPU, and CUDA when a GPU is visible (default)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--out", default=str(RESULTS_DIR / "benchmark" / "cgmvae.jsonl"))
    args = parser.parse_args(argv)
    datasets = [d for d in args.datasets.split(",") if d]
    unknown = [d for d in datasets if d not in CGMVAE_DATASETS]
    if unknown:
        parser.error(f"--datasets: {unknown} unknown; valid: {', '.join(CGMVAE_DATASETS)}")
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    from pathlib import Path

    print(f"{'dataset':<10} {'device':<6} {'s/epoch':>8} {'samples/s':>10} {'peak MB':>8}")
    for dataset in datasets:
        for device in _devices(args.device):
            from xmlstudy.benchmarks import limits

            rec = _bench_in_subprocess(dataset, device, args.epochs)
            append_record({**rec, **limits.since_start()}, Path(args.out))
            m = rec["metrics"]
            print(f"{dataset:<10} {device:<6} {m['seconds_per_epoch']:>8.2f} "
                  f"{m['samples_per_second']:>10.0f} {m['peak_memory_mb']:>8.1f}", flush=True)
    return 0


if __name__ == "__main__":  # one measurement, as a JSON line (used by main())
    print(json.dumps(bench_one(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
