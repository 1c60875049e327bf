"""The paper's numbers as the C-GMVAE chapter reads them, and where each metric lives in a record.

Every number is transcribed once, in ``xmlstudy/published/cgmvae.csv`` (read by
:mod:`xmlstudy.published`): Tables 1-3 (fractions, as printed; the text we have lost C-GMVAE's
micro-F1 and Hamming-accuracy rows and extracted the other rows of those two tables column by
column with repeats, so only the cells that read unambiguously carry a number), Table 4
(ablation), Table 5 (C-GMVAE on 50% of the data against MPVAE on 100%) and Table 6 (data-set
statistics); Tables 4 and 5 cover only eBird, mirflickr and nus-vec, none of which the study has.
Table 7's settings are the runs' (:data:`xmlstudy.methods.CGMVAE_TABLE7`).
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import published
from xmlstudy.chapters.cgmvae.experiment_grid import PAPER

MAIN_METRICS = ("ex-F1", "mi-F1", "ma-F1", "HA", "P@1")
SET_METRICS = ("ex-F1", "mi-F1", "ma-F1", "HA")   # the ones that need a threshold

# Our methods in the rows of Tables 1-3, in this order. "cgmvae-uni-gaussian" is the paper's
# uni-Gaussian ablation (an MPVAE-style latent space without MPVAE's probit module), set beside
# the published MPVAE row; the others are the paper's own rows ("ovr-linear", one-vs-rest logistic
# regression, is the paper's binary relevance, BR).
TABLE_ROWS = ("cgmvae", "cgmvae-uni-gaussian", "c2ae", "ovr-linear", "mlknn")
BESIDE = {"cgmvae-uni-gaussian": "MPVAE"}


def metric_path(metric: str, protocol: str) -> str:
    """Where a seed-004 metric lives in a record: set metrics under their threshold protocol."""
    return f"{protocol}/{metric}" if metric in SET_METRICS else metric


def published_main() -> dict:
    """Tables 1-3: ``{(dataset, printed method, metric): value}`` (fractions) in the form
    :func:`xmlstudy.tables.paper_vs_reproduced` reads."""
    return published.table(PAPER, "Table 1", "Table 2", "Table 3", metric=MAIN_METRICS,
                           label="Tables 1-3 (test-set-tuned thresholds, per the official code)")


def published_values(protocol: str = "best-on-test", methods=None) -> dict:
    """The paper's Tables 1-3 keyed like our records under ``protocol`` (for paper_vs_reproduced)."""
    main = published_main()
    main["values"] = {(d, m, metric_path(metric, protocol)): v
                      for (d, m, metric), v in main["values"].items()
                      if methods is None or m in methods}
    return main


def paper_names() -> dict:
    """Our method -> the row of Tables 1-3 (printed name) it is set beside."""
    printed = {**published.printed_names(PAPER, "Table 1"), **BESIDE}
    return {method: printed[method] for method in TABLE_ROWS}


def published_ablation() -> pd.DataFrame:
    """The paper's Table 4 on its own data (not available here)."""
    return pd.DataFrame([{"dataset": d, "variant": v, metric: x}
                         for (d, v, metric), x in published.values(PAPER, "Table 4").items()]
                        ).groupby(["dataset", "variant"], sort=False).first()
