"""C-GMVAE (Bai et al., ICML 2022): a Gaussian-mixture VAE with a contrastive loss for multi-label learning.

Feature path: x -> feature encoder [256, 512, 256] -> Gaussian posterior q(z|x) (latent 64)
-> decoder [512, 512] -> feature embedding w_x (L2-normalised, size E). Label path: one learnable
embedding w_l per label (size E) -> label encoder [512, 256] -> one Gaussian per label. The prior of a sample
is the uniform mixture of its positive labels' Gaussians (eq. 1). Prediction is
sigmoid(w_x . w_l) with z = mean of q(z|x) (section 2.2.4).

The training loss is eq. 7, L = L_KL + L_recon + alpha L_CL + beta L_CE, read as follows:

* L_KL (eq. 3): one-sample estimate log q(z0|x) - log p(z0|y), z0 ~ q(z|x).
* L_recon (eq. 4): the ELBO's reconstruction term with the same sample z0: the Bernoulli negative
  log-likelihood of y under sigmoid(dec(z0) . w_l), summed over labels.
* L_CL (eq. 5) and L_CE (eq. 6) on the feature embedding of a second sample z1 ~ q(z|x):
  the contrastive loss with the feature embedding as anchor and the positive labels' embeddings
  as positives (similarity exp(w_x . w_l / tau)), and the binary cross-entropy of
  sigmoid(w_x . w_l).

Samples without any positive label have no mixture prior (eq. 1 divides by sum(y) = 0) and no
positives for eq. 5. Here their prior is the standard normal N(0, I), and they add nothing to the
contrastive sum (the sum still divides by the batch size, as eq. 5 does).

One departure from the paper text is the default: the decoder reads concat(x, z), as the
official code's does, rather than z alone (``decoder_input="z"``, the paper's Fig. 1). With z
alone the posterior collapsed onto the prior in our trials (yeast, and a planted signal that every
other variant learns): the predictions became the label frequencies, even with a KL weight of 0.1.
The chapter's ablation keeps such runs as evidence.

Where the official code differs further (see the chapter), the differences are settings, in
:data:`OFFICIAL_SETTINGS` and the method ``cgmvae-official``: KL weight 6, cross-entropy weight 0.5
on every branch, a label branch (the decoded mean of the positive labels' means, with its own
cross-entropy and contrastive anchor), decoder input concat(x, z) with one hidden layer and a
LeakyReLU output, Adam weight decay 1e-5 and cosine warm restarts.

Ablations (Table 4): ``prior="uni-gaussian"`` replaces the mixture by one Gaussian from the
multi-hot label vector (the label embeddings summed with y as weights, as in MPVAE/C2AE), and
``alpha=0`` drops the contrastive term.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.latent import InputLinear, LatentModel

PRIORS = ("mixture", "uni-gaussian")
DECODER_INPUTS = ("z", "x+z")
SCHEDULERS = ("none", "cosine-restarts")

# The official code's choices where they differ from the paper text (its mirflickr script).
OFFICIAL_SETTINGS = dict(
    kl_weight=6.0, recon_weight=0.5, beta=0.5, alpha=1.0, label_branch=True,
    decoder_input="x+z", decoder_hidden=(512,), decoder_output="leaky_relu",
    weight_decay=1e-5, scheduler="cosine-restarts", dropout=0.5, tau=1.0, lr=0.002, epochs=90,
)

_LOG_2PI = math.log(2.0 * math.pi)
GRAM_MAX_LABELS = 400  # store the label-label inner products in fit_info up to this many labels (corel5k: 374)


# --- losses (pure functions of tensors, tested against brute force) ------------------------------

def log_normal(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """log N(z; mu, diag(exp(logvar))) per row: (B, d) -> (B,)."""
    return -0.5 * (((z - mu) ** 2) * torch.exp(-logvar) + logvar + _LOG_2PI).sum(-1)


def log_mixture_prior(z: torch.Tensor, y: torch.Tensor, comp_mu: torch.Tensor,
                      comp_logvar: torch.Tensor) -> torch.Tensor:
    """log of eq. 1: the uniform mixture of the positive labels' Gaussians at z, per row.

    z (B, d), y (B, L) 0/1, comp_mu and comp_logvar (L, d). Rows with no positive label get the
    standard normal log density. The (B, L) matrix of component log densities is built from
    three matrix products (no (B, L, d) tensor), so it scales to thousands of labels.
    """
    inv_var = torch.exp(-comp_logvar)                                          # (L, d)
    quad = (z * z) @ inv_var.T - 2.0 * z @ (comp_mu * inv_var).T \
        + (comp_mu * comp_mu * inv_var).sum(1)                                 # (B, L)
    log_comp = -0.5 * (quad + comp_logvar.sum(1) + z.shape[1] * _LOG_2PI)      # (B, L)
    positive = y > 0
    n_pos = positive.sum(1)
    masked = log_comp.masked_fill(~positive, float("-inf"))
    has_label = n_pos > 0
    # logsumexp of an all -inf row is -inf; those rows take the standard normal instead.
    mix = torch.logsumexp(masked.masked_fill(~has_label[:, None], 0.0), dim=1) \
        - torch.log(n_pos.clamp(min=1).to(z.dtype))
    standard = -0.5 * (z * z + _LOG_2PI).sum(1)
    return torch.where(has_label, mix, standard)


def contrastive_loss(inner: torch.Tensor, y: torch.Tensor, tau: float) -> torch.Tensor:
    """Eq. 5 with sim(a, b) = exp(a . b / tau), from the inner products ``inner`` (B, L) of the
    anchors with every label embedding (the same products that give the logits): mean over the
    batch of the mean over positive labels of -log softmax over all labels. Rows without
    positives contribute zero."""
    log_prob = torch.log_softmax(inner / tau, dim=1)                          # (B, L)
    per_row = -(log_prob * y).sum(1) / y.sum(1).clamp(min=1)
    return per_row.sum() / inner.shape[0]


def bce_sum(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over labels, averaged over the batch (eq. 6)."""
    return F.binary_cross_entropy_with_logits(logits, y, reduction="none").sum(1).mean()


def _mlp(sizes: list[int], dropout: float) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [(InputLinear if i == 0 else nn.Linear)(a, b), nn.ReLU(), nn.Dropout(dropout)]
    return nn.Sequential(*layers)


class CGMVAENetwork(nn.Module):
    def __init__(self, n_features: int, n_labels: int, *, emb_size: int, latent_dim: int,
                 dropout: float, prior: str, decoder_input: str, decoder_hidden: tuple,
                 decoder_output: str, feature_hidden=(256, 512, 256), label_hidden=(512, 256)):
        super().__init__()
        self.prior, self.decoder_input = prior, decoder_input
        self.encoder = _mlp([n_features, *feature_hidden], dropout)
        self.enc_mu = nn.Linear(feature_hidden[-1], latent_dim)
        self.enc_logvar = nn.Linear(feature_hidden[-1], latent_dim)
        # One embedding per label, initialised like the weight of nn.Linear(n_labels, emb_size)
        # (the official "label lookup" layer).
        bound = 1.0 / math.sqrt(n_labels)
        self.label_emb = nn.Parameter(torch.empty(n_labels, emb_size).uniform_(-bound, bound))
        self.label_encoder = _mlp([emb_size, *label_hidden], dropout)
        self.lab_mu = nn.Linear(label_hidden[-1], latent_dim)
        self.lab_logvar = nn.Linear(label_hidden[-1], latent_dim)
        # The decoder's first layer on concat(x, z) is split into its x part and its z part: the
        # x part is the same for every latent sample of a batch, so it is computed once per batch
        # (decoder_x) and shared by all decodes. Initialised as one nn.Linear on the concatenation.
        h0 = decoder_hidden[0]
        fan_in = latent_dim + (n_features if decoder_input == "x+z" else 0)
        self.dec_z = nn.Linear(latent_dim, h0)
        self.dec_x = InputLinear(n_features, h0, bias=False) if decoder_input == "x+z" else None
        init_bound = 1.0 / math.sqrt(fan_in)
        for param in [self.dec_z.weight, self.dec_z.bias] + ([self.dec_x.weight] if self.dec_x is not None else []):
            nn.init.uniform_(param, -init_bound, init_bound)
        layers: list[nn.Module] = [nn.ReLU()]
        for a, b in zip(decoder_hidden[:-1], decoder_hidden[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        layers.append(nn.Linear(decoder_hidden[-1], emb_size))
        if decoder_output == "leaky_relu":
            layers.append(nn.LeakyReLU())
        self.decoder = nn.Sequential(*layers)

    def encode(self, x):
        h = self.encoder(x)
        return self.enc_mu(h), self.enc_logvar(h)

    def label_gaussians(self, inputs):
        """Gaussians from label-encoder inputs: the label embeddings (mixture: one per label) or
        y @ embeddings (uni-Gaussian: one per sample)."""
        h = self.label_encoder(inputs)
        return self.lab_mu(h), self.lab_logvar(h)

    def decoder_x(self, x):
        """The x part of the decoder's first layer (None when the decoder reads z only)."""
        return None if self.dec_x is None else self.dec_x(x)

    def decode(self, hx, z):
        """Feature embedding from a latent sample z and the batch's ``decoder_x(x)``."""
        h = self.dec_z(z) if hx is None else self.dec_z(z) + hx
        return F.normalize(self.decoder(h), dim=1)

    def logits(self, emb):
        return emb @ self.label_emb.T


# --- the method ----------------------------------------------------------------------------------

class CGMVAE(LatentModel):
    """C-GMVAE and its ablations. Defaults are the paper's (appendix B.1, Table 7 "most runs")."""

    name = "cgmvae"

    def __init__(self, *, seed: int = 0, device: str = "auto", lr: float = 0.002,
                 alpha: float = 1.0, beta: float = 0.5, kl_weight: float = 1.0,
                 recon_weight: float = 1.0, emb_size: int = 2048, latent_dim: int = 64,
                 dropout: float = 0.5, tau: float = 1.0, prior: str = "mixture",
                 decoder_input: str = "x+z", decoder_hidden=(512, 512), decoder_output: str = "linear",
                 label_branch: bool = False, weight_decay: float = 0.0, scheduler: str = "none",
                 epochs: int = 100, patience: int | None = None, batch_size: int = 128,
                 standardize: bool = True, progress: bool = False) -> None:
        super().__init__(seed=seed, device=device)
        for key, value, valid in (("prior", prior, PRIORS), ("decoder_input", decoder_input, DECODER_INPUTS),
                                  ("scheduler", scheduler, SCHEDULERS),
                                  ("decoder_output", decoder_output, ("linear", "leaky_relu"))):
            if value not in valid:
                raise ValueError(f"{self.name}: {key}={value!r} is not valid; choose one of {valid}")
        for key, value in (("lr", lr), ("emb_size", emb_size), ("latent_dim", latent_dim),
                           ("tau", tau), ("epochs", epochs), ("batch_size", batch_size)):
            if not value > 0:
                raise ValueError(f"{self.name}: {key} must be > 0, got {value!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"{self.name}: dropout is a drop probability in [0, 1), got {dropout!r}")
        self.params = dict(
            lr=lr, alpha=alpha, beta=beta, kl_weight=kl_weight, recon_weight=recon_weight,
            emb_size=emb_size, latent_dim=latent_dim, dropout=dropout, tau=tau, prior=prior,
            decoder_input=decoder_input, decoder_hidden=tuple(decoder_hidden),
            decoder_output=decoder_output, label_branch=label_branch, weight_decay=weight_decay,
            scheduler=scheduler, epochs=epochs, patience=patience, batch_size=batch_size,
            standardize=standardize)
        self.progress = progress
        self.net: CGMVAENetwork | None = None

    def _loss(self, x: torch.Tensor, y: torch.Tensor) -> dict:
        p, net = self.params, self.net
        mu, logvar = net.encode(x)
        std = torch.exp(0.5 * logvar)
        z0 = mu + std * torch.randn_like(std)
        z1 = mu + std * torch.randn_like(std)
        if p["prior"] == "mixture":
            comp_mu, comp_logvar = net.label_gaussians(net.label_emb)
            log_prior = log_mixture_prior(z0, y, comp_mu, comp_logvar)
        else:
            y_mu, y_logvar = net.label_gaussians(y @ net.label_emb)
            log_prior = log_normal(z0, y_mu, y_logvar)
        kl = (log_normal(z0, mu, logvar) - log_prior).mean()
        hx = net.decoder_x(x)
        recon = bce_sum(net.logits(net.decode(hx, z0)), y)
        logits1 = net.logits(net.decode(hx, z1))
        ce = bce_sum(logits1, y)
        inner, inner_y = logits1, y
        total = p["kl_weight"] * kl + p["recon_weight"] * recon + p["beta"] * ce
        parts = {"kl": kl, "recon": recon, "ce": ce}
        if p["label_branch"]:
            # Official-code label branch: decode the mean of the positive labels' means (the
            # standard-normal mean 0 for label-less rows) and train it like the feature branch.
            if p["prior"] == "mixture":
                z_label = (y @ comp_mu) / y.sum(1, keepdim=True).clamp(min=1)
            else:
                z_label = y_mu
            logits_label = net.logits(net.decode(hx, z_label))
            label_ce = bce_sum(logits_label, y)
            total = total + p["beta"] * label_ce
            parts["label_ce"] = label_ce
            inner, inner_y = torch.cat([logits_label, logits1]), torch.cat([y, y])
        if p["alpha"] > 0:
            cl = contrastive_loss(inner, inner_y, p["tau"])
            total = total + p["alpha"] * cl
            parts["cl"] = cl
        parts["total"] = total
        return parts

    def _build(self, train_data: Dataset) -> nn.Module:
        p = self.params
        return CGMVAENetwork(
            train_data.n_features, train_data.n_labels, emb_size=p["emb_size"],
            latent_dim=p["latent_dim"], dropout=p["dropout"], prior=p["prior"],
            decoder_input=p["decoder_input"], decoder_hidden=p["decoder_hidden"],
            decoder_output=p["decoder_output"])

    def _scheduler(self, optimizer: torch.optim.Optimizer):
        if self.params["scheduler"] == "cosine-restarts":
            return torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
                optimizer, T_0=50, T_mult=2, eta_min=2e-4)
        return None

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits w_x . w_l with z = the posterior mean (section 2.2.4)."""
        mu, _ = self.net.encode(x)
        return self.net.logits(self.net.decode(self.net.decoder_x(x), mu))

    def _extra_fit_info(self, train_data: Dataset) -> dict:
        if train_data.n_labels > GRAM_MAX_LABELS:
            return {}
        # Label-label inner products of the learned embeddings (Fig. 3), small enough to keep
        # in the record so the chapter can draw them without refitting.
        W = self.label_embeddings().astype(np.float64)
        return {"label_gram": np.round(W @ W.T, 4).tolist()}

    def label_embeddings(self) -> np.ndarray:
        """The learned label embeddings w_l (L x E), for the label-label inner products (Fig. 3)."""
        return self.net.label_emb.detach().cpu().numpy()


def _fixed(method: str, params: dict, **defining) -> dict:
    """An ablation variant is defined by some settings (no contrastive term: alpha = 0; one
    Gaussian: prior = "uni-gaussian"); a caller may repeat them but never override them, or the
    variant would silently be another method."""
    for key, value in defining.items():
        if key in params and params[key] != value:
            raise ValueError(f"{method} is defined by {key}={value!r}; got {key}={params[key]!r}. "
                             f"Leave {key} out, or use another method")
    return {**params, **defining}


class CGMVAEUniGaussian(CGMVAE):
    """Ablation "uni-Gaussian" (MPVAE-style latent space: one Gaussian from the label vector),
    without the contrastive term."""

    name = "cgmvae-uni-gaussian"

    def __init__(self, **params):
        super().__init__(**_fixed(self.name, params, prior="uni-gaussian", alpha=0.0))


class CGMVAEGMOnly(CGMVAE):
    """Ablation "GM only": the Gaussian-mixture prior without the contrastive term."""

    name = "cgmvae-gm-only"

    def __init__(self, **params):
        super().__init__(**_fixed(self.name, params, alpha=0.0))


class CGMVAEContrastiveOnly(CGMVAE):
    """Ablation "contrastive only": the uni-Gaussian latent space with the contrastive term."""

    name = "cgmvae-contrastive-only"

    def __init__(self, **params):
        super().__init__(**_fixed(self.name, params, prior="uni-gaussian"))


class CGMVAEOfficial(CGMVAE):
    """C-GMVAE with the official code's settings where they differ from the paper text."""

    name = "cgmvae-official"

    def __init__(self, **params):
        for key, value in OFFICIAL_SETTINGS.items():
            params.setdefault(key, value)
        super().__init__(**params)
