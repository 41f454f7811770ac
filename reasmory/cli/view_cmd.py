"""`reasmory view`: a memory or a trace in the Rerun viewer, as a `.rrd` recording or in a spawned viewer."""

from __future__ import annotations

from pathlib import Path

import typer

from reasmory.cli.output import console, escape
from reasmory.errors import InputError


def view(
    source: Path = typer.Argument(..., metavar="MEMORY.rmem|TRACE.json", show_default=False,
                                  help="A memory, or a trace from `reasmory run --trace` / `reasmory answer --trace`."),
    out: Path | None = typer.Option(None, "-o", "--out", help="The .rrd recording to write (default: SOURCE with .rrd)."),
    spawn: bool = typer.Option(False, "--spawn", help="Also open the recording in a new Rerun viewer window."),
    memory: Path | None = typer.Option(None, "--memory", "-m", help="Traces: the .rmem the program ran on, to show the scene under its steps."),
) -> None:
    """Show a memory in 3D (points, object boxes with labels, cameras with their pictures, the floor, gravity), or a
    trace step by step on a timeline (the views it made, the objects it touched, the distances it measured, the images
    it rendered). Needs rerun-sdk: pip install 'reasmory[viewer]'; open the file with `rerun FILE.rrd`.

    Example: [cyan]reasmory view scene.rmem -o scene.rrd[/]
    Example: [cyan]reasmory view trace.json --memory scene.rmem -o trace.rrd[/]
    """
    from reasmory.memory import SpatialMemory
    from reasmory.viewer.recording import open_viewer, rerun_sdk, view_memory, view_trace

    kind = source.suffix.lower()
    if kind not in (".rmem", ".json"):
        raise InputError(f"'{source}' is neither a .rmem memory nor a .json trace", hint="give a memory or a trace file")
    if memory is not None and kind == ".rmem":
        raise InputError("--memory is for traces", hint="leave it out: the memory is the file given")
    if out is not None and out.suffix.lower() != ".rrd":
        raise InputError(f"output '{out}' is not a .rrd file", hint="name the output like scene.rrd")
    rerun_sdk()  # say what to install before reading anything
    target = out if out is not None else source.with_suffix(".rrd")
    if kind == ".rmem":
        written = view_memory(SpatialMemory.load(source), target, image_root=source.parent)
        what = "memory"
    else:
        from reasmory.interpreter.trace import Trace

        trace = Trace.load(source)
        loaded = SpatialMemory.load(memory) if memory is not None else None
        written = view_trace(trace, loaded, target, base=source.parent, image_root=memory.parent if memory else None)
        what = f"trace of {len(trace.steps)} steps" + ("" if loaded is not None else " (no --memory: the scene is not shown)")
    console.print(f"wrote {escape(str(written))}: {what}; open it with: rerun {escape(str(written))}")
    if spawn:
        open_viewer(written)
        console.print("opened in a new Rerun viewer")
