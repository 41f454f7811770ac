"""The `reasmory` script: the command line starts with the cyclic garbage collector paused.

Starting up allocates hundreds of thousands of objects (typer, pydantic's validators, numpy, the interpreter)
and frees almost none of them in cycles, yet every few hundred allocations the collector walks the young ones:
about a twentieth of `reasmory run`'s start-up. The collector is paused before the command line is imported and
turned back on as soon as a command starts its work (`resume_collector`), so a command runs as it always did;
help and usage errors end with it still paused. What was loaded by then is frozen (`gc.freeze`): modules, classes
and functions that live as long as the process, which the collector would otherwise walk again and again. So is
everything when the command has finished, just before the process ends: the collector's last passes at exit would
walk every object for cycles to free right before the whole process goes (a tenth of `reasmory run`), while the
exit handlers (`atexit`, `weakref.finalize`: temporary folders, workers) and the flushing of the output still run.
"""

from __future__ import annotations

import gc

_paused = False


def resume_collector() -> None:
    """Turn the collector back on if `run` paused it (a program calling `reasmory.cli.main` keeps its own setting),
    leaving out what is loaded so far."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def run() -> None:
    """The `reasmory` script (and `python -m reasmory`)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True
    from reasmory.cli import run as run_cli

    try:
        run_cli()
    finally:
        gc.freeze()
