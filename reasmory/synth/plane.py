"""2D geometry on the floor plane: rotated rectangles (footprints) and polygons (rooms).

Arrays: points (N, 2) float64 metres in world xy; a footprint is given by its
centre (2,), half sizes (2,) along its own axes and a yaw in radians
(counter-clockwise from above). Polygons are (M, 2), counter-clockwise.
"""

from __future__ import annotations

import math

import numpy as np


def rotation2d(yaw: float) -> np.ndarray:
    """2×2 rotation whose columns are the footprint's local x and y axes in world xy."""
    c, s = math.cos(yaw), math.sin(yaw)
    return np.array([[c, -s], [s, c]])


def rect_corners(center: np.ndarray, half: np.ndarray, yaw: float) -> np.ndarray:
    """(4, 2) corners, counter-clockwise."""
    local = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=np.float64) * np.asarray(half, np.float64)
    return np.asarray(center, np.float64)[:2] + local @ rotation2d(yaw).T


def _axes(corners: np.ndarray) -> np.ndarray:
    edges = np.roll(corners, -1, axis=0) - corners
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)


def convex_overlap(a: np.ndarray, b: np.ndarray, margin: float = 0.0) -> bool:
    """Whether two convex polygons come closer than `margin` (separating-axis test; exact for margin 0)."""
    for axis in np.concatenate([_axes(a), _axes(b)]):
        pa, pb = a @ axis, b @ axis
        if pa.max() + margin <= pb.min() or pb.max() + margin <= pa.min():
            return False
    return True


def points_in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Boolean (N,) mask of points strictly or nearly inside a simple polygon (even-odd rule)."""
    pts = np.atleast_2d(np.asarray(points, np.float64))
    poly = np.asarray(polygon, np.float64)
    x, y = pts[:, 0:1], pts[:, 1:2]
    x0, y0 = poly[:, 0], poly[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    crosses = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return np.count_nonzero(crosses & (x < x_at), axis=1) % 2 == 1


def points_to_segments(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, S) distances from points (N, 2) to segments a[s]→b[s]."""
    p = np.asarray(points, np.float64)[:, None, :]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-12), 0, 1)
    return np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)


def polygon_edges(polygon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    poly = np.asarray(polygon, np.float64)
    return poly, np.roll(poly, -1, axis=0)


def convex_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Distance between two convex polygons (0 when they overlap)."""
    if convex_overlap(a, b):
        return 0.0
    d_ab = points_to_segments(a, *polygon_edges(b)).min()
    d_ba = points_to_segments(b, *polygon_edges(a)).min()
    return float(min(d_ab, d_ba))


def rect_inside_polygon(corners: np.ndarray, polygon: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether a rectangle lies inside a simple polygon: corners inside, no polygon vertex inside it."""
    poly = np.asarray(polygon, np.float64)
    centroid = corners.mean(axis=0)
    shrunk = centroid + (corners - centroid) * (1 - tol)
    if not points_in_polygon(shrunk, poly).all():
        return False
    inner = centroid + (corners - centroid) * (1 - 1e-3)
    return not points_in_polygon(poly, inner).any()


def points_to_rect(points: np.ndarray, center: np.ndarray, half: np.ndarray, yaw: float) -> np.ndarray:
    """(N,) distances from points to a filled rotated rectangle (0 inside)."""
    local = (np.asarray(points, np.float64) - np.asarray(center, np.float64)[:2]) @ rotation2d(yaw)
    gap = np.maximum(np.abs(local) - np.asarray(half, np.float64), 0.0)
    return np.linalg.norm(gap, axis=1)


def polygon_area(polygon: np.ndarray) -> float:
    """Shoelace area of a simple polygon, m²."""
    x, y = np.asarray(polygon, np.float64).T
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)
