"""A memory of a synthetic scene folder built the way a sensor capture is: depth + poses + given masks.

Points come from back-projected depth (subsampled, voxel-thinned), objects
from `ground` on the instance maps; nothing is read from scene.json. Optional
noise (relative depth noise, pose jitter) measures robustness.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reasmory.memory.grounding.associate import thin
from reasmory.memory.grounding.pipeline import GroundingSettings, ground, synthetic_scene_inputs
from reasmory.memory.model import Frame, PointCloud, Provenance, SceneFacts
from reasmory.memory.room import depth_samples, footprint, room_facts, room_layout
from reasmory.memory.spatial_memory import SpatialMemory


@dataclass(frozen=True)
class Noise:
    depth_relative: float = 0.0
    rotation_deg: float = 0.0
    translation_m: float = 0.0
    seed: int = 0


def _jitter(frames: list[Frame], noise: Noise) -> list[Frame]:
    if noise.rotation_deg == 0 and noise.translation_m == 0:
        return frames
    rng = np.random.default_rng(noise.seed)
    out = []
    for f in frames:
        axis = rng.normal(size=3)
        axis /= np.linalg.norm(axis)
        angle = math.radians(rng.normal(0, noise.rotation_deg))
        k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
        r = np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * k @ k
        pose = f.pose_array.copy()
        pose[:3, :3] = r @ pose[:3, :3]
        pose[:3, 3] += rng.normal(0, noise.translation_m, 3)
        out.append(f.model_copy(update={"pose": tuple(map(tuple, pose.tolist()))}))
    return out


def _noisy(depth: Callable[[int], np.ndarray], relative: float, seed: int) -> Callable[[int], np.ndarray]:
    """Depth with multiplicative Gaussian noise, the same for a frame every time it is read."""

    def read(index: int) -> np.ndarray:
        d = depth(index)
        rng = np.random.default_rng([seed, index])
        return np.where(d > 0, d * (1 + rng.normal(0, relative, d.shape)), 0).astype(np.float32)

    return read


def scene_points(frames: list[Frame], depth: Callable[[int], np.ndarray], stride: int = 4, every: int = 2, spacing: float = 0.03) -> PointCloud:
    """Back-projected depth of every `every`-th frame at every `stride`-th pixel, one point per `spacing` voxel."""
    from reasmory.memory.reconstruction.backends.base import backproject

    chunks = [backproject(depth(f.index), f.K_array, f.pose_array, stride)[0] for f in frames[::every]]
    xyz = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros((0, 3), np.float32)
    return PointCloud.from_xyz(thin(xyz, spacing))


def build_scene_memory(folder: Path, settings: GroundingSettings | None = None, noise: Noise = Noise(),
                       timings: dict[str, float] | None = None) -> SpatialMemory:
    """The scene's memory from its depth maps, camera poses and instance maps; `timings`, when given, receives the
    seconds spent grounding objects ("grounding") and back-projecting the scene's points and finding the room ("points")."""
    frames, depth, masks, min_pixels = synthetic_scene_inputs(folder)
    if noise.depth_relative > 0:
        depth = _noisy(depth, noise.depth_relative, noise.seed)
    frames = _jitter(frames, noise)
    settings = settings or GroundingSettings(min_visible_pixels=min_pixels)
    start = time.perf_counter()
    objects = ground(frames, depth, masks, settings)
    middle = time.perf_counter()
    points = scene_points(frames, depth)
    footprints = [footprint(o.box) for o in objects]
    room = room_layout([f.position for f in frames], depth_samples(frames, lambda k: depth(frames[k].index)), footprints)
    if timings is not None:
        timings.update(grounding=middle - start, points=time.perf_counter() - middle)
    return SpatialMemory(
        frames=frames,
        points=points,
        objects=objects,
        scene=SceneFacts(floor_z=0.0, **room_facts(room)),
        provenance=Provenance(source=str(folder), backend="rgbd+given-masks",
                              settings={"noise": noise.__dict__, "min_visible_pixels": settings.min_visible_pixels}),
    )
