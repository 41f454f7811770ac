"""Isolated runs: the same answers and errors as in-process runs, a deadline that kills, a memory cap that holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from reasmory.errors import InputError
from reasmory.interpreter import CheckError, Limits, RunError, Sandbox, run
from reasmory.interpreter.sandbox import GRACE_S, isolation_available
from reasmory.memory import SpatialMemory

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="isolated runs need Linux")
PAIRS = 'answer(distance(objects("a"), objects("b")))\n'


@pytest.fixture(scope="module")
def crowd_path() -> Path:
    """3,000 parallel rods whose bounds all overlap and that never touch: `distance` measures every one of 2.25 million
    a–b pairs (seconds, hundreds of MB)."""
    from reasmory.benchmarks.crafted import rods

    return _written(rods(3000))


@pytest.fixture(scope="module")
def crowd(crowd_path: Path) -> SpatialMemory:
    return SpatialMemory.load(crowd_path)


@pytest.fixture(scope="module")
def bundle_path() -> Path:
    """3,000 thin parallel rods 1 mm apart, long enough that every a–b pair's bounds overlap and none touch: `distance`
    measures every one of 2.25 million pairs exactly (tens of seconds in one call; piled boxes touch and stop at once)."""
    from reasmory.benchmarks.crafted import rods

    return _written(rods(3000, spacing_m=0.001, length_m=8.0, thickness_m=0.0002, per_row=3000))


@pytest.fixture(scope="module")
def bundle(bundle_path: Path) -> SpatialMemory:
    return SpatialMemory.load(bundle_path)


def _written(data: bytes) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "m.rmem"
    path.write_bytes(data)
    return path


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the environment says, these tests run isolated unless one turns it off itself."""
    monkeypatch.delenv("REASMORY_ISOLATE", raising=False)


def test_isolation_is_on_unless_the_environment_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isolation_available()
    monkeypatch.setenv("REASMORY_ISOLATE", "1")
    assert isolation_available()
    monkeypatch.setenv("REASMORY_ISOLATE", "0")
    assert not isolation_available()


def test_answers_values_and_warnings_match_an_in_process_run(cross: SpatialMemory) -> None:
    source = 'me = view(at=object("sofa"), facing=object("tv"))\nanswer(objects_around(me, "left"))\n'
    with Sandbox() as sandbox:
        isolated = sandbox.run(source, cross)
        again = sandbox.run('answer(object("chair"))', cross)
    local = run(source, cross)
    assert isolated.answer == local.answer and isolated.trace.steps[-1].result == local.trace.steps[-1].result
    assert [o.id for o in isolated.value.objects] == [o.id for o in local.value.objects]
    assert all(o is cross.get(o.id) for o in isolated.value.objects)  # the caller's own objects, not copies
    assert again.value is cross.get(again.value.id) and again.warnings == run('answer(object("chair"))', cross).warnings


def test_errors_cross_as_the_same_errors(cross: SpatialMemory) -> None:
    with Sandbox() as sandbox:
        with pytest.raises(CheckError) as refused:
            sandbox.run('answer(object("piano"))', cross)
        with pytest.raises(RunError) as stopped:
            sandbox.run("x = 1\nanswer(x / (x - 1))", cross)
        with pytest.raises(InputError, match="has no letter"):
            sandbox.run("answer(1)", cross, ["left"])
    assert refused.value.diagnostics[0].code == "unknown-label"
    assert stopped.value.diagnostics[0].code == "division-by-zero" and stopped.value.trace.error.code == "division-by-zero"


def test_a_worker_serves_its_memory_until_another_memory_comes(cross: SpatialMemory) -> None:
    other = SpatialMemory(objects=cross.objects[:2])
    with Sandbox() as sandbox:
        sandbox.run("answer(1)", cross)
        first = sandbox._pid
        sandbox.run("answer(2)", cross)
        assert sandbox._pid == first
        assert sandbox.run("answer(count(objects(\"sofa\")))", other).answer == "1"
        assert sandbox._pid != first


def test_a_worker_serves_its_memory_cap_until_another_cap_comes(cross: SpatialMemory) -> None:
    with Sandbox() as sandbox:
        sandbox.run("answer(1)", cross, limits=Limits(max_memory_mb=int("2000")))
        first = sandbox._pid
        sandbox.run("answer(2)", cross, limits=Limits(max_memory_mb=int("2000")))  # an equal cap, another int object
        assert sandbox._pid == first
        sandbox.run("answer(3)", cross, limits=Limits(max_memory_mb=int("3000")))
        assert sandbox._pid != first


def test_workers_come_from_the_run_server_unless_forking_here_is_asked_for_and_safe(cross: SpatialMemory, monkeypatch) -> None:
    from reasmory.interpreter import sandbox as sandbox_module

    for asked, safe in ((False, True), (True, False)):
        monkeypatch.setattr(sandbox_module, "safe_to_fork_here", lambda safe=safe: safe)
        with Sandbox(fork_here=True) if asked else Sandbox() as sandbox:
            assert sandbox.run("answer(1)", cross).answer == "1" and sandbox._here is None


def test_closing_the_run_server_stops_its_workers_and_collects_it(cross: SpatialMemory) -> None:
    from reasmory.interpreter.sandbox import _server

    with Sandbox() as sandbox:
        sandbox.run("answer(1)", cross)
        server, worker = _server(), sandbox._pid
        server.close()  # as at the caller's exit
        assert server.process.returncode is not None and _gone(worker)
    with Sandbox() as sandbox:
        assert sandbox.run("answer(2)", cross).answer == "2"  # a new server


@pytest.mark.parametrize("fork_here", [False, True])
def test_a_worker_killed_between_runs_is_replaced(cross: SpatialMemory, fork_here: bool) -> None:
    """The OOM killer or an operator may end a kept worker while it waits: the next run starts another."""
    import signal

    with Sandbox(fork_here=fork_here) as sandbox:
        assert sandbox.run("answer(1)", cross).answer == "1"
        os.kill(sandbox._pid, signal.SIGKILL)
        time.sleep(0.2)
        assert sandbox.run('answer(count(objects("sofa")))', cross).answer == run('answer(count(objects("sofa")))', cross).answer


def test_the_deadline_kills_a_call_that_cannot_stop_itself(bundle: SpatialMemory) -> None:
    """One call sorting millions of pairs never reaches the between-calls check; the worker is killed at budget + grace."""
    limits = Limits(time_budget_s=1.0, max_cost_s=1e9)
    with Sandbox() as sandbox:
        sandbox.run("answer(1)", bundle)  # the worker is up: what is timed next is the run
        stopped_pid = sandbox._pid
        start = time.perf_counter()
        with pytest.raises(RunError) as stopped:
            sandbox.run(PAIRS, bundle, limits=limits)
        elapsed = time.perf_counter() - start
        assert stopped.value.diagnostics[0].code == "time-budget" and stopped.value.trace.error.code == "time-budget"
        assert elapsed < limits.time_budget_s + GRACE_S + 3
        since_start = time.perf_counter() - sandbox.started_at
        assert 1.0 + 2.0 <= since_start < 1.0 + 2.0 + 0.6  # killed at the budget plus the 2 s SECURITY.md promises
        assert sandbox.run('answer(count(objects("a")))', bundle).answer == "1500"  # a fresh worker
    assert _gone(stopped_pid)  # the stopped one was killed, not left computing


def _gone(pid: int, within_s: float = 5.0) -> bool:
    """Whether a process is gone (killed and collected) within a few seconds."""
    end = time.monotonic() + within_s
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def test_the_memory_cap_holds_in_the_worker(crowd: SpatialMemory) -> None:
    limits = Limits(time_budget_s=120.0, max_cost_s=1e9, max_memory_mb=64)
    with Sandbox() as sandbox:
        with pytest.raises(RunError) as stopped:
            sandbox.run(PAIRS, crowd, limits=limits)
        assert stopped.value.diagnostics[0].code == "memory-cap"
        assert 20 < sandbox.peak_mb < 64 + 1024  # in MB: an interpreter with a memory in, plus at most the cap (and slack)
        assert sandbox.run("answer(2)", crowd).answer == "2"


def test_a_killed_worker_reports_the_peak_memory_proc_gave_for_it(cross: SpatialMemory) -> None:
    from reasmory.interpreter.sandbox import _server

    with Sandbox() as sandbox:
        sandbox.run("answer(1)", cross)  # the worker now idles: its peak stays put
        status = Path(f"/proc/{sandbox._pid}/status").read_text().splitlines()
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        assert _server().kill(sandbox._pid) == peak_kb / 1024  # in MB, exactly as /proc gives it in kB
        assert _gone(sandbox._pid) and _server().kill(sandbox._pid) == 0.0  # collected: its pid is not killed again


def test_a_size_that_proc_does_not_give_reads_as_zero() -> None:
    from reasmory.interpreter.runserver import status_mb

    peak_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
    assert abs(status_mb("self", "VmHWM") - peak_kb / 1024) < 64  # this process's peak, in MB
    assert status_mb("self", "VmNoSuchField") == 0.0 and status_mb(2**22 + 7, "VmHWM") == 0.0  # no such field, no such process
    assert status_mb("self", "Name") == 0.0  # a field that is not a size


def test_a_tightly_capped_worker_still_measures_areas() -> None:
    """scipy is loaded on first use; under a 64 MB cap a worker loading it crawled to the deadline (the server loads it)."""
    from reasmory.benchmarks.crafted import far_away

    far = SpatialMemory.load(_written(far_away(2000)))
    with Sandbox() as sandbox:
        start = time.perf_counter()
        assert sandbox.run("answer(room_area())\n", far, limits=Limits(time_budget_s=30.0, max_memory_mb=64)).answer == "0.5"
        assert time.perf_counter() - start < 15


def test_renders_land_where_an_in_process_run_puts_them(cross: SpatialMemory, tmp_path: Path, monkeypatch) -> None:
    """The worker runs in the caller's folder: a relative artifacts folder and the paths recorded mean the same."""
    monkeypatch.chdir(tmp_path)
    with Sandbox() as sandbox:
        result = sandbox.run('answer(bev(mode="semantic"))', cross, artifacts_dir="pictures")
    assert result.value.path == "pictures/bev-semantic-01.png" == result.trace.steps[0].artifacts[0]
    assert (tmp_path / result.value.path).read_bytes().startswith(b"\x89PNG")
    assert result.trace.preparation_ms < 500  # the renderer was loaded before the worker's clock started, not in the run


def test_isolation_can_be_turned_off_for_trusted_programs(cross: SpatialMemory, monkeypatch) -> None:
    monkeypatch.setenv("REASMORY_ISOLATE", "0")
    with Sandbox() as sandbox:
        assert sandbox.run("answer(3)", cross).answer == "3" and sandbox._pid is None


_FORKED_HERE = """
import json, os, sys, time
from reasmory.errors import ReasmoryError
from reasmory.interpreter import Limits, RunError, Sandbox
from reasmory.memory import SpatialMemory

crowd, far, bundle = (SpatialMemory.load(path) for path in sys.argv[1:4])
report = {"scipy_loaded_before": "scipy" in sys.modules}
with Sandbox(fork_here=True) as sandbox:
    report["count"] = sandbox.run('answer(count(objects("a")))', crowd).answer
    report["forked_here"] = sandbox._here is not None
    start = time.perf_counter()
    try:
        sandbox.run(sys.argv[4], bundle, limits=Limits(time_budget_s=1.0, max_cost_s=1e9))
    except RunError as exc:
        report["deadline"] = [exc.diagnostics[0].code, time.perf_counter() - start]
    try:
        sandbox.run(sys.argv[4], crowd, limits=Limits(time_budget_s=120.0, max_cost_s=1e9, max_memory_mb=64))
    except RunError as exc:
        report["cap"] = [exc.diagnostics[0].code, sandbox.peak_mb]
    start = time.perf_counter()
    area = sandbox.run("answer(room_area())", far, limits=Limits(time_budget_s=30.0, max_memory_mb=64)).answer
    report["area"] = [area, time.perf_counter() - start]
odd_cap = Limits.model_construct(**{**Limits().__dict__, "max_memory_mb": "lots"})  # the worker fails before it is ready
try:
    with Sandbox(fork_here=True) as sandbox:
        sandbox.run("answer(1)", far, limits=odd_cap)
except ReasmoryError as exc:
    report["failed_worker"] = exc.message
try:
    report["left_behind"] = os.waitpid(-1, os.WNOHANG)[0]
except ChildProcessError:
    report["left_behind"] = None
print(json.dumps(report))
"""


def test_a_fresh_process_forks_its_workers_itself(crowd_path: Path, bundle_path: Path) -> None:
    """`reasmory run`'s way: workers forked from the caller (no run server), with the same deadline and cap; scipy,
    loaded by the worker under a 64 MB cap, does not crawl; a worker that fails ends there; closing the sandbox leaves
    no process behind."""
    from reasmory.benchmarks.crafted import far_away

    done = subprocess.run([sys.executable, "-c", _FORKED_HERE, str(crowd_path), str(_written(far_away(2000))),
                           str(bundle_path), PAIRS],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["forked_here"] and report["count"] == "1500" and not report["scipy_loaded_before"]
    assert report["deadline"][0] == "time-budget" and report["deadline"][1] < 1.0 + GRACE_S + 3
    assert report["cap"][0] == "memory-cap" and report["cap"][1] > 0
    assert report["area"][0] == "0.5" and report["area"][1] < 15
    assert report["left_behind"] is None
    # a worker that fails exits there: it never goes on to run the caller's own code (which would print a traceback)
    assert report["failed_worker"] == "the run's worker process could not take in the memory" and "Traceback" not in done.stderr


class _DyingServer:
    """A run server whose workers (threads on the far end of a socket) die at a chosen point: one-line errors expected."""

    def __init__(self, before_ready: bool) -> None:
        self.before_ready = before_ready
        self.killed: list[int] = []

    def fork(self) -> tuple[int, Connection]:
        import socket
        import threading

        ours, theirs = socket.socketpair()
        threading.Thread(target=self._worker, args=(Connection(theirs.detach()),), daemon=True).start()
        return 1_000_000 + len(self.killed), Connection(ours.detach())

    def _worker(self, conn: Connection) -> None:
        conn.recv()  # the memory and its cap
        if not self.before_ready:
            conn.send(("ready", 1.0))
            conn.recv()  # the run request: dies before saying it started
        conn.close()

    def kill(self, pid: int) -> float:
        self.killed.append(pid)
        return 0.0


def test_a_worker_that_dies_taking_in_the_memory_is_a_one_line_error(cross: SpatialMemory, monkeypatch) -> None:
    from reasmory.errors import ReasmoryError
    from reasmory.interpreter import sandbox as sandbox_module

    server = _DyingServer(before_ready=True)
    monkeypatch.setattr(sandbox_module, "_server", lambda: server)
    with Sandbox() as sandbox, pytest.raises(ReasmoryError, match="could not take in the memory"):
        sandbox.run("answer(1)", cross)
    assert server.killed == [1_000_000]


def test_a_worker_that_dies_before_starting_the_run_is_a_run_error(cross: SpatialMemory, monkeypatch) -> None:
    from reasmory.interpreter import sandbox as sandbox_module

    server = _DyingServer(before_ready=False)
    monkeypatch.setattr(sandbox_module, "_server", lambda: server)
    with Sandbox() as sandbox:
        with pytest.raises(RunError) as died:
            sandbox.run("answer(1)", cross)
        assert died.value.diagnostics[0].code == "worker-died" and sandbox._pid is None and server.killed == [1_000_000]


def test_a_failure_outside_the_language_is_an_internal_error_naming_where_and_the_worker_lives_on(cross: SpatialMemory) -> None:
    import traceback

    broken = SpatialMemory(objects=cross.objects)
    broken.objects = [None]  # damaged after it was built: no language error describes this
    program = 'answer(count(objects("chair")))'
    with pytest.raises(AttributeError) as local:
        run(program, broken)
    last = traceback.extract_tb(local.value.__traceback__)[-1]
    with Sandbox() as sandbox:
        with pytest.raises(RunError) as isolated:
            sandbox.run(program, broken)
        worker = sandbox._pid
        (stop,) = isolated.value.diagnostics
        assert stop.code == "internal-error" and "report it" in stop.hint
        assert stop.message == f"the run failed: AttributeError: {local.value} at {Path(last.filename).name}:{last.lineno}"
        with pytest.raises(RunError):
            sandbox.run(program, broken)
        assert sandbox._pid == worker


@pytest.mark.parametrize(("error", "code"), [("something broke", "internal-error"),
                                             ("CUDA error: out of memory, failed to allocate 2 GiB", "memory-cap")])
def test_a_runtime_error_in_the_worker_is_the_memory_cap_only_when_it_is_about_allocating(cross: SpatialMemory, error: str,
                                                                                          code: str) -> None:
    """torch's allocator says it ran out under the cap with a RuntimeError about allocating; any other is a bug."""
    from .failing import FailingObjects

    failing = SpatialMemory(objects=cross.objects)
    failing.objects = FailingObjects(cross.objects, error)
    with Sandbox() as sandbox, pytest.raises(RunError) as stopped:
        sandbox.run('answer(count(objects("chair")))', failing)
    assert stopped.value.diagnostics[0].code == code


def test_only_zero_turns_isolation_off_and_then_no_server_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    from reasmory.interpreter import sandbox as sandbox_module

    monkeypatch.setenv("REASMORY_ISOLATE", "")
    assert isolation_available()
    monkeypatch.setenv("REASMORY_ISOLATE", "0")
    monkeypatch.setattr(sandbox_module, "_SERVER", None)
    sandbox_module.prepare()
    assert sandbox_module._SERVER is None


def test_forking_here_is_refused_while_another_thread_runs() -> None:
    import threading

    from reasmory.interpreter.sandbox import safe_to_fork_here

    assert safe_to_fork_here() == ("torch" not in sys.modules and threading.active_count() == 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not safe_to_fork_here()
    finally:
        stop.set()
        other.join()


def test_a_worker_is_not_kept_for_a_tighter_memory_cap(cross: SpatialMemory) -> None:
    with Sandbox() as sandbox:
        sandbox.run("answer(1)", cross, limits=Limits(max_memory_mb=512))
        first = sandbox._pid
        sandbox.run("answer(2)", cross, limits=Limits(max_memory_mb=256))
        assert sandbox._pid != first
