"""What a loaded data set looks like: sizes, label cardinality and how heavy its label tail is.

For the data pages and for checking a new data set: ``describe(data.load(name))`` returns one
flat dict of plain numbers, so it prints as a table row or a JSON line.
"""
from __future__ import annotations

import numpy as np

from xmlstudy.data.dataset import Splits

QUANTILES = (0.0, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0)
RARE_AT_MOST = 5  # "tail" labels: at most this many training rows


def describe(splits: Splits) -> dict:
    """Rows per split, features, labels, label cardinality per split, the quantiles of the
    number of training rows per label, the share of labels with at most :data:`RARE_AT_MOST`
    training rows (and with none), and the rows without any label per split."""
    parts = {"train": splits.train, "valid": splits.valid, "test": splits.test}
    parts = {k: v for k, v in parts.items() if v is not None}
    train = splits.train
    per_label = np.asarray(train.Y.sum(axis=0)).ravel()
    out: dict = {"features": train.n_features, "labels": train.n_labels}
    for name, ds in parts.items():
        out[f"{name}_rows"] = len(ds)
        out[f"{name}_cardinality"] = ds.label_cardinality
        out[f"{name}_rows_without_label"] = int((np.diff(ds.Y.indptr) == 0).sum())
    quantiles = np.quantile(per_label, QUANTILES) if per_label.size else np.zeros(len(QUANTILES))
    out.update({f"train_rows_per_label_q{int(q * 100)}": float(v) for q, v in zip(QUANTILES, quantiles)})
    out[f"share_labels_train_rows_le{RARE_AT_MOST}"] = float(np.mean(per_label <= RARE_AT_MOST))
    out["share_labels_without_train_rows"] = float(np.mean(per_label == 0))
    return out
