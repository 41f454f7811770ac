"""Exact solid-box distances agree with dense surface sampling and with hand-worked cases."""

import math

import numpy as np
import pytest
from scipy.spatial import cKDTree

from reasmory.memory.box_distance import box_box_distance, boxes_intersect, point_box_distance
from reasmory.memory.boxes import OrientedBox


def _random_box(rng: np.random.Generator) -> OrientedBox:
    q = rng.normal(size=4)
    w, x, y, z = q / np.linalg.norm(q)
    r = np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])
    return OrientedBox(center=tuple(rng.uniform(-2, 2, 3)), extents=tuple(rng.uniform(0.1, 1.5, 3)), rotation=tuple(map(tuple, r)))


def test_hand_worked_cases() -> None:
    a = OrientedBox(center=(0, 0, 0), extents=(2, 2, 2))
    assert box_box_distance(a, OrientedBox(center=(4, 0, 0), extents=(2, 2, 2))) == pytest.approx(2.0)
    assert box_box_distance(a, OrientedBox(center=(3, 3, 0), extents=(2, 2, 2))) == pytest.approx(math.sqrt(2))
    diamond = OrientedBox.from_yaw((3, 0, 0), (2, 2, 2), math.pi / 4)  # corner points at a: gap 2 - √2
    assert box_box_distance(a, diamond) == pytest.approx(2 - math.sqrt(2))
    assert box_box_distance(a, OrientedBox(center=(2, 0, 0), extents=(2, 2, 2))) == 0.0  # touching faces
    assert box_box_distance(a, OrientedBox(center=(0, 0, 0), extents=(0.5, 0.5, 0.5))) == 0.0  # nested
    assert point_box_distance(np.array([[0, 0, 0], [3, 0, 0], [2, 2, 1]]), a) == pytest.approx([0, 2, math.sqrt(2)])


def test_separating_axis_test_finds_edge_edge_separation() -> None:
    a = OrientedBox(center=(0, 0, 0), extents=(2, 2, 2))
    crossed = OrientedBox(center=(1.0 + 1.0 / math.sqrt(2) + 0.05, 1.0 + 1.0 / math.sqrt(2) + 0.05, 0), extents=(2, 2, 2),
                          rotation=((math.cos(math.pi / 4), -math.sin(math.pi / 4), 0), (math.sin(math.pi / 4), math.cos(math.pi / 4), 0), (0, 0, 1)))
    assert not boxes_intersect(a, crossed)


def test_random_boxes_agree_with_dense_sampling() -> None:
    rng = np.random.default_rng(7)
    for _ in range(25):
        a, b = _random_box(rng), _random_box(rng)
        exact = box_box_distance(a, b)
        pa, pb = a.sample_surface(0.02, 40_000), b.sample_surface(0.02, 40_000)
        sampled = 0.0 if (b.contains(pa).any() or a.contains(pb).any()) else cKDTree(pb).query(pa)[0].min()
        assert exact <= sampled + 1e-6
        assert sampled - exact < 0.02
