"""Experiments: a validated configuration -> one run -> one result record.

``run(config)`` loads the data, applies the experiment's setting (a training subset, label
noise), fits the method, times it, measures its peak memory and evaluates it on test: ranking
metrics from the top 5 labels, set metrics under each threshold protocol. ``load_or_run`` returns
the stored record of a configuration when there is one, and otherwise runs it and appends the
record to ``results/<paper>/<experiment>.jsonl`` (smoke-profile records go to
``_build/smoke-results/`` instead, so they never mix with the committed full runs). A chapter
rerun with a folder of its own (the notebooks' ``results_dir``) passes ``read_default=True``: the
records are looked up in that folder first and then in the default one, and a new record is
written to that folder only, so the committed records are read but never added to.
:func:`xmlstudy.runner.run_grid` runs many configurations as tasks on a Dask cluster. The grids
themselves belong to the chapters (``xmlstudy.chapters``), whose ``python -m xmlstudy run
--paper NAME`` runs one.

Two seeds are kept apart on purpose: the data seed (validation split, smoke shrink, training
subsets) is fixed at 0, so every method and every run seed sees the same rows; the run seed seeds
the model and the label noise.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import platform
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xmlstudy import records
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
    from xmlstudy import data, evaluation, metrics, models

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
        # Scored batch by batch: the top labels and the counts behind the set metrics are kept,
        # never the N x L outputs (xmlstudy.evaluation).
        batch = evaluation.batch_rows(test.n_labels)
        t0 = time.perf_counter()
        scored = evaluation.evaluate(model.score_batches(inputs(test), batch), test.Y, k=TOP_K,
                                     name="_test")
        predict_s = time.perf_counter() - t0
    top_idx = scored.top_idx
    valid_counts = None
    if valid is not None and len(valid):
        valid_counts = evaluation.evaluate(model.score_batches(inputs(valid), batch), valid.Y,
                                           k=None, name="_valid").counts

    A, B = data.spec(config.dataset).propensity
    propensity = metrics.propensities(clean_train.Y, A=A, B=B)
    record_metrics = metrics.ranking_metrics(test.Y, top_idx, ks=RANKING_KS, propensity=propensity)
    record_metrics.update(evaluation.threshold_protocols(scored.counts, valid_counts))
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
def default_results_dir(profile: str = "full") -> Path:
    """Where the records of ``profile`` live by default: ``<repo>/results`` (the committed full
    runs) or ``<repo>/_build/smoke-results``."""
    return SMOKE_RESULTS_DIR if profile == "smoke" else RESULTS_DIR


def results_file(paper: str, experiment: str, profile: str = "full",
                 results_dir: str | Path | None = None) -> Path:
    """``<results>/<paper>/<experiment>.jsonl``; results default to ``<repo>/results`` for the
    full profile and ``<repo>/_build/smoke-results`` for smoke."""
    folder = default_results_dir(profile) if results_dir is None else Path(results_dir).expanduser()
    return folder / paper / f"{experiment}.jsonl"


def benchmark_records(name: str, profile: str = "full") -> list[dict]:
    """The records of ``python -m xmlstudy bench <name>`` of ``profile``, as written (nested
    fields kept), in the order they were made."""
    return [r for r in records.read_jsonl(results_file("benchmark", name, "full"))
            if r.get("profile", "full") == profile]


def timed_alone(record: dict) -> bool:
    """Whether a benchmark record's times were taken with nothing else on the machine: it says
    so (``others_running`` False: other processes used under a fifth of a core meanwhile, see
    :func:`xmlstudy.benchmarks.limits.load_note`). A record without the note cannot vouch for
    its times, and a time on a page comes only from records that can."""
    value = record.get("others_running")
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not bool(value)


def record_folders(profile: str = "full", results_dir: str | Path | None = None,
                   read_default: bool = False) -> list[Path]:
    """The folders the records of ``profile`` are read from, first first: ``results_dir`` (None:
    the default folder), then, with ``read_default``, the default folder as well. A record is
    only ever written to the first."""
    default = default_results_dir(profile)
    first = default if results_dir is None else Path(results_dir).expanduser()
    folders = [first]
    if read_default and first.resolve() != default.resolve():
        folders.append(default)
    return folders


def append_record(record: dict, path: Path) -> dict:
    """Append ``record`` atomically to ``path``; when a record with the same config hash is
    already there (another process finished first), that one is kept and returned."""
    return records.append_jsonl(path, record, unique_key="config_hash")


def find_record(config: RunConfig, results_dir: str | Path | None = None, *,
                read_default: bool = False) -> dict | None:
    """The stored record of ``config`` (matched by its config hash) in ``results_dir`` or, with
    ``read_default``, in the default folder (:func:`record_folders`), or None. The record file
    is read once per process (and again when it changed on disk): see :func:`xmlstudy.records.find`."""
    for folder in record_folders(config.profile, results_dir, read_default):
        path = results_file(config.paper, config.experiment, config.profile, folder)
        found = records.find(path, config.config_hash)
        if found is not None:
            return found
    return None


def load_or_run(config: RunConfig, results_dir: str | Path | None = None, *,
                read_default: bool = False) -> dict:
    """The stored record of ``config`` when there is one (in ``results_dir``, then, with
    ``read_default``, in the default folder); otherwise run it, write the record to
    ``results_dir`` (only once the run has finished) and return it."""
    config.validate()
    found = find_record(config, results_dir, read_default=read_default)
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
    are kept too, as is a benchmark record's ``others_running``; ``device``, ``date``,
    ``git_commit`` and ``cpu`` are lifted out of the provenance."""
    import pandas as pd

    # "others_running": a benchmark record's note of other work during its times (timed_alone).
    keys = ("paper", "experiment", "method", "dataset", "seed", "profile", "setting", "params",
            "config_hash", "n_parameters", "peak_memory_mb", "fit_info", "data", "rows",
            "others_running")
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
                 results_dir: str | Path | None = None, *, read_default: bool = False):
    """All records of ``paper`` (one experiment, or all) of one profile as the DataFrame of
    :func:`records_frame`, from ``results_dir`` and, with ``read_default``, from the default
    folder too (a configuration recorded in both is taken once, from ``results_dir``)."""
    if paper not in PAPERS:
        raise ValueError(f"load_records: unknown paper {paper!r}; valid: {', '.join(PAPERS)}")
    if profile not in PROFILES:
        raise ValueError(f"load_records: unknown profile {profile!r}; valid: {', '.join(PROFILES)}")
    found, earlier = [], set()
    for folder in record_folders(profile, results_dir, read_default):
        folder = results_file(paper, "x", profile, folder).parent
        files = [folder / f"{experiment}.jsonl"] if experiment else sorted(folder.glob("*.jsonl"))
        here = [rec for path in files for rec in records.read_jsonl(path)
                if rec.get("profile") == profile and rec.get("config_hash") not in earlier]
        found += here
        earlier |= {rec.get("config_hash") for rec in here}
    return records_frame(found)


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


def collect(configs, run_missing: bool = True, results_dir: str | Path | None = None, *,
            read_default: bool = False):
    """The records of ``configs``, keyed by experiment (a DataFrame of :func:`records_frame`
    each), and how many configurations have no record. With ``run_missing`` a missing record is
    computed (and written to ``results_dir``) here; without, it is left out. ``read_default``:
    look in the default folder too (:func:`find_record`)."""
    found: dict[str, list] = {}
    missing = 0
    for c in configs:
        rec = (load_or_run(c, results_dir, read_default=read_default) if run_missing
               else find_record(c, results_dir, read_default=read_default))
        if rec is None:
            missing += 1
            continue
        found.setdefault(c.experiment, []).append(rec)
    return {name: records_frame(recs) for name, recs in found.items()}, missing
