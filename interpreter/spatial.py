"""Horizontal geometry of viewers and targets: signed angles and their names.

Angles are degrees in (−180, 180], positive to the viewer's left
(counter-clockwise seen from above, world z up). A viewer's plane has the
viewer at the origin facing +y, with +x to the right.
"""

from __future__ import annotations

import math

import numpy as np

from reasmory.interpreter.context import OpError
from reasmory.interpreter.values import View

_EPS = 1e-9
_SAME_PLACE = 1e-6


def local_xy_many(viewer: View, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, ≥ 2) in the viewer's plane: (n,) x to the right and (n,) y forward, metres."""
    cos, sin = math.cos(viewer.heading), math.sin(viewer.heading)
    dx = np.asarray(points, np.float64)[:, 0] - viewer.position[0]
    dy = np.asarray(points, np.float64)[:, 1] - viewer.position[1]
    return dx * sin - dy * cos, dx * cos + dy * sin


def local_xy(viewer: View, point: np.ndarray) -> tuple[float, float]:
    """The point in the viewer's plane: (x to the right, y forward), metres."""
    x, y = local_xy_many(viewer, np.asarray(point, np.float64)[None, :2])
    return float(x[0]), float(y[0])


def angles_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Signed angles (degrees, positive to the left, in (−180, 180]) of viewer-plane positions."""
    angle = np.degrees(np.arctan2(-x, y))
    return np.where(angle <= -180.0 + _EPS, 180.0, angle)


def signed_angle(viewer: View, point: np.ndarray, what: str = "the target") -> float:
    """Horizontal angle from the viewer's heading to the point, degrees, positive to the left."""
    x, y = local_xy(viewer, point)
    if math.hypot(x, y) < _SAME_PLACE:
        raise OpError(f"{what} is at the viewer's position, so it has no direction", code="same-position")
    return float(angles_of(np.array([x]), np.array([y]))[0])


def clock_hour(angle: float) -> int:
    """The nearest clock hour (12 = ahead, 3 = right); a half-hour angle goes to the hour nearer 12 on either side."""
    hours_from_ahead = math.ceil((abs(angle) - 15.0 - _EPS) / 30.0)
    hour = hours_from_ahead if angle < 0 else 12 - hours_from_ahead
    return hour or 12


def name_direction(angle: float, granularity: str) -> str:
    """Name an angle: lr, lrb (back when |angle| ≥ 135°), quadrant, or clock (12 = ahead, 3 = right)."""
    if granularity == "clock":
        return f"{clock_hour(angle)} o'clock"
    ahead_or_behind = abs(angle) < _EPS or abs(abs(angle) - 180.0) < _EPS
    if granularity == "lrb" and abs(angle) >= 135.0 - _EPS:
        return "back"
    if ahead_or_behind:
        where = "straight ahead" if abs(angle) < 90 else "straight behind"
        raise OpError(f"the target is {where}: neither left nor right", hint="use granularity=\"clock\" or angle()", code="on-boundary")
    side = "left" if angle > 0 else "right"
    if granularity == "quadrant":
        return f"{'front' if abs(angle) <= 90.0 + _EPS else 'back'}-{side}"
    return side


def name_turn(angle: float, forward: bool = True) -> str:
    """The turn a walker makes to face a target at `angle`: forward within 45° (if allowed), back from 135°."""
    if forward and abs(angle) <= 45.0 + _EPS:
        return "go forward"
    if abs(angle) >= 135.0 - _EPS:
        return "turn back"
    if abs(angle) < _EPS:
        raise OpError("the target is straight ahead: neither a left nor a right turn", hint="use forward=true to allow \"go forward\"",
                      code="on-boundary")
    return "turn left" if angle > 0 else "turn right"


_MOVES = (
    "directly forward",
    "diagonally forward and left",
    "directly left",
    "diagonally backward and left",
    "directly backward",
    "diagonally backward and right",
    "directly right",
    "diagonally forward and right",
)


def name_motion(x: float, y: float) -> str:
    """How a displacement (x right, y forward) reads: one of eight 45° sectors."""
    if math.hypot(x, y) < 1e-3:
        return "no movement"
    angle = math.degrees(math.atan2(-x, y)) % 360.0
    return _MOVES[int(((angle + 22.5) % 360.0) // 45.0)]


def sectors(angles: np.ndarray) -> np.ndarray:
    """Per angle: front (|a| ≤ 45), left (45 < a < 135), back (|a| ≥ 135), right (−135 < a < −45)."""
    size = np.abs(angles)
    return np.select([size <= 45.0 + _EPS, size >= 135.0 - _EPS, angles > 0], ["front", "back", "left"], "right")
