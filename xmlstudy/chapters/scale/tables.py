"""The Scale chapter's tables: accuracy on debian-deps, the measured budget of each method, the
cost benchmark against the number of labels, and DXML's Table 6 beside it. Every function takes
the chapter's record sets (:func:`xmlstudy.chapters.scale.evidence.collect`) and returns a DataFrame, empty (with its
columns) when the records are missing."""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods, published
from xmlstudy.stats import growth
from xmlstudy.tables import mean_std, summarize

from .claims import BUDGET, DEBIAN, EVALUATE, METRICS, SCALE, growth_of
from .experiment_grid import DAY_S, DETERMINISTIC, METHODS, OVER_BUDGET, seeds_of

# DXML's Table 6 data sets with tens of thousands of labels or more (the others have at most a
# thousand, which the study's own data sets cover).
EXTREME = ("Wiki10-31K", "Delicious-200K", "Amazon-670K")


def _cell(method: str, mean: float, std: float, n: int) -> str:
    """Percent with two decimals: a deterministic method's one run without a spread, the
    others as mean ± std over seeds."""
    if method in DETERMINISTIC and n >= 1:
        return f"{100 * mean:.2f}"
    return mean_std(mean, std, n, scale=100.0)


def results_table(frames: dict) -> pd.DataFrame:
    """One row per method of the chapter, in the grid's order: its runs and its P@1, P@3, P@5,
    nDCG@5 and PSP@5 on debian-deps (percent; mean ± std over seeds, a deterministic method's
    single run as it is), or why there is no cell (left out for its cost, or not run yet)."""
    records = frames[DEBIAN]
    stats = summarize(records, list(METRICS), by=("method",)) if len(records) else None
    rows = []
    for m in METHODS:
        row = {"method": methods.name(m)}
        found = stats[stats["method"] == m] if stats is not None else pd.DataFrame()
        if m in OVER_BUDGET:
            row["runs"] = "left out: over budget"
        elif not len(found):
            row["runs"] = "to run"
        else:
            n = int(found["n"].max())
            row["runs"] = ("1 (deterministic)" if m in DETERMINISTIC
                           else f"{n} of {len(seeds_of(m))} seeds")
        for metric in METRICS:
            hit = found[found["metric"] == metric] if len(found) else found
            row[metric] = (_cell(m, *hit[["mean", "std", "n"]].iloc[0]) if len(hit) else "—")
        rows.append(row)
    return pd.DataFrame(rows, columns=["method", "runs", *METRICS])


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f}"


def budget_table(frames: dict) -> pd.DataFrame:
    """The latest ``bench budget`` record of each method: what was timed, CPU hours per run and
    for all its runs (fewest to most epochs), whether that fits a day of one core (or the limit
    the probe met), and what the grid did with it."""
    budget = frames[BUDGET]
    columns = ["method", "timed", "CPU h per run", "runs", "CPU h in all", "a day?",
               "load during probe", "in the grid"]
    if not len(budget):
        return pd.DataFrame(columns=columns)
    latest = budget.drop_duplicates("method", keep="last")
    order = {m: i for i, m in enumerate(METHODS)}
    rows = []
    for r in sorted(latest.to_dict("records"), key=lambda r: order.get(r["method"], len(order))):
        if r["status"] == "ok":
            low, high = r["estimate"]["runs_s"]
            per_low, per_high = r["estimate"]["run_s"]
            verdict = "no" if low > DAY_S else "yes" if high <= DAY_S else "if stopped early"
            per_run, in_all = f"{_hours(per_low)} to {_hours(per_high)}", f"{_hours(low)} to {_hours(high)}"
        else:   # the probe met a limit: its reason says which
            per_run = in_all = None
            verdict = f"no: {r['status']}"
        load = r.get("load_average") or {}
        rows.append({"method": methods.name(r["method"]),
                     "timed": (r.get("probe") or {}).get("basis") or "the whole run",
                     "CPU h per run": per_run, "runs": r["runs"], "CPU h in all": in_all,
                     "a day?": verdict,
                     "load during probe": "{:.1f} to {:.1f}".format(
                         (load.get("before") or [float("nan")])[0],
                         (load.get("after") or [float("nan")])[0]),
                     "in the grid": "no" if r["method"] in OVER_BUDGET else "yes"})
    return pd.DataFrame(rows, columns=columns)


def left_out(frames: dict) -> pd.DataFrame:
    """The methods the grid leaves out, with the reason and their measured cost (when the
    budget record exists)."""
    rows = []
    for m, reason in OVER_BUDGET.items():
        r = frames[BUDGET]
        r = r[r["method"] == m] if len(r) else r
        cost = "no budget record yet"
        if len(r) and r.iloc[-1]["status"] == "ok":
            low, high = r.iloc[-1]["estimate"]["runs_s"]
            cost = f"{_hours(low)} to {_hours(high)} CPU hours"
        elif len(r):
            cost = f"stopped by its {r.iloc[-1]['status']} limit: {r.iloc[-1]['reason']}"
        rows.append({"method": methods.name(m), "reason": reason, "measured cost of its runs": cost})
    return pd.DataFrame(rows, columns=["method", "reason", "measured cost of its runs"])


def latest(scale: pd.DataFrame) -> pd.DataFrame:
    """The scale benchmark's records, one per (method, N, D, L, seed): a size measured again
    (its first run shared the CPU) by its latest record, as :func:`xmlstudy.stats.growth` counts it."""
    if not len(scale):
        return scale
    key = pd.Series([(r["method"], r["setting"]["n_rows"], r["setting"]["n_features"],
                      r["setting"]["n_labels"], r.get("seed")) for r in scale.to_dict("records")],
                    index=scale.index)
    return scale[~key.duplicated(keep="last")]


def _ok(scale: pd.DataFrame) -> pd.DataFrame:
    scale = latest(scale)
    return scale[scale["status"] == "ok"] if len(scale) else scale


def scale_table(frames: dict) -> pd.DataFrame:
    """The scale benchmark per method and label count L: fit and predict seconds, the run's peak
    memory (MB) and P@1 (%), or the limit a run met."""
    scale = latest(frames[SCALE])
    columns = ["method", "L", "fit s", "predict s", "peak MB", "P@1", "status"]
    if not len(scale):
        return pd.DataFrame(columns=columns)
    rows = []
    for r in scale.to_dict("records"):
        t = r.get("timings") or {}
        ok = r["status"] == "ok"
        rows.append({"method": methods.name(r["method"]), "L": int(r["setting"]["n_labels"]),
                     "fit s": t.get("fit_s") if ok else None,
                     "predict s": t.get("predict_s") if ok else None,
                     "peak MB": r.get("peak_memory_mb") if ok else None,
                     "P@1": 100 * (r.get("metrics") or {}).get("P@1", float("nan")) if ok else None,
                     # A time measured while other work ran is shown, but said so.
                     "status": r["status"] + (" (timed with other work running)"
                                              if ok and r.get("others_running") == True else "")})  # noqa: E712 (NaN)
    order = {methods.name(m): i for i, m in enumerate(methods.METHODS)}
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["method", "L"], key=lambda c: c.map(order) if c.name == "method" else c,
                           kind="stable").reset_index(drop=True)


def growth_table(frames: dict) -> pd.DataFrame:
    """:func:`xmlstudy.stats.growth` of the scale benchmark, methods by their registry names:
    the exponents of fit time, predict time and peak memory in L."""
    scale = frames[SCALE]
    if not len(scale):
        return pd.DataFrame(columns=["method", "N", "D", "device", "sizes", "largest L",
                                     "fit", "predict", "memory", "first failure"])
    table = growth(scale.to_dict("records"))
    failure = [None if pd.isna(L) else f"{s} at L = {int(L):,}"
               for L, s in zip(table["failed_at_L"], table["failure"])]
    return pd.DataFrame({"method": table["method"].map(methods.name), "N": table["N"],
                         "D": table["D"], "device": table["device"], "sizes": table["sizes"],
                         "largest L": table["largest_L"], "fit": table["fit_exponent"],
                         "predict": table["predict_exponent"], "memory": table["memory_exponent"],
                         "first failure": failure})


def table_6() -> pd.DataFrame:
    """DXML's Table 6 on the extreme data sets with their label counts (Table 1): train seconds
    (on a GPU) and test seconds (on a CPU), as printed, with the hardware the paper names."""
    times = published.values("dxml", "Table 6", by=("dataset", "printed_method", "metric"))
    labels = published.values("dxml", "Table 1", by=("dataset", "metric"), metric="labels")
    notes = published.load("dxml")
    notes = notes[(notes["source"] == "Table 6") & (notes["printed_method"] == "DXML")]
    where = dict(zip(notes["metric"], notes["note"]))
    rows = [{"data set": d, "L": labels[(d, "labels")],
             "train s (paper)": times[(d, "DXML", "train time")],
             "test s (paper)": times[(d, "DXML", "test time")]} for d in EXTREME]
    out = pd.DataFrame(rows)
    out.attrs["hardware"] = {"train": where.get("train time"), "test": where.get("test time")}
    return out


def dxml_times(frames: dict) -> pd.DataFrame:
    """:func:`table_6` beside the scale benchmark's DXML extrapolated to each data set's L: the
    fit and predict seconds at the largest L it completed, times (L / that L) to the power of
    its growth exponent (one CPU thread, the benchmark's N and D). Without two label counts of
    DXML in the benchmark the extrapolated columns are empty."""
    table = table_6()
    row = growth_of(frames[SCALE], "dxml")
    fit = predict = [None] * len(table)
    if row is not None and row["sizes"] >= 2:
        ok = _ok(frames[SCALE])
        ok = ok[(ok["method"] == "dxml")]
        last = max(ok.to_dict("records"), key=lambda r: r["setting"]["n_labels"])
        L0, t = last["setting"]["n_labels"], last["timings"]
        fit = [t["fit_s"] * (L / L0) ** row["fit_exponent"] for L in table["L"]]
        predict = [t["predict_s"] * (L / L0) ** row["predict_exponent"] for L in table["L"]]
    table["fit s (ours, extrapolated)"] = fit
    table["predict s (ours, extrapolated)"] = predict
    return table


def scoring_table(frames: dict) -> pd.DataFrame:
    """The latest ``bench evaluate`` record per label count: scoring N rows batch by batch (the
    study's streaming evaluation) against the dense N x L matrices it replaced, measured on as
    many rows as fit and projected to N, with whether both gave the same metrics."""
    records = frames.get(EVALUATE)
    columns = ["labels", "rows", "streaming s", "streaming peak MB", "dense rows measured",
               "dense peak MB there", "dense MB projected to all rows", "same metrics",
               "timed alone"]
    if records is None or not len(records):
        return pd.DataFrame(columns=columns)
    latest_run = records.iloc[-1].to_dict()
    alone = latest_run.get("others_running") == False  # noqa: E712 (older records lack it: NaN)
    rows = []
    for size in latest_run["sizes"]:
        stream, dense = size["streaming"], size["dense"]
        rows.append({"labels": size["labels"], "rows": size["rows"],
                     "streaming s": stream["seconds"], "streaming peak MB": stream["peak_rss_mb"],
                     "dense rows measured": dense["rows"], "dense peak MB there": dense["peak_rss_mb"],
                     "dense MB projected to all rows": size["dense_projected_mb_at_full_rows"],
                     "same metrics": "yes" if dense["same_metrics_as_streaming"] else "NO",
                     "timed alone": "yes" if alone else "no"})
    return pd.DataFrame(rows, columns=columns)
