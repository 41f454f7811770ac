"""What the cameras saw at given world points: the evidence amodal completion stands on.

A point is *in view* in a frame when it projects inside the image onto a
pixel with depth; *reached* when, in `votes` frames, the depth there is at
least the point's own (less a margin): it was visible or seen through, so had
an object been there, its mask would have covered it; *free* when some frame
saw past it (depth beyond it plus the margin). With exact depth one frame is
proof. With noisy depth it is not: over 32 frames, one whose depth is too far
at a pixel (noise, a patch of gross error) "sees through" a toilet's hidden
base, and completion then trusts that nothing is there; so a build on noisy
depth asks for two frames. Depth is z-depth in metres (0 = unknown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from reasmory.memory.cameras import pixels_in_view
from reasmory.memory.model import Frame

DepthFn = Callable[[int], np.ndarray]
#: An object's masks: frame index → each mask of it there, cropped to its 2D box, with the box's left and top pixel.
Masks = dict[int, list[tuple[np.ndarray, int, int]]]


@dataclass(frozen=True)
class Sight:
    in_view: np.ndarray
    reached: np.ndarray
    free: np.ndarray


def depth_at(points: np.ndarray, frame: Frame, depth: DepthFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The indices of the points that project inside the frame, their z-depth and the frame's depth there."""
    idx, u, v, z = pixels_in_view(points, frame)
    return idx, z, depth(frame.index)[v, u]


def sight(points: np.ndarray, frames: Sequence[Frame], depth: DepthFn, margin: float = 0.02, votes: int = 1) -> Sight:
    """Per point, over all frames: in view, reached (by at least `votes` frames), free (see the module's doc)."""
    in_view, free = np.zeros(len(points), bool), np.zeros(len(points), bool)
    reaching = np.zeros(len(points), np.int64)
    for frame in frames:
        idx, z, d = depth_at(points, frame, depth)
        in_view[idx[d > 0]] = True
        reaching[idx[(d > 0) & (d >= z - margin)]] += 1
        free[idx[d > z + margin]] = True
    return Sight(in_view, reaching >= votes, free)


def plain(z: np.ndarray, d: np.ndarray, margin: float = 0.05, relative: float = 0.05) -> np.ndarray:
    """Whether a frame whose depth is `d` at points of depth `z` shows them: within `margin + relative × z` (neither
    hidden behind something nearer nor seen through)."""
    return (d > 0) & (np.abs(d - z) <= margin + relative * z)


def covered_by(mask: np.ndarray, x0: int, y0: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Whether a mask cropped to its 2D box, whose left and top pixel are (`x0`, `y0`), covers each pixel."""
    r, c = rows - y0, cols - x0
    inside = (r >= 0) & (c >= 0) & (r < mask.shape[0]) & (c < mask.shape[1])
    covered = np.zeros(len(rows), bool)
    covered[inside] = mask[r[inside], c[inside]]
    return covered


def in_plain_sight(points: np.ndarray, frame: Frame, depth: DepthFn, margin: float = 0.05, relative: float = 0.05) -> float:
    """Share of the points the frame shows: in view, with the frame's depth there within `margin + relative × z` of
    theirs (neither hidden behind something nearer nor seen through)."""
    if len(points) == 0:
        return 0.0
    idx, z, d = depth_at(points, frame, depth)
    return float(np.count_nonzero(plain(z, d, margin, relative)) / len(points))


def seen_empty(points: np.ndarray, frames: Sequence[Frame], depth: DepthFn, masks: Masks, margin: float = 0.02,
               votes: int = 1) -> np.ndarray:
    """Per point: `votes` frames reached it (see `sight`) at a pixel none of the object's own `masks` there covers,
    so had the object been there, it would have been masked (a point reached at a masked pixel may be the object)."""
    reaching = np.zeros(len(points), np.int64)
    for frame in frames:
        idx, u, v, z = pixels_in_view(points, frame)
        d = depth(frame.index)[v, u]
        covered = np.zeros(len(idx), bool)
        for mask, x0, y0 in masks.get(frame.index, ()):
            covered |= covered_by(mask, x0, y0, v, u)
        reaching[idx[(d > 0) & (d >= z - margin) & ~covered]] += 1
    return reaching >= votes
