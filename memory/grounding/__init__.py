"""Grounded 3D object instances: 2D instances (given masks or detectors) lifted, merged across views, boxed."""

from reasmory.memory.grounding.pipeline import GroundingSettings, ground, synthetic_scene_inputs
from reasmory.memory.grounding.sources import GivenMasks, Instance2D, InstanceSource

__all__ = ["GivenMasks", "GroundingSettings", "Instance2D", "InstanceSource", "ground", "synthetic_scene_inputs"]
