"""Moving a reconstruction into the memory's world with a similarity x ↦ s·R·x + t.

A similarity is a 4×4 matrix [s·R | t; 0 0 0 1]. Camera poses stay rigid
(rotation R·R_cam, position s·R·c + t); depth maps and box extents scale by s.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.model import Frame, ObjectInstance, PointCloud


def similarity(rigid: np.ndarray, scale: float) -> np.ndarray:
    """The similarity that applies the rigid 4×4 `rigid` and then scales about the origin."""
    sim = np.asarray(rigid, np.float64).copy()
    sim[:3, :] *= scale
    return sim


def scale_of(sim: np.ndarray) -> float:
    return float(np.cbrt(np.linalg.det(sim[:3, :3])))


def move_points(points: PointCloud, sim: np.ndarray) -> PointCloud:
    xyz = (points.xyz.astype(np.float64) @ sim[:3, :3].T + sim[:3, 3]).astype(np.float32)
    return PointCloud(xyz, points.rgb, points.frame, points.confidence)


def move_pose(pose: np.ndarray, sim: np.ndarray) -> np.ndarray:
    """A camera-to-world pose in the new world: still rigid, OpenCV axes."""
    s = scale_of(sim)
    out = np.eye(4)
    out[:3, :3] = sim[:3, :3] @ np.asarray(pose)[:3, :3] / s
    out[:3, 3] = sim[:3, :3] @ np.asarray(pose)[:3, 3] + sim[:3, 3]
    return out


def move_frames(frames: Sequence[Frame], sim: np.ndarray) -> list[Frame]:
    return [f.model_copy(update={"pose": tuple(map(tuple, move_pose(f.pose_array, sim).tolist()))}) for f in frames]


def move_objects(objects: Sequence[ObjectInstance], sim: np.ndarray) -> list[ObjectInstance]:
    """Objects with their boxes and points moved (extents scaled by the similarity's scale)."""
    s = scale_of(sim)
    rot = sim[:3, :3] / s
    moved = []
    for obj in objects:
        box = OrientedBox(
            center=tuple((sim[:3, :3] @ obj.box.c + sim[:3, 3]).tolist()),
            extents=tuple((obj.box.e * s).tolist()),
            rotation=tuple(map(tuple, (rot @ obj.box.R).tolist())),
        )
        points = (np.asarray(obj.points, np.float64) @ sim[:3, :3].T + sim[:3, 3]).astype(np.float32)
        moved.append(obj.model_copy(update={"box": box, "points": points}))
    return moved
