"""Configurations and records: validation messages, hash stability, atomic appends from two
processes, a run that produces a complete record, and the command line's dry run (grids on Dask
are tested in test_grid.py)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from xmlstudy import data, experiments
from xmlstudy.data.dataset import Splits
from xmlstudy.experiments import RunConfig, load_or_run, load_records

from test_baselines import planted

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def fake_data(monkeypatch):
    """A registry with one planted dataset, so runs take a fraction of a second."""
    train, valid, test = planted(300, 0), planted(60, 1, split="valid"), planted(150, 2, split="test")

    def load(name, *, valid_fraction=0.1, split_seed=0, data_dir=None):
        assert name == "planted" and split_seed == 0
        return Splits(train=train, valid=valid if valid_fraction > 0 else None, test=test)

    monkeypatch.setattr(data, "names", lambda: ["planted"], raising=False)
    monkeypatch.setattr(data, "load", load, raising=False)
    monkeypatch.setattr(data, "spec", lambda name: SimpleNamespace(propensity=(0.55, 1.5)),
                        raising=False)
    return train, valid, test


def config(**kw):
    base = dict(paper="baselines", experiment="main", method="knn", dataset="planted")
    return RunConfig(**{**base, **kw})


# --- validation and hashing ----------------------------------------------------------------------
@pytest.mark.parametrize("field, value, expected", [
    ("paper", "dxmll", "RunConfig.paper: got 'dxmll'; valid: baselines, dxml"),
    ("profile", "quick", "valid: full, smoke"),
    ("method", "knnn", "RunConfig.method: got 'knnn'; valid: "),
    ("dataset", "bibtexx", "RunConfig.dataset: got 'bibtexx'; valid: planted"),
    ("setting", {"fraction": 0.5}, "valid: train_fraction, noise, rate"),
    ("setting", {"noise": "missing"}, "'noise' and 'rate' go together"),
    ("setting", {"noise": "flip", "rate": 0.1}, "valid: missing, missing-invalid"),
    ("setting", {"train_fraction": 0}, "expected a number in (0, 1]"),
    ("setting", {"noise": "missing", "rate": 1.0}, "expected a number in [0, 1)"),
    ("seed", -1, "non-negative integer"),
    ("valid_fraction", 1.0, "in [0, 1)"),
])
def test_validation_names_the_field_and_valid_values(fake_data, field, value, expected):
    with pytest.raises(ValueError) as err:
        config(**{field: value}).validate()
    assert expected in str(err.value)


def test_method_message_lists_the_methods(fake_data):
    with pytest.raises(ValueError, match="knn, .*ovr-linear, .*parabel"):
        config(method="nope").validate()


def test_config_hash_is_stable():
    c = config(setting={"noise": "missing", "rate": 0.2}, params={"k": 5, "k_grid": [1, 5]})
    # Dict order does not matter; the value is fixed so that stored records keep matching.
    same = config(setting={"rate": 0.2, "noise": "missing"}, params={"k_grid": [1, 5], "k": 5})
    assert c.config_hash == same.config_hash
    assert c.config_hash == "8d903b9dc5ef05fd8b9abbc02089e41305107eada9c99064725d7b3218342085"
    for change in ({"seed": 1}, {"profile": "smoke"}, {"params": {"k": 6, "k_grid": [1, 5]}},
                   {"setting": {"noise": "missing", "rate": 0.3}}, {"experiment": "noise"},
                   {"dataset": "bibtex"}, {"method": "parabel"}, {"valid_fraction": 0.2}):
        assert config(**{**dict(setting=c.setting, params=c.params), **change}).config_hash \
            != c.config_hash, change
    # The same in a fresh interpreter (no dependence on Python's per-process hash seed).
    code = ("from xmlstudy.experiments import RunConfig; print(RunConfig('baselines','main','knn',"
            "'planted',setting={'noise':'missing','rate':0.2},params={'k':5,'k_grid':[1,5]})"
            ".config_hash)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == c.config_hash


# --- record files ---------------------------------------------------------------------------------
def test_atomic_append_from_two_processes(tmp_path):
    path = tmp_path / "baselines" / "main.jsonl"
    writer = textwrap.dedent(f"""
        import sys
        from xmlstudy.experiments import append_record
        tag = sys.argv[1]
        for i in range(40):
            append_record({{"config_hash": f"{{tag}}-{{i}}", "pad": "x" * 2000}}, {str(path)!r})
    """)
    procs = [subprocess.Popen([sys.executable, "-c", writer, tag]) for tag in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    lines = path.read_text().splitlines()
    hashes = [json.loads(line)["config_hash"] for line in lines]
    assert len(lines) == 80 and len(set(hashes)) == 80
    assert sorted(p.name for p in path.parent.iterdir()) == ["main.jsonl"]  # nothing left behind
    assert path.stat().st_mode & 0o044 == 0o044  # readable by others, like any committed file


def test_run_record_has_every_field(fake_data, tmp_path):
    c = config(profile="smoke", params={"k_grid": [1, 5]})
    rec = load_or_run(c, results_dir=tmp_path)
    for key in ("paper", "experiment", "method", "dataset", "seed", "profile", "setting", "params",
                "metrics", "timings", "n_parameters", "peak_memory_mb", "fit_info", "provenance",
                "config_hash"):
        assert key in rec, key
    m = rec["metrics"]
    for key in ("P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5", "PSP@1", "PSP@3", "PSP@5",
                "PSnDCG@1", "PSnDCG@3", "PSnDCG@5"):
        assert 0 <= m[key] <= 1, key
    assert m["P@1"] > 0.9  # the planted signal is learned
    for protocol in ("fixed-0.5", "validation", "best-on-test"):
        assert set(m[protocol]) >= {"ex-F1", "mi-F1", "ma-F1", "HA"}
    assert set(rec["timings"]) == {"fit_s", "predict_s", "epochs"}
    assert rec["fit_info"]["k"] in (1, 5)
    prov = rec["provenance"]
    assert prov["config_hash"] == c.config_hash
    assert prov["device"] == "cpu" and prov["cpu"]["cores"] >= 1
    assert {"python", "torch", "numpy", "scipy", "scikit-learn", "xmlstudy"} <= set(prov["versions"])
    assert prov["git_commit"] == "unknown" or len(prov["git_commit"].split("-")[0]) == 40
    assert prov["date"].endswith("+00:00")
    json.dumps(rec, allow_nan=False)  # plain JSON, no NaN
    # Written once, where the smoke profile's records go when a directory is given.
    written = (tmp_path / "baselines" / "main.jsonl").read_text().splitlines()
    assert len(written) == 1 and json.loads(written[0])["config_hash"] == c.config_hash


def test_without_validation_the_validation_protocol_is_omitted(fake_data):
    rec = experiments.run(config(valid_fraction=0.0))
    assert "validation" not in rec["metrics"] and "fixed-0.5" in rec["metrics"]
    assert rec["data"]["valid"] == 0 and "default" in rec["fit_info"]["selection"]


def test_same_seed_same_numbers(fake_data):
    a = experiments.run(config(method="ovr-linear", seed=2, params={"C_grid": [1.0]}))
    b = experiments.run(config(method="ovr-linear", seed=2, params={"C_grid": [1.0]}))
    assert a["metrics"] == b["metrics"]


def test_train_fractions_nest(fake_data):
    sizes, rows = {}, {}
    for f in (0.1, 0.5, 1.0):
        train, _, _, clean = experiments.prepare_data(config(setting={"train_fraction": f}))
        sizes[f] = len(train)
        # Rows are identified by their content (the planted rows are distinct enough).
        rows[f] = {tuple(r) for r in np.hstack([train.X.toarray(), train.Y.toarray()])}
        assert len(clean) == 300
    assert sizes == {0.1: 30, 0.5: 150, 1.0: 300}
    assert rows[0.1] <= rows[0.5] <= rows[1.0]


def test_label_noise_on_train_only_seeded_by_the_run_seed(fake_data):
    clean_train, clean_valid, clean_test = fake_data
    noisy = {s: experiments.prepare_data(config(seed=s, setting={"noise": "missing", "rate": 0.5}))
             for s in (0, 1)}
    train, valid, test, clean = noisy[0]
    kept = train.Y.sum() / clean_train.Y.sum()
    assert 0.4 < kept < 0.6  # about half of the positives dropped
    assert (valid.Y != clean_valid.Y).nnz == 0 and (test.Y != clean_test.Y).nnz == 0
    assert (clean.Y != clean_train.Y).nnz == 0  # propensities see the clean labels
    assert (noisy[0][0].Y != noisy[1][0].Y).nnz > 0  # another run seed, other noise
    again = experiments.prepare_data(config(seed=0, setting={"noise": "missing", "rate": 0.5}))
    assert (again[0].Y != train.Y).nnz == 0


def test_smoke_profile_shrinks_the_data(fake_data):
    big = planted(1000, 9)
    train, valid, test, _ = experiments.prepare_data(config(profile="smoke"))
    assert (len(train), len(valid), len(test)) == (300, 60, 150)  # already small: unchanged
    experiments_rows = experiments.SMOKE_ROWS
    assert experiments_rows == {"train": 400, "valid": 100, "test": 200}
    shrunk = experiments._shrink(big, 400, np.random.default_rng(0), "train")
    again = experiments._shrink(big, 400, np.random.default_rng(0), "train")
    assert len(shrunk) == 400 and (shrunk.X != again.X).nnz == 0


# --- reading records, the grid's command line ---------------------------------------------------
def test_load_records_separates_profiles(fake_data, tmp_path):
    load_or_run(config(profile="smoke", params={"k_grid": [1]}), results_dir=tmp_path)
    assert len(load_records("baselines", profile="smoke", results_dir=tmp_path)) == 1
    assert len(load_records("baselines", profile="full", results_dir=tmp_path)) == 0
    with pytest.raises(ValueError, match="valid: baselines"):
        load_records("nope")


def test_a_results_dir_over_the_default_reads_both_and_writes_only_its_own(fake_data, tmp_path,
                                                                          monkeypatch):
    """A notebook's results_dir: a committed record is found (not run again), a new record goes
    to results_dir alone, and the committed file keeps every byte."""
    committed, mine = tmp_path / "results", tmp_path / "mine"
    monkeypatch.setattr(experiments, "RESULTS_DIR", committed)
    old, new = config(params={"k_grid": [1]}), config(params={"k_grid": [1]}, seed=1)
    first = load_or_run(old)                                   # the default folder: committed
    committed_file = committed / "baselines" / "main.jsonl"
    before = committed_file.read_bytes()
    assert experiments.record_folders("full", mine, read_default=True) == [mine, committed]
    assert experiments.record_folders("full", None, read_default=True) == [committed]

    def no_run(c):
        raise AssertionError(f"{c.label()} has a committed record and must not run again")

    with monkeypatch.context() as patch:
        patch.setattr(experiments, "run", no_run)
        found, missing = experiments.collect([old], results_dir=mine, read_default=True)
    assert missing == 0 and list(found["main"]["config_hash"]) == [first["config_hash"]]
    assert not mine.exists()                                   # found, so nothing was written
    # Without read_default, results_dir stands alone, as for the grid command's --results-dir.
    assert experiments.find_record(old, mine) is None

    found, missing = experiments.collect([old, new], results_dir=mine, read_default=True)
    assert missing == 0 and list(found["main"]["seed"]) == [0, 1]
    own_file = mine / "baselines" / "main.jsonl"
    own = [json.loads(line) for line in own_file.read_text().splitlines()]
    assert [r["config_hash"] for r in own] == [new.config_hash]   # only the new one, only here
    assert committed_file.read_bytes() == before
    assert list(load_records("baselines", results_dir=mine, read_default=True)["seed"]) == [1, 0]
    assert list(load_records("baselines", results_dir=mine)["seed"]) == [1]
    assert list(load_records("baselines")["seed"]) == [0]
    # A configuration recorded in both folders is read once, from results_dir.
    experiments.append_record({**first, "metrics": {"P@1": 0.25}},
                              experiments.results_file("baselines", "main", results_dir=mine))
    both = load_records("baselines", "main", results_dir=mine, read_default=True)
    assert sorted(both["seed"]) == [0, 1] and both.loc[both["seed"] == 0, "P@1"].item() == 0.25
    assert experiments.find_record(old, mine, read_default=True)["metrics"]["P@1"] == 0.25


def test_smoke_records_never_go_to_results():
    assert experiments.results_file("baselines", "main", "smoke").parts[-4:-2] == (
        "_build", "smoke-results")
    assert experiments.results_file("baselines", "main", "full") == \
        REPO / "results" / "baselines" / "main.jsonl"


def test_baselines_grid_and_cli_dry_run(capsys):
    from xmlstudy import chapters

    full = chapters.grid("baselines", "full")
    assert len(full) == 9 * 3 * 3 and {c.seed for c in full} == {0, 1, 2}
    assert {c.method for c in full} == {"knn", "ovr-linear", "parabel"}
    smoke = chapters.grid("baselines", "smoke")
    assert {c.seed for c in smoke} == {0} and {c.profile for c in smoke} == {"smoke"}
    rc = chapters.main(["--paper", "baselines", "--profile", "smoke", "--datasets", "yeast",
                           "--methods", "knn", "--dry-run"])
    out = capsys.readouterr().out
    assert rc == 0 and "knn on yeast seed=0" in out and "1 configurations" in out
    with pytest.raises(SystemExit):
        chapters.main(["--paper", "baselines", "--datasets", "nope", "--dry-run"])
    assert "valid: bibtex" in capsys.readouterr().err


def test_a_new_record_file_does_not_mark_the_code_dirty():
    """Records written by a running grid change no code: the provenance commit must not gain
    "-dirty" because results/ changed (it did before, for nearly every record)."""
    from xmlstudy.records import REPO_ROOT, git_commit

    before = git_commit()
    probe = REPO_ROOT / "results" / "_provenance_probe.jsonl"
    try:
        probe.write_text("{}\n")
        assert git_commit() == before
    finally:
        probe.unlink()
