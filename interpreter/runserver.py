"""The run server and its workers: the far side of `sandbox.py`.

    python -m reasmory.interpreter.runserver FD

The server is a fresh Python process that imports the interpreter once and
then forks one worker per request on the control socket FD; the request
carries the socket the worker will serve. Forking this process is safe where
forking the caller is not: it has no threads, no torch thread pools, no GPU
state and none of the caller's open files, and no main module is re-run.

A worker takes in a memory and its memory cap, caps its data segment
(RLIMIT_DATA: heap and anonymous mappings) at what it holds plus the cap, and
answers run requests until its socket closes: for each, it first does the
one-time preparation the program needs (for renders: loading torch and
gathering the memory's points) and says it has started, so the caller's
deadline counts the program's own work, as an in-process run's budget does. The caller kills it by pid at
the deadline; the server reaps it.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import struct
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

PID = struct.Struct("<q")


def status_mb(pid: int | str, field: str) -> float:
    """A size from /proc/PID/status in MB (0 when it cannot be read)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cap_memory(cap_mb: int) -> None:
    """Cap the data segment at what the worker holds now plus `cap_mb`: an allocation past it is a MemoryError here.

    A library's BLAS loaded later (scipy's) starts one thread, not one per core: under a tight cap, allocating the
    buffers of many threads fails and OpenBLAS retries until the deadline instead of failing."""
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    held = status_mb("self", "VmData")
    if held:
        limit = int((held + cap_mb) * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def serve(conn: Connection, held: object = None) -> None:
    """A worker's loop: take the memory (None: the one `held`, forked with it) and cap, then answer run requests until
    the socket closes."""
    sent, cap_mb = conn.recv()
    memory = held if sent is None else sent
    cap_memory(cap_mb)
    conn.send(("ready", _peak_mb()))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        _warm(request[0], memory)
        conn.send(("started",))
        reply = one_run(memory, *request)
        conn.send(reply)
        if reply[0] == "memory-cap":
            return


def _warm(source: str, memory: object) -> None:
    """One-time preparation before the program's clock starts, as an in-process run leaves it out of the budget:
    for a program that renders, load the renderer (torch) and gather the memory's points (kept for the next runs)."""
    from reasmory.interpreter import REGISTRY

    if any(op.renders and f"{op.name}(" in source for op in REGISTRY):
        from reasmory.memory.render.cloud import render_cloud

        with contextlib.suppress(Exception):  # what fails here fails again in the run, which reports it
            render_cloud(memory)


def one_run(memory: object, source: str, options: list[str] | None, limits: object, artifacts_dir: str | None,
            question: str | None, cwd: str) -> tuple:
    """One program, its outcome as plain data: ok, a language error, a Reasmory error, the memory cap, or a bug.

    It runs in the caller's working folder, so a relative artifacts folder and the paths recorded in the trace are
    exactly those of an in-process run."""
    from reasmory.errors import ReasmoryError
    from reasmory.interpreter import LanguageError, RunError, run
    from reasmory.interpreter.sandbox import pack

    with contextlib.suppress(OSError):
        os.chdir(cwd)
    try:
        result = run(source, memory, options, limits=limits, artifacts_dir=artifacts_dir, question=question)  # type: ignore[arg-type]
        return "ok", _peak_mb(), result.answer, pack(result.value), result.trace, result.warnings
    except LanguageError as exc:
        return "language", _peak_mb(), type(exc).__name__, exc.diagnostics, exc.source, exc.trace if isinstance(exc, RunError) else None
    except ReasmoryError as exc:
        return "error", _peak_mb(), type(exc), exc.message, exc.hint, exc.exit_code
    except MemoryError:
        return "memory-cap", _peak_mb()
    except Exception as exc:  # noqa: BLE001 — a bug: reported as data, the worker lives on
        if isinstance(exc, RuntimeError) and "alloc" in str(exc).lower():  # torch's allocator under the cap
            return "memory-cap", _peak_mb()
        where = traceback.extract_tb(exc.__traceback__)[-1:]
        at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
        return "bug", _peak_mb(), source, f"the run failed: {type(exc).__name__}: {exc}{at}"


def worker(fd: int, held: object = None) -> None:
    """A forked worker's whole life: serve the socket `fd`, then exit without running the parent's exit handlers."""
    code = 0
    try:
        serve(Connection(fd), held)
    except BaseException:  # noqa: BLE001 — nothing to report to: the caller sees the socket close
        code = 1
    os._exit(code)


_WORKERS: set[int] = set()


def _reap(*_: object) -> None:
    """Collect every finished worker (their resource use then counts toward this process's children)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _WORKERS.discard(pid)


def _stop(pid: int) -> float:
    """Kill a worker of ours that is not yet collected (so its pid is still its own); the MB it reached."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})  # not collected between the check and the kill
    try:
        if pid not in _WORKERS:
            return 0.0
        peak = status_mb(pid, "VmHWM")
        os.kill(pid, signal.SIGKILL)
        return peak
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})


def _import_what_operations_load_late() -> None:
    """The libraries operations import on first use (areas, KD-trees), imported here before any worker is capped:
    loading a large extension under a worker's data cap crawls until the deadline instead of failing."""
    from scipy import ndimage  # noqa: F401
    from scipy.spatial import cKDTree  # noqa: F401


def main(control_fd: int) -> None:
    """Serve the control socket: b"w" with a socket forks a worker (reply: its pid), b"k"+pid kills one (reply: its peak MB)."""
    import reasmory.interpreter  # noqa: F401  (what every worker needs, imported once here)
    import reasmory.interpreter.sandbox  # noqa: F401

    _import_what_operations_load_late()

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the caller, which then closes its workers
    signal.signal(signal.SIGCHLD, _reap)
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            break
        if message[:1] == b"k":
            for fd in fds:
                os.close(fd)
            control.sendall(PID.pack(int(_stop(PID.unpack(message[1:9])[0]) * 1024)))
            continue
        if message[:1] != b"w" or not fds:
            break
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            worker(fds[0])
        os.close(fds[0])
        _WORKERS.add(pid)
        control.sendall(PID.pack(pid))
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for pid in list(_WORKERS):
        _stop(pid)
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main(int(sys.argv[1]))
