"""The numbers and short phrases the chapter's prose quotes (glued into the notebook's sentences):
the benchmark's size and ranks, which data sets the ranks stand on, and the findings none of the
papers reported. Lists of names are phrases ("kNN 8, Parabel 6"; "none" when empty); the
sentences around them are written in ``notebooks/synthesis.py``.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments, methods, rules, stats

from .benchmark import complete, coverage, score_matrix
from .cost import cost_records, frontier
from .fewer import (RECOVERY_FACTOR, RECOVERY_POINTS, STALL_EPOCHS, far_stalled, patience_outcome,
                    patience_range, patience_table)
from .experiment_grid import BUDGET, DATASETS, FRACTIONS, METHODS, NOISE_RATES, PAPER
from .leads import rerun_shift
from .noise import TOP_RATE
from .ranks import first_places
from .sources import COST, benchmark_records, fewer_records
from .tail import tail_table, tail_winners


def listed(items) -> str:
    """Items as the phrase a sentence quotes: "a, b, c", or "none"."""
    return ", ".join(items) or "none"


def listed_and(items: list[str]) -> str:
    """``["20", "40", "60"]`` -> "20, 40 and 60"."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def counted(names: list[str]) -> str:
    """``["kNN", "Parabel", "kNN"]`` -> "kNN 2, Parabel 1" (most often first)."""
    return listed(f"{n} {c}" for n, c in pd.Series(names, dtype=object).value_counts().items())


def numbers(frames: dict) -> dict:
    """The numbers the chapter's prose quotes, as text: the benchmark's size, the rules of the
    fewer-rows check and the patience its runs had (``fewer_patience``), the noise rates and
    shares of train of those experiments (``noise_rates``, ``fewer_fractions``), the rulebook's
    thresholds the claims are judged under (``rule_*``), and per ranked metric (``p1_``,
    ``maf1_``) the data sets the ranks stand on
    (:func:`~xmlstudy.chapters.synthesis.benchmark.coverage`), the first method, Friedman's p and
    the critical difference."""
    bench = benchmark_records(frames)
    cells = set(zip(bench["method"], bench["dataset"])) if len(bench) else set()
    shift = rerun_shift(bench, frames.get(f"{PAPER}/rows", experiments.records_frame([]))) if len(bench) else pd.DataFrame()
    out = {"rows_max_shift": f"{100 * shift['shift'].abs().max():.2f}" if len(shift) else "—",
           "n_cells": str(len(cells)), "n_possible": str(len(METHODS) * len(DATASETS)),
           "n_budget": str(len(BUDGET)), "stall_epochs": str(STALL_EPOCHS),
           "fewer_patience": patience_range(fewer_records(frames)),
           "noise_rates": listed_and([f"{100 * r:.0f}" for r in NOISE_RATES]) + "%",
           "fewer_fractions": " inside ".join([*(f"{f:.0%}" for f in FRACTIONS), "all"]),
           "recovery_factor": f"{RECOVERY_FACTOR:g}", "recovery_points": f"{RECOVERY_POINTS:g}",
           # the rulebook's thresholds the claims paragraph names
           "rule_tie": f"{rules.current().tie:g}", "rule_partly": rules.current().describe("partly"),
           "rule_min_runs": str(rules.MIN_RUNS),
           "n_reused": str(sum(s != f"{PAPER}/benchmark" for s in
                               bench.drop_duplicates(["method", "dataset"])["source"])) if len(bench) else "0"}
    for metric, key in (("P@1", "p1"), ("validation/ma-F1", "maf1")):
        matrix = complete(score_matrix(bench, metric))
        out[f"{key}_datasets"] = str(matrix.shape[0])
        out[f"{key}_methods"] = str(matrix.shape[1])
        covered = coverage(bench, metric)
        out[f"{key}_with_records"] = str(covered["with_records"])
        out[f"{key}_complete"] = listed(covered["complete"])
        out[f"{key}_budget"] = listed(covered["budget"])
        out[f"{key}_to_run"] = listed(covered["to_run"])
        if matrix.shape[0] >= 2 and matrix.shape[1] >= 3:
            ranks = rules.average_ranks(matrix)
            # Equal average ranks share the first place: every one of them is named.
            out[f"{key}_first"] = " and ".join(methods.name(m) for m in first_places(ranks))
            out[f"{key}_first_rank"] = f"{ranks.iloc[0]:.2f}"
            out[f"{key}_friedman_p"] = f"{stats.friedman(matrix)['p']:.2g}"
            out[f"{key}_cd"] = f"{stats.critical_difference(len(ranks), matrix.shape[0]):.2f}"
        else:
            for name in ("first", "first_rank", "friedman_p", "cd"):
                out[f"{key}_{name}"] = "—"
    return out


def findings(frames: dict, lead: pd.DataFrame | None = None) -> dict:
    """The pieces of the findings none of the papers reported, as text: whether the P@1 leads
    hold (``lead``, a :func:`~xmlstudy.chapters.synthesis.leads.bootstrap_table`: ``lead_*``),
    the highest noise rate (``noise_rate``; who loses least is
    :func:`~xmlstudy.chapters.synthesis.noise.least_lost`), the fewer-rows cells that early
    stopping ended far below their full-train score and what the check without it found
    (``far_stalled*``, ``patience_*``; who is best is
    :func:`~xmlstudy.chapters.synthesis.fewer.best_at_tenth`), who is on the accuracy-for-time
    frontier (``frontier_*``) and who recalls the rare labels best (``tail_*``: a data set is
    won only by a method strictly ahead of another,
    :func:`~xmlstudy.chapters.synthesis.tail.tail_winners`)."""
    out = {"noise_rate": TOP_RATE}
    lead = lead if lead is not None else pd.DataFrame(columns=["dataset", "best", "seeds", "lead holds"])
    tested = lead[lead["seeds"] > 0]
    held = tested[tested["lead holds"] == "yes"]
    out.update(lead_tested=str(len(tested)), lead_held=str(len(held)),
               lead_held_where=listed(f"{r.dataset}: {r.best}" for r in held.itertuples()),
               lead_untested=listed(lead.loc[lead["seeds"] == 0, "dataset"]))

    far = far_stalled(fewer_records(frames))
    check = patience_outcome(patience_table(frames))
    out.update(far_stalled_n=str(len(far)),
               far_stalled=listed(f"{r.dataset} {r.method} {r.share}" for r in far.itertuples()),
               patience_recover=listed(check["recover"]), patience_stay=listed(check["stay"]))

    bench = benchmark_records(frames)
    costs = cost_records(frames.get(COST, pd.DataFrame()), bench)
    fronts = frontier(bench, costs, "P@1") if len(bench) else {}
    tail = tail_table(bench) if len(bench) else pd.DataFrame()
    wins = tail_winners(tail)
    out.update(cost_cells=f"{len(costs)} of {len(bench.groupby(['method', 'dataset'])) if len(bench) else 0}",
               frontier_datasets=str(len(fronts)),
               frontier_counts=counted([methods.name(m) for s, _, front in fronts.values() for m in s.index[front]]),
               tail_datasets=str(len(tail)), tail_wins=counted(wins["won"]),
               tail_no_winner=listed([f"{d} (tied at the top)" for d in wins["tied"]]
                                     + [f"{d} (one method only)" for d in wins["alone"]]))
    return out
