"""Camera paths walk like a person: inside the room, clear of furniture, eye height, smooth turns."""

from __future__ import annotations

import numpy as np
import pytest

from reasmory.synth.pipeline import generate, make_config
from reasmory.synth.plane import points_in_polygon, points_to_rect, points_to_segments, polygon_edges


@pytest.mark.parametrize("seed", range(6))
def test_path_stays_in_free_space_with_smooth_turns(seed: int) -> None:
    scene, traj = generate(make_config(seed=seed, frames=64, width=64, height=48))
    pos = traj.poses[:, :3, 3]
    assert points_in_polygon(pos[:, :2], scene.room.polygon).all()
    assert points_to_segments(pos[:, :2], *polygon_edges(scene.room.polygon)).min() > 0.3
    for o in scene.objects:
        if o.support == "floor":
            assert points_to_rect(pos[:, :2], o.center[:2], o.extents[:2] / 2, o.yaw).min() > 0.15, o.label
    assert ((pos[:, 2] > 1.35) & (pos[:, 2] < 1.75)).all()
    forward = traj.poses[:, :3, 2]
    assert (forward[:, 2] < 0).all()  # looking a little down
    yaw = np.unwrap(np.arctan2(forward[:, 1], forward[:, 0]))
    assert np.degrees(np.abs(np.diff(yaw))).max() < 25
    assert np.linalg.norm(np.diff(pos[:, :2], axis=0), axis=1).max() < 0.5
    assert np.all(np.diff(traj.timestamps) > 0)


def test_pose_axes_follow_opencv() -> None:
    _, traj = generate(make_config(seed=0, frames=4, width=64, height=48))
    for pose in traj.poses:
        r = pose[:3, :3]
        np.testing.assert_allclose(r.T @ r, np.eye(3), atol=1e-9)
        assert np.linalg.det(r) == pytest.approx(1.0)
        assert r[2, 1] < 0  # image rows (camera +y) point down in the world
