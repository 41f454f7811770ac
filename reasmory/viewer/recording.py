"""Writing a Rerun recording (`.rrd`) of a memory or a trace, and opening it in the viewer.

The file is written under a temporary name and renamed when complete, so a failed run never leaves half a
recording where the viewer would open it. The recording carries a default layout: the 3D scene, and for a trace
the program, the step log and the rendered pictures beside it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reasmory.errors import InputError
from reasmory.interpreter.trace import Trace
from reasmory.memory.spatial_memory import SpatialMemory

APPLICATION = "reasmory"


def rerun_sdk() -> Any:
    """The `rerun` module, or one line saying how to install it."""
    try:
        import rerun
    except ImportError:
        raise InputError("viewing in Rerun needs the optional package rerun-sdk, which is not installed",
                         hint="pip install 'reasmory[viewer]'") from None
    return rerun


def view_memory(memory: SpatialMemory, out: Path | None = None, spawn: bool = False, image_root: Path | None = None) -> Path | None:
    """Record the memory to `out` (.rrd) and/or show it in a spawned viewer; returns the file written."""
    from reasmory.viewer.scene import log_memory

    return _record(lambda rec: log_memory(rec, memory, image_root), _layout(trace=False), out, spawn)


def view_trace(trace: Trace, memory: SpatialMemory | None = None, out: Path | None = None, spawn: bool = False,
               base: Path = Path("."), image_root: Path | None = None) -> Path | None:
    """Record the trace (on top of its memory, when given) to `out` and/or a spawned viewer; returns the file written."""
    from reasmory.viewer.scene import log_memory
    from reasmory.viewer.steps import log_trace

    def log(rec: Any) -> None:
        if memory is not None:
            log_memory(rec, memory, image_root)
        log_trace(rec, trace, memory, base)

    return _record(log, _layout(trace=True), out, spawn)


def _layout(trace: bool) -> Any:
    """The default blueprint: the 3D world; for a trace, the program, the step log and the pictures beside it."""
    rerun_sdk()
    import rerun.blueprint as rrb

    world = rrb.Spatial3DView(origin="world", name="memory")
    if not trace:
        return rrb.Blueprint(world, rrb.SelectionPanel(state="collapsed"), rrb.TimePanel(state="collapsed"))
    side = rrb.Vertical(rrb.TextDocumentView(origin="trace/program", name="program"),
                        rrb.Spatial2DView(origin="trace/images", name="rendered images"),
                        rrb.TextLogView(origin="trace/steps", name="steps"), row_shares=[2, 3, 2])
    return rrb.Blueprint(rrb.Horizontal(world, side, column_shares=[3, 2]), rrb.SelectionPanel(state="collapsed"),
                         rrb.TimePanel(timeline="step"))


def _record(log: Callable[[Any], None], layout: Any, out: Path | None, spawn: bool) -> Path | None:
    rr = rerun_sdk()
    rec = rr.RecordingStream(APPLICATION, recording_id=uuid.uuid4())
    sinks = []
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp") if out is not None else None
    if partial is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
        except OSError as exc:
            raise InputError(f"cannot write '{out}': {exc.strerror or exc}", hint="choose another -o path") from None
        sinks.append(rr.FileSink(str(partial)))
    if spawn:
        rec.spawn(connect=False, default_blueprint=layout)
        sinks.append(rr.GrpcSink())
    rec.set_sinks(*sinks, default_blueprint=layout)
    try:
        log(rec)
        rec.flush()
    except BaseException:
        rec.disconnect()
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    rec.disconnect()
    if partial is not None and out is not None:
        partial.replace(out)
    return out
