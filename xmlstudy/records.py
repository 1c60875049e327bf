"""Result-record files: JSON lines appended atomically, read once per process, with bulky
arrays in sidecar files; and the provenance every record carries.

Experiments (``xmlstudy.experiments``) and benchmarks (``xmlstudy.benchmarks``) both write
through here, so that every number in ``results/`` says which commit, packages, device and date
produced it, no reader ever sees a half-written line, and a grid of hundreds of configurations
looks each one up in an index instead of reading its record file again.
``python -m xmlstudy records migrate | verify`` moves the bulky arrays of older files to
sidecars and checks every record file and sidecar.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import json
import marshal
import math
import os
import platform
import re
import subprocess
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from xmlstudy import sidecars

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


# A record file is read once per process into an index (its records in file order and by
# configuration hash) and read again only when it changed on disk: its size, modification time
# or inode differ from the ones it was read at, e.g. because another process appended a record.
# (A rewrite in place to the same size within one tick of the file system's clock would go
# unseen; nothing here writes that way, and forget() makes the next read go to the disk.)
# Records appended by this process go into the index as they are written. Bulky arrays live in
# sidecar files (xmlstudy.sidecars), read back, and checked, the first time their record is
# asked for. Every record handed out is the caller's own copy, as when each call read the file.
class RecordFileError(ValueError):
    """A record file that cannot be read or appended to as it is (the message says where)."""


def _stamp(stat: os.stat_result | None) -> tuple | None:
    """What says that a file changed: size, modification time (ns), inode and device."""
    return None if stat is None else (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_dev)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _private_copy(record: dict) -> dict:
    # marshal copies plain JSON values in C, several times faster than copy.deepcopy or json.
    return marshal.loads(marshal.dumps(record))


@dataclass
class _Entry:
    line: int                  # its line in the file (from 1), for messages
    stored: dict               # as the line holds it: bulky arrays as sidecar references
    full: dict | None = None   # with its arrays read back, from the first time it is asked for


class _RecordFile:
    """One record file as last read: its records in file order and by configuration hash."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stamp: tuple | None = None
        self.entries: list[_Entry] = []
        self.by_hash: dict[str, _Entry] = {}
        self.lines = 0

    def refresh(self, locked: bool = False) -> "_RecordFile":
        """Read the file again if it changed since it was read. Unless the caller holds the
        folder's lock already (``locked``), the reading holds it shared, so that a record being
        appended by another process is read whole or not at all."""
        stat = _stat(self.path)
        if _stamp(stat) == self.stamp:
            return self
        stamp, data = None, b""
        if stat is not None:
            with contextlib.nullcontext() if locked else _FolderLock(self.path, shared=True):
                with open(self.path, "rb") as f:
                    stamp, data = _stamp(os.fstat(f.fileno())), f.read()
        entries = list(_parse(self.path, data))  # raises on a bad line, leaving the index as it was
        self.entries, self.by_hash = [], {}
        for entry in entries:
            self._add(entry)
        self.lines = data.count(b"\n") + (bool(data) and not data.endswith(b"\n"))
        self.stamp = stamp
        return self

    def _add(self, entry: _Entry) -> None:
        self.entries.append(entry)
        h = entry.stored.get("config_hash")
        if isinstance(h, str):
            self.by_hash.setdefault(h, entry)  # the first record of a hash is the one found

    def appended(self, stored: dict, full: dict, stamp: tuple) -> None:
        """Take in the record this process just appended, without reading the file again."""
        self.lines += 1
        self._add(_Entry(self.lines, stored, _private_copy(full)))
        self.stamp = stamp

    def record(self, entry: _Entry) -> dict:
        """The caller's copy of ``entry``'s record, its sidecar arrays read back."""
        if entry.full is None:
            entry.full = sidecars.resolve(entry.stored, self.path.parent, f"{self.path}:{entry.line}")
        return _private_copy(entry.full)

    def find(self, key: str, value) -> _Entry | None:
        if key == "config_hash":
            return self.by_hash.get(value)
        return next((e for e in self.entries if e.stored.get(key) == value), None)


def _parse(path: Path, data: bytes):
    """The records of a file's bytes, one :class:`_Entry` per non-blank line; a line that is not
    a record stops with the file, the line and how to fix it."""
    lines = data.split(b"\n")
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        fix = (f"fix or delete that line (git checkout -- {path} restores the committed file; a "
               "deleted record is recomputed by rerunning its configuration)")
        try:
            record = json.loads(raw)
        except ValueError as error:  # also bytes that are not UTF-8
            truncated = lineno == len(lines)  # the file ends inside this line
            what = ("truncated: the file ends inside this line (a write was cut off)" if truncated
                    else f"not a JSON record ({getattr(error, 'msg', error)})")
            raise RecordFileError(f"{path}:{lineno}: {what}; {fix}") from None
        if not isinstance(record, dict):
            raise RecordFileError(
                f"{path}:{lineno}: a record must be a JSON object ({{\"paper\": ..., "
                f"\"config_hash\": ..., \"metrics\": {{...}}, ...}}), one per line; this line holds "
                f"a JSON {type(record).__name__} ({raw[:40].decode(errors='replace')}); {fix}")
        yield _Entry(lineno, record)


_FILES: dict[str, _RecordFile] = {}
_FILES_LOCK = threading.RLock()  # threads of one process share the index


def _record_file(path: str | Path, locked: bool = False) -> _RecordFile:
    """The index of the record file ``path``, up to date with the file on disk."""
    path = Path(os.path.abspath(path))
    with _FILES_LOCK:
        if str(path) not in _FILES:
            _FILES[str(path)] = _RecordFile(path)
        return _FILES[str(path)].refresh(locked)


def read_jsonl(path: str | Path) -> list[dict]:
    """All records of a JSON-lines file, in file order ([] when it does not exist), with their
    sidecar arrays; a line that is not a record is reported with its file and line number."""
    with _FILES_LOCK:
        index = _record_file(path)
        return [index.record(e) for e in index.entries]


def find(path: str | Path, config_hash: str) -> dict | None:
    """The record of ``config_hash`` in the file ``path`` (the first, if several), or None."""
    with _FILES_LOCK:
        index = _record_file(path)
        entry = index.by_hash.get(config_hash)
        return None if entry is None else index.record(entry)


def contains(path: str | Path, config_hash: str) -> bool:
    """Whether the file ``path`` holds a record of ``config_hash`` (its sidecars unread)."""
    with _FILES_LOCK:
        return config_hash in _record_file(path).by_hash


def forget() -> None:
    """Drop the index: the next read of each record file reads it from disk again, its
    sidecars too (a file changed on disk is read again anyway; this is for tests, and for
    checking what a fresh process would read)."""
    with _FILES_LOCK:
        _FILES.clear()


class _FolderLock:
    """A lock on the folder that holds a record file: exclusive to append, shared to read. The
    folder carries it, so that it also covers the sidecars beside the file and a file that
    does not exist yet, and leaves no extra file behind in ``results/``."""

    def __init__(self, path: Path, shared: bool = False) -> None:
        self.folder = Path(path).parent
        self.mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX

    def __enter__(self):
        if self.mode == fcntl.LOCK_EX:
            self.folder.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.folder, os.O_RDONLY)
        fcntl.flock(self._fd, self.mode)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        return False


def append_jsonl(path: str | Path, record: dict, unique_key: str | None = None) -> dict:
    """Append ``record`` to the JSON-lines file ``path`` as one line, under the folder's lock,
    and return it (as written: plain JSON values). With ``unique_key``, a record already there
    with the same value of that key (another process finished first) is kept and returned
    instead. A record with a ``config_hash`` keeps its bulky arrays in a sidecar
    (:mod:`xmlstudy.sidecars`), written before the line that refers to it.

    The line goes in with one ``write`` on a file opened with ``O_APPEND``, then ``fsync``; a
    failed write is cut back off, so the file holds the whole line or is as it was. The file is
    never rewritten. A file whose last line lacks its newline is refused (appending would glue
    the new record to it)."""
    path = Path(path)
    record = json_safe(record)
    with _FILES_LOCK, _FolderLock(path):
        index = _record_file(path, locked=True)
        if unique_key is not None:
            existing = index.find(unique_key, record[unique_key])
            if existing is not None:
                return index.record(existing)
        stored, sidecar = record, None
        if isinstance(record.get("config_hash"), str):
            name = _sidecar_name(index, record["config_hash"])
            stored, sidecar = sidecars.split(record, name)
        if sidecar is not None:
            sidecars.write(path.parent / name, sidecar)
        stamp = _append_line(path, (json.dumps(stored, sort_keys=True) + "\n").encode())
        index.appended(stored, record, stamp)
    return record


def _sidecar_name(index: _RecordFile, config_hash: str) -> str:
    """``<experiment>/<config_hash>.npz``, the sidecar of a record, relative to its file's folder;
    ``<config_hash>-<n>.npz`` for the n-th further record of one hash (a file appended to without
    a unique key, e.g. a benchmark rerun), so that no record's sidecar is overwritten."""
    n = 0 if config_hash not in index.by_hash else sum(
        e.stored.get("config_hash") == config_hash for e in index.entries)
    return f"{index.path.stem}/{config_hash}{f'-{n}' if n else ''}.npz"


def _append_line(path: Path, line: bytes) -> tuple:
    """Append ``line`` (a complete line) in one write and fsync it; the file's new stamp."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            raise RecordFileError(
                f"{path}: its last line has no newline at its end (cut off, or edited by hand), so "
                "a record appended now would be glued to it; end the file with a newline, or "
                "delete that line if it is incomplete, then rerun")
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(f"only {written} of {len(line)} bytes of the record were written")
            os.fsync(fd)
        except BaseException:
            os.ftruncate(fd, size)  # the file as it was: never a half-written line
            raise
        stamp = _stamp(os.fstat(fd))
    finally:
        os.close(fd)
    if created:  # the new file's name must survive a crash too
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return stamp


# --- the record files' command: migrate and verify -------------------------------------------
def migrate(path: str | Path, threshold: int = sidecars.THRESHOLD_BYTES) -> tuple[int, int, int]:
    """Move the bulky arrays of the record file ``path`` to sidecars, for files written before
    sidecars existed: ``(records changed, bytes before, bytes after)``. The one place a record
    file is rewritten (atomically, under the folder's lock): each record keeps its line, and the
    line its text, unless an array moved out of it; the new file replaces the old one only after
    every changed record, read back from its new line and sidecar, gave the old record's JSON."""
    path = Path(os.path.abspath(path))
    with _FILES_LOCK, _FolderLock(path):
        index = _record_file(path, locked=True)
        old = path.read_bytes() if path.exists() else b""
        lines = old.split(b"\n")
        seen: dict[str, int] = {}
        changed = 0
        for entry in index.entries:
            h = entry.stored.get("config_hash")
            if not isinstance(h, str):
                continue
            full = index.record(entry)
            n = seen[h] = seen.get(h, -1) + 1
            name = f"{path.stem}/{h}{f'-{n}' if n else ''}.npz"
            stored, sidecar = sidecars.split(full, name, threshold)
            text = json.dumps(stored, sort_keys=True)
            if sidecar is None or text == json.dumps(entry.stored, sort_keys=True):
                continue
            sidecars.write(path.parent / name, sidecar)
            back = sidecars.resolve(json.loads(text), path.parent, f"{path}:{entry.line}")
            if json.dumps(back, sort_keys=True) != json.dumps(full, sort_keys=True):
                raise RecordFileError(f"{path}:{entry.line}: the record read back from its sidecar "
                                      "differs from the one in the file; the file is left as it was")
            lines[entry.line - 1] = text.encode()
            changed += 1
        if changed:
            new = b"\n".join(lines)
            sidecars.write(path, new)
            return changed, len(old), len(new)
    return 0, len(old), len(old)


def verify(path: str | Path) -> tuple[int, int]:
    """Read every record of ``path`` with its sidecars (each checked against its sha256):
    ``(records, sidecar files)``; a bad line or sidecar raises with the file and line."""
    index = _record_file(path)
    for entry in index.entries:
        index.record(entry)
    return len(index.entries), sum(sidecars.sidecar_of(e.stored) is not None for e in index.entries)


def main(argv: list[str] | None = None) -> int:
    """``python -m xmlstudy records migrate | verify [--results-dir DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m xmlstudy records",
        description="migrate: move the bulky arrays of existing record files to sidecar .npz "
                    "files (once; records and configuration hashes unchanged). verify: read "
                    "every record and check every sidecar's sha256.")
    parser.add_argument("action", choices=("migrate", "verify"))
    parser.add_argument("--results-dir", default=str(REPO_ROOT / "results"),
                        help="the folder of <paper>/<experiment>.jsonl files (default: results/)")
    parser.add_argument("--threshold", type=int, default=sidecars.THRESHOLD_BYTES,
                        help="migrate: move numeric arrays whose JSON is longer than this many "
                             f"bytes (default {sidecars.THRESHOLD_BYTES})")
    args = parser.parse_args(argv)
    files = sorted(Path(args.results_dir).glob("*/*.jsonl"))
    if not files:
        parser.error(f"no record files <paper>/<experiment>.jsonl under {args.results_dir}")
    for path in files:
        if args.action == "migrate":
            changed, before, after = migrate(path, args.threshold)
            if changed:
                print(f"{path}: {changed} records' arrays moved to {path.stem}/ "
                      f"({before:,} -> {after:,} bytes)")
        else:
            n, files_ = verify(path)
            print(f"{path}: {n} records, {files_} sidecars verified")
    return 0


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
