"""The cost benchmark (``python -m xmlstudy bench cost``): it times the very configurations the
cross-paper benchmark's records come from, alone, resumably; and the cross-paper chapter reads
its costs only from records timed alone."""
from __future__ import annotations

import pandas as pd
import pytest

from xmlstudy import experiments, records
from xmlstudy.benchmarks import cost, limits
from xmlstudy.chapters import synthesis


def test_the_cells_are_the_benchmarks_seed_zero_configurations():
    cells = cost.cells()
    expected = {(m, d) for m in synthesis.METHODS for d in synthesis.DATASETS} - set(synthesis.BUDGET)
    assert set(cells) == expected and len(cells) == 84
    assert all(c.seed == 0 and not c.setting and c.split == "given" for c in cells.values())
    # The same configuration as the committed record the benchmark table reads.
    knn = cells[("knn", "yeast")]
    assert (knn.paper, knn.experiment) == ("baselines", "main")
    assert experiments.find_record(knn) is not None


def test_a_tiny_run_times_the_recorded_configuration_and_resumes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(limits, "QUIET_CORES", float("inf"))   # alone, whatever else runs
    argv = ["--methods", "knn", "--datasets", "yeast", "--results-dir", str(tmp_path)]
    assert cost.main(argv) == 0
    path = tmp_path / "benchmark" / "cost.jsonl"
    (r,) = records.read_jsonl(path)
    config = cost.cells()[("knn", "yeast")]
    assert (r["status"], r["config_hash"], r["source"]) == ("ok", config.config_hash, "baselines/main")
    assert r["timings"]["fit_s"] >= 0 and r["timings"]["predict_s"] > 0 and r["peak_rss_mb"] > 0
    assert r["others_running"] is False and r["provenance"]["command"].startswith("python -m xmlstudy bench cost")
    assert r["fit_parts"] == {} and "epochs" in r["timings"]   # kNN times no part of its fit
    # kNN draws no random number: the rerun's P@1 is the grid record's, to the last digit.
    assert r["metrics"]["P@1"] == experiments.find_record(config)["metrics"]["P@1"]
    assert cost.main(argv) == 0                      # timed alone already: nothing to do
    assert len(records.read_jsonl(path)) == 1
    records.append_jsonl(path, {**r, "others_running": True})   # as if timed again, not alone
    assert cost.main(argv) == 0                      # its latest record shared the CPU: again
    assert [x["others_running"] for x in records.read_jsonl(path)] == [False, True, False]


def test_bad_choices_name_the_valid_ones(capsys):
    with pytest.raises(SystemExit):
        cost.main(["--methods", "knn,nope"])
    assert "--methods: ['nope']; valid:" in capsys.readouterr().err


def _cost(method, dataset, fit, status="ok", alone=True):
    return {"method": method, "dataset": dataset, "config_hash": f"{method}-{dataset}",
            "status": status, "others_running": not alone,
            "timings": {"fit_s": fit, "predict_s": None if fit is None else fit / 10}, "peak_memory_mb": 5.0,
            "n_parameters": None}


def test_the_chapter_reads_only_times_taken_alone():
    raw = pd.DataFrame([_cost("knn", "yeast", 9.0), _cost("knn", "yeast", 1.0),
                        _cost("mlp-bce", "yeast", 2.0, alone=False),
                        _cost("parabel", "yeast", None, status="timeout")])
    costs = synthesis.cost_records(raw)
    assert list(zip(costs["method"], costs["fit_s"])) == [("knn", 1.0)]   # the latest, alone
    table = synthesis.cost_table(costs, "fit_s")
    assert table.loc["yeast", "kNN"] == 1.0 and list(table.columns) == ["kNN"]


def test_the_frontier_pairs_mean_scores_with_times_taken_alone():
    bench = pd.DataFrame({"method": ["knn", "knn", "mlp-bce", "mlp-bce", "parabel"],
                          "dataset": ["yeast"] * 5, "seed": [0, 1, 0, 1, 0],
                          "P@1": [0.5, 0.7, 0.8, 0.8, 0.9]})
    costs = synthesis.cost_records(pd.DataFrame([_cost("knn", "yeast", 1.0),
                                                 _cost("mlp-bce", "yeast", 10.0),
                                                 _cost("parabel", "yeast", 5.0, alone=False)]))
    scores, times, front = synthesis.frontier(bench, costs)["yeast"]
    assert dict(scores) == pytest.approx({"knn": 0.6, "mlp-bce": 0.8})   # Parabel: no time alone
    assert dict(zip(scores.index, front)) == {"knn": True, "mlp-bce": True}
    assert synthesis.frontier(bench, synthesis.cost_records(pd.DataFrame())) == {}
