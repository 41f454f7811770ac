"""Gravity-aligned oriented boxes fitted to an object's points, robust to stray points.

Yaw comes from the minimum-area rectangle around the floor-plane convex hull
of the trimmed points (the principal axes of furniture are its sides);
extents are trimmed percentiles along those axes, so a few outliers cannot
inflate the box. World z is up.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from reasmory.memory.boxes import OrientedBox


def _min_area_yaw(xy: np.ndarray) -> float:
    """Yaw (radians) of the minimum-area rectangle enclosing the 2D points."""
    try:
        hull = xy[ConvexHull(xy).vertices]
    except (QhullError, ValueError):
        centred = xy - xy.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        return math.atan2(vt[0, 1], vt[0, 0])
    edges = np.diff(np.vstack([hull, hull[:1]]), axis=0)
    angles = np.unique(np.mod(np.arctan2(edges[:, 1], edges[:, 0]), math.pi / 2))
    c, s = np.cos(angles), np.sin(angles)
    u = hull @ np.stack([c, s])
    v = hull @ np.stack([-s, c])
    areas = np.ptp(u, axis=0) * np.ptp(v, axis=0)
    return float(angles[int(np.argmin(areas))])


def fit_box(points: np.ndarray, trim: float = 1.0) -> OrientedBox:
    """A yaw-only box around (N, 3) world points; `trim` percent cut at each end of every axis."""
    pts = np.asarray(points, np.float64)
    lo_z, hi_z = np.percentile(pts[:, 2], [trim, 100 - trim])
    xy = pts[:, :2]
    centre = np.median(xy, axis=0)
    radius = np.linalg.norm(xy - centre, axis=1)
    core = xy[radius <= np.percentile(radius, 100 - trim)] if len(xy) > 20 else xy
    yaw = _min_area_yaw(core)
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
