"""Plot helpers that know no paper. Each takes records or data sets and returns a matplotlib
Figure; the chapter modules (``xmlstudy.chapters``) hold their chapters' own figures.

One home for how a figure sits on the page: every figure of the book is drawn at the width of the
text column (:data:`COLUMN_PX` pixels at :data:`DPI`), with type of at least :data:`MIN_FONT_PT`
points, by :func:`page_figure` inside :func:`for_page`; :func:`check_page` (run on every figure
the chapters glue) stops a figure that the page would shrink below two thirds of its drawn width,
whose type would be shown smaller than :data:`MIN_FONT_PT`, or that draws more series than it has
colours.
"""
from __future__ import annotations

import functools
import math

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex

from xmlstudy import methods

# The book's text column at the width the site is read and tested at (tests/test_site.py: a
# 1400 px window): the theme's article column is 756 px wide there (book/_static/xmlstudy.css
# leaves the theme's layout alone). A wider image is scaled down to it.
COLUMN_PX = 756
# Pixels per inch of the PNGs the notebooks save: the inline backend saves a figure at its own dpi.
DPI = 100
COLUMN_IN = COLUMN_PX / DPI
# savefig(bbox_inches="tight") adds this much on each side (matplotlib's savefig.pad_inches).
PAD_IN = 0.1
# The smallest type a reader should meet, in points as the page shows it (96 CSS px per inch).
MIN_FONT_PT = 9
# A figure the page shrinks below this share of its drawn width has illegible type.
MIN_SHOWN = 2 / 3

PAGE_STYLE = {
    "figure.dpi": DPI, "savefig.dpi": "figure", "figure.figsize": (COLUMN_IN - 2 * PAD_IN, 3.0),
    "font.size": MIN_FONT_PT, "axes.titlesize": MIN_FONT_PT + 1, "axes.labelsize": MIN_FONT_PT,
    "xtick.labelsize": MIN_FONT_PT, "ytick.labelsize": MIN_FONT_PT, "legend.fontsize": MIN_FONT_PT,
    "legend.title_fontsize": MIN_FONT_PT, "figure.titlesize": MIN_FONT_PT + 1,
}


def for_page(draw):
    """Decorate a function that returns a figure (or a tuple whose first item is one, or None):
    it runs with :data:`PAGE_STYLE`, so that every text it makes has the page's type sizes and
    every figure it makes the page's resolution."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        with plt.rc_context(PAGE_STYLE):
            return draw(*args, **kwargs)
    return drawn


def panel_grid(n: int, max_columns: int = 3) -> tuple[int, int]:
    """Rows and columns for ``n`` panels, at most ``max_columns`` side by side: at the column's
    width a fourth panel would leave each too narrow for its tick labels."""
    columns = max(1, min(n, max_columns))
    return -(-max(n, 1) // columns), columns


def page_figure(rows: int = 1, columns: int = 1, *, panel_height: float = 2.4, height: float | None = None,
                width: float = 1.0, **kwargs):
    """``plt.subplots`` at the text column's width (``width``: a share of it, for a small
    figure), ``panel_height`` inches per row of panels unless ``height`` is given, at
    :data:`DPI`; ``squeeze=False`` unless passed. Call it inside a :func:`for_page` function."""
    kwargs.setdefault("squeeze", False)
    size = (width * COLUMN_IN - 2 * PAD_IN, height if height is not None else panel_height * rows + 0.4)
    return plt.subplots(rows, columns, figsize=size, dpi=DPI, **kwargs)


def drawn_width_px(fig) -> float:
    """The width in pixels of the PNG the notebook saves of ``fig`` (tight bounding box)."""
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)
    return (box.width + 2 * PAD_IN) * fig.dpi


def _legend_handles(fig):
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    for legend in filter(None, legends):
        yield from zip(legend.legend_handles, (t.get_text() for t in legend.get_texts()))


def check_page(fig, name: str = "figure") -> None:
    """Stop when ``fig`` would not read well at the text column's width: the page would show it
    at less than :data:`MIN_SHOWN` of its drawn width, a text would be shown smaller than
    :data:`MIN_FONT_PT` points, or its legends show more series than distinct colours."""
    from matplotlib.text import Text

    fig.canvas.draw()
    width = drawn_width_px(fig)
    shown = min(1.0, COLUMN_PX / width)
    if shown < MIN_SHOWN:
        raise ValueError(f"{name} is drawn {width:.0f} px wide and would be shown at {shown:.0%} in "
                         f"the {COLUMN_PX} px text column; draw it with xmlstudy.figures.page_figure")
    small = sorted({(round(t.get_fontsize() * fig.dpi * shown / 96, 1), t.get_text()[:30])
                    for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
                    and t.get_fontsize() * fig.dpi * shown / 96 < MIN_FONT_PT - 0.05})
    if small:
        raise ValueError(f"{name}: type shown smaller than {MIN_FONT_PT} pt: "
                         + "; ".join(f"{text!r} at {size} pt" for size, text in small[:5])
                         + ". Draw it inside xmlstudy.figures.for_page without smaller font sizes")
    entries = {label: _handle_colour(handle) for handle, label in _legend_handles(fig)}
    colours = {c for c in entries.values() if c}
    if len(colours) < len([c for c in entries.values() if c]):
        raise ValueError(f"{name} shows {len(entries)} series in {len(colours)} colours; give each "
                         "series its own colour (methods from xmlstudy.methods)")


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

@for_page
def label_frequency(train_sets: dict, columns: int = 3):
    """The long tail: for each dataset (``{name: training Dataset}``) the number of training
    samples of every label, labels sorted from most to least frequent, on log-log axes. The
    title gives the share of labels with at most 5 training samples, where a label is too rare
    for most methods to learn."""
    import numpy as np

    if not train_sets:
        raise ValueError("label_frequency: no datasets given")
    n = len(train_sets)
    rows, columns = panel_grid(n, columns)
    fig, axes = page_figure(rows, columns, panel_height=2.1)
    for ax, (name, train) in zip(axes.flat, train_sets.items()):
        counts = np.sort(np.asarray((train.Y > 0).sum(axis=0)).ravel())[::-1]
        rank = np.arange(1, len(counts) + 1)
        shown = counts > 0  # log axes cannot show labels without a training sample
        ax.loglog(rank[shown], counts[shown], color="C0", lw=1.5)
        ax.fill_between(rank[shown], counts[shown], 0.8, color="C0", alpha=0.15)
        rare = float(np.mean(counts <= 5))
        ax.set_title(f"{name}: {len(counts):,} labels\n{rare:.0%} with ≤ 5 samples")
        ax.set_ylim(bottom=0.8)
        # Few labels span less than a decade: minor-tick labels would pile up on each other.
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("label rank")
    for ax in axes[:, 0]:
        ax.set_ylabel("training samples")
    fig.tight_layout()
    return fig


def _runs(values) -> list:
    import pandas as pd

    return list(pd.to_numeric(pd.Series(values), errors="coerce").dropna())


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


def interval(values, level: float = 0.95) -> tuple[float, float]:
    """The mean of ``values`` and the half-width of its Student-t interval at ``level`` (NaN
    with fewer than two values: one run has no interval)."""
    from scipy import stats

    runs = _runs(values)
    if not runs:
        return math.nan, math.nan
    mean = sum(runs) / len(runs)
    if len(runs) < 2:
        return mean, math.nan
    sd = math.sqrt(sum((v - mean) ** 2 for v in runs) / (len(runs) - 1))
    return mean, stats.t.ppf(0.5 + level / 2, len(runs) - 1) * sd / math.sqrt(len(runs))


def paired_differences(variant, reference) -> list:
    """``variant`` minus ``reference`` seed by seed (both ``{seed: value}``), for the seeds both
    ran: the variant's change with the seed's own luck taken out."""
    return [variant[s] - reference[s] for s in sorted(set(variant) & set(reference))
            if not (math.isnan(variant[s]) or math.isnan(reference[s]))]


def dots(ax, points: dict, categories, styles: dict) -> None:
    """Dots side by side per category on ``ax``: ``points`` is ``{series: [(value, half-width of
    its interval or NaN), one per category]}``, ``styles`` ``{series: (label, colour, marker)}``.
    The value axis is left to fit the dots, so that it need not start at zero: differences of
    a point or two stay visible."""
    import numpy as np

    categories = list(categories)
    step = 0.75 / max(len(points), 1)
    for i, (series, values) in enumerate(points.items()):
        label, colour, marker = styles[series]
        x = np.arange(len(categories)) + (i - (len(points) - 1) / 2) * step
        means = [m for m, _ in values]
        halves = [0.0 if math.isnan(h) else h for _, h in values]
        ax.errorbar(x, means, yerr=halves if any(halves) else None, fmt=marker, color=colour, ms=5,
                    capsize=2, lw=1, label=label)
    ax.set_xticks(range(len(categories)), categories)
    ax.set_xlim(-0.5, len(categories) - 0.5)


def method_style(method: str) -> tuple[str, str, str]:
    """A method's (display name, colour, marker) from the registry, for :func:`dots`."""
    return methods.name(method), methods.colour(method), methods.marker(method)


def difference_dots(ax, differences: dict, categories, level: float = 0.95) -> None:
    """Dots of mean differences (points) with their Student-t intervals at ``level`` on ``ax``:
    ``differences`` is ``{method: {category: [paired differences, one per seed]}}``, one dot per
    (method, category), methods side by side in their registry colours and markers, zero marked.
    An interval that crosses zero says that the seeds do not tell the two apart."""
    categories = list(categories)
    points = {method: [interval(per_category.get(c, []), level) for c in categories]
              for method, per_category in differences.items()}
    dots(ax, points, categories, {m: method_style(m) for m in differences})
    ax.axhline(0, color="grey", lw=0.8, zorder=0)


def legend_below(fig, handles=None, labels=None, columns: int = 3) -> None:
    """One legend under all panels (``handles`` and ``labels``: those of the first panel unless
    given), ``columns`` entries a row, with room kept for it by ``tight_layout``."""
    if handles is None:
        handles, labels = fig.axes[0].get_legend_handles_labels()
    if not handles:
        fig.tight_layout()
        return
    rows = -(-len(handles) // columns)
    line = 1.45 * MIN_FONT_PT / 72                      # inches per legend row
    fig.tight_layout(rect=(0, (0.1 + rows * line) / fig.get_figheight(), 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=min(columns, len(handles)), frameon=False)


def _by_seed(records, method: str, dataset: str, metric: str) -> dict:
    from xmlstudy.tables import record_field

    rows = records[(records["method"] == method) & (records["dataset"] == dataset)]
    values = record_field(rows, metric)
    return {int(s): float(v) for s, v in zip(rows["seed"], values) if v == v}


@for_page
def difference_figure(records, reference: str, variants, metrics=("P@1", "P@3", "P@5"), datasets=None,
                      level: float = 0.95):
    """Each of ``variants`` minus ``reference`` on ``metrics`` (points), seed by seed, per data
    set: one panel per metric, a dot per (variant, data set) at the mean paired difference with
    its Student-t interval at ``level`` (:func:`difference_dots`), in the methods' registry
    colours. Below zero the variant loses to the reference; an interval across zero is a change
    the seeds do not tell from noise. ``records`` hold both methods' runs with a ``seed``."""
    datasets = list(datasets if datasets is not None else dict.fromkeys(records["dataset"]))
    rows, columns = panel_grid(len(metrics))
    fig, axes = page_figure(rows, columns, panel_height=2.5)
    for ax, metric in zip(axes.flat, metrics):
        differences = {}
        for variant in variants:
            differences[variant] = {d: [100 * v for v in paired_differences(
                _by_seed(records, variant, d, metric), _by_seed(records, reference, d, metric))]
                for d in datasets}
        difference_dots(ax, differences, datasets, level)
        ax.set_title(metric)
        ax.tick_params(axis="x", labelrotation=40)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    axes[0][0].set_ylabel(f"minus {methods.name(reference)} (points)")
    legend_below(fig, columns=2 if len(variants) > 3 else 3)
    return fig
