"""Record files (an index read once per process, atomic appends, errors that name the file and
line, sidecars for bulky arrays and their migration) and the timing table of the rerun page, on
hand-made records written and read back the way the book reads them."""
import errno
import hashlib
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xmlstudy import experiments, records, sidecars
from xmlstudy.experiments import RunConfig


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


# --- the index: one read per process, appends from elsewhere seen -------------------------------
def _config(seed):
    return RunConfig(paper="baselines", experiment="main", method="knn", dataset="bibtex", seed=seed)


def _result(config, **extra):
    """A record of ``config`` as a run writes it (only the fields the readers use)."""
    return {"paper": config.paper, "experiment": config.experiment, "method": config.method,
            "dataset": config.dataset, "seed": config.seed, "profile": config.profile,
            "setting": {}, "params": {}, "config_hash": config.config_hash,
            "metrics": {"P@1": 0.1 * config.seed}, **extra}


def test_a_record_file_is_read_once_per_process(tmp_path, monkeypatch):
    path = experiments.results_file("baselines", "main", results_dir=tmp_path)
    configs = [_config(seed) for seed in range(6)]
    for c in configs[:5]:
        records.append_jsonl(path, _result(c), unique_key="config_hash")
    records.forget()  # as a fresh process: nothing read yet
    opened = []

    def counting_open(file, *args, **kwargs):
        opened.append(os.fspath(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(records, "open", counting_open, raising=False)
    for _ in range(3):
        assert [experiments.find_record(c, tmp_path)["seed"] for c in configs[:5]] == [0, 1, 2, 3, 4]
    assert experiments.find_record(configs[5], tmp_path) is None
    frame = experiments.load_records("baselines", "main", results_dir=tmp_path)
    found, missing = experiments.collect(configs, run_missing=False, results_dir=tmp_path)
    assert list(frame["seed"]) == [0, 1, 2, 3, 4] and len(found["main"]) == 5 and missing == 1
    # A record appended by this process goes into the index: still no second read.
    experiments.append_record(_result(configs[5]), path)
    assert experiments.find_record(configs[5], tmp_path)["metrics"]["P@1"] == pytest.approx(0.5)
    assert opened == [str(path)]


def test_the_index_sees_a_record_appended_by_another_process(tmp_path):
    path = experiments.results_file("baselines", "main", results_dir=tmp_path)
    first, second = _config(0), _config(1)
    experiments.append_record(_result(first), path)
    assert experiments.find_record(second, tmp_path) is None  # the index now holds the file
    writer = textwrap.dedent(f"""
        import json, sys
        from xmlstudy.experiments import append_record
        append_record(json.loads(sys.argv[1]), {str(path)!r})
    """)
    subprocess.run([sys.executable, "-c", writer, json.dumps(_result(second))], check=True)
    assert experiments.find_record(second, tmp_path)["seed"] == 1
    assert len(experiments.load_records("baselines", results_dir=tmp_path)) == 2


def test_records_handed_out_are_the_callers_own(tmp_path):
    path = tmp_path / "baselines" / "main.jsonl"
    c = _config(0)
    experiments.append_record(_result(c), path)
    experiments.find_record(c, tmp_path)["metrics"]["P@1"] = 99.0
    assert experiments.find_record(c, tmp_path)["metrics"]["P@1"] == 0.0


# --- appending: one whole line or nothing ------------------------------------------------------
def test_append_keeps_the_first_record_of_a_configuration(tmp_path):
    path = tmp_path / "baselines" / "main.jsonl"
    c = _config(2)
    kept = experiments.append_record(_result(c, note="first"), path)
    again = experiments.append_record(_result(c, note="second"), path)
    assert kept["note"] == again["note"] == "first"
    assert [json.loads(line)["note"] for line in path.read_text().splitlines()] == ["first"]


@pytest.mark.parametrize("failure", ["raises", "short write"])
def test_a_write_that_fails_midway_leaves_the_file_as_it_was(tmp_path, monkeypatch, failure):
    path = tmp_path / "baselines" / "main.jsonl"
    experiments.append_record(_result(_config(0)), path)
    before = path.read_bytes()
    real_write = os.write

    def half_write(fd, data):  # the disk fills up halfway through the line
        written = real_write(fd, data[: len(data) // 2])
        if failure == "raises":
            raise OSError(errno.ENOSPC, "No space left on device")
        return written

    monkeypatch.setattr(os, "write", half_write)
    with pytest.raises(OSError):
        experiments.append_record(_result(_config(1)), path)
    monkeypatch.setattr(os, "write", real_write)
    assert path.read_bytes() == before
    records.forget()
    assert experiments.find_record(_config(1), tmp_path) is None
    experiments.append_record(_result(_config(1)), path)  # and the next append goes in whole
    assert [json.loads(line)["seed"] for line in path.read_text().splitlines()] == [0, 1]


def test_append_refuses_a_file_without_a_final_newline(tmp_path):
    path = tmp_path / "baselines" / "main.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(_result(_config(0))))  # edited by hand: no newline at the end
    with pytest.raises(records.RecordFileError, match="no newline at its end"):
        experiments.append_record(_result(_config(1)), path)
    assert path.read_text() == json.dumps(_result(_config(0)))


# --- lines that are not records ----------------------------------------------------------------
@pytest.mark.parametrize("line, message", [
    ("42", r":2: a record must be a JSON object .* holds a JSON int \(42\)"),
    ("[1]", r":2: a record must be a JSON object .* holds a JSON list \(\[1\]\)"),
    ('{"config_hash": "x", "metrics": {', r":2: not a JSON record .*fix or delete that line"),
])
def test_a_line_that_is_not_a_record_is_named_with_its_file_and_line(tmp_path, line, message):
    path = tmp_path / "baselines" / "main.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps(_result(_config(0))) + "\n" + line + "\n\n")
    with pytest.raises(records.RecordFileError, match=str(path) + message):
        experiments.find_record(_config(0), tmp_path)
    with pytest.raises(records.RecordFileError, match=str(path) + message):
        experiments.load_records("baselines", "main", results_dir=tmp_path)


def test_a_truncated_last_line_is_named_as_such(tmp_path):
    path = tmp_path / "baselines" / "main.jsonl"
    path.parent.mkdir()
    line = json.dumps(_result(_config(0)))
    path.write_text(line + "\n" + line[:30])
    with pytest.raises(records.RecordFileError, match=f"{path}:2: truncated: the file ends inside"):
        records.read_jsonl(path)


# --- sidecars ----------------------------------------------------------------------------------
def _bulky_record(config, weights):
    return _result(config, fit_info={"L1": {"units": 3, "weights": weights, "top": [[1, 2], [3]]}})


def test_bulky_arrays_go_to_a_sidecar_and_come_back(tmp_path):
    path = tmp_path / "nnae" / "hierarchy.jsonl"
    weights = np.round(np.random.default_rng(0).random((40, 10)), 6).tolist()   # ~4 kB of JSON
    c = _config(0)
    written = experiments.append_record(_bulky_record(c, weights), path)
    sidecar = path.parent / "hierarchy" / f"{c.config_hash}.npz"
    line = json.loads(path.read_text())
    assert line["fit_info"]["L1"]["weights"] == {"$array": "fit_info/L1/weights"}
    assert line["fit_info"]["L1"]["top"] == [[1, 2], [3]]            # small: stays in the line
    assert line["$sidecar"] == {"file": f"hierarchy/{c.config_hash}.npz",
                                "sha256": hashlib.sha256(sidecar.read_bytes()).hexdigest()}
    assert np.load(sidecar)["fit_info/L1/weights"].tolist() == weights  # a plain NumPy archive
    records.forget()
    back = records.find(path, c.config_hash)
    assert back == written and back["fit_info"]["L1"]["weights"] == weights
    assert "$sidecar" not in back


def test_a_corrupt_or_missing_sidecar_is_refused(tmp_path):
    path = tmp_path / "nnae" / "hierarchy.jsonl"
    c = _config(0)
    experiments.append_record(_bulky_record(c, [[0.5] * 10] * 40), path)
    sidecar = path.parent / "hierarchy" / f"{c.config_hash}.npz"
    data = bytearray(sidecar.read_bytes())
    data[len(data) // 2] ^= 0xFF
    sidecar.write_bytes(bytes(data))
    records.forget()
    for _ in range(2):  # refused every time, never served from a cache
        with pytest.raises(sidecars.SidecarError, match=f"{sidecar}: sha256 .* differs .*{path}:1"):
            records.find(path, c.config_hash)
    assert records.contains(path, c.config_hash)   # the line itself is fine
    sidecar.unlink()
    with pytest.raises(sidecars.SidecarError, match=f"{path}:1: the record's arrays are in {sidecar}"):
        experiments.load_records("nnae", "hierarchy", results_dir=tmp_path)


def test_what_json_cannot_give_back_exactly_stays_in_the_line():
    for value in ([1, 2.5] * 300,                 # ints among floats would come back as floats
                  [0.5, None] * 300,              # a NaN written as null
                  [2 ** 70] * 100,                # beyond int64
                  [{"epoch": 1}] * 200,           # rows of a history
                  ["label"] * 300):
        line, data = sidecars.split({"config_hash": "h", "fit_info": {"v": value}}, "x/h.npz")
        assert data is None and line["fit_info"]["v"] == value


def test_a_record_appended_under_a_repeated_hash_gets_its_own_sidecar(tmp_path):
    path = tmp_path / "benchmark" / "dxml.jsonl"   # benchmarks append without a unique key
    c = _config(0)
    records.append_jsonl(path, _bulky_record(c, [[0.25] * 10] * 40))
    records.append_jsonl(path, _bulky_record(c, [[0.75] * 10] * 40))
    records.forget()
    first, second = records.read_jsonl(path)
    assert first["fit_info"]["L1"]["weights"][0][0] == 0.25
    assert second["fit_info"]["L1"]["weights"][0][0] == 0.75
    assert sorted(p.name for p in (path.parent / "dxml").iterdir()) == [
        f"{c.config_hash}-1.npz", f"{c.config_hash}.npz"]


_scalars = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(min_value=-2 ** 63, max_value=2 ** 63 - 1), st.booleans())


@st.composite
def _arrays(draw):
    """A list as a record holds an array: 1-D, a rectangular matrix, or rows of any lengths,
    all of one scalar type."""
    kind = draw(st.sampled_from(["float", "int", "bool"]))
    scalar = {"float": st.floats(allow_nan=False, allow_infinity=False, width=64),
              "int": st.integers(min_value=-2 ** 63, max_value=2 ** 63 - 1),
              "bool": st.booleans()}[kind]
    shape = draw(st.sampled_from(["vector", "matrix", "ragged"]))
    if shape == "vector":
        return draw(st.lists(scalar, min_size=1, max_size=60))
    if shape == "matrix":
        cols = draw(st.integers(1, 8))
        return draw(st.lists(st.lists(scalar, min_size=cols, max_size=cols), min_size=1, max_size=12))
    return draw(st.lists(st.lists(scalar, max_size=8), min_size=1, max_size=12))


@settings(max_examples=150, deadline=None)
@given(value=_arrays(), other=st.lists(_scalars, max_size=5))
def test_sidecar_round_trip(tmp_path_factory, value, other):
    folder = tmp_path_factory.mktemp("records")
    record = {"config_hash": "h", "fit_info": {"matrix": value, "small": other}, "seed": 1}
    line, data = sidecars.split(record, "main/h.npz", threshold=0)
    assert data is not None and line["fit_info"]["matrix"] == {"$array": "fit_info/matrix"}
    sidecars.write(folder / "main" / "h.npz", data)
    back = sidecars.resolve(json.loads(json.dumps(line)), folder, "main.jsonl:1")
    assert json.dumps(back, sort_keys=True) == json.dumps(record, sort_keys=True)
    assert sidecars.split(record, "main/h.npz", threshold=0)[1] == data   # the same bytes again


# --- migrating files written before sidecars ---------------------------------------------------
def test_migrate_moves_bulky_arrays_and_changes_nothing_else(tmp_path, capsys):
    path = tmp_path / "nnae" / "hierarchy.jsonl"
    path.parent.mkdir()
    gram = np.round(np.random.default_rng(1).random((30, 30)), 4).tolist()
    old = [_bulky_record(_config(0), gram), _result(_config(1)),
           _bulky_record(_config(2), [[1.5, 2.5, 3.5]] + [[0.125] * 7] * 60)]
    lines = [json.dumps(r, sort_keys=True) for r in old]
    path.write_text("\n".join(lines) + "\n")   # inline, as written before sidecars existed
    assert records.main(["migrate", "--results-dir", str(tmp_path)]) == 0
    assert "2 records' arrays moved to hierarchy/" in capsys.readouterr().out
    new_lines = path.read_text().splitlines()
    assert new_lines[1] == lines[1]                   # a record without arrays keeps its line
    assert [json.loads(x)["config_hash"] for x in new_lines] == [r["config_hash"] for r in old]
    assert len(path.read_bytes()) < len("\n".join(lines)) / 2
    records.forget()
    assert records.read_jsonl(path) == old
    before = path.read_bytes()
    assert records.migrate(path)[0] == 0 and path.read_bytes() == before  # once is enough
    assert records.main(["verify", "--results-dir", str(tmp_path)]) == 0
    assert "3 records, 2 sidecars verified" in capsys.readouterr().out
