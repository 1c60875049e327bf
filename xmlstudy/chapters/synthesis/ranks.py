"""Ranks across data sets: every method's average rank per metric over the data sets where all
of them ran (equal scores share their rank, :func:`xmlstudy.rules.average_ranks`, as the claims
rank them), with Friedman's test that all are equal, and Demšar's critical-difference diagram
(Nemenyi's test) of which methods are told apart (:mod:`xmlstudy.stats`). A method that a
failed run (:mod:`xmlstudy.failed_runs`) enters the ranks with is marked ‡ in both.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import failed_runs, methods, rules, stats
from xmlstudy.formatting import FAILED_MARK
from xmlstudy.tables import annotate, failures
from xmlstudy.figures import for_page, page_figure

from .benchmark import complete, score_matrix, seed_scores
from .experiment_grid import DATASETS, METHODS

RANK_METRICS = ("P@1", "P@3", "P@5", "nDCG@5", "PSP@5", "validation/ex-F1", "validation/mi-F1",
                "validation/ma-F1")
# The metrics the headline claims rank on together (their mean per run), each a column of the
# rank table after the single metrics.
P_AT_K = ("P@1", "P@3", "P@5")
F1S = ("validation/ex-F1", "validation/mi-F1", "validation/ma-F1")
CLAIM_METRICS = {"mean of P@1, P@3, P@5": P_AT_K, "mean of the F1s": F1S}


def rank_matrix(records: pd.DataFrame, metrics) -> pd.DataFrame:
    """Data sets x methods, complete (:func:`~.benchmark.complete`): the mean over seeds of one
    metric, or of the per-run mean of several (fractions, as :func:`~.benchmark.score_matrix`)."""
    if isinstance(metrics, str):
        return complete(score_matrix(records, metrics))
    scores = seed_scores(records, metrics)
    if not len(scores):
        return pd.DataFrame(columns=list(METHODS))
    matrix = scores.groupby(["dataset", "method"])["value"].mean().unstack() / 100
    matrix = matrix.reindex(index=[d for d in DATASETS if d in matrix.index],
                            columns=[m for m in METHODS if m in matrix.columns])
    return complete(matrix)


def first_places(ranks: pd.Series) -> list[str]:
    """The methods sharing the best average rank of ``ranks`` (sorted best first)."""
    return [m for m in ranks.index if ranks[m] <= ranks.iloc[0] + 1e-9]


def ranking_failures(records: pd.DataFrame, metric: str) -> list:
    """The failed seeds and stalled fits (:mod:`xmlstudy.failed_runs`) that enter the ranks of
    ``metric``: those on the data sets where every method ran."""
    matrix = complete(score_matrix(records, metric))
    ranked = records[records["dataset"].isin(matrix.index)] if len(records) else records
    return failures(ranked, [metric]) + failed_runs.stalled(matrix, metric)


def rank_table(records: pd.DataFrame, metrics=RANK_METRICS, combined=CLAIM_METRICS) -> pd.DataFrame:
    """Average rank of every method per metric (1 = best; equal scores share their rank) over
    the data sets where all methods ran, then per group of ``combined`` (the claims' metrics,
    their mean per run), with Friedman's p-value and the number of data sets per column. A
    method that a failed run enters the ranks with is marked, and the run named in a note."""
    columns, notes, found = {}, {}, []
    wanted = [(metric.split("/")[-1], metric) for metric in metrics] + list(combined.items())
    for label, metric in wanted:
        matrix = rank_matrix(records, metric)
        if matrix.shape[0] < 2 or matrix.shape[1] < 3:
            continue
        columns[label] = rules.average_ranks(matrix)
        notes[label] = (matrix.shape[0], stats.friedman(matrix)["p"])
        if isinstance(metric, str):   # a combined column ranks the same runs
            found += ranking_failures(records, metric)
    if not columns:
        return pd.DataFrame()
    table = pd.DataFrame(columns).rename(index=methods.name)
    table = table.sort_values(table.columns[0])
    # Object columns keep the count of data sets an integer and a tiny p-value unrounded (the
    # page shows it in scientific notation, not as 0.0000).
    footer = pd.DataFrame([[int(n) for n, _ in notes.values()], [float(p) for _, p in notes.values()]],
                          index=["data sets", "Friedman p"], columns=list(notes), dtype=object)
    out = pd.concat([table.round(2).astype(object), footer])
    marks = {methods.name(f.get("method")): FAILED_MARK for f in found}
    return annotate(out, marks=marks, notes=list(dict.fromkeys(f.note() for f in found)))


def cliques(ranks: pd.Series, cd: float) -> list[tuple[int, int]]:
    """Maximal runs ``(first, last)`` of the rank-sorted methods whose average ranks differ by
    less than ``cd``: the groups a critical-difference diagram joins with a bar."""
    values = ranks.to_numpy()
    runs = []
    for i in range(len(values)):
        j = i
        while j + 1 < len(values) and values[j + 1] - values[i] < cd:
            j += 1
        if j > i and not any(a <= i and j <= b for a, b in runs):
            runs.append((i, j))
    return runs


@for_page
def critical_difference_figure(records: pd.DataFrame, metric: str = "P@1"):
    """Demšar's critical-difference diagram for ``metric``: methods on the axis of average ranks
    (1 = best, on the left), bars joining methods whose ranks differ by less than Nemenyi's
    critical difference (not told apart at alpha = 0.05). Returns the figure, or None without
    enough data (3 methods on 2 data sets)."""
    matrix = complete(score_matrix(records, metric))
    if matrix.shape[0] < 2 or matrix.shape[1] < 3:
        return None
    ranks = rules.average_ranks(matrix)
    k, cd = len(ranks), stats.critical_difference(len(ranks), matrix.shape[0])
    half = (k + 1) // 2
    fig, axes = page_figure(height=1.6 + 0.28 * half)
    ax = axes[0][0]
    ax.hlines(0, 1, k, color="black")
    for r in range(1, k + 1):
        ax.vlines(r, 0, 0.08, color="black")
        ax.text(r, 0.12, str(r), ha="center", va="bottom")
    failed = {f.get("method") for f in ranking_failures(records, metric)}
    for i, (method, rank) in enumerate(ranks.items()):
        left = i < half
        y = -0.35 - 0.28 * (i if left else k - 1 - i)
        x_end = 0.6 if left else k + 0.4
        ax.plot([rank, rank, x_end], [0, y, y], color="grey", lw=0.8)
        mark = f" {FAILED_MARK}" if method in failed else ""
        ax.text(x_end + (-0.05 if left else 0.05), y, f"{methods.name(method)}{mark} ({rank:.2f})",
                ha="right" if left else "left", va="center")
    for n, (a, b) in enumerate(cliques(ranks, cd)):
        y = -0.12 - 0.07 * n
        ax.hlines(y, ranks.iloc[a] - 0.03, ranks.iloc[b] + 0.03, color="tab:red", lw=3)
    ax.hlines(0.45, 1, 1 + cd, color="black", lw=2)
    ax.text(1 + cd / 2, 0.5, f"critical difference {cd:.2f}", ha="center", va="bottom")
    ax.set_xlim(-1.8, k + 2.8)
    ax.set_ylim(-0.45 - 0.28 * half, 0.8)
    ax.axis("off")
    fig.tight_layout()
    return fig
