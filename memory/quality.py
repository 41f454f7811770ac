"""Is a memory good enough to answer from? Warnings about sparse or weak reconstructions, in one place.

`memory_warnings(memory)` is what `reasmory build`, `reasmory memory info` (and answers) show: each warning
is one line saying what is weak, the measurement, and what to do about it. The checks read only the memory:

- points per m² of floor: a reconstruction with few points (e.g. sparse SfM features) gives boxes and distances
  that rest on a handful of points, and renders that must draw its points as dots (`is_sparse`);
- registered frames: when the reconstruction kept few of the frames it was given, much of the scene is unseen;
- cameras off the trajectory: a camera far from every other one is usually mis-registered, and views made from
  it point the wrong way.

Memories built from ground truth (boxes only, no scene points) pass the point checks by construction.
"""

from __future__ import annotations

import statistics

import numpy as np

from reasmory.errors import MemoryQueryError
from reasmory.memory.spatial_memory import SpatialMemory

#: Fewer scene points than this per m² of floor is a sparse memory (dense RGB-D fusion gives thousands).
SPARSE_POINTS_PER_M2 = 500.0
#: A reconstruction that registers less than this share of its frames, or fewer than MIN_FRAMES, is weak.
MIN_REGISTERED_SHARE = 0.8
MIN_FRAMES = 3
#: A camera is off the trajectory when its nearest other camera is farther than this many times the median
#: nearest-camera distance, and farther than OFF_TRAJECTORY_M metres.
OFF_TRAJECTORY_FACTOR = 4.0
OFF_TRAJECTORY_M = 1.0
#: Up to this many cameras, nearest-camera distances are measured over all pairs (a 1000² array: 24 MB).
ALL_PAIRS_CAMERAS = 1000


def point_density(memory: SpatialMemory) -> float | None:
    """Scene points per m² of floor, or None for a memory without scene points (or without a floor area)."""
    if not len(memory.points):
        return None
    try:
        area = memory.room_area()
    except MemoryQueryError:
        return None
    return len(memory.points) / area if area > 0 else None


def is_sparse(memory: SpatialMemory) -> bool:
    """Whether the memory's scene points are too few to draw as closed surfaces (and to measure on with confidence)."""
    density = point_density(memory)
    return density is not None and density < SPARSE_POINTS_PER_M2


def _nearest_other(positions: np.ndarray) -> np.ndarray:
    """(N,) distance from each position to the nearest other one: all pairs at once for the usual few hundred
    cameras (no scipy import on the way to an answer), a KD-tree beyond."""
    if len(positions) > ALL_PAIRS_CAMERAS:
        from scipy.spatial import cKDTree

        return cKDTree(positions).query(positions, k=2)[0][:, 1]
    d = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=2)
    np.fill_diagonal(d, np.inf)
    return d.min(axis=1)


def off_trajectory(memory: SpatialMemory) -> list[int]:
    """Indices of the cameras far from every other camera (see OFF_TRAJECTORY_FACTOR)."""
    if len(memory.frames) < 3:
        return []
    positions = np.array([f.position for f in memory.frames])
    nearest = _nearest_other(positions)  # its median through statistics: np.median imports numpy.ma (15 ms)
    limit = max(OFF_TRAJECTORY_M, OFF_TRAJECTORY_FACTOR * statistics.median(nearest.tolist()))
    return [memory.frames[i].index for i in np.flatnonzero(nearest > limit)]


def memory_warnings(memory: SpatialMemory) -> list[str]:
    """One line per weakness of the memory: what, how much, and what to do; empty for a sound memory."""
    warnings = []
    density = point_density(memory)
    if density is not None and density < SPARSE_POINTS_PER_M2:
        warnings.append(
            f"sparse memory: {density:.0f} points per m² of floor ({len(memory.points):,} points over "
            f"{memory.room_area():.1f} m², under {SPARSE_POINTS_PER_M2:.0f}): sizes and distances rest on few points; "
            "build from more frames, with a denser backend (rgbd with depth, vggt) or a smaller voxel_size")
    sampled = memory.provenance.frames_sampled
    registered = len(memory.frames)
    if sampled and (registered < MIN_REGISTERED_SHARE * sampled or registered < min(MIN_FRAMES, sampled)):
        warnings.append(
            f"weak reconstruction: only {registered} of {sampled} frames registered: parts of the scene may be missing; "
            "give more frames with more overlap between them")
    far = off_trajectory(memory)
    if far:
        shown = ", ".join(str(i) for i in far[:8]) + (" …" if len(far) > 8 else "")
        warnings.append(
            f"{len(far)} camera{'s' if len(far) != 1 else ''} off the trajectory (frame {shown}): far from every other "
            "camera, likely mis-registered; views from them may point the wrong way")
    return warnings
