"""Views: cameras of the input frames, made-up viewpoints, turning and stepping."""

from __future__ import annotations

import math

import numpy as np

from reasmory.interpreter.context import Context, OpError
from reasmory.interpreter.ops.resolve import describe, position
from reasmory.interpreter.registry import Param, operation
from reasmory.interpreter.types import NUMBER, OBJECT, OBJECTS, POINT, TEXT, VIEW
from reasmory.interpreter.values import View


def camera_view(ctx: Context, index: int) -> View:
    frames = ctx.memory.frames
    if not 0 <= index < len(frames):
        raise OpError(f"no frame {index}: the memory has {len(frames)} frames", code="frame-range")
    frame = frames[index]
    forward = frame.forward
    if math.hypot(forward[0], forward[1]) < 1e-6:
        raise OpError(f"camera {index} looks straight up or down, so it has no horizontal heading", code="no-heading")
    return View(
        position=tuple(float(v) for v in frame.position),
        heading=math.atan2(forward[1], forward[0]),
        origin=f"camera {index}",
        frame=index,
        pose=tuple(tuple(r) for r in frame.pose),
    )


@operation("camera", [Param("i", (NUMBER,), frame=True)], VIEW, "the view of input frame i (0-based): its position and horizontal heading", category="views")
def camera(ctx: Context, i: float) -> View:
    if i != int(i):
        raise OpError(f"frame index {i:g} is not a whole number", code="frame-range")
    return camera_view(ctx, int(i))


@operation(
    "view",
    [Param("at", (OBJECT, OBJECTS, POINT, VIEW)), Param("facing", (OBJECT, OBJECTS, POINT, VIEW))],
    VIEW,
    "standing at `at` (its centre) and heading horizontally toward the centre of `facing`",
    category="views",
)
def view(ctx: Context, at: object, facing: object) -> View:
    here = position(ctx, at, "view(at=…)")
    there = position(ctx, facing, "view(facing=…)")
    d = there[:2] - here[:2]
    if float(np.hypot(*d)) < 1e-6:
        raise OpError(f"cannot face {describe(facing)} from {describe(at)}: they are at the same place", code="same-position")
    return View(tuple(float(v) for v in here), math.atan2(d[1], d[0]), f"at {describe(at)} facing {describe(facing)}")


@operation(
    "walk_to",
    [Param("view", (VIEW,)), Param("target", (OBJECT, OBJECTS, POINT, VIEW))],
    VIEW,
    "the viewer after walking straight to the target's centre, heading the way it walked",
    category="views",
)
def walk_to(ctx: Context, view: View, target: object) -> View:
    there = position(ctx, target, "walk_to(target)")
    d = there[:2] - view.xy
    if float(np.hypot(*d)) < 1e-6:
        return View(view.position, view.heading, f"{view.origin}, at {describe(target)}")
    return View((float(there[0]), float(there[1]), view.position[2]), math.atan2(d[1], d[0]), f"{view.origin}, walked to {describe(target)}")


@operation(
    "turn",
    [Param("view", (VIEW,)), Param("side", (TEXT,), choices=("left", "right", "back")), Param("degrees", (NUMBER,), 90.0, minimum=-360, maximum=360)],
    VIEW,
    "the view turned in place: left/right by `degrees`, back = 180°",
    category="views",
)
def turn(ctx: Context, view: View, side: str, degrees: float) -> View:
    delta = {"left": math.radians(degrees), "right": -math.radians(degrees), "back": math.pi}[side]
    heading = math.atan2(math.sin(view.heading + delta), math.cos(view.heading + delta))
    what = "back" if side == "back" else f"{side} {degrees:g}°"
    return View(view.position, heading, f"{view.origin}, turned {what}")


@operation(
    "step",
    [Param("view", (VIEW,)), Param("way", (TEXT,), choices=("forward", "backward", "left", "right")), Param("meters", (NUMBER,), 1.0, minimum=-1000, maximum=1000)],
    VIEW,
    "the view moved horizontally by `meters` without turning",
    category="views",
)
def step(ctx: Context, view: View, way: str, meters: float) -> View:
    direction = {"forward": view.forward, "backward": -view.forward, "left": view.left, "right": -view.left}[way]
    x, y = view.xy + meters * direction
    return View((float(x), float(y), view.position[2]), view.heading, f"{view.origin}, moved {way} {meters:g} m")
