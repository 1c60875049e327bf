"""Benchmark of cost against the number of labels: ``python -m xmlstudy bench scale``.

Three of the papers say their methods scale to extreme label counts (DXML's Table 6 times on
Wiki10-31K, Delicious-200K and Amazon-670K; Rank-AE's loss "linear complexity in number of
labels"; C-GMVAE's), while the study's public data stop near a thousand labels. This benchmark
draws synthetic data with planted structure (:mod:`xmlstudy.data.synthetic`) at each label count
of a grid (default 10^3 to 10^6, N and D fixed) and, for each method, fits it with its default
settings (torch methods with a fixed small epoch budget, ``--epochs``) and predicts the top 5
labels of the test rows in batches, each (method, L) in a fresh process under a time and a
memory limit (:mod:`xmlstudy.benchmarks.limits`). One record per (method, L) is appended to
``results/benchmark/scale.jsonl`` as it finishes: fit and predict seconds, peak memory, P@1/3/5,
or the limit it ran into and why. A method that fails at some L is not run at the larger ones
(each gets a ``"skipped"`` record saying where it failed), and a rerun skips every (method, L)
already recorded with the same settings, so an interrupted run resumes.

:func:`xmlstudy.stats.growth` (importable from here too) turns the records into each method's
growth exponent of fit time, predict time and peak memory in L (least squares on log-log over the
sizes it completed), for the book.
The generator's own cost is measured by ``python -m xmlstudy bench synthetic``.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from xmlstudy.stats import growth  # noqa: F401 - the growth exponents of these records
from xmlstudy.benchmarks import limits

RECORD_FILE = Path("benchmark") / "scale.jsonl"
KS = (1, 3, 5)
# At most this many dense scores per prediction batch (80 MB of float32): a method whose top-k
# builds a batch x L score matrix gets fewer rows per batch at large L, as a user would give it.
SCORE_BUDGET = 20_000_000
SPLITS = ("train", "valid", "test")


# --- which methods, with which settings -----------------------------------------------------------
def _method_class(method: str):
    from xmlstudy.models import METHODS

    module, name = METHODS[method].path.split(":")
    return getattr(importlib.import_module(module), name)


def feature_methods() -> list[str]:
    """The methods that predict from feature vectors: every method but those with an ``inputs``
    hook (the text and image models, which read documents or images)."""
    from xmlstudy.models import METHODS

    return [m for m in METHODS if not hasattr(_method_class(m), "inputs")]


def takes_epochs(method: str) -> bool:
    """Whether the method is trained in epochs (the torch methods): its constructor, a parent's,
    or that of the factorization it trains (the two-step models) takes ``epochs``."""
    cls = _method_class(method)
    classes = list(cls.__mro__)
    factorization = getattr(cls, "factorization", None)
    if factorization is not None:
        classes.append(getattr(sys.modules[cls.__module__], "FACTORIZATIONS", {}).get(factorization))
    return any(c is not None and "__init__" in vars(c)
               and "epochs" in inspect.signature(c.__init__).parameters for c in classes)


# --- scoring: top-k per batch, never an N x L matrix ----------------------------------------------
def hits_at_k(Y: sp.csr_matrix, top: np.ndarray, ks=KS) -> dict:
    """Summed P@k numerators over the rows of one batch: for each k, the sum over rows of
    (true labels among the first k predictions) / k. Missing predictions (fewer than k columns,
    or -1) count as misses."""
    Y = sp.csr_matrix(Y)
    n, width = top.shape
    rows = np.repeat(np.arange(n), width)
    cols = top.ravel()
    ok = cols >= 0
    hit = np.zeros(n * width, dtype=bool)
    hit[ok] = np.asarray(Y[rows[ok], cols[ok]]).ravel() > 0
    hit = hit.reshape(n, width)
    return {f"P@{k}": float(hit[:, :k].sum()) / k for k in ks}


def precision_in_batches(model, X: sp.csr_matrix, Y: sp.csr_matrix, batch_rows: int,
                         k: int = max(KS)) -> dict:
    """P@1, P@3, P@5 of ``model`` on (X, Y), calling ``model.topk`` on ``batch_rows`` rows at a
    time and keeping only the running sums."""
    sums = dict.fromkeys((f"P@{j}" for j in KS), 0.0)
    for start in range(0, X.shape[0], batch_rows):
        top, _ = model.topk(X[start:start + batch_rows], k)
        for name, value in hits_at_k(Y[start:start + batch_rows], np.asarray(top)).items():
            sums[name] += value
    return {name: value / max(X.shape[0], 1) for name, value in sums.items()}


def batch_rows_for(n_labels: int, batch: int) -> int:
    return max(1, min(batch, SCORE_BUDGET // n_labels))


# --- the data, written once per L for every method's process ------------------------------------
def save_splits(splits, folder: Path) -> dict:
    """Write the splits' CSR matrices to ``folder``; return their sizes."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for split in SPLITS:
        ds = getattr(splits, split)
        sp.save_npz(folder / f"{split}-X.npz", ds.X, compressed=False)
        sp.save_npz(folder / f"{split}-Y.npz", ds.Y, compressed=False)
        sizes[split] = len(ds)
    sizes["labels_per_row"] = round(splits.train.label_cardinality, 4)
    sizes["features_per_row"] = round(splits.train.X.nnz / max(len(splits.train), 1), 4)
    sizes["labels_in_train"] = int(np.count_nonzero(np.diff(splits.train.Y.tocsc().indptr)))
    return sizes


def load_splits(folder: Path, name: str):
    from xmlstudy.data.dataset import Dataset, Splits
    from xmlstudy.data.synthetic import IndexNames

    parts = {}
    for split in SPLITS:
        X, Y = sp.load_npz(folder / f"{split}-X.npz"), sp.load_npz(folder / f"{split}-Y.npz")
        parts[split] = Dataset(name=name, split=split, X=X, Y=Y,
                               feature_names=IndexNames("feature", X.shape[1]),
                               label_names=IndexNames("label", Y.shape[1]))
    return Splits(**parts)


# --- the child processes ------------------------------------------------------------------------
def _small(info: dict) -> dict:
    """The scalar entries of a model's fit_info (histories and searches stay out of the record)."""
    return {k: v for k, v in (info or {}).items()
            if isinstance(v, (int, float, str, bool)) or v is None}


def fit_child(spec_path: str) -> None:
    """In the fresh process: load the data, build the method, fit, score the test rows in
    batches, and write the result (or the failure) to ``spec["result_path"]``."""
    from xmlstudy.benchmarks import limits

    limits.exit_with_parent()
    spec = json.loads(Path(spec_path).read_text())

    def progress(phase, **more):
        limits.write_json(spec["progress_path"], {"phase": phase, **more})

    result = {"status": "ok", "reason": None, "phase": "load"}
    progress("load")
    try:
        from xmlstudy import models

        data = load_splits(Path(spec["data_dir"]), spec["dataset"])
        model = models.create(spec["method"], seed=spec["seed"], device=spec["device"],
                              **spec["params"])
        # The libraries the method says it needs are loaded now, so that its peak memory is its
        # own work's, not their import's (which does not grow with L).
        for library in getattr(model, "libraries", ()):
            importlib.import_module({"scikit-learn": "sklearn"}.get(library, library))
        on_cuda = str(model.device).startswith("cuda")
        if not on_cuda:
            limits.limit_address_space(spec["memory_bytes"])
        if "torch" in sys.modules:
            from xmlstudy.training import seed_everything

            seed_everything(spec["seed"])
            if on_cuda:
                import torch

                torch.cuda.reset_peak_memory_stats()
        loading_peak = limits.peak_rss_mb()
        result["base_rss_mb"], result["peak_memory_source"] = limits.reset_peak_rss()
        result["phase"] = "fit"
        progress("fit")
        t0 = time.perf_counter()
        model.fit(data.train, data.valid)
        result["fit_s"] = time.perf_counter() - t0
        result["phase"] = "predict"
        progress("predict", fit_s=result["fit_s"])
        t0 = time.perf_counter()
        result["metrics"] = precision_in_batches(model, data.test.X, data.test.Y, spec["batch_rows"])
        result["predict_s"] = time.perf_counter() - t0
        result["phase"] = "done"
        result["fit_info"] = _small(getattr(model, "fit_info", {}))
        result["n_parameters"] = model.n_parameters
        result["device"] = "cuda" if on_cuda else "cpu"
    except BaseException as exc:  # noqa: BLE001 - every failure becomes the run's record
        import traceback

        result["status"] = limits.failure_kind(exc)
        result["reason"] = (f"{type(exc).__name__} while {result['phase']}: {str(exc)[:1500]}")
        result["traceback"] = traceback.format_exc()[-3000:]
    if "base_rss_mb" in result:
        peak = limits.peak_rss_mb()
        result["peak_memory_mb"] = peak - result["base_rss_mb"]
        result["process_peak_rss_mb"] = max(peak, loading_peak)
    if "torch" in sys.modules:
        import torch

        if torch.cuda.is_available() and torch.cuda.is_initialized():
            result["cuda_peak_mb"] = torch.cuda.max_memory_allocated() / 2**20
    limits.write_json(spec["result_path"], result)


# --- the command ----------------------------------------------------------------------------------
def _ints(text: str, name: str, parser) -> list[int]:
    try:
        values = [int(float(v)) for v in text.split(",") if v.strip()]
    except ValueError:
        parser.error(f"--{name} takes comma-separated integers (e.g. 1000,10000); got {text!r}")
    if not values or min(values) < 1:
        parser.error(f"--{name} needs positive integers; got {text!r}")
    return values


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m xmlstudy bench scale",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", default=None,
                        help="comma-separated methods (default: every method on feature vectors)")
    parser.add_argument("--labels", default="1000,10000,100000,1000000",
                        help="comma-separated label counts L (default 1000,10000,100000,1000000)")
    parser.add_argument("--n", type=int, default=100_000, help="rows N, all splits (default 100000)")
    parser.add_argument("--features", type=int, default=100_000, help="features D (default 100000)")
    parser.add_argument("--labels-per-row", type=float, default=4.0,
                        help="mean label draws per row (default 4)")
    parser.add_argument("--features-per-row", type=int, default=40,
                        help="feature draws per row (default 40)")
    parser.add_argument("--zipf", type=float, default=1.0,
                        help="exponent of the label popularity law (default 1)")
    parser.add_argument("--epochs", type=int, default=5,
                        help="epochs of the methods trained in epochs (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N (default auto)")
    parser.add_argument("--batch", type=int, default=1000,
                        help=f"test rows per top-k call, fewer where batch x L > {SCORE_BUDGET:,} "
                             "(default 1000)")
    limits.add_limit_arguments(parser, "scale", "(method, L), fit and predict", 1800.0)
    return parser


def _provenance(device: str, argv: list[str]) -> dict:
    from xmlstudy import records

    return {"git_commit": records.git_commit(),
            "versions": records.versions(("torch", "numpy", "scipy", "scikit-learn", "omikuji",
                                          "gensim")),
            "device": device, "cpu": records.cpu(), "date": records.utc_now(),
            "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                                       "OPENBLAS_NUM_THREADS")},
            "command": " ".join(["python -m xmlstudy bench scale", *argv])}


def _generator_params(args, n_labels: int) -> dict:
    return dict(n_rows=args.n, n_labels=n_labels, n_features=args.features,
                labels_per_row=args.labels_per_row, features_per_row=args.features_per_row,
                zipf_exponent=args.zipf, seed=args.seed)


def _setting(args, n_labels: int, method: str, epochs: bool) -> dict:
    from xmlstudy.data.synthetic import DEFAULTS

    return {**{k: v for k, v in DEFAULTS.items() if k != "seed"},
            **{k: v for k, v in _generator_params(args, n_labels).items() if k != "seed"},
            "epochs": args.epochs if epochs else None, "k": max(KS), "batch": args.batch}


def _key(method: str, seed, setting: dict, device) -> str:
    return json.dumps([method, seed, setting, device], sort_keys=True)


def _previous(path: Path, args, methods, epochs, device) -> tuple[set, dict]:
    """The keys of the records already in ``path`` (but those measured while other work ran,
    which are measured again), and per method the smallest L at which it failed under the
    settings of this run (so that a resumed run skips the larger ones too)."""
    from xmlstudy import records

    done, failed_at = set(), {}
    for r in records.read_jsonl(path):
        key = _key(r["method"], r["seed"], r["setting"], r.get("config_device"))
        # A size measured while other work shared the CPU is measured again (the latest counts).
        if r.get("others_running"):
            done.discard(key)
            continue
        done.add(key)
        m, L0 = r["method"], r["setting"]["n_labels"]
        if (r["status"] not in ("ok", "skipped") and m in methods and r["seed"] == args.seed
                and r.get("config_device") == device
                and r["setting"] == _setting(args, L0, m, epochs[m])):
            failed_at[m] = min(failed_at.get(m, (L0, "")), (L0, r["status"]))
    return done, failed_at


def _measure(method: str, base: dict, spec: dict, workdir: Path, args, argv) -> dict:
    """Run one (method, L) in its limited process and make its record."""
    from xmlstudy.benchmarks import limits

    before = limits.snapshot()
    o = limits.run_limited(f"{__name__}:fit_child", spec, workdir, timeout_s=args.timeout,
                           memory_bytes=int(args.memory_gb * 2**30), env=limits.child_env())
    after = limits.snapshot()
    res, progress = o["result"] or {}, o["progress"] or {}
    failed = o["status"] != "ok"
    record = {
        **base, "status": o["status"], "reason": o["reason"],
        "metrics": {} if failed else res.get("metrics", {}),
        "timings": {"fit_s": res.get("fit_s", progress.get("fit_s")),
                    "predict_s": res.get("predict_s"),
                    "epochs": res.get("fit_info", {}).get("epochs"), "elapsed_s": o["elapsed_s"]},
        # The run's own peak (over the process before fitting), the whole process's peak, and
        # the GPU's where it ran on one.
        "peak_memory_mb": res.get("peak_memory_mb"),
        "peak_memory_source": res.get("peak_memory_source"),
        "base_rss_mb": res.get("base_rss_mb"), "peak_rss_mb": o["peak_rss_mb"],
        "cuda_peak_mb": res.get("cuda_peak_mb"),
        "limits": {"timeout_s": args.timeout, "memory_gb": args.memory_gb,
                   "stopped_in": res.get("phase", progress.get("phase")) if failed else None},
        "params": spec["params"], "score_batch_rows": spec["batch_rows"],
        "n_parameters": res.get("n_parameters"), "fit_info": res.get("fit_info", {}),
        **limits.load_note(before, after),
        "provenance": _provenance(res.get("device", spec["device"]), argv)}
    if failed:
        record["error"] = res.get("traceback") or o["stderr_tail"][-2000:]
    return record


def _print_row(r: dict) -> None:
    fmt = lambda v, f: format(v, f) if isinstance(v, (int, float)) else "-"  # noqa: E731
    t, m = r.get("timings", {}), r["metrics"]
    print(f"{r['method']:<24}{r['setting']['n_labels']:>10,}{r['status']:>9}"
          f"{fmt(t.get('fit_s'), '.2f'):>10}{fmt(t.get('predict_s'), '.2f'):>9}"
          f"{fmt(r.get('peak_memory_mb'), '.0f'):>8}{fmt(r.get('peak_rss_mb'), '.0f'):>8}"
          f"{fmt(m.get('P@1'), '.3f'):>7}{fmt(m.get('P@5'), '.3f'):>7}  {r['reason'] or ''}"[:400],
          flush=True)


def main(argv: list[str] | None = None) -> int:
    from xmlstudy import records
    from xmlstudy.data import synthetic
    from xmlstudy.models import METHODS, resolve_device

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    labels = sorted(set(_ints(args.labels, "labels", parser)))
    for name in ("n", "features", "features_per_row", "epochs", "batch"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive integer; "
                         f"got {getattr(args, name)}")
    if args.timeout <= 0 or args.memory_gb <= 0:
        parser.error("--timeout and --memory-gb must be positive")

    valid = feature_methods()
    methods = (valid if args.methods is None
               else [m.strip() for m in args.methods.split(",") if m.strip()])
    wrong = [m for m in methods if m not in valid]
    if wrong or not methods:
        other = [m for m in wrong if m in METHODS]
        parser.error(f"--methods: {wrong} " + (f"({other} read documents or images, not feature "
                     "vectors) " if other else "") + f"; valid: {','.join(valid)}")
    try:
        device = resolve_device(args.device)
    except ValueError as err:
        parser.error(f"--device: {err}")

    out = args.results_dir / RECORD_FILE
    epochs = {m: takes_epochs(m) for m in methods}
    done, failed_at = _previous(out, args, methods, epochs, device)
    print(f"scale benchmark: N={args.n:,}, D={args.features:,}, L in {labels}, "
          f"{len(methods)} methods, device {device}, epochs {args.epochs}, limits "
          f"{args.timeout:g} s and {args.memory_gb:g} GiB per run; records -> {out}")
    print(f"{'method':<24}{'L':>10}{'status':>9}{'fit s':>10}{'pred s':>9}{'run MB':>8}"
          f"{'proc MB':>8}{'P@1':>7}{'P@5':>7}  reason")
    print("(run MB: the peak memory of fitting and predicting, over the process before; "
          "proc MB: the whole process's peak)", flush=True)
    with tempfile.TemporaryDirectory(prefix="xmlstudy-scale-") as tmp:
        for L in labels:
            run_now = []
            for m in methods:
                base = {"paper": "benchmark", "experiment": "scale", "method": m,
                        "dataset": "synthetic", "seed": args.seed, "profile": "full",
                        "setting": _setting(args, L, m, epochs[m]), "config_device": device}
                if _key(m, args.seed, base["setting"], device) in done:
                    continue
                if m in failed_at and failed_at[m][0] < L:
                    L0, why = failed_at[m]
                    record = {**base, "status": "skipped", "metrics": {},
                              "reason": f"not run: failed at L={L0} ({why})",
                              "provenance": _provenance(device, argv)}
                    records.append_jsonl(out, record)
                    _print_row(record)
                else:
                    run_now.append((m, base))
            if not run_now:
                continue
            t0 = time.perf_counter()
            splits = synthetic.generate(**_generator_params(args, L))
            generate_s = time.perf_counter() - t0
            data_dir = Path(tmp) / f"data-{L}"
            sizes = save_splits(splits, data_dir)
            del splits            # the parent keeps no data while the methods run
            for m, base in run_now:
                spec = {"method": m, "params": {"epochs": args.epochs} if epochs[m] else {},
                        "seed": args.seed, "device": device, "data_dir": str(data_dir),
                        "dataset": f"synthetic-L{L}", "batch_rows": batch_rows_for(L, args.batch)}
                record = _measure(m, base, spec, Path(tmp) / f"{m}-{L}", args, argv)
                record["data"] = {**sizes, "generate_s": generate_s}
                if record["status"] != "ok":
                    failed_at[m] = (L, record["status"])
                records.append_jsonl(out, record)
                _print_row(record)
    print(f"records in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
