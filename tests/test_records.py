"""The timing table of the rerun page, on hand-made records written and read back the way the
book reads them (append_jsonl, then experiments.load_records)."""
import pandas as pd
import pytest

from xmlstudy import experiments, records


def _record(experiment, seed, fit_s, predict_s, device="cpu", date="2026-11-21T12:00:00+00:00",
            cpu=None):
    return {"paper": "dxml", "experiment": experiment, "method": "dxml", "dataset": "bibtex",
            "seed": seed, "profile": "full", "setting": {}, "params": {}, "config_hash": f"h{experiment}{seed}",
            "metrics": {"P@1": 0.5}, "timings": {"fit_s": fit_s, "predict_s": predict_s, "epochs": 3},
            "provenance": {"device": device, "date": date,
                           "cpu": cpu or {"model": "AMD EPYC", "cores": 2}}}


@pytest.fixture
def results(tmp_path):
    folder = tmp_path / "dxml"
    records.append_jsonl(folder / "main.jsonl", _record("main", 0, 3000.0, 600.0))
    records.append_jsonl(folder / "main.jsonl", _record(
        "main", 1, 5400.0, 0.0, device="cuda", date="2026-11-23T08:00:00+00:00",
        cpu={"model": "Intel(R) Xeon(R) Gold 6330", "cores": 16}))
    records.append_jsonl(folder / "sweep.jsonl", _record("sweep", 0, 720.0, 0.0))
    return tmp_path


def test_timing_table_sums_fit_and_predict_per_experiment(results):
    frame = experiments.load_records("dxml", profile="full", results_dir=results)
    table = records.timing_table(frame)
    assert list(table.columns) == records.TIMING_COLUMNS
    main, sweep = table.to_dict("records")
    assert (main["paper"], main["experiment"], main["records"]) == ("dxml", "main", 2)
    assert main["hours"] == pytest.approx((3000 + 600 + 5400) / 3600)   # 2.5 hours
    assert main["device"] == "cpu, cuda"
    assert main["CPU"] == "AMD EPYC (2 cores), Intel Xeon Gold 6330 (16 cores)"
    assert main["dates"] == "2026-11-21 – 2026-11-23"
    assert (sweep["experiment"], sweep["records"], sweep["hours"]) == ("sweep", 1, pytest.approx(0.2))
    assert sweep["dates"] == "2026-11-21"


def test_timing_table_counts_a_missing_predict_time_as_zero():
    frame = pd.DataFrame([{"paper": "p", "experiment": "e", "fit_s": 1800.0, "predict_s": None,
                           "device": "cpu", "cpu": "Some CPU", "date": "2026-01-02T00:00:00",
                           "provenance": {}}])
    row = records.timing_table(frame).iloc[0]
    assert row["hours"] == pytest.approx(0.5)
    assert row["CPU"] == "Some CPU"


def test_timing_table_of_a_paper_without_records_is_empty(tmp_path):
    frame = experiments.load_records("rankae", profile="full", results_dir=tmp_path)
    table = records.timing_table(frame)
    assert len(table) == 0 and list(table.columns) == records.TIMING_COLUMNS
