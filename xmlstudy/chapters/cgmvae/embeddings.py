"""What C-GMVAE's label embeddings learned (the paper's Fig. 3), measured rather than eyeballed:
the label-label inner products that the runs stored, and how they rank-correlate with the labels'
co-occurrence in the training data."""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import methods

# The records that hold C-GMVAE-family runs with stored label embeddings.
SOURCES = ("cgmvae/main", "cgmvae/ablation", "cgmvae/embeddings")


def label_grams(records: pd.DataFrame) -> list[dict]:
    """The label-label inner products that C-GMVAE runs stored in their records' fit_info: one
    dict per record that has them (method, dataset, seed, params, gram as an array)."""
    out = []
    for rec in records.to_dict("records") if len(records) else []:
        gram = (rec.get("fit_info") or {}).get("label_gram")
        if gram is not None:
            out.append({"method": rec["method"], "dataset": rec["dataset"], "seed": rec["seed"],
                        "params": rec.get("params") or {}, "gram": np.asarray(gram, dtype=float)})
    return out


def label_similarity_vs_cooccurrence(gram, Y_train) -> dict:
    """Spearman rank correlation, over label pairs i < j, between the embedding inner product
    w_i . w_j and how often the two labels co-occur in training (as counts and as the Jaccard
    index, which discounts frequent labels)."""
    import scipy.sparse as sp
    from scipy.stats import spearmanr

    Y = sp.csr_matrix(Y_train)
    Y.data[:] = 1
    co = np.asarray((Y.T @ Y).todense(), dtype=float)
    counts = np.diag(co)
    jaccard = co / np.maximum(counts[:, None] + counts[None, :] - co, 1)
    iu = np.triu_indices(co.shape[0], 1)
    gram = np.asarray(gram, dtype=float)
    rho_count = spearmanr(gram[iu], co[iu]).statistic
    rho_jaccard = spearmanr(gram[iu], jaccard[iu]).statistic
    return {"pairs": len(iu[0]), "spearman vs co-occurrence count": float(rho_count),
            "spearman vs Jaccard": float(rho_jaccard)}


def correlations(frames: dict, datasets=None) -> pd.DataFrame:
    """Per C-GMVAE-family run with stored label embeddings (main, ablation and embeddings
    records; the collapsed z-only decoder left out), the Spearman correlation of the label-label
    inner products with co-occurrence in the training labels (:func:`label_similarity_vs_cooccurrence`)."""
    from xmlstudy import data

    rows = []
    for name in SOURCES:
        for g in label_grams(frames.get(name, pd.DataFrame())):
            if g["params"].get("decoder_input") == "z" or (datasets and g["dataset"] not in datasets):
                continue
            train_Y = data.load(g["dataset"]).train.Y
            if g["gram"].shape[0] != train_Y.shape[1]:
                continue
            rows.append({"dataset": g["dataset"], "variant": methods.name(g["method"]),
                         "seed": g["seed"], **label_similarity_vs_cooccurrence(g["gram"], train_Y)})
    return pd.DataFrame(rows)
