"""Isolated runs: a program runs in a worker process that is killed at its deadline and cannot grow past its memory cap.

An in-process run stops at its time budget between calls, but one long
computation inside a call (sorting millions of pairs, filling a huge grid)
cannot be interrupted from inside. A `Sandbox` runs programs in a worker
process instead: the caller waits for the time budget plus a grace period,
then has the worker killed; the worker's data segment is capped at what it
holds once the memory is in, plus `Limits.max_memory_mb`, so an allocation
past it fails in the worker as a MemoryError, never in the caller.

Workers are forked by a run server (`runserver.py`), a fresh Python process
started once per caller process: forking it is safe where forking the caller
(which may have run torch or CUDA, or hold other threads' locks) is not, and
unlike multiprocessing's spawn and forkserver it never re-runs the caller's
main module. A worker receives the memory once and runs any number of
programs on it; one that is killed or runs out of memory is replaced on the
next run. A caller that is itself a fresh, single-threaded process with no
torch loaded (the command line's `reasmory run`) may ask for its workers to be
forked from itself (`Sandbox(fork_here=True)`): no second Python starts and
imports the interpreter, and the worker starts holding the memory instead of
receiving a copy. Where processes cannot be forked (not Linux), programs run
in-process under the cooperative limits.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from reasmory.errors import ReasmoryError
from reasmory.interpreter.ast import Program
from reasmory.interpreter.context import Limits
from reasmory.interpreter.errors import CheckError, Diagnostic, LanguageError, ParseError, RunError
from reasmory.interpreter.executor import RunResult
from reasmory.interpreter.runserver import PID, status_mb, worker
from reasmory.interpreter.trace import Trace
from reasmory.interpreter.values import ObjectSet
from reasmory.memory import SpatialMemory
from reasmory.memory.model import ObjectInstance

#: Seconds a worker may run past its time budget (its own cooperative stop) before it is killed.
GRACE_S = 2.0
#: Seconds a new worker may take to start and take in its memory, or to import what a program needs (torch for renders).
START_TIMEOUT_S = 300.0
_LANGUAGE_ERRORS: dict[str, type[LanguageError]] = {"ParseError": ParseError, "CheckError": CheckError, "RunError": RunError}


def isolation_available() -> bool:
    """Whether runs can go to killable, capped workers here (Linux: fork, RLIMIT_DATA, /proc)."""
    return sys.platform.startswith("linux") and os.environ.get("REASMORY_ISOLATE", "1") != "0"


class _Ref:
    """An object instance sent by id: the caller holds the same memory. (Plain classes, these two: as dataclasses
    they took 0.7 ms of every `reasmory run` to create, for what only pickling reads.)"""

    __slots__ = ("id",)

    def __init__(self, id: int) -> None:
        self.id = id


class _SetRef:
    """An object set sent by its label and ids."""

    __slots__ = ("label", "ids")

    def __init__(self, label: str, ids: tuple[int, ...]) -> None:
        self.label, self.ids = label, ids


def pack(value: Any) -> Any:
    """A run-time value to send back: memory objects by id (the caller holds the same memory)."""
    if isinstance(value, ObjectInstance):
        return _Ref(value.id)
    if isinstance(value, ObjectSet):
        return _SetRef(value.label, tuple(o.id for o in value.objects))
    if isinstance(value, tuple):
        return tuple(pack(v) for v in value)
    return value


def _unpack(value: Any, memory: SpatialMemory) -> Any:
    if isinstance(value, _Ref):
        return memory.get(value.id)
    if isinstance(value, _SetRef):
        return ObjectSet(value.label, tuple(memory.get(i) for i in value.ids))
    if isinstance(value, tuple):
        return tuple(_unpack(v, memory) for v in value)
    return value


class _Server:
    """This process's run server: forks workers on request and kills them by pid."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen([sys.executable, "-m", "reasmory.interpreter.runserver", str(theirs.fileno())],
                                        pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env=env)
        theirs.close()
        self.control = ours
        self.pid = os.getpid()
        self.lock = threading.Lock()
        atexit.register(self.close)

    def close(self) -> None:
        """Stop the server (it kills its workers) and collect it, so no process outlives the caller."""
        if self.pid != os.getpid():
            return
        self.control.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def fork(self) -> tuple[int, Connection]:
        """A new worker and the connection to it."""
        ours, theirs = socket.socketpair()
        with self.lock:
            socket.send_fds(self.control, [b"w"], [theirs.fileno()])
            theirs.close()
            pid = PID.unpack(self._read())[0]
        return pid, Connection(ours.detach())

    def kill(self, pid: int) -> float:
        """Kill a worker; the MB it had reached."""
        with self.lock:
            self.control.sendall(b"k" + PID.pack(pid))
            return PID.unpack(self._read())[0] / 1024

    def _read(self) -> bytes:
        data = b""
        while len(data) < PID.size:
            chunk = self.control.recv(PID.size - len(data))
            if not chunk:
                raise ReasmoryError("the run server stopped", hint="check free memory; rerun the command")
            data += chunk
        return data


_SERVER: _Server | None = None
_SERVER_LOCK = threading.Lock()


def _server() -> _Server:
    """The run server of this process, started on first use (and again in a forked child)."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None or _SERVER.pid != os.getpid() or _SERVER.process.poll() is not None:
            _SERVER = _Server()
        return _SERVER


class _Here:
    """Forks workers from this very process, for a caller where that is safe (`safe_to_fork_here`)."""

    def __init__(self, memory: SpatialMemory) -> None:
        self.memory = memory

    def fork(self) -> tuple[int, Connection]:
        """A worker holding `memory` (copy-on-write) and the connection to it."""
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            worker(theirs.detach(), self.memory)
        theirs.close()
        return pid, Connection(ours.detach())


def safe_to_fork_here() -> bool:
    """Whether forking this process is as safe as forking the run server: no other thread (whose locks the child
    would inherit held) and no torch (whose thread pools and GPU state do not survive a fork)."""
    return threading.active_count() == 1 and "torch" not in sys.modules


def prepare() -> None:
    """Start the run server now, so it boots while the caller does other work (loading a memory, asking a VLM)."""
    if isolation_available():
        _server()


class Sandbox:
    """Runs programs in a worker holding one memory; a new memory (or memory cap) starts a new worker."""

    def __init__(self, grace_s: float = GRACE_S, *, fork_here: bool = False) -> None:
        """`fork_here`: fork workers from this process when `safe_to_fork_here()` (else from the run server)."""
        self.grace_s = grace_s
        self.fork_here = fork_here
        self.peak_mb = 0.0
        self.started_at = 0.0
        self._pid: int | None = None
        self._conn: Connection | None = None
        self._memory: SpatialMemory | None = None
        self._here: _Here | None = None
        self._cap_mb: int | None = None
        self._finalizer: weakref.finalize | None = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, source: str | Program, memory: SpatialMemory, options: list[str] | None = None, *,
            limits: Limits | None = None, artifacts_dir: str | Path | None = None, question: str | None = None) -> RunResult:
        """As `reasmory.interpreter.run`, in the worker: raises the same errors, and RunError when the worker is stopped."""
        from reasmory.interpreter import run

        limits = limits or Limits()
        if not isolation_available():
            return run(source, memory, options, limits=limits, artifacts_dir=artifacts_dir, question=question)
        conn = self._worker(memory, limits)
        text = source.source if isinstance(source, Program) else source
        folder = None if artifacts_dir is None else str(artifacts_dir)
        request = (text, options, limits, folder, question, os.getcwd())  # relative paths mean what they mean here
        try:
            conn.send(request)
        except OSError:  # the kept worker died between runs (killed from outside, by the OOM killer…): start another
            self.close()
            conn = self._worker(memory, limits)
            conn.send(request)
        if not (conn.poll(START_TIMEOUT_S) and self._started(conn)) or not conn.poll(limits.time_budget_s + self.grace_s):
            self._stop()
            raise _stopped(text, "time-budget", f"the program ran past its time budget of {limits.time_budget_s:g} s and was stopped",
                           "simplify the program, or raise Limits.time_budget_s")
        try:
            reply = conn.recv()
        except (EOFError, OSError):
            self._stop()
            raise _stopped(text, "worker-died", "the run's worker process died",
                           "this is a bug in Reasmory; please report it with the program") from None
        kind, peak, *rest = reply
        self.peak_mb = max(self.peak_mb, peak)
        if kind == "memory-cap":
            self._stop()
            raise _stopped(text, "memory-cap", f"the program needed more memory than its cap of {limits.max_memory_mb} MB",
                           "simplify the program, or raise Limits.max_memory_mb")
        return _result(kind, rest, memory)

    def _started(self, conn: Connection) -> bool:
        """Whether the worker said it started the run (its deadline counts from here: `started_at`)."""
        try:
            started = conn.recv() == ("started",)
        except (EOFError, OSError):
            started = True  # the reply read next says the worker died
        self.started_at = time.perf_counter()
        return started

    def close(self) -> None:
        """Let the worker end: it exits when its socket closes."""
        if self._finalizer is not None:
            self._finalizer()
        self._pid = self._conn = self._memory = self._here = self._finalizer = None

    def _worker(self, memory: SpatialMemory, limits: Limits) -> Connection:
        """The connection to a live worker holding `memory` under this memory cap, starting one when needed."""
        if self._conn is not None and self._memory is memory and self._cap_mb == limits.max_memory_mb:
            return self._conn
        self.close()
        here = _Here(memory) if self.fork_here and safe_to_fork_here() else None
        pid, conn = (here or _server()).fork()
        self._finalizer = weakref.finalize(self, _end, conn, pid if here else None)
        self._pid, self._conn, self._memory, self._here, self._cap_mb = pid, conn, memory, here, limits.max_memory_mb
        try:
            conn.send((None if here else memory, limits.max_memory_mb))
            ready = conn.poll(START_TIMEOUT_S)
            _, peak = conn.recv() if ready else (None, 0.0)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._stop()
            raise ReasmoryError("the run's worker process could not take in the memory",
                                hint="check free memory: the worker holds a copy of the memory")
        self.peak_mb = max(self.peak_mb, peak)
        return conn

    def _stop(self) -> None:
        """Kill the worker now, noting how much memory it had reached."""
        if self._pid is not None:  # one forked here is killed by `close`, which collects it
            self.peak_mb = max(self.peak_mb, status_mb(self._pid, "VmHWM") if self._here else _server().kill(self._pid))
        self.close()


def _end(conn: Connection, pid: int | None) -> None:
    """Close a worker's connection (it exits when it reads the end); one forked here is also collected now (killed
    first, so a worker still busy with a run cannot hold the caller up)."""
    conn.close()
    if pid is not None:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)  # still our uncollected child: its pid cannot have gone to another process
            os.waitpid(pid, 0)


def _stopped(source: str, code: str, message: str, hint: str) -> RunError:
    diagnostic = Diagnostic(stage="run", code=code, message=message, hint=hint)
    return RunError([diagnostic], source, Trace(program=source, error=diagnostic))


def _result(kind: str, rest: list[Any], memory: SpatialMemory) -> RunResult:
    """The worker's reply as the result or error an in-process run gives."""
    if kind == "ok":
        answer, value, trace, warnings = rest
        return RunResult(answer=answer, value=_unpack(value, memory), trace=trace, warnings=warnings)
    if kind == "language":
        name, diagnostics, source, trace = rest
        if name == "RunError":
            raise RunError(diagnostics, source, trace)
        raise _LANGUAGE_ERRORS[name](diagnostics, source)
    if kind == "error":
        cls, message, hint, exit_code = rest
        error = cls.__new__(cls)
        ReasmoryError.__init__(error, message, hint)
        error.exit_code = exit_code
        raise error
    source, message = rest
    raise _stopped(source, "internal-error", message, "this is a bug in Reasmory; please report it with the trace")
