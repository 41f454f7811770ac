"""Edges of the geometry queries the mutation run found unpinned: pruning bounds, point clouds, small polygons, far footprints."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from reasmory.memory import ObjectInstance, OrientedBox, SpatialMemory
from reasmory.memory.geometry import footprint_area, polygon_area
from reasmory.memory.nearest import gaps


def _cloud(i: int, centre: tuple[float, float, float], seed: int = 0) -> ObjectInstance:
    """A point-cloud object (not a solid box): a small blob of points around `centre`."""
    pts = np.random.default_rng(seed + i).normal(centre, 0.05, (200, 3)).astype(np.float32)
    lo, hi = pts.min(0), pts.max(0)
    return ObjectInstance(id=i, label=f"o{i}", box=OrientedBox(center=tuple((lo + hi) / 2), extents=tuple(hi - lo)), points=pts)


def _block(i: int, lo: tuple[float, float, float], hi: tuple[float, float, float]) -> ObjectInstance:
    """A solid axis-aligned box from `lo` to `hi`: its bounds are itself."""
    centre, extents = (np.add(lo, hi) / 2, np.subtract(hi, lo))
    return ObjectInstance(id=i, label=f"b{i}", box=OrientedBox(center=tuple(centre), extents=tuple(extents)), attributes={"geometry": "box"})


def test_bounds_gaps_are_the_distance_between_boxes_either_way_round() -> None:
    blocks = [_block(0, (0, 0, 0), (1, 1, 1)), _block(1, (2, 0, 0), (3, 1, 1)), _block(2, (2, 3, 0), (3, 4, 1)),
              _block(3, (0.5, 0.5, 0.5), (2, 2, 2))]
    index = SpatialMemory(objects=blocks).index
    first, second = np.array([0, 1, 0, 2, 0]), np.array([1, 0, 2, 0, 3])
    assert gaps(index, first, second) == pytest.approx([1.0, 1.0, np.hypot(1, 2), np.hypot(1, 2), 0.0])


def test_closest_pair_finds_the_nearest_when_every_pair_is_under_a_metre() -> None:
    """Pruning by bounds must not stop before a nearer pair listed later."""
    a = _cloud(0, (0, 0, 0))
    far, near = _cloud(1, (0.6, 0, 0)), _cloud(2, (0, 0.3, 0))
    d, _, b = SpatialMemory(objects=[a, far, near]).closest_objects([a], [far, near])
    assert b is near and d == pytest.approx(cdist(a.points, near.points).min(), rel=1e-6)


def test_point_to_point_cloud_objects_is_the_nearest_point() -> None:
    objs = [_cloud(0, (2, 0, 0)), _cloud(1, (0, 3, 0))]
    point = np.array([0.0, 0.0, 0.0])
    brute = min(float(np.linalg.norm(o.points - point, axis=1).min()) for o in objs)
    assert SpatialMemory(objects=objs).distances_to_point(objs, point)[1].min() == pytest.approx(brute, rel=1e-6)


def test_a_triangle_has_an_area() -> None:
    assert polygon_area([(0, 0), (4, 0), (0, 3)]) == pytest.approx(6.0)
    assert polygon_area([(0, 0), (4, 0)]) == 0.0


def test_the_footprint_does_not_depend_on_where_the_room_is() -> None:
    g = np.stack(np.meshgrid(np.arange(0, 3, 0.05), np.arange(0, 2, 0.05)), -1).reshape(-1, 2)
    here = footprint_area(g)
    assert here == pytest.approx(6.0, rel=0.1)
    assert footprint_area(g - 10.0) == pytest.approx(here) and footprint_area(g + (4.0, -7.0)) == pytest.approx(here)


def test_the_footprint_grid_coarsens_past_its_side_limit_and_counts_its_padded_cells() -> None:
    from reasmory.memory.geometry import MAX_FOOTPRINT_SIDE, footprint_cell, footprint_cells

    wide = np.array([[0.0, 0.0], [1000.0, 10.0]])  # 10,000 cells of 0.1 m: coarsened to 1000 m / 4000 cells
    assert MAX_FOOTPRINT_SIDE == 4000 and footprint_cell(wide) == pytest.approx(0.25)
    assert footprint_cell(np.array([[0.0, 0.0], [3.0, 2.0]])) == 0.1 and footprint_cell(np.zeros((0, 2)), 0.2) == 0.2
    assert footprint_cells(np.zeros(2), np.array([1.0, 0.5])) == (10 + 7) * (5 + 7)  # cells per side, plus the padding
    assert footprint_cells(*wide) == (4000 + 7) * (40 + 7)


def _outline(gap: float) -> np.ndarray:
    """Points every 5 cm along the walls of a 4 m square room, with a doorway of `gap` metres in one wall."""
    t = np.arange(0, 4.0001, 0.05)
    walls = np.concatenate([np.c_[t, np.zeros_like(t)], np.c_[t, np.full_like(t, 4.0)], np.c_[np.zeros_like(t), t],
                            np.c_[np.full_like(t, 4.0), t]])
    return walls[~((walls[:, 1] == 0) & (walls[:, 0] > 2.0 - gap / 2) & (walls[:, 0] < 2.0 + gap / 2))]


def test_a_footprint_closes_gaps_of_a_few_cells_and_fills_what_they_enclose() -> None:
    """Closing by a 3×3 square twice bridges gaps up to four 10 cm cells: a 35 cm gap in an outline is closed and
    the room inside counts (4.1 m × 4.1 m of cells); through a 75 cm doorway the inside stays open: the walls alone."""
    assert footprint_area(_outline(0.0)) == pytest.approx(4.1 * 4.1)
    assert footprint_area(_outline(0.35)) == pytest.approx(4.1 * 4.1)
    assert footprint_area(_outline(0.75)) < 3.0


def test_a_doorway_of_five_cells_stays_open() -> None:
    """Closing bridges four empty 10 cm cells, not five: a 60 cm doorway leaves the room open (the walls alone)."""
    assert footprint_area(_outline(0.6)) < 3.0 < footprint_area(_outline(0.45))
