"""Perception errors applied to the inputs of the build: frames (poses), depth maps and per-frame instances.

`perceive` takes what a perfect sensor and labeller would give (true poses,
true depth, true masks) and returns what the modelled reconstruction and
detector give instead, reproducibly from (model seed, scene seed). With
`metric=False` the result is in the reconstruction's own frame: the first
camera's, at an arbitrary scale, as VGGT or SfM return it (poses and depth
scaled alike); the build must then find gravity and metric scale itself.
"""

from __future__ import annotations

import functools
import math
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from reasmory.memory.grounding.sources import InstanceSource
from reasmory.memory.model import Frame
from reasmory.memory.perception.depth import perturb_depth
from reasmory.memory.perception.detections import LOOK_ALIKES, PerceivedInstances
from reasmory.memory.perception.model import PerceptionModel
from reasmory.memory.perception.poses import perturb_poses
from reasmory.memory.reconstruction.world import move_pose, scale_of

DepthFn = Callable[[int], np.ndarray]

#: Streams of random numbers, one per kind of error, so that changing one part of a model leaves the others' draws alone.
_POSES, _DEPTH, _DETECTIONS, _FRAME = 1, 2, 3, 4


@dataclass(frozen=True)
class Perceived:
    """The perturbed inputs. `reconstruction_from_world` (4×4 similarity) maps true world coordinates into the
    reconstruction's frame (identity for metric models); `scale` is its scale factor."""

    frames: list[Frame]
    depth: DepthFn
    source: InstanceSource
    model: PerceptionModel
    reconstruction_from_world: np.ndarray

    @property
    def scale(self) -> float:
        return scale_of(self.reconstruction_from_world)


def scene_seed(name: str) -> int:
    """A stable seed for a scene from its name (the same scene gets the same errors in every run)."""
    return zlib.crc32(name.encode("utf-8"))


def perceive(frames: Sequence[Frame], depth: DepthFn, source: InstanceSource, model: PerceptionModel, seed: int = 0,
             vocabulary: Iterable[str] = ()) -> Perceived:
    """The inputs as `model` perceives them; `seed` tells scenes apart, `vocabulary` (the labels the detector is
    prompted with) labels spurious detections, widened by look-alikes."""
    if model.exact:
        return Perceived(list(frames), depth, source, model, np.eye(4))
    base = (model.seed, seed)
    poses, kept = perturb_poses([f.pose_array for f in frames], model.poses, np.random.default_rng([*base, _POSES]))
    sim = np.eye(4) if model.metric else reconstruction_frame(poses[0], np.random.default_rng([*base, _FRAME]))
    scale = scale_of(sim)
    moved = [frames[i].model_copy(update={"pose": tuple(map(tuple, move_pose(poses[i], sim).tolist()))}) for i in kept]

    @functools.lru_cache(maxsize=None)
    def read(index: int) -> np.ndarray:
        return perturb_depth(depth(index), model.depth, np.random.default_rng([*base, _DEPTH, index])) * np.float32(scale)

    words = set(vocabulary)
    words |= {alike for label in words for alike in LOOK_ALIKES.get(label, ())}
    shapes = {f.index: (f.height, f.width) for f in frames}
    detected = PerceivedInstances(source, model.detections, model.masks, (*base, _DETECTIONS), sorted(words), shapes)
    return Perceived(moved, read, detected, model, sim)


def reconstruction_frame(first_pose: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """world → reconstruction similarity: the first camera's frame (as VGGT anchors it) at a scale drawn log-uniformly
    in [1/4, 4] (nothing in the images fixes it)."""
    sim = np.linalg.inv(np.asarray(first_pose, np.float64))
    sim[:3, :] *= math.exp(rng.uniform(math.log(0.25), math.log(4.0)))
    return sim

