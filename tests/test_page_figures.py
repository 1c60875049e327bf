"""Figures drawn for the page (xmlstudy.figures): the column's width, legible type, one colour
per series; and the difference dots that replace bars from zero."""
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from xmlstudy import figures, methods  # noqa: E402


@figures.for_page
def _column_figure(panels=3):
    fig, axes = figures.page_figure(*figures.panel_grid(panels))
    for ax in axes.flat:
        ax.plot([0, 1], [0, 1], color=methods.colour("knn"), label=methods.name("knn"))
        ax.set_title("a title")
    figures.legend_below(fig)
    return fig


def test_a_page_figure_is_drawn_at_the_column_width_and_passes():
    fig = _column_figure()
    width = figures.drawn_width_px(fig)
    assert 0.9 * figures.COLUMN_PX < width <= figures.COLUMN_PX   # tight cropping trims a little
    figures.check_page(fig, "column figure")
    # the page's type: 9 pt ticks, titles one point larger
    ax = fig.axes[0]
    assert ax.xaxis.get_ticklabels()[0].get_fontsize() == figures.MIN_FONT_PT
    assert ax.title.get_fontsize() == figures.MIN_FONT_PT + 1
    plt.close(fig)


def test_a_figure_drawn_twice_the_column_stops():
    fig, ax = plt.subplots(figsize=(16, 3), dpi=100)     # DXML's Figure 2 as it was: 1,590 px
    ax.plot([0, 1], [0, 1])
    fig.tight_layout()
    with pytest.raises(ValueError, match="drawn 15[0-9][0-9] px wide and would be shown at 4[0-9]%"):
        figures.check_page(fig, "wide")
    plt.close(fig)


def test_small_type_stops():
    fig, ax = plt.subplots(figsize=(7, 3), dpi=100)
    ax.set_title("tiny", fontsize=7)
    with pytest.raises(ValueError, match="'tiny' at 7.3 pt"):
        figures.check_page(fig, "tiny type")
    plt.close(fig)


def test_more_series_than_colours_stops():
    fig, ax = plt.subplots(figsize=(7, 3), dpi=100)
    for i in range(11):                      # the default cycle has ten colours
        ax.plot([0, 1], [i, i], label=f"series {i}")
    ax.legend(fontsize=10)
    with pytest.raises(ValueError, match="11 series in 10 colours"):
        figures.check_page(fig, "eleven")
    plt.close(fig)


def test_panel_grid_wraps_at_three():
    assert figures.panel_grid(1) == (1, 1)
    assert figures.panel_grid(3) == (1, 3)
    assert figures.panel_grid(5) == (2, 3)
    assert figures.panel_grid(4, 2) == (2, 2)


def test_interval_is_student_t():
    mean, half = figures.interval([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert half == pytest.approx(4.302653 * 1.0 / math.sqrt(3), rel=1e-5)   # t(0.975, 2) * sd / sqrt(n)
    assert math.isnan(figures.interval([5.0])[1])


def test_paired_differences_take_the_common_seeds():
    assert figures.paired_differences({0: 0.5, 1: 0.6, 2: 0.7}, {0: 0.4, 1: 0.6, 3: 0.1}) == pytest.approx([0.1, 0.0])


def test_difference_figure_plots_paired_differences_in_points():
    rows = [{"dataset": d, "method": m, "seed": s, "P@1": v}
            for d, base in (("bibtex", 0.60), ("delicious", 0.65))
            for s, jitter in enumerate((0.0, 0.01, -0.01))
            for m, v in (("dxml", base + jitter), ("dxml-linear", base + jitter - 0.02))]
    fig = figures.difference_figure(pd.DataFrame(rows), "dxml", ["dxml-linear"], metrics=("P@1",))
    line = fig.axes[0].lines[0]
    assert list(line.get_ydata()) == pytest.approx([-2.0, -2.0])        # the same 2 points lost on both
    figures.check_page(fig, "difference figure")
    figures.check_legends(fig)
    plt.close(fig)
