"""Fewer training rows, for every method: scores at 10%, 50% and all of train (absolute, and
relative to C2AE as in C-GMVAE's Figure 2), the runs that early stopping ended in their first
plateau, and experiment "patience", which tells the stopping rule from the rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import experiments, failed_runs, methods, models, tables
from xmlstudy.formatting import FAILED_MARK, share
from xmlstudy.figures import for_page, page_figure, panel_grid
from xmlstudy.tables import record_field, summarize

from .benchmark import winners
from .experiment_grid import FEWER_DATASETS, METHODS, PAPER, PATIENCE_CHECK
from .layout import in_dataset_order, in_method_order, method_legend
from .sources import fewer_records

STALL_EPOCHS = 3    # a best epoch this early: early stopping ended the run in its first plateau
# A run "recovers" without early stopping when its score is at least this many times the stopped
# runs' and at least RECOVERY_POINTS above it (a tiny score doubling is no recovery).
RECOVERY_FACTOR, RECOVERY_POINTS = 1.5, 1.0


def fewer_table(records: pd.DataFrame, metric: str = "validation/ma-F1", relative: bool = False) -> pd.DataFrame:
    """(data set, method) x fraction of train: mean of ``metric`` over seeds in percent, or with
    ``relative`` its relative difference to C2AE at the same fraction (%, C-GMVAE's Figure 2).
    A ratio is only as sound as its denominator: where C2AE stalled at a share (its mean far
    below the other methods', :func:`xmlstudy.failed_runs.stalled`) the relative table shows no
    ratio for that data set and share, and says why in a note."""
    if not len(records):
        return pd.DataFrame()
    stats_ = summarize(records, [metric], by=("dataset", "method", "fraction"))
    means = stats_.pivot_table(index=["dataset", "method"], columns="fraction", values="mean")
    notes = []
    if relative:
        c2ae = means.xs("c2ae", level="method") if "c2ae" in means.index.get_level_values("method") else None
        if c2ae is None:
            return pd.DataFrame()
        for fraction in means.columns:
            for failure in failed_runs.stalled(means[fraction].unstack("method"), metric):
                if failure.get("method") == "c2ae":
                    c2ae.loc[failure.get("dataset"), fraction] = np.nan
                    where = failed_runs.Failure((*failure.group, ("fraction", fraction)), metric,
                                                failure.value, failure.others)
                    notes.append(f"no ratio where C2AE stalled: {where.note().removeprefix(FAILED_MARK + ' stalled: ')}")
        # C2AE's runs that early stopping ended in their first plateau, under half its score on
        # all of train (:func:`far_stalled`), are no denominator either.
        stuck = far_stalled(records, metric)
        for row in (stuck[stuck["method"] == methods.name("c2ae")].to_dict("records") if len(stuck) else []):
            fraction = next((f for f in c2ae.columns if share(f) == row["share"]), None)
            if fraction is not None and not pd.isna(c2ae.loc[row["dataset"], fraction]):
                c2ae.loc[row["dataset"], fraction] = np.nan
                notes.append(f"no ratio where C2AE stalled: {row['dataset']}, {row['share']} of train, "
                             f"{row['stalled seeds']} seeds ended in their first epochs at "
                             f"{row['stalled score (%)']:.2f} against {row['at 100% (%)']:.2f} on all of train")
        means = means.sub(c2ae, level="dataset").div(c2ae, level="dataset")
    table = (100 * means).round(2)
    table.columns = [share(c) for c in table.columns]
    table = table.reset_index()
    table["method"] = table["method"].map(methods.name)
    return tables.annotate(in_dataset_order(table), notes=notes)


def fewer_wide(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`fewer_table` as the page shows it: methods (in METHODS' order) x (data set,
    share of train), so eleven methods on four data sets fit one screen."""
    if not len(table):
        return table
    shares = [c for c in table.columns if c.endswith("%")]
    wide = table.set_index(["method", "dataset"])[shares].unstack("dataset")
    wide = wide.swaplevel(axis=1)
    datasets = [d for d in FEWER_DATASETS if d in set(table["dataset"])]
    wide = wide[[(d, c) for d in datasets for c in shares if (d, c) in wide.columns]]
    wide.columns.names = [None, None]
    wide.index.name = None
    wide = wide.reindex([methods.name(m) for m in METHODS if methods.name(m) in wide.index])
    return tables.annotate(wide, marks=table.attrs.get("marks"), notes=table.attrs.get("notes", ()))


def best_at_tenth(records: pd.DataFrame, metric: str = "validation/ma-F1") -> pd.DataFrame:
    """Per data set with records of at least three methods at 10% of train: the method with the
    best ``metric`` there (percent, mean over seeds), of how many methods."""
    table = fewer_table(records, metric)
    if not len(table) or "10%" not in table.columns:
        return pd.DataFrame()
    label = metric.split("/")[-1]
    return pd.DataFrame([{"dataset": dataset, "best at 10%": best["method"], f"{label} (%)": best["10%"],
                          "methods": len(group)} for dataset, group, best in winners(table, "dataset", "10%")])


def patience_range(records: pd.DataFrame) -> str:
    """The early-stopping patience the fewer-rows runs (under 100% of train) had, as a phrase:
    "8 to 15 epochs", from each record's settings and, where a record leaves it, its model's
    default (:func:`xmlstudy.models.settings_as_run`). Methods trained without epochs (kNN,
    one-vs-rest, ...) and runs without early stopping do not count; "none" when no run had one."""
    fewer = records[records["fraction"] < 1.0] if len(records) else records
    found = set()
    for method, params in zip(fewer["method"], fewer["params"]) if len(fewer) else ():
        patience = models.settings_as_run(method, params or {}).get("patience")
        if patience is not None:
            found.add(int(patience))
    if not found:
        return "none"
    return f"{min(found)} epochs" if len(found) == 1 else f"{min(found)} to {max(found)} epochs"


def stalled(records: pd.DataFrame, metric: str = "validation/ma-F1") -> pd.DataFrame:
    """The fewer-rows runs whose best validation epoch is among the first STALL_EPOCHS, so that
    early stopping (with the patience of each method's settings, :func:`patience_range`) ended
    them within about one patience window,
    often in the plateau a deep model starts in: per (data set, method, share), how many seeds
    stalled, their ``metric`` (percent, mean over those seeds: "stalled score") and the method's
    at 100% of train.
    Where a stalled run is far below the 100% score, it measures the stopping rule as much as
    the method."""
    if not len(records):
        return pd.DataFrame()
    frame = records.assign(best_epoch=pd.to_numeric(record_field(records, "fit_info/best_epoch", root=""),
                                                    errors="coerce").to_numpy(),
                           value=pd.to_numeric(record_field(records, metric), errors="coerce").to_numpy())
    full = frame[frame["fraction"] == 1.0].groupby(["dataset", "method"])["value"].mean()
    rows = []
    for (dataset, method, fraction), group in frame[frame["fraction"] < 1.0].groupby(
            ["dataset", "method", "fraction"], sort=False):
        stuck = group[group["best_epoch"] <= STALL_EPOCHS]
        if not len(stuck):
            continue
        score, at_full = round(100 * stuck["value"].mean(), 2), round(100 * full.get((dataset, method), np.nan), 2)
        # An early best epoch alone also marks good runs (a model that learns fast); the findings
        # and the verdict count only the far ones, and the page marks them.
        rows.append({"dataset": dataset, "method": methods.name(method), "share": f"{fraction:.0%}",
                     "stalled seeds": f"{len(stuck)} of {len(group)}", "stalled score (%)": score,
                     "at 100% (%)": at_full, "under half of 100%": "yes" if score < at_full / 2 else ""})
    if not rows:
        return pd.DataFrame()
    return in_dataset_order(in_method_order(pd.DataFrame(rows)), then=("share",))


def far_stalled(records: pd.DataFrame, metric: str = "validation/ma-F1") -> pd.DataFrame:
    """The rows of :func:`stalled` far below the method's score on all of train (under half)."""
    stuck = stalled(records, metric)
    return stuck[stuck["under half of 100%"] == "yes"] if len(stuck) else stuck


def patience_table(frames: dict, metric: str = "validation/ma-F1") -> pd.DataFrame:
    """Experiment "patience" beside the same cells with the chapters' early stopping: rows (data
    set, method) at PATIENCE_CHECK's share; columns ("early stopping" or "all epochs", ``metric``
    in percent or "best epoch"), means over seeds."""
    few = fewer_records(frames)
    runs = frames.get(f"{PAPER}/patience", experiments.records_frame([]))
    if not len(runs) or not len(few):
        return pd.DataFrame()
    share = PATIENCE_CHECK["fraction"]
    rows = []
    for (dataset, method), group in runs.groupby(["dataset", "method"], sort=False):
        stopped = few[(few["dataset"] == dataset) & (few["method"] == method) & np.isclose(few["fraction"], share)]
        row = {"dataset": dataset, "method": methods.name(method)}
        for label, part in (("early stopping", stopped), ("all epochs", group)):
            value = pd.to_numeric(record_field(part, metric), errors="coerce")
            epoch = pd.to_numeric(record_field(part, "fit_info/best_epoch", root=""), errors="coerce")
            row[(label, f"{metric.split('/')[-1]} (%)")] = round(100 * value.mean(), 2) if len(part) else np.nan
            row[(label, "best epoch")] = round(epoch.mean(), 1) if len(part) else np.nan
        rows.append(row)
    table = in_dataset_order(in_method_order(pd.DataFrame(rows))).set_index(["dataset", "method"])
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    table.index.names = [None, None]
    return table


def patience_outcome(table: pd.DataFrame, metric: str = "validation/ma-F1") -> dict:
    """What :func:`patience_table` (made with the same ``metric``) shows: ``{"recover": cells
    whose score without early stopping is at least RECOVERY_FACTOR times and RECOVERY_POINTS
    above the stopped runs', "stay": the others, on their plateau for all epochs}``, each cell
    as "method on data set", in the table's order."""
    if not len(table):
        return {"recover": [], "stay": []}
    column = f"{metric.split('/')[-1]} (%)"
    stopped, free = table[("early stopping", column)], table[("all epochs", column)]
    up = (free >= RECOVERY_FACTOR * stopped) & (free >= stopped + RECOVERY_POINTS)
    cells = [f"{method} on {dataset}" for dataset, method in table.index]
    return {"recover": [c for c, u in zip(cells, up) if u], "stay": [c for c, u in zip(cells, up) if not u]}


@for_page
def fewer_figure(records: pd.DataFrame, metric: str = "validation/ma-F1"):
    """Per data set, ``metric`` (percent, mean over seeds) against the share of the training rows,
    one line per method. None without records. (The relative-to-C2AE form stays a table: a C2AE
    run that stalls near zero makes every ratio of its data set explode.)"""
    table = fewer_table(records, metric)
    if not len(table):
        return None
    datasets = list(dict.fromkeys(table["dataset"]))
    columns = [c for c in table.columns if c.endswith("%")]
    shares = [float(c.rstrip("%")) for c in columns]
    fig, axes = page_figure(*panel_grid(len(datasets), 2), panel_height=2.3)
    for ax in axes.flat[len(datasets):]:
        ax.set_visible(False)
    for ax, dataset in zip(axes.flat, datasets):
        for row in in_method_order(table[table["dataset"] == dataset]).to_dict("records"):
            key = methods.key_of(row["method"])
            ax.plot(shares, [row.get(c, np.nan) for c in columns], ms=4, label=row["method"],
                    color=methods.colour(key), marker=methods.marker(key))
        ax.set_xticks(shares, columns)
        ax.set_title(dataset)
        ax.set_xlabel("share of the training rows")
        ax.set_ylabel(f"{metric.split('/')[-1]} (%)")
    method_legend(fig, set(table["method"]))
    return fig
