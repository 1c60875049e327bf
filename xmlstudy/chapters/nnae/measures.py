"""What the non-negative autoencoder chapter reads from its records: the factorizations' measures
per level (coherence, agreement with a known grouping, stability over seeds) and per model (recipe
completion, where the top-5 predictions go), the image track's means and explanation measures, and
the AiTLAS benchmark's published mAP. The claims and the page's tables, figures and numbers are
all computed from these."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from xmlstudy import experiments, explain, methods, published
from xmlstudy.chapters.nnae.experiment_grid import IMAGE_DATASET, NAMES, PAPER
from xmlstudy.tables import record_field


def named(records: pd.DataFrame) -> pd.DataFrame:
    """The records with a column ``name``: the factorization as the chapter calls it."""
    out = records.copy()
    out["name"] = [NAMES.get((m, tuple((p or {}).get("units", ()))), methods.name(m))
                   for m, p in zip(out["method"], out["params"])] if len(out) else []
    return out


def fit_info_values(records: pd.DataFrame, path: str) -> pd.Series:
    """The number at ``path`` of each record's ``fit_info`` (NaN where it has none)."""
    return pd.to_numeric(record_field(records, path, root="fit_info"), errors="coerce")


def _level_rows(records: pd.DataFrame) -> pd.DataFrame:
    """One row per (record, level): dataset, name, seed, units, the level's measures."""
    rows = []
    for rec in named(records).to_dict("records"):
        info = rec.get("fit_info") or {}
        for level in ("L1", "L2"):
            if level in info:
                rows.append({"dataset": rec["dataset"], "name": rec["name"], "seed": rec["seed"],
                             "level": level, "units": info[level]["units"],
                             "npmi": info[level].get("npmi"), "nmi": info[level].get("nmi"),
                             "ari": info[level].get("ari"), "probe": info[level].get("probe"),
                             "n_labels": (rec.get("data") or {}).get("labels"),
                             "top": info[level]["top"], "weights": info[level]["weights"]})
    return pd.DataFrame(rows, columns=["dataset", "name", "seed", "level", "units", "npmi", "nmi",
                                       "ari", "probe", "n_labels", "top", "weights"])


def _row_name(name: str, level: str, two_level: bool) -> str:
    return f"{name}, level {level[1]}" if two_level else name


def _named_levels(records: pd.DataFrame) -> pd.DataFrame:
    """:func:`_level_rows` with ``row``: the level as the tables name it ("two-level NMF, level
    1"; a one-level factorization keeps its name)."""
    rows = _level_rows(records)
    two = rows.groupby(["dataset", "name"])["level"].transform("nunique") > 1
    rows["row"] = [_row_name(n, lv, t) for n, lv, t in zip(rows["name"], rows["level"], two)]
    return rows


def level_values(records: pd.DataFrame) -> pd.DataFrame:
    """Per (data set, row name, units, seed): NPMI, NMI, ARI and probe accuracy of one run (the
    values behind the means of :func:`level_measures`, for the paired comparisons of the
    claims), with the run's ``name`` and ``method``."""
    columns = ["dataset", "row", "name", "units", "seed", "npmi", "nmi", "ari", "probe"]
    rows = _named_levels(records)
    if not len(rows):
        return pd.DataFrame(columns=columns)
    out = rows[columns].copy()
    for measure in ("npmi", "nmi", "ari", "probe"):
        out[measure] = pd.to_numeric(out[measure], errors="coerce")
    return out


def level_measures(records: pd.DataFrame) -> pd.DataFrame:
    """Per (data set, row name, units): mean NPMI, NMI, ARI and probe accuracy over seeds, and the
    stability of the groups between seeds (mean over seed pairs of the Hungarian-matched cosine
    of the groups' top-10 weights)."""
    rows = _named_levels(records)
    if not len(rows):
        return pd.DataFrame(columns=["dataset", "row", "units", "npmi", "nmi", "ari", "probe",
                                     "stability"])
    out = []
    for (dataset, row, units), g in rows.groupby(["dataset", "row", "units"], sort=False):
        groups = {r.seed: explain.sparse_groups(r.top, r.weights, int(r.n_labels))
                  for r in g.itertuples()}
        pairs = list(itertools.combinations(sorted(groups), 2))
        out.append({"dataset": dataset, "row": row, "units": units,
                    **{m: pd.to_numeric(g[m], errors="coerce").mean()
                       for m in ("npmi", "nmi", "ari", "probe")},
                    "stability": (np.mean([explain.stability(groups[a], groups[b]) for a, b in pairs])
                                  if pairs else np.nan)})
    return pd.DataFrame(out)


def model_values(records: pd.DataFrame) -> pd.DataFrame:
    """Per record (data set, name, method, seed): recipe completion, reconstruction P@k, the
    top-5 spread and the test P@k (fractions; NaN where a record lacks one)."""
    rec = named(records)
    if not len(rec):
        return pd.DataFrame(columns=["dataset", "name", "method", "seed"])
    paths = {"hits@10": "completion/hits@10", "mean rank": "completion/mean_rank",
             "MRR": "completion/mrr", "recon P@1": "reconstruction/P@1",
             "recon P@5": "reconstruction/P@5", "coverage": "spread/coverage",
             "head share": "spread/head_share", "head share (true)": "spread/head_share_true",
             "spearman": "spread/spearman"}
    frame = rec[["dataset", "name", "method", "seed"]].copy()
    for column, path in paths.items():
        frame[column] = fit_info_values(rec, path).to_numpy()
    for metric in ("P@1", "P@5", "PSP@1", "PSP@5"):
        frame[metric] = pd.to_numeric(rec[metric], errors="coerce").to_numpy() if metric in rec else np.nan
    return frame


def model_measures(records: pd.DataFrame) -> pd.DataFrame:
    """Per (data set, name): recipe completion, reconstruction P@k and the top-5 spread, means
    over seeds."""
    values = model_values(records)
    if not len(values):
        return pd.DataFrame(columns=["dataset", "name"])
    return (values.drop(columns=["method", "seed"])
            .groupby(["dataset", "name"], sort=False).mean().reset_index())


# --- the image track ------------------------------------------------------------------------------
def image_records(frames: dict, experiment: str) -> pd.DataFrame:
    """The collected records of one of the chapter's experiments (empty when none were)."""
    return frames.get(f"{PAPER}/{experiment}", experiments.records_frame([]))


def numeric_column(records: pd.DataFrame, column: str) -> pd.Series:
    """The column as numbers, NaN where a value is missing or the column is absent."""
    return (pd.to_numeric(records[column], errors="coerce") if column in records
            else pd.Series(np.nan, index=records.index, dtype=float))


def image_means(frames: dict, experiment: str = "image") -> pd.DataFrame:
    """Per (method, resolution): mean test mAP, P@1, validation-threshold ex-F1 (fractions), the
    number of seeds, and the mean fit seconds."""
    recs = image_records(frames, experiment)
    if not len(recs):
        return pd.DataFrame(columns=["method", "resolution", "mAP", "P@1", "ex-F1", "seeds", "fit_s"])
    frame = pd.DataFrame({"method": recs["method"],
                          "resolution": [int((p or {}).get("resolution", 0)) for p in recs["params"]],
                          "mAP": numeric_column(recs, "mAP"), "P@1": numeric_column(recs, "P@1"),
                          "ex-F1": numeric_column(recs, "validation/ex-F1"),
                          "fit_s": numeric_column(recs, "fit_s"),
                          "seed": recs["seed"]})
    out = frame.groupby(["method", "resolution"], sort=False).agg(
        **{"mAP": ("mAP", "mean"), "P@1": ("P@1", "mean"), "ex-F1": ("ex-F1", "mean"),
           "seeds": ("seed", "nunique"), "fit_s": ("fit_s", "mean")})
    return out.reset_index()


EXPLAIN_MEAN = "explain/mean/"     # the flattened columns of a record's explanation means


def explanation_values(records: pd.DataFrame) -> pd.DataFrame:
    """One row per record: dataset, method, seed and its explanation means over the explained
    images (columns ``<kind>/<ranking>/<measure>``, e.g. ``unit/lime/deletion``)."""
    columns = [c for c in records.columns if str(c).startswith(EXPLAIN_MEAN)]
    out = records[["dataset", "method", "seed"]].reset_index(drop=True)
    for c in columns:
        out[c[len(EXPLAIN_MEAN):]] = pd.to_numeric(records[c], errors="coerce").to_numpy()
    return out


def explanation_means(records: pd.DataFrame) -> dict:
    """``{<kind>/<ranking>/<measure>: value}``: the explanation means of ``records`` (the runs
    of one model), averaged over their seeds; measures no record has are left out."""
    values = explanation_values(records).drop(columns=["dataset", "method", "seed"])
    means = values.mean()
    return {k: v for k, v in means.items() if pd.notna(v)}


def aitlas_map() -> dict:
    """The AiTLAS benchmark's mAP (%) on this split per network (biasvariancelabs/aitlas-arena
    README, commit b640d13; transcribed in xmlstudy/published/aitlas.csv)."""
    return published.values("aitlas", metric="mAP", dataset=IMAGE_DATASET, by="printed_method")
