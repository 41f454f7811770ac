"""The `reasmory` script: the command line starts with the cyclic garbage collector paused, and a light command
ends without the interpreter's teardown.

Starting up allocates hundreds of thousands of objects (typer, pydantic's validators, numpy, the interpreter)
and frees almost none of them in cycles, yet every few hundred allocations the collector walks the young ones:
about a twentieth of `reasmory run`'s start-up. The collector is paused before the command line is imported and
turned back on as soon as a command starts its work (`resume_collector`), so a command runs as it always did;
help and usage errors end with it still paused. What was loaded by then is frozen (`gc.freeze`): modules, classes
and functions that live as long as the process, which the collector would otherwise walk again and again. So is
everything when the command has finished, just before the process ends: the collector's last passes at exit would
walk every object for cycles to free right before the whole process goes (a tenth of `reasmory run`).

At exit Python then clears every module and frees every object one by one, which the operating system does at
once when the process ends: 9 ms of `reasmory run` on a small memory, half a `python -c pass`. A command whose
libraries leave nothing for that teardown to do (no open file to flush, no C library's buffered output: `run` and
`check`) says so (`end_without_teardown`); once it has returned, the exit handlers (`atexit`, `weakref.finalize`:
temporary folders, workers) run and the output is flushed as at any exit, and the process ends there with the
command's status (`os._exit`). A command that fails with a traceback, leaves other threads running, or whose
output cannot be flushed (a closed pipe) exits the ordinary way.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading

_paused = False
_without_teardown = False
#: The finished command's exit status, once the script has it.
_status: int | None = None


def resume_collector() -> None:
    """Turn the collector back on if `run` paused it (a program calling `reasmory.cli.main` keeps its own setting),
    leaving out what is loaded so far."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def end_without_teardown() -> None:
    """Let the script end the process once this command has returned and the exit handlers have run (a program
    calling `reasmory.cli.main` is not affected)."""
    global _without_teardown
    _without_teardown = True


def _end_process() -> None:
    """The script's last exit handler: end the process with the command's status, its output flushed."""
    if not _without_teardown or _status is None or threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: the ordinary exit reports it
        return
    os._exit(_status)


def run() -> None:
    """The `reasmory` script (and `python -m reasmory`)."""
    global _paused, _status
    if gc.isenabled():
        gc.disable()
        _paused = True
    atexit.register(_end_process)  # registered first, so it runs after every handler the command registers
    from reasmory.cli import run as run_cli

    try:
        run_cli()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            _status = exc.code or 0
        raise
    finally:
        gc.freeze()
