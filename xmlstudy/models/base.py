"""The one interface every method in the study follows.

``fit(train, valid=None)`` learns from a :class:`~xmlstudy.data.Dataset` (validation data, when
given, is used only for early stopping and for choosing the method's own settings, never test
data); ``scores(X)`` returns an ``n x L`` array where larger means more relevant; ``topk(X, k)``
returns the ``k`` best labels per row without ever holding more than one batch of dense scores.
``probabilities(X)`` is what set metrics threshold: methods whose scores are not in [0, 1]
override it.
"""
from __future__ import annotations

import functools

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset


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

    def topk(self, X: sp.csr_matrix, k: int, batch_size: int = 4096) -> tuple[np.ndarray, np.ndarray]:
        """Indices (int64) and scores (float32) of the ``k`` highest-scoring labels per row,
        best first. Ties are broken towards the lower label index."""
        X = sp.csr_matrix(X)
        idx_parts, val_parts = [], []
        for start in range(0, X.shape[0], batch_size):
            s = np.asarray(self.scores(X[start:start + batch_size]), dtype=np.float32)
            kk = min(k, s.shape[1])
            # argsort of -s with a stable sort keeps the lower index first among equal scores.
            order = np.argsort(-s, axis=1, kind="stable")[:, :kk]
            idx_parts.append(order.astype(np.int64))
            val_parts.append(np.take_along_axis(s, order, axis=1))
        if not idx_parts:
            return np.zeros((0, k), np.int64), np.zeros((0, k), np.float32)
        return np.vstack(idx_parts), np.vstack(val_parts)

    @property
    def n_parameters(self) -> int | None:
        """Number of learned parameters, where that is meaningful (None otherwise)."""
        return None
