"""Bounded distance queries agree with measuring every pair, on mixed memories, through both candidate paths."""

import math

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from reasmory.memory import ObjectInstance, OrientedBox, SpatialMemory, nearest
from reasmory.memory.box_distance import box_box_distance, point_box_distance


def _memory(seed: int, n: int = 40) -> SpatialMemory:
    """Solid boxes, point objects and point-less objects (measured by their corners), some overlapping."""
    rng = np.random.default_rng(seed)
    objects = []
    for i in range(n):
        box = OrientedBox.from_yaw(rng.uniform(0, 8, 3), rng.uniform(0.1, 1.2, 3), rng.uniform(0, math.pi))
        kind = i % 3
        points = (box.c + rng.uniform(-0.5, 0.5, (int(rng.integers(3, 60)), 3)) * box.e @ box.R.T).astype(np.float32)
        objects.append(ObjectInstance(id=100 + i, label=("chair", "table", "lamp")[int(rng.integers(0, 3))], box=box,
                                      points=points if kind == 1 else np.zeros((0, 3), np.float32),
                                      attributes={"geometry": "box"} if kind == 0 else {}))
    return SpatialMemory(objects=objects)


def _geometry(obj: ObjectInstance) -> np.ndarray:
    return obj.points.astype(np.float64) if len(obj.points) else obj.box.corners()


def _pair(a: ObjectInstance, b: ObjectInstance) -> float:
    """Brute force, one pair at a time."""
    solid_a, solid_b = a.attributes.get("geometry") == "box", b.attributes.get("geometry") == "box"
    if solid_a and solid_b:
        return box_box_distance(a.box, b.box)
    if solid_a or solid_b:
        box, other = (a, b) if solid_a else (b, a)
        return float(point_box_distance(_geometry(other), box.box).min())
    return float(cdist(_geometry(a), _geometry(b)).min())


@pytest.fixture(params=["all pairs", "kd-tree"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "kd-tree":
        monkeypatch.setattr(nearest, "ALL_PAIRS", 0)
        monkeypatch.setattr(nearest, "ROUND", 3)
    return request.param


@pytest.mark.parametrize("seed", range(6))
def test_nearest_pair_is_the_brute_force_minimum(seed: int, path: str) -> None:
    memory = _memory(seed)
    chairs, tables = memory.find("chair"), memory.find("table")
    d, a, b = memory.closest_objects(chairs, tables)
    brute = min(_pair(x, y) for x in chairs for y in tables)
    assert d == pytest.approx(brute, abs=1e-9)
    assert _pair(a, b) == pytest.approx(d, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("keep", ["min", "max"])
def test_distances_to_a_group_keep_every_possible_winner(seed: int, keep: str, path: str) -> None:
    memory = _memory(seed)
    lamps, chairs = memory.find("lamp"), memory.find("chair")
    positions, distances = memory.distances_from(lamps, chairs, keep, tol=0.05)
    brute = np.array([min(_pair(x, y) for y in chairs) for x in lamps])
    assert distances == pytest.approx(brute[positions], abs=1e-9)
    best = brute.min() if keep == "min" else brute.max()
    assert set(np.flatnonzero(np.abs(brute - best) <= 0.05)) <= set(positions.tolist())


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("keep", ["min", "max"])
def test_distances_to_a_point(seed: int, keep: str) -> None:
    memory = _memory(seed)
    point = np.array([4.0, 4.0, 1.0])
    positions, distances = memory.distances_to_point(memory.objects, point, keep, tol=0.05)
    brute = np.array([
        float(point_box_distance(point[None], o.box)[0]) if o.attributes.get("geometry") == "box"
        else float(np.linalg.norm(_geometry(o) - point, axis=1).min())
        for o in memory.objects
    ])
    assert distances == pytest.approx(brute[positions], abs=1e-9)
    best = brute.min() if keep == "min" else brute.max()
    assert set(np.flatnonzero(np.abs(brute - best) <= 0.05)) <= set(positions.tolist())


@pytest.mark.parametrize("seed", range(4))
def test_centre_distance_is_the_nearest_centre_pair(seed: int, path: str) -> None:
    memory = _memory(seed)
    chairs, tables = memory.find("chair"), memory.find("table")
    brute = min(float(np.linalg.norm(a.box.c - b.box.c)) for a in chairs for b in tables)
    assert memory.centre_distance(chairs, tables) == brute
    point = np.array([1.0, 2.0, 0.5])
    assert memory.centre_distance_to_point(chairs, point) == min(float(np.linalg.norm(a.box.c - point)) for a in chairs)


def test_an_object_is_at_distance_zero_from_itself_and_groups_may_share_members() -> None:
    memory = _memory(2)
    assert memory.closest_distance(memory.objects[:5], memory.objects[4:9]) == 0.0
    positions, distances = memory.distances_from(memory.objects[:5], memory.objects[4:9], "min")
    assert distances[list(positions).index(4)] == 0.0


def test_touching_groups_stop_at_the_first_touching_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Distance 0 cannot be beaten: a pile of overlapping objects is not measured pair by pair after it is found."""
    rng = np.random.default_rng(3)
    objects = [ObjectInstance(id=i, label=("box", "crate")[i % 2], box=OrientedBox.from_yaw(rng.uniform(0, 0.3, 3), [0.5, 0.5, 0.5], 0.0),
                              attributes={"geometry": "box"}) for i in range(60)]
    memory = SpatialMemory(objects=objects)
    measured = []
    real = nearest.pair_minima
    monkeypatch.setattr(nearest, "ROUND", 3)
    monkeypatch.setattr(nearest, "pair_minima", lambda *args: measured.append(len(args[2])) or real(*args))
    d, a, b = memory.closest_objects(memory.find("box"), memory.find("crate"))
    assert d == 0.0 and _pair(a, b) == 0.0
    assert measured == [3]


def test_label_index_finds_what_a_scan_finds_and_follows_replaced_objects() -> None:
    memory = _memory(3)
    for label in ("Chairs", "table", "lamp", "sofa"):
        scan = [o for o in memory.objects if memory.canonical(o.label) == memory.canonical(label)]
        assert memory.find(label) == scan
    assert memory.label_counts() == {label: sum(o.label == label for o in memory.objects) for label in memory.labels()}
    memory.objects = memory.objects[:3]
    assert sum(map(len, (memory.find(label) for label in ("chair", "table", "lamp")))) == 3


@pytest.mark.parametrize("seed", range(4))
def test_anchors_are_each_objects_point_nearest_its_bounds_centre_found_for_the_rows_asked(seed: int) -> None:
    """A point object's anchor is one of its points nearest its bounds' centre (the first of equals), a point-less
    one's one of its box corners, a solid one's its box centre; a query's rows get theirs, no other row's is found."""
    memory = _memory(seed)
    objects = list(memory.objects)
    tied = np.array([[0, 0, 0], [3, 0, 0], [1.5, 1, 0], [1.5, -1, 0]], np.float32)  # the last two equally near (1.5, 0, 0)
    objects[1] = objects[1].model_copy(update={"points": tied})
    index = SpatialMemory(objects=objects).index
    asked = np.array([5, 1, 7, 1, 3])
    got = index.anchors(asked)
    assert index._anchored.sum() == 4
    for row, anchor in zip(asked, got):
        obj = objects[row]
        if obj.attributes.get("geometry") == "box":
            np.testing.assert_allclose(anchor, obj.box.c, atol=1e-12)
            continue
        geometry = _geometry(obj)
        gap = np.linalg.norm(geometry - (geometry.min(axis=0) + geometry.max(axis=0)) / 2, axis=1)
        assert np.isclose(np.linalg.norm(geometry - anchor, axis=1), 0, atol=1e-12).any()
        assert np.linalg.norm(anchor - (geometry.min(axis=0) + geometry.max(axis=0)) / 2) == pytest.approx(gap.min(), abs=1e-9)
    np.testing.assert_array_equal(got[1], [1.5, 1, 0])
    every = index.anchors(np.arange(len(objects)))
    np.testing.assert_array_equal(every[asked], got)
    assert index._anchored.all()
