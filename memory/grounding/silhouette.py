"""How far down an object reaches by its masks, where its depth says nothing: a floor lamp's pole.

A part one or two pixels wide (a lamp's pole, a stool's legs) is in the masks, but a learned reconstruction
blends its depth with what lies behind it, so lifting drops it and the box ends at the shade. The object lies
inside its box, so each view's silhouette (its mask) lies inside the box's projection: where a view's mask reaches
below the projection of the box, the box goes down until the projection covers it. A view votes when it could
show the space below the box (in the image, not hidden behind something nearer); one whose mask stops at the
box votes for the box as it is (its mask may have lost the part: a pole a pixel wide does not survive a mask
shrunk by one). The bottom is the lowest that a quarter of the votes, and two at least, reach: a mask that leaks
downwards in one view cannot move it, a pole that half the masks lost still does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.spatial import Delaunay, QhullError

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.cameras import project
from reasmory.memory.grounding.visibility import DepthFn, Masks
from reasmory.memory.model import Frame


def with_bottom(box: OrientedBox, bottom: float) -> OrientedBox:
    """The box with its bottom face at height `bottom`, its top where it was."""
    top = box.c[2] + box.e[2] / 2
    centre, extents = box.c.copy(), box.e.copy()
    centre[2], extents[2] = (bottom + top) / 2, top - bottom
    return OrientedBox(center=tuple(centre), extents=tuple(extents), rotation=box.rotation)


def in_projection(box: OrientedBox, frame: Frame, u: np.ndarray, v: np.ndarray, grow: float = 1.5) -> np.ndarray:
    """Whether each pixel (`u`, `v`) lies in the box's projection into the frame, its outline grown by `grow` pixels
    (masks are a pixel or two off); none does when part of the box lies behind the camera."""
    uv, z = project(box.corners(), frame)
    if np.any(z <= 0.05):
        return np.zeros(len(u), bool)
    away = uv - uv.mean(axis=0)
    uv = uv + away / np.maximum(np.linalg.norm(away, axis=1, keepdims=True), 1e-9) * grow
    try:
        return Delaunay(uv).find_simplex(np.c_[u, v]) >= 0
    except QhullError:  # a box seen exactly edge-on projects to a line
        return np.zeros(len(u), bool)


def _below_in_view(box: OrientedBox, lowest: OrientedBox, frame: Frame, depth: DepthFn, sample: int,
                   shown: float) -> bool:
    """Whether the frame could show the space under the box down to `lowest`'s bottom: it lies in the image, and at
    least `shown` of it is not hidden behind a surface nearer than the box's front."""
    uv, z = project(lowest.corners(), frame)
    if np.any(z <= 0.05):
        return False
    size = np.array([frame.width - 1, frame.height - 1])
    (u0, v0), (u1, v1) = np.clip(np.floor(uv.min(axis=0)), 0, size).astype(int), np.clip(np.ceil(uv.max(axis=0)), 0, size).astype(int)
    stride = max(1, int(np.sqrt((u1 - u0 + 1) * (v1 - v0 + 1) / sample)))
    gu, gv = (g.ravel() for g in np.meshgrid(np.arange(u0, u1 + 1, stride), np.arange(v0, v1 + 1, stride)))
    below = in_projection(lowest, frame, gu, gv) & ~in_projection(box, frame, gu, gv)
    if below.sum() < 5:
        return False
    front = float(project(box.c[None], frame)[1][0]) - 0.5 * max(box.e[0], box.e[1]) - 0.05
    return float(np.mean(depth(frame.index)[gv[below], gu[below]] > front)) >= shown


def view_bottom(box: OrientedBox, support: float, frame: Frame, mask: np.ndarray, x0: int, y0: int,
                sample: int = 1500, least: float = 0.03, cover: float = 0.98, steps: int = 8) -> float:
    """The bottom height whose box's projection covers `cover` of the mask's pixels (`mask` cropped at `x0`, `y0`)
    that only a box reaching down to `support` would cover: the box's own when under `least` of them (5 at least)."""
    lo = box.c[2] - box.e[2] / 2
    rows, cols = np.nonzero(mask)
    pick = np.linspace(0, len(rows) - 1, min(sample, len(rows))).astype(int)
    u, v = cols[pick] + x0, rows[pick] + y0
    extra = in_projection(with_bottom(box, support), frame, u, v) & ~in_projection(box, frame, u, v)
    if extra.sum() < max(5, least * len(u)):
        return lo
    u, v = u[extra], v[extra]
    high, low = lo, support
    for _ in range(steps):  # bisection: covering is monotonous in the bottom's height
        middle = (high + low) / 2
        if in_projection(with_bottom(box, middle), frame, u, v).mean() >= cover:
            low = middle
        else:
            high = middle
    return low


def silhouette_bottom(box: OrientedBox, support: float, frames: Sequence[Frame], depth: DepthFn, masks: Masks,
                      share: float = 0.25, least_views: int = 2, sample: int = 1500, shown: float = 0.3) -> float:
    """The lowest bottom (no lower than `support`) that `share` of the views that could show the space under the box,
    and `least_views` at least, need for their masks to lie in its projection (module doc); the box's own bottom
    when too few views could show it or it stands on the support already."""
    lo = box.c[2] - box.e[2] / 2
    if lo - support < 0.05:
        return lo
    lowest = with_bottom(box, support)
    by_index = {f.index: f for f in frames}
    votes = []
    for index, crops in masks.items():
        frame = by_index.get(index)
        if frame is None or not _below_in_view(box, lowest, frame, depth, sample, shown):
            continue
        votes += [view_bottom(box, support, frame, mask, x0, y0, sample) for mask, x0, y0 in crops if mask.any()]
    if len(votes) < least_views:
        return lo
    return float(np.sort(votes)[max(least_views, int(np.ceil(share * len(votes)))) - 1])
