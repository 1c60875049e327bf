"""Seeded synthetic multi-label data with planted structure, at any label count up to millions.

The public benchmarks of the study stop at a few hundred to a thousand labels; the papers claim
their methods scale to hundreds of thousands (DXML's Amazon-670K). :func:`generate` makes data of
the shape of an extreme-classification corpus at a chosen size, so that the cost of a method can
be measured as the label count grows with everything else held fixed, and so that a method that
learns anything at all can be seen to do so.

How a data set is drawn (all from one ``numpy`` generator seeded by ``seed``):

* **Labels** have a popularity that follows a power law: the label of popularity rank ``r``
  (1 = most popular) is drawn with probability proportional to ``1 / r**zipf_exponent``. Which
  label id gets which rank is a random permutation, so label ids carry no information.
* **Groups**: labels of neighbouring popularity form a group (ranks 1 to ``group_size``, the next
  ``group_size``, ...), and each group gets ``features_per_group`` indicative features, drawn
  uniformly from the ``n_features`` (two groups may share a feature, as topics share words);
  each label also gets ``features_per_label`` features of its own, so that the labels of a group
  share most of their features and can still be told apart.
  Groups of similar popularity keep the power law intact: in a group of one popular label and a
  few rare ones, a draw from the group would mostly repeat the popular label, and merging the
  repeats would bend the law at its head.
* **A row's labels**: ``1 + Poisson(labels_per_row - 1)`` draws. The first is drawn from the
  popularity law over all labels. Each further draw comes, with probability ``same_group``, from
  the first label's group (in proportion to the popularity of the group's labels), else again
  from all labels. Labels of a group therefore co-occur, and yet every single draw has the
  popularity law as its marginal distribution (a group is picked in proportion to its total
  popularity, then a label in proportion to its share of it). A label drawn twice in a row counts
  once, so every row has at least one label and none twice.
* **A row's features**: ``features_per_row`` draws (the words of a document). Each is, with
  probability ``noise``, a feature drawn uniformly from all ``n_features``; otherwise one of
  the row's labels is picked (uniformly) and the feature is, with probability ``own_share``, one
  of that label's own features, else one of its group's shared features (uniformly).
  Repeated draws add up (a term count), so a row has at most ``features_per_row`` non-zeros.
  Rows are scaled to unit L2 norm, as tf-idf rows usually are.
* **Splits**: the ``n_rows`` rows are shuffled and cut into test (``test_fraction``),
  validation (``valid_fraction``) and train (the rest).

Memory stays in proportion to ``n_rows * (labels_per_row + features_per_row) + n_labels *
features_per_label + n_groups * features_per_group``: the CSR matrices are built directly from
their entries and no ``n_rows x n_labels`` or ``n_labels x n_features`` array exists at any time; label and feature
names are computed when asked for (:class:`IndexNames`), not stored as millions of strings.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset, Splits

DEFAULTS = dict(n_rows=10_000, n_labels=1_000, n_features=10_000, labels_per_row=4.0,
                features_per_row=40, zipf_exponent=1.0, group_size=10, features_per_group=20,
                features_per_label=5, own_share=0.3, same_group=0.5, noise=0.3,
                valid_fraction=0.1, test_fraction=0.2, seed=0)


class IndexNames(Sequence):
    """The names ``prefix-0`` to ``prefix-(n-1)``, each made only when asked for (a list of a
    million label names would cost about 70 MB for nothing)."""

    def __init__(self, prefix: str, n: int) -> None:
        self.prefix, self.n = prefix, int(n)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [f"{self.prefix}-{j}" for j in range(*i.indices(self.n))]
        j = int(i) + self.n if int(i) < 0 else int(i)
        if not 0 <= j < self.n:
            raise IndexError(f"{self.prefix} name {i} out of range for {self.n} names")
        return f"{self.prefix}-{j}"

    def __eq__(self, other) -> bool:
        if isinstance(other, IndexNames):
            return (self.prefix, self.n) == (other.prefix, other.n)
        return isinstance(other, (list, tuple)) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"IndexNames({self.prefix!r}, {self.n})"


def _check(params: dict) -> None:
    """Reject impossible settings with the parameter's name, its value and what it must be."""
    def fail(name, must):
        raise ValueError(f"synthetic data: {name}={params[name]!r}; it must be {must}")

    for name in ("n_rows", "n_labels", "n_features", "features_per_row", "group_size",
                 "features_per_group", "features_per_label"):
        if not isinstance(params[name], (int, np.integer)) or params[name] < 1:
            fail(name, "a positive integer")
    if not params["labels_per_row"] >= 1:
        fail("labels_per_row", "at least 1 (every row has a label; it is the mean count)")
    if not params["zipf_exponent"] >= 0:
        fail("zipf_exponent", ">= 0 (0 = uniform popularity, 1 = Zipf's law)")
    for name in ("same_group", "noise", "own_share"):
        if not 0 <= params[name] <= 1:
            fail(name, "a probability in [0, 1]")
    for name in ("valid_fraction", "test_fraction"):
        if not 0 <= params[name] < 1:
            fail(name, "a fraction in [0, 1)")
    n_test = int(round(params["test_fraction"] * params["n_rows"]))
    n_valid = int(round(params["valid_fraction"] * params["n_rows"]))
    if params["n_rows"] - n_test - n_valid < 1:
        raise ValueError(f"synthetic data: n_rows={params['n_rows']} leaves no training row with "
                         f"test_fraction={params['test_fraction']} and valid_fraction="
                         f"{params['valid_fraction']}; give more rows or smaller fractions")


class _LabelLaw:
    """The popularity law over labels, laid out by group, so that one ``searchsorted`` on one
    cumulative array draws a label from all labels or from within a given group."""

    def __init__(self, rng: np.random.Generator, n_labels: int, zipf_exponent: float,
                 group_size: int) -> None:
        self.rank = rng.permutation(n_labels)             # label id -> popularity rank - 1
        self.n_groups = math.ceil(n_labels / group_size)
        self.group = self.rank // group_size                     # label id -> group
        self.by_group = np.argsort(self.group, kind="stable")    # label ids, grouped
        weight = (self.rank[self.by_group] + 1.0) ** -float(zipf_exponent)
        self.cum = np.cumsum(weight)                              # float64: exact enough at 10^6
        starts = np.searchsorted(self.group[self.by_group], np.arange(self.n_groups))
        self.start = starts                                       # first position of each group
        self.end = np.append(starts[1:], n_labels)                # one past its last position
        self.cum_before = np.where(starts > 0, self.cum[np.maximum(starts - 1, 0)], 0.0)

    def draw(self, u: np.ndarray) -> np.ndarray:
        """Labels drawn from the whole law, one per uniform number in ``u``."""
        pos = np.searchsorted(self.cum, u * self.cum[-1], side="right")
        return self.by_group[np.minimum(pos, self.cum.size - 1)]

    def draw_in(self, groups: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Labels drawn from the law restricted to ``groups`` (one group per uniform number)."""
        lo, hi = self.cum_before[groups], self.cum[self.end[groups] - 1]
        pos = np.searchsorted(self.cum, lo + u * (hi - lo), side="right")
        # Rounding can land one position outside the group; clip back into it.
        pos = np.clip(pos, self.start[groups], self.end[groups] - 1)
        return self.by_group[pos]


def _csr(n_rows: int, n_cols: int, rows: np.ndarray, cols: np.ndarray, values=None) -> sp.csr_matrix:
    """CSR from (row, column) entries with repeats summed, columns sorted within rows."""
    data = np.ones(rows.size, np.float32) if values is None else values
    M = sp.csr_matrix((data, (rows, cols)), shape=(n_rows, n_cols), dtype=np.float32)
    M.sum_duplicates()
    return M


def generate(**params) -> Splits:
    """Draw a data set (see the module's docstring for the model) and return its train,
    validation and test splits as :class:`~xmlstudy.data.Dataset` objects.

    Parameters (defaults in ``DEFAULTS``): ``n_rows``, ``n_labels``, ``n_features``,
    ``labels_per_row`` (mean labels per row before repeats are merged), ``features_per_row``
    (feature draws per row), ``zipf_exponent``, ``group_size``, ``features_per_group``,
    ``features_per_label``, ``own_share``, ``same_group``, ``noise``, ``valid_fraction``,
    ``test_fraction``, ``seed``. The same
    parameters give the same arrays on every machine. Each split's ``meta`` holds the parameters
    (``"generator"``) and the planted structure: ``"label_rank"`` (popularity rank - 1 of each
    label) and ``"label_group"`` (its group)."""
    unknown = sorted(set(params) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"synthetic data: unknown parameters {unknown}; valid: {', '.join(DEFAULTS)}")
    p = {**DEFAULTS, **params}
    _check(p)
    n, L, D = int(p["n_rows"]), int(p["n_labels"]), int(p["n_features"])
    rng = np.random.default_rng(p["seed"])
    law = _LabelLaw(rng, L, p["zipf_exponent"], int(p["group_size"]))
    pools = rng.integers(0, D, size=(law.n_groups, int(p["features_per_group"])))
    own = rng.integers(0, D, size=(L, int(p["features_per_label"])), dtype=np.int64)

    # --- labels: the first from the whole law, the others from its group or the whole law ----
    per_row = 1 + rng.poisson(p["labels_per_row"] - 1.0, size=n)
    label_rows = np.repeat(np.arange(n), per_row)
    first_slot = np.repeat(np.cumsum(per_row) - per_row, per_row)    # slot of the row's first
    labels = law.draw(rng.random(label_rows.size))
    first_group = law.group[labels[first_slot]]
    not_first = np.arange(label_rows.size) != first_slot
    in_group = (rng.random(label_rows.size) < p["same_group"]) & not_first
    labels[in_group] = law.draw_in(first_group[in_group], rng.random(int(in_group.sum())))
    Y = _csr(n, L, label_rows, labels)
    Y.data[:] = 1.0                                                  # a repeat counts once

    # --- features: noise, or an indicative feature of one of the row's labels or its group --
    draws = int(p["features_per_row"])
    feature_rows = np.repeat(np.arange(n), draws)
    noise = rng.random(feature_rows.size) < p["noise"]
    features = rng.integers(0, D, size=feature_rows.size)
    signal_rows = feature_rows[~noise]
    counts = np.diff(Y.indptr)
    which = (rng.random(signal_rows.size) * counts[signal_rows]).astype(np.int64)
    slot = Y.indptr[signal_rows] + which                             # a label slot of the row
    label = Y.indices[slot]
    mine = rng.random(signal_rows.size) < p["own_share"]
    signal = pools[law.group[label], rng.integers(0, pools.shape[1], size=signal_rows.size)]
    signal[mine] = own[label[mine], rng.integers(0, own.shape[1], size=int(mine.sum()))]
    features[~noise] = signal
    X = _csr(n, D, feature_rows, features)
    norms = np.sqrt(np.add.reduceat(X.data.astype(np.float64) ** 2, X.indptr[:-1]))
    X.data /= np.repeat(norms, np.diff(X.indptr)).astype(np.float32)

    # --- splits ------------------------------------------------------------------------------
    order = rng.permutation(n)
    n_test = int(round(p["test_fraction"] * n))
    n_valid = int(round(p["valid_fraction"] * n))
    parts = {"test": np.sort(order[:n_test]), "valid": np.sort(order[n_test:n_test + n_valid]),
             "train": np.sort(order[n_test + n_valid:])}
    feature_names, label_names = IndexNames("feature", D), IndexNames("label", L)
    meta = {"generator": {k: (float(v) if isinstance(v, float) else int(v)) for k, v in p.items()},
            "label_rank": law.rank, "label_group": law.group}
    name = f"synthetic-N{n}-L{L}-D{D}"
    out = {split: Dataset(name=name, split=split, X=X[rows], Y=Y[rows],
                          feature_names=feature_names, label_names=label_names, meta=dict(meta))
           for split, rows in parts.items()}
    return Splits(train=out["train"], valid=out["valid"] if n_valid else None, test=out["test"])
