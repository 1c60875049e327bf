"""Where a grid runs and how it stops: a Dask scheduler's address, checked before anything
runs, and Ctrl-C / SIGTERM turned into an orderly stop.

A scheduler address that does not parse, or where nothing listens, would otherwise surface as a
traceback from deep inside Dask after its 30-second connection timeout;
:func:`check_scheduler` says what is wrong in one line within a few seconds. A signal that
arrives while a grid runs would otherwise interrupt whatever line the submitting process was
executing, and Ctrl-C would also reach every worker of a local cluster and every run they
started, each stopping with a traceback of its own. Instead :func:`stop_requests` records the
signal, so that the grid runner finishes writing the record in hand, cancels the tasks left,
ends the runs in progress on the workers (:func:`stop_runs`, for the processes started by
:func:`run_process`) and raises :class:`GridInterrupted`; a local cluster's processes ignore
SIGINT (:func:`children_ignore_sigint`).
"""
from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import threading
import time

# Dask's protocols that run over TCP (the probe opens a TCP connection), and UCX (not probed).
TCP_PROTOCOLS = ("tcp", "tls", "ws", "wss")
PROTOCOLS = TCP_PROTOCOLS + ("ucx",)
PROBE_TIMEOUT_S = 3.0
# PROTOCOL://HOST:PORT, the protocol optional, an IPv6 host in brackets ([::1]).
_ADDRESS = re.compile(r"(?:(?P<protocol>[A-Za-z]+)://)?"
                      r"(?P<host>\[[^\]]*\]|[^:/\s\[\]]+):(?P<port>[^/\s]*)/?")


class SchedulerError(ValueError):
    """A scheduler address that does not parse, or where no Dask scheduler answers."""


def _how_to_start(address: str, port: int | str, source: str) -> str:
    if source.startswith("$"):
        drop = f"unset {source[1:]}"
    else:
        drop = f"leave out {source}" + ("" if source.startswith("--") else "=")
    return (f"start a scheduler there with 'dask scheduler --port {port}' and workers with "
            f"'dask worker {address}', or {drop} to run on a local cluster of this machine")


def parse_address(address: str, source: str = "scheduler") -> tuple[str, str, int]:
    """``(protocol, host, port)`` of a scheduler address such as ``tcp://10.0.0.5:8786``
    (protocol ``tcp`` when left out); ``source`` names where the address came from."""
    match = _ADDRESS.fullmatch(address.strip()) if isinstance(address, str) else None
    example = "e.g. tcp://127.0.0.1:8786 (the port 'dask scheduler' prints)"
    if match is None:
        raise SchedulerError(f"{source} {address!r} is not a scheduler address PROTOCOL://HOST:PORT, "
                             f"{example}")
    protocol = (match["protocol"] or "tcp").lower()
    if protocol not in PROTOCOLS:
        raise SchedulerError(f"{source} {address!r}: unknown protocol {protocol!r}; one of "
                             f"{', '.join(PROTOCOLS)}, {example}")
    port = match["port"]
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise SchedulerError(f"{source} {address!r}: the port {port!r} is not a number in 1..65535, "
                             f"{example}")
    return protocol, match["host"].strip("[]"), int(port)


def check_scheduler(address: str, source: str = "scheduler",
                    timeout: float = PROBE_TIMEOUT_S) -> None:
    """Raise :class:`SchedulerError` when ``address`` does not parse or, for a TCP-based
    protocol, nothing accepts a connection there within ``timeout`` seconds."""
    protocol, host, port = parse_address(address, source)
    if protocol not in TCP_PROTOCOLS:
        return
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except socket.gaierror as err:
        raise SchedulerError(f"{source} {address!r}: the host {host!r} is not known ({err.strerror}); "
                             f"{_how_to_start(address, port, source)}") from None
    except OSError as err:
        reason = "no answer within {:g} s".format(timeout) if isinstance(err, TimeoutError) \
            else (err.strerror or str(err)).lower()
        raise SchedulerError(f"no Dask scheduler at {address} ({source}): {reason}; "
                             f"{_how_to_start(address, port, source)}") from None


class GridInterrupted(KeyboardInterrupt):
    """A grid stopped by SIGINT (Ctrl-C) or SIGTERM. The records of the configurations that
    finished are written; ``report`` (a :class:`xmlstudy.runner.GridReport`) counts them,
    ``not_run`` the configurations left. Running the grid again resumes it. A subclass of
    KeyboardInterrupt, so that ``except Exception`` does not swallow it."""

    def __init__(self, signum: int, report, not_run: int):
        self.signum, self.report, self.not_run = signum, report, not_run
        self.signal_name = signal.Signals(signum).name
        super().__init__(f"{self.signal_name}: {report.ran} configurations finished, {not_run} not run")

    @property
    def exit_code(self) -> int:
        """What a shell reports for a process the signal ended: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_requests():
    """Within the block, SIGINT and SIGTERM only append their number to the yielded list (the
    caller checks it between steps); a second one raises KeyboardInterrupt at once, for a user
    who will not wait for the orderly stop. The previous handlers come back after the block.
    Outside the main thread, where Python cannot set handlers, the list stays empty and signals
    act as before."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def request_stop(signum, frame):  # noqa: ARG001 - the signature signal.signal requires
        received.append(signum)
        if len(received) > 1:
            raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {s: signal.signal(s, request_stop) for s in STOP_SIGNALS}
    try:
        yield received
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def children_ignore_sigint():
    """Processes started within the block (a local cluster's workers, and the processes they
    start in turn) ignore SIGINT: Ctrl-C reaches every process of the terminal's process group,
    and each would stop with a traceback of its own, while the submitting process alone should
    decide what stops. An ignored signal stays ignored across fork and exec, and Python then
    installs no KeyboardInterrupt handler. A Ctrl-C while the block runs (the cluster starting,
    seconds) is lost."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# --- on a worker: the processes that run a grid's tasks -----------------------------------------
# The process running each task, by task key, so that a stopped grid can end its runs at once
# (a task's thread cannot be cancelled, and a run may take an hour); and the keys stopped so.
_RUNS: dict[str, subprocess.Popen] = {}
_STOPPED: set[str] = set()


def _current_task() -> str | None:
    try:
        from distributed import get_worker

        return get_worker().get_current_task()
    except (ImportError, ValueError):  # not inside a Dask task
        return None


def run_process(args: list[str], stdin: str) -> tuple[int, str] | None:
    """Run the command ``args`` with ``stdin``: ``(exit status, stdout)``, or None when
    :func:`stop_runs` ended it because the grid was stopped."""
    key = _current_task()
    if key in _STOPPED:  # the grid stopped before this task began
        _STOPPED.discard(key)
        return None
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if key is not None:
        _RUNS[key] = proc
    try:
        stdout, _ = proc.communicate(stdin)
    finally:
        _RUNS.pop(key, None)
    if key in _STOPPED:
        _STOPPED.discard(key)
        return None
    return proc.returncode, stdout


def stop_runs(keys: list[str]) -> int:
    """On this worker (sent to every worker with ``Client.run``): kill the processes running
    the tasks ``keys``, and let none of them start a process later (a task the worker took up
    before it heard of the cancellation); return how many were running. Tasks of other clients
    are left alone."""
    stopped = 0
    for key in keys:
        proc = _RUNS.get(key)
        if proc is not None and proc.poll() is None:
            proc.kill()
            stopped += 1
        _STOPPED.add(key)
    return stopped


def _executing(dask_worker) -> int:
    return len(dask_worker.state.executing)


def wait_until_idle(client, timeout: float = 10.0) -> bool:
    """Wait, at most ``timeout`` seconds, until no worker of ``client``'s cluster executes a
    task (a stopped run's task returns once its process is killed), so that closing a local
    cluster finds its workers idle instead of killing them mid-task. Whether they are idle."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if not any(client.run(_executing).values()):
                return True
        except Exception:  # noqa: BLE001 - a worker gone: nothing to wait for there
            return False
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
