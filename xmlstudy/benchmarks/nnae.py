"""Benchmark of the non-negative autoencoder chapter: ``python -m xmlstudy bench nnae``.

* seconds to fit the deep non-negative autoencoder (64 / 16 units, projection, 500 steps, the
  chapter's setting) on each recipe matrix's training split (bbc_food, whats_cooking, recipes5k,
  epicurious);
* images per second of EfficientNet-Lite0 with the image models' head (inference, batch 32,
  random inputs) on the CPU, and on CUDA where present, at each resolution considered, in the
  default memory format and ``channels_last``, and ``torch.compile``'d (at the first resolution)
  where it works offline;
* seconds per LIME explanation (``lime.lime_image``, 1,000 samples through the network in
  batches of 100, ~50 SLIC superpixels) of a UC Merced test image, per resolution.

CPU numbers use one thread, as every record of the study. A record goes to
``results/benchmark/nnae.jsonl`` with the measured outcome under ``metrics``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

from xmlstudy import records

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "results" / "benchmark" / "nnae.jsonl"
RECIPES = ("bbc_food", "whats_cooking", "recipes5k", "epicurious")


def autoencoder_seconds(datasets, epochs: int = 500) -> dict:
    from xmlstudy import data, experiments
    from xmlstudy.models.nnae import NonNegativeAutoencoder

    out = {}
    for name in datasets:
        train = data.load(name, valid_fraction=0.2, split_seed=experiments.DATA_SEED).train
        t0 = time.perf_counter()
        NonNegativeAutoencoder(units=(64, 16), epochs=epochs, seed=0).fit(train.Y)
        out[name] = {"seconds": time.perf_counter() - t0, "rows": len(train), "labels": train.n_labels}
        print(f"autoencoder on {name} ({len(train)} x {train.n_labels}): {out[name]['seconds']:.1f} s")
    return out


def _throughput(net, x, repeats: int) -> float:
    with torch.inference_mode():
        net(x)
        if x.is_cuda:
            torch.cuda.synchronize()
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            net(x)
            if x.is_cuda:
                torch.cuda.synchronize()
            best = min(best, time.perf_counter() - t0)
    return len(x) / best


def images_per_second(resolutions, devices, batch: int = 32, repeats: int = 3,
                      compile_: bool = True) -> dict:
    from xmlstudy.models.image import Network

    out = {}
    for device in devices:
        for r in resolutions:
            # torch.compile only at the first resolution: compiling costs a minute or more
            compiled = ("compiled",) if compile_ and r == resolutions[0] else ()
            for fmt in ("contiguous", "channels_last") + compiled:
                net = Network(17).to(device).eval()
                x = torch.randn(batch, 3, r, r, generator=torch.Generator().manual_seed(0)).to(device)
                if fmt == "channels_last":
                    net = net.to(memory_format=torch.channels_last)
                    x = x.contiguous(memory_format=torch.channels_last)
                key = f"{device}/{r}/{fmt}"
                try:
                    if fmt == "compiled":
                        net = torch.compile(net)
                    out[key] = _throughput(net, x, repeats)
                except Exception as err:   # compile needs a C compiler and may fail offline
                    out[key] = None
                    print(f"{key}: failed ({type(err).__name__}: {str(err)[:80]})")
                    continue
                print(f"{key}: {out[key]:.1f} images/s")
    return out


def lime_seconds(resolutions, samples: int = 1000, images: int = 1) -> dict:
    from xmlstudy import data, image_explanations
    from xmlstudy.data.ucmerced import read_images
    from xmlstudy.models.image import ImageBCE, Network

    test = data.load("ucmerced-aitlas").test
    out = {}
    for r in resolutions:
        model = ImageBCE(resolution=r, device="cpu")
        model.net, model._device = Network(17).eval(), "cpu"
        times = []
        for row in range(images):
            image = read_images(test, r, [row])[0]
            segs = image_explanations.superpixels(image, 50)
            t0 = time.perf_counter()
            image_explanations.lime_weights(model.outputs, image, segs, [0], samples, seed=0,
                                            batch_size=100)
            times.append(time.perf_counter() - t0)
        out[str(r)] = float(np.mean(times))
        print(f"LIME, {samples} samples at {r} px: {out[str(r)]:.1f} s per explanation")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench nnae",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(RECIPES))
    parser.add_argument("--resolutions", default="128,160,224")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--lime-images", type=int, default=1)
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        resolutions = [int(v) for v in args.resolutions.split(",") if v.strip()]
    except ValueError:
        parser.error(f"--resolutions: {args.resolutions!r} is not a comma-separated list of integers")
    datasets = [d for d in args.datasets.split(",") if d.strip()]
    torch.set_num_threads(1)   # one thread, as every record of the study
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    ae = autoencoder_seconds(datasets)
    ips = images_per_second(resolutions, devices, compile_=not args.no_compile)
    lime = lime_seconds(resolutions, args.samples, args.lime_images)
    metrics = {f"autoencoder_s/{k}": v["seconds"] for k, v in ae.items()}
    metrics.update({f"images_per_s/{k}": v for k, v in ips.items()})
    metrics.update({f"lime_s/{k}": v for k, v in lime.items()})
    record = {
        "paper": "benchmark", "experiment": "nnae", "method": "autoencoder, EfficientNet-Lite0, LIME",
        "dataset": ",".join(datasets + ["ucmerced-aitlas"]), "seed": 0, "profile": "full",
        "setting": {"resolutions": resolutions, "lime_samples": args.samples, "lime_batch": 100,
                    "lime_images": args.lime_images, "batch": 32, "autoencoder_units": [64, 16],
                    "autoencoder_steps": 500},
        "timings": {"autoencoder": ae, "images_per_second": ips, "lime_seconds": lime},
        # The measured outcome, as every record has one.
        "metrics": metrics,
        "provenance": {"git_commit": records.git_commit(),
                       "versions": records.versions(("torch", "lime", "efficientnet-lite-pytorch")),
                       "device": ",".join(devices), "threads": 1, "cpu": records.cpu(),
                       "date": records.utc_now(),
                       "command": " ".join(["python -m xmlstudy bench nnae", *argv])},
    }
    from xmlstudy.benchmarks import limits

    records.append_jsonl(args.out, {**record, **limits.since_start()})
    print(f"record appended to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
