"""A user's own data sets, as the same train / valid / test :class:`Splits` as ``load(name)``.

>>> from xmlstudy import data
>>> # Mulan: the labels are named in the .xml
>>> s = data.load_arff("emotions-train.arff", "emotions-test.arff",
...                    xml="emotions.xml")
>>> s = data.load_arff("Enron.arff")  # MEKA: '-C 53' in @relation, no test file
>>> s = data.load_arff("mine.arff", n_labels=5, labels_first=False)
>>> s = data.load_user("Wiki10-31K/train.txt", "Wiki10-31K/test.txt")  # load_xc

How an ARFF file's attributes become features and labels, and what stops with an error, is in
:mod:`xmlstudy.data.arff`. Converted arrays are cached like the registry's, keyed by the sha256
of the files' bytes (hashed in full on every load), the options and the reader's source.
"""
from __future__ import annotations

import hashlib
import json
import numbers
import warnings
from pathlib import Path

from xmlstudy.data import arff, cache
from xmlstudy.data.dataset import Dataset, Splits
from xmlstudy.data.errors import MissingDataFile, ParseError
from xmlstudy.data.files import sha256_of
from xmlstudy.data.splits import carve_validation, random_test_split
from xmlstudy.data.xc import load_xc

READER_VERSION = "2"  # 2: a {1,0} label left out of a sparse row is 1 (arff.py)
ARFF_SUFFIXES = (".arff", ".arff.gz", ".arff.bz2")


def is_arff(path: str | Path) -> bool:
    return str(path).lower().endswith(ARFF_SUFFIXES)


def _stem(path: Path) -> str:
    """``emotions`` for ``emotions-train.arff.bz2``."""
    name = path.name
    for suffix in ARFF_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    for part in ("-train", "_train", "-test", "_test"):
        if name.lower().endswith(part):
            return name[: -len(part)]
    return name


def _check_fraction(value, what: str, low_open: bool = False) -> None:
    ok = isinstance(value, numbers.Real) and (0.0 < value < 1.0 if low_open else 0.0 <= value < 1.0)
    if not ok:
        raise ValueError(f"{what} must be in {'(0, 1)' if low_open else '[0, 1)'}, got {value!r}")


def load_arff(train: str | Path, test: str | Path | None = None, *, xml: str | Path | None = None,
              n_labels: int | None = None, labels_first: bool | None = None, missing: str = "error",
              test_fraction: float = 0.2, valid_fraction: float = 0.1, seed: int = 0,
              name: str | None = None) -> Splits:
    """Load a multi-label ARFF data set (Mulan or MEKA layout) as train / valid / test.

    * Labels: the Mulan ``xml`` naming them, else ``-C N`` in the relation name (MEKA; negative
      ``N``: the labels are last), else ``n_labels`` and ``labels_first``. When these disagree it
      stops and says what to pass.
    * test: the ``test`` file; without one, a random ``test_fraction`` of the rows drawn with
      ``seed``. valid: ``valid_fraction`` of train, drawn with ``seed`` (None when 0).
      ``meta["split"]`` of every split records how they were made.
    * Nominal features are one-hot (``attr=value``); a missing numeric value ``?`` stops unless
      ``missing="zero"``. ``meta["missing_values"]`` counts the missing values per attribute.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, got {seed!r}")
    _check_fraction(valid_fraction, "valid_fraction")
    if test is None:
        _check_fraction(test_fraction, "test_fraction", low_open=True)
    if missing not in arff.MISSING_OPTIONS:
        raise ValueError(f"missing={missing!r}; valid: {', '.join(map(repr, arff.MISSING_OPTIONS))}")
    train, test = Path(train), None if test is None else Path(test)
    xml = None if xml is None else Path(xml)
    for what, path in (("train", train), ("test", test), ("xml", xml)):
        if path is not None and not path.is_file():
            raise MissingDataFile(f"{what} file {path} does not exist; give the path of the "
                                  f"{'Mulan label .xml' if what == 'xml' else '.arff file'}")
    name = name or _stem(train)
    options = {"n_labels": n_labels, "labels_first": labels_first, "missing": missing}
    key = hashlib.sha256(json.dumps({
        "format": cache.CACHE_FORMAT, "version": READER_VERSION,
        **cache.reader_fingerprint(arff.read_multilabel), "options": options,
        "files": [None if p is None else sha256_of(p) for p in (train, test, xml)],
    }, sort_keys=True).encode()).hexdigest()[:20]

    def convert() -> dict[str, Dataset]:
        def read(path: Path, split: str) -> Dataset:
            return arff.read_multilabel(path, xml=xml, name=name, split=split, **options)
        if test is None:
            return {"all": read(train, "all")}
        parts = {"train": read(train, "train"), "test": read(test, "test")}
        for what in ("feature_names", "label_names"):
            ours, theirs = getattr(parts["test"], what), getattr(parts["train"], what)
            if ours != theirs:
                first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b),
                             min(len(ours), len(theirs)))
                raise ParseError(test, None, f"its {what.replace('_', ' ')} differ from those of the "
                                             f"train file {train} ({len(ours)} vs {len(theirs)}, first "
                                             f"difference at position {first}); the files do not "
                                             f"belong together")
        return parts

    converted = []
    parts = cache.cached(f"arff-{name}", key, lambda: converted.append(1) or convert())
    if not converted:  # read from the cache: repeat what the conversion warned about
        for note in dict.fromkeys(w for ds in parts.values() for w in ds.meta.get("warnings", ())):
            warnings.warn(note, arff.LabelSourceWarning, stacklevel=2)
    if "all" in parts:
        train_part, test_part = random_test_split(parts["all"], test_fraction, seed)
        split = {"protocol": "random", "test_fraction": test_fraction, "seed": seed}
    else:
        train_part, test_part = parts["train"], parts["test"]
        split = {"protocol": "given"}
    train_part, valid_part = carve_validation(train_part, valid_fraction, seed)
    split.update(valid_fraction=valid_fraction, valid_seed=seed)
    for ds in (train_part, valid_part, test_part):
        if ds is not None:
            ds.meta = {**ds.meta, "split": split}
    return Splits(train=train_part, valid=valid_part, test=test_part)


def load_user(train: str | Path, test: str | Path | None = None, **options) -> Splits:
    """A user's data set in whichever format its file name says: :func:`load_arff` for
    ``.arff`` (``.gz``, ``.bz2``), :func:`~xmlstudy.data.load_xc` otherwise.

    For a Mulan ARFF without ``xml=``, a ``<name>.xml`` beside the train file is used (e.g.
    ``emotions.xml`` for ``emotions-train.arff``). ``seed`` is passed to load_xc as
    ``split_seed``.
    """
    if test is not None and is_arff(train) != is_arff(test):
        raise ValueError(f"train {train} and test {test} are in different formats; give two .arff "
                         f"files or two Extreme Classification Repository files")
    if is_arff(train):
        beside = Path(train).with_name(_stem(Path(train)) + ".xml")
        if "xml" not in options and beside.is_file():
            options["xml"] = beside
        return load_arff(train, test, **options)
    if "seed" in options:
        options["split_seed"] = options.pop("seed")
    return load_xc(train, test, **options)
