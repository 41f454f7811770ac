"""Per-view depth-scale consensus: each view's points of an object moved along its own rays onto the other views'.

A learned reconstruction's depth is off by a factor per frame (scale drift), per image region (a smooth warp) and
grossly in patches (a mirror, a blank wall), so each view's copy of an object sits nearer or farther along that
view's rays than the others': fused, the copies smear the object by the error times its distance (±15 cm at 3 m
for 5 %), and a box around them grows by as much on every side. Within one object the error of one view is close
to a single factor, so each view's points are rescaled about its camera by the factor that brings them closest to
the other views' points (a truncated nearest-neighbour cost over a log-spaced sweep, then a finer one), all views
at once, a few times over. With exact depth the best factor is 1 and nothing moves.

What is left of one frame's gross error (a patch off by 40 %, flying pixels at a depth jump) lands where no other
frame put anything: `agreed` keeps only points whose voxel other frames' points share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree


def _sample(points: np.ndarray, n: int) -> np.ndarray:
    return points if len(points) <= n else points[np.linspace(0, len(points) - 1, n).astype(int)]


def view_costs(samples: list[np.ndarray], cameras: list[np.ndarray], owners: list[int], factors: np.ndarray,
               reach: float, k: int = 12) -> np.ndarray:
    """(views, factors): each view's mean distance (truncated at `reach`) from its sampled points, rescaled about its
    camera by each of its `factors` (views, n), to the nearest point of another frame (`owners`: each view's frame)."""
    counts = [len(s) for s in samples]
    reference = np.concatenate(samples)
    owner = np.repeat(owners, counts)
    moved = [c + f[:, None, None] * (s - c)[None] for s, c, f in zip(samples, cameras, factors, strict=True)]
    query = np.concatenate([m.reshape(-1, 3) for m in moved])
    asking = np.concatenate([np.full(factors.shape[1] * n, o) for n, o in zip(counts, owners, strict=True)])
    dist, idx = cKDTree(reference).query(query, k=min(k, len(reference)), distance_upper_bound=reach)
    dist, idx = dist.reshape(len(query), -1), idx.reshape(len(query), -1)
    other = owner[np.minimum(idx, len(reference) - 1)] != asking[:, None]
    nearest = np.where(other & np.isfinite(dist), dist, reach).min(axis=1)
    bounds = np.cumsum([0, *(factors.shape[1] * n for n in counts)])
    return np.array([nearest[a:b].reshape(factors.shape[1], -1).mean(axis=1) for a, b in zip(bounds[:-1], bounds[1:])])


def view_factors(points: Sequence[np.ndarray], cameras: Sequence[np.ndarray], frames: Sequence[int], span: float = 0.5,
                 reach: float = 0.1, sample: int = 60, iterations: int = 2, gain: float = 0.1) -> np.ndarray:
    """Per view (its `points`, the position of its camera and its frame): the factor (about the camera) that best
    brings its points onto the other frames' (module doc); 1 where no factor lowers the cost by `gain` of `reach`
    (a view with too little overlap, or depth already consistent)."""
    samples = [_sample(np.asarray(p, np.float64), sample) for p in points]
    cams = [np.asarray(c, np.float64) for c in cameras]
    owners = list(frames)
    total = np.ones(len(samples))
    if len(set(owners)) < 3:
        return total
    coarse = np.exp(np.arange(-span, span + 1e-9, 0.05))
    fine = np.exp(np.arange(-0.04, 0.04 + 1e-9, 0.01))
    one = int(np.argmin(np.abs(coarse - 1)))
    for _ in range(iterations):
        costs = view_costs(samples, cams, owners, np.broadcast_to(coarse, (len(samples), len(coarse))), reach)
        near = coarse[np.argmin(costs, axis=1)][:, None] * fine[None]
        fine_costs = view_costs(samples, cams, owners, near, reach)
        best = near[np.arange(len(samples)), np.argmin(fine_costs, axis=1)]
        factors = np.where(costs[:, one] - fine_costs.min(axis=1) >= gain * reach, best, 1.0)
        samples = [c + f * (s - c) for s, c, f in zip(samples, cams, factors, strict=True)]
        total *= factors
        if np.all(factors == 1.0):
            break
    return total


def rescale_views(points: Sequence[np.ndarray], cameras: Sequence[np.ndarray], frames: Sequence[int]) -> list[np.ndarray]:
    """Each view's points rescaled about its camera by its consensus factor (`view_factors`); a view whose factor is 1
    comes back as its own array."""
    factors = view_factors(points, cameras, frames)
    return [(np.asarray(c) + f * (np.asarray(p, np.float64) - c)).astype(np.float32) if f != 1.0 else p
            for p, c, f in zip(points, cameras, factors, strict=True)]


def frames_agreeing(points: np.ndarray, owners: np.ndarray, size: float) -> np.ndarray:
    """Per point, how many distinct frames (`owners`) put a point in its `size` voxel (the more of two grids offset
    by half a voxel, so a surface on a voxel boundary is not split)."""
    points = np.asarray(points, np.float64)
    best = np.zeros(len(points), np.int64)
    owners = np.unique(owners, return_inverse=True)[1].ravel()
    for shift in (0.0, size / 2):
        ijk = np.floor((points + shift) / size).astype(np.int64)
        ijk -= ijk.min(axis=0)
        key = (ijk[:, 0] * (ijk[:, 1].max() + 1) + ijk[:, 1]) * (ijk[:, 2].max() + 1) + ijk[:, 2]
        _, voxel = np.unique(key, return_inverse=True)
        pairs = np.unique(voxel.ravel() * (owners.max() + 1) + owners) // (owners.max() + 1)
        best = np.maximum(best, np.bincount(pairs, minlength=voxel.max() + 1)[voxel.ravel()])
    return best


def agreed(points: Sequence[np.ndarray], frames: Sequence[int], size: float = 0.06, least: int = 2,
           share: float = 0.1) -> list[np.ndarray]:
    """Per view, which of its points other frames confirm: at least `least` frames in all (itself included), or
    `share` of the frames showing the object, put points in the same voxel. A patch of grossly wrong depth or a band
    of flying pixels is one frame's, and lands where no other frame put anything."""
    counts = [len(p) for p in points]
    owners = np.repeat(np.asarray(frames), counts)
    if len(set(frames)) < least or not sum(counts):
        return [np.ones(n, bool) for n in counts]
    need = max(least, share * len(set(frames)))
    ok = frames_agreeing(np.concatenate(points), owners, size) >= need
    return np.split(ok, np.cumsum(counts)[:-1])
