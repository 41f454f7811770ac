"""Amodal completion downwards: a squat box no support lowered grows through hidden space, never below what it sits on."""

import numpy as np
import pytest

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.grounding.complete import extend_open_faces, support_height

SLIVER = OrientedBox.from_yaw([0.0, 0.0, 0.842], [0.33, 0.06, 0.016], 0.0)  # a backpack's top, seen from above
SOFA = OrientedBox.from_yaw([0.0, 0.1, 0.45], [1.9, 0.9, 0.9], 0.0)  # its box holds the seat the backpack is on
BACKPACK = (0.32, 0.2, 0.45)


def test_support_below_counts_only_objects_wholly_under_the_box() -> None:
    assert support_height(SLIVER, [SOFA], 0.0) == pytest.approx(SLIVER.c[2] - SLIVER.e[2] / 2)  # inside the sofa's box
    assert support_height(SLIVER, [SOFA], 0.0, below=True) == 0.0
    stool = OrientedBox.from_yaw([0.0, 0.0, 0.2], [0.4, 0.4, 0.4], 0.0)
    assert support_height(SLIVER, [stool], 0.0, below=True) == pytest.approx(0.4)


@pytest.mark.parametrize("down_to, bottom", [(None, 0.834), (0.6, 0.6), (0.0, 0.85 - 0.45)])
def test_a_squat_box_grows_down_to_its_typical_height_through_hidden_space(down_to, bottom) -> None:
    """No frames: nothing was observed, so all space below is hidden; the growth stops at the typical height or at
    `down_to`, whichever comes first, and without `down_to` the height grows only upwards (here: not open)."""
    grown = extend_open_faces(SLIVER, {(2, -1.0): "short"}, BACKPACK, [], lambda i: np.zeros((1, 1)), down_to=down_to)
    assert grown.c[2] - grown.e[2] / 2 == pytest.approx(bottom, abs=0.01)
    assert grown.c[2] + grown.e[2] / 2 == pytest.approx(0.85, abs=1e-6)
