"""All methods of the study behind one interface (:class:`~xmlstudy.models.base.Model`).

``create(method, seed=..., device=..., **params)`` builds a method by its name in result records.
Methods are imported lazily so that the baselines do not pull in torch, and the other way round.
"""
from __future__ import annotations

import importlib

from xmlstudy.models.base import Model, resolve_device

# method name (as written in result records) -> "module:ClassName"
METHODS: dict[str, str] = {
    # foundation baselines (xmlstudy.models.baselines)
    "knn": "xmlstudy.models.baselines:KNN",
    "ovr-linear": "xmlstudy.models.baselines:OneVsRestLinear",
    "parabel": "xmlstudy.models.baselines:Parabel",
    # DXML and its ablations (xmlstudy.models.dxml)
    "dxml": "xmlstudy.models.dxml:DXML",
    "dxml-linear": "xmlstudy.models.dxml:DXMLLinear",
    "dxml-random-emb": "xmlstudy.models.dxml:DXMLRandomEmbedding",
    "dxml-svd-emb": "xmlstudy.models.dxml:DXMLSVDEmbedding",
    "dxml-nocluster": "xmlstudy.models.dxml:DXMLNoCluster",
    "dxml-l2": "xmlstudy.models.dxml:DXMLL2",
    # C-GMVAE, its ablations and latent-space baselines (xmlstudy.models.cgmvae, ...)
    "cgmvae": "xmlstudy.models.cgmvae:CGMVAE",
    "cgmvae-uni-gaussian": "xmlstudy.models.cgmvae:CGMVAEUniGaussian",
    "cgmvae-gm-only": "xmlstudy.models.cgmvae:CGMVAEGMOnly",
    "cgmvae-contrastive-only": "xmlstudy.models.cgmvae:CGMVAEContrastiveOnly",
    "cgmvae-official": "xmlstudy.models.cgmvae:CGMVAEOfficial",
    "c2ae": "xmlstudy.models.c2ae:C2AE",
    # Rank-AE and its ablations (xmlstudy.models.rankae)
    "rankae": "xmlstudy.models.rankae:RankAE",
    "rankae-no-attn": "xmlstudy.models.rankae:RankAENoAttention",
    "bce-ae": "xmlstudy.models.rankae:BCEAE",
    "rankae-bilstm": "xmlstudy.models.rankae:RankAEBiLSTM",
    "mlknn": "xmlstudy.models.mlknn:MLkNN",
    # the deep BCE baseline on feature vectors, beside every paper's model (xmlstudy.models.mlp)
    "mlp-bce": "xmlstudy.models.mlp:MLPBCE",
    # the deep text baselines of Rank-AE's Table 2, on raw documents (xmlstudy.models.text)
    "fasttext": "xmlstudy.models.text:FastText",
    "kim-cnn": "xmlstudy.models.text:KimCNN",
    # the deep non-negative autoencoder's two-step classifier and the factorizations it is
    # measured against (xmlstudy.models.nnae)
    "nnae": "xmlstudy.models.nnae:NNAE",
    "nnae-softplus": "xmlstudy.models.nnae:NNAESoftplus",
    "nmf": "xmlstudy.models.nnae:NMFTwoStep",
    "lda": "xmlstudy.models.nnae:LDATwoStep",
    "pca": "xmlstudy.models.nnae:PCATwoStep",
    "random-groups": "xmlstudy.models.nnae:RandomGroupsTwoStep",
    # the image track: EfficientNet-Lite0 regressing the autoencoder's codes, and fine-tuned
    # with BCE on the labels (xmlstudy.models.image)
    "nnae-image": "xmlstudy.models.image:NNAEImage",
    "image-bce": "xmlstudy.models.image:ImageBCE",
}


def available() -> list[str]:
    return sorted(METHODS)


def create(method: str, **params) -> Model:
    """Build the method called ``method`` with ``params`` (seed, device and its own knobs)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(available())}")
    module_name, class_name = METHODS[method].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(**params)


__all__ = ["Model", "available", "create", "resolve_device", "METHODS"]
