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
