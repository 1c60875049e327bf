"""The deep BCE baseline: a multi-layer perceptron from the features to the label logits,
trained with binary cross-entropy.

Every deep paper of the study measures its model against a simpler network: Rank-AE against
XML-CNN (a network trained with BCE), C-GMVAE against C2AE and MPVAE. On feature vectors (no raw
text) the simplest such network is an MLP, and the cross-paper chapter puts it beside all of
them: whatever a paper's model adds must beat it. Two hidden layers of 512 leaky-ReLU units with
dropout; trained like the other latent-space models (:class:`~xmlstudy.models.latent.LatentModel`:
Adam, the epoch of best validation macro-F1 kept, sparse inputs kept sparse).

To stand beside Rank-AE under Rank-AE's protocol (the Rank-AE chapter's experiment ``gap``) it
can also be selected as Rank-AE is: ``select="precision"`` keeps the epoch of the best validation
mean of P@1, P@3 and P@5; ``search`` runs the same kind of coordinate search over its learning
rate, weight decay and dropout (:func:`xmlstudy.models.selection.coordinate_search`); ``refit``
trains it again on training + validation rows for the chosen number of epochs.
"""
from __future__ import annotations

import scipy.sparse as sp
import torch
import torch.nn.functional as F

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.c2ae import _mlp   # the layer stack C2AE's networks are built from
from xmlstudy.models.latent import LatentModel
from xmlstudy.models.selection import (check_search, coordinate_search, mean_precision,
                                       train_plus_valid)

SELECTIONS = ("macro-f1", "precision")
SEARCHABLE = ("lr", "weight_decay", "dropout")   # what ``search`` may choose


class MLPBCE(LatentModel):
    name = "mlp-bce"

    def __init__(self, *, seed: int = 0, device: str = "auto", hidden: int = 512, layers: int = 2,
                 dropout: float = 0.5, lr: float = 1e-3, weight_decay: float = 0.0,
                 epochs: int = 60, patience: int | None = 10, batch_size: int = 128,
                 standardize: bool = True, select: str = "macro-f1", search=None,
                 refit: bool = False, progress: bool = False) -> None:
        super().__init__(seed=seed, device=device)
        for key, value in (("hidden", hidden), ("layers", layers), ("lr", lr), ("epochs", epochs),
                           ("batch_size", batch_size)):
            if not value > 0:
                raise ValueError(f"mlp-bce: {key} must be > 0, got {value!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"mlp-bce: dropout is a drop probability in [0, 1), got {dropout!r}")
        if select not in SELECTIONS:
            raise ValueError(f"mlp-bce: select={select!r}; valid: {', '.join(SELECTIONS)}")
        if search is not None:
            search = check_search(self.name, search, SEARCHABLE)
            if any(not 0 <= d < 1 for d in dict(search).get("dropout", [])):
                raise ValueError(f"mlp-bce: dropout is a drop probability in [0, 1); search has {search!r}")
        self.params = dict(hidden=hidden, layers=layers, dropout=dropout, lr=lr,
                           weight_decay=weight_decay, epochs=epochs, patience=patience,
                           batch_size=batch_size, standardize=standardize)
        self.select, self.search, self.refit = select, search, bool(refit)
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

    def _selection(self, valid: Dataset):
        if self.select == "macro-f1":
            return super()._selection(valid)
        Yv = sp.csr_matrix(valid.Y)

        def evaluate():
            return mean_precision(Yv, self.scores(valid.X))

        return evaluate, "best validation mean of P@1, P@3 and P@5", "best_valid_mean_P@1,3,5"

    def fit(self, train_data: Dataset, valid: Dataset | None = None) -> "MLPBCE":
        has_valid = valid is not None and len(valid) > 0
        if self.search is None or not has_valid:
            LatentModel.fit(self, train_data, valid)
        else:
            key = self._selection(valid)[2]
            trials = []

            def run(settings):
                self.params.update(settings)
                LatentModel.fit(self, train_data, valid)
                trials.append({**settings, key.replace("best_", ""): self.fit_info[key],
                               "best_epoch": self.fit_info["best_epoch"]})
                return self.fit_info[key], (self.net, self.fit_info)

            start = {k: self.params[k] for k in SEARCHABLE}
            (chosen, _, (self.net, info)), _ = coordinate_search(run, start, self.search)
            self.params.update(chosen)
            self.fit_info = {**info, "chosen": chosen, "search": trials}
        if self.refit and has_valid:
            # The chosen settings again on every training row, for the epochs validation chose
            # and without a validation split (the last epoch is kept).
            kept, params = self.fit_info, dict(self.params)
            both = train_plus_valid(train_data, valid)
            self.params.update(epochs=kept["best_epoch"], patience=None)
            LatentModel.fit(self, both, None)
            self.params = params
            self.fit_info = {**kept, "refit": True, "train_rows": len(both),
                             "refit_epochs": self.fit_info["epochs"]}
        return self
