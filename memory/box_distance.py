"""Exact distances between solid oriented boxes (ground-truth objects), without sampling.

Two convex boxes either intersect (separating-axis test over the 15
candidate axes) or their closest points are realised by a vertex of one and
the other box, or by a pair of edges. All three cases are vectorised.
"""

from __future__ import annotations

import numpy as np

from reasmory.memory.boxes import OrientedBox

_EDGES = np.array(
    [(0, 1), (2, 3), (4, 5), (6, 7), (0, 2), (1, 3), (4, 6), (5, 7), (0, 4), (1, 5), (2, 6), (3, 7)], dtype=np.int64
)


def point_box_distance(points: np.ndarray, box: OrientedBox) -> np.ndarray:
    """Distance from each of the (N, 3) points to the solid box (0 inside)."""
    local = (np.asarray(points, np.float64).reshape(-1, 3) - box.c) @ box.R
    outside = np.maximum(np.abs(local) - box.e / 2, 0.0)
    return np.linalg.norm(outside, axis=1)


def boxes_intersect(a: OrientedBox, b: OrientedBox, eps: float = 1e-9) -> bool:
    """Separating-axis test: True when the solid boxes overlap or touch."""
    ra, rb = a.R, b.R
    crosses = np.cross(ra.T[:, None, :], rb.T[None, :, :]).reshape(9, 3)
    norms = np.linalg.norm(crosses, axis=1)
    keep = norms > 1e-9
    axes = [*ra.T, *rb.T, *(crosses[keep] / norms[keep, None])]
    axes_arr = np.asarray(axes)
    ha = np.abs(axes_arr @ ra) @ (a.e / 2)
    hb = np.abs(axes_arr @ rb) @ (b.e / 2)
    gap = np.abs(axes_arr @ (b.c - a.c)) - ha - hb
    return bool(np.all(gap <= eps))


def _segment_distances(p0: np.ndarray, p1: np.ndarray, q0: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Closest distances between segment pairs (all arrays (K, 3)), robust to parallel segments."""
    d1, d2, r = p1 - p0, q1 - q0, p0 - q0
    a = np.einsum("ij,ij->i", d1, d1)
    e = np.einsum("ij,ij->i", d2, d2)
    f = np.einsum("ij,ij->i", d2, r)
    c = np.einsum("ij,ij->i", d1, r)
    b = np.einsum("ij,ij->i", d1, d2)
    denom = a * e - b * b
    safe = np.where(denom > 1e-12, denom, 1.0)
    s = np.where(denom > 1e-12, np.clip((b * f - c * e) / safe, 0.0, 1.0), 0.0)
    t = (b * s + f) / np.where(e > 1e-12, e, 1.0)
    s = np.where(t < 0, np.clip(-c / np.where(a > 1e-12, a, 1.0), 0, 1), np.where(t > 1, np.clip((b - c) / np.where(a > 1e-12, a, 1.0), 0, 1), s))
    t = np.clip(t, 0.0, 1.0)
    point_q = e <= 1e-12  # the second segment is a point: the nearest point of the first is its projection
    s = np.where(point_q, np.clip(-c / np.where(a > 1e-12, a, 1.0), 0.0, 1.0), s)
    t = np.where(point_q, 0.0, t)
    return np.linalg.norm(p0 + d1 * s[:, None] - (q0 + d2 * t[:, None]), axis=1)


def box_box_distance(a: OrientedBox, b: OrientedBox) -> float:
    """Exact distance between the closest points of two solid oriented boxes (0 when they touch)."""
    if boxes_intersect(a, b):
        return 0.0
    ca, cb = a.corners(), b.corners()
    vertex = min(float(point_box_distance(ca, b).min()), float(point_box_distance(cb, a).min()))
    ea, eb = ca[_EDGES], cb[_EDGES]
    p0 = np.repeat(ea[:, 0], 12, axis=0)
    p1 = np.repeat(ea[:, 1], 12, axis=0)
    q0 = np.tile(eb[:, 0], (12, 1))
    q1 = np.tile(eb[:, 1], (12, 1))
    return min(vertex, float(_segment_distances(p0, p1, q0, q1).min()))
