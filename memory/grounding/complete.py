"""Amodal completion of boxes fitted to what the cameras saw.

Furniture is often seen only from above or from one side. A box is grown
down to what supports it (the floor or another object's top) when the space
beneath was never seen empty, and a box seen only as a thin surface gets a
minimum thickness on its hidden side. Depth is z-depth in metres (0 = unknown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.model import Frame


def _column_samples(box: OrientedBox, bottom: float, top: float, n: int = 5, layers: int = 4) -> np.ndarray:
    """Points filling the box's footprint between heights `bottom` and `top`."""
    u = np.linspace(-0.4, 0.4, n)
    grid = np.stack(np.meshgrid(u, u, np.linspace(0.1, 0.9, layers), indexing="ij"), -1).reshape(-1, 3)
    xy = box.c[:2] + (grid[:, :2] * box.e[:2]) @ box.R[:2, :2].T
    z = bottom + grid[:, 2] * (top - bottom)
    return np.c_[xy, z]


def seen_empty_fraction(points: np.ndarray, frames: Sequence[Frame], depth: Callable[[int], np.ndarray], margin: float = 0.05) -> float:
    """Share of the points that some camera saw through (observed depth beyond the point)."""
    free = np.zeros(len(points), bool)
    for frame in frames:
        pose = frame.pose_array
        cam = (points - pose[:3, 3]) @ pose[:3, :3]
        z = cam[:, 2]
        ok = z > 0.05
        u = np.round(cam[:, 0] / np.where(ok, z, 1) * frame.K_array[0, 0] + frame.K_array[0, 2]).astype(int)
        v = np.round(cam[:, 1] / np.where(ok, z, 1) * frame.K_array[1, 1] + frame.K_array[1, 2]).astype(int)
        ok &= (u >= 0) & (u < frame.width) & (v >= 0) & (v < frame.height)
        d = depth(frame.index)[v[ok], u[ok]]
        free[np.nonzero(ok)[0][d > z[ok] + margin]] = True
    return float(free.mean())


def support_height(box: OrientedBox, others: Sequence[OrientedBox], floor_z: float) -> float:
    """Where the box would rest: the highest top of an object under its footprint (capped at the box's
    bottom, for objects sitting inside another's box, like a pillow on a sofa), else the floor."""
    lo, hi = box.aabb()
    tops = [floor_z]
    for other in others:
        olo, ohi = other.aabb()
        overlaps = (olo[:2] < hi[:2]).all() and (ohi[:2] > lo[:2]).all()
        if overlaps and olo[2] < lo[2]:
            tops.append(float(min(ohi[2], lo[2])))
    return max(tops)


def complete_box(
    box: OrientedBox,
    others: Sequence[OrientedBox],
    frames: Sequence[Frame],
    depth: Callable[[int], np.ndarray],
    floor_z: float | None,
    min_thickness: float = 0.05,
) -> OrientedBox:
    """The box grown down to its support when the space beneath was never seen empty, and thickened if thin."""
    centre, extents = box.c.copy(), box.e.copy()
    lo, hi = centre[2] - extents[2] / 2, centre[2] + extents[2] / 2
    if floor_z is not None:
        support = support_height(box, others, floor_z)
        if lo - support > 0.02 and seen_empty_fraction(_column_samples(box, support, lo), frames, depth) < 0.2:
            lo = support
    centre[2], extents[2] = (lo + hi) / 2, hi - lo
    seen_from = np.mean([f.position for f in frames], axis=0) if frames else centre
    for axis in (0, 1):
        if extents[axis] < min_thickness:
            direction = box.R[:, axis]
            away = 1.0 if float((centre - seen_from) @ direction) > 0 else -1.0
            centre += away * direction * (min_thickness - extents[axis]) / 2
            extents[axis] = min_thickness
    return OrientedBox(center=tuple(centre), extents=tuple(extents), rotation=box.rotation)
