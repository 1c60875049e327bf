"""Grids on Dask: small real runs (the Yeast data, smoke-shrunk) on a LocalCluster and on a
cluster started by hand. Records must equal a serial run's, be written once each by the
submitting process, survive a killed submitting process (resume) and a killed worker (Dask
runs the task again), and a failing configuration must not stop the others."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psutil
import pytest

from xmlstudy import experiments, methods, records, runner
from xmlstudy.experiments import RunConfig
from xmlstudy.runner import outcome, run_grid

REPO = Path(__file__).resolve().parents[1]

def small_grid(seeds=(0, 1)) -> list[RunConfig]:
    """kNN and one-vs-rest linear models on the smoke-shrunk Yeast: about a second each."""
    return [RunConfig("baselines", "main", method, "yeast", seed=s, profile="smoke", params=p)
            for method, p in (("knn", {"k_grid": [5]}), ("ovr-linear", {"C_grid": [1.0]}))
            for s in seeds]


def serial(configs) -> dict:
    """The outcomes of the configurations run one after another in this process, one thread."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return {c.config_hash: outcome(experiments.run(c)) for c in configs}


def written(results_dir, config) -> list[dict]:
    return records.read_jsonl(experiments.results_file(config.paper, config.experiment,
                                                       config.profile, results_dir))


def assert_written_once_as_serial(results_dir, configs, expected) -> None:
    recs = written(results_dir, configs[0])
    hashes = [r["config_hash"] for r in recs]
    assert sorted(hashes) == sorted(c.config_hash for c in configs)  # each once, no other
    for rec in recs:
        assert outcome(rec) == expected[rec["config_hash"]], rec["method"]


@pytest.fixture(scope="module")
def expected():
    return serial(small_grid(seeds=(0, 1, 2)))


@pytest.mark.slow
def test_local_cluster_matches_a_serial_run_and_survives_a_failure(tmp_path, expected):
    configs = small_grid()
    bad = RunConfig("baselines", "main", "knn", "yeast", profile="smoke", params={"k": 0})
    experiments.load_or_run(configs[0], tmp_path)  # as if an earlier grid had been interrupted
    report = run_grid(configs + [bad], jobs=2, results_dir=tmp_path, progress=False)
    assert (report.total, report.skipped, report.ran) == (5, 1, 4)
    assert list(report.failures) == [bad.label()]
    assert "knn: k must be a positive integer, got 0" in report.failures[bad.label()]
    assert_written_once_as_serial(tmp_path, configs, expected)
    for rec in written(tmp_path, configs[0]):
        prov = rec["provenance"]
        assert prov["host"] == socket.gethostname() and prov["device"] == "cpu"
        assert rec["peak_memory_mb"] is not None and rec["peak_memory_source"]
    df = experiments.load_records("baselines", "main", profile="smoke", results_dir=tmp_path)
    assert len(df) == 4 and {"P@1", "PSP@5", "fixed-0.5/ex-F1", "validation/ma-F1",
                             "best-on-test/HA", "fit_s"} <= set(df.columns)
    again = run_grid(configs, jobs=2, results_dir=tmp_path, progress=False)
    assert (again.skipped, again.ran, again.ok) == (4, 0, True)


@pytest.mark.slow
def test_resume_after_the_submitting_process_is_killed(tmp_path, expected):
    configs = small_grid(seeds=(0, 1, 2))
    script = textwrap.dedent(f"""
        from xmlstudy.experiments import RunConfig
        from xmlstudy.runner import run_grid
        if __name__ == "__main__":  # Dask's worker processes import the main module
            configs = [RunConfig.from_dict(d) for d in {[c.to_dict() for c in configs]!r}]
            run_grid(configs, jobs=1, results_dir={str(tmp_path)!r}, progress=False)
    """)
    submitter = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 120
    while not written(tmp_path, configs[0]):
        assert submitter.poll() is None and time.monotonic() < deadline, "no record appeared"
        time.sleep(0.05)
    family = psutil.Process(submitter.pid).children(recursive=True)
    submitter.send_signal(signal.SIGKILL)
    submitter.wait(timeout=30)
    # Its worker, and the process running a configuration, go with it.
    gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, [p.cmdline() for p in alive]
    before = len(written(tmp_path, configs[0]))
    assert 1 <= before < len(configs)
    report = run_grid(configs, jobs=2, results_dir=tmp_path, progress=False, isolate=False)
    assert report.ok and (report.skipped, report.ran) == (before, len(configs) - before)
    assert_written_once_as_serial(tmp_path, configs, expected)


@pytest.mark.slow
def test_a_worker_killed_mid_task_is_replaced_and_the_grid_completes(tmp_path, expected):
    configs = small_grid()
    killed = []

    def kill_a_busy_worker():
        # A process running a configuration is a child of the worker that runs its task.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for p in psutil.Process().children(recursive=True):
                try:
                    if runner._CHILD in " ".join(p.cmdline()):
                        worker = p.parent()
                        os.kill(worker.pid, signal.SIGKILL)
                        killed.append(worker.pid)
                        return
                except psutil.NoSuchProcess:
                    pass
            time.sleep(0.05)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    report = run_grid(configs, jobs=2, results_dir=tmp_path, progress=False)
    killer.join()
    assert killed, "no worker was seen running a configuration"
    assert not psutil.pid_exists(killed[0]) or psutil.Process(killed[0]).status() == "zombie"
    assert report.ok and report.ran == len(configs)
    assert_written_once_as_serial(tmp_path, configs, expected)


def test_which_configurations_ask_for_a_gpu(monkeypatch):
    from xmlstudy import models

    def no_building(*args, **kwargs):
        raise AssertionError("uses_gpu built a model")

    monkeypatch.setattr(models, "create", no_building)   # the registry answers alone
    knn, = small_grid(seeds=(0,))[:1]
    cgmvae = RunConfig("cgmvae", "main", "cgmvae", "yeast", profile="smoke")
    assert runner.uses_gpu(cgmvae)
    assert not runner.uses_gpu(knn)  # the baselines fix the CPU themselves
    assert not runner.uses_gpu(RunConfig("cgmvae", "main", "cgmvae", "yeast", device="cpu"))
    # Wrong parameters do not change where a method can run: the task fails, with its own
    # message, wherever it is sent.
    broken = RunConfig("cgmvae", "main", "cgmvae", "yeast", params={"no_such_knob": 1})
    assert runner.uses_gpu(broken)
    assert not runner.uses_gpu(RunConfig("cgmvae", "main", "no-such-method", "yeast"))


@pytest.mark.slow
def test_hand_started_cluster_puts_gpu_runs_on_gpu_workers(tmp_path, monkeypatch):
    """`dask scheduler` and two `dask worker`s, one offering a GPU resource (this machine has
    no GPU: device="auto" then picks the CPU on that worker, as it would on any)."""
    from distributed import Client, get_task_stream

    dask = str(Path(sys.executable).parent / "dask")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"])]
    try:
        for name, extra in (("cpu-worker", []), ("gpu-worker", ["--resources", "GPU=1"])):
            procs.append(subprocess.Popen([dask, "worker", address, "--name", name, "--nthreads",
                                           "1", "--no-dashboard", *extra]))
        configs = [RunConfig("cgmvae", "main", "cgmvae", "yeast", profile="smoke",
                             params={"epochs": 1}),
                   RunConfig("baselines", "main", "knn", "yeast", profile="smoke",
                             params={"k_grid": [5]})]
        monkeypatch.setenv(runner.SCHEDULER_ENV, address)  # the address from the environment
        with Client(address) as watcher:
            watcher.wait_for_workers(2, timeout=120)
            names = {a: w["name"] for a, w in watcher.scheduler_info()["workers"].items()}
            with get_task_stream(watcher) as stream:
                report = run_grid(configs, results_dir=tmp_path, progress=False)
        assert report.ok and report.ran == 2
        where = {t["key"].split("-")[0]: names[t["worker"]] for t in stream.data}
        assert where["cgmvae"] == "gpu-worker"
        rec, = written(tmp_path, configs[0])
        assert rec["provenance"]["device"] == "cpu"
        assert rec["provenance"]["host"] == socket.gethostname()
        assert len(written(tmp_path, configs[1])) == 1
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


# --- stopping a grid, and a scheduler that is not there ----------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("signum, whole_group", [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["ctrl-c", "kill"])
def test_a_signal_stops_the_grid_with_one_line_that_says_how_to_resume(tmp_path, signum, whole_group):
    """Ctrl-C in a terminal sends SIGINT to every process of its group (the workers and their
    runs too); `kill` sends SIGTERM to the one process. Either way: exit status 128 + signal, no
    traceback from any process, the records written stay whole, and the last line says how many
    configurations finished and the command that resumes the grid."""
    before = RunConfig("baselines", "main", "knn", "yeast", profile="smoke",   # as in the smoke grid
                       params=methods.settings("knn", "yeast", "smoke"))
    experiments.load_or_run(before, tmp_path)
    args = ["--paper", "baselines", "--profile", "smoke", "--datasets", "yeast", "--results-dir", str(tmp_path)]
    proc = subprocess.Popen([sys.executable, "-m", "xmlstudy", "run", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "TQDM_DISABLE": "1"})
    seen = []
    while not any(line.startswith("Dask dashboard") for line in seen):  # the grid has started
        line = proc.stderr.readline()
        assert line or proc.poll() is None, seen
        seen.append(line)
    family = psutil.Process(proc.pid).children(recursive=True)
    assert family  # the local cluster's processes
    if whole_group:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    err = "".join(seen) + err
    assert proc.returncode == 128 + signum == (130 if signum == signal.SIGINT else 143)
    assert "Traceback" not in err and "Error" not in err, err
    last = err.strip().splitlines()[-1]
    name = signal.Signals(signum).name
    resume = f"Resume with: python -m xmlstudy run {' '.join(args)}"
    assert last.startswith(f"python -m xmlstudy run: stopped by {name}: ") and last.endswith(resume), last
    finished = int(last.split(f"{name}: ")[1].split(" of 2 configurations finished")[0])
    assert f"({finished} records written, 0 failed; 1 were done before), {2 - finished} not run." in last
    recs = written(tmp_path, before)
    assert len(recs) == 1 + finished and recs[0]["config_hash"] == before.config_hash
    assert len({r["config_hash"] for r in recs}) == len(recs)
    assert [p.name for p in (tmp_path / "baselines").iterdir()] == ["main.jsonl"]  # no temporary file
    gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, [p.cmdline() for p in alive]


def test_a_scheduler_address_is_checked_before_anything_runs(tmp_path, capsys, monkeypatch):
    from xmlstudy import chapters

    with socket.socket() as s:  # a port where nothing listens once the socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["--paper", "baselines", "--profile", "smoke", "--datasets", "yeast", "--results-dir", str(tmp_path)]
    start = time.monotonic()
    assert chapters.main(args + ["--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    assert time.monotonic() - start < 10
    err = capsys.readouterr().err.strip()
    assert err == (f"python -m xmlstudy run: error: no Dask scheduler at tcp://127.0.0.1:{port} (--scheduler): "
                   f"connection refused; start a scheduler there with 'dask scheduler --port {port}' and workers "
                   f"with 'dask worker tcp://127.0.0.1:{port}', or leave out --scheduler to run on a local cluster "
                   f"of this machine")
    monkeypatch.setenv(runner.SCHEDULER_ENV, f"tcp://127.0.0.1:{port}")
    assert chapters.main(args) == 2
    assert f"(${runner.SCHEDULER_ENV}): connection refused" in capsys.readouterr().err
    assert "or unset XMLSTUDY_SCHEDULER to run" in str(pytest.raises(
        runner.SchedulerError, run_grid, small_grid(), results_dir=tmp_path).value)
    monkeypatch.delenv(runner.SCHEDULER_ENV)
    for address, problem in (("tcp://127.0.0.1:notaport", "the port 'notaport' is not a number in 1..65535"),
                             ("tcp://127.0.0.1", "is not a scheduler address PROTOCOL://HOST:PORT"),
                             ("udp://127.0.0.1:8786", "unknown protocol 'udp'")):
        with pytest.raises(SystemExit) as stop:
            chapters.main(args + ["--scheduler", address, "--dry-run"])  # even a dry run
        assert stop.value.code == 2
        assert re.search(f"error: --scheduler {re.escape(repr(address))}:? {problem}", capsys.readouterr().err)
    assert not written(tmp_path, small_grid()[0])  # nothing ran


def test_a_signal_inside_stop_requests_is_recorded_and_a_second_one_stops_at_once():
    from xmlstudy.cluster import stop_requests

    before = signal.getsignal(signal.SIGTERM)
    with stop_requests() as stop:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.1)  # the handler runs between two bytecodes of this thread
        assert stop == [signal.SIGTERM]
        with pytest.raises(KeyboardInterrupt, match="SIGINT"):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
    assert signal.getsignal(signal.SIGTERM) is before


def test_stop_runs_ends_the_process_of_a_task_and_keeps_later_ones_from_starting(monkeypatch):
    from xmlstudy import cluster

    monkeypatch.setattr(cluster, "_current_task", lambda: "task-1")
    result = []
    worker = threading.Thread(target=lambda: result.append(cluster.run_process(["sleep", "60"], "")))
    start = time.monotonic()
    worker.start()
    while "task-1" not in cluster._RUNS:
        time.sleep(0.01)
    assert cluster.stop_runs(["task-1", "task-2"]) == 1  # task-2 was not running here
    worker.join(timeout=10)
    assert result == [None] and time.monotonic() - start < 10
    monkeypatch.setattr(cluster, "_current_task", lambda: "task-2")
    assert cluster.run_process(["sleep", "60"], "") is None  # stopped before it began: not started
    assert cluster.run_process(["cat"], "a record") == (0, "a record")  # (task-2 is done with)
    assert not cluster._RUNS and not cluster._STOPPED
