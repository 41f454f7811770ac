"""Camera helpers: poses from a look-at, intrinsics from a field of view, projection.

Poses are camera-to-world 4×4 with OpenCV camera axes (x right, y down,
z forward); the world is z up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from reasmory.memory.model import Frame


def look_at_pose(position: Sequence[float], target: Sequence[float]) -> np.ndarray:
    """Camera-to-world pose at `position` looking at `target`, image rows pointing down (world −z)."""
    eye = np.asarray(position, np.float64)
    forward = np.asarray(target, np.float64) - eye
    if np.linalg.norm(forward) < 1e-9:
        raise ValueError("camera position and look_at target coincide")
    forward /= np.linalg.norm(forward)
    up = np.array([0.0, 0.0, 1.0])
    right = np.cross(forward, up)
    if np.linalg.norm(right) < 1e-6:  # looking straight up or down: pick any right vector
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2], pose[:3, 3] = right, down, forward, eye
    return pose


def intrinsics_from_fov(width: int, height: int, fov_deg: float) -> np.ndarray:
    """Pinhole K with square pixels and the principal point at the image centre; fov is horizontal."""
    f = (width / 2) / math.tan(math.radians(fov_deg) / 2)
    return np.array([[f, 0, (width - 1) / 2], [0, f, (height - 1) / 2], [0, 0, 1]], dtype=np.float64)


def project(points: np.ndarray, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates (N, 2) and camera depths (N,) of world points in a frame."""
    pose = frame.pose_array
    cam = (np.asarray(points, np.float64) - pose[:3, 3]) @ pose[:3, :3]
    z = cam[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        uv = (cam[:, :2] / z[:, None]) * np.diag(frame.K_array)[:2] + frame.K_array[:2, 2]
    return uv, z


def pixels_in_view(points: np.ndarray, frame: Frame, near: float = 0.05, rounded: bool = True
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The indices of the points over `near` in front of the camera that land inside the image, their pixel columns
    and rows (rounded to pixels, int; or not, float) and their camera depths."""
    uv, z = project(points, frame)
    ok = z > near
    uv = np.where(ok[:, None], uv, -1.0)
    if rounded:
        uv = np.round(uv)
        ok &= (uv[:, 0] >= 0) & (uv[:, 0] < frame.width) & (uv[:, 1] >= 0) & (uv[:, 1] < frame.height)
    else:
        ok &= (uv[:, 0] >= 0) & (uv[:, 0] <= frame.width - 1) & (uv[:, 1] >= 0) & (uv[:, 1] <= frame.height - 1)
    idx = np.nonzero(ok)[0]
    u, v = uv[idx, 0], uv[idx, 1]
    return idx, (u.astype(np.int64) if rounded else u), (v.astype(np.int64) if rounded else v), z[idx]


def visible_frames(points: np.ndarray, frames: Sequence[Frame], min_fraction: float = 0.05, near: float = 0.1) -> list[int]:
    """Frames in whose image at least `min_fraction` of the points project (no occlusion test)."""
    seen = []
    for frame in frames:
        uv, z = project(points, frame)
        inside = (z > near) & (uv[:, 0] >= 0) & (uv[:, 0] < frame.width) & (uv[:, 1] >= 0) & (uv[:, 1] < frame.height)
        if len(points) and inside.mean() >= min_fraction:
            seen.append(frame.index)
    return seen
