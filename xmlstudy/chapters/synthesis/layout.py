"""What makes the page's tables and figures read alike: methods always in the order of
:data:`~xmlstudy.chapters.synthesis.experiment_grid.METHODS` (names, colours and markers from the methods
registry), the fewer-rows data sets in theirs, and one legend for a figure of many panels.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods
from xmlstudy.figures import legend_below

from .experiment_grid import FEWER_DATASETS, METHODS


def method_legend(fig, names) -> None:
    """One legend under all panels for every method drawn in any of them, in METHODS' order (a
    panel's own legend would list only the methods of that panel)."""
    from matplotlib.lines import Line2D

    shown = [m for m in METHODS if methods.name(m) in set(names)]
    handles = [Line2D([], [], color=methods.colour(m), marker=methods.marker(m), ms=4, label=methods.name(m))
               for m in shown]
    legend_below(fig, handles, [h.get_label() for h in handles], columns=4)


def in_method_order(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a table with a ``method`` column (display names) in the order of METHODS, so
    that every legend of the page lists the methods alike."""
    order = {methods.name(m): i for i, m in enumerate(METHODS)}
    return table.sort_values("method", key=lambda c: c.map(order), kind="stable")


def in_dataset_order(table: pd.DataFrame, then: tuple = ()) -> pd.DataFrame:
    """The rows of a table with a ``dataset`` column in FEWER_DATASETS' order (then by the
    columns ``then``), keeping the order of equal rows, so the fewer-rows tables read alike."""
    order = {d: i for i, d in enumerate(FEWER_DATASETS)}
    return table.sort_values(["dataset", *then], key=lambda c: c.map(order) if c.name == "dataset" else c,
                             kind="stable").reset_index(drop=True)
