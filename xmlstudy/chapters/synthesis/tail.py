"""Tail labels: how well each method recalls the rarest labels, which several of the papers
argue for and none measured.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import methods

from .experiment_grid import DATASETS, METHODS


def tail_table(records: pd.DataFrame) -> pd.DataFrame:
    """Data sets x methods: recall@5 on the rarest quarter of the labels (by training
    frequency), mean over seeds in percent, where the records keep it."""
    if not len(records) or "bucket-recall@5" not in records.columns:
        return pd.DataFrame()
    rare = records["bucket-recall@5"].map(lambda b: b[0] if isinstance(b, list) and b and b[0] is not None else np.nan)
    frame = records.assign(value=pd.to_numeric(rare, errors="coerce")).dropna(subset=["value"])
    if not len(frame):
        return pd.DataFrame()
    table = frame.pivot_table(index="dataset", columns="method", values="value", aggfunc="mean")
    table = table.reindex(index=[d for d in DATASETS if d in table.index],
                          columns=[m for m in METHODS if m in table.columns])
    return (100 * table).round(2).rename(columns=methods.name).rename_axis(index="dataset", columns=None)


def tail_winners(table: pd.DataFrame) -> dict:
    """Who wins each data set of a :func:`tail_table` (as the page shows it, two decimals): a
    win needs at least two methods with a value and the best strictly ahead of the next. Returns
    ``{"won": the winner of each data set won, "tied": data sets whose top is shared (0.00
    everywhere, say), "alone": data sets where one method alone has a value}``."""
    out = {"won": [], "tied": [], "alone": []}
    for dataset, row in table.iterrows():
        values = row.dropna().sort_values(ascending=False, kind="stable")
        if len(values) < 2:
            out["alone"].append(dataset)
        elif values.iloc[0] > values.iloc[1]:
            out["won"].append(values.index[0])
        else:
            out["tied"].append(dataset)
    return out
