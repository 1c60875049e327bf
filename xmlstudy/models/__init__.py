"""All methods of the study behind one interface (:class:`~xmlstudy.models.base.Model`).

``create(method, seed=..., device=..., **params)`` builds a method by its name in result records.
Methods are imported lazily so that the baselines do not pull in torch, and the other way round.
``uses_gpu(method)`` says whether a method can run on a GPU, from this registry alone (nothing
is imported or built): the grid runner asks it for every configuration it sends to a worker.
"""
from __future__ import annotations

import importlib
import inspect
from typing import NamedTuple

from xmlstudy.models.base import Model, resolve_device


class Method(NamedTuple):
    """Where a method's class lives (``"module:ClassName"``), and whether it can use a GPU: a
    torch network, which runs on the device it is given; the others (scikit-learn, omikuji,
    fastText, full-batch factorizations of sparse labels) fix the CPU themselves."""

    path: str
    gpu: bool


# method name (as written in result records) -> its class, and whether it can use a GPU
# (tests/test_model_interface.py checks each flag against the method built)
METHODS: dict[str, Method] = {
    # foundation baselines (xmlstudy.models.baselines)
    "knn": Method("xmlstudy.models.baselines:KNN", gpu=False),
    "ovr-linear": Method("xmlstudy.models.baselines:OneVsRestLinear", gpu=False),
    "parabel": Method("xmlstudy.models.baselines:Parabel", gpu=False),
    # DXML and its ablations (xmlstudy.models.dxml)
    "dxml": Method("xmlstudy.models.dxml:DXML", gpu=True),
    "dxml-linear": Method("xmlstudy.models.dxml:DXMLLinear", gpu=True),
    "dxml-random-emb": Method("xmlstudy.models.dxml:DXMLRandomEmbedding", gpu=True),
    "dxml-svd-emb": Method("xmlstudy.models.dxml:DXMLSVDEmbedding", gpu=True),
    "dxml-nocluster": Method("xmlstudy.models.dxml:DXMLNoCluster", gpu=True),
    "dxml-l2": Method("xmlstudy.models.dxml:DXMLL2", gpu=True),
    # C-GMVAE, its ablations and latent-space baselines (xmlstudy.models.cgmvae, ...)
    "cgmvae": Method("xmlstudy.models.cgmvae:CGMVAE", gpu=True),
    "cgmvae-uni-gaussian": Method("xmlstudy.models.cgmvae:CGMVAEUniGaussian", gpu=True),
    "cgmvae-gm-only": Method("xmlstudy.models.cgmvae:CGMVAEGMOnly", gpu=True),
    "cgmvae-contrastive-only": Method("xmlstudy.models.cgmvae:CGMVAEContrastiveOnly", gpu=True),
    "cgmvae-official": Method("xmlstudy.models.cgmvae:CGMVAEOfficial", gpu=True),
    "c2ae": Method("xmlstudy.models.c2ae:C2AE", gpu=True),
    # Rank-AE and its ablations (xmlstudy.models.rankae)
    "rankae": Method("xmlstudy.models.rankae:RankAE", gpu=True),
    "rankae-no-attn": Method("xmlstudy.models.rankae:RankAENoAttention", gpu=True),
    "bce-ae": Method("xmlstudy.models.rankae:BCEAE", gpu=True),
    "rankae-bilstm": Method("xmlstudy.models.rankae:RankAEBiLSTM", gpu=True),
    "mlknn": Method("xmlstudy.models.mlknn:MLkNN", gpu=False),
    # the deep BCE baseline on feature vectors, beside every paper's model (xmlstudy.models.mlp)
    "mlp-bce": Method("xmlstudy.models.mlp:MLPBCE", gpu=True),
    # the deep text baselines of Rank-AE's Table 2, on raw documents (xmlstudy.models.text)
    "fasttext": Method("xmlstudy.models.text:FastText", gpu=False),
    "kim-cnn": Method("xmlstudy.models.text:KimCNN", gpu=True),
    # the deep non-negative autoencoder's two-step classifier and the factorizations it is
    # measured against (xmlstudy.models.nnae)
    "nnae": Method("xmlstudy.models.nnae:NNAE", gpu=False),
    "nnae-softplus": Method("xmlstudy.models.nnae:NNAESoftplus", gpu=False),
    "nmf": Method("xmlstudy.models.nnae:NMFTwoStep", gpu=False),
    "lda": Method("xmlstudy.models.nnae:LDATwoStep", gpu=False),
    "pca": Method("xmlstudy.models.nnae:PCATwoStep", gpu=False),
    "random-groups": Method("xmlstudy.models.nnae:RandomGroupsTwoStep", gpu=False),
    # the image track: EfficientNet-Lite0 regressing the autoencoder's codes, and fine-tuned
    # with BCE on the labels (xmlstudy.models.image)
    "nnae-image": Method("xmlstudy.models.image:NNAEImage", gpu=True),
    "image-bce": Method("xmlstudy.models.image:ImageBCE", gpu=True),
}


def available() -> list[str]:
    return sorted(METHODS)


def _entry(method: str) -> Method:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(available())}")
    return METHODS[method]


def _class(method: str) -> type:
    module_name, class_name = _entry(method).path.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def create(method: str, **params) -> Model:
    """Build the method called ``method`` with ``params`` (seed, device and its own knobs)."""
    return _class(method)(**params)


def settings_as_run(method: str, params: dict) -> dict:
    """Every constructor setting of ``method`` as it runs with ``params`` (a record's or a grid's
    ``params``): the constructor's defaults, with ``params`` over them. What the book states about
    a setting a record leaves to the default (DXML's patience, the autoencoder's steps) is read
    here, so that no page repeats a default by hand. Imports the method's module."""
    signature = inspect.signature(_class(method))
    defaults = {name: p.default for name, p in signature.parameters.items()
                if p.default is not inspect.Parameter.empty}
    return {**defaults, **params}


def uses_gpu(method: str) -> bool:
    """Whether the method called ``method`` can run on a GPU (read from :data:`METHODS`: the
    method is neither imported nor built)."""
    return _entry(method).gpu


__all__ = ["Model", "Method", "available", "create", "resolve_device", "settings_as_run", "uses_gpu",
           "METHODS"]
