"""How many intra-op threads a CPU render runs on: as many as are free right now.

A render is hundreds of short memory-bound torch ops. When other processes
keep the cores busy, OpenMP workers waiting for a descheduled sibling made
each op 10–30× slower on a shared 2-core machine (measured: a 200×150 render
took 1.6 s on two threads and 52 ms on one), while on an idle one two threads
render 1M points about 1.5× faster than one. So each render looks at what
other processes are running at that moment (Linux `/proc`), unless
$REASMORY_RENDER_THREADS fixes the number.

The points themselves are drawn by `on_threads`: Python threads that each
run their share of the pieces (compiled kernels on the CPU, which release
the GIL; torch ops on one thread apiece elsewhere), rather than every op
split across OpenMP threads, which pays a fork and join per op.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch

from reasmory.memory.render.heap import keep_freed_memory


def _env_threads() -> int | None:
    """$REASMORY_RENDER_THREADS when it is a positive whole number, else None (choose per render)."""
    value = os.environ.get("REASMORY_RENDER_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


#: Threads of every CPU render when set; None chooses them per render (see `render_threads`).
FIXED_THREADS: int | None = _env_threads()
#: The threads the last CPU render ran on (benchmarks report them).
last_threads = 0
_depth = 0
_pool: ThreadPoolExecutor | None = None


def busy_elsewhere() -> int | None:
    """Tasks of other processes running right now, or None where /proc cannot tell."""
    try:
        running = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
        own = sum(1 for task in Path("/proc/self/task").iterdir() if _task_state(task) == "R")
    except (OSError, IndexError, ValueError):
        return None
    return max(0, running - own)


def _task_state(task: Path) -> str:
    stat = (task / "stat").read_text()
    return stat[stat.rindex(")") + 2]  # the field after the command name, which may hold spaces or brackets


def render_threads(available: int) -> int:
    """FIXED_THREADS if set, else `available` threads less the tasks other processes are running, at least one."""
    if FIXED_THREADS is not None:
        return FIXED_THREADS
    busy = busy_elsewhere()
    if busy is None:
        return available
    return max(1, min(available, (os.cpu_count() or 1) - busy))


@contextlib.contextmanager
def cpu_threads(device: torch.device, torch_ops: bool = True) -> Iterator[None]:
    """Run a CPU render on `render_threads` threads, then restore the setting (nested calls keep it); the first one
    tunes malloc to keep freed temporaries (heap.py).

    With `torch_ops` the threads are torch's; without, they are the render's own (`drawing_threads`, for
    `on_threads`) and its torch ops run on one: OpenMP workers spin for milliseconds after each parallel op, and on
    a 2-core machine one spinning took a core from the drawing threads (measured: drawing 8.3 → 5.7 ms at 5M
    points when OpenMP waits passively).
    """
    global _depth, last_threads
    if device.type != "cpu" or _depth:
        yield
        return
    keep_freed_memory()
    before = torch.get_num_threads()
    last_threads = render_threads(before)
    wanted = last_threads if torch_ops else 1
    _depth += 1
    try:
        if wanted != before:
            torch.set_num_threads(wanted)
        yield
    finally:
        _depth -= 1
        if wanted != before:
            torch.set_num_threads(before)


def drawing_threads() -> int:
    """Threads a render's own work may run on: those `cpu_threads` chose, or torch's outside it."""
    return last_threads if _depth else torch.get_num_threads()


def on_threads(work: Callable[[int], None], workers: int) -> None:
    """Run work(0), …, work(workers − 1) at once on threads of a pool kept for the process, torch on one thread
    apiece meanwhile (it is restored after); the first exception raised is raised here."""
    global _pool
    if _pool is None or _pool._max_workers < workers:
        _pool = ThreadPoolExecutor(workers, thread_name_prefix="reasmory-render")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for future in [_pool.submit(_on_one_thread, work, k) for k in range(workers)]:
            future.result()
    finally:
        torch.set_num_threads(before)


def _on_one_thread(work: Callable[[int], None], k: int) -> None:
    torch.set_num_threads(1)  # a pool thread's own OpenMP setting, which its first op would take from the default
    work(k)
