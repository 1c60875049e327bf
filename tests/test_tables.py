import math

import pandas as pd
import pytest

from xmlstudy import tables


def record(dataset, method, seed, p1, mif1=None, commit="abcdef1234567890", device="cpu", date="2026-01-02T10:00:00"):
    metrics = {"P@1": p1}
    if mif1 is not None:
        metrics["validation"] = {"mi-F1": mif1}
    return {"paper": "baselines", "experiment": "main", "method": method, "dataset": dataset,
            "seed": seed, "profile": "full", "metrics": metrics,
            "provenance": {"git_commit": commit, "device": device, "cpu": {"model": "x86", "cores": 2}, "date": date,
                           "versions": {"torch": "2.13.0"}}}


@pytest.fixture
def records():
    return pd.DataFrame([
        record("bibtex", "knn", 0, 0.60, 0.30),
        record("bibtex", "knn", 1, 0.62, 0.34),
        record("bibtex", "knn", 2, 0.64, 0.38, commit="1234567890abcdef", date="2026-01-05T09:00:00"),
        record("bibtex", "parabel", 0, 0.65),
        record("yeast", "knn", 0, 0.75, 0.60, device="cuda"),
    ])


def test_summarize_mean_std_n(records):
    out = tables.summarize(records, ["P@1", "validation/mi-F1"])
    knn = out[(out.dataset == "bibtex") & (out.method == "knn")].set_index("metric")
    assert knn.loc["P@1", "mean"] == pytest.approx(0.62)
    assert knn.loc["P@1", "std"] == pytest.approx(0.02)       # ddof=1: sqrt((0.02²+0+0.02²)/2)
    assert knn.loc["P@1", "n"] == 3
    assert knn.loc["validation/mi-F1", "mean"] == pytest.approx(0.34)
    assert knn.loc["validation/mi-F1", "std"] == pytest.approx(0.04)
    # one seed: spread unknown, not zero
    parabel = out[(out.method == "parabel") & (out.metric == "P@1")].iloc[0]
    assert parabel["n"] == 1 and math.isnan(parabel["std"])
    # a metric a method does not report is absent, not NaN-filled
    assert not ((out.method == "parabel") & (out.metric == "validation/mi-F1")).any()
    # groups keep their order of appearance
    assert list(out[out.metric == "P@1"].dataset) == ["bibtex", "bibtex", "yeast"]


def test_summarize_reads_flattened_columns(records):
    flat = pd.json_normalize(records.to_dict("records"))
    assert "metrics.validation.mi-F1" in flat.columns
    out = tables.summarize(flat, ["P@1", "validation/mi-F1"])
    nested = tables.summarize(records, ["P@1", "validation/mi-F1"])
    pd.testing.assert_frame_equal(out, nested)


def test_summarize_reads_load_records_frames(records):
    # experiments.load_records flattens metrics without their root, joined by "/"
    rows = []
    for rec in records.to_dict("records"):
        row = {k: rec[k] for k in ("paper", "experiment", "method", "dataset", "seed", "profile")}
        row["P@1"] = rec["metrics"]["P@1"]
        if "validation" in rec["metrics"]:
            row["validation/mi-F1"] = rec["metrics"]["validation"]["mi-F1"]
        row["device"] = rec["provenance"]["device"]
        row["date"] = rec["provenance"]["date"]
        rows.append(row)
    flat = pd.DataFrame(rows)
    pd.testing.assert_frame_equal(tables.summarize(flat, ["P@1", "validation/mi-F1"]),
                                  tables.summarize(records, ["P@1", "validation/mi-F1"]))
    prov = tables.provenance(flat).iloc[0]
    assert prov["devices"] == "cpu, cuda" and prov["git commits"] == "?"


def test_summarize_rejects_unknown_grouping(records):
    with pytest.raises(ValueError, match="no column"):
        tables.summarize(records, ["P@1"], by=("dataset", "model"))


def test_mean_std_formatting():
    assert tables.mean_std(0.62, 0.02, 3, scale=100) == "62.00 ± 2.00"
    assert tables.mean_std(0.65, float("nan"), 1, scale=100) == "65.00 (n=1)"
    assert tables.mean_std(float("nan"), float("nan"), 0) == "—"


def test_summary_table_is_wide(records):
    wide = tables.summary_table(records, ["P@1", "validation/mi-F1"])
    assert wide.loc[("bibtex", "knn"), "P@1"] == "62.00 ± 2.00"
    assert wide.loc[("bibtex", "parabel"), "P@1"] == "65.00 (n=1)"
    assert list(wide.columns) == ["P@1", "validation/mi-F1"]


PUBLISHED = {
    "source": "seed 002 Table 2",
    "scale": 100,
    "values": {
        ("bibtex", "KNN", "P@1"): 61.0,      # reproduced 62.00: +1.00, within 1.5 -> matches
        ("yeast", "KNN", "P@1"): 70.0,       # reproduced 75.00: +5 -> beats
        ("bibtex", "KNN", "validation/mi-F1"): 40.0,   # 34.00: -6 -> falls short
        ("delicious", "KNN", "P@1"): 65.0,   # no records -> not run
        ("bibtex", "SLEEC", "P@1"): 65.08,   # other method: ignored
    },
}


def test_paper_vs_reproduced_verdicts(records):
    out = tables.paper_vs_reproduced(records, PUBLISHED, "knn", ["P@1", "validation/mi-F1"],
                                     tolerance=1.5, published_method="KNN")
    assert list(out.columns) == ["dataset", "metric", "paper", "reproduced", "n_seeds", "difference", "verdict"]
    rows = {(r.dataset, r.metric): r for r in out.itertuples()}
    assert len(rows) == 4
    assert rows[("bibtex", "P@1")].reproduced == "62.00 ± 2.00"
    assert rows[("bibtex", "P@1")].difference == pytest.approx(1.0)
    assert rows[("bibtex", "P@1")].verdict == "matches"
    assert rows[("bibtex", "P@1")].n_seeds == 3
    assert rows[("yeast", "P@1")].verdict == "beats"
    # kNN is deterministic: its one run is its result, shown without "(n=1)"
    assert rows[("yeast", "P@1")].reproduced == "75.00"
    assert rows[("bibtex", "validation/mi-F1")].difference == pytest.approx(-6.0)
    assert rows[("bibtex", "validation/mi-F1")].verdict == "falls short"
    assert rows[("delicious", "P@1")].verdict == "not run"
    assert rows[("delicious", "P@1")].n_seeds == 0


def test_paper_vs_reproduced_tolerance_per_metric_and_lower_is_better(records):
    out = tables.paper_vs_reproduced(records, PUBLISHED, "knn", ["P@1", "validation/mi-F1"],
                                     tolerance={"P@1": 0.5, "validation/mi-F1": 10.0},
                                     published_method="KNN", lower_is_better=("validation/mi-F1",))
    rows = {(r.dataset, r.metric): r.verdict for r in out.itertuples()}
    assert rows[("bibtex", "P@1")] == "beats"                # +1.0 beyond 0.5
    assert rows[("bibtex", "validation/mi-F1")] == "matches"  # -6 within 10
    strict = tables.paper_vs_reproduced(records, PUBLISHED, "knn", ["validation/mi-F1"], tolerance=1.0,
                                        published_method="KNN", lower_is_better=("validation/mi-F1",))
    assert strict.verdict.tolist() == ["beats"]                # lower is better: -6 beats


def test_paper_vs_reproduced_on_fraction_scale(records):
    published = {"source": "x", "scale": 1, "values": {("bibtex", "knn", "P@1"): 0.6}}
    out = tables.paper_vs_reproduced(records, published, "knn", ["P@1"], tolerance=0.01)
    assert out.loc[0, "difference"] == pytest.approx(0.02)
    assert out.loc[0, "verdict"] == "beats"
    assert out.loc[0, "reproduced"] == "0.62 ± 0.02"


def test_provenance(records):
    out = tables.provenance(records)
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["paper"], row["experiment"], row["profile"], row["records"]) == ("baselines", "main", "full", 5)
    assert row["git commits"] == "1234567890ab, abcdef123456"
    assert row["devices"] == "cpu, cuda"
    assert row["torch"] == "2.13.0"
    assert row["cpus"] == "x86"
    assert row["dates"] == "2026-01-02 … 2026-01-05"
    assert tables.provenance(records.iloc[0:0]).empty


# --- data and baselines chapter -----------------------------------------------------------------

def tiny_splits():
    import numpy as np
    import scipy.sparse as sp

    from xmlstudy.data.dataset import Dataset, Splits

    # train: label sets {0,1}, {1}, {} ; test: {0,1,2}, {2}
    Ytr = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float32))
    Yte = sp.csr_matrix(np.array([[1, 1, 1], [0, 0, 1]], dtype=np.float32))
    X = lambda n: sp.csr_matrix(np.ones((n, 4), dtype=np.float32))  # noqa: E731
    make = lambda split, Y: Dataset("toy", split, X(Y.shape[0]), Y, list("abcd"), ["x", "y", "z"])  # noqa: E731
    return Splits(train=make("train", Ytr), valid=None, test=make("test", Yte))


def test_dataset_statistics_by_hand():
    stats = tables.dataset_statistics({"toy": tiny_splits()}).loc["toy"]
    assert (stats["train"], stats["test"], stats["samples"]) == (3, 2, 5)
    assert (stats["features"], stats["labels"]) == (4, 3)
    # labels per sample: 2, 1, 0, 3, 1 -> mean 7/5, median 1, max 3; 7 positives over 3 labels
    assert stats["cardinality"] == pytest.approx(1.4)
    assert stats["median_labels"] == 1 and stats["max_labels"] == 3
    assert stats["samples_per_label"] == pytest.approx(7 / 3)
    assert stats["empty_rows"] == 1
    assert stats["labels_unseen_in_train"] == 1      # label z only in test


def test_dataset_statistics_refuses_a_validation_split():
    splits = tiny_splits()
    splits.valid = splits.train
    with pytest.raises(ValueError, match="valid_fraction=0"):
        tables.dataset_statistics({"toy": splits})


def test_compare_statistics_agreement_rules():
    ours = tables.dataset_statistics({"toy": tiny_splits()})
    published = [{"source": "seed X Table 1", "registry": {"Toy": "toy", "Other": None},
                  "rows": {"Toy": {"train": 3, "test": 3, "cardinality": 1.41, "samples_per_label": 2.5},
                           "Other": {"train": 10}}}]
    out = tables.compare_statistics(ours, published).set_index("statistic")
    assert list(out.index) == ["train", "test", "cardinality", "samples_per_label"]   # "Other" left out
    assert out.loc["train", "agrees"] and not out.loc["test", "agrees"]   # counts: exact
    assert out.loc["cardinality", "agrees"]                               # 1.40 vs 1.41: within 1%
    assert not out.loc["samples_per_label", "agrees"]                     # 2.33 vs 2.5
    assert out.loc["test", "difference"] == -1
    styled = tables.statistics_side_by_side(out.reset_index())
    cells = styled.data.loc[("toy", "seed X Table 1")]
    assert cells["train"] == "3" and cells["test"] == "2 ≠ 3"
    assert "#fde2c8" in styled.to_html()


def test_baselines_vs_published(records):
    out = tables.baselines_vs_published(records, [PUBLISHED], {"knn": "KNN", "parabel": "Parabel"},
                                        ["P@1"], tolerance=1.5)
    assert set(out["source"]) == {"seed 002 Table 2"} and set(out["method"]) == {"knn"}
    assert sorted(out["dataset"]) == ["bibtex", "delicious", "yeast"]


def test_label_frequency_figure():
    from xmlstudy import figures

    fig = figures.label_frequency({"a": tiny_splits().train, "b": tiny_splits().test}, columns=4)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    # train counts: x 1, y 2, z 0 -> all three have at most 5 samples
    assert "3 labels" in visible[0].get_title() and "100% with ≤ 5" in visible[0].get_title()
    with pytest.raises(ValueError, match="no datasets"):
        figures.label_frequency({})


def test_cgmvae_search_ranks_by_validation_against_table_7():
    def record(dataset, seed, params, valid, maf1, experiment="search"):
        return {"experiment": experiment, "method": "cgmvae", "dataset": dataset, "seed": seed,
                "params": params, "fit_info": {"best_valid_macro_f1": valid},
                "metrics": {"P@1": 0.7, "best-on-test": {"ex-F1": 0.6, "ma-F1": maf1}}}

    main = pd.DataFrame([record("yeast", 0, {"lr": 0.002, "dropout": 0.5}, 0.50, 0.48, "main"),
                         record("yeast", 1, {"lr": 0.002, "dropout": 0.5}, 0.90, 0.40, "main"),
                         record("scene", 0, {"lr": 0.003}, 0.70, 0.75, "main")])
    search = pd.DataFrame([record("yeast", 0, {"lr": 0.004, "dropout": 0.5}, 0.45, 0.47),
                           record("yeast", 0, {"lr": 0.002, "dropout": 0.3}, 0.52, 0.49)])
    from xmlstudy.chapters.cgmvae import search_table

    table = search_table(search, main)
    # Only seed 0 of a searched dataset is the reference; rows are best validation first.
    assert list(table["change"]) == ["dropout = 0.3", "Table 7 (main run)", "lr = 0.004"]
    assert list(table["vs Table 7"]) == pytest.approx([0.02, 0.0, -0.05])
    assert list(table["ma-F1"]) == pytest.approx([0.49, 0.48, 0.47])
