"""Grounded 3D object instances: 2D instances (given masks or detectors) lifted, merged across views, boxed."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reasmory.memory.grounding.pipeline import GroundingSettings, ground, synthetic_scene_inputs
    from reasmory.memory.grounding.sources import GivenMasks, Instance2D, InstanceSource

_HOME = {"GroundingSettings": "pipeline", "ground": "pipeline", "synthetic_scene_inputs": "pipeline",
         "GivenMasks": "sources", "Instance2D": "sources", "InstanceSource": "sources"}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """Imported on first use: grounding pulls in scipy, and importing a submodule should not."""
    if name in _HOME:
        return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
