"""What the cameras saw at given world points: the evidence amodal completion stands on.

A point is *in view* in a frame when it projects inside the image onto a
pixel with depth; *reached* when, in some frame, the depth there is at least
the point's own (less a margin): it was visible or seen through, so had an
object been there, its mask would have covered it; *free* when some frame saw
past it (depth beyond it plus the margin). Depth is z-depth in metres (0 = unknown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from reasmory.memory.cameras import pixels_in_view
from reasmory.memory.model import Frame

DepthFn = Callable[[int], np.ndarray]


@dataclass(frozen=True)
class Sight:
    in_view: np.ndarray
    reached: np.ndarray
    free: np.ndarray


def depth_at(points: np.ndarray, frame: Frame, depth: DepthFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The indices of the points that project inside the frame, their z-depth and the frame's depth there."""
    idx, u, v, z = pixels_in_view(points, frame)
    return idx, z, depth(frame.index)[v, u]


def sight(points: np.ndarray, frames: Sequence[Frame], depth: DepthFn, margin: float = 0.02) -> Sight:
    """Per point, over all frames: in view, reached, free (see the module's doc)."""
    in_view, reached, free = (np.zeros(len(points), bool) for _ in range(3))
    for frame in frames:
        idx, z, d = depth_at(points, frame, depth)
        in_view[idx[d > 0]] = True
        reached[idx[(d > 0) & (d >= z - margin)]] = True
        free[idx[d > z + margin]] = True
    return Sight(in_view, reached, free)


def in_plain_sight(points: np.ndarray, frame: Frame, depth: DepthFn, margin: float = 0.05, relative: float = 0.05) -> float:
    """Share of the points the frame shows: in view, with the frame's depth there within `margin + relative × z` of
    theirs (neither hidden behind something nearer nor seen through)."""
    if len(points) == 0:
        return 0.0
    idx, z, d = depth_at(points, frame, depth)
    return float(np.count_nonzero((d > 0) & (np.abs(d - z) <= margin + relative * z)) / len(points))
