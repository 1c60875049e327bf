"""Cost: what each method's run takes (fit and prediction time, peak memory, trained
parameters), timed alone on the machine by ``python -m xmlstudy bench cost``, and the
accuracy-for-time frontier: the methods no other beats on both. The grid's own times are not
read: its runs share the CPU.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import methods, stats
from xmlstudy import figures
from xmlstudy.figures import for_page, page_figure, panel_grid

from .benchmark import score_matrix
from .experiment_grid import DATASETS, METHODS


COST_FIELDS = ("fit_s", "predict_s", "peak_memory_mb", "n_parameters")


def cost_records(costs: pd.DataFrame, bench: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (method, data set) with :data:`COST_FIELDS`, from the cost benchmark's
    records as written: the latest finished record of each cell that was timed alone (another
    process using more than a fifth of a core meanwhile disqualifies a time). With ``bench``
    (the benchmark's records), only the timings of the very configurations the benchmark reads
    (a chapter's other cells, timed with ``--paper``, are not the benchmark's). A cell without
    one is absent."""
    columns = ["method", "dataset", "config_hash", *COST_FIELDS]
    if not len(costs):
        return pd.DataFrame(columns=columns)
    alone = costs["others_running"].map(lambda v: v is False or v == False)  # noqa: E712 (numpy bools)
    ok = costs[(costs["status"] == "ok") & alone]
    if bench is not None:
        ok = ok[ok["config_hash"].isin(set(bench["config_hash"]) if len(bench) else set())]
    ok = ok.drop_duplicates(["method", "dataset"], keep="last")
    rows = [{"method": r["method"], "dataset": r["dataset"], "config_hash": r["config_hash"],
             "fit_s": r["timings"].get("fit_s"), "predict_s": r["timings"].get("predict_s"),
             "peak_memory_mb": r.get("peak_memory_mb"), "n_parameters": r.get("n_parameters")}
            for r in ok.to_dict("records")]
    return pd.DataFrame(rows, columns=columns)


def cost_table(records: pd.DataFrame, field: str = "fit_s", digits: int = 1) -> pd.DataFrame:
    """Data sets x methods: a cost field of :func:`cost_records` (``fit_s``, ``predict_s``,
    ``n_parameters`` or ``peak_memory_mb``; the median where a cell has several), rounded to ``digits`` decimals except
    where that would print a cost that is not zero as 0 (a kNN fit of milliseconds): the page
    shows those in scientific notation (:func:`xmlstudy.formatting.number`)."""
    if not len(records):
        return pd.DataFrame()
    values = pd.to_numeric(records[field], errors="coerce")
    table = records.assign(value=values).pivot_table(index="dataset", columns="method",
                                                     values="value", aggfunc="median")
    table = table.reindex(index=[d for d in DATASETS if d in table.index],
                          columns=[m for m in METHODS if m in table.columns])
    table = table.where(table.abs() < 0.5 * 10 ** -digits, table.round(digits))
    return table.rename(columns=methods.name).rename_axis(index="dataset", columns=None)


def frontier(records: pd.DataFrame, costs: pd.DataFrame, metric: str = "P@1") -> dict:
    """``{dataset: (scores, fit times, on-frontier mask)}``: per data set the methods' mean
    ``metric`` over seeds (the benchmark's ``records``) and fit time timed alone
    (:func:`cost_records` ``costs``), and which methods no other beats on both
    (:func:`xmlstudy.stats.pareto_front`). A method without a time alone is left out."""
    score = score_matrix(records, metric)
    if not len(costs):
        return {}
    cost = costs.assign(value=pd.to_numeric(costs["fit_s"], errors="coerce")).pivot_table(
        index="dataset", columns="method", values="value", aggfunc="median")
    out = {}
    for dataset in score.index:
        s = score.loc[dataset].dropna()
        c = cost.loc[dataset].reindex(s.index) if dataset in cost.index else pd.Series(np.nan, s.index)
        s, c = s[c.notna()], c[c.notna()]
        if len(s):
            out[dataset] = (s, c, stats.pareto_front(c.to_numpy(), s.to_numpy()))
    return out


@for_page
def pareto_figure(records: pd.DataFrame, costs: pd.DataFrame, metric: str = "P@1"):
    """Per data set, ``metric`` against the fit time timed alone (log scale), the methods on the
    accuracy-for-time frontier (:func:`frontier`) ringed and numbered from the fastest, their
    names under the panel's title (names beside the points would cover each other)."""
    import textwrap

    if not len(records):
        return None
    fronts = frontier(records, costs, metric)
    if not fronts:
        return None
    datasets = list(fronts)
    fig, axes = page_figure(*panel_grid(len(datasets), 2), panel_height=2.6)
    for ax in axes.ravel()[len(datasets):]:
        ax.axis("off")
    for ax, dataset in zip(axes.ravel(), datasets):
        s, c, front = fronts[dataset]
        c = c.clip(lower=1e-2)   # a log axis: kNN's fit can round to 0 s
        ax.scatter(c, 100 * s, s=14, color="grey")
        ax.scatter(c[front], 100 * s[front], s=60, facecolors="none", edgecolors="tab:red")
        on_front = sorted(s.index[front], key=lambda m: c[m])
        for i, method in enumerate(on_front, start=1):
            ax.annotate(str(i), (c[method], 100 * s[method]), xytext=(4, -10), textcoords="offset points",
                        color="tab:red")
        # One entry never breaks across lines: its spaces do not break.
        names = ", ".join(f"{i} {methods.name(m)}".replace(" ", "\u00a0") for i, m in enumerate(on_front, start=1))
        lines = textwrap.wrap(names, 42, break_long_words=False, break_on_hyphens=False)
        ax.set_title("\n".join([dataset, *lines]), fontsize=figures.MIN_FONT_PT)
        ax.set_xscale("log")
        ax.set_xlabel("fit time (s, timed alone)")
        ax.set_ylabel(f"{metric} (%)")
    fig.tight_layout()
    return fig
