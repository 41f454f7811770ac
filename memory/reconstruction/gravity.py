"""Gravity: find the floor, then rotate the world so z is up and the floor is at z = 0.

The floor is the largest plane near the lowest whose normal agrees with the cameras' mean
up vector (the −y axis of OpenCV cameras, in world coordinates): people hold
cameras roughly upright, so that vector tells floor from ceiling and walls,
and RANSAC makes the direction exact. The lowest points
(along the cameras' up) are searched first: with noisy depth (a learned
reconstruction) the whole cloud's largest near-horizontal plane may cut the
floor and the walls' feet at a slant. When no plane qualifies, the cameras' up vector is used alone and the floor is put at a low
percentile of the points' heights.

One plane's normal is a poor level under a learned reconstruction's depth: a patch of floor warped by a few per
cent, or a larger slanted surface low in the room (a sofa's back, a bed's end), gave floors tilted 3–11° on
synthetic rooms under `vggt-like` perception. So the direction is then refined by every surface at once (indoor
rooms are built level and plumb): the normals of the points (local planes, Open3D) that lie within a cone of the
current up vote for it (floor, table tops, seats), those nearly perpendicular to it vote against any tilt (walls,
cabinet fronts), and up becomes the direction best agreeing with both, in narrowing cones
(`GravityConfig.refine_cones_deg`). The floor is then looked for again among the planes within
`floor_tilt_deg` of that direction: a slanted surface is not the floor.

RANSAC runs here in numpy from a seeded generator, every hypothesis scored in
one matrix product, rather than through Open3D's `segment_plane`: its worker
threads race (0.20), so the same points gave different planes from run to run,
and one video gave different floors, scales and answers each time it was built.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

#: Points used for plane search at most (a random subset beyond this).
_MAX_RANSAC_POINTS = 20_000


class GravityConfig(BaseModel):
    """How to find the floor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["auto", "estimate", "off"] = Field(
        default="auto",
        description="estimate: find the floor and rotate z up; off: keep the reconstruction's frame; "
        "auto: keep inputs whose poses are already gravity-aligned (e.g. synthetic scenes), else estimate",
    )
    max_planes: int = Field(default=6, ge=1, description="planes to extract, largest first")
    max_tilt_deg: float = Field(default=30.0, gt=0, le=90, description="floor normal vs the cameras' up, at most")
    min_inlier_fraction: float = Field(default=0.03, gt=0, lt=1, description="smallest plane worth considering")
    distance_fraction: float = Field(default=0.008, gt=0, description="RANSAC inlier distance, fraction of scene size")
    iterations: int = Field(default=300, ge=10, description="RANSAC iterations per plane")
    low_share: float = Field(default=0.2, gt=0, le=1, description="the floor is looked for among this lowest share of the "
                             "points (along the cameras' up) first")
    near_lowest: float = Field(default=0.2, ge=0, lt=1, description="the floor is the largest plane within this share of the "
                               "cameras' height above the lowest one")
    refine_cones_deg: tuple[Annotated[float, Field(gt=0, lt=90)], ...] = Field(default=(15.0, 10.0, 6.0, 4.0), description="refine up by the points' "
                                                "normals within these angles of it (horizontal surfaces) or of "
                                                "perpendicular to it (walls), narrowing; empty: the floor plane's normal")
    normal_neighbours: int = Field(default=16, ge=3, description="points whose local plane gives each point's normal")
    floor_tilt_deg: float = Field(default=5.0, gt=0, le=90, description="after refining, the floor is the plane within "
                                  "this angle of up")
    seed: int = 0


@dataclass(frozen=True)
class Gravity:
    """The rigid transform from the reconstruction's frame to the gravity-aligned one."""

    transform: np.ndarray
    up: np.ndarray
    method: str
    camera_up_angle: float | None
    floor_points: int

    def apply_points(self, xyz: np.ndarray) -> np.ndarray:
        return (np.asarray(xyz, np.float64) @ self.transform[:3, :3].T + self.transform[:3, 3]).astype(np.float32)

    def apply_pose(self, pose: np.ndarray) -> np.ndarray:
        return self.transform @ np.asarray(pose, np.float64)


def cameras_up(poses: Sequence[np.ndarray]) -> np.ndarray | None:
    """Mean of the cameras' up axes (−y of OpenCV cameras) in world coordinates, unit length."""
    if not len(poses):
        return None
    up = -np.mean([np.asarray(p)[:3, 1] for p in poses], axis=0)
    norm = np.linalg.norm(up)
    return up / norm if norm > 1e-6 else None


def rotation_to_z(up: np.ndarray) -> np.ndarray:
    """The smallest rotation taking unit vector `up` to +z (Rodrigues)."""
    up = up / np.linalg.norm(up)
    z = np.array([0.0, 0.0, 1.0])
    axis, cos = np.cross(up, z), float(up @ z)
    sin = float(np.linalg.norm(axis))
    if sin < 1e-12:
        return np.eye(3) if cos > 0 else np.diag([1.0, -1.0, -1.0])
    k = axis / sin
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + sin * kx + (1 - cos) * kx @ kx


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    return math.degrees(math.acos(float(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))))


def ransac_plane(xyz: np.ndarray, threshold: float, iterations: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of the inliers (within `threshold`) of the plane through three of the points that has the most: the
    first such among `iterations` random triples, so a seeded `rng` gives the same plane every run."""
    triples = xyz[rng.integers(0, len(xyz), size=(iterations, 3))]
    normals = np.cross(triples[:, 1] - triples[:, 0], triples[:, 2] - triples[:, 0])
    lengths = np.linalg.norm(normals, axis=1)
    keep = lengths > 1e-12
    if not keep.any():
        return np.zeros(0, np.int64)
    normals = normals[keep] / lengths[keep, None]
    offsets = np.einsum("ij,ij->i", normals, triples[keep, 0])
    counts = (np.abs(xyz @ normals.T - offsets) <= threshold).sum(axis=0)
    best = int(np.argmax(counts))
    return np.flatnonzero(np.abs(xyz @ normals[best] - offsets[best]) <= threshold)


def _planes(xyz: np.ndarray, cfg: GravityConfig) -> list[tuple[np.ndarray, np.ndarray]]:
    """Up to `max_planes` (unit normal, inlier points), largest first; normals refit by SVD."""
    rng = np.random.default_rng(cfg.seed)
    lo, hi = np.percentile(xyz, [2, 98], axis=0)
    threshold = cfg.distance_fraction * float(np.linalg.norm(hi - lo))
    rest, found = xyz, []
    for _ in range(cfg.max_planes):
        if len(rest) < max(3, cfg.min_inlier_fraction * len(xyz)):
            break
        idx = ransac_plane(rest, threshold, cfg.iterations, rng)
        if len(idx) < cfg.min_inlier_fraction * len(xyz):
            break
        inliers = rest[idx]
        normal = np.linalg.svd(inliers - inliers.mean(axis=0), full_matrices=False)[2][2]
        found.append((normal, inliers))
        rest = np.delete(rest, idx, axis=0)
    return found


def point_normals(xyz: np.ndarray, neighbours: int) -> np.ndarray:
    """Unit normal (either sign) of the plane through each point's `neighbours` nearest points."""
    import open3d as o3d

    cloud = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(np.asarray(xyz, np.float64)))
    cloud.estimate_normals(o3d.geometry.KDTreeSearchParamKNN(neighbours))
    return np.asarray(cloud.normals)


def refine_up(normals: np.ndarray, up: np.ndarray, cones_deg: Sequence[float], least: int = 50) -> np.ndarray:
    """`up` made the direction that the normals within each cone of it (horizontal surfaces) agree with most while
    those within the cone of perpendicular (walls) agree with least: the top eigenvector of the difference of their
    mean outer products, cone after cone. Unchanged when fewer than `least` normals lie within a cone of it."""
    for cone in cones_deg:
        along = np.abs(normals @ up)
        level, plumb = normals[along > math.cos(math.radians(cone))], normals[along < math.sin(math.radians(cone))]
        if len(level) < least:
            break
        agreement = level.T @ level / len(level)
        if len(plumb) >= least:
            agreement -= plumb.T @ plumb / len(plumb)
        best = np.linalg.eigh(agreement)[1][:, -1]
        up = best if best @ up > 0 else -best
    return up


def _floor(planes: list[tuple[np.ndarray, np.ndarray]], centres: np.ndarray, up: np.ndarray, max_tilt_deg: float,
           near_lowest: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The floor among `planes`: normal within `max_tilt_deg` of `up` (pointing at the cameras), the largest of those
    within `near_lowest` of the cameras' height above the lowest one. The lowest alone may be a small patch of depth
    error: with a learned reconstruction's depth, a plane of 3 % of the points tilted 10° lay a few centimetres below
    the true floor."""
    candidates: list[tuple[np.ndarray, np.ndarray, float]] = []
    for normal, inliers in planes:
        heights = (centres - inliers.mean(axis=0)) @ normal
        normal, heights = (normal, heights) if np.median(heights) >= 0 else (-normal, -heights)
        if _angle(normal, up) <= max_tilt_deg and np.median(heights) > 0:
            candidates.append((normal, inliers, float(np.median(heights))))
    if not candidates:
        return None
    lowest = max(drop for _, _, drop in candidates)
    normal, inliers, _ = max((c for c in candidates if c[2] >= (1 - near_lowest) * lowest), key=lambda c: len(c[1]))
    return normal, inliers


def _floor_finder(low: np.ndarray, xyz: np.ndarray, centres: np.ndarray,
                  cfg: GravityConfig) -> Callable[[np.ndarray, float], tuple[np.ndarray, np.ndarray] | None]:
    """The floor near a direction (`_floor`): among the planes of the lowest points first, then of all the points. Each
    set of planes is found once (and all the points' only when needed), however many directions are tried."""
    low_planes = _planes(low, cfg) if len(low) >= 100 else []
    all_planes = functools.cache(lambda: _planes(xyz, cfg))

    def find(up: np.ndarray, max_tilt_deg: float) -> tuple[np.ndarray, np.ndarray] | None:
        return (_floor(low_planes, centres, up, max_tilt_deg, cfg.near_lowest)
                or _floor(all_planes(), centres, up, max_tilt_deg, cfg.near_lowest))

    return find


def estimate_gravity(xyz: np.ndarray, poses: Sequence[np.ndarray], config: GravityConfig | None = None) -> Gravity:
    """Gravity-aligning transform for points `xyz` (N, 3) seen by cameras `poses` (camera-to-world)."""
    cfg = config or GravityConfig()
    xyz = np.asarray(xyz, np.float64)
    cam_up = cameras_up(poses)
    if cam_up is None or len(xyz) < 3:
        raise ValueError("gravity needs cameras and at least 3 points")
    if len(xyz) > _MAX_RANSAC_POINTS:
        xyz = xyz[np.random.default_rng(cfg.seed).choice(len(xyz), _MAX_RANSAC_POINTS, replace=False)]
    centres = np.array([np.asarray(p)[:3, 3] for p in poses])
    height = xyz @ cam_up
    low = xyz[height <= np.percentile(height, cfg.low_share * 100)]
    find_floor = _floor_finder(low, xyz, centres, cfg)
    floor = find_floor(cam_up, cfg.max_tilt_deg)
    up = cam_up if floor is None else floor[0]
    refined = refine_up(point_normals(xyz, cfg.normal_neighbours), up, cfg.refine_cones_deg) if cfg.refine_cones_deg else up
    how = ""
    if not np.array_equal(refined, up):
        up, how = refined, " refined by the surfaces' normals"
        floor = find_floor(up, cfg.floor_tilt_deg) or floor
    if floor is not None:
        inliers = floor[1]
        method, angle, count = f"floor plane (RANSAC){how} + camera up", _angle(up, cam_up), len(inliers)
        floor_height = float(np.median(inliers @ up))
    else:
        method, angle, count = f"camera up{how or ' only'} (no floor plane found)", _angle(up, cam_up), 0
        floor_height = float(np.percentile(xyz @ up, 1))
    transform = np.eye(4)
    transform[:3, :3] = rotation_to_z(up)
    transform[2, 3] = -floor_height
    return Gravity(transform=transform, up=up, method=method, camera_up_angle=angle, floor_points=count)
