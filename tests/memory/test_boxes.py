import math

import numpy as np
import pytest
from pydantic import ValidationError

from reasmory.memory.boxes import OrientedBox, iou_3d


def test_yaw_box_corners_aabb_and_height() -> None:
    box = OrientedBox.from_yaw([1, 2, 0.5], [2, 1, 1], math.pi / 2)
    lo, hi = box.aabb()
    np.testing.assert_allclose(lo, [0.5, 1, 0], atol=1e-12)
    np.testing.assert_allclose(hi, [1.5, 3, 1], atol=1e-12)
    assert box.height == pytest.approx(1.0)
    assert box.longest_side == 2
    assert box.is_gravity_aligned
    np.testing.assert_allclose(box.corners().min(axis=0), lo, atol=1e-12)


def test_tilted_box_height_is_vertical_extent() -> None:
    c, s = math.cos(0.3), math.sin(0.3)
    rot = ((1, 0, 0), (0, c, -s), (0, s, c))
    box = OrientedBox(center=(0, 0, 0), extents=(1, 2, 3), rotation=rot)
    assert not box.is_gravity_aligned
    assert box.height == pytest.approx(np.ptp(box.corners()[:, 2]))


def test_contains_and_surface_samples_lie_on_faces() -> None:
    box = OrientedBox.from_yaw([0, 0, 0], [1, 0.5, 0.2], 0.7)
    pts = box.sample_surface(0.05)
    assert box.contains(pts, 1e-6).all()
    local = np.abs((pts - box.c) @ box.R)
    on_face = np.isclose(local, box.e / 2, atol=1e-5).any(axis=1)
    assert on_face.all()
    assert not box.contains(np.array([[2.0, 0, 0]]))[0]


def test_sampling_is_capped() -> None:
    box = OrientedBox(center=(0, 0, 0), extents=(10, 10, 3))
    assert len(box.sample_surface(0.01, max_points=5000)) < 7000


def test_invalid_boxes_are_rejected() -> None:
    with pytest.raises(ValidationError):
        OrientedBox(center=(0, 0, 0), extents=(1, -1, 1))
    with pytest.raises(ValidationError):
        OrientedBox(center=(0, 0, 0), extents=(1, 1, 1), rotation=((1, 1, 0), (0, 1, 0), (0, 0, 1)))


def test_iou_identical_disjoint_and_half() -> None:
    a = OrientedBox(center=(0, 0, 0), extents=(1, 1, 1))
    assert iou_3d(a, a) == pytest.approx(1.0)
    assert iou_3d(a, OrientedBox(center=(5, 0, 0), extents=(1, 1, 1))) == 0.0
    half = iou_3d(a, OrientedBox(center=(0.5, 0, 0), extents=(1, 1, 1)))
    assert half == pytest.approx(1 / 3, abs=0.02)
