"""One name and one colour per method on every figure: xmlstudy.figures.check_legends."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from xmlstudy import methods  # noqa: E402
from xmlstudy.figures import check_legends  # noqa: E402


def _figure(label, colour, kind="line"):
    fig, ax = plt.subplots()
    if kind == "line":
        ax.plot([0, 1], [0, 1], color=colour, label=label)
    elif kind == "bar":
        ax.bar([0], [1], color=colour, label=label)
    else:
        ax.scatter([0], [1], color=colour, label=label)
    ax.legend()
    return fig


@pytest.mark.parametrize("kind", ["line", "bar", "scatter"])
def test_a_registry_name_in_its_colour_passes(kind):
    fig = _figure(methods.name("ovr-linear"), methods.colour("ovr-linear"), kind)
    check_legends(fig)
    plt.close(fig)


@pytest.mark.parametrize("kind", ["line", "bar", "scatter"])
def test_a_registry_name_in_another_colour_stops(kind):
    fig = _figure(methods.name("ovr-linear"), methods.colour("knn"), kind)
    with pytest.raises(ValueError, match="registry's colour"):
        check_legends(fig)
    plt.close(fig)


@pytest.mark.parametrize("label", ["ovr-linear", "BCE-AE", "NN-AE two-step", "uni-Gaussian (MPVAE)"])
def test_a_record_key_or_former_name_stops(label):
    fig = _figure(label, "#123456")
    with pytest.raises(ValueError, match="registry name"):
        check_legends(fig)
    plt.close(fig)


def test_a_label_that_names_no_method_is_free():
    fig = _figure("validation P@1", "#123456")
    check_legends(fig)
    plt.close(fig)


def test_forbidden_names_never_shadow_a_display_name():
    names = {m.name for m in methods.METHODS.values()}
    assert not names & set(methods.forbidden_names())
    assert methods.forbidden_names()["bce-ae"] == "bce-ae"
    assert methods.forbidden_names()["BCE-AE"] == "bce-ae"


def test_every_page_glues_its_figures_through_the_legend_check():
    """Figures reach the book through xmlstudy.chapters.glue_figure, which runs check_legends;
    a bare myst_nb glue of a figure would skip the check."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pages = sorted((root / "notebooks").glob("*.py")) + sorted((root / "book").glob("*.md"))
    bare = [f"{p.name}:{i}" for p in pages
            for i, line in enumerate(p.read_text().splitlines(), 1)
            if re.search(r"(?<![_.])glue\(\s*f?[\"'][^\"']*fig", line)]
    assert not bare, f"figures glued without chapters.glue_figure: {bare}"
