"""Camera poses as an estimator gives them: independent jitter per frame plus drift along the video.

Poses are camera-to-world 4×4 (OpenCV axes). The error is applied on the
camera's position and orientation in the world: R' = ΔR·R, c' = c + Δc,
with ΔR, Δc the sum of the frame's own jitter and the random walk so far.
"""

from __future__ import annotations

import math

import numpy as np

from reasmory.memory.perception.model import PoseErrors


def rotation(vector: np.ndarray) -> np.ndarray:
    """The rotation matrix of a rotation vector (axis × angle in radians), by Rodrigues' formula."""
    angle = float(np.linalg.norm(vector))
    if angle < 1e-12:
        return np.eye(3)
    k = np.asarray(vector, np.float64) / angle
    cross = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(angle) * cross + (1 - math.cos(angle)) * cross @ cross


def perturb_poses(poses: list[np.ndarray], errors: PoseErrors, rng: np.random.Generator) -> tuple[list[np.ndarray], list[int]]:
    """(perturbed poses, indices of the frames kept): every pose moved, then `unregistered` of them dropped (never
    the first, which anchors a reconstruction)."""
    walk_r, walk_t = np.zeros(3), np.zeros(3)
    out = []
    for pose in poses:
        walk_r += rng.normal(0, math.radians(errors.drift_rotation_deg), 3)
        walk_t += rng.normal(0, errors.drift_translation_m, 3)
        jitter_r = rng.normal(0, math.radians(errors.rotation_deg), 3)
        jitter_t = rng.normal(0, errors.translation_m, 3)
        moved = np.asarray(pose, np.float64).copy()
        moved[:3, :3] = rotation(walk_r + jitter_r) @ moved[:3, :3]
        moved[:3, 3] += walk_t + jitter_t
        out.append(moved)
    kept = [i for i in range(len(poses)) if i == 0 or rng.random() >= errors.unregistered]
    return out, kept
