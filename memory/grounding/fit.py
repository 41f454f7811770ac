"""Gravity-aligned oriented boxes fitted to an object's points, robust to stray points.

Yaw is the direction whose (trimmed) rectangle hugs the floor-plane points
most closely (smallest mean distance from each point to the nearest side).
The minimum-area rectangle is not used: for an L of points (a front and one
side seen) or a thin slab seen with one edge, the hypotenuse-aligned
rectangle has the same area as the true one, so its yaw is a coin toss,
while closeness is zero only for the true sides. Extents are trimmed
percentiles along the chosen axes, so a few outliers cannot inflate the box.
World z is up.

Noisy depth (a learned reconstruction, a consumer sensor) leaves each surface
as a layer of points some centimetres thick, and percentile extents then sit
outside the true faces by about that thickness on every side: boxes grow,
gaps between objects shrink, and object-size scale votes pull the whole scene
small. `surface_spread` measures the layer (the scatter of points off the
plane of their neighbours, about zero for exact depth) and `fit_box` moves
each face inwards by it.
"""

from __future__ import annotations

import math

import numpy as np

from scipy.spatial import cKDTree

from reasmory.memory.boxes import OrientedBox

_MAX_YAW_POINTS = 3000
#: At most this share of an extent is taken off each of its ends by `spread`.
_MAX_SHRINK = 0.25


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


def surface_spread(points: np.ndarray, neighbours: int = 16, sample: int = 1500) -> float | None:
    """Median scatter (m) of points off the best plane through their `neighbours` nearest among all the points (the
    square root of the smallest eigenvalue of their covariance), at an even sample of at most `sample` of them; None
    under 2× `neighbours` points. Neighbourhoods stay as small as the points are dense, so edges and curvature add
    next to nothing: it measures depth noise."""
    pts = np.asarray(points, np.float64)
    if len(pts) < 2 * neighbours:
        return None
    at = pts[np.linspace(0, len(pts) - 1, min(len(pts), sample)).astype(int)]
    _, idx = cKDTree(pts).query(at, k=neighbours)
    near = pts[idx] - pts[idx].mean(axis=1, keepdims=True)
    smallest = np.linalg.eigvalsh(np.einsum("nki,nkj->nij", near, near) / neighbours)[:, 0]
    return float(np.median(np.sqrt(np.maximum(smallest, 0.0))))


def fit_box(points: np.ndarray, trim: float = 1.0, spread: float = 0.0) -> OrientedBox:
    """A yaw-only box around (N, 3) world points; `trim` percent cut at each end of every axis, then each face moved
    inwards by `spread` (m: the thickness noise gives surfaces, at most a quarter of the extent per end)."""
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
    extents = np.append(hi - lo, hi_z - lo_z)
    extents = np.maximum(extents - 2 * np.minimum(spread, _MAX_SHRINK * extents), 1e-3)
    if extents[1] > extents[0]:  # the first axis is the longer horizontal side
        yaw += math.pi / 2
        extents[[0, 1]] = extents[[1, 0]]
    yaw = math.atan2(math.sin(yaw), math.cos(yaw))
    return OrientedBox.from_yaw([mid[0], mid[1], (lo_z + hi_z) / 2], extents, yaw)
