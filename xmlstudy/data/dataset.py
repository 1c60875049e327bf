"""The one in-memory form of every dataset in the study, and the description of where it comes from.

Every reader turns its raw files into :class:`Dataset` objects (CSR features, CSR 0/1 labels,
names); every model and metric takes them. A :class:`DatasetSpec` is one registry entry: which
files, their checksums and public source, how to read them, and the statistics they must show.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import scipy.sparse as sp


@dataclass
class Dataset:
    """One split of one dataset.

    ``X`` is an ``n x d`` float32 CSR matrix, ``Y`` an ``n x L`` float32 CSR matrix of 0/1.
    ``groups`` holds a per-row grouping where the source has one (cuisine, food class, land-use
    class), as integer codes into ``group_names``. ``texts`` holds raw documents where the source
    has them (Reuters). ``meta`` carries anything else a reader wants to pass on (for example
    image paths), and is never needed by a model.
    """

    name: str
    split: str
    X: sp.csr_matrix
    Y: sp.csr_matrix
    feature_names: list[str]
    label_names: list[str]
    groups: np.ndarray | None = None
    group_names: list[str] | None = None
    texts: list[str] | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.X = sp.csr_matrix(self.X, dtype=np.float32)
        self.Y = sp.csr_matrix(self.Y, dtype=np.float32)
        if self.X.shape[0] != self.Y.shape[0]:
            raise ValueError(
                f"dataset {self.name!r} ({self.split}): X has {self.X.shape[0]} rows but Y has "
                f"{self.Y.shape[0]}; features and labels must describe the same samples"
            )
        if len(self.feature_names) != self.X.shape[1]:
            raise ValueError(
                f"dataset {self.name!r}: {len(self.feature_names)} feature names for "
                f"{self.X.shape[1]} feature columns"
            )
        if len(self.label_names) != self.Y.shape[1]:
            raise ValueError(
                f"dataset {self.name!r}: {len(self.label_names)} label names for "
                f"{self.Y.shape[1]} label columns"
            )

    def __len__(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_labels(self) -> int:
        return self.Y.shape[1]

    @property
    def label_cardinality(self) -> float:
        """Mean number of positive labels per sample."""
        return float(self.Y.sum() / max(len(self), 1))

    def subset(self, rows, split: str | None = None) -> "Dataset":
        """The same dataset restricted to ``rows`` (indices or a boolean mask)."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        pick = lambda seq: None if seq is None else [seq[i] for i in rows]  # noqa: E731
        meta = {k: (pick(v) if isinstance(v, list) and len(v) == len(self) else v)
                for k, v in self.meta.items()}
        return replace(
            self,
            split=split or self.split,
            X=self.X[rows],
            Y=self.Y[rows],
            groups=None if self.groups is None else self.groups[rows],
            texts=pick(self.texts),
            meta=meta,
        )


@dataclass
class Splits:
    """The splits a study run uses. ``valid`` is carved from the dataset's train split, never
    from test; it is ``None`` when no validation set was asked for."""

    train: Dataset
    valid: Dataset | None
    test: Dataset


@dataclass(frozen=True)
class DataFile:
    """One raw file: its path inside the data mirror, its sha256 and its public source URL."""

    path: str
    sha256: str
    url: str


# A reader gets the verified local paths of the spec's files (keyed by DataFile.path) and the
# spec, and returns the dataset's own splits: {"train": ..., "test": ...}, or {"all": ...} when
# the source ships no split (the registry then draws a seeded random test split).
Reader = Callable[[dict[str, Path], "DatasetSpec"], dict[str, Dataset]]


@dataclass(frozen=True)
class DatasetSpec:
    """One registry entry.

    ``expected`` holds the published statistics the loaded data must match, with keys among
    ``train``, ``test``, ``rows`` (when there is no split), ``features``, ``labels``,
    ``cardinality``; tests compare them. ``split`` says in words how train/test are formed.
    ``propensity`` are the Jain et al. (A, B) constants for PSP@k.
    """

    name: str
    title: str
    files: tuple[DataFile, ...]
    reader: Reader
    format: str
    source: str
    citation: str
    licence: str
    split: str
    expected: dict
    propensity: tuple[float, float] = (0.55, 1.5)
    notes: str = ""
    # Only for sources without their own split: the share of rows the registry draws (seeded, the
    # same on every machine) as the test split.
    test_fraction: float = 0.2
