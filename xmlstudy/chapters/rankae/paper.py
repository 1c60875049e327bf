"""What the Rank-AE paper printed, in the shapes the chapter reads.

Every number is transcribed once, in ``xmlstudy/published/rankae.csv`` (read by
:mod:`xmlstudy.published`): Table 1's data-set statistics and Table 2's Delicious rows in percent,
as printed (the deep text baselines print "-" there: Delicious has no raw text; SLEEC's and
FastXML's are the numbers the Extreme Classification Repository lists for this split), Rank-AE's
IMDb row and its average rank. This module only selects from them. (How close a number must
come to count as reproduced is the rulebook's tolerance, :func:`xmlstudy.rules.current`.)
"""
from __future__ import annotations

from xmlstudy import published
from xmlstudy.chapters.rankae.experiment_grid import PAPER

METRICS = ("P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5")
# What stands in for the paper's columns in this study (the baselines chapter's methods).
STAND_INS = {"parabel": "FastXML's place (label trees)", "ovr-linear": "PD-Sparse's place (one-vs-rest linear)",
             "knn": "SLEEC's place (neighbours; SLEEC votes among neighbours in its embedding)"}


def table_2() -> dict:
    """Table 2's Delicious numbers keyed (dataset, printed method, metric), percent."""
    return published.table(PAPER, "Table 2", dataset="delicious", metric=METRICS)


def average_rank() -> dict:
    """Rank-AE's average rank in Table 2 (over the six data sets), per metric family."""
    ranks = published.values(PAPER, "Table 2", by="metric", method="rankae", dataset="Rank Score")
    return {family: ranks[f"{family} average rank"] for family in ("P@k", "nDCG@k")}


def imdb_row() -> dict:
    """Rank-AE's P@1, P@3 and P@5 on the paper's own IMDb crawl (percent), keyed by metric: not
    the study's IMDB-F, so context only."""
    return published.values(PAPER, "Table 2", by="metric", method="rankae", dataset="IMDb")
