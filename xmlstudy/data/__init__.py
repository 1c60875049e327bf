"""The data of the study: every dataset by name, as train / validation / test splits.

>>> from xmlstudy import data
>>> splits = data.load("bibtex")     # Splits(train, valid, test), each a Dataset
>>> data.names()                     # every registered dataset
>>> data.spec("bibtex").source       # where the files come from, citation, licence
>>> # a user's own files (load_user: load_arff for .arff, else load_xc):
>>> data.load_arff("mine-train.arff", "mine-test.arff", xml="mine.xml")
>>> data.load_user("train.txt", "test.txt")

Raw files come from a data mirror (``data_dir=``, ``XMLSTUDY_DATA_DIR``, or ``../shared/data``) or
are downloaded, and their sha256 is always checked (:mod:`xmlstudy.data.files`); converted arrays
are cached (:mod:`xmlstudy.data.cache`). Validation is carved from train with ``split_seed``, never
from test (:mod:`xmlstudy.data.splits`).
"""
from __future__ import annotations

import numbers
from pathlib import Path

from xmlstudy.data import cache, files, registry
from xmlstudy.data.dataset import DataFile, Dataset, DatasetSpec, Splits
from xmlstudy.data.errors import ChecksumError, DataError, LabelColumnsError, MissingDataFile, ParseError
from xmlstudy.data.noise import inject_label_noise
from xmlstudy.data.registry import names, spec
from xmlstudy.data.splits import carve_validation, concatenate, random_test_split
from xmlstudy.data.user import load_arff, load_user
from xmlstudy.data.xc import load_xc

_SPLIT_SHAPES = ({"train", "test"}, {"all"}, {"train", "valid", "test"})


def read_source(name: str, *, data_dir: str | Path | None = None) -> dict[str, Dataset]:
    """The dataset's own parts as its reader returns them (``train``/``test`` or ``all``), cached."""
    entry = spec(name)
    paths = {f.path: files.fetch(f, data_dir=data_dir, dataset=name) for f in entry.files}

    def convert() -> dict[str, Dataset]:
        # The arrays are cached under the files' hashes, so before a conversion every file is
        # hashed in full: a remembered check (same size and timestamp) vouches only for a file
        # whose arrays already exist, since a byte can change and keep both.
        for f in entry.files:
            files.verify_file(paths[f.path], f, dataset=name, use_record=False,
                              in_data_dir=files.locate(f, data_dir=data_dir)[1])
        return entry.reader(paths, entry)

    try:
        parts = cache.cached(name, cache.spec_key(entry), convert)
    except ParseError as err:  # say which dataset the malformed file belongs to
        raise ParseError(err.path, err.line, f"{err.problem} (dataset {name!r})") from err
    if set(parts) not in _SPLIT_SHAPES:
        raise ValueError(f"the reader of {name!r} returned the parts {sorted(parts)}; a reader must "
                         f"return train+test, all, or train+valid+test")
    return parts


def make_splits(parts: dict[str, Dataset], entry: DatasetSpec, valid_fraction: float,
                split_seed: int) -> Splits:
    """Turn a reader's parts into the study's splits (see :func:`load`)."""
    if "all" in parts:
        train, test = random_test_split(parts["all"], entry.test_fraction)
    else:
        train, test = parts["train"], parts["test"]
    official_valid = parts.get("valid")
    if official_valid is None:
        train, valid = carve_validation(train, valid_fraction, split_seed)
    elif valid_fraction == 0:  # no validation wanted: the official one goes back into train
        train, valid = concatenate(train, official_valid, "train"), None
    else:
        valid = official_valid
    return Splits(train=train, valid=valid, test=test)


def load(name: str, *, valid_fraction: float = 0.1, split_seed: int = 0,
         data_dir: str | Path | None = None) -> Splits:
    """Load the registered dataset ``name`` as train / valid / test.

    * test: the source's own test split; for a source without one, a seeded random
      ``spec(name).test_fraction`` of the rows, identical for every ``split_seed``.
    * valid: ``valid_fraction`` of the train rows, drawn with ``split_seed`` (None when 0). A
      source with an official validation split uses that one instead (folded back into train
      when ``valid_fraction`` is 0).
    * data_dir: a folder with the mirror layout of the raw files; by default
      ``XMLSTUDY_DATA_DIR`` or ``../shared/data``, else the files are downloaded.
    """
    if isinstance(split_seed, bool) or not isinstance(split_seed, numbers.Integral):
        raise TypeError(f"split_seed must be an int, got {split_seed!r}")
    if not 0.0 <= float(valid_fraction) < 1.0:
        raise ValueError(f"valid_fraction must be in [0, 1), got {valid_fraction!r}")
    entry = spec(name)
    return make_splits(read_source(name, data_dir=data_dir), entry, valid_fraction, split_seed)


def verify(names: list[str] | None = None, *, data_dir: str | Path | None = None) -> list[dict]:
    """Hash every raw file of the given datasets (all by default), ignoring earlier checks.

    Returns one dict per file: dataset, path, ok (bool) and message. Nothing is downloaded: a
    file that is not there yet is reported as failed.
    """
    chosen = registry.names() if names is None else list(names)
    report = []
    for name in chosen:
        for file in spec(name).files:
            path, in_data_dir = files.locate(file, data_dir=data_dir)
            row = {"dataset": name, "path": str(path), "ok": False}
            if not path.is_file():
                row["message"] = (f"missing (expected {file.path}); copy it from {file.url} or point "
                                  f"XMLSTUDY_DATA_DIR at the data mirror")
            else:
                try:
                    files.verify_file(path, file, dataset=name, in_data_dir=in_data_dir, use_record=False)
                    row.update(ok=True, message="sha256 matches")
                except ChecksumError as err:
                    row["message"] = str(err)
            report.append(row)
    return report


__all__ = [
    "ChecksumError", "DataError", "DataFile", "Dataset", "DatasetSpec", "LabelColumnsError",
    "MissingDataFile",
    "ParseError", "Splits", "carve_validation", "inject_label_noise", "load", "load_arff", "load_user",
    "load_xc",
    "make_splits", "names", "random_test_split", "read_source", "spec", "verify",
]
