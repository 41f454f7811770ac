"""Geometric queries on object point sets, done once and well.

Closest-point distances use one cached KD-tree per object and prune pairs
by the distance between their axis-aligned bounds (a true lower bound), so
comparing many objects never degenerates into all-pairs point searches.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from reasmory.memory.box_distance import box_box_distance, point_box_distance
from reasmory.memory.model import ObjectInstance


#: `attributes["geometry"]` values of objects measured as solid boxes: ground truth ("box") and grounded objects whose
#: box was completed amodally ("amodal box"), the best estimate of their full extent (their points are only the seen part).
SOLID_GEOMETRY = frozenset({"box", "amodal box"})


def is_solid_box(obj: ObjectInstance) -> bool:
    """Objects measured as their boxes (`SOLID_GEOMETRY`): distances to them are box distances, as the ground truth's."""
    return obj.attributes.get("geometry") in SOLID_GEOMETRY


class ObjectGeometryCache:
    """KD-trees and bounds of object point sets, keyed by object id."""

    def __init__(self) -> None:
        self._trees: dict[int, cKDTree] = {}
        self._bounds: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def points(self, obj: ObjectInstance) -> np.ndarray:
        """The object's points, or its box corners when it has none."""
        return obj.points if len(obj.points) else obj.box.corners().astype(np.float32)

    def tree(self, obj: ObjectInstance) -> cKDTree:
        tree = self._trees.get(obj.id)
        if tree is None:
            tree = self._trees[obj.id] = cKDTree(self.points(obj))
        return tree

    def bounds(self, obj: ObjectInstance) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned bounds of the object's geometry (its box when solid, else its points)."""
        b = self._bounds.get(obj.id)
        if b is None:
            if is_solid_box(obj):
                b = obj.box.aabb()
            else:
                pts = self.points(obj)
                b = (pts.min(axis=0).astype(np.float64), pts.max(axis=0).astype(np.float64))
            self._bounds[obj.id] = b
        return b

    def clear(self) -> None:
        self._trees.clear()
        self._bounds.clear()


def aabb_gap(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """Distance between two axis-aligned boxes (0 when they overlap): a lower bound for their points."""
    gap = np.maximum(0.0, np.maximum(a[0] - b[1], b[0] - a[1]))
    return float(np.linalg.norm(gap))


def pair_distance(a: ObjectInstance, b: ObjectInstance, cache: ObjectGeometryCache, upper: float = np.inf) -> float:
    """Closest-point distance between two objects; returns `upper` or more when it exceeds `upper`."""
    if a.id == b.id:
        return 0.0
    if is_solid_box(a) and is_solid_box(b):
        return box_box_distance(a.box, b.box)
    small, large = (a, b) if len(cache.points(a)) <= len(cache.points(b)) else (b, a)
    d, _ = cache.tree(large).query(cache.points(small), k=1, distance_upper_bound=upper)
    return float(np.min(d))


def closest_pair(
    group_a: Sequence[ObjectInstance], group_b: Sequence[ObjectInstance], cache: ObjectGeometryCache
) -> tuple[float, ObjectInstance, ObjectInstance]:
    """The nearest pair between two groups of objects by closest-point distance."""
    if not group_a or not group_b:
        raise ValueError("closest_pair needs two non-empty groups")
    pairs = sorted(
        ((aabb_gap(cache.bounds(a), cache.bounds(b)), a, b) for a in group_a for b in group_b),
        key=lambda t: t[0],
    )
    best = (np.inf, pairs[0][1], pairs[0][2])
    for lower, a, b in pairs:
        if lower >= best[0]:
            break
        d = pair_distance(a, b, cache, upper=best[0])
        if d < best[0]:
            best = (d, a, b)
    return best


def point_to_objects(point: np.ndarray, group: Sequence[ObjectInstance], cache: ObjectGeometryCache) -> float:
    """Distance from a point to the nearest point of any object in the group (0 inside a solid box)."""
    best = np.inf
    for obj in group:
        d = point_box_distance(point, obj.box)[0] if is_solid_box(obj) else cache.tree(obj).query(point, k=1)[0]
        best = min(best, float(d))
    return best


def polygon_area(polygon: Sequence[tuple[float, float]]) -> float:
    """Shoelace area of a simple polygon in the floor plane, m²."""
    p = np.asarray(polygon, dtype=np.float64)
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def footprint_area(xy: np.ndarray, cell: float = 0.1) -> float:
    """Area covered by points seen from above: occupancy grid, closed and hole-filled, m²."""
    if len(xy) == 0:
        return 0.0
    ij = np.floor((xy - xy.min(axis=0)) / cell).astype(np.int64)
    grid = np.zeros(tuple(ij.max(axis=0) + 1), dtype=bool)
    grid[ij[:, 0], ij[:, 1]] = True
    grid = np.pad(grid, 3)
    grid = ndimage.binary_closing(grid, structure=np.ones((3, 3)), iterations=2)
    grid = ndimage.binary_fill_holes(grid)
    return float(grid.sum() * cell * cell)
