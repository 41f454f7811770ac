"""The pinhole camera a render is made through.

Conventions: OpenCV camera axes (x right, y down, z forward), a world that is
z up in metres. `world_to_camera` is the 3×4 [R | t] mapping a world point p
to camera coordinates R p + t, the inverse of a frame's camera-to-world pose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reasmory.memory.cameras import intrinsics_from_fov
from reasmory.memory.model import Frame

#: Horizontal field of view of made-up views, degrees.
DEFAULT_FOV_DEG = 70.0


@dataclass(frozen=True)
class RenderCamera:
    """Intrinsics, extrinsics and image size of one render.

    K: (3, 3) float64 pixels; world_to_camera: (3, 4) float64; pixel centres at
    integer coordinates.
    """

    K: np.ndarray
    world_to_camera: np.ndarray
    width: int
    height: int

    @property
    def focal(self) -> float:
        """Mean focal length in pixels (splat sizes use it)."""
        return float((self.K[0, 0] + self.K[1, 1]) / 2)

    @property
    def position(self) -> np.ndarray:
        """Camera centre in world coordinates, (3,) float64."""
        R, t = self.world_to_camera[:, :3], self.world_to_camera[:, 3]
        return -R.T @ t

    def projection(self) -> np.ndarray:
        """(3, 4) float64 K [R | t]: world point → (u·z, v·z, z)."""
        return self.K @ self.world_to_camera

    @classmethod
    def from_pose(cls, K: np.ndarray, pose: np.ndarray, width: int, height: int) -> RenderCamera:
        """From a camera-to-world 4×4 pose (OpenCV axes)."""
        pose = np.asarray(pose, np.float64)
        R = pose[:3, :3].T
        return cls(np.asarray(K, np.float64), np.hstack([R, (-R @ pose[:3, 3])[:, None]]), int(width), int(height))

    @classmethod
    def from_frame(cls, frame: Frame, width: int | None = None, height: int | None = None) -> RenderCamera:
        """A frame's camera at another image size: the same horizontal field of view, square pixels, centred."""
        width, height = width or frame.width, height or frame.height
        K = frame.K_array.copy()
        scale = width / frame.width
        K[0, 0] *= scale
        K[1, 1] *= scale
        K[0, 2] = (K[0, 2] + 0.5) * scale - 0.5
        K[1, 2] = (K[1, 2] + 0.5) * scale - 0.5 + (height - frame.height * scale) / 2
        return cls.from_pose(K, frame.pose_array, width, height)

    @classmethod
    def looking(
        cls, position: np.ndarray, heading: float, width: int, height: int, fov_deg: float = DEFAULT_FOV_DEG
    ) -> RenderCamera:
        """A level camera at `position` (world metres) facing `heading` (radians CCW from +x)."""
        forward = np.array([math.cos(heading), math.sin(heading), 0.0])
        right = np.array([math.sin(heading), -math.cos(heading), 0.0])
        pose = np.eye(4)
        pose[:3, 0], pose[:3, 1], pose[:3, 2] = right, (0.0, 0.0, -1.0), forward
        pose[:3, 3] = np.asarray(position, np.float64)
        return cls.from_pose(intrinsics_from_fov(width, height, fov_deg), pose, width, height)

    def rays(self) -> np.ndarray:
        """(H, W, 3) float32 world unit directions through the pixel centres."""
        K = self.K
        x = ((np.arange(self.width, dtype=np.float32) - K[0, 2]) / K[0, 0])[None, :, None]
        y = ((np.arange(self.height, dtype=np.float32) - K[1, 2]) / K[1, 1])[:, None, None]
        R = self.world_to_camera[:, :3].astype(np.float32)
        directions = x * R[0] + y * R[1] + R[2]
        return directions / np.sqrt((directions * directions).sum(-1, keepdims=True))
