"""Gravity-aligned oriented boxes fitted to an object's points, robust to stray points.

Yaw is the direction whose (trimmed) rectangle hugs the floor-plane points
most closely (smallest mean distance from each point to the nearest side).
The minimum-area rectangle is not used: for an L of points (a front and one
side seen) or a thin slab seen with one edge, the hypotenuse-aligned
rectangle has the same area as the true one, so its yaw is a coin toss,
while closeness is zero only for the true sides. Extents are trimmed
percentiles along the chosen axes, so a few outliers cannot inflate the box.
World z is up.
"""

from __future__ import annotations

import math

import numpy as np

from reasmory.memory.boxes import OrientedBox

_MAX_YAW_POINTS = 3000


def closeness(xy: np.ndarray, angles: np.ndarray, trim: float = 2.0) -> np.ndarray:
    """Per angle (radians): mean distance from each point to the nearest side of its rectangle, whose sides are
    the `trim` and 100 − `trim` percentiles (so a handle or a few stray points cannot tilt it)."""
    c, s = np.cos(angles), np.sin(angles)
    d = None
    for axis in (np.stack([c, s]), np.stack([-s, c])):
        t = xy @ axis
        lo, hi = np.percentile(t, [trim, 100 - trim], axis=0)
        near = np.minimum(np.abs(t - lo), np.abs(hi - t))
        d = near if d is None else np.minimum(d, near)
    return d.mean(axis=0)


def fit_yaw(xy: np.ndarray) -> float:
    """Yaw (radians, in [0, π/2)) of the rectangle that hugs the 2D points best: a 1° sweep, then a 0.02° refinement."""
    if len(xy) > _MAX_YAW_POINTS:
        xy = xy[np.linspace(0, len(xy) - 1, _MAX_YAW_POINTS).astype(int)]
    xy = xy - xy.mean(axis=0)
    coarse = np.radians(np.arange(0.0, 90.0, 1.0))
    best = coarse[int(np.argmin(closeness(xy, coarse)))]
    fine = best + np.radians(np.arange(-1.0, 1.0 + 1e-9, 0.02))
    return float(np.mod(fine[int(np.argmin(closeness(xy, fine)))], math.pi / 2))


def fit_box(points: np.ndarray, trim: float = 1.0) -> OrientedBox:
    """A yaw-only box around (N, 3) world points; `trim` percent cut at each end of every axis."""
    pts = np.asarray(points, np.float64)
    lo_z, hi_z = np.percentile(pts[:, 2], [trim, 100 - trim])
    xy = pts[:, :2]
    centre = np.median(xy, axis=0)
    radius = np.linalg.norm(xy - centre, axis=1)
    core = xy[radius <= np.percentile(radius, 100 - trim)] if len(xy) > 20 else xy
    yaw = fit_yaw(core)
    axes = np.array([[math.cos(yaw), math.sin(yaw)], [-math.sin(yaw), math.cos(yaw)]])
    local = xy @ axes.T
    lo, hi = np.percentile(local, [trim, 100 - trim], axis=0)
    mid = axes.T @ ((lo + hi) / 2)
    extents = np.maximum(np.append(hi - lo, hi_z - lo_z), 1e-3)
    if extents[1] > extents[0]:  # the first axis is the longer horizontal side
        yaw += math.pi / 2
        extents[[0, 1]] = extents[[1, 0]]
    yaw = math.atan2(math.sin(yaw), math.cos(yaw))
    return OrientedBox.from_yaw([mid[0], mid[1], (lo_z + hi_z) / 2], extents, yaw)
