"""C2AE: Canonical-Correlated AutoEncoder (Yeh, Wu, Ko and Wang, AAAI 2017).

Three networks: a feature encoder F_x (x -> latent), a label encoder F_e (y -> latent) and a label
decoder F_d (latent -> label scores). Training minimises Phi + alpha * Gamma:

* Phi, the CCA-like embedding loss: ||F_x(x) - F_e(y)||^2 (mean over the batch) with the
  constraints F_x(X)^T F_x(X) = F_e(Y)^T F_e(Y) = I (latent dimensions decorrelated, unit
  variance) relaxed into a penalty lam * (||Z_x^T Z_x / B - I||^2 + ||Z_e^T Z_e / B - I||^2) / K.
* Gamma, the label-correlation-aware output loss on the decoded label embedding F_d(F_e(y)):
  for each sample, the mean over (positive p, negative q) pairs of exp(s_q - s_p). It only
  trains F_e and F_d, as in the paper. Because it ranks but does not calibrate, a per-label
  binary cross-entropy on the same outputs is added (``bce_weight``; the authors' public code
  trains its decoder with a per-label error), so that sigmoid(scores) can be thresholded by
  the set metrics.

Prediction: F_d(F_x(x)). Settings follow the authors' public code where the paper is silent:
latent size K = round(0.8 L), F_x hidden [512, 512], F_e and F_d hidden [512], leaky ReLU, no
dropout, and the output term weighted 1/2 against the embedding term (alpha = 0.5). The
optimiser (Adam, lr 1e-3, weight decay 1e-5, batch 128) and the epoch selection (best validation
macro-F1 over thresholds, as for C-GMVAE) are this study's. The ranking term is an unbounded
exponential: with hundreds of labels (delicious) a few steps can push it past float32 and the run
dies with an infinite loss, so ``grad_clip`` can cap the norm of every step's gradient.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.latent import InputLinear, LatentModel


def _mlp(sizes: list[int], dropout: float) -> nn.Sequential:
    """Linear layers with leaky ReLU (and dropout) between them; the last layer is linear."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append((InputLinear if i == 0 else nn.Linear)(a, b))  # x may arrive sparse
        if i < len(sizes) - 2:
            layers += [nn.LeakyReLU(), nn.Dropout(dropout)]
    return nn.Sequential(*layers)


def pairwise_ranking_loss(scores: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """C2AE's Gamma: per row, mean over positive p and negative q of exp(s_q - s_p); mean over
    rows. The pair sum factorises, sum_q exp(s_q) * sum_p exp(-s_p), so it is computed from two
    masked log-sum-exps (no (B, L, L) tensor). Rows without positives or negatives add zero."""
    pos, neg = y > 0, y <= 0
    n_pos, n_neg = pos.sum(1), neg.sum(1)
    lse_neg = torch.logsumexp(scores.masked_fill(~neg, float("-inf")), 1)
    lse_pos = torch.logsumexp((-scores).masked_fill(~pos, float("-inf")), 1)
    valid = (n_pos > 0) & (n_neg > 0)
    log_mean = lse_neg + lse_pos - torch.log(n_pos.clamp(min=1).to(scores.dtype)) \
        - torch.log(n_neg.clamp(min=1).to(scores.dtype))
    per_row = torch.where(valid, torch.exp(log_mean.masked_fill(~valid, 0.0)), torch.zeros_like(log_mean))
    return per_row.mean()


def cca_penalty(z: torch.Tensor) -> torch.Tensor:
    """||Z^T Z / B - I||_F^2 / K: how far the batch's latent dimensions are from being
    uncorrelated with unit second moment."""
    B, K = z.shape
    gram = z.T @ z / B
    return ((gram - torch.eye(K, device=z.device, dtype=z.dtype)) ** 2).sum() / K


class C2AENetwork(nn.Module):
    def __init__(self, n_features: int, n_labels: int, latent: int, hidden: int, dropout: float):
        super().__init__()
        self.fx = _mlp([n_features, hidden, hidden, latent], dropout)
        self.fe = _mlp([n_labels, hidden, latent], dropout)
        self.fd = _mlp([latent, hidden, n_labels], dropout)


class C2AE(LatentModel):
    name = "c2ae"

    def __init__(self, *, seed: int = 0, device: str = "auto", latent_ratio: float = 0.8,
                 hidden: int = 512, alpha: float = 0.5, lam: float = 1.0, bce_weight: float = 1.0,
                 dropout: float = 0.0, lr: float = 1e-3, weight_decay: float = 1e-5,
                 epochs: int = 100, patience: int | None = None, batch_size: int = 128,
                 standardize: bool = True, grad_clip: float | None = None,
                 progress: bool = False) -> None:
        super().__init__(seed=seed, device=device)
        for key, value in (("latent_ratio", latent_ratio), ("hidden", hidden), ("lr", lr),
                           ("epochs", epochs), ("batch_size", batch_size)):
            if not value > 0:
                raise ValueError(f"c2ae: {key} must be > 0, got {value!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"c2ae: dropout is a drop probability in [0, 1), got {dropout!r}")
        if grad_clip is not None and not grad_clip > 0:
            raise ValueError(f"c2ae: grad_clip is a gradient norm > 0 (or None for none), got {grad_clip!r}")
        self.params = dict(latent_ratio=latent_ratio, hidden=hidden, alpha=alpha, lam=lam,
                           bce_weight=bce_weight, dropout=dropout, lr=lr, weight_decay=weight_decay,
                           epochs=epochs, patience=patience, batch_size=batch_size,
                           standardize=standardize, grad_clip=grad_clip)
        self.progress = progress
        self.net: C2AENetwork | None = None

    def _loss(self, x: torch.Tensor, y: torch.Tensor) -> dict:
        p, net = self.params, self.net
        zx, ze = net.fx(x), net.fe(y)
        phi = ((zx - ze) ** 2).sum(1).mean() + p["lam"] * (cca_penalty(zx) + cca_penalty(ze))
        out = net.fd(ze)
        gamma = pairwise_ranking_loss(out, y)
        bce = F.binary_cross_entropy_with_logits(out, y, reduction="none").sum(1).mean()
        total = phi + p["alpha"] * (gamma + p["bce_weight"] * bce)
        return {"phi": phi, "gamma": gamma, "bce": bce, "total": total}

    def _build(self, train_data: Dataset) -> nn.Module:
        L = train_data.n_labels
        self._latent = max(2, int(round(self.params["latent_ratio"] * L)))
        return C2AENetwork(train_data.n_features, L, self._latent, self.params["hidden"],
                           self.params["dropout"])

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        """Decoder outputs F_d(F_x(x))."""
        return self.net.fd(self.net.fx(x))

    def _extra_fit_info(self, train_data: Dataset) -> dict:
        return {"latent_dim": self._latent}
