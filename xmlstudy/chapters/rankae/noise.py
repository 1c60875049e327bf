"""The label-noise study of the Rank-AE chapter (the paper's Figure 3): the noise and margin
records as tables, and how much of its clean P@1 each method loses."""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods
from xmlstudy.chapters.rankae.experiment_grid import MARGIN_RATES, NOISE_KINDS, NOISE_METHODS


def noise_frame(records: pd.DataFrame) -> pd.DataFrame:
    """The noise records as one row per (method, kind, rate, seed) with P@k in percent; the
    clean runs (rate 0) appear under both kinds."""
    if not len(records):
        return pd.DataFrame(columns=["method", "kind", "rate", "seed", "P@1", "P@3", "P@5"])
    rate = pd.to_numeric(records.get("setting/rate", pd.Series(0.0, index=records.index))).fillna(0.0)
    kind = records.get("setting/noise", pd.Series(None, index=records.index, dtype=object))
    rows = []
    for r, k, rec in zip(rate, kind, records.to_dict("records")):
        for each in (NOISE_KINDS if r == 0 else (k,)):
            rows.append({"method": rec["method"], "kind": each, "rate": float(r),
                         "seed": int(rec.get("seed", 0)),
                         **{m: 100 * float(rec[m]) for m in ("P@1", "P@3", "P@5")}})
    return pd.DataFrame(rows)


def noise_losses(tidy: pd.DataFrame, kind: str, metric: str = "P@1") -> dict:
    """Per method, the relative loss (percent of the clean value) from rate 0 to the highest
    rate of ``kind``, from a :func:`noise_frame` (each value the mean over seeds)."""
    part = tidy[tidy["kind"] == kind]
    top = part["rate"].max()
    out = {}
    for method, rows in part.groupby("method"):
        clean, worst = rows[rows["rate"] == 0][metric], rows[rows["rate"] == top][metric]
        if len(clean) and len(worst) and top > 0:
            out[method] = 100 * (clean.mean() - worst.mean()) / clean.mean()
    return out


def noise_table(frames: dict, metric: str = "P@1") -> pd.DataFrame:
    """Figure 3 as numbers: ``metric`` (percent, mean over seeds) per noise kind and rate, one
    column per method."""
    tidy = noise_frame(frames["rankae/noise"])
    if not len(tidy):
        return pd.DataFrame()
    table = tidy.pivot_table(index=["kind", "rate"], columns="method", values=metric)
    table = table.reindex(columns=[m for m in NOISE_METHODS if m in table.columns])
    table.index = table.index.set_levels([f"{100 * r:.0f}%" for r in table.index.levels[1]], level=1)
    return table.rename(columns=methods.name).rename_axis(columns=None).round(2)


def noise_loss_table(frames: dict) -> pd.DataFrame:
    """The share of its clean P@1 (percent) that each method loses at the highest noise rate,
    one column per kind of noise, the methods in the order of the noise experiment."""
    tidy = noise_frame(frames["rankae/noise"])
    columns = {kind.replace("-", " + "): noise_losses(tidy, kind) for kind in NOISE_KINDS} if len(tidy) else {}
    table = pd.DataFrame(columns)
    if not len(table):
        return table
    table = table.reindex([m for m in NOISE_METHODS if m in table.index])
    return table.rename(index=methods.name).rename_axis("method").round(1)


def margin_frame(frames: dict, metric: str = "P@1") -> pd.DataFrame:
    """Rank-AE's runs of the margin study, one row per run: the margin ``m`` in force, the
    ``rate`` of missing + invalid labels, the ``seed`` and ``metric`` (percent). The margin
    chosen on clean data (m = 1 on imdb-rankae) ran in the noise experiment with the same
    settings, so its runs come from those records."""
    records = frames["rankae/margin"]
    noise = frames.get("rankae/noise")
    if noise is not None and len(noise) and len(records):
        rate = pd.to_numeric(noise.get("setting/rate", pd.Series(0.0, index=noise.index))).fillna(0.0)
        kind = noise.get("setting/noise", pd.Series(None, index=noise.index, dtype=object))
        same = ((noise["method"] == "rankae") & rate.isin(MARGIN_RATES)
                & ((rate == 0) | (kind == "missing-invalid")))
        records = pd.concat([records, noise[same]], ignore_index=True)
    if not len(records):
        return pd.DataFrame(columns=["method", "m", "rate", "seed", metric])
    rate = pd.to_numeric(records.get("setting/rate", pd.Series(0.0, index=records.index))).fillna(0.0)
    seed = records["seed"] if "seed" in records.columns else pd.Series(0, index=records.index)
    # The margin in force, as the run recorded it (given, or chosen by its search).
    return pd.DataFrame({"method": "rankae",
                         "m": [float(info["chosen"]["margin"]) for info in records["fit_info"]],
                         "rate": rate.to_numpy(), "seed": seed.to_numpy(),
                         metric: 100 * pd.to_numeric(records[metric]).to_numpy()})


def margin_table(frames: dict, metric: str = "P@1") -> pd.DataFrame:
    """Rank-AE's ``metric`` (percent, mean over seeds) for each margin m (rows) at each rate of
    missing + invalid labels (columns), from :func:`margin_frame`."""
    runs = margin_frame(frames, metric)
    if not len(runs):
        return pd.DataFrame()
    table = runs.pivot_table(index="m", columns="rate", values=metric)
    table.columns = [f"{100 * r:.0f}% noise" for r in table.columns]
    table.index = [f"{m:g}" for m in table.index]
    return table.rename_axis("m").round(2)
