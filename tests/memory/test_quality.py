"""Weak memories are flagged: few points per m², few registered frames, cameras off the trajectory; sparse clouds
render as dots, not large squares."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reasmory.memory import PointCloud, SpatialMemory
from reasmory.memory.model import Frame, Provenance
from reasmory.memory.quality import SPARSE_POINTS_PER_M2, is_sparse, memory_warnings, off_trajectory, point_density
from tests.conftest import SHARED, require

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
K = ((300.0, 0.0, 160.0), (0.0, 300.0, 120.0), (0.0, 0.0, 1.0))


def room_points(n: int, seed: int = 0) -> np.ndarray:
    """(n, 3) points on the floor and four walls of a 5 × 4 × 2.5 m room (20 m² of floor)."""
    rng = np.random.default_rng(seed)
    u, v, side = rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.integers(0, 5, n)  # side 0 the floor, 1–4 the walls
    x = np.select([side == 1, side == 2], [0.0, 5.0], u * 5)
    y = np.select([side == 0, side == 3, side == 4], [v * 4, 0.0, 4.0], u * 4)
    z = np.where(side == 0, 0.0, v * 2.5)
    return np.stack([x, y, z], axis=1).astype(np.float32)


def camera(index: int, at: tuple[float, float, float], heading_deg: float = 0.0) -> Frame:
    """A level camera at `at` looking along `heading_deg` (counter-clockwise from +x)."""
    h = math.radians(heading_deg)
    forward, right = np.array([math.cos(h), math.sin(h), 0.0]), np.array([math.sin(h), -math.cos(h), 0.0])
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2], pose[:3, 3] = right, np.cross(forward, right), forward, at
    return Frame(index=index, width=320, height=240, K=K, pose=tuple(map(tuple, pose)))


def trajectory(n: int) -> list[Frame]:
    return [camera(i, (1.0 + 0.25 * i, 2.0, 1.5)) for i in range(n)]


def memory(points: int, frames: list[Frame], sampled: int | None = None) -> SpatialMemory:
    return SpatialMemory(frames=frames, points=PointCloud.from_xyz(room_points(points)),
                         provenance=Provenance(backend="test", frames_sampled=sampled))


def test_a_dense_memory_has_no_warnings_and_a_sparse_one_says_how_sparse() -> None:
    dense = memory(200_000, trajectory(12), sampled=12)
    assert point_density(dense) == pytest.approx(200_000 / dense.room_area()) and not is_sparse(dense)
    assert memory_warnings(dense) == []
    sparse = memory(1_500, trajectory(12), sampled=12)
    assert is_sparse(sparse) and point_density(sparse) < SPARSE_POINTS_PER_M2
    (warning,) = memory_warnings(sparse)
    assert warning.startswith("sparse memory: ") and "points per m² of floor" in warning and "1,500 points" in warning


def test_few_registered_frames_and_cameras_off_the_trajectory_are_flagged() -> None:
    weak = memory(200_000, trajectory(6), sampled=25)
    assert memory_warnings(weak) == ["weak reconstruction: only 6 of 25 frames registered: parts of the scene may be "
                                     "missing; give more frames with more overlap between them"]
    frames = trajectory(10)
    frames[7] = camera(7, (40.0, -30.0, 1.5))
    astray = memory(200_000, frames, sampled=10)
    assert off_trajectory(astray) == [7]
    (warning,) = memory_warnings(astray)
    assert warning.startswith("1 camera off the trajectory (frame 7)")
    assert off_trajectory(memory(200_000, trajectory(10))) == []


def test_ground_truth_memories_are_not_flagged(vsibench_meta_dir: Path) -> None:
    from reasmory.memory.oracle import from_vsibench

    truth = from_vsibench(vsibench_meta_dir / "scannet_meta_info_val.json", "scene0251_00")
    assert point_density(truth) is None and memory_warnings(truth) == []


def test_a_sparse_cloud_renders_as_dots_not_squares() -> None:
    """Sparse points sized to close surfaces cover the picture with large squares; as dots they cover a little of it."""
    from reasmory.memory.render import RenderCamera, render_view

    frames = [camera(0, (0.5, 2.0, 1.5), 0.0)]
    sparse, dense = memory(1_500, frames), memory(400_000, frames)
    covered = {}
    for name, m in (("sparse", sparse), ("dense", dense)):
        picture = render_view(m, RenderCamera.from_frame(m.frames[0], 320, 240), "rgb", legend=False)
        covered[name] = float((picture.depth > 0).mean())
    assert covered["dense"] > 0.7, "a dense cloud still closes its surfaces (the view sees over the walls)"
    assert covered["sparse"] < 0.25, f"sparse points cover {covered['sparse']:.0%} of the picture"


def test_build_and_memory_info_flag_a_sparse_memory(tmp_path: Path) -> None:
    """A coarse RGB-D build of four frames: both the build and `memory info` say it is sparse."""
    living = require(SHARED / "data" / "livingroom1_micro")
    out = tmp_path / "coarse.rmem"
    build = subprocess.run([sys.executable, "-m", "reasmory", "build", str(living), "--frames", "4", "--no-cache",
                            "--set", "voxel_size=0.2", "-o", str(out)], capture_output=True, text=True, env=ENV)
    assert build.returncode == 0, build.stderr
    assert "warning: sparse memory:" in build.stderr
    info = subprocess.run([sys.executable, "-m", "reasmory", "memory", "info", str(out)], capture_output=True, text=True, env=ENV)
    assert info.returncode == 0 and "Warnings" in info.stdout and "sparse memory:" in info.stdout
    assert "4 registered of 4 sampled" in info.stdout and "per m² of floor" in info.stdout
