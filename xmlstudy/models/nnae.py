"""The deep non-negative autoencoder of Kang et al. (*Towards Interpretable Deep Extreme
Multi-label Learning*, 2019) and the two-step classifier built on it, with the shallow
factorizations the chapter measures it against.

The autoencoder (section 3) encodes the n x p label matrix V as W1 = V H1, W2 = W1 H2 (64 and
16 units) and decodes with the same weights transposed, V' = W2 H2^T H1^T, minimising
||V - V'||_F^2 subject to H >= 0. With G = H1 H2 (p x 16) and A = V G the loss is
||V||^2 - 2 ||A||^2 + <A^T A, G^T G>, which needs only the sparse V (never a dense n x p
reconstruction), so every step is full-batch. Non-negativity is kept either by projection
(negative entries set to 0 after every Adam step, what Keras' ``non_neg`` constraint does) or
by a softplus reparametrisation H = softplus(theta). The steps run in the study's one training
loop (:func:`xmlstudy.training.train`, full batch, the projection after every step).

Each factorization here has the same small interface: ``fit(V)``, ``levels`` (label groups,
p x k, finest level first), ``encode(V)`` (the codes of every level) and ``decode(code)`` (label
scores from the codes of the last level). :class:`TwoStep` turns one into a classifier: it fits
the factorization on the training labels, regresses the last level's codes from the features
(ridge regression: identity output, squared loss, its penalty chosen on validation), and
decodes the predicted codes into label scores. When a validation split is given, ``fit`` also
measures the factorization on those held-out rows (:mod:`xmlstudy.explain`) and keeps the
numbers, and the hierarchy itself, in ``fit_info``.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F

from xmlstudy import explain, training
from xmlstudy.data.dataset import Dataset
from xmlstudy.models.base import Model

VARIANTS = ("projection", "softplus")
RIDGE_ALPHAS = (0.1, 1.0, 10.0, 100.0)


def _csr(V) -> sp.csr_matrix:
    return sp.csr_matrix(V, dtype=np.float32)


def _torch_csr(V: sp.csr_matrix) -> torch.Tensor:
    V = V.tocoo()
    return torch.sparse_coo_tensor(np.vstack([V.row, V.col]), V.data, V.shape, dtype=torch.float32,
                                   check_invariants=False).coalesce()


def _inverse_softplus(x: torch.Tensor) -> torch.Tensor:
    return x + torch.log(-torch.expm1(-x))


class NonNegativeAutoencoder:
    """The deep non-negative autoencoder with tied, transposed weights (any depth)."""

    def __init__(self, units=(64, 16), variant: str = "projection", epochs: int = 500,
                 lr: float = 0.1, seed: int = 0) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"variant: got {variant!r}; valid: {', '.join(VARIANTS)}")
        self.units, self.variant, self.epochs, self.lr, self.seed = tuple(units), variant, epochs, lr, seed
        self.history: list[float] = []
        self.after_step = None   # called with the weights after every step (tests watch it)

    def _weights(self, params) -> list[torch.Tensor]:
        return [F.softplus(t) for t in params] if self.variant == "softplus" else list(params)

    @staticmethod
    def loss_terms(V: torch.Tensor, Hs: list[torch.Tensor], v_norm2: float) -> torch.Tensor:
        """||V - V G G^T||_F^2 / ||V||_F^2 with G the product of ``Hs``, from sparse V."""
        G = Hs[0]
        for H in Hs[1:]:
            G = G @ H
        A = torch.sparse.mm(V, G)
        ata, gtg = A.T @ A, G.T @ G
        return (v_norm2 - 2 * (A * A).sum() + (ata * gtg).sum()) / v_norm2

    def fit(self, V) -> "NonNegativeAutoencoder":
        V = _csr(V)
        p = V.shape[1]
        gen = torch.Generator().manual_seed(self.seed)
        sizes = (p, *self.units)
        init = [torch.rand(a, b, generator=gen) for a, b in zip(sizes, sizes[1:])]
        # A uniform positive start, rescaled so that c V G G^T fits V best: otherwise the start's
        # reconstruction is orders of magnitude off and the first hundreds of steps only rescale.
        Vt, v_norm2 = _torch_csr(V), float(V.multiply(V).sum())
        with torch.no_grad():
            G = init[0]
            for h in init[1:]:
                G = G @ h
            A = torch.sparse.mm(Vt, G)
            c = float((A * A).sum() / ((A.T @ A) * (G.T @ G)).sum())
            init = [h * c ** (1 / (2 * len(init))) for h in init]
        factors = torch.nn.ParameterList(
            _inverse_softplus(h.clamp_min(1e-4)) if self.variant == "softplus" else h for h in init)
        params = list(factors)
        # Projected weights live on the scale of 1/sqrt(p); softplus parameters on a log scale.
        opt = torch.optim.Adam(params, lr=self.lr / np.sqrt(p) if self.variant == "projection" else self.lr)

        def step(rows):   # full batch: every step sees all of V
            return self.loss_terms(Vt, self._weights(params), v_norm2)

        def after_step():
            if self.variant == "projection":   # Keras' non_neg: negative entries back to 0
                for h in params:
                    h.clamp_(min=0.0)
            if self.after_step is not None:
                self.after_step([w.detach().numpy() for w in self._weights(params)])

        # One epoch is one full-batch step, without validation: the loop's history is the loss
        # of every step.
        result = training.train(factors, opt, step, V.shape[0], epochs=self.epochs, batch_size=None,
                                seed=self.seed, after_step=after_step, progress=False,
                                desc="non-negative autoencoder")
        self.history = [entry["loss"] for entry in result.history]
        with torch.no_grad():
            self.H = [w.detach().numpy().astype(np.float64) for w in self._weights(params)]
        return self

    @property
    def G(self) -> np.ndarray:
        G = self.H[0]
        for H in self.H[1:]:
            G = G @ H
        return G

    @property
    def levels(self) -> list[np.ndarray]:
        out, G = [], None
        for H in self.H:
            G = H if G is None else G @ H
            out.append(G)
        return out

    def encode(self, V) -> list[np.ndarray]:
        V = _csr(V)
        return [np.asarray(V @ L) for L in self.levels]

    def decode(self, code: np.ndarray) -> np.ndarray:
        """V' = W_L H_L^T ... H_1^T: the decoder is the encoder transposed."""
        out = np.asarray(code)
        for H in reversed(self.H):
            out = out @ H.T
        return out

    def reconstruct(self, V) -> np.ndarray:
        return self.decode(self.encode(V)[-1])


class NMFFactorization:
    """V ~ W H (scikit-learn NMF, Frobenius loss, random start seeded so that seeds differ as
    the autoencoder's do); ``levels=2``: the two-level NMF, a second NMF of the first level's codes
    (W1 ~ W2 B2, level-2 groups B2 B1 over labels)."""

    def __init__(self, units=(64,), seed: int = 0, max_iter: int = 200) -> None:
        self.units, self.seed, self.max_iter = tuple(units), seed, max_iter

    def fit(self, V) -> "NMFFactorization":
        from sklearn.decomposition import NMF

        self.models, X = [], _csr(V)
        for k in self.units:
            m = NMF(n_components=k, init="random", random_state=self.seed, max_iter=self.max_iter)
            X = m.fit_transform(X)
            self.models.append(m)
        return self

    @property
    def levels(self) -> list[np.ndarray]:
        out, B = [], None
        for m in self.models:
            B = m.components_ if B is None else m.components_ @ B
            out.append(B.T)
        return out

    def encode(self, V) -> list[np.ndarray]:
        out, X = [], _csr(V)
        for m in self.models:
            X = m.transform(X)
            out.append(X)
        return out

    def decode(self, code) -> np.ndarray:
        return np.asarray(code) @ self.levels[-1].T

    def reconstruct(self, V) -> np.ndarray:
        return self.decode(self.encode(V)[-1])


class LDAFactorization:
    """Latent Dirichlet allocation (scikit-learn, batch variational Bayes): groups are the
    topics' label weights, codes the rows' topic proportions, and a row is decoded as the
    topic mixture of its labels' probabilities."""

    def __init__(self, units=(16,), seed: int = 0, max_iter: int = 10) -> None:
        self.units, self.seed, self.max_iter = tuple(units), seed, max_iter

    def fit(self, V) -> "LDAFactorization":
        from sklearn.decomposition import LatentDirichletAllocation

        self.model = LatentDirichletAllocation(n_components=self.units[0], learning_method="batch",
                                               max_iter=self.max_iter, random_state=self.seed)
        self.model.fit(_csr(V))
        return self

    @property
    def levels(self) -> list[np.ndarray]:
        c = self.model.components_
        return [(c / c.sum(axis=1, keepdims=True)).T]

    def encode(self, V) -> list[np.ndarray]:
        return [self.model.transform(_csr(V))]

    def decode(self, code) -> np.ndarray:
        return np.asarray(code) @ self.levels[0].T

    def reconstruct(self, V) -> np.ndarray:
        return self.decode(self.encode(V)[-1])


class PCAFactorization:
    """Principal components of the label matrix (centred, scikit-learn PCA on the sparse matrix
    through its covariance); the groups are the absolute loadings, and a row is decoded as its
    projection back onto the components plus the mean."""

    def __init__(self, units=(16,), seed: int = 0) -> None:
        self.units, self.seed = tuple(units), seed

    def fit(self, V) -> "PCAFactorization":
        from sklearn.decomposition import PCA

        self.model = PCA(n_components=self.units[0], svd_solver="covariance_eigh",
                         random_state=self.seed).fit(_csr(V))
        return self

    @property
    def levels(self) -> list[np.ndarray]:
        return [np.abs(self.model.components_.T)]

    def encode(self, V) -> list[np.ndarray]:
        return [self.model.transform(_csr(V))]

    def dominant(self, code) -> np.ndarray:
        return np.abs(code)

    def decode(self, code) -> np.ndarray:
        return self.model.inverse_transform(np.asarray(code))

    def reconstruct(self, V) -> np.ndarray:
        return self.decode(self.encode(V)[-1])


class RandomGroups:
    """The chance level: the labels dealt at random into groups of (nearly) equal size, with
    random weights inside a group; a row's code is how many of its labels fall in each group,
    decoded back through the same (column-normalised) memberships."""

    def __init__(self, units=(16,), seed: int = 0) -> None:
        self.units, self.seed = tuple(units), seed

    def fit(self, V) -> "RandomGroups":
        p, k = V.shape[1], self.units[0]
        rng = np.random.default_rng(self.seed)
        member = rng.permutation(np.arange(p) % k)
        G = np.zeros((p, k))
        G[np.arange(p), member] = rng.uniform(0.5, 1.0, p)
        self.G = G / np.linalg.norm(G, axis=0, keepdims=True).clip(1e-12)
        return self

    @property
    def levels(self) -> list[np.ndarray]:
        return [self.G]

    def encode(self, V) -> list[np.ndarray]:
        return [np.asarray(_csr(V) @ self.G)]

    def decode(self, code) -> np.ndarray:
        return np.asarray(code) @ self.G.T

    def reconstruct(self, V) -> np.ndarray:
        return self.decode(self.encode(V)[-1])


FACTORIZATIONS = {"nnae": NonNegativeAutoencoder, "nmf": NMFFactorization,
                  "lda": LDAFactorization, "pca": PCAFactorization, "random": RandomGroups}
N_TOP = 10   # labels kept per group in the records (the hierarchy shown, stability, NPMI)


class TwoStep(Model):
    """Factorize the training labels, regress the last level's codes from the features, decode.

    ``measures`` (default True) computes, on the validation rows, the faithfulness measures of
    :mod:`xmlstudy.explain` for every level, the taxonomy agreement where the data set has a
    grouping, and the spread of the top-5 predictions over the labels."""

    name = "two-step"
    factorization = "nnae"

    def __init__(self, *, seed: int = 0, device: str = "auto", units=(64, 16),
                 measures: bool = True, **factorization_params) -> None:
        super().__init__(seed=seed, device="cpu")   # full-batch on sparse labels: the CPU suffices
        self.units, self.measures = tuple(units), measures
        self.factorization_params = factorization_params

    def _new_factorization(self):
        return FACTORIZATIONS[self.factorization](units=self.units, seed=self.seed,
                                                  **self.factorization_params)

    def fit(self, train: Dataset, valid: Dataset | None = None) -> "TwoStep":
        from sklearn.linear_model import Ridge

        self.fact = self._new_factorization().fit(train.Y)
        codes = self.fact.encode(train.Y)
        target = codes[-1]
        if valid is not None and len(valid):
            valid_target = self.fact.encode(valid.Y)[-1]
            errors = {a: float(((Ridge(alpha=a).fit(train.X, target).predict(valid.X)
                                 - valid_target) ** 2).mean()) for a in RIDGE_ALPHAS}
            alpha = min(errors, key=errors.get)
        else:
            alpha = 1.0
        self.regressor = Ridge(alpha=alpha).fit(train.X, target)
        self.fit_info = {"alpha": alpha, "epochs": len(getattr(self.fact, "history", [])) or None,
                         "final_loss": (self.fact.history[-1] if getattr(self.fact, "history", None)
                                        else None)}
        if self.measures and valid is not None and len(valid):
            self.fit_info.update(self._measure(train, valid, codes))
        return self

    def _measure(self, train: Dataset, valid: Dataset, train_codes) -> dict:
        from xmlstudy import metrics

        info, fact = {}, self.fact
        held_codes = fact.encode(valid.Y)
        dominant = getattr(fact, "dominant", lambda c: c)
        for level, (groups, size) in enumerate(zip(fact.levels, self.units), start=1):
            tops = explain.top_labels(groups, N_TOP)
            info[f"L{level}"] = {
                "units": size, "npmi": explain.npmi_coherence(valid.Y, tops),
                "top": tops, "weights": [[round(float(groups[i, j]), 6) for i in top]
                                         for j, top in enumerate(tops)]}
            if valid.groups is not None:
                info[f"L{level}"].update(explain.taxonomy_agreement(dominant(held_codes[level - 1]),
                                                                    valid.groups))
                info[f"L{level}"]["probe"] = explain.linear_probe(
                    train_codes[level - 1], train.groups, held_codes[level - 1], valid.groups, self.seed)
        if isinstance(fact, NonNegativeAutoencoder) and len(fact.H) == 2:
            info["edges"] = explain.top_labels(fact.H[1], 3)
        info["completion"] = explain.recipe_completion(valid.Y, fact.reconstruct, seed=self.seed)
        recon = np.asarray(fact.reconstruct(valid.Y))
        top = np.argsort(-recon, axis=1, kind="stable")[:, :5]
        info["reconstruction"] = metrics.ranking_metrics(valid.Y, top, ks=(1, 3, 5))
        info["spread"] = explain.prediction_spread(self.topk(valid.X, 5)[0], train.Y, valid.Y)
        return info

    def scores(self, X) -> np.ndarray:
        return self.fact.decode(self.regressor.predict(sp.csr_matrix(X)))

    @property
    def n_parameters(self) -> int | None:
        sizes = sum(g.size for g in self.fact.levels[:1]) if hasattr(self, "fact") else 0
        return int(sizes + (self.regressor.coef_.size if hasattr(self, "regressor") else 0))


class NNAE(TwoStep):
    """The paper's two-step classifier: the deep non-negative autoencoder (projection)."""

    name = "nnae"

    def __init__(self, **params) -> None:
        super().__init__(**{"variant": "projection", **params})


class NNAESoftplus(TwoStep):
    """The same with the softplus reparametrisation of the weights."""

    name = "nnae-softplus"

    def __init__(self, **params) -> None:
        super().__init__(**{**params, "variant": "softplus"})


class NMFTwoStep(TwoStep):
    """NMF (``units=(k,)``) or the two-level NMF (``units=(64, 16)``) in the autoencoder's place."""

    name, factorization = "nmf", "nmf"


class LDATwoStep(TwoStep):
    name, factorization = "lda", "lda"


class PCATwoStep(TwoStep):
    name, factorization = "pca", "pca"


class RandomGroupsTwoStep(TwoStep):
    name, factorization = "random-groups", "random"
