"""The SpatialMemory data model: metadata as pydantic models, bulk data as numpy.

Conventions (DESIGN §3): right-handed world, z up, metres. Camera poses are
camera-to-world 4×4 with OpenCV camera axes (x right, y down, z forward).
Arrays that cross module boundaries:

- `PointCloud.xyz`  (N, 3) float32, world metres
- `PointCloud.rgb`  (N, 3) uint8
- `PointCloud.frame` (N,) int32, source frame index or -1
- `PointCloud.confidence` (N,) float32, in [0, 1] where known, else 1
- `ObjectInstance.points` (M, 3) float32, world metres
- `SpatialMemory.depth` (F, H, W) float32 metres, 0 = unknown (optional)
- `SpatialMemory.confidence` (F, H, W) float32 (optional)
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from reasmory.defaults import new_list
from reasmory.memory.boxes import OrientedBox

SCHEMA_VERSION = 1

Matrix3 = tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]
Matrix4 = tuple[tuple[float, float, float, float], ...]


class Frame(BaseModel):
    """One input frame: camera intrinsics and camera-to-world pose (OpenCV axes)."""

    model_config = ConfigDict(frozen=True)

    index: int = Field(ge=0)
    timestamp: float = 0.0
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    K: Matrix3
    pose: Matrix4 = Field(description="camera-to-world 4×4, OpenCV camera axes")
    image: str | None = Field(default=None, description="source image reference (path or video#frame)")

    @property
    def K_array(self) -> np.ndarray:
        return np.asarray(self.K, dtype=np.float64)

    @property
    def pose_array(self) -> np.ndarray:
        return np.asarray(self.pose, dtype=np.float64)

    @property
    def position(self) -> np.ndarray:
        return self.pose_array[:3, 3]

    @property
    def forward(self) -> np.ndarray:
        """Camera +z axis in world coordinates."""
        return self.pose_array[:3, 2]


class ObjectInstance(BaseModel):
    """One physical object: label, box, its own points, and where it was seen."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: int = Field(ge=0)
    label: str
    score: float = 1.0
    box: OrientedBox
    points: np.ndarray = Field(default_factory=lambda: np.zeros((0, 3), np.float32), exclude=True, repr=False)
    frames: list[int] = Field(default_factory=new_list, description="frames in which the object is visible")
    boxes_2d: dict[int, tuple[float, float, float, float]] = Field(
        default_factory=dict, description="frame index → (x0, y0, x1, y1) pixels"
    )
    first_seen: int | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)

    @property
    def center(self) -> np.ndarray:
        return self.box.c

    @property
    def observations(self) -> int:
        """How well observed: frames seen in, else the number of points."""
        return len(self.frames) if self.frames else int(len(self.points))


class ScaleInfo(BaseModel):
    factor: float = 1.0
    method: str = "metric input"
    spread: float = 0.0


class SceneFacts(BaseModel):
    up_axis: Literal["z"] = "z"
    floor_z: float = 0.0
    scale: ScaleInfo = Field(default_factory=ScaleInfo)
    floor_polygon: list[tuple[float, float]] | None = None
    floor_area: float | None = Field(default=None, description="m²; from metadata or the polygon when known")
    floor_area_source: str | None = None


class Provenance(BaseModel):
    input_hash: str | None = None
    source: str | None = None
    backend: str = "unknown"
    settings: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, str] = Field(default_factory=dict)
    frames_sampled: int | None = Field(default=None, ge=0, description="frames given to the reconstruction; `frames` holds those it registered")
    notes: list[str] = Field(default_factory=new_list)
    created: str = Field(default_factory=lambda: _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))


@dataclass(frozen=True)
class PointCloud:
    """The scene's fused points (see module docstring for shapes and units)."""

    xyz: np.ndarray
    rgb: np.ndarray
    frame: np.ndarray
    confidence: np.ndarray

    @classmethod
    def empty(cls) -> PointCloud:
        return cls.from_xyz(np.zeros((0, 3), np.float32))

    @classmethod
    def from_xyz(
        cls,
        xyz: np.ndarray,
        rgb: np.ndarray | None = None,
        frame: np.ndarray | None = None,
        confidence: np.ndarray | None = None,
    ) -> PointCloud:
        xyz = np.ascontiguousarray(xyz, dtype=np.float32).reshape(-1, 3)
        n = len(xyz)
        rgb = np.full((n, 3), 200, np.uint8) if rgb is None else np.ascontiguousarray(rgb, dtype=np.uint8)
        frame = np.full(n, -1, np.int32) if frame is None else np.ascontiguousarray(frame, dtype=np.int32)
        confidence = np.ones(n, np.float32) if confidence is None else np.ascontiguousarray(confidence, np.float32)
        if not (len(rgb) == len(frame) == len(confidence) == n):
            raise ValueError("point arrays must have the same length")
        return cls(xyz=xyz, rgb=rgb, frame=frame, confidence=confidence)

    def __len__(self) -> int:
        return len(self.xyz)


@dataclass
class MemoryArrays:
    """Optional per-frame rasters kept with the memory."""

    depth: np.ndarray | None = None
    confidence: np.ndarray | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)
