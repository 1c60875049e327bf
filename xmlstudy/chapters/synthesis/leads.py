"""Is the best method's lead real? Per data set the best method on P@1 against the runner-up, a
paired bootstrap over the test rows of their per-row top-1 hits (experiment "rows" reran the
leaders to record them), and how far those reruns moved from the records they repeat.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import methods, stats
from xmlstudy.records import unpack_bits
from xmlstudy.tables import annotate

from .benchmark import score_matrix


def leaders(records: pd.DataFrame, metric: str = "P@1") -> dict:
    """``{dataset: (best, runner-up)}`` by the mean of ``metric`` over seeds."""
    matrix = score_matrix(records, metric)
    out = {}
    for dataset, row in matrix.iterrows():
        row = row.dropna().sort_values(ascending=False)
        if len(row) >= 2:
            out[dataset] = (row.index[0], row.index[1])
    return out


def _hits(records: pd.DataFrame, method: str, dataset: str) -> dict:
    """``{seed: per-row top-1 hits}`` of the records of ``method`` on ``dataset`` that keep
    their per-row outcomes."""
    mine = records[(records["method"] == method) & (records["dataset"] == dataset)]
    out = {}
    for seed, rows in zip(mine["seed"], mine["rows"]):
        if isinstance(rows, dict) and "hits@1" in rows:
            out.setdefault(int(seed), unpack_bits(rows["hits@1"]))
    return out


def bootstrap_table(records: pd.DataFrame, rows_records: pd.DataFrame | None = None,
                    resamples: int = 10_000, level: float = 0.95) -> pd.DataFrame:
    """Per data set: the best method on P@1 against the runner-up, the difference of their P@1
    (points) with a paired bootstrap interval over the test rows (each row scored by its hit
    rate over the seeds both methods ran), and whether the interval excludes 0. The per-row
    outcomes come from the benchmark's records or from experiment "rows" (``rows_records``)."""
    both = records if rows_records is None or not len(rows_records) else pd.concat(
        [rows_records, records], ignore_index=True)
    rows = [lead_row(both, dataset, best, second, resamples, level)
            for dataset, (best, second) in leaders(records).items()]
    return annotate(pd.DataFrame(rows), digits={"lead (points)": 2})


def lead_row(records: pd.DataFrame, dataset: str, best: str, second: str,
             resamples: int = 10_000, level: float = 0.95) -> dict:
    """One row of :func:`bootstrap_table`: ``best`` against ``second`` on ``dataset``, the
    difference of their P@1 (points) with a paired bootstrap interval over the test rows, from
    the per-row hits the records keep."""
    a, b = _hits(records, best, dataset), _hits(records, second, dataset)
    # A method deterministic given its data ran once: its one run stands for every seed.
    for mine, other, method in ((a, b, best), (b, a, second)):
        if method in methods.DETERMINISTIC and len(mine) == 1:
            (only,) = mine.values()
            mine.update({s: only for s in other})
    seeds = sorted(set(a) & set(b))
    row = {"dataset": dataset, "best": methods.name(best), "runner-up": methods.name(second)}
    if not seeds:
        return {**row, "seeds": 0, "lead (points)": np.nan, "interval": "—",
                "lead holds": "no per-row outcomes recorded"}
    # A row's score is its hit rate over the seeds: the rows, not the seeds' copies of them,
    # are what the bootstrap resamples.
    result = stats.paired_bootstrap(np.mean([a[s] for s in seeds], axis=0),
                                    np.mean([b[s] for s in seeds], axis=0),
                                    resamples=resamples, level=level)
    return {**row, "seeds": len(seeds), "lead (points)": round(100 * result["difference"], 2),
            "interval": f"[{100 * result['low']:.2f}, {100 * result['high']:.2f}]",
            "lead holds": "yes" if result["low"] > 0 else "no"}


def rerun_shift(records: pd.DataFrame, rows_records: pd.DataFrame) -> pd.DataFrame:
    """Per (method, data set) of experiment "rows": the mean P@1 of the reruns minus that of the
    records they repeat, and the standard deviation over seeds of those records. Methods with a
    stochastic fit (Parabel's trees, the networks) do not repeat bit for bit on another CPU and
    commit; their means should stay within the seeds' spread."""
    if not len(rows_records):
        return pd.DataFrame(columns=["method", "dataset", "shift", "spread"])
    rows = []
    for (method, dataset), group in rows_records.groupby(["method", "dataset"], sort=False):
        original = records[(records["method"] == method) & (records["dataset"] == dataset)]
        p1 = pd.to_numeric(original["P@1"])
        rows.append({"method": method, "dataset": dataset,
                     "shift": float(pd.to_numeric(group["P@1"]).mean() - p1.mean()),
                     "spread": float(p1.std(ddof=1)) if len(p1) > 1 else 0.0})
    return pd.DataFrame(rows)
