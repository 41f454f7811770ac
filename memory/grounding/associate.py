"""Cross-frame association: fragments (one mask lifted in one frame) → physical object instances.

A fragment joins the track of the same label whose voxels it touches most
(each fragment voxel counts when a track voxel lies within one voxel of it);
touching tracks of one label are merged at the end, and each track is split
into its spatially separate parts (connected components of its voxels), so two
chairs side by side stay two chairs. Tracks seen in too few views or with too few points are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

_OFFSET = 1 << 20
_NEIGHBOURS = np.array([(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)], dtype=np.int64)


def voxel_keys(points: np.ndarray, size: float) -> np.ndarray:
    """Sorted unique int64 keys of the voxels holding the (N, 3) points."""
    return np.unique(_keys(points, size))


def _neighbour_keys(keys: np.ndarray) -> np.ndarray:
    """(K, 27) keys of each voxel's 3×3×3 neighbourhood."""
    ijk = np.stack([keys >> 42, (keys >> 21) & ((1 << 21) - 1), keys & ((1 << 21) - 1)], axis=1)
    n = ijk[:, None, :] + _NEIGHBOURS[None]
    return (n[..., 0] << 42) | (n[..., 1] << 21) | n[..., 2]


def touching_fraction(keys: np.ndarray, other: np.ndarray) -> float:
    """Share of `keys` voxels with a voxel of `other` in their neighbourhood."""
    if len(keys) == 0 or len(other) == 0:
        return 0.0
    near = np.isin(_neighbour_keys(keys), other).any(axis=1)
    return float(near.mean())


def _keys(points: np.ndarray, size: float) -> np.ndarray:
    ijk = np.floor(np.asarray(points, np.float64) / size).astype(np.int64) + _OFFSET
    return (ijk[:, 0] << 42) | (ijk[:, 1] << 21) | ijk[:, 2]


def thin(points: np.ndarray, size: float) -> np.ndarray:
    """One point per `size` voxel (the first), to bound memory and time."""
    if len(points) == 0:
        return points
    _, first = np.unique(_keys(points, size), return_index=True)
    return points[np.sort(first)]


@dataclass(eq=False)
class Fragment:
    label: str
    points: np.ndarray
    frame: int
    pixels: int
    box_2d: tuple[float, float, float, float]
    score: float = 1.0


@dataclass(eq=False)
class Track:
    """A physical object being assembled from fragments; `points` is set once the track is final."""

    label: str
    keys: np.ndarray
    fragments: list[Fragment] = field(default_factory=list)
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.float32))

    def add(self, fragment: Fragment, keys: np.ndarray) -> None:
        self.keys = np.union1d(self.keys, keys)
        self.fragments.append(fragment)

    def absorb(self, other: Track) -> None:
        self.keys = np.union1d(self.keys, other.keys)
        self.fragments += other.fragments

    @property
    def pixels(self) -> dict[int, int]:
        """Frame → the largest mask area (pixels) of this object in that frame."""
        out: dict[int, int] = {}
        for f in self.fragments:
            out[f.frame] = max(out.get(f.frame, 0), f.pixels)
        return out

    @property
    def boxes_2d(self) -> dict[int, tuple[float, float, float, float]]:
        return {f.frame: f.box_2d for f in self.fragments}

    @property
    def score(self) -> float:
        return float(np.mean([f.score for f in self.fragments])) if self.fragments else 0.0


@dataclass(frozen=True)
class AssociationSettings:
    voxel: float = 0.05
    match_fraction: float = 0.25
    merge_fraction: float = 0.2
    point_spacing: float = 0.02
    split_eps: float = 0.08
    min_views: int = 2
    min_points: int = 30


def associate(fragments: list[Fragment], settings: AssociationSettings = AssociationSettings()) -> list[Track]:
    """Group fragments into tracks (same label, touching in 3D), merge, split and filter them."""
    tracks: list[Track] = []
    for fragment in fragments:
        keys = voxel_keys(fragment.points, settings.voxel)
        same = [t for t in tracks if t.label == fragment.label]
        scores = [touching_fraction(keys, t.keys) for t in same]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= settings.match_fraction:
            same[best].add(fragment, keys)
        else:
            track = Track(fragment.label, np.zeros(0, np.int64))
            track.add(fragment, keys)
            tracks.append(track)
    tracks = _merge_touching(tracks, settings)
    tracks = [part for t in tracks for part in _split(t, settings)]
    return [t for t in tracks if len(t.pixels) >= settings.min_views and len(t.points) >= settings.min_points]


def _merge_touching(tracks: list[Track], settings: AssociationSettings) -> list[Track]:
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(tracks):
            for b in tracks[i + 1 :]:
                if a.label != b.label:
                    continue
                small, large = (a, b) if len(a.keys) <= len(b.keys) else (b, a)
                if touching_fraction(small.keys, large.keys) >= settings.merge_fraction:
                    a.absorb(b)
                    tracks.remove(b)
                    merged = True
                    break
            if merged:
                break
    return tracks


def _components(points: np.ndarray, eps: float) -> np.ndarray:
    """Label of each point's spatially connected part: voxels of size eps/2 touching (26-connectivity) are one part."""
    size = eps / 2
    ijk = np.floor(points / size).astype(np.int64)
    ijk -= ijk.min(axis=0)
    grid = np.zeros(tuple(ijk.max(axis=0) + 1), dtype=bool)
    grid[ijk[:, 0], ijk[:, 1], ijk[:, 2]] = True
    labels, _ = ndimage.label(grid, structure=np.ones((3, 3, 3)))
    return labels[ijk[:, 0], ijk[:, 1], ijk[:, 2]] - 1


def _split(track: Track, settings: AssociationSettings) -> list[Track]:
    """The track's spatially separate parts as tracks of their own; each fragment goes where most of its points fall."""
    raw = np.concatenate([f.points for f in track.fragments])
    owner = np.repeat(np.arange(len(track.fragments)), [len(f.points) for f in track.fragments])
    _, first, inverse = np.unique(_keys(raw, settings.point_spacing), return_index=True, return_inverse=True)
    points = raw[first]
    if len(points) < settings.min_points:
        track.points = points
        return [track]
    labels = _components(points, settings.split_eps)
    clusters = [c for c in range(labels.max() + 1) if (labels == c).sum() >= max(settings.min_points, 0.1 * len(points))]
    if len(clusters) <= 1:  # one object: keep thin parts that look detached (a lamp's pole); the box fit trims outliers
        track.points = points
        return [track]
    votes = labels[inverse.ravel()]
    parts, orphans = [], []
    for c in clusters:
        mine = [f for i, f in enumerate(track.fragments) if _majority(votes[owner == i]) == c]
        part_points = points[labels == c]
        if mine:
            parts.append(Track(track.label, voxel_keys(part_points, settings.voxel), mine, part_points))
        else:
            orphans.append(part_points)
    for orphan in orphans:  # a part no view is mostly about (a lamp's pole under its shade) joins the nearest part
        nearest = min(parts, key=lambda p: cKDTree(p.points).query(orphan, k=1)[0].min())
        nearest.points = np.concatenate([nearest.points, orphan])
    return parts


def _majority(labels: np.ndarray) -> int:
    labels = labels[labels >= 0]
    if len(labels) == 0:
        return -1
    values, counts = np.unique(labels, return_counts=True)
    return int(values[np.argmax(counts)])
