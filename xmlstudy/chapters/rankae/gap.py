"""What explains the gap between Rank-AE here and the paper's Delicious numbers: the records of
experiment ``gap`` (:func:`~xmlstudy.chapters.rankae.experiment_grid.gap_grid`) as tables, the
pairs of variants that isolate one component each, and the variant chosen on validation.

Every variant runs the same protocol (a coordinate search of 7 configurations on its own 20%
validation split, then trained again on the whole training split, 3 seeds), so a difference
between two variants is the component that tells them apart. "Best" is always chosen on
validation (the mean over seeds of each run's best validation mean of P@1, P@3 and P@5), never on
the test split the table reports.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy.chapters.rankae.experiment_grid import GAP_DATASETS, GAP_VARIANTS, gap_variant
from xmlstudy.chapters.rankae.paper import table_2
from xmlstudy.chapters.rankae.records import seed_scores
from xmlstudy.tables import summary_table

# How the book names each variant (the method's own name where the variant is the method).
VARIANT_NAMES = {
    "as-printed": "Rank-AE as printed",
    "bce": "Rank-AE with BCE loss",
    "attention-dropout": "attention + dropout",
    "attention-dropout-bce": "attention + dropout, BCE loss",
    "mlp-encoder": "MLP encoder",
    "mlp-encoder-bce": "MLP encoder, BCE loss",
    "mlp-encoder-decode-both": "MLP encoder, decoder also on F(x)",
    "mlp-encoder-neighbours": "MLP encoder, nearest label embeddings",
    "plain-mlp": "plain MLP (1,024 units, dropout, BCE)",
}
# The variants that stay inside the paper's text (its layers, its losses; dropout adds no layer).
WITHIN_TEXT = ("as-printed", "bce", "attention-dropout", "attention-dropout-bce")
AUTOENCODERS = tuple(v for v in GAP_VARIANTS if v != "plain-mlp")
# Each component and the pairs of variants (with it, without it, what else they share) that
# isolate it; one check per pair and data set.
COMPONENTS = {
    "encoder": (("mlp-encoder", "attention-dropout", "ranking loss"),
                ("mlp-encoder-bce", "attention-dropout-bce", "BCE loss")),
    "dropout": (("attention-dropout", "as-printed", "ranking loss"),
                ("attention-dropout-bce", "bce", "BCE loss")),
    "loss": (("mlp-encoder", "mlp-encoder-bce", "MLP encoder"),),
    "decoder": (("mlp-encoder-decode-both", "mlp-encoder", "MLP encoder, ranking loss"),),
    "neighbours": (("mlp-encoder-neighbours", "mlp-encoder", "MLP encoder, ranking loss"),),
}
VALID = "best_valid_mean_P@1,3,5"


def gap_frame(records: pd.DataFrame) -> pd.DataFrame:
    """The gap records with their ``variant`` (a key of :data:`GAP_VARIANTS`) and its display
    name ``variant_name``."""
    if not len(records):
        return records.assign(variant=pd.Series(dtype=object), variant_name=pd.Series(dtype=object))
    variant = [gap_variant(m, p) for m, p in zip(records["method"], records["params"])]
    return records.assign(variant=variant, variant_name=[VARIANT_NAMES[v] for v in variant])


def gap_table(frames: dict, metrics=("P@1", "P@3", "P@5", "nDCG@5")) -> pd.DataFrame:
    """Every variant on every data set of the experiment (percent, mean ± std over seeds), the
    paper's Delicious row first."""
    gap = gap_frame(frames["rankae/gap"])
    paper = table_2()["values"]
    rows = [{"dataset": "delicious", "variant": "Rank-AE (paper, Table 2)",
             **{m: f"{paper[('delicious', 'Rank-AE', m)]:.2f}" for m in metrics
                if ("delicious", "Rank-AE", m) in paper}}]
    if len(gap):
        order = {v: i for i, v in enumerate(VARIANT_NAMES.values())}
        table = summary_table(gap.assign(variant=gap["variant_name"]), list(metrics),
                              rows=("dataset", "variant")).reset_index()
        table = table.sort_values(["dataset", "variant"], key=lambda c: c.map(
            {d: i for i, d in enumerate(GAP_DATASETS)} if c.name == "dataset" else order),
            kind="stable")
        rows += table.to_dict("records")
    return pd.DataFrame(rows).set_index(["dataset", "variant"]).reindex(columns=list(metrics))


def validation_scores(gap: pd.DataFrame) -> pd.DataFrame:
    """Per (data set, variant) of a :func:`gap_frame`: the mean over seeds of each run's best
    validation mean of P@1, P@3 and P@5 (percent), and its seeds."""
    if not len(gap):
        return pd.DataFrame(columns=["dataset", "variant", "valid", "seeds"])
    valid = [100 * float(info.get(VALID, float("nan"))) for info in gap["fit_info"]]
    return (gap.assign(valid=valid).groupby(["dataset", "variant"], sort=False)
            .agg(valid=("valid", "mean"), seeds=("seed", "nunique")).reset_index())


def chosen_on_validation(gap: pd.DataFrame, dataset: str, among=AUTOENCODERS) -> str | None:
    """The variant among ``among`` with the best validation score on ``dataset`` (None: none
    ran there)."""
    scores = validation_scores(gap)
    scores = scores[(scores["dataset"] == dataset) & scores["variant"].isin(list(among))]
    return None if not len(scores) else str(scores.loc[scores["valid"].idxmax(), "variant"])


def pairs(gap: pd.DataFrame, comparisons) -> pd.DataFrame:
    """The rulebook's paired frame (:func:`xmlstudy.rules.beats`): one row per (check, seed) with
    ``a`` and ``b`` the two variants' mean of P@1, P@3 and P@5 (points). ``comparisons`` are
    ``(variant a, variant b, what they share)``; a check is a data set and what they share."""
    columns = ["dataset", "seed", "a", "b"]
    if not len(gap):
        return pd.DataFrame(columns=columns)
    scores = seed_scores(gap.assign(method=gap["variant"]))
    table = scores.pivot_table(index=["dataset", "seed"], columns="method", values="value")
    out = []
    for dataset in GAP_DATASETS:
        for a, b, shared in comparisons:
            if dataset not in table.index.get_level_values(0) or a not in table or b not in table:
                continue
            part = table.loc[dataset, [a, b]].dropna()
            out += [{"dataset": f"{dataset}, {shared}", "seed": int(seed), "a": row[a], "b": row[b]}
                    for seed, row in part.iterrows()]
    return pd.DataFrame(out, columns=columns)


def variant_records(gap: pd.DataFrame, comparisons) -> pd.DataFrame:
    """The records a set of comparisons reads (for the rulebook's count of seeds)."""
    wanted = {v for a, b, _ in comparisons for v in (a, b)}
    return gap[gap["variant"].isin(wanted)] if len(gap) else gap
