"""Where raw files come from, and the proof that they are the right ones.

A raw file is found in a *data directory* holding the mirror layout (the paths of
``../shared/data/MANIFEST.tsv``). The data directory is, in order of precedence: the
``data_dir`` argument, the environment variable ``XMLSTUDY_DATA_DIR``, or
``<repository root>/../shared/data`` when that folder exists. Without any of them, files are
downloaded from their public URL into ``data/raw/`` (``XMLSTUDY_DOWNLOAD_DIR`` overrides).

Every file's sha256 is checked against the registry before it is read. Hashing a few megabytes on
every load adds up, so a successful check is remembered by (path, size, modification time) in
``<cache dir>/verified-files.json``; touching or replacing the file forces a new check. The record
only saves re-hashing a file whose converted arrays already exist (:func:`xmlstudy.data.read_source`
hashes in full before any conversion), and ``data verify`` ignores it.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import urllib.request
from pathlib import Path

from xmlstudy.data.dataset import DataFile
from xmlstudy.data.errors import ChecksumError, MissingDataFile

REPO_ROOT = Path(__file__).resolve().parents[2]
_CHUNK = 1 << 20


def default_data_dir() -> Path | None:
    """The data directory used when no ``data_dir`` argument is given (None: download)."""
    env = os.environ.get("XMLSTUDY_DATA_DIR")
    if env:
        return Path(env).expanduser()
    mirror = REPO_ROOT.parent / "shared" / "data"
    return mirror if mirror.is_dir() else None


def download_dir() -> Path:
    env = os.environ.get("XMLSTUDY_DOWNLOAD_DIR")
    return Path(env).expanduser() if env else REPO_ROOT / "data" / "raw"


def cache_dir() -> Path:
    """Where converted arrays (and the record of verified files) are kept."""
    env = os.environ.get("XMLSTUDY_CACHE_DIR")
    return Path(env).expanduser() if env else REPO_ROOT / "data" / "cache"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path``; a ``.gitignore`` inside keeps downloads and caches out of version control."""
    path.mkdir(parents=True, exist_ok=True)
    marker = path / ".gitignore"
    if not marker.exists():
        try:
            marker.write_text("*\n")
        except OSError:  # a read-only location still works as a source
            pass
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- the record of files whose checksum already matched -------------------------------------

_verified: dict[str, list] = {}


def _verified_record() -> Path:
    return cache_dir() / "verified-files.json"


def _stat_key(path: Path) -> list:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _known_good(path: Path, sha256: str) -> bool:
    key = str(path.resolve())
    if key not in _verified:
        try:
            _verified.update(json.loads(_verified_record().read_text()))
        except (OSError, ValueError):
            pass
    entry = _verified.get(key)
    return entry is not None and entry == _stat_key(path) + [sha256]


def _remember_good(path: Path, sha256: str) -> None:
    _verified[str(path.resolve())] = _stat_key(path) + [sha256]
    record = _verified_record()
    try:
        ensure_private_dir(record.parent)
        on_disk = {}
        try:
            on_disk = json.loads(record.read_text())
        except (OSError, ValueError):
            pass
        on_disk.update(_verified)
        atomic_write_text(record, json.dumps(on_disk, indent=0, sort_keys=True))
    except OSError:  # the record only saves time; failing to write it is harmless
        pass


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these files are shared
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- checking and fetching --------------------------------------------------------------------

def _source(file: DataFile) -> str:
    """Where a file can be had from, in words (some files exist only in the data mirror)."""
    return file.url if file.url else "the data mirror (this file has no public download URL)"


def _fix_hint(file: DataFile, where: Path, in_data_dir: bool) -> str:
    if in_data_dir:
        return (f"re-copy it from its source ({_source(file)}), or point XMLSTUDY_DATA_DIR (or data_dir=) "
                f"at an intact mirror of the data (the layout of ../shared/data/MANIFEST.tsv)")
    return f"delete {where} so that it is downloaded again, or point XMLSTUDY_DATA_DIR at a data mirror"


def verify_file(path: Path, file: DataFile, *, dataset: str = "", in_data_dir: bool = True,
                use_record: bool = True) -> Path:
    """Check ``path`` against ``file.sha256``; raise :class:`ChecksumError` when it differs."""
    if use_record and _known_good(path, file.sha256):
        return path
    actual = sha256_of(path)
    if actual != file.sha256:
        owner = f"dataset {dataset!r}: " if dataset else ""
        raise ChecksumError(
            f"{owner}file {path} has sha256 {actual}, expected {file.sha256}; the file is corrupt "
            f"or a different version. Fix: {_fix_hint(file, path, in_data_dir)}"
        )
    _remember_good(path, file.sha256)
    return path


def download(file: DataFile, dest: Path, *, dataset: str = "", timeout: float = 60.0) -> Path:
    """Download ``file.url`` to ``dest``, keeping it only when its sha256 matches.

    The bytes go to a temporary file next to ``dest``; it is renamed to ``dest`` only after the
    checksum matched, so an interrupted or corrupt download never leaves a file behind.
    """
    owner = f"dataset {dataset!r}: " if dataset else ""
    if not file.url:
        raise MissingDataFile(
            f"{owner}{file.path} has no public download URL; it exists only in the data mirror. "
            f"Fix: point XMLSTUDY_DATA_DIR (or data_dir=) at a copy of the mirror (../shared/data)"
        )
    ensure_private_dir(dest.parent)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    digest = hashlib.sha256()
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(file.url, timeout=timeout) as response:
                    while chunk := response.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            except OSError as err:
                raise MissingDataFile(
                    f"{owner}could not download {file.path} from {file.url} ({err}). Fix: check the "
                    f"network, or copy the data mirror and set XMLSTUDY_DATA_DIR to it"
                ) from err
        if digest.hexdigest() != file.sha256:
            raise ChecksumError(
                f"{owner}the download of {file.path} from {file.url} has sha256 {digest.hexdigest()}, "
                f"expected {file.sha256}; it was discarded. Fix: retry later, or point "
                f"XMLSTUDY_DATA_DIR at a data mirror that holds the right file"
            )
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _remember_good(dest, file.sha256)
    return dest


def fetch(file: DataFile, *, data_dir: str | Path | None = None, dataset: str = "") -> Path:
    """The verified local path of ``file``: from the data directory, else downloaded."""
    root = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    if root is not None:
        path = root / file.path
        if not path.is_file():
            owner = f"dataset {dataset!r} needs " if dataset else "missing "
            raise MissingDataFile(
                f"{owner}{file.path}, which is not in the data directory {root} (looked for {path}). "
                f"Fix: copy it there from {_source(file)}, or point XMLSTUDY_DATA_DIR (or data_dir=) at a "
                f"complete data mirror"
            )
        return verify_file(path, file, dataset=dataset, in_data_dir=True)
    path = download_dir() / file.path
    if path.is_file():
        return verify_file(path, file, dataset=dataset, in_data_dir=False)
    return download(file, path, dataset=dataset)


def locate(file: DataFile, *, data_dir: str | Path | None = None) -> tuple[Path, bool]:
    """Where ``fetch`` would look for ``file`` (path, and whether that is a data directory)."""
    root = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    if root is not None:
        return root / file.path, True
    return download_dir() / file.path, False

