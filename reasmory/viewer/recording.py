"""Writing a Rerun recording (`.rrd`) of a memory or a trace, and opening it in the native viewer.

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


def view_memory(memory: SpatialMemory, out: str | Path, image_root: Path | None = None) -> Path:
    """Record the memory to `out` (.rrd); returns the file written."""
    from reasmory.viewer.scene import log_memory

    return _record(lambda rec: log_memory(rec, memory, image_root), _layout(trace=False), out)


def view_trace(trace: Trace, memory: SpatialMemory | None, out: str | Path, base: Path = Path("."),
               image_root: Path | None = None) -> Path:
    """Record the trace (on top of its memory, when given) to `out` (.rrd); returns the file written."""
    from reasmory.viewer.scene import log_memory
    from reasmory.viewer.steps import log_trace

    def log(rec: Any) -> None:
        if memory is not None:
            log_memory(rec, memory, image_root)
        log_trace(rec, trace, memory, base)

    return _record(log, _layout(trace=True), out)


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


def open_viewer(recording: Path, wait_s: float = 2.0) -> None:
    """Open a written recording in the native viewer rerun-sdk installs (found on PATH, else beside this Python), as a
    process of its own; a viewer that cannot start (no display, say) is reported with what it printed."""
    import shutil
    import subprocess
    import sys
    import tempfile

    beside = Path(sys.executable).parent / "rerun"
    executable = shutil.which("rerun") or (str(beside) if beside.is_file() else None)
    if executable is None:
        raise InputError("the Rerun viewer is not installed", hint="pip install 'reasmory[viewer]', or open the .rrd elsewhere")
    with tempfile.TemporaryFile() as log:
        viewer = subprocess.Popen([executable, str(recording)], stdout=log, stderr=log, start_new_session=True)
        try:
            code = viewer.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            return  # running: the window is the user's now
        log.seek(0)
        said = [line.strip() for line in log.read().decode(errors="replace").splitlines() if line.strip()]
    why = said[-1] if said else f"exit status {code}"
    raise InputError(f"the Rerun viewer could not start: {why}", hint=f"open {recording} on a machine with a display: rerun {recording}")


def _record(log: Callable[[Any], None], layout: Any, out: str | Path) -> Path:
    rr = rerun_sdk()
    out = Path(out)
    rec = rr.RecordingStream(APPLICATION, recording_id=uuid.uuid4())
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write '{out}': {exc.strerror or exc}", hint="choose another -o path") from None
    rec.set_sinks(rr.FileSink(str(partial)), default_blueprint=layout)
    try:
        log(rec)
        rec.flush()
    except BaseException:
        rec.disconnect()
        partial.unlink(missing_ok=True)
        raise
    rec.disconnect()
    partial.replace(out)
    return out
