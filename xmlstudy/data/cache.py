"""The converted-array cache: each dataset is parsed once, later loads read numpy arrays.

A dataset's converted splits live in ``<cache dir>/<name>-<key>/`` (cache dir: ``data/cache/``,
or ``XMLSTUDY_CACHE_DIR``): per split a ``.npz`` with the CSR arrays (and array-valued meta) and a
``.json`` with names, texts and the rest of ``meta``. The key hashes the raw files' sha256s, the
reader's name and ``READER_VERSION`` and the source text of the reader's module, so a new file
version or a changed reader never serves stale arrays. Those sha256s are the files' own: a
registered file is converted only after it was hashed in full and matched the registry, a user's
file is hashed in full on every load.

Everything is written into a temporary folder that is renamed into place only when complete:
an interrupted conversion leaves no cache entry behind. A process killed outright (SIGKILL, power
loss) can leave its temporary folder; the next conversion removes those older than an hour.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset, DatasetSpec
from xmlstudy.data.files import cache_dir, ensure_private_dir

CACHE_FORMAT = 1
_COMPLETE = "splits.json"  # written last inside the folder; lists the splits it holds
# A temporary folder lives only while one entry is written (seconds): one an hour old was left by
# a killed process, never by a conversion still running.
STALE_AFTER_S = 3600


def reader_fingerprint(reader: Callable) -> dict:
    """What identifies a reader's output: its name, its module's READER_VERSION and the hash of
    its module's source and of the modules it names in ``READER_PARTS`` (a reader split over
    several modules: a change in any of them makes its cached arrays stale)."""
    module = sys.modules.get(reader.__module__)
    source = ""
    parts = [module] + [importlib.import_module(m) for m in getattr(module, "READER_PARTS", ())]
    try:
        source = "".join(inspect.getsource(m) for m in parts if m is not None)
    except (OSError, TypeError):
        pass
    return {
        "reader": f"{reader.__module__}:{getattr(reader, '__qualname__', repr(reader))}",
        "version": str(getattr(module, "READER_VERSION", 0)),
        "source": hashlib.sha256(source.encode()).hexdigest(),
    }


def spec_key(spec: DatasetSpec) -> str:
    payload = {
        "format": CACHE_FORMAT,
        "name": spec.name,
        "files": sorted((f.path, f.sha256) for f in spec.files),
        **reader_fingerprint(spec.reader),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]


# --- one split <-> files ------------------------------------------------------------------

def _jsonable(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _write_split(folder: Path, key: str, ds: Dataset) -> None:
    arrays = {}
    for which, m in (("X", ds.X), ("Y", ds.Y)):
        m = m.tocsr()
        arrays.update({f"{which}_data": m.data, f"{which}_indices": m.indices,
                       f"{which}_indptr": m.indptr, f"{which}_shape": np.asarray(m.shape)})
    if ds.groups is not None:
        arrays["groups"] = np.asarray(ds.groups)
    meta_json = {}
    for k, v in ds.meta.items():
        if isinstance(v, np.ndarray):
            arrays[f"meta.{k}"] = v
        else:
            meta_json[k] = v
    np.savez(folder / f"{key}.npz", **arrays)
    info = {"name": ds.name, "split": ds.split, "feature_names": ds.feature_names,
            "label_names": ds.label_names, "group_names": ds.group_names, "texts": ds.texts,
            "meta": meta_json}
    try:
        text = json.dumps(info, default=_jsonable)
    except TypeError as err:
        raise TypeError(f"dataset {ds.name!r} ({ds.split}): meta must hold JSON values or numpy "
                        f"arrays to be cached ({err})") from None
    (folder / f"{key}.json").write_text(text)


def _read_split(folder: Path, key: str) -> Dataset:
    info = json.loads((folder / f"{key}.json").read_text())
    with np.load(folder / f"{key}.npz", allow_pickle=False) as z:
        def csr(which):
            return sp.csr_matrix((z[f"{which}_data"], z[f"{which}_indices"], z[f"{which}_indptr"]),
                                 shape=tuple(z[f"{which}_shape"]))
        X, Y = csr("X"), csr("Y")
        groups = z["groups"] if "groups" in z.files else None
        meta = dict(info["meta"])
        meta.update({k[5:]: z[k] for k in z.files if k.startswith("meta.")})
    return Dataset(name=info["name"], split=info["split"], X=X, Y=Y,
                   feature_names=info["feature_names"], label_names=info["label_names"],
                   groups=groups, group_names=info["group_names"], texts=info["texts"], meta=meta)


# --- the cache ------------------------------------------------------------------------------

def entry_dir(name: str, key: str) -> Path:
    return cache_dir() / f"{name}-{key}"


def read_entry(folder: Path) -> dict[str, Dataset] | None:
    """The cached splits in ``folder``, or None when there is no complete, readable entry."""
    try:
        keys = json.loads((folder / _COMPLETE).read_text())
        return {k: _read_split(folder, k) for k in keys}
    except (OSError, ValueError, KeyError):
        return None


def remove_stale_temporaries(root: Path, max_age_s: float = STALE_AFTER_S) -> list[Path]:
    """Delete the temporary folders and files (``.*.tmp``) in ``root`` older than ``max_age_s``."""
    removed, now = [], time.time()
    for path in root.glob(".*.tmp"):
        try:
            if now - path.stat().st_mtime < max_age_s:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:  # another process removed it first, or it is not ours to delete
            pass
    return removed


def write_entry(folder: Path, parts: dict[str, Dataset]) -> None:
    """Write ``parts`` so that ``folder`` appears complete or not at all."""
    ensure_private_dir(folder.parent)
    remove_stale_temporaries(folder.parent)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    tmp.chmod(0o755)  # mkdtemp makes it private; the cache is shared by everyone using the checkout
    try:
        for key, ds in parts.items():
            _write_split(tmp, key, ds)
        (tmp / _COMPLETE).write_text(json.dumps(list(parts)))
        if folder.exists():  # an unreadable leftover from an older run
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / _COMPLETE).exists():
                raise  # not a lost race with another process writing the same entry
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cached(name: str, key: str, convert: Callable[[], dict[str, Dataset]]) -> dict[str, Dataset]:
    """The splits cached under (name, key); ``convert()`` builds and stores them on a miss."""
    folder = entry_dir(name, key)
    parts = read_entry(folder)
    if parts is None:
        parts = convert()
        write_entry(folder, parts)
    return parts
