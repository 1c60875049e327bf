"""The Extreme Classification Repository text format, for data sets the registry cannot ship.

The repository (manikvarma.org/downloads/XC/XMLRepository.html) distributes EURLex-4K,
Wiki10-31K, Delicious-200K, Amazon-670K and others as text files::

    n_samples n_features n_labels          <- header
    l1,l2,... f:v f:v ...                  <- one line per sample

Labels and feature indices are 0-based; a sample may have no label (the line then starts with a
space, or directly with ``f:v``), and a line may hold labels but no features. Users who have such
files load them with :func:`load_xc`, which checks every line against the header and reports a
defect as ``file:line``: among them a feature index given twice in a line (it would otherwise be
summed), a value that is not a finite float32 (``nan``, ``inf``, ``1e39``) and a file without
samples. A label listed twice in a line is one label. Converted arrays are cached like the
registry's (keyed by the files' sha256s).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from xmlstudy.data import cache
from xmlstudy.data.arff import _NUMBER, FLOAT32_MAX  # numbers are written the same way
from xmlstudy.data.dataset import Dataset, Splits
from xmlstudy.data.errors import MissingDataFile, ParseError
from xmlstudy.data.files import sha256_of
from xmlstudy.data.splits import TEST_SPLIT_SEED, carve_validation, random_test_split

READER_VERSION = "2"  # 2: duplicate features, non-finite values and empty files stop


def _header(line: str, path: Path) -> tuple[int, int, int]:
    parts = line.split()
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ParseError(path, 1, f"expected the header 'n_samples n_features n_labels' (three "
                                  f"integers), found {line.strip()[:60]!r}")
    n, d, L = (int(p) for p in parts)
    if n == 0:
        raise ParseError(path, 1, "the header announces 0 samples; a data set needs at least one")
    return n, d, L


def _is_index(token: str) -> bool:
    return token.isascii() and token.isdigit()  # str.isdigit alone also takes other scripts' digits


def _split_line(text: str) -> tuple[str, str]:
    """(labels part, features part) of one sample line."""
    if not text or text[0] in " \t":
        return "", text
    head, _, rest = text.partition(" ")
    if ":" in head:  # no labels: the line starts with a feature
        return "", text
    return head, rest


def _check_line(text: str, line: int, d: int, L: int, path: Path) -> None:
    """Reference check of one line; raises ParseError naming the defect."""
    labels, features = _split_line(text)
    for tok in filter(None, labels.split(",")):
        if not _is_index(tok) or int(tok) >= L:
            raise ParseError(path, line, f"label {tok!r} is not an integer in 0..{L - 1} "
                                         f"(the header declares {L} labels)")
    if labels and "" in labels.split(","):
        raise ParseError(path, line, f"empty label in {labels!r}; expected 'l1,l2,...'")
    seen = set()
    for tok in features.split():
        idx, _, val = tok.partition(":")
        if tok.count(":") != 1 or not _is_index(idx):
            raise ParseError(path, line, f"expected 'index:value' for a feature, found {tok!r}")
        if int(idx) >= d:
            raise ParseError(path, line, f"feature index {idx} is outside 0..{d - 1} "
                                         f"(the header declares {d} features)")
        if int(idx) in seen:
            raise ParseError(path, line, f"feature index {idx} appears twice in the line; give each "
                                         f"feature once")
        seen.add(int(idx))
        if not _NUMBER.fullmatch(val):
            raise ParseError(path, line, f"feature value {val!r} is not a number")
        with np.errstate(over="ignore"):  # too large for float32 is reported just below
            as_float32 = np.array([val], dtype=str).astype(np.float32)[0]  # as _bulk reads it
        if not np.isfinite(as_float32):
            raise ParseError(path, line, f"feature value {val!r} is not a finite float32 number "
                                         f"(|x| <= {FLOAT32_MAX:.3g}), the type features are stored in")


def read_xc(path: str | Path) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Parse one file of the format: (X float32 CSR n x d, Y float32 0/1 CSR n x L)."""
    path = Path(path)
    if not path.is_file():
        raise MissingDataFile(f"Extreme Classification Repository file {path} does not exist")
    try:
        with open(path, encoding="utf-8-sig") as handle:  # -sig: a byte-order mark is no data
            lines = handle.read().split("\n")
    except UnicodeDecodeError as err:
        raise ParseError(path, None, f"not UTF-8 text ({err}); the format is text") from err
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise ParseError(path, 1, "empty file; expected the header 'n_samples n_features n_labels'")
    n, d, L = _header(lines[0], path)
    body = [s.rstrip("\r") for s in lines[1:]]
    if len(body) != n:
        # blame the header when lines are missing, the first surplus line otherwise
        raise ParseError(path, 1 if len(body) < n else n + 2,
                         f"the header announces {n} samples but the file has {len(body)} sample lines")
    parts = [_split_line(s) for s in body]
    try:
        X, Y = _bulk(parts, d, L)
    except ValueError:
        X, Y = None, None
    if X is None:  # find and report the first defective line
        for i, text in enumerate(body):
            _check_line(text, i + 2, d, L, path)
        raise ParseError(path, None, "could not be parsed, though every line looks well formed")
    return X, Y


def _bulk(parts: list[tuple[str, str]], d: int, L: int):
    """Vectorised parse; raises ValueError on anything irregular (the caller then checks lines)."""
    if not all(lab.isascii() and feat.isascii() and "_" not in feat and "\0" not in lab + feat
               for lab, feat in parts):
        # left to the line checks: float() takes "1_0" and other scripts' digits, and numpy
        # strings drop a trailing NUL ("0.5\0" would read as 0.5)
        raise ValueError("unusual characters")
    label_counts = np.array([lab.count(",") + 1 if lab else 0 for lab, _ in parts], dtype=np.int64)
    label_tokens = ",".join(lab for lab, _ in parts if lab).split(",") if label_counts.sum() else []
    feature_counts = np.array([len(f.split()) for _, f in parts], dtype=np.int64)
    feature_tokens = " ".join(f for _, f in parts).split()
    if feature_tokens and (np.char.count(np.array(feature_tokens), ":") != 1).any():
        raise ValueError("a feature is not 'index:value'")
    pairs = " ".join(feature_tokens).replace(":", " ").split()
    if len(pairs) != 2 * len(feature_tokens):
        raise ValueError("a feature has an empty index or value")
    labels = np.array(label_tokens, dtype=str).astype(np.int64) if label_tokens else np.zeros(0, np.int64)
    cols = np.array(pairs[0::2], dtype=str).astype(np.int64) if pairs else np.zeros(0, np.int64)
    with np.errstate(over="ignore"):  # too large for float32 becomes inf, rejected below
        vals = np.array(pairs[1::2], dtype=str).astype(np.float32) if pairs else np.zeros(0, np.float32)
    if labels.size and (labels.min() < 0 or labels.max() >= L):
        raise ValueError("label out of range")
    if cols.size and (cols.min() < 0 or cols.max() >= d):
        raise ValueError("feature out of range")
    if pairs and not np.char.isdigit(np.array(pairs[0::2], dtype=str)).all():
        raise ValueError("a feature index with a sign")
    if label_tokens and not np.char.isdigit(np.array(label_tokens, dtype=str)).all():
        raise ValueError("a label with a sign")
    if not np.isfinite(vals).all():
        raise ValueError("nan, inf or beyond float32")
    n = len(parts)
    X = sp.csr_matrix((vals, cols, np.concatenate([[0], np.cumsum(feature_counts)])), shape=(n, d))
    Y = sp.csr_matrix((np.ones(labels.size, np.float32), labels,
                       np.concatenate([[0], np.cumsum(label_counts)])), shape=(n, L))
    nnz = X.nnz
    X.sum_duplicates()
    if X.nnz != nnz:
        raise ValueError("a feature index given twice in a line")
    Y.sum_duplicates()
    Y.data[:] = 1.0  # a label listed twice is still one label
    return X, Y


def _dataset(name: str, split: str, X, Y, path: Path) -> Dataset:
    return Dataset(name=name, split=split, X=X, Y=Y,
                   feature_names=[f"f{i}" for i in range(X.shape[1])],
                   label_names=[f"l{j}" for j in range(Y.shape[1])], meta={"source_file": str(path)})


def load_xc(train_path: str | Path, test_path: str | Path | None = None, *, name: str | None = None,
            valid_fraction: float = 0.1, split_seed: int = 0, test_fraction: float = 0.2) -> Splits:
    """Load Extreme Classification Repository files as train / valid / test.

    Without ``test_path``, a seeded random ``test_fraction`` of the train file is the test split
    (seed ``TEST_SPLIT_SEED``, the same for every ``split_seed``). Validation is carved from train
    with ``split_seed``. Feature and label names are ``f<i>`` / ``l<j>`` (the format has none).
    """
    train_path = Path(train_path)
    test_path = None if test_path is None else Path(test_path)
    name = name or train_path.stem.replace("_train", "").replace("-train", "")
    paths = [p for p in (train_path, test_path) if p is not None]
    for p in paths:
        if not p.is_file():
            raise MissingDataFile(f"Extreme Classification Repository file {p} does not exist; "
                                  f"give the path of the downloaded train (and test) file")
    key = hashlib.sha256(json.dumps(
        {"format": cache.CACHE_FORMAT, "reader": f"xc-{READER_VERSION}",
         "files": [sha256_of(p) for p in paths]}).encode()).hexdigest()[:20]

    def convert() -> dict[str, Dataset]:
        X, Y = read_xc(train_path)
        if test_path is None:
            return {"all": _dataset(name, "all", X, Y, train_path)}
        Xt, Yt = read_xc(test_path)
        if Xt.shape[1] != X.shape[1] or Yt.shape[1] != Y.shape[1]:
            raise ParseError(test_path, 1, f"header declares {Xt.shape[1]} features / {Yt.shape[1]} "
                                           f"labels but the train file {train_path} has "
                                           f"{X.shape[1]} / {Y.shape[1]}; the files do not belong together")
        return {"train": _dataset(name, "train", X, Y, train_path),
                "test": _dataset(name, "test", Xt, Yt, test_path)}

    parts = cache.cached(f"xc-{name}", key, convert)
    if "all" in parts:
        train, test = random_test_split(parts["all"], test_fraction, TEST_SPLIT_SEED)
    else:
        train, test = parts["train"], parts["test"]
    train, valid = carve_validation(train, valid_fraction, split_seed)
    return Splits(train=train, valid=valid, test=test)
