"""Levels of detail: a render draws only the blocks of points in view, and of each only as many as its pixels need.

Preparation (once per memory, cached): a large run of points is cut into
cubic blocks of BLOCK_M metres and reordered block by block, each block's
points in a random order, so that any prefix of a block is an even sample
of its surface. A block remembers its bounds and the spacing of its points.

Drawing: a block wholly behind the camera or beside the image is skipped.
Of the others, only the prefix that puts about POINTS_PER_PIXEL points on
each pixel its bounds cover in the image is drawn, with splats widened to
the sample's spacing (√(all / drawn) times the full spacing), so a surface
costs what it shows: dense clouds seen from afar, or at a grazing angle,
are thinned, near ones keep every point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Side of the cubic blocks, metres.
BLOCK_M = 0.5
#: Runs of fewer points are one block, kept in their own order and always drawn whole (small objects gain nothing).
MIN_BLOCKED = 20_000
#: Points per covered pixel a thinned block keeps (splats widen to close the gaps a sample leaves).
POINTS_PER_PIXEL = 1.0
#: Blocks keep at least this many points (a far block still shows its shape).
MIN_DRAWN = 16
#: Random bits below the block key that shuffle each block (block keys stay far below 2^(63 − this)).
_SHUFFLE_BITS = 20


@dataclass(frozen=True)
class Blocks:
    """Blocks of a cloud: start (B,) int64 index of the first point, count (B,) int64, lo / hi (B, 3) float32 world
    bounds, spacing (B,) float32 mean metres between the block's points, shuffled (B,) bool whether its points are
    in random order (only then may a prefix stand for the block)."""

    start: np.ndarray
    count: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    spacing: np.ndarray
    shuffled: np.ndarray

    FIELDS = ("start", "count", "lo", "hi", "spacing", "shuffled")

    @classmethod
    def join(cls, parts: list[Blocks]) -> Blocks:
        if not parts:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 3), np.float32),
                       np.zeros((0, 3), np.float32), np.zeros(0, np.float32), np.zeros(0, bool))
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.FIELDS))

    def shifted(self, offset: int) -> Blocks:
        return Blocks(self.start + offset, self.count, self.lo, self.hi, self.spacing, self.shuffled)


def block_order(xyz: np.ndarray, spacing: np.ndarray, seed: int = 0) -> tuple[np.ndarray, Blocks]:
    """(n,) int64 order that groups the points by block, randomly within each, and the blocks (starts from 0)."""
    n = len(xyz)
    if n < MIN_BLOCKED:
        order = np.arange(n, dtype=np.int64)
        keys = np.zeros(n, np.int64)
    else:
        cells = np.floor(xyz / BLOCK_M).astype(np.int64)
        cells -= cells.min(axis=0)
        span = cells.max(axis=0) + 1
        keys = (cells[:, 0] * span[1] + cells[:, 1]) * span[2] + cells[:, 2]
        shuffle = np.random.default_rng(seed).integers(0, 1 << _SHUFFLE_BITS, n)
        order = np.argsort((keys << _SHUFFLE_BITS) | shuffle)  # by block, randomly within: one sort of one key
        keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if n else np.zeros(0, np.int64)
    counts = np.diff(np.r_[starts, n])
    ordered = xyz[order]
    lo = np.minimum.reduceat(ordered, starts, axis=0) if n else np.zeros((0, 3), np.float32)
    hi = np.maximum.reduceat(ordered, starts, axis=0) if n else np.zeros((0, 3), np.float32)
    mean_spacing = (np.add.reduceat(spacing[order].astype(np.float64), starts) / counts).astype(np.float32) if n else \
        np.zeros(0, np.float32)
    return order, Blocks(starts.astype(np.int64), counts.astype(np.int64), lo.astype(np.float32), hi.astype(np.float32),
                         mean_spacing, np.full(len(starts), n >= MIN_BLOCKED))


_CORNERS = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], np.float64)


def visible(blocks: Blocks, projection: np.ndarray, focal: float, width: int, height: int, near: float,
            cover: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per block: how many of its points to draw (0 when out of view), the factor that widens their splats, and the
    float64 depth of its nearest corner along the camera axis (no point of the block is nearer).

    `projection` is the camera's (3, 4) K[R|t]; `cover` is how much wider than their spacing splats are drawn.
    """
    if not len(blocks.start):
        return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.float64)
    proj = _corners(blocks, projection)
    z = proj[2]
    ahead = z > near
    nearest = np.where(ahead, z, np.inf).min(axis=0)
    straddles = ~ahead.all(axis=0)
    nearest = np.where(straddles, near, nearest)
    with np.errstate(divide="ignore", invalid="ignore"):
        u, v = proj[0] / z, proj[1] / z
    reach = focal * blocks.spacing * cover / nearest + 2  # the widest splat a block's point can have, pixels
    shown = ahead.any(axis=0) & ~_beside(proj, width + reach, height + reach, reach)
    left, right = np.clip(u.min(axis=0), 0, width), np.clip(u.max(axis=0), 0, width)
    top, bottom = np.clip(v.min(axis=0), 0, height), np.clip(v.max(axis=0), 0, height)
    covered = np.where(straddles, np.inf, np.maximum((right - left) * (bottom - top), 1.0))  # pixels the bounds cover
    wanted = np.where(blocks.shuffled, np.maximum(np.ceil(POINTS_PER_PIXEL * covered), MIN_DRAWN), np.inf)
    drawn = np.where(shown, np.minimum(blocks.count, wanted), 0).astype(np.int64)
    widen = np.sqrt(blocks.count / np.maximum(drawn, 1)).astype(np.float32)
    return drawn, widen, z.min(axis=0)


def _beside(proj: np.ndarray, right: np.ndarray, bottom: np.ndarray, margin: np.ndarray) -> np.ndarray:
    """(B,) whether each block lies wholly beside the image widened by `margin` pixels, from its (3, 8, B) projected
    corners. Each side of the image is a half-space through the camera (u · z < −margin · z is one), so a block
    whose corners are all outside one holds no point that projects inside, even one that straddles the near plane
    (such blocks, beside the camera, would otherwise be drawn whole)."""
    x, y, z = proj
    return ((x < -margin * z).all(axis=0) | (x > right * z).all(axis=0)
            | (y < -margin * z).all(axis=0) | (y > bottom * z).all(axis=0))


def _corners(blocks: Blocks, projection: np.ndarray) -> np.ndarray:
    """(3, 8, B) float64 corners of every block's bounds through the (3, 4) projection: (u·z, v·z, z) of each corner
    of each block. Laid out with the blocks last, so that reducing over the corners runs along whole rows (numpy
    reduces a short inner axis of 8 ten times slower); built from the projected low corner and the projected edges
    (a product with an inner axis of 3 is slow in numpy too)."""
    lo, hi = blocks.lo.T.astype(np.float64), blocks.hi.T.astype(np.float64)
    low = projection[:, :3] @ lo + projection[:, 3:]
    edges = projection[:, :3, None] * (hi - lo)[None]  # (3 rows, 3 axes, B)
    out = np.repeat(low[:, None, :], 8, axis=1)
    for axis in range(3):
        out += _CORNERS[None, :, axis, None] * edges[:, None, axis]
    return out


def selection(blocks: Blocks, drawn: np.ndarray, widen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points to draw — each chosen block's first `drawn` — as (k, 2) int64 [start, stop) runs, one per chosen
    block, and (k,) float32 splat factors, one per run."""
    chosen = np.flatnonzero(drawn)
    starts = blocks.start[chosen]
    return np.stack([starts, starts + drawn[chosen]], axis=1), widen[chosen].astype(np.float32)
