"""The one interface every method in the study follows.

``fit(train, valid=None)`` learns from a :class:`~xmlstudy.data.Dataset` (validation data, when
given, is used only for early stopping and for choosing the method's own settings, never test
data); ``scores(X)`` returns an ``n x L`` array where larger means more relevant; ``topk(X, k)``
returns the ``k`` best labels per row without ever holding more than one batch of dense scores.
``probabilities(X)`` is what set metrics threshold: methods whose scores are not in [0, 1]
override it. ``score_batches(X, batch_size)`` yields both, one batch of rows at a time, for the
evaluation that streams (:mod:`xmlstudy.evaluation`).
"""
from __future__ import annotations

import functools

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset
from xmlstudy.evaluation import MAX_BATCH_ROWS, top_k


def resolve_device(device: str = "auto") -> str:
    """'auto' -> 'cuda' when a GPU is visible, else 'cpu'. Any other value must be 'cpu' or
    'cuda[:N]'."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu" or device.startswith("cuda"):
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(f"device={device!r} was asked for but no CUDA GPU is visible; "
                             "use device='cpu' or device='auto'")
        return device
    raise ValueError(f"unknown device {device!r}; valid: 'auto', 'cpu', 'cuda', 'cuda:N'")


def check_fit_data(name: str, train: Dataset, valid: Dataset | None) -> None:
    """Refuse what no method can learn from, with the reason (instead of a division by zero or a
    score computed from nothing deep inside the method)."""
    for split, ds in (("training", train), ("validation", valid)):
        if ds is not None and len(ds) == 0:
            raise ValueError(f"{name}.fit: the {split} split of {ds.name!r} has no rows; give it rows "
                             f"(or valid=None for no validation)")
    if train.n_labels == 0 or train.n_features == 0:
        raise ValueError(f"{name}.fit: the training split of {train.name!r} has {train.n_features} "
                         f"features and {train.n_labels} labels; a method needs at least one of each")


def row_batches(X, batch_size: int = MAX_BATCH_ROWS):
    """Consecutive batches of at most ``batch_size`` rows of ``X``, in order: ``X`` is a sparse
    or dense matrix (given on as CSR), a list (documents) or a Dataset (the image models). When
    ``X`` fits in one batch it is given on whole, so a model that keeps its last outputs (the
    image models, the baselines) recognises it."""
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    if sp.issparse(X) or isinstance(X, np.ndarray):
        X = sp.csr_matrix(X)
    n = X.shape[0] if sp.issparse(X) else len(X)
    if 0 < n <= batch_size:
        yield X
        return
    for start in range(0, n, batch_size):
        rows = slice(start, min(start + batch_size, n))
        yield X.subset(np.arange(rows.start, rows.stop)) if isinstance(X, Dataset) else X[rows]


class Model:
    """Base class: subclasses set ``name`` and implement ``fit`` and ``scores``."""

    name = "model"

    def __init_subclass__(cls, **kwargs) -> None:
        # Every method's own fit() is wrapped, once, in the same checks of its data: the methods
        # share no fit code, and a new method gets the checks without having to remember them.
        super().__init_subclass__(**kwargs)
        fit = cls.__dict__.get("fit")
        if fit is not None and not getattr(fit, "_checks_data", False):
            @functools.wraps(fit)
            def checked_fit(self, train, valid=None, *args, **kwargs):
                check_fit_data(self.name, train, valid)
                return fit(self, train, valid, *args, **kwargs)
            checked_fit._checks_data = True
            cls.fit = checked_fit

    def __init__(self, *, seed: int = 0, device: str = "auto") -> None:
        self.seed = seed
        self.device = device
        # Filled by fit(): how many epochs ran, and anything the method chose on validation.
        self.fit_info: dict = {}

    def fit(self, train: Dataset, valid: Dataset | None = None) -> "Model":
        raise NotImplementedError

    def scores(self, X: sp.csr_matrix) -> np.ndarray:
        raise NotImplementedError

    def probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        """Scores in [0, 1] for thresholding; by default the scores clipped to [0, 1]."""
        return np.clip(self.scores(X), 0.0, 1.0)

    def scores_and_probabilities(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Scores and probabilities of the same rows. A method whose probabilities are a function
        of its scores overrides this to compute the scores once."""
        s = self.scores(X)
        if type(self).probabilities is Model.probabilities:
            return s, np.clip(s, 0.0, 1.0)
        return s, self.probabilities(X)

    def score_batches(self, X, batch_size: int = MAX_BATCH_ROWS):
        """``(scores, probabilities)`` of consecutive batches of at most ``batch_size`` rows of
        ``X``, in order (:func:`row_batches`): what :func:`xmlstudy.evaluation.evaluate` reads."""
        for part in row_batches(X, batch_size):
            yield self.scores_and_probabilities(part)

    def topk(self, X, k: int, batch_size: int = MAX_BATCH_ROWS) -> tuple[np.ndarray, np.ndarray]:
        """Indices (int64) and scores (float32) of the ``k`` highest-scoring labels per row,
        best first. Ties are broken towards the lower label index. One batch of ``batch_size``
        rows of scores is held at a time (lower it when the labels are very many:
        :func:`xmlstudy.evaluation.batch_rows`)."""
        parts = [top_k(np.asarray(self.scores(part), dtype=np.float32), k)
                 for part in row_batches(X, batch_size)]
        if not parts:
            return np.zeros((0, k), np.int64), np.zeros((0, k), np.float32)
        return np.vstack([i for i, _ in parts]), np.vstack([v for _, v in parts])

    @property
    def n_parameters(self) -> int | None:
        """Number of learned parameters, where that is meaningful (None otherwise)."""
        return None
