"""The DXML paper's published numbers as the chapter's tables use them.

Transcribed once, in ``xmlstudy/published/dxml.csv`` (read by :mod:`xmlstudy.published`): Table
1's data-set statistics, Tables 2-5 in percent (Table 2/4 rows are averages over 10 train-test
splits, section 4.2) and Table 6's seconds. Tables 3 and 5 cover only data sets the study does
not have. The chapter's tables name every data set in lower case ("mediamill").
"""
from __future__ import annotations

from xmlstudy import published

from .experiment_grid import PAPER


def _lower(table: dict) -> dict:
    table["values"] = {(d.lower(), m, metric): v for (d, m, metric), v in table["values"].items()}
    return table


def table_2() -> dict:
    """Table 2 (P@k on the small data sets, percent) keyed (dataset, printed method, metric)."""
    return _lower(published.table(PAPER, "Table 2"))


def small_tables() -> dict:
    """Tables 2 and 4 together: every P@k and nDCG@k the paper gives for the small data sets."""
    return _lower(published.table(PAPER, "Table 2", "Table 4", label="Tables 2 and 4"))


def table_6_seconds() -> dict:
    """Table 6: ``{dataset: (DXML train, DXML test, SLEEC train, SLEEC test)}`` in seconds.
    DXML trains on a GeForce GTX 1080 Ti and tests on the CPU; SLEEC trains and tests on the CPU
    (Intel Xeon E5-2680 v2 @ 2.80GHz x 6, 128 GB RAM; section 4.1)."""
    seconds = published.values(PAPER, "Table 6", by=("dataset", "printed_method", "metric"))
    order = [("DXML", "train time"), ("DXML", "test time"), ("SLEEC", "train time"),
             ("SLEEC", "test time")]
    datasets = dict.fromkeys(d for d, _, _ in seconds)
    return {d.lower(): tuple(seconds[(d, *column)] for column in order) for d in datasets}
