"""Sidecars: the bulky arrays of a result record, kept in a ``.npz`` file beside its record file.

Most of a record is a few hundred numbers, but some methods also report matrices: NN-AE's label
hierarchy (each unit's top labels and their weights), C-GMVAE's label Gram matrix. Written
inline they made record files of megabytes, slow to read and hard to diff. So a record field
that is a numeric array whose JSON text is longer than :data:`THRESHOLD_BYTES` is written to
``<folder>/<experiment>/<config_hash>.npz`` (one file per record, all its bulky arrays), and the
record names the file once and keeps a reference in each field's place::

    {"$sidecar": {"file": "hierarchy/<config_hash>.npz",
                  "sha256": "<sha256 of the .npz file>"},
     ...,
     "fit_info": {"L1": {"weights": {"$array": "fit_info/L1/weights"}, ...}}}

``file`` is relative to the record file's folder. Reading a record puts each array back as the
very list it was (ints stay ints, floats the same floats) and drops ``$sidecar``, after checking
the file's sha256: a sidecar that was changed or damaged is refused, never served. Only a field
that comes back identical (the same JSON text) moves; anything else (lists with None, ints
mixed with floats, lists of dicts) stays in the line. A list of rows of different lengths (a
unit with fewer top labels) is stored flat, with the rows' lengths beside it
(``<array>.lengths``).

The ``.npz`` files are plain NumPy archives (``np.load`` opens them) written byte for byte the
same for the same arrays, so rewriting a record's sidecar changes nothing in git.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

# A numeric array field whose JSON text is longer than this goes to the sidecar. NN-AE's
# hierarchy matrices (1.5 to 7 kB a level) and C-GMVAE's Gram matrix (6 kB to 1 MB) are above
# it; a handful of numbers (a unit count, a parameter list) stays in the line.
THRESHOLD_BYTES = 1024
MARK = "$sidecar"   # the record's sidecar: file and sha256
ARRAY = "$array"    # a field's place: the name of its array in the sidecar
# What identifies a record's configuration stays readable in its line, whatever its size.
INLINE_KEYS = ("config_hash", "params", "setting", "provenance", "split")
# numpy kinds that come back from JSON exactly: bool, signed and unsigned integers, floats.
_EXACT_KINDS = "biuf"
# A fixed time stamp for every archive member, so that the same arrays give the same bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class SidecarError(ValueError):
    """A sidecar that is missing, damaged or does not match the sha256 its record names."""


# --- one field <-> arrays -----------------------------------------------------------------------
def _json(value) -> str:
    return json.dumps(value, sort_keys=True)


def to_arrays(value) -> dict[str, np.ndarray] | None:
    """``{"": array}``, or ``{"": flat values, ".lengths": row lengths}`` for rows of different
    lengths, for a list that comes back from them with the same JSON text; else None (the field
    stays inline)."""
    if not isinstance(value, list) or not value:
        return None
    try:
        arrays = {"": np.array(value)}
        ragged = arrays[""].dtype == object
    except (ValueError, OverflowError):  # rows of different lengths, or an int beyond int64
        ragged = True
    if ragged:
        if not all(isinstance(row, list) for row in value):
            return None
        try:
            arrays = {"": np.array([x for row in value for x in row]),
                      ".lengths": np.array([len(row) for row in value], dtype=np.int64)}
        except (ValueError, OverflowError):
            return None
    if arrays[""].dtype.kind not in _EXACT_KINDS:
        return None
    if _json(from_arrays(arrays)) != _json(value):  # e.g. ints among floats would become floats
        return None
    return arrays


def from_arrays(arrays: dict[str, np.ndarray]) -> list:
    """The list :func:`to_arrays` took apart."""
    values = arrays[""].tolist()
    if arrays.get(".lengths") is None:
        return values
    out, start = [], 0
    for n in arrays[".lengths"].tolist():
        out.append(values[start:start + n])
        start += n
    if start != len(values):
        raise SidecarError(f"row lengths add up to {start}, but {len(values)} values are stored")
    return out


# --- one record <-> its line and its sidecar ----------------------------------------------------
def _bulky(record: dict, threshold: int) -> list[tuple[tuple, dict]]:
    """``(path of keys, arrays)`` of each field of ``record`` that goes to a sidecar."""
    def walk(d: dict, prefix: tuple):
        for key, value in d.items():
            if not prefix and key in INLINE_KEYS:
                continue
            if isinstance(value, dict):
                yield from walk(value, (*prefix, key))
            elif isinstance(value, list) and len(_json(value)) > threshold:
                arrays = to_arrays(value)
                if arrays is not None:
                    yield (*prefix, key), arrays

    return list(walk(record, ()))


def archive(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` of ``arrays`` (name -> array), compressed, the same bytes for the same arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, member.getvalue())
    return buffer.getvalue()


def split(record: dict, file: str, threshold: int = THRESHOLD_BYTES) -> tuple[dict, bytes | None]:
    """``(line record, sidecar bytes)``: a copy of ``record`` whose bulky fields are references
    into ``file`` (relative to the record file's folder), and the ``.npz`` that holds them; the
    record itself and None when nothing is bulky. ``record`` is not modified."""
    fields = _bulky(record, threshold)
    arrays = {"/".join(path) + suffix: array for path, parts in fields
              for suffix, array in parts.items()}
    if not fields or len(arrays) != sum(len(parts) for _, parts in fields):
        return record, None  # nothing bulky, or keys with "/" that would give two arrays one name
    data = archive(arrays)
    line = json.loads(_json(record))  # a copy to put the references into
    for path, _ in fields:
        parent = line
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = {ARRAY: "/".join(path)}
    line[MARK] = {"file": file, "sha256": hashlib.sha256(data).hexdigest()}
    return line, data


def sidecar_of(record: dict) -> dict | None:
    """``{"file": ..., "sha256": ...}`` of the record's sidecar, or None when it has none."""
    return record.get(MARK)


def read(path: Path, sha256: str, where: str) -> dict[str, np.ndarray]:
    """The arrays of the sidecar ``path`` after checking its sha256; ``where`` (record file and
    line) says in an error which record named it."""
    how = (f"restore the committed file (git checkout -- {path}) or, to recompute the run, delete "
           f"the record's line in {where.rsplit(':', 1)[0]} and rerun its configuration")
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SidecarError(f"{where}: the record's arrays are in {path}, which cannot be read "
                           f"({error.strerror}); {how}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise SidecarError(f"{path}: sha256 {actual} differs from {sha256}, the one the record at "
                           f"{where} was written with: the file was changed or damaged, and is "
                           f"not read; {how}")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise SidecarError(f"{path}: not a NumPy archive ({error}); {how}") from None


def resolve(record: dict, folder: Path, where: str) -> dict:
    """``record`` with its sidecar's arrays back in their places as lists and without
    ``$sidecar`` (a new dict), or ``record`` itself when it has no sidecar. ``folder`` is the
    record file's folder; ``where`` (file and line) goes into errors."""
    ref = sidecar_of(record)
    if ref is None:
        return record
    try:
        file, sha = ref["file"], ref["sha256"]
    except (KeyError, TypeError):
        raise SidecarError(f"{where}: malformed {MARK} {ref!r} (want {{'file': path relative to "
                           "the record file's folder, 'sha256': hex digest}})") from None
    arrays = read(Path(folder) / file, sha, where)
    out = json.loads(_json(record))
    del out[MARK]

    def walk(d: dict):
        for key, value in d.items():
            if isinstance(value, dict) and set(value) == {ARRAY}:
                name = value[ARRAY]
                if name not in arrays:
                    raise SidecarError(f"{Path(folder) / file}: has no array {name!r}, which the "
                                       f"record at {where} refers to")
                d[key] = from_arrays({"": arrays[name], ".lengths": arrays.get(f"{name}.lengths")})
            elif isinstance(value, dict):
                walk(value)

    walk(out)
    return out


def write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, fsync'd, then renamed,
    so that ``path`` is either absent, as it was, or complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)  # mkstemp makes the file private (0600); a sidecar is as readable
        os.umask(umask)      # as its record file
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
