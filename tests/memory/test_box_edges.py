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
