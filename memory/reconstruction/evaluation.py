"""Comparing a reconstruction with ground truth: similarity alignment and pose errors.

Up-to-scale trajectories live in an arbitrary frame, so camera positions are
compared after the least-squares similarity (Umeyama 1991) that maps them
onto the ground truth; rotation errors use the rotation of that alignment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Similarity:
    """x ↦ scale · R · x + t."""

    scale: float
    R: np.ndarray
    t: np.ndarray

    def apply(self, xyz: np.ndarray) -> np.ndarray:
        return self.scale * np.asarray(xyz, np.float64) @ self.R.T + self.t


def umeyama(src: np.ndarray, dst: np.ndarray, with_scale: bool = True) -> Similarity:
    """The similarity minimising Σ‖dst − (s R src + t)‖² for corresponding (N, 3) points, N ≥ 3."""
    src, dst = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    xs, xd = src - mu_s, dst - mu_d
    u, d, vt = np.linalg.svd(xd.T @ xs / len(src))
    sign = np.diag([1.0, 1.0, np.sign(np.linalg.det(u @ vt)) or 1.0])
    R = u @ sign @ vt
    scale = float(np.trace(np.diag(d) @ sign) / (xs**2).sum(axis=1).mean()) if with_scale else 1.0
    return Similarity(scale, R, mu_d - scale * R @ mu_s)


def rotation_angle_deg(R: np.ndarray) -> float:
    """The angle of a rotation matrix, degrees."""
    return math.degrees(math.acos(float(np.clip((np.trace(R) - 1) / 2, -1.0, 1.0))))


@dataclass(frozen=True)
class TrajectoryError:
    position_rmse: float
    rotation_median_deg: float
    rotation_max_deg: float
    alignment: Similarity


def trajectory_error(estimated: list[np.ndarray], truth: list[np.ndarray]) -> TrajectoryError:
    """Camera position RMSE (ground-truth units) and rotation errors after similarity alignment.

    Both lists hold camera-to-world 4×4 poses of the same frames, in order.
    """
    est_c = np.array([p[:3, 3] for p in estimated])
    gt_c = np.array([p[:3, 3] for p in truth])
    sim = umeyama(est_c, gt_c)
    residual = sim.apply(est_c) - gt_c
    angles = [rotation_angle_deg(g[:3, :3].T @ sim.R @ e[:3, :3]) for e, g in zip(estimated, truth, strict=True)]
    return TrajectoryError(
        position_rmse=float(np.sqrt((residual**2).sum(axis=1).mean())),
        rotation_median_deg=float(np.median(angles)),
        rotation_max_deg=float(np.max(angles)),
        alignment=sim,
    )
