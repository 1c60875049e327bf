"""Label noise, for every method: each method's score at every noise rate from its clean run on,
the relative drop at the highest rate, the curves, and who loses the least.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import methods
from xmlstudy.figures import for_page, page_figure
from xmlstudy.tables import record_field

from .benchmark import winners
from .experiment_grid import METHODS, NOISE_DATASETS, NOISE_KINDS, NOISE_RATES
from .layout import in_method_order, method_legend

TOP_RATE = f"{NOISE_RATES[-1]:.0%}"          # the column of the highest noise rate
DROP = f"drop at {TOP_RATE} (%)"             # the relative drop there, % of the clean score


def signed_change(drop: float) -> str:
    """A relative drop (%, positive = worse) as the signed change a reader expects: −4.7%, +0.5%."""
    return f"{-drop:+.1f}%".replace("-", "−")


def noise_table(records: pd.DataFrame, metric: str = "P@1") -> pd.DataFrame:
    """Per data set, noise kind and method: ``metric`` (percent) at every rate, clean first, and
    the relative drop at the highest rate (% of the clean score)."""
    if not len(records):
        return pd.DataFrame()
    values = pd.to_numeric(record_field(records, metric), errors="coerce")
    frame = records.assign(value=values.to_numpy())
    rows = []
    for (dataset, method), group in frame.groupby(["dataset", "method"], sort=False):
        clean = group.loc[group["kind"] == "clean", "value"]
        for kind in NOISE_KINDS:
            part = group[group["kind"] == kind]
            if not len(part) or not len(clean):
                continue
            row = {"dataset": dataset, "noise": kind, "method": methods.name(method),
                   "0%": round(100 * clean.mean(), 2)}
            for rate in NOISE_RATES:
                v = part.loc[np.isclose(part["rate"], rate), "value"]
                row[f"{rate:.0%}"] = round(100 * v.mean(), 2) if len(v) else np.nan
            top = row[TOP_RATE]
            row[DROP] = round(100 * (1 - top / row["0%"]), 1) if row["0%"] else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def noise_drops(records: pd.DataFrame, metrics=("P@1", "validation/ma-F1")) -> pd.DataFrame:
    """Methods x (data set, noise kind, metric): the relative drop at the highest noise rate (%
    of the clean score; lower is better), the one column of :func:`noise_table` per setting."""
    parts = []
    for metric in metrics:
        table = noise_table(records, metric)
        if len(table):
            parts.append(table.assign(metric=metric.split("/")[-1]))
    if not parts:
        return pd.DataFrame()
    long = pd.concat(parts, ignore_index=True)
    wide = long.pivot_table(index="method", columns=["dataset", "noise", "metric"], values=DROP, sort=False)
    names = [m.split("/")[-1] for m in metrics]
    wide = wide[sorted(wide.columns, key=lambda c: (NOISE_DATASETS.index(c[0]) if c[0] in NOISE_DATASETS else 99,
                                                    NOISE_KINDS.index(c[1]), names.index(c[2])))]
    wide.columns.names = [None, None, None]
    wide.index.name = None
    order = [methods.name(m) for m in METHODS]
    return wide.reindex([m for m in order if m in wide.index])


def least_lost(records: pd.DataFrame, metric: str = "P@1") -> pd.DataFrame:
    """Per data set and noise kind with records of at least three methods: the method that
    loses the least ``metric`` at the highest noise rate, its signed change from clean labels,
    of how many methods, and the method with the highest ``metric`` at that rate (percent)."""
    table = noise_table(records, metric)
    if not len(table) or DROP not in table.columns:
        return pd.DataFrame()
    label = metric.split("/")[-1]
    highest = {key: row for key, _, row in winners(table, ["dataset", "noise"], TOP_RATE)}
    rows = []
    for (dataset, kind), group, best in winners(table, ["dataset", "noise"], DROP, lowest=True):
        top = highest.get((dataset, kind))
        rows.append({"dataset": dataset, "noise": kind, "least lost": best["method"],
                     "change": signed_change(best[DROP]), "methods": len(group),
                     f"highest {label}": top["method"] if top is not None else "—",
                     f"its {label} (%)": top[TOP_RATE] if top is not None else np.nan})
    return pd.DataFrame(rows)


@for_page
def noise_figure(records: pd.DataFrame, metrics=("P@1", "validation/ma-F1")):
    """Curves of each metric against the noise rate: one panel per (data set, kind, metric),
    a row per (data set, kind) and a column per metric."""
    tables = {m: noise_table(records, m) for m in metrics}
    base = tables[metrics[0]]
    if not len(base):
        return None
    panels = list(dict.fromkeys(zip(base["dataset"], base["noise"])))
    fig, axes = page_figure(len(panels), len(metrics), panel_height=2.1)
    rates = [0.0, *NOISE_RATES]
    columns = ["0%", *[f"{r:.0%}" for r in NOISE_RATES]]
    for i, metric in enumerate(metrics):
        for j, (dataset, kind) in enumerate(panels):
            ax = axes[j][i]
            part = tables[metric]
            part = part[(part["dataset"] == dataset) & (part["noise"] == kind)]
            for row in in_method_order(part).to_dict("records"):
                key = methods.key_of(row["method"])
                ax.plot([100 * r for r in rates], [row[c] for c in columns], ms=4, label=row["method"],
                        color=methods.colour(key), marker=methods.marker(key))
            ax.set_title(f"{dataset}, {kind}")
            ax.set_xlabel("noisy training labels (%)")
            ax.set_ylabel(f"{metric.split('/')[-1]} (%)")
    method_legend(fig, set(base["method"]))
    return fig
