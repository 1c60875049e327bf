"""How a number reads in a table (xmlstudy.formatting) and what tables.styled makes of a frame."""
import math

import pandas as pd
import pytest

from xmlstudy import formatting, tables


@pytest.mark.parametrize("value, digits, shown", [
    (1562525.0, 0, "1,562,525"),      # a parameter count
    (1562525, 2, "1,562,525"),        # an integer keeps no decimals
    (1630.0, 1, "1,630.0"),           # seconds over 999
    (42.7435, 2, "42.74"),
    (1e-05, 3, "1 × 10⁻⁵"),           # a weight decay, not 0.000
    (0.00314, 2, "3.1 × 10⁻³"),
    (-0.003, 2, "-3 × 10⁻³"),
    (0.0, 3, "0.000"),                # a true zero stays one
    (-0.004, 1, "-0.0" if False else "-4 × 10⁻³"),
    (float("nan"), 2, "—"),
    (None, 2, "—"),
    (pd.NA, 2, "—"),
    (math.inf, 2, "∞"),
    ("12.34 ± 0.56", 2, "12.34 ± 0.56"),
    (True, 2, "yes"),
])
def test_number(value, digits, shown):
    assert formatting.number(value, digits) == shown


def test_scientific_carries_a_rounded_mantissa():
    assert formatting.scientific(9.96e-4) == "1 × 10⁻³"
    assert formatting.scientific(2.5e-7) == "2.5 × 10⁻⁷"


def test_share_and_percent():
    assert [formatting.share(f) for f in (0.1, 0.5, 1.0, 0.125)] == ["10%", "50%", "100%", "12.5%"]
    assert formatting.percent(0.42743) == "42.74"
    assert formatting.count(4880.0) == "4,880"


def test_spread_never_prints_zero_for_a_spread():
    assert formatting.spread(0.56, 2) == "± 0.56"
    assert formatting.spread(0.004, 2) == "± 0.004"
    assert formatting.spread(0.0004, 3) == "± 0.0004"
    assert formatting.spread(0.0, 2) == "± 0"


def test_mean_std_keeps_its_form_and_drops_a_zero_spread():
    assert tables.mean_std(0.62, 0.02, 3, scale=100) == "62.00 ± 2.00"
    assert tables.mean_std(0.6317, 0.0, 3, scale=100, deterministic=True) == "63.17"
    assert tables.mean_std(0.6317, 0.0, 3, scale=100) == "63.17 ± 0"
    assert tables.mean_std(0.6317, 0.00003, 3, scale=100) == "63.17 ± 0.003"
    assert tables.mean_std(0.65, float("nan"), 1, scale=100) == "65.00 (n=1)"


def test_styled_reads_like_the_page():
    frame = pd.DataFrame({"weight_decay": [1e-05, 0.0], "n_parameters": [1562525.0, 292083.0],
                          "c2ae": [float("nan"), 0.5]}, index=pd.Index([0.1, 1.0], name="fraction"))
    html = tables.styled(frame, "Settings (fractions)").to_html()
    for shown in ("weight decay", "trained parameters", "C2AE", "share of train", "1 × 10⁻⁵",
                  "1,562,525", "292,083", "—", "0.000"):
        assert shown in html, shown
    for hidden in (">nan<", ">None<", "weight_decay", ">c2ae<", "1562525", "0.00001"):
        assert hidden not in html, hidden


def test_styled_shows_marks_and_notes():
    table = tables.annotate(pd.DataFrame({"P@1": ["56.82", "75.79 ± 27.36 ‡"]}, index=["kNN", "non-negative AE"]),
                            marks={"kNN": "†"}, notes=["† deterministic", "‡ one seed failed: x"])
    import re

    html = tables.styled(table, "P@1 (%)").to_html()
    text = re.sub(r"<a [^>]*>|</a>", "", html)     # method names are links to the glossary
    assert "kNN †" in text
    assert "P@1 (%)<br>" in html and "‡ one seed failed: x" in html


def test_method_links_leave_empty_and_multiline_cells_alone():
    from xmlstudy import tables

    assert tables.method_link("") is None and tables.method_link("a\nb") is None
    assert tables.method_link("kNN ‡").startswith('<a href=') and tables.method_link("kNN ‡").endswith("</a> ‡")
