"""What the torch latent-space models (C2AE, C-GMVAE and its variants) share: how features
reach the network (:class:`FeatureScaler`, :class:`InputLinear`), the epoch-selection score
(:func:`best_macro_f1`) and one fit/score scaffold (:class:`LatentModel`): Adam, the study's
training loop with the epoch of best validation macro-F1 kept, logits batched at prediction and
sigmoid(logits) as probabilities. A model gives its network, its loss and its logits; the rest is
here, so the two papers' models are trained and scored the same way.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
from torch import nn

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.base import Model, resolve_device
from xmlstudy.training import csr_to_torch, seed_everything, train


def best_macro_f1(Y: np.ndarray, P: np.ndarray, thresholds=None) -> float:
    """Highest macro-F1 over the threshold grid 0.1..0.9: the official code's epoch-selection
    score (computed on validation data only)."""
    from xmlstudy import metrics

    grid = metrics.THRESHOLD_GRID if thresholds is None else thresholds
    return max(metrics.set_metrics(Y, P, t)["ma-F1"] for t in grid)


SPARSE_DENSITY = 0.1  # inputs with fewer non-zeros than this stay sparse on their way in


class FeatureScaler:
    """How features reach the latent-space models. Dense inputs (yeast, scene) become z-scores
    with the training mean and std, so every dataset reaches the network on one scale. Sparse
    inputs (bag-of-words, tf-idf, fingerprints) are left as they are, since dividing rare features
    by their tiny std would blow them up, and are passed on as sparse CSR tensors when under
    ``SPARSE_DENSITY`` non-zero, so the first layer costs what the non-zeros cost."""

    def __init__(self, X: sp.csr_matrix, enabled: bool = True) -> None:
        X = sp.csr_matrix(X)
        density = X.nnz / max(X.shape[0] * X.shape[1], 1)
        self.active = bool(enabled) and density >= 0.5
        self.sparse = density < SPARSE_DENSITY
        if self.active:
            mean = np.asarray(X.mean(0)).ravel()
            sq = np.asarray(X.multiply(X).mean(0)).ravel()
            std = np.sqrt(np.maximum(sq - mean ** 2, 0.0))
            self.mean = torch.from_numpy(mean.astype(np.float32))
            scale = np.where(std > 1e-8, 1.0 / np.maximum(std, 1e-8), 1.0)
            self.scale = torch.from_numpy(scale.astype(np.float32))

    def tensor(self, X: sp.csr_matrix, device) -> torch.Tensor:
        if self.sparse:
            return csr_to_torch(X, device, dense=False)
        x = csr_to_torch(X, device)
        if self.active:
            x = (x - self.mean.to(device)) * self.scale.to(device)
        return x


class InputLinear(nn.Linear):
    """nn.Linear that also takes a sparse CSR batch (the first layer on wide sparse inputs)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.layout != torch.sparse_csr:
            return super().forward(x)
        out = torch.sparse.mm(x, self.weight.T)
        return out if self.bias is None else out + self.bias


class LatentModel(Model):
    """Fit and score scaffold. Subclasses set ``self.params`` (with lr, weight_decay, epochs,
    patience, batch_size, standardize, and optionally grad_clip) and implement ``_build(train)``
    (the network), ``_loss(x, y)`` (a dict of loss terms with the optimised one under "total")
    and ``_logits(x)``; ``_scheduler(optimizer)`` and ``_extra_fit_info(train)`` are optional."""

    net: nn.Module | None = None

    def _build(self, train_data: Dataset) -> nn.Module:
        raise NotImplementedError

    def _loss(self, x: torch.Tensor, y: torch.Tensor) -> dict:
        raise NotImplementedError

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _scheduler(self, optimizer: torch.optim.Optimizer):
        return None

    def _extra_fit_info(self, train_data: Dataset) -> dict:
        return {}

    def _selection(self, valid: Dataset):
        """``(evaluate, description, key)``: the validation score that picks the epoch (higher
        is better), what it is in words, and its key in ``fit_info``. By default the best
        macro-F1 over thresholds, as the official C-GMVAE code selects."""
        Yv = valid.Y.toarray()

        def evaluate():
            return best_macro_f1(Yv, self.probabilities(valid.X))

        return evaluate, "best validation macro-F1 over thresholds 0.1..0.9", "best_valid_macro_f1"

    def fit(self, train_data: Dataset, valid: Dataset | None = None) -> "LatentModel":
        p = self.params
        self._device = resolve_device(self.device)
        seed_everything(self.seed)
        self._scaler = FeatureScaler(train_data.X, enabled=p["standardize"])
        self.net = self._build(train_data).to(self._device)
        self._n_labels = train_data.n_labels
        optimizer = torch.optim.Adam(self.net.parameters(), lr=p["lr"], weight_decay=p["weight_decay"])
        scheduler = self._scheduler(optimizer)
        X, Y = train_data.X, train_data.Y

        def step(rows):
            x = self._scaler.tensor(X[rows], self._device)
            y = csr_to_torch(Y[rows], self._device)
            return self._loss(x, y)["total"]

        evaluate, selection, key = None, "last epoch", "best_valid_macro_f1"
        if valid is not None and len(valid) > 0:
            evaluate, selection, key = self._selection(valid)
        result = train(self.net, optimizer, step, X.shape[0], epochs=p["epochs"],
                       batch_size=p["batch_size"], seed=self.seed, evaluate=evaluate,
                       patience=p["patience"], scheduler=scheduler, progress=self.progress,
                       desc=self.name, grad_clip=p.get("grad_clip"))
        self.fit_info = {
            "epochs": result.epochs_run, "best_epoch": result.best_epoch,
            "selection": selection, key: result.best_score, "train_seconds": result.seconds,
            "loss_history": [round(h["loss"], 5) for h in result.history],
            **self._extra_fit_info(train_data),
        }
        return self

    def scores(self, X: sp.csr_matrix, batch_size: int = 2048) -> np.ndarray:
        """The logits of the rows of ``X`` (eval mode, in batches)."""
        if self.net is None:
            raise RuntimeError(f"{self.name}: call fit() before scores()")
        self.net.eval()
        X = sp.csr_matrix(X)
        out = []
        with torch.no_grad():
            for start in range(0, X.shape[0], batch_size):
                x = self._scaler.tensor(X[start:start + batch_size], self._device)
                out.append(self._logits(x).cpu().numpy())
        return np.vstack(out) if out else np.zeros((0, self._n_labels), np.float32)

    def probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.scores(X)))

    def scores_and_probabilities(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        s = self.scores(X)
        return s, 1.0 / (1.0 + np.exp(-s))

    @property
    def n_parameters(self) -> int | None:
        return None if self.net is None else sum(q.numel() for q in self.net.parameters())
