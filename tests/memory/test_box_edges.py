"""Skew edge-to-edge closest points between oriented boxes, through every edge of both boxes (issue #24's mutation run)."""

import itertools
import math

import numpy as np
import pytest

from reasmory.memory.box_distance import box_box_distance
from reasmory.memory.boxes import OrientedBox


def _about(axis: int, degrees: float) -> np.ndarray:
    """Rotation by `degrees` about world axis `axis` (0 = x, 1 = y, 2 = z)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    i, j = [k for k in range(3) if k != axis]
    r = np.eye(3)
    r[i, i], r[i, j], r[j, i], r[j, j] = c, -s, s, c
    return r


PERMUTATIONS = [np.eye(3)[list(p)] for p in itertools.permutations(range(3))]


@pytest.mark.parametrize("a_axes", range(len(PERMUTATIONS)))
def test_crossed_edges_of_two_cubes_are_their_closest_points(a_axes: int) -> None:
    """A cube turned about y has a top edge along y; one turned about x, 2 m higher, a bottom edge along x.

    The edges cross one above the other, so the boxes are 2 − √2 apart there and farther apart at every vertex.
    Turning each cube by 45° + 90°·k brings each of its four edges of that direction to the crossing, and listing
    the cube's own axes in every order makes each of them that direction: every edge of both boxes is the closest
    one in some case.
    """
    for b_axes, a_turn, b_turn in itertools.product(range(len(PERMUTATIONS)), range(4), range(4)):
        a = OrientedBox(center=(0.0, 0.0, 0.0), extents=(1, 1, 1),
                        rotation=tuple(map(tuple, _about(1, 45 + 90 * a_turn) @ PERMUTATIONS[a_axes])))
        b = OrientedBox(center=(0.0, 0.0, 2.0), extents=(1, 1, 1),
                        rotation=tuple(map(tuple, _about(0, 45 + 90 * b_turn) @ PERMUTATIONS[b_axes])))
        assert box_box_distance(a, b) == pytest.approx(2 - math.sqrt(2), abs=1e-9)
        assert box_box_distance(b, a) == pytest.approx(2 - math.sqrt(2), abs=1e-9)


def test_segment_distances_match_dense_sampling_also_when_the_closest_points_are_ends() -> None:
    from reasmory.memory.box_distance import _segment_distances

    rng = np.random.default_rng(3)
    p0, p1, q0, q1 = (rng.uniform(-1, 1, (200, 3)) for _ in range(4))
    p1[:50] = p0[:50] + 1e-13  # degenerate segments (points) on one side, then on the other
    q1[50:100] = q0[50:100]
    t = np.linspace(0, 1, 801)
    for i, found in enumerate(_segment_distances(p0, p1, q0, q1)):
        a = p0[i] + t[:, None] * (p1[i] - p0[i])
        b = q0[i] + t[:, None] * (q1[i] - q0[i])
        dense = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)).min()
        assert found == pytest.approx(dense, abs=5e-3) and found <= dense + 1e-9


def test_the_separating_axis_test_at_touching_and_overlapping_boxes() -> None:
    from reasmory.memory.box_distance import boxes_intersect

    a = OrientedBox(center=(0, 0, 0), extents=(1, 1, 1))
    assert boxes_intersect(a, OrientedBox(center=(0.9, 0, 0), extents=(1, 1, 1)))
    assert boxes_intersect(a, OrientedBox(center=(1.0, 0, 0), extents=(1, 1, 1)))  # faces touching
    assert not boxes_intersect(a, OrientedBox(center=(1.01, 0, 0), extents=(1, 1, 1)))
    turned = lambda z: OrientedBox(center=(0, 0, z), extents=(1, 1, 1), rotation=tuple(map(tuple, _about(0, 45))))  # noqa: E731
    assert not boxes_intersect(a, turned(1.25)) and boxes_intersect(a, turned(1.15))  # its lowest edge is √2/2 below its centre


def _turn(rng: np.random.Generator) -> np.ndarray:
    """A random rotation (columns: the box's axes)."""
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q *= np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


@pytest.mark.parametrize("seed", range(6))
def test_a_corner_near_a_face_of_a_turned_box_is_measured_exactly(seed: int) -> None:
    """A small turned box whose lowest corner sits `gap` above the middle of a face of a large turned box: the gap is
    the distance, and only that face's normal separates them (both orders, so each box's axes are the ones needed)."""
    from reasmory.memory.box_distance import boxes_intersect

    rng = np.random.default_rng(seed)
    big = OrientedBox(center=tuple(rng.uniform(-1, 1, 3)), extents=tuple(rng.uniform(3, 4, 3)), rotation=tuple(map(tuple, _turn(rng))))
    turn, extents = _turn(rng), rng.uniform(0.2, 0.5, 3)
    axis, side = seed % 3, (-1.0) ** seed
    normal = side * big.R[:, axis]
    reach = float(np.abs(turn.T @ normal) @ extents) / 2
    for gap in (0.03, 0.001, 0.0, -0.03):
        small = OrientedBox(center=tuple(big.c + normal * (big.e[axis] / 2 + reach + gap)), extents=tuple(extents),
                            rotation=tuple(map(tuple, turn)))
        assert box_box_distance(big, small) == pytest.approx(max(gap, 0.0), abs=1e-9)
        assert box_box_distance(small, big) == pytest.approx(max(gap, 0.0), abs=1e-9)
        assert boxes_intersect(big, small) == (gap <= 0.0)


@pytest.mark.parametrize("crossing", [90.0, 60.0, 25.0])
def test_edges_crossing_at_an_angle_a_hair_apart_are_their_distance(crossing: float) -> None:
    """Two cubes turned 45° so that an edge of each faces the other, the edges crossing at `crossing` degrees, one
    `gap` above the other: only their cross product separates the boxes, and the gap is the distance."""
    from reasmory.memory.box_distance import boxes_intersect

    a_turn = _about(1, 45)
    b_turn = _about(2, crossing) @ _about(0, 45)
    for gap in (0.05, 0.002, -0.02):
        a = OrientedBox(center=(0.0, 0.0, 0.0), extents=(1, 1, 1), rotation=tuple(map(tuple, a_turn)))
        b = OrientedBox(center=(0.0, 0.0, math.sqrt(2) + gap), extents=(1, 1, 1), rotation=tuple(map(tuple, b_turn)))
        assert box_box_distance(a, b) == pytest.approx(max(gap, 0.0), abs=1e-9)
        assert box_box_distance(b, a) == pytest.approx(max(gap, 0.0), abs=1e-9)
        assert boxes_intersect(a, b) == (gap <= 0.0)


def test_flat_and_thin_boxes_are_measured_exactly_and_without_warnings() -> None:
    """Boxes with zero extents (a sheet, a stick, a dot) have edges of zero length: exact distances, no division by zero."""
    import warnings

    sheet = OrientedBox(center=(0, 0, 0), extents=(2, 2, 0))
    stick = OrientedBox(center=(3, 0, 0), extents=(0, 0, 2))
    cross_stick = OrientedBox(center=(0, 0, 1), extents=(0, 3, 0), rotation=tuple(map(tuple, _about(2, 30))))
    dot = OrientedBox(center=(1.5, 1.5, 0.0), extents=(0, 0, 0))
    far_dot = OrientedBox(center=(0, 0, 5.0), extents=(0, 0, 0))
    cases = [(sheet, stick, 2.0), (sheet, dot, math.sqrt(0.5)), (sheet, cross_stick, 1.0), (stick, dot, math.hypot(1.5, 1.5)),
             (dot, far_dot, math.sqrt(1.5**2 * 2 + 25)), (sheet, OrientedBox(center=(0, 0, 0.5), extents=(1, 1, 1)), 0.0),
             (OrientedBox(center=(0, 0, 0), extents=(2, 0, 0)), OrientedBox(center=(0, 0.5, 0.5), extents=(0, 0, 0)), math.sqrt(0.5))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for a, b, expected in cases:
            assert box_box_distance(a, b) == pytest.approx(expected, abs=1e-9)
            assert box_box_distance(b, a) == pytest.approx(expected, abs=1e-9)


def test_box_corners_of_many_boxes_come_in_the_order_of_oriented_box_corners() -> None:
    """The vectorised corners (used to measure and to draw boxes) are each box's own, in `OrientedBox.corners` order."""
    from reasmory.memory.box_distance import box_corners

    rng = np.random.default_rng(5)
    boxes = [OrientedBox(center=tuple(rng.uniform(-2, 2, 3)), extents=tuple(rng.uniform(0.1, 2, 3)), rotation=tuple(map(tuple, _turn(rng))))
             for _ in range(4)]
    corners = box_corners(np.array([b.c for b in boxes]), np.array([b.R for b in boxes]), np.array([b.e / 2 for b in boxes]))
    for box, mine in zip(boxes, corners, strict=True):
        np.testing.assert_allclose(mine, box.corners(), atol=1e-12)
