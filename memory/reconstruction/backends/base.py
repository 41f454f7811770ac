"""The one reconstruction interface: a pydantic config per backend that builds its backend.

Every backend turns a `FrameSet` into a `Reconstruction` in its own world
frame and units: not yet gravity-aligned, and up to an unknown scale when
`up_to_scale` is set. Arrays in a `Reconstruction`:

- `frames[i].pose` camera-to-world 4×4, OpenCV axes; `frames[i].K` pixels of
  the input image (`frames[i].index` is the position in the FrameSet; frames
  that could not be registered are absent);
- `points` PointCloud (xyz float32 in reconstruction units, rgb uint8, source
  frame index, confidence in [0, 1]);
- `depth` (F, H, W) float32 camera z in reconstruction units, 0 = unknown, one
  per entry of `frames` at the input image size; `confidence` (F, H, W) float32
  in [0, 1]. Both optional.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from reasmory.errors import InputError
from reasmory.memory.reconstruction.frames import FrameSet, InputFrame
from reasmory.memory.model import Frame, PointCloud


@dataclass
class Reconstruction:
    """What a backend returns (see the module docstring for frames and units)."""

    frames: list[Frame]
    points: PointCloud
    up_to_scale: bool
    total_frames: int
    depth: np.ndarray | None = None
    confidence: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def registered(self) -> int:
        return len(self.frames)


class Backend(ABC):
    """Turns frames into cameras and points."""

    def __init__(self, config: BackendConfig) -> None:
        self.config = config

    @abstractmethod
    def reconstruct(self, frames: FrameSet, progress: bool = True) -> Reconstruction:
        """Cameras and points for `frames`, in the backend's world frame and units."""


#: A source of this many photos or fewer is a set of views ("image 1", "image 2", …): each needs a camera.
FEW_PHOTOS = 4


class BackendConfig(BaseModel):
    """Settings of one backend; `setup()` builds it. Subclasses set the class variables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ClassVar[str]
    #: One line for `--help` and docs.
    summary: ClassVar[str]
    #: Whether its output is metric (False) or up to an unknown scale (True).
    up_to_scale: ClassVar[bool]
    #: Post-processing defaults that suit this backend's points (overridable by the user).
    postprocess_defaults: ClassVar[dict[str, Any]] = {}
    #: Frames to sample when the user does not say (None = all).
    default_frames: ClassVar[int | None] = None
    #: Gives every one of a handful of photos (FEW_PHOTOS or fewer) a camera, so "image k" has a view.
    few_views: ClassVar[bool] = False

    #: The class `setup()` builds.
    backend: ClassVar[type[Backend]]

    def setup(self) -> Backend:
        return self.backend(self)

    @classmethod
    def require(cls) -> None:
        """Raise an InputError naming what this backend needs and this installation lacks (nothing, by default)."""

    @classmethod
    def available(cls) -> str | None:
        """None when the backend can run here, else why not (one line)."""
        try:
            cls.require()
        except InputError as exc:
            return exc.one_line()
        return None


def make_frame(source: InputFrame, K: np.ndarray, pose: np.ndarray) -> Frame:
    """A memory Frame for an input frame with its estimated (or given) camera."""
    return Frame(
        index=source.index,
        timestamp=source.timestamp,
        width=source.width,
        height=source.height,
        K=tuple(tuple(float(v) for v in row) for row in np.asarray(K, np.float64)),
        pose=tuple(tuple(float(v) for v in row) for row in np.asarray(pose, np.float64)),
        image=source.reference,
    )


def backproject(depth: np.ndarray, K: np.ndarray, pose: np.ndarray, stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """World points (N, 3) float64 of the valid pixels of a depth map, and their (row, col) indices.

    Pixel (row v, col u) with depth z maps to camera ((u − cx) z / fx, (v − cy) z / fy, z),
    then to the world with the camera-to-world `pose`.
    """
    rows, cols = np.mgrid[0 : depth.shape[0] : stride, 0 : depth.shape[1] : stride]
    z = depth[rows, cols]
    valid = z > 0
    rows, cols, z = rows[valid], cols[valid], z[valid].astype(np.float64)
    cam = np.stack([(cols - K[0, 2]) * z / K[0, 0], (rows - K[1, 2]) * z / K[1, 1], z], axis=1)
    return cam @ pose[:3, :3].T + pose[:3, 3], np.stack([rows, cols], axis=1)
