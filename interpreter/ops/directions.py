"""Directions as a viewer sees them: left/right/back, quadrants, clock, relations, sectors, turns."""

from __future__ import annotations

import numpy as np

from reasmory.interpreter.context import Context, OpError
from reasmory.interpreter.ops.resolve import describe, object_set, position
from reasmory.interpreter.registry import Param, operation
from reasmory.interpreter.spatial import (
    angles_of, local_xy, local_xy_many, name_direction, name_motion, name_turn, sectors, signed_angle,
)
from reasmory.interpreter.types import BOOL, NUMBER, OBJECT, OBJECTS, POINT, TEXT, VIEW
from reasmory.interpreter.values import ObjectSet, View

TARGET = (OBJECT, OBJECTS, POINT, VIEW)


@operation(
    "direction",
    [Param("target", TARGET), Param("viewer", (VIEW,)), Param("granularity", (TEXT,), "lr", choices=("lr", "lrb", "quadrant", "clock"))],
    TEXT,
    "where the target is for the viewer: lr = left/right; lrb = left/right/back (back when the turn to face it is ≥ 135°); quadrant = front-left/front-right/back-left/back-right; clock = 1–12 o'clock",
    category="directions",
)
def direction(ctx: Context, target: object, viewer: View, granularity: str) -> str:
    angle = signed_angle(viewer, position(ctx, target, "direction(target)"), describe(target))
    return name_direction(angle, granularity)


@operation("angle", [Param("target", TARGET), Param("viewer", (VIEW,))], NUMBER, "signed horizontal angle from the viewer's heading to the target, positive to the left", unit="°", category="directions")
def angle(ctx: Context, target: object, viewer: View) -> float:
    return signed_angle(viewer, position(ctx, target, "angle(target)"), describe(target))


@operation(
    "relation",
    [Param("target", TARGET), Param("reference", TARGET), Param("viewer", (VIEW,))],
    TEXT,
    "where the target is relative to the reference as the viewer sees them: left, right, in front of (nearer the viewer) or behind",
    category="directions",
)
def relation(ctx: Context, target: object, reference: object, viewer: View) -> str:
    tx, ty = local_xy(viewer, position(ctx, target, "relation(target)"))
    rx, ry = local_xy(viewer, position(ctx, reference, "relation(reference)"))
    dx, dy = tx - rx, ty - ry
    if max(abs(dx), abs(dy)) < 1e-6:
        raise OpError(f"{describe(target)} and {describe(reference)} are at the same place", code="same-position")
    if abs(dx) >= abs(dy) - 1e-9:  # an exact diagonal reads as sideways, whatever the rounding of the viewer's axes
        return "right" if dx > 0 else "left"
    return "in front of" if dy < 0 else "behind"


@operation(
    "objects_around",
    [Param("viewer", (VIEW,)), Param("side", (TEXT,), choices=("front", "back", "left", "right"))],
    OBJECTS,
    "the objects in a 90° sector around the viewer (front: within 45° of the heading; back: 135° or more); objects at the viewer's position are left out",
    category="directions",
)
def objects_around(ctx: Context, viewer: View, side: str) -> ObjectSet:
    index = ctx.memory.index
    x, y = local_xy_many(viewer, index.centre)
    inside = (x * x + y * y >= 1e-12) & (sectors(angles_of(x, y)) == side)
    return object_set(ctx, f"objects {side} of {viewer.origin}", np.flatnonzero(inside))


@operation("motion", [Param("from_view", (VIEW,)), Param("to_view", (VIEW,))], TEXT, "how the viewer moved between two views, in the first view's frame: directly forward/backward/left/right or diagonally forward and left, …", category="directions")
def motion(ctx: Context, from_view: View, to_view: View) -> str:
    x, y = local_xy(from_view, to_view.xy)
    return name_motion(x, y)


@operation(
    "turn_towards",
    [Param("viewer", (VIEW,)), Param("target", TARGET), Param("forward", (BOOL,), True)],
    TEXT,
    "the turn a walker needs to face the target: go forward (within 45°, only when forward is true), turn left, turn right, or turn back (135° or more)",
    category="directions",
)
def turn_towards(ctx: Context, viewer: View, target: object, forward: bool) -> str:
    try:
        return name_turn(signed_angle(viewer, position(ctx, target, "turn_towards(target)"), describe(target)), forward)
    except OpError as exc:
        if exc.code == "same-position":
            raise OpError(f"already at {describe(target)}: no turn needed", code="same-position") from None
        raise
