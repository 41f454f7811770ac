"""Shared scenes for the render tests: one small synthetic room (160×120, 8 frames) and memories made from it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reasmory.memory import PointCloud, SpatialMemory
from reasmory.memory.oracle import from_scene
from reasmory.synth.writer import read_depth, read_instances


@pytest.fixture(scope="session")
def synth_folder(make_synth_scene: Callable[..., Path]) -> Path:
    return make_synth_scene(3, 8)


@pytest.fixture(scope="session")
def oracle(synth_folder: Path) -> SpatialMemory:
    return from_scene(synth_folder / "scene.json")


def backproject(folder: Path, oracle: SpatialMemory, frames: list[int]) -> SpatialMemory:
    """A memory as a perfect reconstruction would give: every depth pixel of `frames` lifted to the world as a
    coloured scene point, and each object owning (a copy of) the points of its instance id."""
    parts = []
    for index in frames:
        frame = oracle.frames[index]
        depth = read_depth(folder / f"depth/{index:05d}.png")
        ids = read_instances(folder / f"instances/{index:05d}.png")
        rgb = np.asarray(Image.open(folder / f"frames/{index:05d}.jpg"))
        v, u = np.nonzero(depth > 0)
        z, K, pose = depth[v, u], frame.K_array, frame.pose_array
        camera = np.stack([(u - K[0, 2]) / K[0, 0] * z, (v - K[1, 2]) / K[1, 1] * z, z], axis=1)
        parts.append(((camera @ pose[:3, :3].T + pose[:3, 3]).astype(np.float32), ids[v, u], rgb[v, u]))
    xyz, ids, rgb = (np.concatenate(p) for p in zip(*parts))
    objects = [o.model_copy(update={"points": xyz[ids == o.id], "attributes": {}}) for o in oracle.objects]
    return SpatialMemory(frames=oracle.frames, points=PointCloud.from_xyz(xyz, rgb), objects=objects)
