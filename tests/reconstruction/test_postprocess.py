"""Point clean-up: confidence filtering, voxel merging that keeps attributes, outlier removal."""

from __future__ import annotations

import numpy as np

from reasmory.memory.reconstruction.evaluation import rotation_angle_deg, trajectory_error, umeyama
from reasmory.memory.reconstruction.postprocess import PostprocessConfig, clean, filter_confidence, remove_outliers, voxel_downsample
from reasmory.memory.reconstruction.synthetic import random_rotation
from reasmory.memory.model import PointCloud


def test_confidence_filter_by_threshold_and_by_fraction() -> None:
    cloud = PointCloud.from_xyz(np.zeros((10, 3)), confidence=np.linspace(0, 0.9, 10))
    assert len(filter_confidence(cloud, min_confidence=0.5)) == 5  # at or above
    kept = filter_confidence(cloud, drop_lowest=0.3)
    assert len(kept) == 7 and kept.confidence.min() == np.float32(0.3)
    flat = PointCloud.from_xyz(np.zeros((10, 3)))
    assert len(filter_confidence(flat, drop_lowest=0.5)) == 5


def test_voxel_merge_averages_and_keeps_the_first_frame() -> None:
    xyz = np.array([[0.01, 0.01, 0.01], [0.03, 0.03, 0.03], [0.51, 0.0, 0.0]])
    rgb = np.array([[0, 0, 0], [100, 200, 50], [9, 9, 9]])
    cloud = PointCloud.from_xyz(xyz, rgb, np.array([4, 7, 2]), np.array([0.2, 0.6, 1.0]))
    merged = voxel_downsample(cloud, 0.1)
    order = np.argsort(merged.xyz[:, 0])
    assert np.allclose(merged.xyz[order], [[0.02, 0.02, 0.02], [0.51, 0, 0]])
    assert merged.rgb[order].tolist() == [[50, 100, 25], [9, 9, 9]]
    assert merged.frame[order].tolist() == [4, 2] and np.allclose(merged.confidence[order], [0.4, 1.0])


def test_outliers_far_from_the_surface_are_removed() -> None:
    rng = np.random.default_rng(0)
    plane = np.c_[rng.uniform(0, 1, (2000, 2)), np.zeros(2000)]
    cloud = PointCloud.from_xyz(np.vstack([plane, [[0.5, 0.5, 3.0], [5, 5, 5]]]))
    kept = remove_outliers(cloud, neighbors=20, std_ratio=2.0)
    assert kept.xyz[:, 2].max() < 0.01 and len(kept) >= 1900
    assert len(clean(cloud, PostprocessConfig(voxel_size=0.05))) < 500


def test_umeyama_recovers_a_similarity_and_trajectory_errors_vanish() -> None:
    rng = np.random.default_rng(1)
    R, t, s = random_rotation(rng), rng.normal(size=3), 2.5
    src = rng.normal(size=(30, 3))
    sim = umeyama(src, s * src @ R.T + t)
    assert np.isclose(sim.scale, s) and np.allclose(sim.R, R) and np.allclose(sim.t, t)
    poses = []
    for _ in range(6):
        pose = np.eye(4)
        pose[:3, :3], pose[:3, 3] = random_rotation(rng), rng.normal(size=3)
        poses.append(pose)
    moved = []
    for pose in poses:  # the same trajectory seen in another frame at another scale
        out = np.eye(4)
        out[:3, :3], out[:3, 3] = R.T @ pose[:3, :3], R.T @ (pose[:3, 3] - t) / s
        moved.append(out)
    err = trajectory_error(moved, poses)
    assert err.position_rmse < 1e-9 and err.rotation_median_deg < 1e-5 and np.isclose(err.alignment.scale, s)
    assert rotation_angle_deg(random_rotation(rng)) <= 180
