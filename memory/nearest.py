"""Closest-point distances between groups of objects, and to points, without visiting every pair.

Each query bounds first and measures second. Upper bounds come from one
point of each object's geometry (its anchor): the nearest anchor gives a
distance some pair certainly achieves. Lower bounds come from axis-aligned
bounds: for small groups every pair's gap in one array expression; for large
ones a KD-tree over bound centres, in buckets of similar radius, yields only
the pairs whose bounding spheres come close enough. Exact distances are then
computed for the surviving pairs only, all at once: solid boxes with the
vectorised box distance, point objects with one KD-tree over the points of
one side (or plain arrays when they are few).

Groups are int64 row arrays of an `ObjectIndex`; distances are metres.
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np

from reasmory.memory.box_distance import box_pair_distances, points_to_boxes
from reasmory.memory.object_index import ObjectIndex

#: Below this many pairs (of objects, or of points), every pair is measured at once: no KD-tree, no scipy import.
ALL_PAIRS = 1 << 14
#: Pairs measured per round when looking for the single nearest pair (rounds stop once bounds exceed the best).
ROUND = 2048
Keep = Literal["min", "max"]


def _kdtree(points: np.ndarray):  # noqa: ANN202 — scipy is imported only when a group is large
    from scipy.spatial import cKDTree

    return cKDTree(points)


def _slack(bound: np.ndarray | float) -> np.ndarray | float:
    """A bound widened by rounding error, so no pair on the boundary is lost."""
    return bound + 1e-9 + 1e-12 * np.abs(bound)


def gaps(ix: ObjectIndex, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """(K,) distances between the axis-aligned bounds of row pairs: lower bounds of their closest distances."""
    gap = np.maximum(np.maximum(ix.lo[ia] - ix.hi[ib], ix.lo[ib] - ix.hi[ia]), 0.0)
    return np.sqrt(np.einsum("ki,ki->k", gap, gap))


def _nearest(queries: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query point, the distance to the nearest target point and its index."""
    if len(queries) * len(targets) <= ALL_PAIRS:
        d = np.linalg.norm(queries[:, None, :] - targets[None, :, :], axis=2)
        j = d.argmin(axis=1)
        return d[np.arange(len(queries)), j], j
    return _kdtree(targets).query(queries, k=1)


def _radius_buckets(ix: ObjectIndex, rows: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """Rows split by bounding radius (each bucket spans a factor of 2), with each bucket's largest radius."""
    level = np.floor(np.log2(np.maximum(ix.radius[rows], 1e-3) / 1e-3)).astype(np.int64)
    return [(rows[level == k], float(ix.radius[rows[level == k]].max())) for k in np.unique(level)]


def _sphere_pairs(ix: ObjectIndex, a: np.ndarray, b: np.ndarray, bound: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (position in a, row of b) whose bounding spheres come within bound[position] of each other."""
    pa, pb = [], []
    for members, largest in _radius_buckets(ix, b):
        reach = _slack(bound + ix.radius[a] + largest)
        found = _kdtree(ix.mid[members]).query_ball_point(ix.mid[a], reach, return_sorted=False)
        lengths = np.fromiter(map(len, found), np.int64, len(a))
        pa.append(np.repeat(np.arange(len(a)), lengths))
        pb.append(members[np.fromiter(itertools.chain.from_iterable(found), np.int64, int(lengths.sum()))])
    return np.concatenate(pa), np.concatenate(pb)


def candidate_pairs(ix: ObjectIndex, a: np.ndarray, b: np.ndarray, bound: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (position in a, row of b, gap) whose bounds' gap is at most bound[position]."""
    if len(a) * len(b) <= ALL_PAIRS:
        pa, pb = np.repeat(np.arange(len(a)), len(b)), np.tile(b, len(a))
    else:
        pa, pb = _sphere_pairs(ix, a, b, bound)
    gap = gaps(ix, a[pa], pb)
    keep = gap <= _slack(bound[pa])
    return pa[keep], pb[keep], gap[keep]


def lower_bounds(ix: ObjectIndex, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a),) a lower bound of each a's distance to the group b."""
    if len(a) * len(b) <= ALL_PAIRS:
        return gaps(ix, np.repeat(a, len(b)), np.tile(b, len(a))).reshape(len(a), len(b)).min(axis=1)
    lower = np.full(len(a), np.inf)
    for members, largest in _radius_buckets(ix, b):
        d, _ = _kdtree(ix.mid[members]).query(ix.mid[a], k=1)
        lower = np.minimum(lower, d - ix.radius[a] - largest)
    return np.maximum(lower, 0.0)


def upper_bounds(ix: ObjectIndex, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a),) a distance each a certainly has to some member of b: between their nearest anchors."""
    return _nearest(ix.anchors(a), ix.anchors(b))[0]


def _group_min(values: np.ndarray, groups: np.ndarray, partners: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group 0…n−1: the smallest value (inf when none) and the partner that gave it (−1 when none)."""
    best = np.full(n, np.inf)
    partner = np.full(n, -1, np.int64)
    if len(values):
        order = np.lexsort((values, groups))
        first = order[np.r_[True, groups[order][1:] != groups[order][:-1]]]
        best[groups[first]], partner[groups[first]] = values[first], partners[first]
    return best, partner


def _solid_pairs(ix: ObjectIndex, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    return box_pair_distances(ix.centre[ia], ix.rotation[ia], ix.half[ia], ix.centre[ib], ix.rotation[ib], ix.half[ib])


def _points_to_solid(ix: ObjectIndex, shaped: np.ndarray, solid: np.ndarray) -> np.ndarray:
    """(K,) distances from the points of each `shaped` row to the box of the paired `solid` row."""
    points, owner = ix.point_rows(shaped)
    box = solid[owner]
    d = points_to_boxes(points[:, None, :], ix.centre[box], ix.rotation[box], ix.half[box])[:, 0]
    return _group_min(d, owner, owner, len(shaped))[0]


def _point_sets(ix: ObjectIndex, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of a: its closest-point distance to the points of all rows of b, and which row of b."""
    pa, owner_a = ix.point_rows(a)
    pb, owner_b = ix.point_rows(b)
    d, j = _nearest(pa, pb)
    best, partner = _group_min(d, owner_a, owner_b[j], len(a))
    return best, np.where(partner >= 0, b[np.maximum(partner, 0)], -1)


def pair_minima(ix: ObjectIndex, a: np.ndarray, pa: np.ndarray, pb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact distance from each row of a to its nearest paired row (pairs (pa → position in a, pb → row)).

    Returns (len(a),) distances (inf where a row has no pair) and the nearest partner rows (−1 where none).
    Point objects are compared with every point object paired with any row, which never overestimates and is
    exact whenever each row's pairs include its nearest one.
    """
    ia = a[pa]
    solid_a, solid_b = ix.solid[ia], ix.solid[pb]
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (distances, positions in a, partner rows)
    both = solid_a & solid_b
    if both.any():
        found.append((_solid_pairs(ix, ia[both], pb[both]), pa[both], pb[both]))
    for mask, shaped, solid in ((solid_a & ~solid_b, pb, ia), (~solid_a & solid_b, ia, pb)):
        if mask.any():
            found.append((_points_to_solid(ix, shaped[mask], solid[mask]), pa[mask], pb[mask]))
    neither = ~solid_a & ~solid_b
    if neither.any():
        rows_a = np.unique(pa[neither])
        d, partner = _point_sets(ix, a[rows_a], np.unique(pb[neither]))
        found.append((d, rows_a, partner))
    if not found:
        return np.full(len(a), np.inf), np.full(len(a), -1, np.int64)
    values, groups, partners = (np.concatenate(column) for column in zip(*found))
    return _group_min(values, groups, partners, len(a))


def nearest_pair(ix: ObjectIndex, a: np.ndarray, b: np.ndarray) -> tuple[float, int, int]:
    """The nearest pair between two non-empty groups: (distance, row in a, row in b)."""
    best = float(upper_bounds(ix, a, b).min())
    pa, pb, gap = candidate_pairs(ix, a, b, np.full(len(a), best))
    order = np.argsort(gap, kind="stable")
    found: tuple[float, int, int] = (np.inf, -1, -1)
    for start in range(0, len(order), ROUND):
        if gap[order[start]] > _slack(found[0]):
            break
        chunk = order[start : start + ROUND]
        d, partner = pair_minima(ix, a, pa[chunk], pb[chunk])
        i = int(np.argmin(d))
        if d[i] < found[0]:
            found = (float(d[i]), int(a[i]), int(partner[i]))
        if found[0] <= 0.0:  # touching: no pair can be nearer, and a later tie would not replace it
            break
    return found


def _selected(lower: np.ndarray, upper: np.ndarray, keep: Keep, tol: float) -> np.ndarray:
    """Positions whose distance may lie within tol of the best: the smallest (min) or the largest (max)."""
    if keep == "min":
        return np.flatnonzero(lower <= _slack(upper.min() + tol))
    return np.flatnonzero(upper >= lower.max() - tol - 1e-9)


def distances_to_group(ix: ObjectIndex, a: np.ndarray, b: np.ndarray, keep: Keep, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact distance from each row of a to the group b, for the positions in a that may be within tol of the best.

    Returns (positions in a, their distances); every position whose distance is within tol of the smallest
    (keep="min") or largest (keep="max") distance is among them.
    """
    upper = upper_bounds(ix, a, b)
    chosen = _selected(lower_bounds(ix, a, b), upper, keep, tol)
    pa, pb, _ = candidate_pairs(ix, a[chosen], b, upper[chosen])
    return chosen, pair_minima(ix, a[chosen], pa, pb)[0]


def point_distances(ix: ObjectIndex, rows: np.ndarray, point: np.ndarray) -> np.ndarray:
    """(k,) exact distances from a point to each row's geometry (0 inside a solid box)."""
    out = np.empty(len(rows))
    solid = ix.solid[rows]
    if solid.any():
        r = rows[solid]
        out[solid] = points_to_boxes(np.broadcast_to(point, (len(r), 1, 3)), ix.centre[r], ix.rotation[r], ix.half[r])[:, 0]
    if (~solid).any():
        points, owner = ix.point_rows(rows[~solid])
        d = np.sqrt(np.einsum("pi,pi->p", points - point, points - point))
        out[~solid] = _group_min(d, owner, owner, int((~solid).sum()))[0]
    return out


def distances_to_point(ix: ObjectIndex, rows: np.ndarray, point: np.ndarray, keep: Keep, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Like `distances_to_group`, for a point: (positions in rows, exact distances) of those that may win."""
    point = np.asarray(point, np.float64)
    gap = np.maximum(np.maximum(ix.lo[rows] - point, point - ix.hi[rows]), 0.0)
    lower = np.sqrt(np.einsum("ki,ki->k", gap, gap))
    upper = np.linalg.norm(ix.anchors(rows) - point, axis=1)
    chosen = _selected(lower, upper, keep, tol)
    return chosen, point_distances(ix, rows[chosen], point)


def nearest_centres(ix: ObjectIndex, a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """The pair of rows (one of a, one of b) whose box centres are nearest."""
    d, j = _nearest(ix.centre[a], ix.centre[b])
    i = int(np.argmin(d))
    return int(a[i]), int(b[j[i]])
