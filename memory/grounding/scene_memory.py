"""A memory of a synthetic scene folder built the way a capture is: depth + poses + instance masks.

Points come from back-projected depth (subsampled, voxel-thinned), objects
from `ground` on the instance maps; nothing is read from scene.json but the
label of each instance id. A perception-error model (reasmory.memory.perception:
`exact`, `rgbd-sensor`, `vggt-like`, `sfm-like` or any `PerceptionModel`)
perturbs those inputs first; when it is not metric, the perceived scene comes
in the first camera's frame at an unknown scale, and gravity and metric scale
are recovered by the build pipeline's own steps (`align`, then `with_objects`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from reasmory.memory.grounding.associate import thin
from reasmory.memory.grounding.pipeline import GroundingSettings, ground, synthetic_scene_inputs
from reasmory.memory.model import Frame, MemoryArrays, PointCloud, Provenance, SceneFacts
from reasmory.memory.perception import PRESETS, Perceived, PerceptionModel, perceive, preset, scene_seed
from reasmory.memory.reconstruction.consistency import consistent_depth
from reasmory.memory.room import depth_samples, footprint, room_facts, room_layout
from reasmory.memory.spatial_memory import SpatialMemory


def frame_points(depth: np.ndarray, K: np.ndarray, pose: np.ndarray, stride: int) -> np.ndarray:
    """World points of about one pixel in `stride`² of a depth map: the pixels on every `stride`-th row and column, or,
    when most of those have no depth (sparse SfM points), every pixel with depth, thinned to the same budget."""
    from reasmory.memory.reconstruction.backends.base import backproject

    xyz = backproject(depth, K, pose, stride)[0]
    budget = depth.size // stride**2
    if stride > 1 and len(xyz) < budget // 2:
        xyz = backproject(depth, K, pose)[0]
        xyz = xyz[:: -(-len(xyz) // budget)]
    return xyz


def scene_points(frames: list[Frame], depth: Callable[[int], np.ndarray], stride: int = 4, every: int = 2,
                 spacing: float | None = 0.03) -> PointCloud:
    """Back-projected depth of every `every`-th frame, about one point per `stride`² pixels (`frame_points`), one
    point per `spacing` voxel (None: every point)."""
    chunks = [frame_points(depth(f.index), f.K_array, f.pose_array, stride) for f in frames[::every]]
    xyz = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros((0, 3), np.float32)
    return PointCloud.from_xyz(thin(xyz, spacing) if spacing else xyz)


def build_scene_memory(folder: Path, settings: GroundingSettings | None = None, perception: PerceptionModel | str = "exact",
                       timings: dict[str, float] | None = None) -> SpatialMemory:
    """The scene's memory from its depth maps, camera poses and instance maps as `perception` sees them; `timings`,
    when given, receives the seconds spent grounding objects ("grounding") and on the scene's points and room, with
    gravity and scale for non-metric models ("points")."""
    frames, depth, masks, min_pixels = synthetic_scene_inputs(folder)
    model = preset(perception)
    seen = perceive(frames, depth, masks, model, scene_seed(folder.name), vocabulary=masks.labels.values())
    settings = settings or GroundingSettings(min_visible_pixels=min_pixels)
    start = time.perf_counter()
    fixed, note = consistent_depth(seen.frames, seen.depth)
    seen = dataclasses.replace(seen, depth=fixed)
    provenance = Provenance(source=str(folder), backend="rgbd+given-masks" if model.exact else f"rgbd+given-masks, perceived {model.name}",
                            settings={"perception": model.name if PRESETS.get(model.name) == model else model.model_dump(mode="json"),
                                      "min_visible_pixels": settings.min_visible_pixels},
                            frames_sampled=len(frames), notes=[f"frames: {len(seen.frames)} registered of {len(frames)}", *([note] if note else [])])
    if not model.metric:
        return _up_to_scale(seen, settings, provenance, timings, time.perf_counter() - start)
    consistency = time.perf_counter() - start
    start = time.perf_counter()
    objects = ground(seen.frames, seen.depth, seen.source, settings)
    middle = time.perf_counter()
    points = scene_points(seen.frames, seen.depth)
    room = scene_room(seen.frames, seen.depth, objects)
    if timings is not None:
        timings.update(grounding=middle - start, points=time.perf_counter() - middle + consistency)
    return SpatialMemory(frames=seen.frames, points=points, objects=objects, scene=SceneFacts(floor_z=0.0, **room), provenance=provenance)


def scene_room(frames: list[Frame], depth: Callable[[int], np.ndarray], objects: list) -> dict:
    """`SceneFacts` fields of the room's layout from the frames' depth (`reasmory.memory.room`); objects are room."""
    samples = depth_samples(frames, lambda k: depth(frames[k].index))
    return room_facts(room_layout([f.position for f in frames], samples, [footprint(o.box) for o in objects]))


def _up_to_scale(seen: Perceived, settings: GroundingSettings, provenance: Provenance,
                 timings: dict[str, float] | None, consistency: float) -> SpatialMemory:
    """Gravity and a provisional scale (camera height) from the perceived points, objects grounded in that world,
    then the scale refined by the objects' typical sizes: the build pipeline's order for up-to-scale backends."""
    from reasmory.memory.reconstruction.pipeline import align, with_objects
    from reasmory.memory.reconstruction.settings import BuildSettings
    from reasmory.memory.reconstruction.world import move_frames, scale_of

    start = time.perf_counter()
    build = BuildSettings()
    rough = scene_points(seen.frames, seen.depth, stride=8, spacing=None)  # reconstruction units: no metric voxel yet
    aligned = align(rough.xyz, [f.pose_array for f in seen.frames], True, False, build, seen.model.name)
    frames = move_frames(seen.frames, aligned.similarity)
    factor = np.float32(scale_of(aligned.similarity))

    def depth(index: int) -> np.ndarray:
        return seen.depth(index) * factor

    points = scene_points(frames, depth)
    middle = time.perf_counter()
    objects = ground(frames, depth, seen.source, settings)
    end = time.perf_counter()
    room = scene_room(frames, depth, objects)  # with_objects brings it to the refined scale
    if timings is not None:
        timings.update(points=consistency + middle - start + time.perf_counter() - end, grounding=end - middle)
    provenance = provenance.model_copy(update={"notes": [*provenance.notes, *aligned.notes]})
    memory = SpatialMemory(frames=frames, points=points, scene=SceneFacts(floor_z=0.0, scale=aligned.scale, **room), provenance=provenance,
                           arrays=MemoryArrays(extra={"world_from_reconstruction": aligned.similarity}))
    return with_objects(memory, objects, True, build.scale)
