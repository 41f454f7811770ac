"""Point clean-up after reconstruction: confidence filtering, voxel downsampling, outlier removal.

Units are the reconstruction's own (metres for metric backends). The voxel
grid is computed with numpy rather than Open3D's `voxel_down_sample` because
every point carries a source frame and a confidence that must survive the
merge; statistical outlier removal uses Open3D, which returns kept indices.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from reasmory.memory.model import PointCloud


class PostprocessConfig(BaseModel):
    """How to clean a reconstruction's points (None or 0 switches a step off)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_confidence: float = Field(default=0.0, ge=0, le=1, description="drop points below this confidence")
    drop_lowest: float = Field(default=0.0, ge=0, lt=1, description="drop this fraction of least-confident points")
    voxel_size: float | None = Field(default=None, gt=0, description="merge points per voxel (reconstruction units)")
    outlier_neighbors: int = Field(default=20, ge=0, description="statistical outlier removal: neighbours (0 = off)")
    outlier_std: float = Field(default=2.0, gt=0, description="statistical outlier removal: std-dev ratio")


def select(points: PointCloud, keep: np.ndarray) -> PointCloud:
    """The points at `keep` (boolean mask or indices)."""
    return PointCloud(points.xyz[keep], points.rgb[keep], points.frame[keep], points.confidence[keep])


def filter_confidence(points: PointCloud, min_confidence: float = 0.0, drop_lowest: float = 0.0) -> PointCloud:
    """Keep points at or above `min_confidence`, less the `drop_lowest` fraction ranked least confident."""
    keep = points.confidence >= min_confidence
    dropped = int(len(points) * drop_lowest)
    if dropped:
        keep[np.argsort(points.confidence, kind="stable")[:dropped]] = False
    return select(points, keep)


def voxel_downsample(points: PointCloud, voxel: float) -> PointCloud:
    """One point per occupied voxel: mean position and colour, mean confidence, the first point's frame."""
    if not len(points):
        return points
    cells = np.floor(points.xyz / voxel).astype(np.int64)
    cells -= cells.min(axis=0)
    span = cells.max(axis=0) + 1
    keys = (cells[:, 0] * span[1] + cells[:, 1]) * span[2] + cells[:, 2]
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)

    def mean(values: np.ndarray) -> np.ndarray:
        sums = np.stack([np.bincount(inverse, weights=values[:, k]) for k in range(values.shape[1])], axis=1)
        return sums / counts[:, None]

    xyz = mean(points.xyz.astype(np.float64)).astype(np.float32)
    rgb = np.clip(mean(points.rgb.astype(np.float64)).round(), 0, 255).astype(np.uint8)
    conf = (np.bincount(inverse, weights=points.confidence) / counts).astype(np.float32)
    return PointCloud(xyz, rgb, points.frame[first], conf)


def remove_outliers(points: PointCloud, neighbors: int = 20, std_ratio: float = 2.0) -> PointCloud:
    """Drop points whose mean distance to their neighbours is unusually large (Open3D)."""
    if neighbors <= 0 or len(points) <= neighbors:
        return points
    import open3d as o3d

    cloud = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(points.xyz.astype(np.float64)))
    _, kept = cloud.remove_statistical_outlier(nb_neighbors=neighbors, std_ratio=std_ratio)
    return select(points, np.asarray(kept, dtype=np.int64))


def clean(points: PointCloud, config: PostprocessConfig) -> PointCloud:
    """Confidence filter, then voxel merge, then outlier removal."""
    points = filter_confidence(points, config.min_confidence, config.drop_lowest)
    if config.voxel_size:
        points = voxel_downsample(points, config.voxel_size)
    return remove_outliers(points, config.outlier_neighbors, config.outlier_std)
