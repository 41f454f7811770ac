"""Edges of the geometry queries the mutation run found unpinned: pruning bounds, point clouds, small polygons, far footprints."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from reasmory.memory import ObjectInstance, OrientedBox
from reasmory.memory.geometry import ObjectGeometryCache, aabb_gap, closest_pair, footprint_area, point_to_objects, polygon_area


def _cloud(i: int, centre: tuple[float, float, float], seed: int = 0) -> ObjectInstance:
    """A point-cloud object (not a solid box): a small blob of points around `centre`."""
    pts = np.random.default_rng(seed + i).normal(centre, 0.05, (200, 3)).astype(np.float32)
    lo, hi = pts.min(0), pts.max(0)
    return ObjectInstance(id=i, label=f"o{i}", box=OrientedBox(center=tuple((lo + hi) / 2), extents=tuple(hi - lo)), points=pts)


def test_aabb_gap_is_the_distance_between_boxes_either_way_round() -> None:
    a = (np.array([0.0, 0, 0]), np.array([1.0, 1, 1]))
    b = (np.array([2.0, 0, 0]), np.array([3.0, 1, 1]))
    c = (np.array([2.0, 3, 0]), np.array([3.0, 4, 1]))
    assert aabb_gap(a, b) == aabb_gap(b, a) == pytest.approx(1.0)
    assert aabb_gap(a, c) == aabb_gap(c, a) == pytest.approx(np.hypot(1, 2))
    assert aabb_gap(a, (np.array([0.5, 0.5, 0.5]), np.array([2.0, 2, 2]))) == 0.0


def test_closest_pair_finds_the_nearest_when_every_pair_is_under_a_metre() -> None:
    """Pruning by box gaps must not stop before a nearer pair listed later."""
    a = _cloud(0, (0, 0, 0))
    far, near = _cloud(1, (0.6, 0, 0)), _cloud(2, (0, 0.3, 0))
    cache = ObjectGeometryCache()
    d, _, b = closest_pair([a], [far, near], cache)
    assert b is near and d == pytest.approx(cdist(a.points, near.points).min(), rel=1e-6)


def test_point_to_point_cloud_objects_is_the_nearest_point() -> None:
    objs = [_cloud(0, (2, 0, 0)), _cloud(1, (0, 3, 0))]
    point = np.array([0.0, 0.0, 0.0])
    brute = min(float(np.linalg.norm(o.points - point, axis=1).min()) for o in objs)
    assert point_to_objects(point, objs, ObjectGeometryCache()) == pytest.approx(brute, rel=1e-6)


def test_a_triangle_has_an_area() -> None:
    assert polygon_area([(0, 0), (4, 0), (0, 3)]) == pytest.approx(6.0)
    assert polygon_area([(0, 0), (4, 0)]) == 0.0


def test_the_footprint_does_not_depend_on_where_the_room_is() -> None:
    g = np.stack(np.meshgrid(np.arange(0, 3, 0.05), np.arange(0, 2, 0.05)), -1).reshape(-1, 2)
    here = footprint_area(g)
    assert here == pytest.approx(6.0, rel=0.1)
    assert footprint_area(g - 10.0) == pytest.approx(here) and footprint_area(g + (4.0, -7.0)) == pytest.approx(here)
