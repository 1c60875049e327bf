"""The grid runner: many run configurations as tasks on a Dask cluster.

``run_grid`` runs configurations on a ``LocalCluster`` of single-threaded worker processes on this
machine (by default) or on the cluster whose scheduler is at an address, skipping those whose
record exists. Each run gets a fresh Python process on its worker (so peak memory is per run);
workers return records and only the submitting process writes them, as each run finishes, so a
long grid can be interrupted (Ctrl-C, SIGTERM: one line says what finished and how to resume)
and resumed. One run is :func:`xmlstudy.experiments.run`; the grids belong to the chapters.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from xmlstudy import records
from xmlstudy.cluster import (GridInterrupted, SchedulerError, check_scheduler,
                              children_ignore_sigint, run_process, stop_requests, stop_runs,
                              wait_until_idle)
from xmlstudy.experiments import RunConfig, append_record, results_file, run

log = logging.getLogger("xmlstudy.runner")


# --- grids --------------------------------------------------------------------------------------
SCHEDULER_ENV = "XMLSTUDY_SCHEDULER"   # a scheduler address, e.g. tcp://host:8786
# Provenance that says where, when and from which commit a record was made, not what it computed.
CIRCUMSTANCES = ("date", "host", "cpu", "platform", "git_commit")


def outcome(record: dict) -> dict:
    """A record without what depends on the machine and the moment: timings (also the
    ``*_s``/``*_seconds`` entries of ``fit_info``), peak memory, and the date, host, CPU,
    platform and git commit of its provenance. Rerunning a configuration on a CPU with one thread
    gives the same outcome, wherever it runs."""
    out = {k: v for k, v in record.items()
           if k not in ("timings", "peak_memory_mb", "peak_memory_source")}
    out["fit_info"] = {k: v for k, v in (record.get("fit_info") or {}).items()
                       if not (k.endswith("_s") or k.endswith("_seconds"))}
    out["provenance"] = {k: v for k, v in (record.get("provenance") or {}).items()
                         if k not in CIRCUMSTANCES}
    return out


def uses_gpu(config: RunConfig) -> bool:
    """Whether a configuration can use a GPU: it does not ask for the CPU, and its method can
    run on one (the models registry says so; nothing is built here). A configuration with wrong
    parameters is sent like any other and fails, with its own message, as a task."""
    from xmlstudy import models

    if config.device == "cpu" or config.method not in models.METHODS:
        return False
    return models.uses_gpu(config.method)


# The command of the fresh process that runs one configuration (see _run_isolated).
_CHILD = "from xmlstudy.runner import _child_main; _child_main()"


def _child_main() -> None:
    """In the fresh process: read a configuration (JSON) on stdin, run it, print
    ``{"record": ...}`` or ``{"error": traceback}`` as the last line of stdout."""
    parent = os.getppid()

    def exit_with_parent():  # a killed worker must not leave its run computing for nobody
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    try:
        result = {"record": run(RunConfig.from_dict(json.loads(sys.stdin.read())))}
    except Exception:  # noqa: BLE001 - the worker raises it with this traceback
        result = {"error": traceback.format_exc()}
    try:
        print("\n" + json.dumps(result), flush=True)
    except BrokenPipeError:  # the worker is gone (a stopped grid): nobody reads the record
        os._exit(1)


def _run_isolated(config_dict: dict) -> dict | None:
    """Run one configuration in a fresh Python process and return its record, so that its peak
    memory is not hidden by memory an earlier run left to the allocator, and CUDA and thread
    pools start clean. The process inherits the worker's environment (its one thread per
    library, its GPU, ``XMLSTUDY_DATA_DIR``). None when the grid was stopped meanwhile."""
    finished = run_process([sys.executable, "-c", _CHILD], json.dumps(config_dict))
    if finished is None:
        return None  # ended by stop_runs: the grid that wanted this record was stopped
    returncode, stdout = finished
    lines = stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        raise RuntimeError(f"the process of this run exited with status {returncode} "
                           "without a record (killed, e.g. for lack of memory?)") from None
    if "error" in result:
        raise RuntimeError(f"the run failed in its process:\n{result['error']}")
    return result["record"]


def _task(config_dict: dict, isolate: bool) -> dict:
    """What a worker runs: one configuration -> its record (the submitting process writes it)."""
    if isolate:
        return _run_isolated(config_dict)
    return run(RunConfig.from_dict(config_dict))


@dataclass
class GridReport:
    """What a grid run did: configurations in all, skipped (already recorded), run, and the
    failures (configuration label -> traceback)."""

    total: int
    skipped: int
    ran: int
    failures: dict = field(default_factory=dict)  # config label -> traceback

    @property
    def ok(self) -> bool:
        return not self.failures


# Seconds to connect to a scheduler that accepted the probe's TCP connection (Dask's own 30 s
# would look like a hang).
CONNECT_TIMEOUT_S = 10


@contextlib.contextmanager
def _client(jobs: int, scheduler: str | None):
    """A Dask client of the cluster at ``scheduler``, or of a new ``LocalCluster`` of ``jobs``
    single-threaded worker processes (closed with the client)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except OSError as err:  # something listens there, but not a Dask scheduler
            raise SchedulerError(f"no Dask scheduler answered at {scheduler} within "
                                 f"{CONNECT_TIMEOUT_S} s ({err}); is it the address 'dask "
                                 f"scheduler' printed?") from None
        with client:
            yield client
        return
    # memory_limit=0: no memory limit per worker, so a run may use the whole machine, as a run
    # outside Dask may. The nanny starts each worker with OMP/MKL/OPENBLAS_NUM_THREADS=1.
    with children_ignore_sigint():  # Ctrl-C stops the grid through this process alone
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, memory_limit=0)
    with cluster, Client(cluster) as client:
        yield client


def run_grid(configs: Iterable[RunConfig], jobs: int = 1, results_dir: str | Path | None = None,
             progress: bool = True, isolate: bool = True,
             scheduler: str | None = None) -> GridReport:
    """Run every configuration whose record does not exist yet as a task on a Dask cluster, and
    write each record (atomically, in this process only) as its task completes.

    The cluster is the scheduler at ``scheduler`` (default: the environment variable
    ``XMLSTUDY_SCHEDULER``), e.g. one started by ``dask scheduler`` / ``dask worker`` or by
    dask-jobqueue, or else a ``LocalCluster`` of ``jobs`` worker processes with one thread each.
    When some worker of the cluster offers a ``GPU`` resource, configurations that can use a GPU
    ask for one, so that they run there; ``device="auto"`` then picks the GPU on the worker.

    A failing configuration (an exception, or a worker that died too often on it) is logged with
    its traceback and the grid goes on; the report lists the failures. A worker that dies is
    replaced by Dask and its task run again elsewhere. With ``isolate`` (the default) the worker
    runs each configuration in a fresh Python process, so peak memory is measured per run;
    ``isolate=False`` runs it in the worker process itself. A script that calls this on a
    ``LocalCluster`` does so under ``if __name__ == "__main__":``, since Dask's worker processes
    import the main module.

    A scheduler address that does not parse or where nothing listens raises
    :class:`~xmlstudy.cluster.SchedulerError` before anything runs. SIGINT (Ctrl-C) or SIGTERM
    stops the grid between two records: the records of finished runs are written, the other
    tasks are cancelled and :class:`~xmlstudy.cluster.GridInterrupted` is raised with the report
    so far; running the grid again resumes it."""
    from distributed import wait
    from tqdm import tqdm

    configs = [c.validate() for c in configs]
    todo: dict[str, RunConfig] = {}
    for c in configs:
        path = results_file(c.paper, c.experiment, c.profile, results_dir)
        if not records.contains(path, c.config_hash):
            todo[c.config_hash] = c  # a configuration listed twice runs once
    report = GridReport(total=len(configs), skipped=len(configs) - len(todo), ran=0)
    if not todo:
        return report

    source = "scheduler" if scheduler else f"${SCHEDULER_ENV}"
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        check_scheduler(scheduler, source)
    with stop_requests() as stop, _client(jobs, scheduler) as client:
        if scheduler:
            log.info("waiting for a worker of the scheduler at %s (start one with 'dask worker "
                     "%s')", scheduler, scheduler)
            while not stop and not client.scheduler_info()["workers"]:
                with contextlib.suppress(TimeoutError):
                    client.wait_for_workers(1, timeout=2)
        gpu_cluster = any((w.get("resources") or {}).get("GPU")
                          for w in client.scheduler_info()["workers"].values())
        if progress:
            print(f"Dask dashboard: {client.dashboard_link}", file=sys.stderr)
        futures = {}
        for h, c in todo.items():
            gpu = gpu_cluster and uses_gpu(c)
            fut = client.submit(_task, c.to_dict(), isolate, key=f"{c.method}-{h}", pure=False,
                                resources={"GPU": 1} if gpu else None)
            futures[fut] = c
        # Only progress=False passes disable, so that TQDM_DISABLE=1 silences the bar otherwise.
        bar = tqdm(total=len(futures), desc="runs", **({} if progress else {"disable": True}))
        pending = set(futures)
        while pending and not stop:
            try:
                done, pending = wait(pending, timeout=2, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished: refresh the count of running tasks
                done = set()
            for fut in done:
                _finished(fut, futures[fut], report, results_dir)
                bar.update(1)
            bar.set_postfix_str(f"running {_running(client, [f.key for f in pending])}, "
                                f"failed {len(report.failures)}")
        bar.close()
        if stop:  # drop the tasks left, and end the runs in progress (Dask cannot stop a thread)
            client.cancel(list(pending))
            with contextlib.suppress(Exception):  # a worker that is gone has nothing to stop
                client.run(stop_runs, [f.key for f in pending])
            if not scheduler:  # other clients' tasks may keep a shared cluster's workers busy
                wait_until_idle(client)
    if stop:
        raise GridInterrupted(stop[0], report, not_run=len(todo) - report.ran)
    return report


def _running(client, keys: list) -> int:
    """How many of the tasks ``keys`` the workers are executing (as of their last heartbeat);
    the scheduler's "processing" also counts tasks queued on a worker."""
    def count(dask_scheduler, keys):  # nested: sent by value, the scheduler need not import us
        keys = set(keys)
        return sum(ts.key in keys for ws in dask_scheduler.workers.values() for ts in ws.executing)

    return client.run_on_scheduler(count, keys=keys)


def _finished(fut, config: RunConfig, report: GridReport, results_dir) -> None:
    """Write the record of a completed task, or report its failure."""
    report.ran += 1
    if fut.status == "finished":
        append_record(fut.result(), results_file(config.paper, config.experiment,
                                                 config.profile, results_dir))
    else:
        try:
            exc = fut.exception()
            tb = "".join(traceback.format_exception(type(exc), exc, fut.traceback()))
        except Exception as e:  # noqa: BLE001 - e.g. cancelled when the scheduler went away
            tb = f"{type(e).__name__}: {e}"
        report.failures[config.label()] = tb
        log.error("FAILED %s\n%s", config.label(), tb)
    fut.release()
