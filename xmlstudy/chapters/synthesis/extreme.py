"""At extreme scale: the cross-paper comparison on debian-deps (14,099 labels), the real data set
that no paper tuned for. The runs are the Scale chapter's (``results/scale/debian.jsonl``); this
module sets them in the cross-paper chapter's terms: rank by the mean of P@1, P@3 and P@5, the
best method's lead over the runner-up row by row (a paired bootstrap over the test rows), recall
of the rarest labels, and each method's cost measured alone (``bench budget``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import methods

from .leads import lead_row

DEBIAN = "scale/debian"
BUDGET = "benchmark/budget"
P_AT_K = ("P@1", "P@3", "P@5")


def _grid(profile: str = "full") -> tuple[list, dict, set, str]:
    """The Scale chapter's grid on debian-deps, read through the chapters' registry (it owns the
    grid and its budget): its methods in order, the seeds each runs, the methods left out for
    their cost, and the data set."""
    from xmlstudy import chapters

    ran, wanted = chapters.grid("scale", profile), chapters.candidates("scale", profile)
    order = list(dict.fromkeys(c.method for c in wanted))
    seeds = {m: sorted({c.seed for c in ran if c.method == m}) for m in order}
    return order, seeds, {m for m in order if not seeds[m]}, wanted[0].dataset


def _rarest(records: pd.DataFrame) -> pd.Series:
    """Recall@5 on the rarest quarter of the labels per record (NaN where it is not kept)."""
    if "bucket-recall@5" not in records.columns:
        return pd.Series(np.nan, index=records.index)
    return pd.to_numeric(records["bucket-recall@5"].map(
        lambda b: b[0] if isinstance(b, list) and b and b[0] is not None else np.nan), errors="coerce")


def _hours(budget: pd.DataFrame, method: str) -> str:
    """CPU hours per run from the latest budget record of ``method`` timed alone."""
    rows = budget[(budget["method"] == method)] if len(budget) else budget
    if not len(rows):
        return "not measured alone"
    r = rows.iloc[-1]
    if r["status"] != "ok":
        return f"its probe met the {r['status']} limit"
    if r.get("others_running") == True:  # noqa: E712 (numpy bools, NaN on old records)
        return "timed with other work running"
    low, high = r["estimate"]["run_s"]
    return f"{low / 3600:.1f}" if round(low / 360) == round(high / 360) else f"{low / 3600:.1f} to {high / 3600:.1f}"


def extreme_table(frames: dict) -> pd.DataFrame:
    """One row per method of the Scale chapter's grid: its runs, the mean over seeds of P@1,
    P@3 and P@5 and their mean (percent), its rank by that mean among the methods with runs
    (ties share a rank), recall@5 on the rarest quarter of the labels, and its CPU hours per run
    as measured alone, or why it has no runs."""
    order, seeds, over_budget, _ = _grid()
    records = frames.get(DEBIAN, pd.DataFrame())
    budget = frames.get(BUDGET, pd.DataFrame())
    columns = ["method", "runs", *P_AT_K, "mean P@1,3,5", "rank", "rare-label recall@5",
               "CPU h per run"]
    rows = []
    for m in order:
        mine = records[records["method"] == m] if len(records) else records
        row = {"method": methods.name(m), "CPU h per run": _hours(budget, m)}
        if m in over_budget:
            row["runs"] = "left out: over budget"
        elif not len(mine):
            row["runs"] = "to run"
        else:
            n = mine["seed"].nunique()
            # A method the grid runs once is deterministic given its data (the Scale chapter).
            row["runs"] = "1 (deterministic)" if len(seeds[m]) == 1 else f"{n} of {len(seeds[m])}"
            for metric in P_AT_K:
                row[metric] = 100 * float(mine[metric].mean())
            row["mean P@1,3,5"] = float(np.mean([row[k] for k in P_AT_K]))
            rare = _rarest(mine).mean()
            row["rare-label recall@5"] = None if np.isnan(rare) else 100 * float(rare)
        rows.append(row)
    table = pd.DataFrame(rows, columns=columns)
    scored = table["mean P@1,3,5"].astype(float).round(2)
    table["rank"] = scored.rank(ascending=False, method="average")
    return table


def extreme_lead(frames: dict, resamples: int = 10_000) -> pd.DataFrame:
    """The best method on P@1 against the runner-up on debian-deps, with a paired bootstrap
    interval over the test rows (:func:`~xmlstudy.chapters.synthesis.leads.bootstrap_table`)."""
    records = frames.get(DEBIAN, pd.DataFrame())
    columns = ["dataset", "best", "runner-up", "seeds", "lead (points)", "interval", "lead holds"]
    if not len(records) or records["method"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    order = records.groupby("method")["P@1"].mean().sort_values(ascending=False, kind="stable")
    best, second = order.index[:2]
    row = lead_row(records, _grid()[3], best, second, resamples=resamples)
    return pd.DataFrame([row], columns=columns)


def extreme_numbers(frames: dict, lead: pd.DataFrame) -> dict:
    """The section's sentence pieces: who leads and by how much, who recalls the rarest labels
    best, and how many of the grid's methods have runs."""
    table = extreme_table(frames)
    ran = table[table["mean P@1,3,5"].notna()]
    out = {"extreme_ran": f"{len(ran)} of {len(table)}"}
    if len(ran):
        best = ran.loc[ran["mean P@1,3,5"].astype(float).idxmax()]
        out["extreme_best"] = f"{best['method']} ({best['mean P@1,3,5']:.2f}%)"
        rare = ran.dropna(subset=["rare-label recall@5"])
        out["extreme_rare_best"] = (f"{rare.loc[rare['rare-label recall@5'].astype(float).idxmax(), 'method']}"
                                    if len(rare) else "no method yet")
    else:
        out.update(extreme_best="no method yet", extreme_rare_best="no method yet")
    if len(lead):
        r = lead.iloc[0]
        out["extreme_lead"] = (f"{r['best']} leads {r['runner-up']} on P@1 by {r['lead (points)']:.2f} "
                               f"points, 95% interval {r['interval']}: the lead "
                               f"{'holds' if r['lead holds'] == 'yes' else 'does not hold'}")
    else:
        out["extreme_lead"] = "no two methods have runs yet, so no lead is tested"
    return out
