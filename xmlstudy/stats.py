"""Comparing methods across data sets, and a lead on one data set: the statistics none of the
four papers reported.

* :func:`average_ranks` and :func:`friedman`: methods ranked on every data set (1 = best, ties
  share the mean rank), the ranks averaged, and Friedman's test that all methods are equal
  (Demšar 2006, the standard for comparing classifiers over data sets);
* :func:`critical_difference`: Nemenyi's critical difference of average ranks at alpha = 0.05;
  two methods whose average ranks differ by less are not told apart (q from the studentized
  range, checked against Demšar's Table 5);
* :func:`paired_bootstrap`: the difference of two methods' mean per-row score on the same test
  rows, with a percentile interval over resamples of the rows;
* :func:`pareto_front`: the methods no other beats on both accuracy and cost;
* :func:`growth`: how a method's cost grows with the number of labels L (the exponent of a power
  law fitted to the records of ``python -m xmlstudy bench scale``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

# Studentized range statistic / sqrt(2) for alpha = 0.05 and k = 2..10 methods (Demšar 2006, Table 5a).
NEMENYI_Q_05 = {2: 1.960, 3: 2.343, 4: 2.569, 5: 2.728, 6: 2.850, 7: 2.949, 8: 3.031, 9: 3.102,
                10: 3.164}


def average_ranks(scores: pd.DataFrame, higher_is_better: bool = True) -> pd.Series:
    """``scores``: one row per data set, one column per method (no missing cells). Each row is
    ranked (1 = best, ties share the mean rank); returns the mean rank per method, best first."""
    if scores.isna().any().any():
        missing = scores.columns[scores.isna().any()].tolist()
        raise ValueError(f"average_ranks needs every method on every data set; missing cells for "
                         f"{missing} (drop those data sets or methods first)")
    ranks = scores.rank(axis=1, ascending=not higher_is_better, method="average")
    return ranks.mean().sort_values()


def friedman(scores: pd.DataFrame) -> dict:
    """Friedman's chi-square test over the rows (data sets) of ``scores``: statistic, p-value,
    number of data sets and of methods. Needs at least 3 methods and 2 data sets."""
    n, k = scores.shape
    if k < 3 or n < 2:
        raise ValueError(f"Friedman's test needs at least 3 methods and 2 data sets, got {k} and {n}")
    statistic, p = scipy_stats.friedmanchisquare(*[scores[c].to_numpy() for c in scores.columns])
    return {"statistic": float(statistic), "p": float(p), "datasets": n, "methods": k}


def nemenyi_q(methods: int, alpha: float = 0.05) -> float:
    """Nemenyi's q_alpha for ``methods`` methods: the studentized range quantile (infinite
    degrees of freedom) over sqrt(2); it reproduces Demšar's Table 5 (:data:`NEMENYI_Q_05`)."""
    if methods < 2:
        raise ValueError(f"nemenyi_q needs at least 2 methods, got {methods}")
    return float(scipy_stats.studentized_range.ppf(1 - alpha, methods, np.inf) / np.sqrt(2))


def critical_difference(methods: int, datasets: int, alpha: float = 0.05) -> float:
    """Nemenyi's critical difference: q_alpha * sqrt(k (k + 1) / (6 N))."""
    if datasets < 1:
        raise ValueError(f"critical_difference needs at least 1 data set, got {datasets}")
    return nemenyi_q(methods, alpha) * float(np.sqrt(methods * (methods + 1) / (6.0 * datasets)))


def paired_bootstrap(a: np.ndarray, b: np.ndarray, resamples: int = 10_000, seed: int = 0,
                     level: float = 0.95) -> dict:
    """``a`` and ``b``: per-row scores of two methods on the same test rows (e.g. 1 where the top
    label is right). Returns the observed difference of means, the percentile interval of the
    difference over ``resamples`` resamples of the rows (with replacement, the same rows for
    both methods), and the share of resamples in which ``a`` is ahead."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape or a.ndim != 1 or not len(a):
        raise ValueError(f"paired_bootstrap needs two equal-length 1-d arrays, got {a.shape} and {b.shape}")
    diff = a - b
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for start in range(0, resamples, 1000):      # blocks keep memory at 1000 x n
        rows = rng.integers(0, len(diff), size=(min(1000, resamples - start), len(diff)))
        means[start:start + len(rows)] = diff[rows].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return {"difference": float(diff.mean()), "low": float(low), "high": float(high),
            "ahead": float((means > 0).mean()), "resamples": resamples}


def pareto_front(cost, accuracy) -> np.ndarray:
    """A boolean mask of the points no other point dominates (at most the cost and at least the
    accuracy, better in one): the accuracy-for-cost frontier."""
    cost, accuracy = np.asarray(cost, float), np.asarray(accuracy, float)
    front = np.ones(len(cost), bool)
    for i in range(len(cost)):
        dominated = (cost <= cost[i]) & (accuracy >= accuracy[i]) & ((cost < cost[i]) | (accuracy > accuracy[i]))
        front[i] = not dominated.any()
    return front


# --- growth exponents -----------------------------------------------------------------------------
def _slope(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = (x > 0) & (y > 0) & np.isfinite(y)
    if np.unique(x[keep]).size < 2:
        return float("nan")
    return float(np.polyfit(np.log(x[keep]), np.log(y[keep]), 1)[0])


def growth(records) -> pd.DataFrame:
    """Each method's growth exponent in L: the slope of log(cost) against log(L) by least
    squares over the label counts it completed (status ``"ok"``), for fit seconds, predict
    seconds and peak memory (the run's own, over the process before fitting). One row per
    method and (N, D, seed, device); an exponent needs two label counts (NaN otherwise). Also the
    largest L completed and the first L that failed, with its status, and how many of the sizes
    were measured while other work ran. A label count with several records counts by its latest.
    ``records``: the records of ``python -m xmlstudy bench scale`` as written (dicts)."""
    rows = {}
    for r in records:
        s = r["setting"]
        key = (r["method"], s["n_rows"], s["n_features"], r.get("seed"),
               r.get("provenance", {}).get("device"))
        # A label count measured again (its first run shared the CPU) counts once: the latest.
        rows.setdefault(key, {})[s["n_labels"]] = r
    out = []
    for (method, n, d, seed, device), by_L in sorted(rows.items(), key=lambda kv: str(kv[0])):
        recs = list(by_L.values())
        ok = sorted((r for r in recs if r["status"] == "ok"), key=lambda r: r["setting"]["n_labels"])
        failed = sorted((r for r in recs if r["status"] not in ("ok", "skipped")),
                        key=lambda r: r["setting"]["n_labels"])
        L = [r["setting"]["n_labels"] for r in ok]
        out.append({
            "method": method, "N": n, "D": d, "seed": seed, "device": device,
            "sizes": len(ok), "largest_L": max(L) if L else None,
            "fit_exponent": _slope(L, [r["timings"]["fit_s"] for r in ok]),
            "predict_exponent": _slope(L, [r["timings"]["predict_s"] for r in ok]),
            "memory_exponent": _slope(L, [r.get("peak_memory_mb") for r in ok]),
            "failed_at_L": failed[0]["setting"]["n_labels"] if failed else None,
            "failure": failed[0]["status"] if failed else None,
            # Sizes measured while other work shared the CPU: their times are not the method's.
            "busy_sizes": sum(bool(r.get("others_running")) for r in ok),
        })
    columns = ["method", "N", "D", "seed", "device", "sizes", "largest_L", "fit_exponent",
               "predict_exponent", "memory_exponent", "failed_at_L", "failure", "busy_sizes"]
    return pd.DataFrame(out, columns=columns)
