"""The rulebook: how every verdict of the study is decided, one rule per kind of claim.

The four papers make five kinds of claim, and each kind has one rule, used in every chapter:

* ``matches-paper`` — *a number matches the paper*: each published number the study ran is a
  check that holds when the mean over seeds is at most ``tolerance`` percentage points below it
  (or above it); the checks are counted by the share rule.
* ``beats`` — *A beats B*: per data set, the paired differences A − B over seeds (percentage
  points) and a one-sided paired t-test of "A is not above B"; the data sets' tests are
  Holm-corrected at ``alpha_beats`` together, and a data set counts when its test rejects. The
  data sets are counted by the share rule. A mean gain inside the seed noise does not count.
* ``best-of-set`` — *A is the best of a set*: average ranks over the data sets (higher is
  better; equal means share their rank). Reproduced when A is first (a shared first place
  counts). Otherwise each method is compared with the first by a one-sided Wilcoxon signed-rank
  test on the paired (data set, seed) scores, Holm-corrected at ``alpha_best`` over all of them
  (Benavoli, Corani and Mangili, JMLR 2016, on why Nemenyi's critical difference is a weak basis):
  partly when the test cannot tell A from the first, not reproduced when it can.
* ``degrades-least`` — *A degrades least under noise or fewer data*: per setting, A's mean loss
  (or mean score) against every other method's; a setting counts when A is the best, or within
  ``tie`` of it; the settings are counted by the share rule.
* ``property`` — *a property holds* (linear growth, a positive correlation, a share of images): a
  measured value against the line the claim draws, with ``slack`` for timing noise where the
  value is a growth exponent.

The *share rule* turns counted checks into a verdict: every check holds -> reproduced; at least
``partly`` of them -> partly; fewer -> not reproduced.

Every verdict carries the name of its rule and its *margin*: how far its evidence is from the
rule's line, in words ("10 of 20 images; partly needs 10: on the line"). A claim whose evidence
rests on fewer than :data:`MIN_RUNS` seeds (a method deterministic given its data aside) is not
judged: :func:`too_few_runs` says which runs are missing.

Thresholds come in three strengths: :data:`DECLARED` (the one every page uses), :data:`STRICTER`
and :data:`LOOSER` (each harder, or easier, for a claim to pass). :func:`judged_under` switches
the strength for a block of code, so that :func:`sensitivity` can count how many verdicts a
change of thresholds would flip, without any judge taking the thresholds as an argument.
"""
from __future__ import annotations

import contextlib
import contextvars
import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
from scipy import stats as sps

from xmlstudy.claims import Verdict

MIN_RUNS = 3   # seeds (or splits) a verdict needs per (data set, method), deterministic methods aside


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of every rule, in the units the rulebook states: points are percentage
    points of P@k, nDCG@k and F1 (0-100 scale)."""

    name: str
    tolerance: float     # matches-paper: points a mean may fall below a published number
    alpha_beats: float   # beats: family-wise error rate of the Holm-corrected paired tests
    alpha_best: float    # best-of-set: family-wise error rate of the tests against the first
    partly: float        # share rule: share of checks that makes "partly"
    tie: float           # degrades-least: points (or % of clean) within which A ties the best
    slack: float         # property: how far past its line a growth exponent may be

    def describe(self, field: str) -> str:
        """A threshold as the rulebook page writes it: the partly share as a fraction in words
        ("half", "2/3", "1/3"), every other threshold as its number."""
        value = getattr(self, field)
        if field == "partly":
            return {0.5: "half", 2 / 3: "2/3", 1 / 3: "1/3"}.get(value, f"{value:.0%}")
        return f"{value:g}"


# The declared thresholds, and a stricter and a looser version of each (harder or easier for the
# claim to pass): a smaller alpha for "beats" makes a win harder to show, a larger alpha for
# "best-of-set" makes a runner-up easier to separate from the first (so "partly" is harder).
DECLARED = Thresholds("declared", tolerance=1.5, alpha_beats=0.05, alpha_best=0.05, partly=0.5,
                      tie=0.5, slack=0.25)
STRICTER = Thresholds("stricter", tolerance=0.5, alpha_beats=0.01, alpha_best=0.10, partly=2 / 3,
                      tie=0.0, slack=0.10)
LOOSER = Thresholds("looser", tolerance=3.0, alpha_beats=0.10, alpha_best=0.01, partly=1 / 3,
                    tie=1.0, slack=0.50)
STRENGTHS = (DECLARED, STRICTER, LOOSER)



def with_tolerance(points: float | None) -> Thresholds:
    """The declared thresholds with another ``tolerance`` (points), for a notebook's
    ``tolerance`` parameter; None keeps the declared one."""
    if points is None:
        return current()
    if not 0 <= float(points) <= 100:
        raise ValueError(f"tolerance: got {points!r}; give percentage points between 0 and 100, "
                         f"e.g. {DECLARED.tolerance:g}")
    return replace(current(), name=f"tolerance {float(points):g}", tolerance=float(points))


_current: contextvars.ContextVar[Thresholds] = contextvars.ContextVar("thresholds", default=DECLARED)


def current() -> Thresholds:
    """The thresholds in force (:data:`DECLARED` unless inside :func:`judged_under`)."""
    return _current.get()


@contextlib.contextmanager
def judged_under(thresholds: Thresholds):
    """Judge every claim inside the block under ``thresholds``."""
    token = _current.set(thresholds)
    try:
        yield thresholds
    finally:
        _current.reset(token)


@dataclass(frozen=True)
class Rule:
    """One rule of the rulebook: the kind of claim it judges, what it checks, and the
    thresholds (fields of :class:`Thresholds`) it reads."""

    key: str
    kind: str
    check: str
    thresholds: tuple


RULES: dict[str, Rule] = {r.key: r for r in (
    Rule("matches-paper", "a number matches the paper",
         "each published number run here holds when the mean over seeds is at most the tolerance "
         "below it; the numbers are counted by the share rule", ("tolerance", "partly")),
    Rule("beats", "A beats B",
         "per data set, a one-sided paired t-test of A − B over seeds, Holm-corrected over the "
         "data sets; a data set counts when A is significantly above B; counted by the share rule",
         ("alpha_beats", "partly")),
    Rule("best-of-set", "A is the best of a set",
         "average rank over the data sets (ties share a rank): first is reproduced; otherwise "
         "partly when a one-sided Wilcoxon signed-rank test on paired (data set, seed) scores, "
         "Holm-corrected over every method against the first, cannot separate A from the first",
         ("alpha_best",)),
    Rule("degrades-least", "A degrades least under noise or fewer data",
         "per setting, A's mean is the best of all methods or within the tie of it; the settings "
         "are counted by the share rule", ("tie", "partly")),
    Rule("property", "a property holds",
         "the measured value on the right side of the claim's line (a growth exponent may pass "
         "its line by the slack)", ("slack",)),
    Rule("checks", "several stated checks hold",
         "each check the claim states is counted; the share rule decides", ("partly",)),
)}
NOT_TESTABLE = "not testable here"


# --- the share rule --------------------------------------------------------------------------------
def share_verdict(hits: int, total: int) -> str:
    """Every check holds -> reproduced; at least the ``partly`` share -> partly; fewer -> not
    reproduced; nothing to check -> not testable here."""
    if total == 0:
        return NOT_TESTABLE
    if hits == total:
        return "reproduced"
    return "partly" if hits >= _partly_needs(total) else "not reproduced"


def _partly_needs(total: int) -> int:
    # The smallest count that reaches the share (with a little room for float error: 2/3 of 3
    # is 2, not 3).
    return max(1, math.ceil(current().partly * total - 1e-9))


def share_margin(hits: int, total: int, unit: str = "checks") -> str:
    """How far ``hits`` of ``total`` is from the share rule's lines, in words."""
    if total == 0:
        return "nothing to check"
    needs = _partly_needs(total)
    head = f"{hits} of {total} {unit}"
    if hits == total:
        return f"{head}: every one holds" + ("" if total > 1 else " (a single check)")
    if hits >= needs:
        edge = "on the line" if hits == needs else f"{hits - needs} above the line"
        return f"{head}; partly needs {needs}: {edge}; reproduced needs all {total}"
    return f"{head}; partly needs {needs}: {needs - hits} short"


def counted(hits: int, total: int, evidence: str, *, rule: str = "checks",
            unit: str = "checks") -> Verdict:
    """A verdict by the share rule on ``hits`` of ``total`` checks."""
    return Verdict(share_verdict(hits, total), evidence, hits=hits, checks=total, rule=rule,
                   margin=share_margin(hits, total, unit))


def not_testable(reason: str, rule: str = "") -> Verdict:
    return Verdict(NOT_TESTABLE, reason, rule=rule, margin="")


# --- enough runs -----------------------------------------------------------------------------------
def too_few_runs(records: pd.DataFrame, by=("dataset", "method"), deterministic=()) -> str | None:
    """None when every group of ``records`` (by ``by``) has at least :data:`MIN_RUNS` distinct
    seeds, methods in ``deterministic`` aside (one run says all); else a sentence naming the
    groups that fall short, for a "not testable here" verdict."""
    if records is None or not len(records):
        return "no records"
    method = records["method"] if "method" in records.columns else pd.Series("", index=records.index)
    seeded = records[~method.isin(list(deterministic))]
    if not len(seeded):
        return None
    seeds = seeded.groupby(list(by), sort=False)["seed"].nunique()
    short = seeds[seeds < MIN_RUNS]
    if not len(short):
        return None
    names = [" ".join(str(k) for k in (key if isinstance(key, tuple) else (key,))) for key in short.index[:4]]
    more = f" and {len(short) - 4} more" if len(short) > 4 else ""
    return (f"fewer than {MIN_RUNS} seeds for {len(short)} of {len(seeds)} runs "
            f"({', '.join(f'{n}: {int(c)}' for n, c in zip(names, short.values))}{more}); the rule "
            f"needs {MIN_RUNS}")


# --- matches-paper --------------------------------------------------------------------------------
def matches_paper(table: pd.DataFrame, what: str = "numbers", extra: str = "") -> Verdict:
    """``table``: one row per published number with columns ``dataset``, ``metric``, ``ours``
    (mean over seeds, points), ``paper`` (points) and ``runs`` (seeds behind ``ours``; rows with
    none are left out). Each number is a check that holds when ``ours >= paper - tolerance``."""
    tol = current().tolerance
    table = table[table["runs"] > 0].copy()
    if not len(table):
        return not_testable("no published number has a record yet", "matches-paper")
    table["gap"] = table["ours"] - table["paper"]
    hits = int((table["gap"] >= -tol - 1e-9).sum())
    closest = table.loc[(table["gap"] + tol).abs().idxmin()]
    margin = (share_margin(hits, len(table), what) + f"; closest to the {tol:g}-point line: "
              f"{closest['dataset']} {closest['metric']} {closest['gap']:+.2f}")
    p1 = table[table["metric"] == "P@1"]
    detail = "; ".join(f"{r.dataset} P@1 {r.ours:.2f} vs {r.paper:g}" for r in p1.itertuples())
    return Verdict(share_verdict(hits, len(table)),
                   f"{hits} of {len(table)} {what} within {tol:g} points or above"
                   + (f"; {detail}" if detail else "") + extra,
                   hits=hits, checks=len(table), rule="matches-paper", margin=margin)


# --- beats ----------------------------------------------------------------------------------------
def holm(pvalues) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error control), in the input order."""
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p, kind="stable")
    adjusted = np.empty_like(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def paired_t(differences) -> tuple[float, float, float]:
    """Mean, one-sided p-value of "mean <= 0" and the half-width of the two-sided 95% interval
    of the mean of paired ``differences`` (t over seeds). One difference, or differences that
    all agree, are exact: p is 0 when the mean is above 0 and 1 otherwise."""
    d = np.asarray(differences, dtype=float)
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if len(d) > 1 else 0.0
    if len(d) < 2 or sd == 0.0:
        return mean, (0.0 if mean > 0 else 1.0), 0.0
    se = sd / math.sqrt(len(d))
    p = float(sps.t.sf(mean / se, df=len(d) - 1))
    return mean, p, float(sps.t.ppf(0.975, df=len(d) - 1) * se)


def beats(pairs: pd.DataFrame, a: str, b: str, *, what: str = "P@1", unit: str = "data sets") -> Verdict:
    """``pairs``: columns ``dataset``, ``seed``, ``a``, ``b`` (points; A's and B's score on the
    same data set and seed, one row per seed; a deterministic method's one value repeated; a
    check may also be a (data set, metric, rival) cell, named in ``dataset``, and ``unit`` names
    what a check is in the margin). The verdict on "``a`` beats ``b``" by the ``beats`` rule;
    ``a``/``b`` are display names."""
    alpha = current().alpha_beats
    rows = []
    for dataset, group in pairs.groupby("dataset", sort=False):
        group = group.dropna(subset=["a", "b"])
        if not len(group):
            continue
        mean, p, half = paired_t(group["a"] - group["b"])
        rows.append((dataset, mean, p, half, len(group)))
    if not rows:
        return not_testable(f"{a} and {b} share no data set", "beats")
    adjusted = holm([r[2] for r in rows])
    hits = int((adjusted <= alpha).sum())
    parts = [f"{d} {m:+.2f}" + (f" ± {h:.2f}" if h else "") + f" (p = {q:.3g})"
             for (d, m, _, h, _n), q in zip(rows, adjusted)]
    # Nearest the line: the failing check with the smallest p, or, when every check passes, the
    # passing one with the largest.
    failing = [i for i in range(len(rows)) if adjusted[i] > alpha]
    nearest = (min(failing, key=lambda i: adjusted[i]) if failing
               else max(range(len(rows)), key=lambda i: adjusted[i]))
    edge = f"; nearest the line: {rows[nearest][0]} at Holm p = {adjusted[nearest]:.3g} against {alpha:g}"
    return Verdict(share_verdict(hits, len(rows)),
                   f"{a} − {b} in {what} (points, mean ± 95% interval over seeds, Holm p): "
                   + "; ".join(parts),
                   hits=hits, checks=len(rows), rule="beats",
                   margin=share_margin(hits, len(rows), f"{unit} significantly above") + edge)


# --- best-of-set ----------------------------------------------------------------------------------
def average_ranks(means: pd.DataFrame) -> pd.Series:
    """Average rank of each column of ``means`` (data sets x methods, higher is better) over the
    rows, 1 = best; equal values (to 1e-9) share their rank. Sorted best first."""
    ranks = means.round(9).rank(axis=1, ascending=False, method="average")
    return ranks.mean().sort_values(kind="stable")


def best_of_set(scores: pd.DataFrame, method: str, name=lambda m: m, what: str = "P@1") -> Verdict:
    """``scores``: columns ``dataset``, ``seed``, ``method``, ``value`` (points, higher is
    better; a deterministic method's one run is paired with every seed). The verdict on
    "``method`` is the best of the set" by the ``best-of-set`` rule."""
    alpha = current().alpha_best
    means = scores.groupby(["dataset", "method"])["value"].mean().unstack().dropna()
    if method not in means.columns or means.shape[0] < 2 or means.shape[1] < 3:
        return not_testable(f"{name(method)} lacks records on two data sets beside two other "
                            "methods", "best-of-set")
    ranks = average_ranks(means)
    first_rank = ranks.iloc[0]
    place = int((ranks < ranks[method] - 1e-9).sum()) + 1
    head = (f"{what}: {name(method)} is {place} of {len(ranks)} methods by average rank "
            f"({ranks[method]:.2f} over {means.shape[0]} data sets; first "
            f"{name(ranks.index[0])} {first_rank:.2f})")
    if ranks[method] <= first_rank + 1e-9:
        tied = [name(m) for m in ranks.index if ranks[m] <= first_rank + 1e-9 and m != method]
        return Verdict("reproduced", head + (f", tied with {', '.join(tied)}" if tied else ""),
                       rule="best-of-set", margin=f"first of {len(ranks)}"
                       + (" (shared)" if tied else f"; the next is {ranks.iloc[1] - first_rank:.2f} ranks behind"))
    first = ranks.index[0]
    paired = _paired_scores(scores, means.index)
    p = {}
    for other in ranks.index[1:]:
        d = (paired[first] - paired[other]).dropna()
        d = d[d != 0]
        p[other] = 1.0 if not len(d) else float(sps.wilcoxon(d, alternative="greater").pvalue)
    adjusted = dict(zip(p, holm(list(p.values()))))
    separated = adjusted[method] <= alpha
    return Verdict("not reproduced" if separated else "partly",
                   head + f"; Wilcoxon against the first over {len(paired)} (data set, seed) pairs, "
                   f"Holm p = {adjusted[method]:.3g}",
                   rule="best-of-set",
                   margin=f"place {place}; Holm p {adjusted[method]:.3g} against {alpha:g}: "
                   + ("separated from the first" if separated else "not separated from the first"))


def _paired_scores(scores: pd.DataFrame, datasets) -> pd.DataFrame:
    """(data set, seed) x method; a method with one run on a data set (deterministic) fills
    every seed of that data set."""
    part = scores[scores["dataset"].isin(list(datasets))]
    table = part.pivot_table(index=["dataset", "seed"], columns="method", values="value", aggfunc="mean")
    single = part.groupby(["dataset", "method"])["seed"].nunique()
    for (dataset, method), n in single.items():
        if n == 1 and method in table.columns:
            value = part[(part["dataset"] == dataset) & (part["method"] == method)]["value"].iloc[0]
            table.loc[dataset, method] = value
    return table


# --- degrades-least -------------------------------------------------------------------------------
def degrades_least(table: pd.DataFrame, method: str, name=lambda m: m, *, lower_is_better: bool,
                   what: str) -> Verdict:
    """``table``: columns ``setting``, ``method``, ``value`` (the mean over seeds: a loss in
    points or % of the clean score when ``lower_is_better``, else a score). A setting counts
    when ``method`` is the best or within the ``tie`` of the best."""
    tie = current().tie
    hits, total, parts = 0, 0, []
    for setting, group in table.groupby("setting", sort=False):
        group = group.dropna(subset=["value"])
        if method not in set(group["method"]) or group["method"].nunique() < 2:
            continue
        values = group.set_index("method")["value"]
        mine = values[method]
        others = values.drop(method)
        best_other = others.min() if lower_is_better else others.max()
        gap = (mine - best_other) if lower_is_better else (best_other - mine)
        total += 1
        hits += int(gap <= tie + 1e-9)
        leader = others.idxmin() if lower_is_better else others.idxmax()
        parts.append(f"{setting}: {name(method)} {mine:.2f}, best other {name(leader)} {best_other:.2f}")
    if not total:
        return not_testable(f"{name(method)} has no setting beside another method", "degrades-least")
    return Verdict(share_verdict(hits, total),
                   f"{name(method)} best (or within {tie:g} of the best) in {hits} of {total} settings "
                   f"by {what}: " + "; ".join(parts), hits=hits, checks=total, rule="degrades-least",
                   margin=share_margin(hits, total, "settings"))


# --- property -------------------------------------------------------------------------------------
def growth_at_most(exponent: float, line: float, evidence: str) -> Verdict:
    """A growth exponent on or below ``line`` (plus the ``slack`` for timing noise)."""
    slack = current().slack
    gap = line + slack - exponent
    return Verdict("reproduced" if gap >= 0 else "not reproduced", evidence, rule="property",
                   margin=f"exponent {exponent:.2f} against the line {line:g} + {slack:g}: "
                   + (f"{gap:.2f} inside" if gap >= 0 else f"{-gap:.2f} past it"))


def holds(value: float, line: float, evidence: str, *, above: bool, unit: str = "") -> Verdict:
    """A measured ``value`` above (or below) ``line``: reproduced on the claim's side, else not."""
    ok = value > line if above else value < line
    return Verdict("reproduced" if ok else "not reproduced", evidence, rule="property",
                   margin=f"{value:.3g}{unit} against the line {line:g}{unit} "
                   f"({'above' if above else 'below'} needed): "
                   + ("holds" if ok else "on the wrong side" if value != line else "on the line, which fails"))


# --- how much the verdicts depend on the thresholds -------------------------------------------------
def sensitivity(judge_all) -> pd.DataFrame:
    """``judge_all()`` returns a scorecard (columns ``id``, ``verdict``, ``rule``); it is run
    under each strength. One row per rule: its claims, and how many of their verdicts change
    under the stricter and under the looser thresholds."""
    cards = {}
    for strength in STRENGTHS:
        with judged_under(strength):
            cards[strength.name] = judge_all().set_index("id")
    base = cards[DECLARED.name]
    rows = []
    for key in list(RULES) + [""]:
        ids = base.index[base["rule"] == key]
        if not len(ids):
            continue
        row = {"rule": key or "none (not testable here)", "claims": len(ids)}
        for strength in (STRICTER, LOOSER):
            other = cards[strength.name].reindex(ids)
            row[f"changed when {strength.name}"] = int((other["verdict"] != base.loc[ids, "verdict"]).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def thresholds_table() -> pd.DataFrame:
    """Every threshold of the rulebook at the three strengths (for the rulebook page)."""
    names = {"tolerance": "tolerance (points below a published number)",
             "alpha_beats": "alpha of the paired tests (beats)",
             "alpha_best": "alpha of the tests against the first (best-of-set)",
             "partly": "share of checks for partly",
             "tie": "tie with the best (degrades-least, points)",
             "slack": "slack of a growth exponent (property)"}
    rows = [{"threshold": names[f.name], **{s.name: s.describe(f.name) for s in STRENGTHS}}
            for f in fields(Thresholds) if f.name != "name"]
    return pd.DataFrame(rows)


def rules_table() -> pd.DataFrame:
    """The rules, one row each (for the rulebook page)."""
    return pd.DataFrame([{"rule": r.key, "kind of claim": r.kind, "what is checked": r.check}
                         for r in RULES.values()])
