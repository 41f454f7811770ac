import numpy as np
import pytest
from scipy.spatial.distance import cdist

from reasmory.errors import MemoryQueryError
from reasmory.memory import ObjectInstance, OrientedBox, PointCloud, SpatialMemory
from reasmory.memory.geometry import footprint_area, polygon_area


def _obj(i: int, label: str, pts: np.ndarray, **kw) -> ObjectInstance:
    lo, hi = pts.min(0), pts.max(0)
    box = OrientedBox(center=tuple((lo + hi) / 2), extents=tuple(hi - lo))
    return ObjectInstance(id=i, label=label, box=box, points=pts.astype(np.float32), **kw)


def test_closest_distance_matches_brute_force_over_groups() -> None:
    rng = np.random.default_rng(1)
    objs = [_obj(i, "chair" if i % 2 else "table", rng.normal(rng.uniform(-5, 5, 3), 0.3, (400, 3))) for i in range(12)]
    mem = SpatialMemory(objects=objs)
    chairs, tables = mem.find("chairs"), mem.find("Table")
    brute = min(cdist(a.points, b.points).min() for a in chairs for b in tables)
    d, a, b = mem.closest_objects(chairs, tables)
    assert d == pytest.approx(brute, rel=1e-6)
    assert cdist(a.points, b.points).min() == pytest.approx(brute, rel=1e-6)


def test_touching_ground_truth_boxes_are_at_distance_zero() -> None:
    bed = OrientedBox(center=(0, 0, 0.3), extents=(2, 1.6, 0.6))
    pillow = OrientedBox(center=(0, 0.5, 0.65), extents=(0.5, 0.3, 0.2))
    objs = [
        ObjectInstance(id=0, label="bed", box=bed, points=bed.sample_surface(), attributes={"geometry": "box"}),
        ObjectInstance(id=1, label="pillow", box=pillow, points=pillow.sample_surface(), attributes={"geometry": "box"}),
    ]
    assert SpatialMemory(objects=objs).closest_distance(objs[0], objs[1]) == 0.0


def test_gap_between_box_surfaces_is_exact_along_an_axis() -> None:
    a = OrientedBox(center=(0, 0, 0.5), extents=(1, 1, 1))
    b = OrientedBox(center=(3, 0, 0.5), extents=(1, 1, 1))
    objs = [ObjectInstance(id=i, label=l, box=x, points=x.sample_surface()) for i, (l, x) in enumerate([("a", a), ("b", b)])]
    assert SpatialMemory(objects=objs).closest_distance(*objs) == pytest.approx(2.0, abs=1e-6)


def test_empty_group_is_a_query_error() -> None:
    with pytest.raises(MemoryQueryError):
        SpatialMemory().closest_distance([], [])


def test_room_area_prefers_metadata_then_polygon_then_points() -> None:
    from reasmory.memory.model import SceneFacts

    assert SpatialMemory(scene=SceneFacts(floor_area=12.5)).room_area() == 12.5
    poly = [(0, 0), (4, 0), (4, 2), (2, 2), (2, 4), (0, 4)]  # L-shape, 12 m²
    assert polygon_area(poly) == pytest.approx(12.0)
    assert SpatialMemory(scene=SceneFacts(floor_polygon=poly)).room_area() == pytest.approx(12.0)
    g = np.stack(np.meshgrid(np.arange(0, 3, 0.05), np.arange(0, 2, 0.05)), -1).reshape(-1, 2)
    xyz = np.c_[g, np.zeros(len(g))]
    area = SpatialMemory(points=PointCloud.from_xyz(xyz)).room_area()
    assert area == pytest.approx(6.0, rel=0.1)
    assert footprint_area(np.zeros((0, 2))) == 0.0
    with pytest.raises(MemoryQueryError):
        SpatialMemory().room_area()


def test_first_seen_uses_frames_and_explains_when_unknown() -> None:
    box = OrientedBox(center=(0, 0, 0), extents=(1, 1, 1))
    objs = [
        ObjectInstance(id=0, label="cup", box=box, frames=[7, 3, 9]),
        ObjectInstance(id=1, label="cup", box=box, first_seen=2, frames=[2, 5]),
        ObjectInstance(id=2, label="lamp", box=box),
    ]
    mem = SpatialMemory(objects=objs)
    assert mem.first_seen(objs[0]) == 3
    assert mem.first_seen("cups") == 2
    with pytest.raises(MemoryQueryError, match="does not know when 'lamp'"):
        mem.first_seen("lamp")
    with pytest.raises(MemoryQueryError, match="no object 'sofa'"):
        mem.first_seen("sofa")


def test_column_bounds_are_numpys_per_column_min_and_max() -> None:
    from reasmory.memory.geometry import column_bounds

    xy = np.random.default_rng(3).normal(size=(1000, 3)).astype(np.float32)
    lo, hi = column_bounds(xy)
    np.testing.assert_array_equal(lo, xy.min(axis=0))
    np.testing.assert_array_equal(hi, xy.max(axis=0))
    lo, hi = column_bounds(xy[:, :2])
    assert lo.shape == hi.shape == (2,)
