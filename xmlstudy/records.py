"""Result-record files: JSON lines written atomically, and the provenance every record carries.

Experiments (``xmlstudy.experiments``) and benchmarks (``xmlstudy.benchmarks``) both write
through here, so that every number in ``results/`` says which commit, packages, device and date
produced it, and no reader ever sees a half-written file.
"""
from __future__ import annotations

import datetime as _dt
import fcntl
import json
import math
import os
import platform
import re
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


# --- provenance ---------------------------------------------------------------------------------
def git_commit() -> str:
    """HEAD's hash, suffixed ``-dirty`` when code (anything outside ``results/``) has uncommitted
    changes. Records appended by a running grid do not count: they change no code."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", ".", ":!results"],
                               cwd=REPO_ROOT, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if not head:
        return "unknown"
    return head + ("-dirty" if dirty else "")


def package_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def versions(packages=("torch", "numpy", "scipy", "scikit-learn")) -> dict[str, str | None]:
    """Python, xmlstudy and the given packages' installed versions."""
    import xmlstudy

    out = {"python": platform.python_version(), "xmlstudy": xmlstudy.__version__}
    out.update({package: package_version(package) for package in packages})
    return out


def cpu() -> dict:
    """The processor's model name and the number of cores this process can see."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"model": model, "cores": os.cpu_count()}


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def json_safe(obj):
    """Plain JSON types only: numpy scalars and arrays become floats, ints and lists; NaN and
    infinities become None (JSON has no such numbers)."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return json_safe(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    if obj is None or isinstance(obj, str):
        return obj
    raise TypeError(f"cannot write {type(obj).__name__} {obj!r} to a result record")


# --- JSON-lines files ---------------------------------------------------------------------------
def pack_bits(flags) -> dict:
    """A boolean vector as ``{"n": length, "bits": base64 of its packed bits}``: per-row
    outcomes (one bit per test row) kept in a record at an eighth of a byte per row."""
    import base64

    flags = np.asarray(flags, dtype=bool).ravel()
    return {"n": int(flags.size), "bits": base64.b64encode(np.packbits(flags)).decode("ascii")}


def unpack_bits(packed: dict) -> np.ndarray:
    """The boolean vector :func:`pack_bits` packed."""
    import base64

    try:
        n, bits = int(packed["n"]), base64.b64decode(packed["bits"], validate=True)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a packed bit vector (want {{'n': int, 'bits': base64}}): {error}") from None
    flags = np.unpackbits(np.frombuffer(bits, np.uint8))
    if flags.size < n or flags.size - n >= 8:
        raise ValueError(f"packed bit vector of {flags.size} bits cannot hold n = {n}")
    return flags[:n].astype(bool)


def read_jsonl(path: str | Path) -> list[dict]:
    """All records of a JSON-lines file ([] when it does not exist); a broken line is reported
    with its file and line number."""
    path = Path(path)
    if not path.exists():
        return []
    records = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{lineno}: not a JSON record ({e.msg}); remove or fix "
                                 "that line") from None
    return records


class _FolderLock:
    """An exclusive lock on the folder that holds a record file. The file itself is replaced on
    every write, so it cannot carry the lock, and a lock on the folder leaves no extra file
    behind in ``results/``."""

    def __init__(self, path: Path) -> None:
        self.folder = Path(path).parent

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.folder, os.O_RDONLY)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        return False


def append_jsonl(path: str | Path, record: dict, unique_key: str | None = None) -> dict:
    """Append ``record`` to the JSON-lines file ``path`` atomically, under a lock: read the file,
    add the line, write a temporary file, ``os.replace``. With ``unique_key``, a record already
    there with the same value of that key (another process finished first) is kept and returned
    instead."""
    path = Path(path)
    record = json_safe(record)
    with _FolderLock(path):
        existing = read_jsonl(path)
        if unique_key is not None:
            for rec in existing:
                if rec.get(unique_key) == record[unique_key]:
                    return rec
        lines = [json.dumps(r, sort_keys=True) for r in existing + [record]]
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                f.write("\n".join(lines) + "\n")
                f.flush()
                os.fsync(f.fileno())
            # mkstemp makes the file private (0600); a record file is as readable as any other.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return record


# --- what the records cost ----------------------------------------------------------------------
TIMING_COLUMNS = ["paper", "experiment", "records", "hours", "device", "CPU", "dates"]


def timing_table(frame):
    """How long the runs behind some records took, per paper and experiment.

    ``frame`` is what ``xmlstudy.experiments.load_records`` returns (one row per record, with
    ``fit_s``, ``predict_s``, ``device``, ``cpu``, ``date`` and ``provenance``), or several of
    them concatenated. One row per (paper, experiment): the number of records, the fit plus
    predict time summed over them in hours (compute time: runs made side by side overlap in
    wall-clock time), the devices and CPU models (with their core counts) named in the records'
    provenance, and the dates of the first and last record (``"2026-11-21 – 2026-11-23"``, or one
    date). A frame without records gives a table without rows.
    """
    import pandas as pd

    if len(frame) == 0:
        return pd.DataFrame(columns=TIMING_COLUMNS)
    frame = frame.copy()
    # A run without a timing (an older record, or a method without a predict step) counts 0.
    seconds = sum(frame[c].fillna(0.0) if c in frame else 0.0 for c in ("fit_s", "predict_s"))
    frame["hours"] = seconds / 3600.0
    frame["CPU"] = [_cpu_label(row) for row in frame.to_dict("records")]
    frame["day"] = frame["date"].fillna("").str[:10]

    def distinct(values) -> str:
        return ", ".join(sorted({str(v) for v in values if v}))

    table = frame.groupby(["paper", "experiment"], sort=True).agg(
        records=("hours", "size"), hours=("hours", "sum"), device=("device", distinct),
        CPU=("CPU", distinct), first=("day", "min"), last=("day", "max")).reset_index()
    table["dates"] = [first if first == last else f"{first} – {last}"
                      for first, last in zip(table["first"], table["last"])]
    return table[TIMING_COLUMNS]


def _cpu_label(row: dict) -> str:
    """``"<model> (<n> cores)"`` from a record's provenance, or the bare model name."""
    cpu_info = (row.get("provenance") or {}).get("cpu") or {}
    model = cpu_info.get("model") or row.get("cpu")
    if not model:
        return ""
    # "Intel(R) Xeon(R) Processor" -> "Intel Xeon Processor": the marks only widen the column.
    model = re.sub(r"\((R|TM)\)", "", str(model))
    return f"{model} ({cpu_info['cores']} cores)" if cpu_info.get("cores") else str(model)
