"""The deep BCE baseline: a multi-layer perceptron from the features to the label logits,
trained with binary cross-entropy.

Every deep paper of the study measures its model against a simpler network: Rank-AE against
XML-CNN (a network trained with BCE), C-GMVAE against C2AE and MPVAE. On feature vectors (no raw
text) the simplest such network is an MLP, and the cross-paper chapter puts it beside all of
them: whatever a paper's model adds must beat it. Two hidden layers of 512 leaky-ReLU units with
dropout; trained like the other latent-space models (:class:`~xmlstudy.models.latent.LatentModel`:
Adam, the epoch of best validation macro-F1 kept, sparse inputs kept sparse).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.c2ae import _mlp   # the layer stack C2AE's networks are built from
from xmlstudy.models.latent import LatentModel


class MLPBCE(LatentModel):
    name = "mlp-bce"

    def __init__(self, *, seed: int = 0, device: str = "auto", hidden: int = 512, layers: int = 2,
                 dropout: float = 0.5, lr: float = 1e-3, weight_decay: float = 0.0,
                 epochs: int = 60, patience: int | None = 10, batch_size: int = 128,
                 standardize: bool = True, progress: bool = False) -> None:
        super().__init__(seed=seed, device=device)
        for key, value in (("hidden", hidden), ("layers", layers), ("lr", lr), ("epochs", epochs),
                           ("batch_size", batch_size)):
            if not value > 0:
                raise ValueError(f"mlp-bce: {key} must be > 0, got {value!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"mlp-bce: dropout is a drop probability in [0, 1), got {dropout!r}")
        self.params = dict(hidden=hidden, layers=layers, dropout=dropout, lr=lr,
                           weight_decay=weight_decay, epochs=epochs, patience=patience,
                           batch_size=batch_size, standardize=standardize)
        self.progress = progress

    def _build(self, train_data: Dataset) -> torch.nn.Module:
        p = self.params
        sizes = [train_data.n_features, *[p["hidden"]] * p["layers"], train_data.n_labels]
        return _mlp(sizes, p["dropout"])

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def _loss(self, x: torch.Tensor, y: torch.Tensor) -> dict:
        # Summed over labels, averaged over rows: the scale of C2AE's and C-GMVAE's BCE terms.
        bce = F.binary_cross_entropy_with_logits(self._logits(x), y, reduction="none").sum(1).mean()
        return {"bce": bce, "total": bce}
