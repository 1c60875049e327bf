"""The benchmark: every method on every data set, as the page's table (mean ± std over seeds), as
the data sets x methods matrix of means that the ranks, the leads and the frontier read, and as
the per-seed scores the claims are judged on; which data sets that matrix is complete on; and the
best method of a group.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import failed_runs, methods
from xmlstudy.formatting import DETERMINISTIC_MARK, DETERMINISTIC_NOTE, FAILED_MARK
from xmlstudy.tables import annotate, failures, mean_std, record_field, summarize

from .experiment_grid import BUDGET, DATASETS, METHODS


def benchmark_table(records: pd.DataFrame, metric: str = "P@1", scale: float = 100.0,
                    digits: int = 2) -> pd.DataFrame:
    """Data sets x methods: mean ± std over seeds of ``metric``; a cell left out says why. A
    deterministic method shows its one value (its name marked); a cell that a failed seed or a
    stalled fit enters (:mod:`xmlstudy.failed_runs`) is marked and named in a note."""
    stats = summarize(records, [metric]) if len(records) else pd.DataFrame(
        columns=["dataset", "method", "mean", "std", "n"])
    cells = {(r.dataset, r.method): mean_std(r.mean, r.std, r.n, scale, digits,
                                             deterministic=r.method in methods.DETERMINISTIC)
             for r in stats.itertuples(index=False)}
    found = failures(records, [metric]) + failed_runs.stalled(score_matrix(records, metric), metric)
    for failure in found:
        key = (failure.get("dataset"), failure.get("method"))
        if key in cells and not cells[key].endswith(FAILED_MARK):
            cells[key] = f"{cells[key]} {FAILED_MARK}"
    present = [d for d in DATASETS if any(k[0] == d for k in cells)]
    rows = {}
    for d in present:
        rows[d] = {methods.name(m): cells.get((d, m), "budget" if (m, d) in BUDGET else "to run")
                   for m in METHODS}
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis(index="dataset")
    marks = {methods.name(m): DETERMINISTIC_MARK for m in methods.DETERMINISTIC if methods.name(m) in table.columns}
    return annotate(table, marks=marks, notes=([DETERMINISTIC_NOTE] if marks else [])
                    + [f.note(scale, digits) for f in found])


def score_matrix(records: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Data sets x methods: the mean over seeds of ``metric`` (NaN where not run)."""
    if not len(records):
        return pd.DataFrame(columns=list(METHODS))
    stats = summarize(records, [metric])
    matrix = stats.pivot_table(index="dataset", columns="method", values="mean")
    return matrix.reindex(index=[d for d in DATASETS if d in matrix.index],
                          columns=[m for m in METHODS if m in matrix.columns])


def seed_scores(records: pd.DataFrame, metrics) -> pd.DataFrame:
    """One row per run: ``dataset``, ``seed``, ``method`` and ``value``, the mean of ``metrics``
    (one metric path, or several: a claim about P@k reads the mean of P@1, P@3 and P@5) in
    points; runs without every metric are left out. The long frame of
    :func:`xmlstudy.rules.best_of_set`."""
    metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    if not len(records):
        return pd.DataFrame(columns=["dataset", "seed", "method", "value"])
    values = pd.concat([pd.to_numeric(record_field(records, m), errors="coerce") for m in metrics],
                       axis=1).mean(axis=1, skipna=False)
    frame = records[["dataset", "seed", "method"]].assign(value=100 * values.to_numpy())
    return frame.dropna(subset=["value"]).reset_index(drop=True)


def complete(matrix: pd.DataFrame) -> pd.DataFrame:
    """The data sets on which every method of ``matrix`` has a score (ranks need every method
    on every data set); methods with no score at all are dropped first."""
    matrix = matrix.dropna(axis=1, how="all")
    return matrix.dropna(axis=0, how="any")


def coverage(records: pd.DataFrame, metric: str = "P@1") -> dict:
    """Which data sets the ranks of ``metric`` stand on, and what keeps the others out (the
    ranks and diagrams need every method on a data set): ``{"complete": data sets where every
    method has records, "with_records": how many data sets have any, "budget": data sets with a
    cell over the machine's budget, "to_run": "data set method" of every other missing cell}``."""
    matrix = score_matrix(records, metric).dropna(axis=1, how="all")
    return {"complete": list(complete(matrix).index), "with_records": len(matrix),
            "budget": [d for d in matrix.index if any((m, d) in BUDGET for m in matrix.columns)],
            "to_run": [f"{d} {methods.name(m)}" for d in matrix.index for m in matrix.columns
                       if pd.isna(matrix.loc[d, m]) and (m, d) not in BUDGET]}


def winners(table: pd.DataFrame, by, column: str, lowest: bool = False) -> list:
    """``[(key, group, best row)]`` per group of ``table`` (rows are methods) that has at least
    three methods with a ``column`` value: the method with the highest (``lowest``: the lowest)."""
    out = []
    for key, group in table.dropna(subset=[column]).groupby(by, sort=False):
        if len(group) >= 3:
            out.append((key, group, group.sort_values(column, ascending=lowest).iloc[0]))
    return out
