"""The failed-run rule (xmlstudy.failed_runs) on hand-made numbers, and how the tables mark it."""
import pandas as pd
import pytest

from xmlstudy import failed_runs, tables
from xmlstudy.formatting import FAILED_MARK


@pytest.mark.parametrize("value, reference, expected", [
    (0.44, 0.92, True),     # under half and 48 points under: a collapsed seed
    (0.076, 0.304, True),   # under half and 22.8 points under
    (0.47, 0.92, False),    # 51% of the reference: not under half
    (0.028, 0.114, False),  # under half but only 8.6 points under: noise near zero
    (0.10, 0.20, False),    # exactly half is not under half
    (0.0999, 0.20, True),   # under half and 10.01 points under
    (float("nan"), 0.9, False),
])
def test_far_below_needs_half_and_ten_points(value, reference, expected):
    assert failed_runs.far_below(value, reference) is expected


def test_far_below_on_the_percent_scale():
    assert failed_runs.far_below(44.2, 91.6, scale=100)
    assert not failed_runs.far_below(2.8, 11.4, scale=100)


def test_failed_seeds_compares_each_seed_with_the_median_of_the_others():
    # the two-step non-negative model on sider, P@1 of seeds 0, 1, 2
    assert failed_runs.failed_seeds({0: 0.4421, 1: 0.9088, 2: 0.9228}) == [0]
    # C2AE on corel5k
    assert failed_runs.failed_seeds({0: 0.310, 1: 0.076, 2: 0.298}) == [1]
    # every seed low alike: no seed is far below its siblings (that is a stall, not a seed)
    assert failed_runs.failed_seeds({0: 0.2533, 1: 0.1672, 2: 0.1672}) == []
    # healthy spread
    assert failed_runs.failed_seeds({0: 0.55, 1: 0.58, 2: 0.70}) == []
    # two seeds: the low one against the other
    assert failed_runs.failed_seeds({3: 0.9, 4: 0.3}) == [4]
    # one seed, or missing values, say nothing
    assert failed_runs.failed_seeds({0: 0.1}) == []
    assert failed_runs.failed_seeds({0: float("nan"), 1: 0.9}) == []


def test_stalled_compares_a_mean_with_the_other_methods():
    means = pd.DataFrame({"a": [0.72, 0.30], "b": [0.70, 0.32], "c": [0.75, 0.05], "d": [0.196, 0.31]},
                         index=["scene", "bibtex"])
    found = failed_runs.stalled(means, "P@1")
    assert [(f.get("dataset"), f.get("method")) for f in found] == [("scene", "d"), ("bibtex", "c")]
    assert found[0].others == (pytest.approx(0.72),)          # the median of a, b and c
    # with fewer than three other methods nothing is judged
    assert failed_runs.stalled(means[["a", "b", "d"]], "P@1") == []


def test_a_failure_names_itself():
    failure = failed_runs.Failure((("dataset", "sider"), ("method", "nnae")), "P@1", 0.4421,
                                  (0.9088, 0.9228), seed=0)
    assert failure.note() == f"{FAILED_MARK} one seed failed: non-negative AE on sider, P@1 44.21 (seed 0) vs 90.88, 92.28"
    stall = failed_runs.Failure((("dataset", "bibtex"), ("method", "c2ae"), ("fraction", 0.1)),
                                "validation/ma-F1", 0.0299, (0.20,))
    assert stall.note() == (f"{FAILED_MARK} stalled: C2AE on bibtex, 10%, ma-F1 2.99 (mean over seeds), "
                            "under half the median of the other methods (20.00)")


def _records(rows):
    return pd.DataFrame([{"dataset": d, "method": m, "seed": s, "P@1": v} for d, m, s, v in rows])


def test_summary_table_marks_the_cell_a_failed_seed_enters():
    records = _records([("sider", "nnae", 0, 0.4421), ("sider", "nnae", 1, 0.9088), ("sider", "nnae", 2, 0.9228),
                        ("sider", "mlp-bce", 0, 0.90), ("sider", "mlp-bce", 1, 0.91), ("sider", "mlp-bce", 2, 0.92)])
    table = tables.summary_table(records, ["P@1"])
    assert table.loc[("sider", "nnae"), "P@1"] == f"75.79 ± 27.36 {FAILED_MARK}"
    assert table.loc[("sider", "mlp-bce"), "P@1"] == "91.00 ± 1.00"
    assert table.attrs["notes"] == [f"{FAILED_MARK} one seed failed: non-negative AE on sider, P@1 44.21 (seed 0) vs 90.88, 92.28"]


def test_summary_table_shows_a_deterministic_method_once_and_marks_its_name():
    records = _records([("bibtex", "knn", s, 0.5682) for s in range(3)]
                       + [("bibtex", "parabel", s, v) for s, v in enumerate((0.63, 0.63, 0.63))])
    table = tables.summary_table(records, ["P@1"])
    assert table.loc[("bibtex", "knn"), "P@1"] == "56.82"
    assert table.loc[("bibtex", "parabel"), "P@1"] == "63.00 ± 0"     # identical seeds, not deterministic
    assert table.attrs["marks"] == {"knn": "†"}
    import re

    html = re.sub(r"<a [^>]*>|</a>", "", tables.styled(table).to_html())   # names link to the glossary
    assert "kNN †" in html and "± 0.00" not in html and "deterministic" in html
