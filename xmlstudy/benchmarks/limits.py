"""One measured run in a fresh Python process, under a time limit and a memory limit.

A benchmark that asks how far a method scales must let the method fail: run out of time, run out
of memory, or stop with an error (an ``L x L`` matrix at a million labels), and record what it
reached and why, instead of crashing itself. :func:`run_limited` starts
``python -c "from <module> import <function>; <function>(spec_path)"``, and

* gives it ``timeout_s`` seconds of wall time from its start (imports and loading included),
  then kills it (reason ``"timeout"``);
* watches its resident memory every 0.2 s and kills it above ``memory_bytes`` (reason
  ``"memory"``); on the CPU the child also caps its own address space at ``memory_bytes``
  (:func:`limit_address_space`, ``RLIMIT_AS``), so that an allocation beyond it fails at once as a
  ``MemoryError`` the child can report. CUDA reserves far more address space than it uses, so a
  child that runs on a GPU relies on the watch only;
* keeps the highest resident memory it saw, so a killed run still says how much it had taken.
  (The kernel's ``ru_maxrss`` of the child cannot serve: Linux carries the parent's resident size
  at the fork over the ``exec`` into it.) A child that finishes reports its own exact peak
  (``process_peak_rss_mb``, from ``VmHWM``), which is used instead when higher.

The child writes its result as JSON to ``spec["result_path"]`` and, as it goes, the phase it is
in to ``spec["progress_path"]`` (:func:`write_json`), so the record of a killed run says whether it
died fitting or predicting. :func:`reset_peak_rss` and :func:`peak_rss_mb` measure, inside the
child, the peak of a block alone (Linux's ``clear_refs`` resets the high-water mark).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

# Messages by which allocators say they ran out: Python and numpy, torch's CPU and CUDA
# allocators, C++, Rust (omikuji), glibc, and the loader (a library imported under the cap).
MEMORY_MESSAGES = re.compile(r"MemoryError|out of memory|can't allocate|cannot allocate|bad_alloc|"
                             r"memory allocation of \d+ bytes failed|Unable to allocate|"
                             r"failed to map segment", re.I)
POLL_S = 0.2


def add_limit_arguments(parser, name: str, run: str, timeout: float) -> None:
    """The options every limited benchmark takes: how long and how much memory one ``run`` may
    take, and where its records go (``<dir>/benchmark/<name>.jsonl``)."""
    parser.add_argument("--timeout", type=float, default=timeout,
                        help=f"seconds one {run} may take (default {timeout:g})")
    parser.add_argument("--memory-gb", type=float, default=20.0,
                        help=f"memory one {run} may take, GiB (default 20)")
    parser.add_argument("--results-dir", type=Path,
                        default=Path(__file__).resolve().parents[2] / "results",
                        help=f"records go to <dir>/benchmark/{name}.jsonl (default results/)")


def write_json(path: str | Path, obj) -> None:
    """Write ``obj`` as JSON to ``path`` atomically (a reader sees the old or the new file)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj))
    os.replace(tmp, path)


def read_json(path: str | Path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError):
        return None


# --- inside the child ---------------------------------------------------------------------------
def limit_address_space(memory_bytes: int) -> None:
    """Cap this process's address space, so that an allocation beyond it raises MemoryError."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (int(memory_bytes), int(memory_bytes)))


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss() -> tuple[float, str]:
    """Reset the process's peak resident memory to its current value; return that value (MB) and
    how peaks will be measured. Where the kernel does not allow the reset, the peak is the
    lifetime peak (``getrusage``), which may include what came before the block. (Read
    :func:`peak_rss_mb` first to keep the peak before the reset.)"""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return _status_kb("VmRSS") / 1024, "VmHWM after clear_refs (the block's own peak)"
    except (OSError, TypeError):
        import resource

        return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "ru_maxrss (the process's lifetime peak)")


def peak_rss_mb() -> float:
    """The peak resident memory (MB) since :func:`reset_peak_rss` (or since the start)."""
    kb = _status_kb("VmHWM")
    if kb is None:
        import resource

        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024


def failure_kind(exc: BaseException) -> str:
    """``"memory"`` for an exception that says an allocation failed, else ``"error"``."""
    return "memory" if isinstance(exc, MemoryError) or MEMORY_MESSAGES.search(
        f"{type(exc).__name__}: {exc}") else "error"


def exit_with_parent() -> None:
    """End this process when its parent is gone (a killed benchmark must not leave a run
    computing for nobody)."""
    parent = os.getppid()
    # Linux: the kernel kills this process when its parent dies, whatever it is computing (the
    # watching thread below can wait long on a C call that holds the interpreter).
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:   # the parent died before the request was in place
            os._exit(1)
    except (OSError, AttributeError):
        pass

    def watch():
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


# --- in the parent --------------------------------------------------------------------------------
REPO_ROOT = Path(__file__).resolve().parents[2]


def child_env() -> dict:
    """This process's environment (its thread counts, data folders) with this checkout first on
    the path, so that the child imports the same xmlstudy."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


# A benchmark is quiet when the rest of the machine used less than this many cores on average
# while it ran (background daemons, the shell).
QUIET_CORES = 0.2


def snapshot() -> dict:
    """What :func:`load_note` needs from the start or the end of a run: the load averages, the
    machine's busy CPU seconds (all processes) and this process's own CPU seconds, its waited-for
    children included."""
    import psutil

    t, own = time.monotonic(), os.times()
    cpu = psutil.cpu_times()
    busy = sum(cpu) - cpu.idle - getattr(cpu, "iowait", 0.0)
    return {"time": t, "load": list(os.getloadavg()), "busy_s": busy,
            "own_s": own.user + own.system + own.children_user + own.children_system}


# The machine at the start of this benchmark command (set by ``python -m xmlstudy bench``), for
# the benchmarks whose records cover their whole run rather than one limited child each.
RUN_START: dict | None = None


def since_start() -> dict:
    """:func:`load_note` from the start of this benchmark command to now (empty when the
    benchmark was not started through ``python -m xmlstudy bench``)."""
    return {} if RUN_START is None else load_note(RUN_START, snapshot())


def load_note(before: dict, after: dict) -> dict:
    """The load averages around a run, the cores that other processes used during it, and
    whether anything else ran. Other processes' use is the machine's busy CPU time less this
    process tree's own, over the run's wall time. The 1-minute load average is not used for the
    decision: it decays over minutes, so a run that follows another would read its
    predecessor's load as company. The child must have been waited for before ``after``."""
    wall = max(after["time"] - before["time"], 1e-9)
    others = max(0.0, (after["busy_s"] - before["busy_s"]) - (after["own_s"] - before["own_s"]))
    cores = others / wall
    return {"load_average": {"before": before["load"], "after": after["load"]},
            "others_cpu_cores": round(cores, 3),
            "others_running": bool(cores > QUIET_CORES)}


def _rss_bytes(pid: int) -> int:
    """Resident memory of the process ``pid`` and its children (0 when it is gone)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total
    except psutil.Error:
        return 0


def _kill(proc: subprocess.Popen) -> None:
    """Kill the child and anything it started (it leads its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_limited(entry: str, spec: dict, workdir: str | Path, *, timeout_s: float,
                memory_bytes: int, env: dict | None = None) -> dict:
    """Run ``entry`` (``"package.module:function"``) in a fresh process on ``spec`` and return
    what happened: ``status`` (``"ok"``, ``"error"``, ``"memory"``, ``"timeout"``), ``reason``
    (None when ok), ``result`` (the child's JSON, or None), ``progress`` (its last phase),
    ``elapsed_s``, ``peak_rss_mb`` (the whole process's peak: sampled, or the child's own
    ``process_peak_rss_mb``), ``returncode`` and ``stderr_tail``."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    spec = {**spec, "result_path": str(workdir / "result.json"),
            "progress_path": str(workdir / "progress.json"), "memory_bytes": int(memory_bytes)}
    for name in ("result_path", "progress_path"):
        Path(spec[name]).unlink(missing_ok=True)
    spec_path = workdir / "spec.json"
    write_json(spec_path, spec)
    module, function = entry.split(":")
    code = f"import sys; from {module} import {function}; {function}(sys.argv[1])"
    log_path = workdir / "output.log"
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, str(spec_path)], stdout=log,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
        killed_for, watched_peak = None, 0
        while True:
            pid, status = os.waitpid(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - start
            rss = _rss_bytes(proc.pid)
            watched_peak = max(watched_peak, rss)
            if killed_for is None and elapsed > timeout_s:
                killed_for = "timeout"
            elif killed_for is None and rss > memory_bytes:
                killed_for = "memory"
            if killed_for:
                _kill(proc)
                pid, status = os.waitpid(proc.pid, 0)
                break
            time.sleep(POLL_S)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = log_path.read_text(errors="replace")[-3000:]
    result, progress = read_json(spec["result_path"]), read_json(spec["progress_path"])
    out = {"result": result, "progress": progress, "elapsed_s": elapsed,
           "peak_rss_mb": max((result or {}).get("process_peak_rss_mb") or 0, watched_peak / 2**20),
           "returncode": proc.returncode, "stderr_tail": tail}
    gb = memory_bytes / 2**30
    if result is not None:
        # The child wrote its result before any kill: its work ended inside the limits (a kill
        # can still land while the interpreter shuts down).
        out.update(status=result.get("status", "error"), reason=result.get("reason"))
    elif killed_for == "timeout":
        out.update(status="timeout", reason=f"killed after the time limit of {timeout_s:g} s")
    elif killed_for == "memory":
        out.update(status="memory", reason=f"killed above the memory limit of {gb:g} GiB "
                                           "(resident memory, watched every 0.2 s)")
    elif proc.returncode < 0:
        name = signal.Signals(-proc.returncode).name
        memory = proc.returncode == -signal.SIGKILL or MEMORY_MESSAGES.search(tail)
        out.update(status="memory" if memory else "error",
                   reason=f"the process died of {name} without a result"
                          + (" (an allocation failed, or the system's out-of-memory killer)"
                             if memory else ""))
    else:
        out.update(status="error", reason=f"the process exited with status {proc.returncode} "
                                          f"without a result: {tail[-500:].strip()}")
    return out
