"""Exact distances between solid oriented boxes (ground-truth objects), without sampling, many pairs at once.

Two convex boxes either intersect (separating-axis test over the 15
candidate axes) or their closest points are realised by a vertex of one and
the other box, or by a pair of edges. Every function takes K boxes (or K
pairs) as arrays and works on all of them in one pass; the one-pair
functions are the K = 1 case of the same code, so both give identical
numbers.

Boxes as arrays: centres (K, 3), rotations (K, 3, 3) whose columns are the
box axes in world coordinates, half extents (K, 3); float64, world metres.
"""

from __future__ import annotations

import numpy as np

from reasmory.memory.boxes import OrientedBox

_EDGES = np.array(
    [(0, 1), (2, 3), (4, 5), (6, 7), (0, 2), (1, 3), (4, 6), (5, 7), (0, 4), (1, 5), (2, 6), (3, 7)], dtype=np.int64
)
_SIGNS = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=np.float64)


def _arrays(box: OrientedBox) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return box.c[None], box.R[None], box.e[None] / 2


def _local(points: np.ndarray, centre: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    """(K, M, 3) points in their box's frame: Rᵀ(p − c), as explicit products so every K gives the same bits."""
    d = points - centre[:, None, :]
    return d[..., 0:1] * rotation[:, None, 0, :] + d[..., 1:2] * rotation[:, None, 1, :] + d[..., 2:3] * rotation[:, None, 2, :]


def points_to_boxes(points: np.ndarray, centre: np.ndarray, rotation: np.ndarray, half: np.ndarray) -> np.ndarray:
    """(K, M) distances from each of box k's M points (K, M, 3) to solid box k (0 inside)."""
    outside = np.maximum(np.abs(_local(points, centre, rotation)) - half[:, None, :], 0.0)
    return np.sqrt(np.einsum("kmi,kmi->km", outside, outside))


def box_corners(centre: np.ndarray, rotation: np.ndarray, half: np.ndarray) -> np.ndarray:
    """(K, 8, 3) corners of K boxes, in `OrientedBox.corners` order."""
    local = _SIGNS[None] * half[:, None, :]
    return centre[:, None, :] + local[..., 0:1] * rotation[:, None, :, 0] + local[..., 1:2] * rotation[:, None, :, 1] \
        + local[..., 2:3] * rotation[:, None, :, 2]


def boxes_overlap(ca: np.ndarray, ra: np.ndarray, ha: np.ndarray, cb: np.ndarray, rb: np.ndarray, hb: np.ndarray,
                  eps: float = 1e-9) -> np.ndarray:
    """(K,) separating-axis test of K box pairs: True where the solid boxes overlap or touch."""
    axes_a, axes_b = np.swapaxes(ra, 1, 2), np.swapaxes(rb, 1, 2)  # (K, 3, 3): row i is axis i
    crosses = np.cross(axes_a[:, :, None, :], axes_b[:, None, :, :]).reshape(-1, 9, 3)
    norms = np.linalg.norm(crosses, axis=2)
    usable = norms > 1e-9
    crosses = crosses / np.where(usable, norms, 1.0)[..., None]
    axes = np.concatenate([axes_a, axes_b, crosses], axis=1)  # (K, 15, 3)
    reach_a = np.abs(np.einsum("kxi,kij->kxj", axes, ra)) @ ha[..., None]
    reach_b = np.abs(np.einsum("kxi,kij->kxj", axes, rb)) @ hb[..., None]
    gap = np.abs(np.einsum("kxi,ki->kx", axes, cb - ca)) - reach_a[..., 0] - reach_b[..., 0]
    separating = (gap > eps) & np.concatenate([np.ones((len(ca), 6), bool), usable], axis=1)
    return ~separating.any(axis=1)


def _segment_distances(p0: np.ndarray, p1: np.ndarray, q0: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """Closest distances between segment pairs (all arrays (..., 3)), robust to parallel segments."""
    d1, d2, r = p1 - p0, q1 - q0, p0 - q0
    a = np.einsum("...j,...j->...", d1, d1)
    e = np.einsum("...j,...j->...", d2, d2)
    f = np.einsum("...j,...j->...", d2, r)
    c = np.einsum("...j,...j->...", d1, r)
    b = np.einsum("...j,...j->...", d1, d2)
    denom = a * e - b * b
    safe = np.where(denom > 1e-12, denom, 1.0)
    s = np.where(denom > 1e-12, np.clip((b * f - c * e) / safe, 0.0, 1.0), 0.0)
    t = (b * s + f) / np.where(e > 1e-12, e, 1.0)
    a_safe = np.where(a > 1e-12, a, 1.0)
    s = np.where(t < 0, np.clip(-c / a_safe, 0, 1), np.where(t > 1, np.clip((b - c) / a_safe, 0, 1), s))
    t = np.clip(t, 0.0, 1.0)
    point_q = e <= 1e-12  # the second segment is a point: the nearest point of the first is its projection
    s = np.where(point_q, np.clip(-c / a_safe, 0.0, 1.0), s)
    t = np.where(point_q, 0.0, t)
    gap = p0 + d1 * s[..., None] - (q0 + d2 * t[..., None])
    return np.sqrt(np.einsum("...j,...j->...", gap, gap))


def box_pair_distances(ca: np.ndarray, ra: np.ndarray, ha: np.ndarray, cb: np.ndarray, rb: np.ndarray,
                       hb: np.ndarray) -> np.ndarray:
    """(K,) exact distances between the closest points of K pairs of solid boxes (0 where they touch)."""
    out = np.zeros(len(ca))
    apart = ~boxes_overlap(ca, ra, ha, cb, rb, hb)
    if not apart.any():
        return out
    ca, ra, ha, cb, rb, hb = (x[apart] for x in (ca, ra, ha, cb, rb, hb))
    corners_a, corners_b = box_corners(ca, ra, ha), box_corners(cb, rb, hb)
    vertex = np.minimum(points_to_boxes(corners_a, cb, rb, hb).min(axis=1), points_to_boxes(corners_b, ca, ra, ha).min(axis=1))
    ea, eb = corners_a[:, _EDGES], corners_b[:, _EDGES]  # (K, 12, 2, 3)
    edge = _segment_distances(ea[:, :, None, 0], ea[:, :, None, 1], eb[:, None, :, 0], eb[:, None, :, 1])
    out[apart] = np.minimum(vertex, edge.reshape(len(ca), -1).min(axis=1))
    return out


def point_box_distance(points: np.ndarray, box: OrientedBox) -> np.ndarray:
    """Distance from each of the (N, 3) points to the solid box (0 inside)."""
    c, r, h = _arrays(box)
    return points_to_boxes(np.asarray(points, np.float64).reshape(1, -1, 3), c, r, h)[0]


def boxes_intersect(a: OrientedBox, b: OrientedBox, eps: float = 1e-9) -> bool:
    """Separating-axis test: True when the solid boxes overlap or touch."""
    return bool(boxes_overlap(*_arrays(a), *_arrays(b), eps=eps)[0])


def box_box_distance(a: OrientedBox, b: OrientedBox) -> float:
    """Exact distance between the closest points of two solid oriented boxes (0 when they touch)."""
    return float(box_pair_distances(*_arrays(a), *_arrays(b))[0])
