"""The label-scaling benchmark: growth exponents recovered from hand-made records, P@k from top-k
indices by hand, the limited child process (finished, failed, out of time, out of memory), and
a tiny end-to-end run that writes, resumes and skips after a failure."""
from __future__ import annotations

import math
import os
import textwrap
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy import records
from xmlstudy.benchmarks import limits, scale

REPO = Path(__file__).resolve().parents[1]


def _record(method, L, status="ok", fit=None, predict=1.0, memory=None, n=1000, d=500):
    return {"method": method, "status": status, "seed": 0,
            "setting": {"n_labels": L, "n_rows": n, "n_features": d},
            "timings": {"fit_s": fit, "predict_s": predict}, "peak_memory_mb": memory,
            "provenance": {"device": "cpu"}}


def test_growth_recovers_exponents_one_and_two_exactly():
    sizes = [1_000, 10_000, 100_000]
    recs = [_record("linear", L, fit=0.002 * L, memory=3e-6 * L ** 2, predict=7.0) for L in sizes]
    # A failure and the skip after it do not enter the fit, but are reported.
    recs += [_record("linear", 1_000_000, status="memory"), _record("linear", 10**7, status="skipped")]
    recs += [_record("once", 1_000, fit=5.0, memory=1.0)]                 # one size: no exponent
    table = scale.growth(recs).set_index("method")
    row = table.loc["linear"]
    assert row["fit_exponent"] == pytest.approx(1.0, abs=1e-9)
    assert row["memory_exponent"] == pytest.approx(2.0, abs=1e-9)
    assert row["predict_exponent"] == pytest.approx(0.0, abs=1e-9)
    assert (row["sizes"], row["largest_L"], row["failed_at_L"], row["failure"]) == (3, 100_000, 1_000_000, "memory")
    assert math.isnan(table.loc["once", "fit_exponent"]) and table.loc["once", "sizes"] == 1


def test_growth_keeps_settings_apart():
    recs = [_record("m", L, fit=L, n=100) for L in (10, 100)] + [_record("m", L, fit=L * L, n=200) for L in (10, 100)]
    table = scale.growth(recs).set_index("N")
    assert table.loc[100, "fit_exponent"] == pytest.approx(1.0)
    assert table.loc[200, "fit_exponent"] == pytest.approx(2.0)


def test_growth_counts_a_remeasured_size_once_by_its_latest_record():
    """A size timed while other work ran, then measured again alone, enters the fit once (the
    later record); the busy sizes left are counted."""
    busy = dict(_record("m", 100, fit=999.0), others_running=True)
    recs = [_record("m", 10, fit=10.0), busy, _record("m", 100, fit=100.0),
            dict(_record("m", 1000, fit=1000.0), others_running=True)]
    row = scale.growth(recs).set_index("method").loc["m"]
    assert row["fit_exponent"] == pytest.approx(1.0) and row["sizes"] == 3
    assert row["busy_sizes"] == 1


def test_hits_at_k_by_hand():
    Y = sp.csr_matrix(np.array([[1, 0, 1, 0, 0, 1],
                                [0, 1, 0, 0, 0, 0]], np.float32))
    top = np.array([[2, 1, 5, 0, 3],      # hits at 1, 3, 4: P@1 1, P@3 2/3, P@5 3/5
                    [0, 1, -1, -1, -1]])  # a hit at 2, then no predictions: P@1 0, P@3 1/3, P@5 1/5
    sums = scale.hits_at_k(Y, top)
    assert sums == pytest.approx({"P@1": 1.0, "P@3": 1.0, "P@5": 0.8})


def test_precision_in_batches_sums_over_batches():
    class Oracle:   # predicts label i % 3 first, then 3, 4
        def topk(self, X, k):
            first = np.asarray(X[:, 0].toarray()).ravel().astype(np.int64)
            return np.column_stack([first, np.full_like(first, 3), np.full_like(first, 4)]), None

    rows = np.arange(7) % 3
    X = sp.csr_matrix(rows[:, None].astype(np.float32))
    Y = sp.csr_matrix((np.ones(8), (np.r_[np.arange(7), 0], np.r_[rows, 3])), shape=(7, 5))
    p = scale.precision_in_batches(Oracle(), X, Y, batch_rows=3)
    assert p["P@1"] == pytest.approx(1.0)
    assert p["P@3"] == pytest.approx((7 + 1) / 3 / 7)
    assert p["P@5"] == pytest.approx(8 / 5 / 7)       # 3 columns only: the other 2 are misses


def test_precision_in_batches_agrees_with_the_study_metrics():
    from xmlstudy import metrics, models
    from xmlstudy.data import synthetic

    s = synthetic.generate(n_rows=800, n_labels=200, n_features=300, seed=5)
    model = models.create("knn", seed=0).fit(s.train, s.valid)
    top, _ = model.topk(s.test.X, 5)
    expected = metrics.ranking_metrics(s.test.Y, top, ks=(1, 3, 5))
    got = scale.precision_in_batches(model, s.test.X, s.test.Y, batch_rows=7)
    assert got == pytest.approx({k: expected[k] for k in ("P@1", "P@3", "P@5")}, abs=1e-12)


def test_which_methods_and_which_take_epochs():
    methods = scale.feature_methods()
    assert {"knn", "parabel", "ovr-linear", "mlp-bce", "dxml", "cgmvae", "rankae"} <= set(methods)
    assert not {"fasttext", "kim-cnn", "rankae-bilstm", "image-bce", "nnae-image"} & set(methods)
    assert [scale.takes_epochs(m) for m in ("knn", "parabel", "mlp-bce", "dxml-linear", "nnae", "nmf")] \
        == [False, False, True, True, True, False]
    assert scale.batch_rows_for(1_000, 1_000) == 1_000
    assert scale.batch_rows_for(10**6, 1_000) == scale.SCORE_BUDGET // 10**6


# --- the limited child process ------------------------------------------------------------------
CHILD = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    from xmlstudy.benchmarks import limits

    def main(path):
        spec = json.load(open(path))
        what = spec["what"]
        if what == "rlimit":
            limits.limit_address_space(spec["memory_bytes"])
        try:
            if what == "ok":
                out = {"status": "ok", "reason": None, "value": 42}
            elif what == "error":
                raise ValueError("an L x L term")
            elif what == "sleep":
                limits.write_json(spec["progress_path"], {"phase": "fit"})
                time.sleep(60)
            elif what == "rlimit":
                np.ones(2 * spec["memory_bytes"] // 8)
            elif what == "hold":
                # A C call that holds the interpreter for minutes: the watching thread never runs.
                import os, re
                limits.exit_with_parent()
                limits.write_json(spec["progress_path"], {"phase": "fit", "pid": os.getpid()})
                re.match(r"(a+)+$", "a" * 64 + "b")
            elif what == "grow":
                limits.write_json(spec["progress_path"], {"phase": "fit"})
                parts = []
                for _ in range(200):
                    parts.append(np.ones(2**20))   # 8 MB more, touched, every 50 ms
                    time.sleep(0.05)
        except BaseException as exc:
            out = {"status": limits.failure_kind(exc), "reason": f"{type(exc).__name__}: {exc}"}
        limits.write_json(spec["result_path"], out)
""")


@pytest.fixture()
def child(tmp_path):
    (tmp_path / "limited_child.py").write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(REPO)]))

    def run(what, timeout_s=60.0, memory_mb=2000):
        return limits.run_limited("limited_child:main", {"what": what}, tmp_path / what,
                                  timeout_s=timeout_s, memory_bytes=memory_mb * 2**20, env=env)
    return run


def test_a_child_that_finishes_or_fails_reports_itself(child):
    ok = child("ok")
    assert (ok["status"], ok["reason"], ok["result"]["value"]) == ("ok", None, 42)
    failed = child("error")
    assert failed["status"] == "error" and failed["reason"] == "ValueError: an L x L term"


def test_a_child_past_its_time_is_killed_and_says_where(child):
    out = child("sleep", timeout_s=2.0)
    assert out["status"] == "timeout" and "time limit of 2 s" in out["reason"]
    assert out["progress"] == {"phase": "fit"}
    assert 2.0 <= out["elapsed_s"] < 10.0


def test_an_allocation_past_the_address_space_cap_is_a_memory_failure(child):
    out = child("rlimit", memory_mb=1500)
    assert out["status"] == "memory" and out["reason"].startswith("MemoryError")


def test_a_child_growing_past_the_memory_limit_is_killed(child):
    out = child("grow", memory_mb=300)
    assert out["status"] == "memory" and "memory limit of" in out["reason"]
    assert 300 < out["peak_rss_mb"] < 800            # measured when it was killed


def test_a_child_dies_with_its_killed_parent_even_inside_a_long_c_call(tmp_path):
    """A benchmark killed by the user must not leave its run computing for nobody (it would
    share the CPU with the next benchmark's timed runs)."""
    import json
    import signal
    import subprocess
    import sys
    import time

    (tmp_path / "limited_child.py").write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(REPO)]))
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        from xmlstudy.benchmarks import limits
        limits.run_limited("limited_child:main", {{"what": "hold"}}, {str(tmp_path / "hold")!r},
                           timeout_s=600, memory_bytes=2**31)
        """)], env=env)
    progress = tmp_path / "hold" / "progress.json"
    for _ in range(300):
        if progress.exists() and "pid" in progress.read_text():
            break
        time.sleep(0.1)
    pid = json.loads(progress.read_text())["pid"]
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the child outlived its parent by 5 s")


def test_failure_kind_reads_allocators_messages():
    assert limits.failure_kind(MemoryError()) == "memory"
    assert limits.failure_kind(RuntimeError("CUDA out of memory. Tried to allocate 2 GiB")) == "memory"
    assert limits.failure_kind(RuntimeError("[enforce fail] DefaultCPUAllocator: can't allocate memory")) == "memory"
    assert limits.failure_kind(ValueError("shapes (3,) and (4,) not aligned")) == "error"


# --- end to end ---------------------------------------------------------------------------------
def test_a_tiny_run_writes_resumes_and_skips_after_a_failure(tmp_path, capsys, monkeypatch):
    # Whatever else runs on the machine, these runs count as alone (a busy one is measured again:
    # the next test).
    monkeypatch.setattr(limits, "QUIET_CORES", float("inf"))
    common = ["--methods", "knn", "--labels", "50,100", "--n", "300", "--features", "200",
              "--results-dir", str(tmp_path)]
    assert scale.main(common) == 0
    path = tmp_path / "benchmark" / "scale.jsonl"
    recs = records.read_jsonl(path)
    assert [(r["method"], r["setting"]["n_labels"], r["status"]) for r in recs] == \
        [("knn", 50, "ok"), ("knn", 100, "ok")]
    for r in recs:
        assert r["setting"]["n_rows"] == 300 and r["setting"]["epochs"] is None
        assert 0 < r["metrics"]["P@1"] <= 1 and r["timings"]["fit_s"] > 0
        assert r["peak_memory_mb"] >= 0 and r["peak_rss_mb"] > r["peak_memory_mb"]
        assert set(r["load_average"]) == {"before", "after"} and isinstance(r["others_running"], bool)
        assert r["provenance"]["git_commit"] and r["data"]["train"] == 210
    assert scale.main(common) == 0                                   # resumes: nothing to do
    assert len(records.read_jsonl(path)) == 2

    # Under a 10 MB limit (less than Python itself) the first L fails for memory and the second
    # is not tried.
    tight = common[:-1] + [str(tmp_path / "tight"), "--memory-gb", "0.01", "--n", "400"]
    assert scale.main(tight) == 0
    recs = records.read_jsonl(tmp_path / "tight" / "benchmark" / "scale.jsonl")
    assert [(r["setting"]["n_labels"], r["status"]) for r in recs] == [(50, "memory"), (100, "skipped")]
    assert recs[0]["limits"]["memory_gb"] == 0.01 and recs[0]["peak_rss_mb"] > 10
    assert recs[1]["reason"] == "not run: failed at L=50 (memory)"
    # A later run with a larger L reads the failure from the records and skips it as well.
    assert scale.main([*tight[:3], "50,100,200", *tight[4:]]) == 0
    recs = records.read_jsonl(tmp_path / "tight" / "benchmark" / "scale.jsonl")
    assert [(r["setting"]["n_labels"], r["status"]) for r in recs[2:]] == [(200, "skipped")]


def test_a_size_timed_while_others_ran_is_measured_again(tmp_path, monkeypatch):
    common = ["--methods", "knn", "--labels", "50,100", "--n", "300", "--features", "200",
              "--results-dir", str(tmp_path)]
    path = tmp_path / "benchmark" / "scale.jsonl"
    monkeypatch.setattr(limits, "QUIET_CORES", -1.0)        # every run counts as busy
    assert scale.main(common) == 0
    assert [r["others_running"] for r in records.read_jsonl(path)] == [True, True]
    monkeypatch.setattr(limits, "QUIET_CORES", float("inf"))  # now alone: both measured again
    assert scale.main(common) == 0
    recs = records.read_jsonl(path)
    assert [(r["setting"]["n_labels"], r["others_running"]) for r in recs] == \
        [(50, True), (100, True), (50, False), (100, False)]
    assert scale.main(common) == 0                            # and then nothing is left to do
    assert len(records.read_jsonl(path)) == 4
    row = scale.growth(recs).iloc[0]
    assert row["sizes"] == 2 and row["busy_sizes"] == 0


def test_the_command_refuses_methods_that_read_documents(capsys):
    with pytest.raises(SystemExit):
        scale.main(["--methods", "fasttext,knn"])
    assert "read documents or images" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        scale.main(["--labels", "1000,ten"])
    assert "comma-separated integers" in capsys.readouterr().err


def test_load_note_counts_other_processes_cpu_not_the_load_average():
    """A benchmark is quiet when the rest of the machine used under QUIET_CORES cores while it
    ran, whatever the decaying 1-minute load average says (a run after another reads its load)."""
    from xmlstudy.benchmarks import limits

    before = {"time": 100.0, "load": [1.9, 1.5, 1.2], "busy_s": 50.0, "own_s": 3.0}
    # 10 s of wall time: the run used 10 CPU s, the machine 10.5: others 0.05 cores.
    quiet = limits.load_note(before, {"time": 110.0, "load": [1.95, 1.5, 1.2],
                                      "busy_s": 60.5, "own_s": 13.0})
    assert quiet["others_cpu_cores"] == 0.05 and quiet["others_running"] is False
    assert quiet["load_average"] == {"before": [1.9, 1.5, 1.2], "after": [1.95, 1.5, 1.2]}
    # The machine was busy for 19 CPU s: 9 of them someone else's, 0.9 cores.
    busy = limits.load_note(before, {"time": 110.0, "load": [0.5, 0.5, 0.5],
                                     "busy_s": 69.0, "own_s": 13.0})
    assert busy["others_cpu_cores"] == 0.9 and busy["others_running"] is True


def test_snapshot_sees_this_process_cpu_as_its_own():
    """Work done by this process between two snapshots is its own, not another process's."""
    from xmlstudy.benchmarks import limits

    before = limits.snapshot()
    x = 0
    for i in range(3_000_000):
        x += i * i
    after = limits.snapshot()
    assert after["own_s"] - before["own_s"] > 0.05
    note = limits.load_note(before, after)
    assert note["others_cpu_cores"] >= 0.0 and set(note) == {"load_average", "others_cpu_cores",
                                                             "others_running"}
