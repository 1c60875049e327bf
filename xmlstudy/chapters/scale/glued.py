"""The numbers and short phrases the Scale chapter's prose cites, keyed by glue name. Each is
computed from the records (or the data registry, or the published numbers); where the records
are missing, the phrase says so."""
from __future__ import annotations

from xmlstudy import data, methods, rules

from .claims import BUDGET, DEBIAN, LINEAR, SCALE, growth_of, means
from .experiment_grid import DATASET, DAY_S, DETERMINISTIC, OVER_BUDGET, grid
from .tables import latest, scoring_table, table_6


def names(keys) -> str:
    """Registry names joined as prose: "A", "A and B", "A, B and C"; "none" for no key."""
    shown = [methods.name(k) for k in keys]
    if not shown:
        return "none"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _count(n) -> str:
    return f"{int(n):,}"


def numbers(frames: dict, missing: int, total: int) -> dict:
    """Every number of the chapter's prose as text, keyed by its glue name."""
    size = data.spec(DATASET).expected
    out = {"scale_train": _count(size["train"] - size["valid"]), "scale_valid": _count(size["valid"]),
           "scale_test": _count(size["test"]), "scale_features": _count(size["features"]),
           "scale_labels": _count(size["labels"]), "scale_raw_labels": _count(size["raw"]["labels"]),
           "scale_sources": _count(size["raw"]["sources"]),
           "scale_deterministic": names(DETERMINISTIC), "scale_over_budget": names(OVER_BUDGET),
           "scale_runs_total": _count(total), "scale_runs_done": _count(total - missing),
           "scale_day_hours": f"{DAY_S / 3600:g}", "scale_tolerance": f"{rules.current().tolerance:g}",
           "scale_growth_line": f"{LINEAR + rules.current().slack:g}",
           "scale_alpha": f"{rules.current().alpha_beats:g}",
           "scale_grid_methods": _count(len({c.method for c in grid("full")}))}
    table = means(frames[DEBIAN])
    if len(table):
        best = table["P@1"].idxmax()
        out["scale_best_p1"] = f"{methods.name(best)} ({100 * table.loc[best, 'P@1']:.2f}%)"
    else:
        out["scale_best_p1"] = "no method yet (no records)"
    budget = frames[BUDGET]
    commands = sorted({r["command"] for r in budget.get("provenance", [])} if len(budget) else set())
    out["scale_budget_command"] = "; ".join(commands) or "python -m xmlstudy bench budget --paper scale"
    scale = frames[SCALE]
    if len(scale):
        labels = sorted({st["n_labels"] for st in scale["setting"]})
        out["scale_bench_labels"] = f"{labels[0]:,} to {labels[-1]:,}"
        out["scale_bench_N"] = _count(scale["setting"].iloc[0]["n_rows"])
        out["scale_bench_D"] = _count(scale["setting"].iloc[0]["n_features"])
        out["scale_bench_methods"] = _count(scale["method"].nunique())
        ran = latest(scale)
        ran = ran[ran["status"] != "skipped"]
        busy = ran["others_running"].fillna(False).astype(bool).sum() if "others_running" in ran else 0
        out["scale_bench_busy"] = f"{int(busy)} of {len(ran)}"
    else:
        out.update(scale_bench_labels="none yet", scale_bench_N="—", scale_bench_D="—",
                   scale_bench_methods="0", scale_bench_busy="none")
    scoring = scoring_table(frames)
    if len(scoring):
        top = scoring.loc[scoring["labels"].idxmax()]
        out["scale_scoring"] = (f"{top['streaming s']:.1f} s and {top['streaming peak MB']:,.0f} MB "
                                f"of peak memory for {int(top['rows']):,} rows at "
                                f"{int(top['labels']):,} labels, where the dense matrices would "
                                f"need {top['dense MB projected to all rows'] / 1024:,.0f} GB")
    else:
        out["scale_scoring"] = "not measured yet (`python -m xmlstudy bench evaluate`)"
    for method in ("rankae", "dxml"):
        row = growth_of(scale, method)
        out[f"scale_{method}_exponent"] = ("not measured yet" if row is None or row["sizes"] < 2
                                           else f"{row['fit_exponent']:.2f}")
    hardware = table_6().attrs["hardware"]
    out["scale_dxml_train_hardware"] = hardware["train"].removeprefix("trained on ")
    out["scale_dxml_test_hardware"] = hardware["test"].removeprefix("tested on ")
    return out
