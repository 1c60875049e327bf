"""Plot helpers that know no paper. Each takes records or data sets and returns a matplotlib
Figure; the chapter modules (``xmlstudy.chapters``) hold their chapters' own figures."""
from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401
from matplotlib.colors import to_hex

from xmlstudy import methods


def _handle_colour(handle) -> str | None:
    """The colour a legend entry shows (a line's, a patch's face, a scatter's first point)."""
    for getter in ("get_color", "get_facecolor", "get_markerfacecolor"):
        if hasattr(handle, getter):
            value = getattr(handle, getter)()
            if hasattr(value, "ndim") and value.ndim == 2:   # a collection: one row per point
                value = value[0] if len(value) else None
            if value is None or (isinstance(value, str) and value == "none"):
                continue
            return to_hex(value, keep_alpha=False)
    return None


def check_legends(fig) -> None:
    """Stop when a legend of ``fig`` names a method other than by its registry name, or shows a
    registry name in another colour than the method's (:mod:`xmlstudy.methods`): a method looks
    the same on every figure of the book."""
    forbidden = methods.forbidden_names()
    by_name = {m.name: m for m in methods.METHODS.values()}
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    for legend in filter(None, legends):
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            label = text.get_text()
            if label in forbidden:
                raise ValueError(f"a figure legend names {forbidden[label]!r} as {label!r}; use "
                                 f"its registry name {methods.name(forbidden[label])!r}")
            entry = by_name.get(label)
            shown = _handle_colour(handle) if entry else None
            if entry and shown and shown != to_hex(entry.colour):
                raise ValueError(f"a figure legend draws {label!r} in {shown}; the registry's "
                                 f"colour for it is {entry.colour} (xmlstudy.methods)")

def label_frequency(train_sets: dict, columns: int = 4):
    """The long tail: for each dataset (``{name: training Dataset}``) the number of training
    samples of every label, labels sorted from most to least frequent, on log-log axes. The
    title gives the share of labels with at most 5 training samples, where a label is too rare
    for most methods to learn."""
    import numpy as np

    if not train_sets:
        raise ValueError("label_frequency: no datasets given")
    n = len(train_sets)
    columns = min(columns, n)
    rows = -(-n // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.6 * rows), squeeze=False)
    for ax, (name, train) in zip(axes.flat, train_sets.items()):
        counts = np.sort(np.asarray((train.Y > 0).sum(axis=0)).ravel())[::-1]
        rank = np.arange(1, len(counts) + 1)
        shown = counts > 0  # log axes cannot show labels without a training sample
        ax.loglog(rank[shown], counts[shown], color="C0", lw=1.5)
        ax.fill_between(rank[shown], counts[shown], 0.8, color="C0", alpha=0.15)
        rare = float(np.mean(counts <= 5))
        ax.set_title(f"{name}: {len(counts)} labels\n{rare:.0%} with ≤ 5 samples", fontsize=9)
        ax.set_ylim(bottom=0.8)
        ax.tick_params(labelsize=7)
        # Few labels span less than a decade: minor-tick labels would pile up on each other.
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("label rank", fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("training samples", fontsize=8)
    fig.tight_layout()
    return fig


def method_bars(ax, values: dict, metrics) -> None:
    """Bars of several methods side by side for each of ``metrics`` on ``ax``: the percent mean
    over seeds with a ±1 std bar (none for a single run), named and coloured as the methods
    registry says. ``values``: ``{method: [its runs' values of each metric (fractions)]}``, in
    the order the bars are drawn."""
    import numpy as np
    import pandas as pd

    width = 0.8 / len(values)
    for i, (method, per_metric) in enumerate(values.items()):
        runs = [pd.to_numeric(pd.Series(v), errors="coerce") for v in per_metric]
        means = [100 * v.mean() for v in runs]
        stds = [100 * v.std(ddof=1) if len(v) > 1 else 0.0 for v in runs]
        ax.bar(np.arange(len(metrics)) + (i - (len(values) - 1) / 2) * width, means, width,
               yerr=stds, capsize=2, label=methods.name(method), color=methods.colour(method))
    ax.set_xticks(np.arange(len(metrics)), metrics)
    ax.set_ylabel("percent (mean ± std over seeds)")
    ax.set_ylim(bottom=0)


def marker_swatch(colour: str, marker: str) -> str:
    """A method's legend entry alone, as a small SVG (text): a short line with the marker on it,
    in ``colour``, drawn by matplotlib as every figure draws it. The book's glossary of methods
    (:mod:`xmlstudy.glossary`) shows one beside each method's name. The SVG is the same on every
    call (no date, fixed element ids), so a rebuilt page does not change."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "xmlstudy", "svg.fonttype": "none"}):
        fig = Figure(figsize=(0.56, 0.28))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.plot([0.08, 0.92], [0.5, 0.5], color=colour, lw=1.5, solid_capstyle="butt")
        ax.plot([0.5], [0.5], color=colour, marker=marker, ms=9, lw=0)
        ax.set(xlim=(0, 1), ylim=(0, 1))
        ax.axis("off")
        out = io.StringIO()
        fig.savefig(out, format="svg", transparent=True, metadata={"Date": None})
    return out.getvalue()
