"""Ground-truth geometry for answers, written directly on boxes with numpy.

Distances are between solid gravity-aligned boxes: a box is its footprint
rectangle times a height interval, so the closest distance splits exactly
into a horizontal part (between the footprints) and a vertical part (between
the height intervals). Angles are horizontal, in degrees, counter-clockwise
(to the left) positive, world z up.
"""

from __future__ import annotations

import math

import numpy as np

from reasmory.synth.plane import convex_distance, convex_overlap, points_in_polygon
from reasmory.synth.questions.model import GtObject


def box_distance(a: GtObject, b: GtObject) -> float:
    """Closest distance between two solid boxes, metres (0 when they touch or overlap)."""
    horizontal = convex_distance(a.footprint(), b.footprint())
    vertical = max(0.0, a.z0 - b.z1, b.z0 - a.z1)
    return math.hypot(horizontal, vertical)


def group_distance(a: list[GtObject], b: list[GtObject]) -> float:
    """Closest distance between any instance of one group and any of the other."""
    return min(box_distance(x, y) for x in a for y in b)


def point_box_distance(p: np.ndarray, box: GtObject) -> float:
    """Distance from a 3D point to a solid box."""
    c, s = math.cos(box.yaw), math.sin(box.yaw)
    rel = np.asarray(p, np.float64) - box.center
    local = np.array([c * rel[0] + s * rel[1], -s * rel[0] + c * rel[1], rel[2]])
    return float(np.linalg.norm(np.maximum(np.abs(local) - box.extents / 2, 0.0)))


def ccw_angle(forward: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Angles in [0, 360) from a horizontal `forward` (2,) to each target direction (N, 2), to the left positive."""
    f = np.asarray(forward, np.float64)
    t = np.atleast_2d(np.asarray(targets, np.float64))
    cross = f[0] * t[:, 1] - f[1] * t[:, 0]
    dot = t @ f
    return np.degrees(np.arctan2(cross, dot)) % 360.0


def signed_angle(forward: np.ndarray, target: np.ndarray) -> float:
    """Angle in (−180, 180] from `forward` to `target` (both 2D), to the left positive."""
    a = float(ccw_angle(forward, target)[0])
    return a - 360.0 if a > 180.0 else a


def clear_of_boundaries(angle: float, boundaries: tuple[float, ...], margin: float) -> bool:
    """Whether an angle in [0, 360) is at least `margin` degrees from every boundary (taken modulo 360)."""
    gaps = [abs((angle - b + 180.0) % 360.0 - 180.0) for b in boundaries]
    return min(gaps) >= margin


def bin_index(angles: np.ndarray, edges: tuple[float, ...]) -> np.ndarray:
    """Which bin [edges[i], edges[i+1]) each angle in [0, 360) falls into."""
    return np.searchsorted(np.asarray(edges[1:-1]), np.asarray(angles), side="right")


def segment_blocked(a: np.ndarray, b: np.ndarray, obstacles: list[GtObject]) -> bool:
    """Whether the floor segment a→b passes through any obstacle's footprint."""
    seg = np.stack([np.asarray(a, np.float64)[:2], np.asarray(b, np.float64)[:2]])
    return any(convex_overlap(seg, o.footprint()) for o in obstacles)


def inside_room(p: np.ndarray, polygon: np.ndarray | None, margin_from: list[GtObject] = ()) -> bool:
    """Whether a floor point is inside the room and outside every given footprint."""
    if polygon is not None and not points_in_polygon(np.asarray(p, np.float64)[None, :2], polygon)[0]:
        return False
    return not any(points_in_polygon(np.asarray(p, np.float64)[None, :2], o.footprint())[0] for o in margin_from)
