"""A trace as Rerun entities: every statement at its index on the `step` timeline (layout: `reasmory.viewer`).

A trace names values by summary (objects by id and centre, views by position and heading, numbers with units), so
it plays without the memory; with the memory, touched objects show as their boxes, distances join the two objects'
closest points and views from input cameras keep their pitch and intrinsics.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Any

import numpy as np

from reasmory.errors import MemoryQueryError
from reasmory.interpreter.trace import Trace, TraceStep
from reasmory.memory.model import ObjectInstance
from reasmory.memory.spatial_memory import SpatialMemory
from reasmory.traces.tree import value_text
from reasmory.viewer.scene import box_quaternion, log_pinhole

TIMELINE = "step"
TOUCHED_COLOUR = (0, 200, 255)
DISTANCE_COLOUR = (230, 60, 30)
VIEW_COLOUR = (20, 160, 60)
#: Made-up views are drawn as level cameras of this picture size (their field of view is the renderer's).
VIEW_SIZE = (640, 480)


def log_trace(rec: Any, trace: Trace, memory: SpatialMemory | None, base: Path) -> None:
    """Log the program, then each step at its index; images named relative to the trace are read from `base`."""
    import rerun as rr

    rec.log("trace/program", rr.TextDocument(program_text(trace), media_type=rr.MediaType.MARKDOWN), static=True)
    for step in trace.steps:
        rec.set_time(TIMELINE, sequence=step.index)
        level = "WARN" if step.warnings else "INFO"
        rec.log("trace/steps", rr.TextLog(f"{step.index + 1}. {step.source.strip()}  →  {value_text(step.result)}", level=level))
        for warning in step.warnings:
            rec.log("trace/steps", rr.TextLog(f"   ⚠ {warning}", level="WARN"))
        for name, view in step_views(step):
            log_view(rec, f"world/trace/views/{name}", view, memory)
        log_touched(rec, step, memory)
        log_distances(rec, step, memory)
        for picture in step.artifacts:
            path = Path(picture) if Path(picture).is_absolute() or Path(picture).is_file() else base / picture
            if path.is_file():
                rec.log("trace/images", rr.EncodedImage(path=path))
    if trace.error is not None:
        rec.log("trace/steps", rr.TextLog(f"error[{trace.error.code}] {trace.error.one_line()}", level="ERROR"))


def program_text(trace: Trace) -> str:
    """The question, options, answer and program as a short Markdown page."""
    lines = [f"### {trace.question}" if trace.question else "### Program"]
    if trace.options:
        lines.append("options: " + " · ".join(trace.options))
    lines.append(f"**answer: {trace.answer if trace.answer is not None else '—'}**")
    if trace.error is not None:
        lines.append(f"error[{trace.error.code}]: {trace.error.message}")
    lines += ["", "```", trace.program.rstrip(), "```"]
    return "\n".join(lines)


def step_views(step: TraceStep) -> list[tuple[str, dict[str, Any]]]:
    """(entity name, summary) of every view the step's calls made: the assigned name for the statement's own view."""
    made = [c for c in step.calls if c.result.get("type") == "View"]
    views = []
    for k, call in enumerate(made, start=1):
        own = call is step.calls[-1] and step.target is not None
        views.append((step.target if own else f"{call.operation}-{step.index + 1}-{k}", call.result))
    return views


def log_view(rec: Any, path: str, view: dict[str, Any], memory: SpatialMemory | None) -> None:
    """A view as a camera: an input camera's own pose and intrinsics when the memory has it, else a level camera
    with the renderer's field of view at the view's position and heading."""
    from reasmory.memory.cameras import intrinsics_from_fov
    from reasmory.memory.render.camera import DEFAULT_FOV_DEG

    frame = view.get("frame")
    if memory is not None and frame is not None and 0 <= frame < len(memory.frames):
        camera = memory.frames[frame]
        pose, K, size = camera.pose_array, camera.K_array, (camera.width, camera.height)
    else:
        pose = level_pose(view["position"], math.radians(view["heading_deg"]))
        K, size = intrinsics_from_fov(*VIEW_SIZE, DEFAULT_FOV_DEG), VIEW_SIZE
    log_pinhole(rec, path, pose, K, size, static=False, colour=VIEW_COLOUR)


def level_pose(position: list[float], heading: float) -> np.ndarray:
    """4×4 camera-to-world pose (OpenCV axes) of a level camera facing `heading` (radians counter-clockwise from +x)."""
    pose = np.eye(4)
    pose[:3, 0] = (math.sin(heading), -math.cos(heading), 0.0)
    pose[:3, 1] = (0.0, 0.0, -1.0)
    pose[:3, 2] = (math.cos(heading), math.sin(heading), 0.0)
    pose[:3, 3] = position
    return pose


def held(memory: SpatialMemory | None, ids: list[int]) -> list[ObjectInstance]:
    """The memory's objects of these ids (none without a memory; ids it lacks are skipped: another memory's trace)."""
    if memory is None:
        return []
    found = []
    for object_id in ids:
        with contextlib.suppress(MemoryQueryError):
            found.append(memory.get(object_id))
    return found


def touched_objects(step: TraceStep) -> dict[int, dict[str, Any]]:
    """Object id → its summary (or {} when only its id is known) for every object the step's calls used or gave."""
    return step.touched_objects()


def log_touched(rec: Any, step: TraceStep, memory: SpatialMemory | None) -> None:
    """The step's objects highlighted: their boxes with the memory, else their centres; cleared when it has none."""
    import rerun as rr

    touched = touched_objects(step)
    known = held(memory, list(touched))
    if known:
        rec.log("world/trace/touched", rr.Boxes3D(
            centers=[o.box.center for o in known], half_sizes=[o.box.e / 2 * 1.03 for o in known],
            quaternions=[box_quaternion(o.box.R) for o in known], colors=TOUCHED_COLOUR, radii=-2.5,
            labels=[f"{o.label} #{o.id}" for o in known]))
        return
    centred = [s for s in touched.values() if "center" in s]
    if centred:
        rec.log("world/trace/touched", rr.Points3D([s["center"] for s in centred], colors=TOUCHED_COLOUR, radii=-6.0,
                                                   labels=[f"{s['label']} #{s['id']}" for s in centred]))
    else:
        rec.log("world/trace/touched", rr.Clear(recursive=False))


def log_distances(rec: Any, step: TraceStep, memory: SpatialMemory | None) -> None:
    """Each distance the step measured as a line between what it measured, labelled with the value."""
    import rerun as rr

    lines, labels = [], []
    for call in step.calls:
        if call.operation != "distance" or call.result.get("type") != "Number":
            continue
        mode = call.args.get("mode", {}).get("value", "closest")
        ends = endpoints(call.args.get("a", {}), call.args.get("b", {}), mode, memory)
        if ends is not None:
            lines.append(np.array(ends, np.float32))
            labels.append(f"{call.result['value']:.2f} m")
    if lines:
        rec.log("world/trace/distances", rr.LineStrips3D(lines, colors=DISTANCE_COLOUR, radii=-2.0, labels=labels))
    else:
        rec.log("world/trace/distances", rr.Clear(recursive=False))


def endpoints(a: dict[str, Any], b: dict[str, Any], mode: str, memory: SpatialMemory | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The two points a distance joins: the closest pair of the two sides' points (centres in `center` mode)."""
    from scipy.spatial import cKDTree

    sides = [locations(x, mode, memory) for x in (a, b)]
    if any(len(s) == 0 for s in sides):
        return None
    first, second = sides
    gap, nearest = cKDTree(second).query(first, k=1)
    i = int(np.argmin(gap))
    return first[i], second[nearest[i]]


def locations(value: dict[str, Any], mode: str, memory: SpatialMemory | None) -> np.ndarray:
    """(n, 3) points standing for a summarised value: an object's own points (its box corners when it has none, its
    centre in `center` mode or without the memory), a set's members', a view's position, a point."""
    kind = value.get("type")
    if kind == "View":
        return np.array([value["position"]], np.float64)
    if kind == "Point":
        return np.array([value["xyz"]], np.float64)
    ids = [value["id"]] if kind == "Object" else list(value.get("ids", ())) if kind == "Objects" else []
    objects = held(memory, ids)
    if not objects:
        return np.array([value["center"]], np.float64) if "center" in value else np.zeros((0, 3))
    if mode == "center":
        return np.array([o.box.center for o in objects], np.float64)
    return np.concatenate([o.points if len(o.points) else o.box.corners() for o in objects]).astype(np.float64)
