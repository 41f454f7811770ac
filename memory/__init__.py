"""The explicit 3D memory of a scene: model, store, queries and builders.

Conventions: right-handed world, z up, metres; camera poses camera-to-world
with OpenCV axes (x right, y down, z forward).
"""

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.labels import LabelNormalizer
from reasmory.memory.model import Frame, ObjectInstance, PointCloud, Provenance, ScaleInfo, SceneFacts
from reasmory.memory.spatial_memory import SpatialMemory

__all__ = [
    "Frame",
    "LabelNormalizer",
    "ObjectInstance",
    "OrientedBox",
    "PointCloud",
    "Provenance",
    "ScaleInfo",
    "SceneFacts",
    "SpatialMemory",
]
