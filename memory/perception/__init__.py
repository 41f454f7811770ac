"""Perception-error models: what imperfect depth, cameras, detectors and segmenters do to a memory's inputs.

    from reasmory.memory.perception import perceive, preset
    seen = perceive(frames, depth, masks, preset("vggt-like"), seed=7, vocabulary=labels)
    seen.frames, seen.depth, seen.source          # what the build and grounding then consume

Modules, one job each: `model` (the parameters), `presets` (named, calibrated
sets), `depth`, `poses`, `detections` (the perturbations), `apply` (all of
them applied to a scene's inputs, reproducibly from a seed).
"""

from reasmory.memory.perception.model import DepthErrors, DetectionErrors, MaskErrors, PerceptionModel, PoseErrors
from reasmory.memory.perception.apply import Perceived, perceive, scene_seed
from reasmory.memory.perception.presets import PRESETS, preset

__all__ = ["PRESETS", "DepthErrors", "DetectionErrors", "MaskErrors", "Perceived", "PerceptionModel", "PoseErrors",
           "perceive", "preset", "scene_seed"]
