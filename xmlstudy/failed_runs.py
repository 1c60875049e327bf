"""Failed runs: the one rule that says when a run did not train, for every table and ranking.

A score is **far below** what it is compared with when it is under half of it *and* at least 10
points (0.10 on the records' fraction scale) under it. Two comparisons use that rule:

* **a failed seed** (:func:`failed_seeds`): one seed of a configuration (a method on a data set in
  one setting) far below the median of its other seeds. Seeds of one configuration differ only
  in initialisation and order; in the study's committed full-profile records the seeds that
  trained stay above 0.6 of their siblings' median, while the runs that stopped in their first
  plateau or collapsed to one output (the two-step non-negative model's sider seed 0: P@1 44.21
  against 90.88 and 92.28; C2AE's corel5k seed 1: 7.60 against 31.00 and 29.80) fall under half.
* **a stalled configuration** (:func:`stalled`): a method's mean over seeds far below the median
  of the other methods' means on the same data set, where at least three other methods ran (the
  two-step non-negative model on scene: P@1 19.59 where the others' median is 71.59; its fit ends
  at the loss of an all-zero reconstruction). Among the committed benchmark records it marks
  that configuration alone.

The 10-point floor keeps scores near zero (a chance-level control, the macro-F1 of very rare
labels), where one value is easily half another, from counting as failures. A failed run is not
dropped: the tables keep it in the mean and mark the cell with
:data:`~xmlstudy.formatting.FAILED_MARK`, and a note under the table names the run.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import pandas as pd

from xmlstudy import methods
from xmlstudy.formatting import FAILED_MARK, number, share

RATIO = 0.5          # under half of the reference ...
GAP = 0.10           # ... and at least this far under it (fractions: 10 points)
MIN_OTHER_METHODS = 3


def far_below(value: float, reference: float, scale: float = 1.0) -> bool:
    """Whether ``value`` is under :data:`RATIO` times ``reference`` and at least :data:`GAP`
    (times ``scale``: 100 for percents) below it. Missing values are never far below."""
    if pd.isna(value) or pd.isna(reference):
        return False
    return value < RATIO * reference and reference - value >= GAP * scale


def failed_seeds(values: dict, scale: float = 1.0) -> list:
    """The seeds of ``values`` (``{seed: score}``, one configuration) whose score is far below
    the median of the other seeds' (:func:`far_below`); none with fewer than two seeds."""
    clean = {seed: v for seed, v in values.items() if not pd.isna(v)}
    if len(clean) < 2:
        return []
    return [seed for seed, v in clean.items()
            if far_below(v, median([o for s, o in clean.items() if s != seed]), scale)]


@dataclass(frozen=True)
class Failure:
    """One failed seed (``seed`` set) or one stalled configuration (``seed`` None): which group
    (``group``: ``(column, value)`` pairs such as ``(("dataset", "sider"), ("method", "nnae"))``),
    on which ``metric``, its ``value`` and what it was compared with (``others``: the other
    seeds' scores, or the median of the other methods' means), all fractions."""

    group: tuple
    metric: str
    value: float
    others: tuple
    seed: int | None = None

    def get(self, column: str, default=None):
        """The value of ``column`` in the failure's group."""
        return dict(self.group).get(column, default)

    def key(self, rows) -> tuple:
        """The failure's group as the index key of a table grouped by ``rows``."""
        return tuple(self.get(r) for r in rows)

    def note(self, scale: float = 100.0, digits: int = 2) -> str:
        """The note under a table, e.g. "‡ one seed failed: non-negative AE on sider, P@1
        44.21 (seed 0) vs 90.88, 92.28"."""
        parts = dict(self.group)
        method = parts.pop("method", parts.pop("name", None))
        dataset = parts.pop("dataset", None)
        shown = methods.name(method) if method in methods.METHODS else method
        place = " on ".join(str(p) for p in (shown, dataset) if p is not None)
        place = ", ".join([place, *(share(v) if k in ("fraction", "train_fraction") else str(v)
                                    for k, v in parts.items())]).strip(", ")
        label = self.metric.split("/")[-1]
        value = number(scale * self.value, digits)
        if self.seed is not None:
            others = ", ".join(number(scale * o, digits) for o in self.others)
            return f"{FAILED_MARK} one seed failed: {place}, {label} {value} (seed {self.seed}) vs {others}"
        return (f"{FAILED_MARK} stalled: {place}, {label} {value} (mean over seeds), under half the "
                f"median of the other methods ({number(scale * self.others[0], digits)})")


def seed_failures(scores: pd.DataFrame, metric: str, by=("dataset", "method")) -> list[Failure]:
    """Every failed seed (:func:`failed_seeds`) among ``scores``: one row per run with the
    columns ``by`` (the data set, the method and what else makes one configuration), ``seed``
    and ``value`` (its ``metric``, a fraction; :func:`xmlstudy.tables.failures` builds it from
    records)."""
    by = list(by)
    out = []
    frame = scores.dropna(subset=["value"])
    for key, group in frame.groupby(by, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        seeds = dict(zip(group["seed"], group["value"]))
        for seed in failed_seeds(seeds):
            out.append(Failure(tuple(zip(by, key)), metric, float(seeds[seed]),
                               tuple(float(v) for s, v in seeds.items() if s != seed), seed=int(seed)))
    return out


def stalled(means: pd.DataFrame, metric: str) -> list[Failure]:
    """The stalled configurations of ``means`` (rows: data sets, columns: methods, values: means
    over seeds of ``metric``, fractions): a method's mean far below the median of the other
    methods' on a data set where at least :data:`MIN_OTHER_METHODS` others have one."""
    out = []
    for dataset, row in means.iterrows():
        row = pd.to_numeric(row, errors="coerce").dropna()
        for method, value in row.items():
            others = row.drop(method)
            if len(others) >= MIN_OTHER_METHODS and far_below(value, others.median()):
                out.append(Failure((("dataset", dataset), ("method", method)), metric, float(value),
                                   (float(others.median()),)))
    return out
