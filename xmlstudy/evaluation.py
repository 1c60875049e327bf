"""Evaluation that streams: a model's outputs scored batch by batch, never as an N x L matrix.

A model gives, for one batch of rows at a time, its scores (ranking) and its probabilities (set
metrics). :func:`evaluate` keeps, of each batch, only

* the top k labels of every row (:func:`top_k`), from which the ranking metrics, the per-row
  outcomes and the tail-label recall are computed afterwards (:mod:`xmlstudy.metrics`), and
* counts at every candidate threshold (:class:`ThresholdCounts`): per row, how many labels are
  predicted; per label, how many rows predict it; and, for every true (row, label) pair, the
  highest candidate threshold its probability reaches. These are exactly the integers the set
  metrics are made of, so :func:`threshold_protocols` gives the numbers
  :func:`xmlstudy.metrics.threshold_protocols` gives on the whole matrix, to the last bit: the
  candidates are a fixed grid (the C-GMVAE code's 0.1, ..., 0.9), not the scores themselves.

What the scoring holds is the N x k top labels, the N x T per-row counts, the L x T per-label
counts (T candidate thresholds) and one batch of outputs; :func:`batch_rows` sizes the batch so
that it stays near ``SCORE_BUDGET`` scores.

Both passes over a batch read it once and touch few of its entries again: each row is cut into
blocks and the block maxima are taken (a fast reduction); only blocks whose maximum can matter
(for the top k: at least the k-th largest block maximum of the row, a lower bound on the k-th
largest score; for the thresholds: at least the smallest candidate) are read entry by entry.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xmlstudy import metrics

__all__ = ["SCORE_BUDGET", "MAX_BATCH_ROWS", "DEFAULT_THRESHOLDS", "batch_rows", "top_k",
           "ThresholdCounts", "Evaluated", "evaluate", "threshold_protocols"]

SCORE_BUDGET = 2 ** 25      # scores in one batch: 128 MB of float32
MAX_BATCH_ROWS = 4096       # the batch Model.topk has always used, so outputs stay as they were
# Every threshold a protocol may need: the grid and the fixed 0.5.
DEFAULT_THRESHOLDS = tuple(sorted({*metrics.THRESHOLD_GRID, 0.5}))
_GATHER = 2 ** 21           # entries read from selected blocks at a time
_MANY_CANDIDATES = 64       # a row with more candidates (many ties at the cut) is selected exactly


def batch_rows(n_labels: int, budget: int = SCORE_BUDGET, most: int = MAX_BATCH_ROWS) -> int:
    """Rows per batch: ``most``, or, when ``most`` rows of ``n_labels`` scores exceed ``budget``,
    the largest power of two that fits (at least 1). Powers of two keep the batches aligned with
    the models' own internal batches (2048, 512), so a row's outputs do not depend on the batch."""
    if n_labels < 0 or budget < 1 or most < 1:
        raise ValueError(f"batch_rows: n_labels must be >= 0 and budget, most >= 1; got "
                         f"{n_labels}, {budget}, {most}")
    if n_labels * most <= budget:
        return most
    return 1 << max(0, (budget // n_labels).bit_length() - 1)


# --- blocks -----------------------------------------------------------------------------------
def _block_width(n_labels: int, k: int = 1) -> int:
    """Width of the blocks a row is cut into: about 256 blocks per row (at least k of them)."""
    return max(1, n_labels // max(256, 16 * k))


def _block_max(a: np.ndarray, width: int) -> np.ndarray:
    """Row-wise maxima of consecutive blocks of ``width`` columns (the last one may be shorter)."""
    n, n_labels = a.shape
    full = n_labels // width
    out = np.empty((n, -(-n_labels // width)), a.dtype)
    if full:
        np.max(a[:, :full * width].reshape(n, full, width), axis=2, out=out[:, :full])
    if n_labels % width:
        np.max(a[:, full * width:], axis=1, out=out[:, full])
    return out


def _entries_at_least(a: np.ndarray, width: int, rows: np.ndarray, blocks: np.ndarray, cut):
    """Row, column and value of every entry ``>= cut`` inside the blocks ``(rows[i], blocks[i])``
    of the C-contiguous matrix ``a``, in row-major order. ``cut`` is one value per block or a
    scalar. The blocks are read in chunks of about ``_GATHER`` entries."""
    n_labels = a.shape[1]
    flat = a.reshape(-1)
    first = blocks * width
    lengths = np.minimum(width, n_labels - first)
    ends = np.cumsum(lengths)
    bounds = [0, *np.searchsorted(ends, np.arange(_GATHER, ends[-1] if len(ends) else 0, _GATHER),
                                  side="right").tolist(), len(rows)]
    found = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        if hi <= lo:
            continue
        ln = lengths[lo:hi]
        total = int(ln.sum())
        # position of every entry of the chunk's blocks: the block's first entry + 0, 1, ...
        pos = np.repeat(rows[lo:hi] * n_labels + first[lo:hi] - (np.cumsum(ln) - ln), ln)
        pos += np.arange(total)
        vals = flat[pos]
        keep = vals >= (np.repeat(cut[lo:hi], ln) if np.ndim(cut) else cut)
        found.append((pos[keep], vals[keep]))
    pos = np.concatenate([p for p, _ in found]) if found else np.zeros(0, np.int64)
    vals = np.concatenate([v for _, v in found]) if found else np.zeros(0, a.dtype)
    row = pos // n_labels
    return row, pos - row * n_labels, vals


# --- top k --------------------------------------------------------------------------------------
def top_k(scores, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (int64) and scores of the ``min(k, L)`` highest scores of every row of one batch
    ``(n, L)``, best first; among equal scores the lower label index comes first, and NaN ranks
    below everything. The same result as ``np.argsort(-scores, axis=1, kind="stable")[:, :k]``,
    for a cost of about one pass over the batch instead of a sort of every row."""
    idx, vals, _ = _top_k(scores, k)
    return idx, vals


def _top_k(scores, k: int):
    """:func:`top_k` and the block maxima it computed: ``(idx, vals, (block_max, width))``."""
    s = np.asarray(scores)
    if s.ndim != 2:
        raise ValueError(f"top_k: scores must be a 2-D (rows x labels) batch; got shape {s.shape}")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"top_k: k must be a positive integer; got {k!r}")
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    s = np.ascontiguousarray(s)
    n, n_labels = s.shape
    kk = min(int(k), n_labels)
    idx = np.zeros((n, kk), np.int64)
    if n == 0 or kk == 0:
        return idx, np.zeros((n, kk), s.dtype), None
    width = _block_width(n_labels, kk)
    bmax = _block_max(s, width)
    n_blocks = bmax.shape[1]
    # The k-th largest block maximum: the k blocks with the largest maxima hold at least k
    # entries at or above it, so every one of the row's top k is at or above it too.
    cut = np.partition(bmax, n_blocks - kk, axis=1)[:, n_blocks - kk]
    nan_rows = np.isnan(bmax).any(axis=1)
    chosen = bmax >= cut[:, None]
    chosen[nan_rows] = False
    rows, blocks = np.nonzero(chosen)
    r, c, v = _entries_at_least(s, width, rows, blocks, cut[rows])
    count = np.bincount(r, minlength=n)
    exact = (count > max(_MANY_CANDIDATES, 4 * kk)) & ~nan_rows   # many ties at the cut
    light = ~exact & ~nan_rows
    keep = light[r]
    r, c, v = r[keep], c[keep], v[keep]
    order = np.lexsort((c, -v, r))        # by row, then score descending, then label ascending
    r, c = r[order], c[order]
    starts = np.cumsum(count * light) - count * light
    first_k = np.arange(len(r)) - starts[r] < kk
    idx[light] = c[first_k].reshape(-1, kk)
    if exact.any():
        idx[exact] = _top_k_with_ties(s[exact], kk)
    if nan_rows.any():
        # NaN is unordered: the stable sort of -s (NaN last) is the definition; such rows are rare.
        idx[nan_rows] = np.argsort(-s[nan_rows], axis=1, kind="stable")[:, :kk]
    return idx, np.take_along_axis(s, idx, axis=1), (bmax, width)


def _top_k_with_ties(s: np.ndarray, kk: int) -> np.ndarray:
    """Top ``kk`` of rows without NaN that hold many equal scores: the entries above the k-th
    largest value, then the lowest-indexed entries equal to it, ordered as :func:`top_k`."""
    n, n_labels = s.shape
    kth = np.partition(s, n_labels - kk, axis=1)[:, n_labels - kk][:, None]
    above = s > kth
    tied = s == kth
    need = kk - above.sum(axis=1)
    tied &= np.cumsum(tied, axis=1, dtype=np.int32) <= need[:, None]
    r, c = np.nonzero(above | tied)
    order = np.lexsort((c, -s[r, c], r))
    return c[order].reshape(n, kk)


# --- counts at candidate thresholds -------------------------------------------------------------
def _reached(hist: np.ndarray, dtype=np.int64) -> np.ndarray:
    """From a (T+1 x keys) histogram of bins (bin = how many candidates an entry reaches), the
    (T x keys) counts of the entries that reach each candidate j: those whose bin is above j."""
    return np.cumsum(hist[:0:-1], axis=0, dtype=dtype)[::-1]


def _histogram(bins: np.ndarray, keys: np.ndarray, n_keys: int, slots: int) -> np.ndarray:
    """(slots x n_keys): how many entries of each key fall in each bin."""
    return np.bincount(bins * n_keys + keys, minlength=slots * n_keys).reshape(slots, n_keys)


class ThresholdCounts:
    """Integer counts behind the set metrics at every candidate threshold, gathered from the
    probabilities of one split batch by batch (:meth:`add`, rows in order); :meth:`at` then gives
    :func:`xmlstudy.metrics.set_metrics` at any of the candidates. A label is predicted when its
    probability is ``>= t``, compared as float64 numbers, as the dense evaluation does."""

    def __init__(self, Y_true, thresholds=DEFAULT_THRESHOLDS, name: str = "") -> None:
        self.name = name
        self.Y = metrics.truth_csr(Y_true, f"Y_true{name}")
        self.n, self.n_labels = self.Y.shape
        t = np.unique(np.asarray(thresholds, dtype=np.float64).ravel())
        if t.size == 0 or np.isnan(t).any():
            raise ValueError(f"thresholds must be numbers, at least one; got {thresholds!r}")
        self.thresholds = t
        slots = t.size + 1    # bin of a probability: how many candidates it reaches, 0..T
        self.rows_done = 0
        self._pred_row = np.zeros((t.size, self.n), np.int64)
        # per bin and label, how many probabilities fall there (int32: at most N per label)
        self._label_bins = np.zeros(slots * self.n_labels, np.int32)
        # for every true (row, label) pair, the bin of its probability
        self._true_bins = np.zeros(self.Y.nnz, np.uint8 if slots <= 255 else np.int64)
        self._cuts: dict = {}
        self._codes: list = []
        self._buffered = 0
        self._totals = None

    def _flush(self) -> None:
        if self._buffered:
            codes = np.concatenate(self._codes)
            self._label_bins += np.bincount(codes, minlength=self._label_bins.size).astype(np.int32)
        self._codes, self._buffered = [], 0

    def _cuts_for(self, dtype) -> np.ndarray:
        """The candidates in ``dtype``: each the smallest ``dtype`` number >= the float64
        candidate, so that ``p >= cut`` in ``dtype`` is ``p >= t`` in float64, exactly."""
        if dtype not in self._cuts:
            with np.errstate(over="ignore"):
                cut = self.thresholds.astype(dtype)
            low = cut.astype(np.float64) < self.thresholds
            cut[low] = np.nextafter(cut[low], np.array(np.inf, dtype))
            self._cuts[dtype] = cut
        return self._cuts[dtype]

    def add(self, P, block_max=None) -> None:
        """Count the next batch of rows: ``P`` holds their probabilities, one column per label.
        ``block_max`` may pass ``(maxima, width)`` of this very array (from :func:`top_k`)."""
        P = np.asarray(P)
        if P.dtype.kind != "f" or P.dtype.itemsize > 8:
            P, block_max = P.astype(np.float64), None
        P = np.ascontiguousarray(P)
        start, n = self.rows_done, P.shape[0] if P.ndim == 2 else -1
        if P.ndim != 2 or P.shape[1] != self.n_labels or start + n > self.n:
            raise ValueError(f"P{self.name}: a batch must be (rows x {self.n_labels}) and the batches "
                             f"together as many rows as Y_true{self.name} ({self.n}); got shape "
                             f"{P.shape} after {start} rows")
        if n == 0 or self.n_labels == 0:   # nothing to predict: no counts change
            self.rows_done = start + n
            return
        if block_max is None:
            width = _block_width(self.n_labels)
            bmax = _block_max(P, width)
        else:
            bmax, width = block_max
        if not (np.isfinite(bmax).all() and np.isfinite(P.min())):
            raise ValueError(f"P{self.name} holds NaN or infinite values; probabilities must be finite")
        cuts = self._cuts_for(P.dtype)
        slots = cuts.size + 1
        rows, blocks = np.nonzero(bmax >= cuts[0])
        r, c, v = _entries_at_least(P, width, rows, blocks, cuts[0])
        bins = np.searchsorted(cuts, v, side="right")
        self._pred_row[:, start:start + n] = _reached(_histogram(bins, r, n, slots))
        # (bin, label) codes wait in a buffer until they are many enough for one bincount to be
        # worth its pass over the L x (T+1) counts
        self._codes.append(bins * self.n_labels + c)
        self._buffered += c.size
        if 8 * self._buffered >= self._label_bins.size:
            self._flush()
        ptr = self.Y.indptr[start:start + n + 1]
        true_rows = np.repeat(np.arange(n), np.diff(ptr))
        true_cols = self.Y.indices[ptr[0]:ptr[-1]]
        self._true_bins[ptr[0]:ptr[-1]] = np.searchsorted(cuts, P[true_rows, true_cols], side="right")
        self.rows_done = start + n

    def _finish(self):
        if self.rows_done != self.n:
            raise ValueError(f"P{self.name}: the batches covered {self.rows_done} rows but "
                             f"Y_true{self.name} has {self.n}; score every row before reading metrics")
        if self._totals is None:
            self._flush()
            slots = self.thresholds.size + 1
            bins = self._true_bins.astype(np.int64)
            true_rows = np.repeat(np.arange(self.n), np.diff(self.Y.indptr))
            self._totals = {
                "tp_row": _reached(_histogram(bins, true_rows, self.n, slots)),
                "tp_label": _reached(_histogram(bins, self.Y.indices, self.n_labels, slots), np.int32),
                "pred_label": _reached(self._label_bins.reshape(slots, self.n_labels), np.int32),
                "true_row": np.diff(self.Y.indptr),
                "true_label": np.bincount(self.Y.indices, minlength=self.n_labels)}
            self._label_bins = None
        return self._totals

    def at(self, threshold: float) -> dict[str, float]:
        """ex-F1, mi-F1, ma-F1 and HA at one of the candidate thresholds."""
        j = int(np.searchsorted(self.thresholds, float(threshold)))
        if j == self.thresholds.size or self.thresholds[j] != float(threshold):
            raise ValueError(f"threshold {threshold!r} is not a candidate; the counts were taken at "
                             f"{self.thresholds.tolist()}")
        tot = self._finish()
        return metrics.set_metrics_from_counts(
            tp_row=tot["tp_row"][j], pred_row=self._pred_row[j], true_row=tot["true_row"],
            tp_label=tot["tp_label"][j], pred_label=tot["pred_label"][j],
            true_label=tot["true_label"])


# --- one split, batch by batch -----------------------------------------------------------------
@dataclass
class Evaluated:
    """What :func:`evaluate` keeps of a split: the top labels of every row (None when k is None)
    with their scores, and the threshold counts."""

    top_idx: np.ndarray | None
    top_scores: np.ndarray | None
    counts: ThresholdCounts


def evaluate(batches, Y_true, k: int | None = 5, thresholds=DEFAULT_THRESHOLDS,
             name: str = "") -> Evaluated:
    """Score one split from ``batches``, an iterable of ``(scores, probabilities)`` for
    consecutive batches of its rows (as :meth:`xmlstudy.models.Model.score_batches` yields them):
    the top ``k`` labels by score (scores taken as float32, as ``Model.topk`` does) and the counts
    of :class:`ThresholdCounts`. ``k=None`` skips the top labels (a validation split)."""
    counts = ThresholdCounts(Y_true, thresholds, name)
    top_idx = top_scores = None
    if k is not None:
        kk = min(k, counts.n_labels)
        top_idx, top_scores = np.zeros((counts.n, kk), np.int64), np.zeros((counts.n, kk), np.float32)
    for scores, probabilities in batches:
        start, block_max = counts.rows_done, None
        if k is not None:
            s = np.asarray(scores, dtype=np.float32)
            if (s.ndim != 2 or s.shape[1] != counts.n_labels or s.shape[0] > counts.n - start
                    or np.shape(probabilities)[:1] != s.shape[:1]):
                raise ValueError(f"scores{name}: a batch must be (rows x {counts.n_labels}), with the "
                                 f"rows of its probabilities, and the batches together as many rows "
                                 f"as Y_true{name} ({counts.n}); got {s.shape} and "
                                 f"{np.shape(probabilities)} after {start} rows")
            idx, vals, block_max = _top_k(s, k)
            top_idx[start:start + len(s)], top_scores[start:start + len(s)] = idx, vals
            block_max = block_max if probabilities is s else None
        counts.add(probabilities, block_max)
    counts._finish()
    return Evaluated(top_idx, top_scores, counts)


def threshold_protocols(test: ThresholdCounts, valid: ThresholdCounts | None = None,
                        grid=metrics.THRESHOLD_GRID) -> dict[str, dict]:
    """:func:`xmlstudy.metrics.threshold_protocols` from counts: "fixed-0.5", "validation" (the
    grid threshold best on ``valid``, per metric, applied to test; absent without ``valid``)
    and "best-on-test". The counts must hold every grid threshold and 0.5."""
    grid = metrics.check_grid(grid)
    valid_at = None
    if valid is not None:
        if valid.n_labels != test.n_labels:
            raise ValueError(f"validation has {valid.n_labels} labels but test has {test.n_labels}")
        valid_at = [valid.at(t) for t in grid]
    return metrics.choose_thresholds(grid, [test.at(t) for t in grid], test.at(0.5), valid_at)
