"""Experiments: a validated configuration -> one run -> one result record.

``run(config)`` loads the data, applies the experiment's setting (a training subset, label
noise), fits the method, times it, measures its peak memory and evaluates it on test: ranking
metrics from the top 5 labels, set metrics under each threshold protocol. ``load_or_run`` returns
the stored record of a configuration when there is one, and otherwise runs it and appends the
record to ``results/<paper>/<experiment>.jsonl`` (smoke-profile records go to
``_build/smoke-results/`` instead, so they never mix with the committed full runs).
``run_grid`` runs many configurations as tasks on a Dask cluster (a ``LocalCluster`` on this
machine by default, or the scheduler at an address), skipping finished ones; workers return
records and only the submitting process writes them, so a long grid can be interrupted and
resumed. The grids themselves belong to the chapters (``xmlstudy.chapters``), whose
``python -m xmlstudy run --paper NAME`` runs one.

Two seeds are kept apart on purpose: the data seed (validation split, smoke shrink, training
subsets) is fixed at 0, so every method and every run seed sees the same rows; the run seed seeds
the model and the label noise.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import math
import os
import platform
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from xmlstudy import records
from xmlstudy.cluster import (GridInterrupted, SchedulerError, check_scheduler,
                              children_ignore_sigint, run_process, stop_requests, stop_runs,
                              wait_until_idle)
from xmlstudy.training import seed_everything

log = logging.getLogger("xmlstudy.experiments")

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "results"
SMOKE_RESULTS_DIR = REPO_ROOT / "_build" / "smoke-results"

PAPERS = ("baselines", "dxml", "rankae", "cgmvae", "nnae", "synthesis", "scale", "benchmark")
PROFILES = ("full", "smoke")
SETTING_KEYS = ("train_fraction", "noise", "rate")
NOISE_KINDS = ("missing", "missing-invalid")
DATA_SEED = 0          # validation split, smoke shrink and training subsets: the same for every run
SMOKE_ROWS = {"train": 400, "valid": 100, "test": 200}
TOP_K = 5              # ranking metrics at 1, 3, 5
RANKING_KS = (1, 3, 5)


# --- configuration ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunConfig:
    """One run: which method, on which data, in which experiment of which paper.

    ``setting`` holds what the experiment varies and ``run`` itself handles
    (``train_fraction``, ``noise`` + ``rate``); ``params`` go to the method's constructor.
    """

    paper: str
    experiment: str
    method: str
    dataset: str
    seed: int = 0
    profile: str = "full"
    setting: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    valid_fraction: float = 0.1
    device: str = "auto"
    # The split protocol (xmlstudy.data.splits.PROTOCOLS) and its own seed, apart from the
    # model seed: "given" is the data set's own train / test split.
    split: str = "given"
    split_seed: int = 0

    def __hash__(self) -> int:  # dict fields make the generated hash fail; the content hash works
        return hash(self.config_hash)

    def to_dict(self) -> dict:
        d = records.json_safe(dataclasses.asdict(self))
        if self.split == "given":
            # The given split leaves the configuration as it was before split protocols
            # existed, so every earlier record keeps its hash and its meaning.
            d.pop("split")
            d.pop("split_seed")
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "RunConfig":
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ValueError(f"unknown RunConfig field(s) {unknown}; valid: {', '.join(sorted(names))}")
        return cls(**d)

    @property
    def config_hash(self) -> str:
        """sha256 of the canonical JSON of the whole configuration (sorted keys)."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def label(self) -> str:
        setting = ",".join(f"{k}={v}" for k, v in sorted(self.setting.items()))
        return (f"{self.paper}/{self.experiment} {self.method} on {self.dataset} seed={self.seed}"
                + (f" [{setting}]" if setting else "")
                + ("" if self.split == "given" else f" split={self.split}:{self.split_seed}")
                + f" ({self.profile})")

    def validate(self) -> "RunConfig":
        """Raise ValueError naming the first wrong field and its valid values; return self."""
        from xmlstudy import data, models

        def bad(name, value, valid):
            raise ValueError(f"RunConfig.{name}: got {value!r}; valid: {', '.join(map(str, valid))}")

        if self.paper not in PAPERS:
            bad("paper", self.paper, PAPERS)
        if not isinstance(self.experiment, str) or not self.experiment or "/" in self.experiment:
            raise ValueError(f"RunConfig.experiment: got {self.experiment!r}; expected a non-empty "
                             "name without '/', e.g. 'main'")
        if self.profile not in PROFILES:
            bad("profile", self.profile, PROFILES)
        if self.method not in models.available():
            bad("method", self.method, models.available())
        if self.dataset not in data.names():
            bad("dataset", self.dataset, data.names())
        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or self.seed < 0:
            raise ValueError(f"RunConfig.seed: got {self.seed!r}; expected a non-negative integer")
        if not isinstance(self.valid_fraction, (int, float)) or not 0 <= self.valid_fraction < 1:
            raise ValueError(f"RunConfig.valid_fraction: got {self.valid_fraction!r}; expected a "
                             "number in [0, 1) (0 = no validation split)")
        if not isinstance(self.params, dict):
            raise ValueError(f"RunConfig.params: got {self.params!r}; expected a dict of method "
                             "parameters")
        if not isinstance(self.setting, dict):
            raise ValueError(f"RunConfig.setting: got {self.setting!r}; expected a dict with keys "
                             f"among {', '.join(SETTING_KEYS)}")
        for key in self.setting:
            if key not in SETTING_KEYS:
                bad(f"setting key {key!r}", key, SETTING_KEYS)
        if "train_fraction" in self.setting:
            f = self.setting["train_fraction"]
            if not isinstance(f, (int, float)) or isinstance(f, bool) or not 0 < f <= 1:
                raise ValueError(f"RunConfig.setting['train_fraction']: got {f!r}; expected a "
                                 "number in (0, 1]")
        if ("noise" in self.setting) != ("rate" in self.setting):
            raise ValueError("RunConfig.setting: 'noise' and 'rate' go together, e.g. "
                             "{'noise': 'missing', 'rate': 0.2}")
        if "noise" in self.setting:
            if self.setting["noise"] not in NOISE_KINDS:
                bad("setting['noise']", self.setting["noise"], NOISE_KINDS)
            r = self.setting["rate"]
            if not isinstance(r, (int, float)) or isinstance(r, bool) or not 0 <= r < 1:
                raise ValueError(f"RunConfig.setting['rate']: got {r!r}; expected a number in [0, 1)")
        from xmlstudy.data.splits import PROTOCOLS as SPLITS

        if self.split not in SPLITS:
            bad("split", self.split, SPLITS)
        if not isinstance(self.split_seed, int) or isinstance(self.split_seed, bool) or self.split_seed < 0:
            raise ValueError(f"RunConfig.split_seed: got {self.split_seed!r}; expected a non-negative integer")
        if self.split == "given" and self.split_seed != 0:
            raise ValueError("RunConfig.split_seed: the given split has no seed of its own; use "
                             "split='random-80-10-10' or 'random-same-sizes' with a split_seed")
        if not isinstance(self.device, str):
            raise ValueError(f"RunConfig.device: got {self.device!r}; valid: 'auto', 'cpu', "
                             "'cuda', 'cuda:N'")
        return self


# --- running one configuration ------------------------------------------------------------------
def _shrink(ds, n: int, rng: np.random.Generator, split: str):
    """A seeded random subset of at most n rows (in their original order)."""
    if ds is None or len(ds) <= n:
        return ds
    return ds.subset(np.sort(rng.choice(len(ds), size=n, replace=False)), split=split)


def prepare_data(config: RunConfig):
    """The splits a run uses, after the smoke shrink, the training subset and the label noise.

    Returns ``(train, valid, test, clean_train)``; ``clean_train`` is the training split before
    subsetting and noise (propensities for PSP@k come from it, so they do not change with the
    setting)."""
    from xmlstudy import data

    if config.split == "given":
        splits = data.load(config.dataset, valid_fraction=config.valid_fraction, split_seed=DATA_SEED)
        train, valid, test = splits.train, splits.valid, splits.test
    else:
        from xmlstudy.data.splits import resplit

        own = data.load(config.dataset, valid_fraction=0.0)
        train, valid, test = resplit(own.train, own.test, config.split, config.split_seed,
                                     config.valid_fraction, DATA_SEED)
    if config.profile == "smoke":
        rng = np.random.default_rng(DATA_SEED)
        train = _shrink(train, SMOKE_ROWS["train"], rng, "train")
        valid = _shrink(valid, SMOKE_ROWS["valid"], rng, "valid")
        test = _shrink(test, SMOKE_ROWS["test"], rng, "test")
    clean_train = train
    fraction = config.setting.get("train_fraction")
    if fraction is not None and fraction < 1:
        # One fixed permutation: the first 10% of it lies inside the first 50%, so subsets nest,
        # and every method and seed gets the same rows.
        order = np.random.default_rng(DATA_SEED).permutation(len(train))
        keep = np.sort(order[:max(1, int(math.ceil(fraction * len(train))))])
        train = train.subset(keep)
    if "noise" in config.setting:
        train = data.inject_label_noise(train, kind=config.setting["noise"],
                                        rate=config.setting["rate"], seed=config.seed)
    return train, valid, test, clean_train


class _PeakMemory:
    """Peak memory of a block. On CUDA: ``torch.cuda.max_memory_allocated`` (tensors only).
    Otherwise: the growth of the process's resident set size over its value at the start,
    sampled every 20 ms by a thread (psutil), which catches peaks of native code too."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.peak_mb: float | None = None
        self.source = ""

    def __enter__(self):
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self.source = "torch.cuda.max_memory_allocated"
            return self
        import psutil

        self._proc = psutil.Process()
        self._base = self._peak = self._proc.memory_info().rss
        self._stop = threading.Event()

        def sample():
            while not self._stop.wait(0.02):
                self._peak = max(self._peak, self._proc.memory_info().rss)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        self.source = "rss growth over start (psutil, sampled every 20 ms)"
        return self

    def __exit__(self, *exc):
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.synchronize()
            self.peak_mb = torch.cuda.max_memory_allocated() / 2**20
        else:
            self._stop.set()
            self._thread.join()
            self._peak = max(self._peak, self._proc.memory_info().rss)
            self.peak_mb = (self._peak - self._base) / 2**20
        return False


def run(config: RunConfig) -> dict:
    """Run one configuration and return its record (nothing is written)."""
    from xmlstudy import data, metrics, models

    config.validate()
    train, valid, test, clean_train = prepare_data(config)
    model = models.create(config.method, seed=config.seed, device=config.device, **config.params)
    device = _resolved_device(model, config.device)

    # A model that reads more than the features (the image models read meta["image_paths"])
    # says what it predicts from; every other model gets X.
    inputs = getattr(model, "inputs", None) or (lambda ds: ds.X)
    seed_everything(config.seed)
    with _PeakMemory(device) as memory:
        t0 = time.perf_counter()
        model.fit(train, valid)
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        top_idx, _ = model.topk(inputs(test), TOP_K)
        p_test = model.probabilities(inputs(test))
        predict_s = time.perf_counter() - t0
    p_valid = model.probabilities(inputs(valid)) if valid is not None and len(valid) else None

    A, B = data.spec(config.dataset).propensity
    propensity = metrics.propensities(clean_train.Y, A=A, B=B)
    record_metrics = metrics.ranking_metrics(test.Y, top_idx, ks=RANKING_KS, propensity=propensity)
    protocols = metrics.threshold_protocols(valid.Y if p_valid is not None else None, p_valid,
                                            test.Y, p_test)
    record_metrics.update(protocols)
    # Recall@5 per quarter of the labels by training frequency, rarest first (tail labels).
    record_metrics["bucket-recall@5"] = metrics.bucket_recall(
        test.Y, top_idx, metrics.frequency_buckets(clean_train.Y), k=5)
    # Measures of the fitted model on test beyond the ranking and set metrics (the image models'
    # mAP and explanation measures), as {name: value or dict of values}.
    if hasattr(model, "test_measures"):
        record_metrics.update(model.test_measures(test))

    fit_info = dict(getattr(model, "fit_info", {}) or {})
    return records.json_safe({
        "paper": config.paper, "experiment": config.experiment, "method": config.method,
        "dataset": config.dataset, "seed": config.seed, "profile": config.profile,
        "setting": config.setting, "params": config.params,
        "valid_fraction": config.valid_fraction, "config_device": config.device,
        "split": {"protocol": config.split,
                  "seed": None if config.split == "given" else config.split_seed},
        "config_hash": config.config_hash,
        "metrics": record_metrics,
        # Per test row, whether the top label is right: two methods' records on the same
        # test rows can then be compared row by row (a paired bootstrap).
        "rows": {"hits@1": records.pack_bits(metrics.hits_at_1(test.Y, top_idx))},
        "timings": {"fit_s": fit_s, "predict_s": predict_s, "epochs": fit_info.get("epochs")},
        "n_parameters": model.n_parameters,
        "peak_memory_mb": memory.peak_mb, "peak_memory_source": memory.source,
        "data": {"train": len(train), "valid": 0 if valid is None else len(valid),
                 "test": len(test), "features": test.n_features, "labels": test.n_labels},
        "fit_info": fit_info,
        "provenance": provenance(config, model, device),
    })


def _resolved_device(model, requested: str) -> str:
    """Where the model really runs: its own device when it fixed one (the baselines run on the
    CPU whatever is asked), otherwise the requested one resolved."""
    device = getattr(model, "device", requested) or requested
    if device == "auto":
        from xmlstudy.models import resolve_device

        device = resolve_device("auto")
    return str(device)


# --- provenance ---------------------------------------------------------------------------------
def provenance(config: RunConfig, model=None, device: str = "cpu") -> dict:
    """How a record was made: git commit, configuration and its hash, package versions,
    device (with the GPU's name), host, CPU, platform and date."""
    package_versions = records.versions(("torch", "numpy", "scipy", "scikit-learn",
                                         *getattr(model, "libraries", ())))
    device_name = device
    if device.startswith("cuda"):
        import torch

        device_name = f"{device} ({torch.cuda.get_device_name(torch.device(device))})"
    return {
        "git_commit": records.git_commit(),
        "config_hash": config.config_hash,
        "config": config.to_dict(),
        "versions": package_versions,
        "device": device_name,
        "host": socket.gethostname(),
        "cpu": records.cpu(),
        "platform": platform.platform(),
        "date": records.utc_now(),
    }


# --- record files -------------------------------------------------------------------------------
def results_file(paper: str, experiment: str, profile: str = "full",
                 results_dir: str | Path | None = None) -> Path:
    """``<results>/<paper>/<experiment>.jsonl``; results default to ``<repo>/results`` for the
    full profile and ``<repo>/_build/smoke-results`` for smoke."""
    if results_dir is None:
        results_dir = SMOKE_RESULTS_DIR if profile == "smoke" else RESULTS_DIR
    return Path(results_dir) / paper / f"{experiment}.jsonl"


def append_record(record: dict, path: Path) -> dict:
    """Append ``record`` atomically to ``path``; when a record with the same config hash is
    already there (another process finished first), that one is kept and returned."""
    return records.append_jsonl(path, record, unique_key="config_hash")


def find_record(config: RunConfig, results_dir: str | Path | None = None) -> dict | None:
    """The stored record of ``config`` (matched by its config hash), or None. The record file
    is read once per process (and again when it changed on disk): see :func:`xmlstudy.records.find`."""
    path = results_file(config.paper, config.experiment, config.profile, results_dir)
    return records.find(path, config.config_hash)


def load_or_run(config: RunConfig, results_dir: str | Path | None = None) -> dict:
    """The stored record of ``config`` when there is one; otherwise run it, write the record
    (only once the run has finished) and return it."""
    config.validate()
    found = find_record(config, results_dir)
    if found is not None:
        return found
    record = run(config)
    return append_record(record, results_file(config.paper, config.experiment, config.profile,
                                              results_dir))


def _flatten(prefix: str, d: dict, out: dict) -> None:
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            _flatten(key + "/", v, out)
        else:
            out[key] = v


def records_frame(recs):
    """Records (dicts, as written) as one DataFrame: one row per record; metrics flattened as
    columns ``"P@1"``, ``"fixed-0.5/ex-F1"``, ...; timings as ``fit_s``, ``predict_s``,
    ``epochs``; setting entries as ``setting/<key>``; the dicts ``setting``, ``params``,
    ``fit_info``, ``data``, ``rows`` (per-row outcomes; None in older records) and ``provenance``
    are kept too, and ``device``, ``date``,
    ``git_commit`` and ``cpu`` are lifted out of the provenance."""
    import pandas as pd

    keys = ("paper", "experiment", "method", "dataset", "seed", "profile", "setting", "params",
            "config_hash", "n_parameters", "peak_memory_mb", "fit_info", "data", "rows")
    rows = []
    for rec in recs:
        row = {k: rec.get(k) for k in keys}
        # Records from before split protocols existed have no "split": theirs was the given one.
        row["split"] = (rec.get("split") or {}).get("protocol", "given")
        row["split_seed"] = (rec.get("split") or {}).get("seed")
        _flatten("setting/", rec.get("setting") or {}, row)
        _flatten("", rec.get("metrics") or {}, row)
        _flatten("", rec.get("timings") or {}, row)
        prov = rec.get("provenance") or {}
        row["device"] = prov.get("device")
        row["date"] = prov.get("date")
        row["git_commit"] = prov.get("git_commit")
        row["cpu"] = (prov.get("cpu") or {}).get("model")
        row["provenance"] = prov
        rows.append(row)
    # No records still gives the columns, so that selections on them work and come out empty.
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=[*keys, "split", "split_seed", "device",
                                                                 "date", "git_commit", "cpu", "provenance"])


def load_records(paper: str, experiment: str | None = None, profile: str = "full",
                 results_dir: str | Path | None = None):
    """All records of ``paper`` (one experiment, or all) of one profile as the DataFrame of
    :func:`records_frame`."""
    if paper not in PAPERS:
        raise ValueError(f"load_records: unknown paper {paper!r}; valid: {', '.join(PAPERS)}")
    if profile not in PROFILES:
        raise ValueError(f"load_records: unknown profile {profile!r}; valid: {', '.join(PROFILES)}")
    folder = results_file(paper, "x", profile, results_dir).parent
    files = [folder / f"{experiment}.jsonl"] if experiment else sorted(folder.glob("*.jsonl"))
    return records_frame(rec for path in files for rec in records.read_jsonl(path)
                         if rec.get("profile") == profile)


def select(configs, datasets=None, seeds=None, device: str = "auto", keep_seeds=()) -> list:
    """The configurations of a grid that a chapter's parameters ask for: only ``datasets``
    (None: all), each distinct configuration once per seed of ``seeds`` (None: the grid's own),
    on ``device`` ("auto" keeps the grid's). Experiments in ``keep_seeds`` keep their own seeds
    (a sweep that ran on seed 0 only)."""
    out = [c for c in configs if datasets is None or c.dataset in datasets]
    if device != "auto":
        out = [dataclasses.replace(c, device=device) for c in out]
    if seeds is not None:
        fixed = [c for c in out if c.experiment in keep_seeds]
        distinct = {dataclasses.replace(c, seed=0).config_hash: c for c in out
                    if c.experiment not in keep_seeds}
        out = [dataclasses.replace(c, seed=s) for c in distinct.values() for s in seeds] + fixed
    return out


def collect(configs, run_missing: bool = True, results_dir: str | Path | None = None):
    """The records of ``configs``, keyed by experiment (a DataFrame of :func:`records_frame`
    each), and how many configurations have no record. With ``run_missing`` a missing record is
    computed (and written) here; without, it is left out."""
    found: dict[str, list] = {}
    missing = 0
    for c in configs:
        rec = load_or_run(c, results_dir) if run_missing else find_record(c, results_dir)
        if rec is None:
            missing += 1
            continue
        found.setdefault(c.experiment, []).append(rec)
    return {name: records_frame(recs) for name, recs in found.items()}, missing


# --- grids --------------------------------------------------------------------------------------
SCHEDULER_ENV = "XMLSTUDY_SCHEDULER"   # a scheduler address, e.g. tcp://host:8786
# Provenance that says where, when and from which commit a record was made, not what it computed.
CIRCUMSTANCES = ("date", "host", "cpu", "platform", "git_commit")


def outcome(record: dict) -> dict:
    """A record without what depends on the machine and the moment: timings (also the
    ``*_s``/``*_seconds`` entries of ``fit_info``), peak memory, and the date, host, CPU,
    platform and git commit of its provenance. Rerunning a configuration on a CPU with one thread
    gives the same outcome, wherever it runs."""
    out = {k: v for k, v in record.items()
           if k not in ("timings", "peak_memory_mb", "peak_memory_source")}
    out["fit_info"] = {k: v for k, v in (record.get("fit_info") or {}).items()
                       if not (k.endswith("_s") or k.endswith("_seconds"))}
    out["provenance"] = {k: v for k, v in (record.get("provenance") or {}).items()
                         if k not in CIRCUMSTANCES}
    return out


def uses_gpu(config: RunConfig) -> bool:
    """Whether a configuration can use a GPU: it does not ask for the CPU, and its method can
    run on one (the models registry says so; nothing is built here). A configuration with wrong
    parameters is sent like any other and fails, with its own message, as a task."""
    from xmlstudy import models

    if config.device == "cpu" or config.method not in models.METHODS:
        return False
    return models.uses_gpu(config.method)


# The command of the fresh process that runs one configuration (see _run_isolated).
_CHILD = "from xmlstudy.experiments import _child_main; _child_main()"


def _child_main() -> None:
    """In the fresh process: read a configuration (JSON) on stdin, run it, print
    ``{"record": ...}`` or ``{"error": traceback}`` as the last line of stdout."""
    parent = os.getppid()

    def exit_with_parent():  # a killed worker must not leave its run computing for nobody
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    try:
        result = {"record": run(RunConfig.from_dict(json.loads(sys.stdin.read())))}
    except Exception:  # noqa: BLE001 - the worker raises it with this traceback
        result = {"error": traceback.format_exc()}
    try:
        print("\n" + json.dumps(result), flush=True)
    except BrokenPipeError:  # the worker is gone (a stopped grid): nobody reads the record
        os._exit(1)


def _run_isolated(config_dict: dict) -> dict | None:
    """Run one configuration in a fresh Python process and return its record, so that its peak
    memory is not hidden by memory an earlier run left to the allocator, and CUDA and thread
    pools start clean. The process inherits the worker's environment (its one thread per
    library, its GPU, ``XMLSTUDY_DATA_DIR``). None when the grid was stopped meanwhile."""
    finished = run_process([sys.executable, "-c", _CHILD], json.dumps(config_dict))
    if finished is None:
        return None  # ended by stop_runs: the grid that wanted this record was stopped
    returncode, stdout = finished
    lines = stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        raise RuntimeError(f"the process of this run exited with status {returncode} "
                           "without a record (killed, e.g. for lack of memory?)") from None
    if "error" in result:
        raise RuntimeError(f"the run failed in its process:\n{result['error']}")
    return result["record"]


def _task(config_dict: dict, isolate: bool) -> dict:
    """What a worker runs: one configuration -> its record (the submitting process writes it)."""
    if isolate:
        return _run_isolated(config_dict)
    return run(RunConfig.from_dict(config_dict))


@dataclass
class GridReport:
    """What a grid run did: configurations in all, skipped (already recorded), run, and the
    failures (configuration label -> traceback)."""

    total: int
    skipped: int
    ran: int
    failures: dict = field(default_factory=dict)  # config label -> traceback

    @property
    def ok(self) -> bool:
        return not self.failures


# Seconds to connect to a scheduler that accepted the probe's TCP connection (Dask's own 30 s
# would look like a hang).
CONNECT_TIMEOUT_S = 10


@contextlib.contextmanager
def _client(jobs: int, scheduler: str | None):
    """A Dask client of the cluster at ``scheduler``, or of a new ``LocalCluster`` of ``jobs``
    single-threaded worker processes (closed with the client)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except OSError as err:  # something listens there, but not a Dask scheduler
            raise SchedulerError(f"no Dask scheduler answered at {scheduler} within "
                                 f"{CONNECT_TIMEOUT_S} s ({err}); is it the address 'dask "
                                 f"scheduler' printed?") from None
        with client:
            yield client
        return
    # memory_limit=0: no memory limit per worker, so a run may use the whole machine, as a run
    # outside Dask may. The nanny starts each worker with OMP/MKL/OPENBLAS_NUM_THREADS=1.
    with children_ignore_sigint():  # Ctrl-C stops the grid through this process alone
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, memory_limit=0)
    with cluster, Client(cluster) as client:
        yield client


def run_grid(configs: Iterable[RunConfig], jobs: int = 1, results_dir: str | Path | None = None,
             progress: bool = True, isolate: bool = True,
             scheduler: str | None = None) -> GridReport:
    """Run every configuration whose record does not exist yet as a task on a Dask cluster, and
    write each record (atomically, in this process only) as its task completes.

    The cluster is the scheduler at ``scheduler`` (default: the environment variable
    ``XMLSTUDY_SCHEDULER``), e.g. one started by ``dask scheduler`` / ``dask worker`` or by
    dask-jobqueue, or else a ``LocalCluster`` of ``jobs`` worker processes with one thread each.
    When some worker of the cluster offers a ``GPU`` resource, configurations that can use a GPU
    ask for one, so that they run there; ``device="auto"`` then picks the GPU on the worker.

    A failing configuration (an exception, or a worker that died too often on it) is logged with
    its traceback and the grid goes on; the report lists the failures. A worker that dies is
    replaced by Dask and its task run again elsewhere. With ``isolate`` (the default) the worker
    runs each configuration in a fresh Python process, so peak memory is measured per run;
    ``isolate=False`` runs it in the worker process itself. A script that calls this on a
    ``LocalCluster`` does so under ``if __name__ == "__main__":``, since Dask's worker processes
    import the main module.

    A scheduler address that does not parse or where nothing listens raises
    :class:`~xmlstudy.cluster.SchedulerError` before anything runs. SIGINT (Ctrl-C) or SIGTERM
    stops the grid between two records: the records of finished runs are written, the other
    tasks are cancelled and :class:`~xmlstudy.cluster.GridInterrupted` is raised with the report
    so far; running the grid again resumes it."""
    from distributed import wait
    from tqdm import tqdm

    configs = [c.validate() for c in configs]
    todo: dict[str, RunConfig] = {}
    for c in configs:
        path = results_file(c.paper, c.experiment, c.profile, results_dir)
        if not records.contains(path, c.config_hash):
            todo[c.config_hash] = c  # a configuration listed twice runs once
    report = GridReport(total=len(configs), skipped=len(configs) - len(todo), ran=0)
    if not todo:
        return report

    source = "scheduler" if scheduler else f"${SCHEDULER_ENV}"
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        check_scheduler(scheduler, source)
    with stop_requests() as stop, _client(jobs, scheduler) as client:
        if scheduler:
            log.info("waiting for a worker of the scheduler at %s (start one with 'dask worker "
                     "%s')", scheduler, scheduler)
            while not stop and not client.scheduler_info()["workers"]:
                with contextlib.suppress(TimeoutError):
                    client.wait_for_workers(1, timeout=2)
        gpu_cluster = any((w.get("resources") or {}).get("GPU")
                          for w in client.scheduler_info()["workers"].values())
        if progress:
            print(f"Dask dashboard: {client.dashboard_link}", file=sys.stderr)
        futures = {}
        for h, c in todo.items():
            gpu = gpu_cluster and uses_gpu(c)
            fut = client.submit(_task, c.to_dict(), isolate, key=f"{c.method}-{h}", pure=False,
                                resources={"GPU": 1} if gpu else None)
            futures[fut] = c
        # Only progress=False passes disable, so that TQDM_DISABLE=1 silences the bar otherwise.
        bar = tqdm(total=len(futures), desc="runs", **({} if progress else {"disable": True}))
        pending = set(futures)
        while pending and not stop:
            try:
                done, pending = wait(pending, timeout=2, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished: refresh the count of running tasks
                done = set()
            for fut in done:
                _finished(fut, futures[fut], report, results_dir)
                bar.update(1)
            bar.set_postfix_str(f"running {_running(client, [f.key for f in pending])}, "
                                f"failed {len(report.failures)}")
        bar.close()
        if stop:  # drop the tasks left, and end the runs in progress (Dask cannot stop a thread)
            client.cancel(list(pending))
            with contextlib.suppress(Exception):  # a worker that is gone has nothing to stop
                client.run(stop_runs, [f.key for f in pending])
            if not scheduler:  # other clients' tasks may keep a shared cluster's workers busy
                wait_until_idle(client)
    if stop:
        raise GridInterrupted(stop[0], report, not_run=len(todo) - report.ran)
    return report


def _running(client, keys: list) -> int:
    """How many of the tasks ``keys`` the workers are executing (as of their last heartbeat);
    the scheduler's "processing" also counts tasks queued on a worker."""
    def count(dask_scheduler, keys):  # nested: sent by value, the scheduler need not import us
        keys = set(keys)
        return sum(ts.key in keys for ws in dask_scheduler.workers.values() for ts in ws.executing)

    return client.run_on_scheduler(count, keys=keys)


def _finished(fut, config: RunConfig, report: GridReport, results_dir) -> None:
    """Write the record of a completed task, or report its failure."""
    report.ran += 1
    if fut.status == "finished":
        append_record(fut.result(), results_file(config.paper, config.experiment,
                                                 config.profile, results_dir))
    else:
        try:
            exc = fut.exception()
            tb = "".join(traceback.format_exception(type(exc), exc, fut.traceback()))
        except Exception as e:  # noqa: BLE001 - e.g. cancelled when the scheduler went away
            tb = f"{type(e).__name__}: {e}"
        report.failures[config.label()] = tb
        log.error("FAILED %s\n%s", config.label(), tb)
    fut.release()
