"""Cross-frame association: fragments (one mask lifted in one frame) → physical object instances.

A fragment joins the track of the same label whose voxels it touches most
(each fragment voxel counts when a track voxel lies within one voxel of it);
touching tracks of one label are merged at the end; within a track the
fragments are shifted onto each other (camera pose errors pile up copies of
each surface); and each track is split into its spatially separate parts
(connected components of its voxels), so two chairs side by side stay two
chairs, unless masks show two parts together (one object seen in pieces). Tracks
with too few points are dropped; support.py weighs the views for and against each.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from reasmory.memory.grounding.visibility import Masks

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
    """Share of `keys` voxels with a voxel of `other` (sorted, unique) in their neighbourhood."""
    if len(keys) == 0 or len(other) == 0:
        return 0.0
    around = _neighbour_keys(keys).ravel()
    found = other[np.minimum(np.searchsorted(other, around), len(other) - 1)] == around
    return float(found.reshape(len(keys), -1).any(axis=1).mean())


def key_bounds(keys: np.ndarray) -> np.ndarray:
    """(2, 3) lowest and highest voxel indices of non-empty keys."""
    ijk = np.stack([keys >> 42, (keys >> 21) & ((1 << 21) - 1), keys & ((1 << 21) - 1)], axis=1)
    return np.stack([ijk.min(axis=0), ijk.max(axis=0)])


def _near(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two voxel bounds (`key_bounds`) come within one voxel of each other."""
    return bool(np.all(a[0] <= b[1] + 1) and np.all(b[0] <= a[1] + 1))


def _keys(points: np.ndarray, size: float) -> np.ndarray:
    ijk = np.floor(np.asarray(points, np.float64) / size).astype(np.int64) + _OFFSET
    return (ijk[:, 0] << 42) | (ijk[:, 1] << 21) | ijk[:, 2]


def thin(points: np.ndarray, size: float) -> np.ndarray:
    """One point per `size` voxel (the first), to bound memory and time."""
    return points[thin_indices(points, size)]


def thin_indices(points: np.ndarray, size: float) -> np.ndarray:
    """Sorted indices of the points `thin` keeps."""
    if len(points) == 0:
        return np.zeros(0, np.int64)
    _, first = np.unique(_keys(points, size), return_index=True)
    return np.sort(first)


@dataclass(eq=False)
class Fragment:
    label: str
    points: np.ndarray
    frame: int
    pixels: int
    box_2d: tuple[float, float, float, float]
    score: float = 1.0
    outline: np.ndarray | None = None  # per point: 0 inside, 1 the object's own outline, 2 a cut view (lift.outline_codes)
    mask: np.ndarray | None = None  # the mask within `box_2d` (for votes across views, support.py)
    camera: np.ndarray | None = None  # where the frame's camera was (for the depth-scale consensus, consensus.py)
    noisy: bool = False  # the frame's depth is noisy (lift.depth_noise): a learned reconstruction's, not a sensor's


@dataclass(eq=False)
class Track:
    """A physical object being assembled from fragments; `points` is set once the track is final."""

    label: str
    keys: np.ndarray
    fragments: list[Fragment] = field(default_factory=list)
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.float32))
    shown_in: list[int] = field(default_factory=list)  # frames that showed it, masked or not (support.py)
    other_labels: dict[str, int] = field(default_factory=dict)  # look-alikes' names → their views (relabel.py)

    def add(self, fragment: Fragment, keys: np.ndarray) -> None:
        self.keys = np.union1d(self.keys, keys)
        self.fragments.append(fragment)

    def absorb(self, other: Track) -> None:
        self.keys = np.union1d(self.keys, other.keys)
        self.fragments += other.fragments

    def masked_with(self, other: Track) -> bool:
        """Whether some frame masked both tracks (two masks of one frame are two objects)."""
        return bool(set(self.pixels) & set(other.pixels))

    @property
    def bounds(self) -> np.ndarray:
        return key_bounds(self.keys)

    @property
    def pixels(self) -> dict[int, int]:
        """Frame → the largest mask area (pixels) of this object in that frame."""
        out: dict[int, int] = {}
        for f in self.fragments:
            out[f.frame] = max(out.get(f.frame, 0), f.pixels)
        return out

    def masks(self) -> Masks:
        """Frame → its masks of this object, each cropped to its 2D box with the box's left and top pixel."""
        out: Masks = {}
        for f in self.fragments:
            if f.mask is not None:
                out.setdefault(f.frame, []).append((f.mask, int(f.box_2d[0]), int(f.box_2d[1])))
        return out

    @property
    def boxes_2d(self) -> dict[int, tuple[float, float, float, float]]:
        return {f.frame: f.box_2d for f in self.fragments}

    def outline(self) -> tuple[np.ndarray, np.ndarray]:
        """All fragments' points and their outline codes (0 where a fragment has none)."""
        points = np.concatenate([f.points for f in self.fragments])
        codes = [f.outline if f.outline is not None else np.zeros(len(f.points), np.uint8) for f in self.fragments]
        return points.astype(np.float64), np.concatenate(codes)

    @property
    def score(self) -> float:
        return float(np.mean([f.score for f in self.fragments])) if self.fragments else 0.0


@dataclass(frozen=True)
class AssociationSettings:
    """`link_presence`, `link_share`: two parts stay one object when at least `link_share` of the masks that show the
    less seen part also show the other (each with at least `link_presence` of its points);
    `align_radius`, `align_min_shift`: fragments are shifted onto each other (pose errors) within that radius, when
    the shift is at least that; `min_points`: the least points of a part split off a track (a detached bit);
    `min_whole_points`: of a track left whole (a small object glimpsed at a distance: a keyboard, a trash bin), kept
    only when its detections scored at least `small_score` on average (few points are little evidence: a doubted
    small mask is more often a ghost or a stray piece) and no bigger track of its label lies within `lone_reach`
    metres (else it is a piece of that one's outline)."""

    voxel: float = 0.05
    match_fraction: float = 0.25
    merge_fraction: float = 0.2
    point_spacing: float = 0.02
    split_eps: float = 0.08
    link_presence: float = 0.03
    link_share: float = 0.3
    align_radius: float = 0.08
    align_min_shift: float = 0.01
    min_points: int = 30
    min_whole_points: int = 10
    lone_reach: float = 0.5
    small_score: float = 0.9


def associate(fragments: list[Fragment], settings: AssociationSettings = AssociationSettings()) -> list[Track]:
    """Group fragments into tracks (same label, touching in 3D), merge them, separate the objects frames show side by
    side (separate.py), split spatially separate parts and filter them."""
    tracks: list[Track] = []
    bounds: list[np.ndarray] = []
    for fragment in fragments:
        keys = voxel_keys(fragment.points, settings.voxel)
        box = key_bounds(keys)
        same = [k for k, t in enumerate(tracks) if t.label == fragment.label and _near(box, bounds[k])]
        scores = [touching_fraction(keys, tracks[k].keys) for k in same]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= settings.match_fraction:
            k = same[best]
            tracks[k].add(fragment, keys)
            bounds[k] = np.stack([np.minimum(bounds[k][0], box[0]), np.maximum(bounds[k][1], box[1])])
        else:
            track = Track(fragment.label, np.zeros(0, np.int64))
            track.add(fragment, keys)
            tracks.append(track)
            bounds.append(box)
    from reasmory.memory.grounding.separate import separate  # it builds on this module's tracks

    tracks = [part for t in _merge_touching(tracks, settings) for part in separate(t, settings.voxel)]
    for track in tracks:
        moved = rescale_fragments(track.fragments)
        align_fragments(track.fragments, settings.align_radius, settings.align_min_shift)
        if moved or any(f.noisy for f in track.fragments):  # what one frame alone shows is likelier its error
            keep_agreed(track.fragments, settings.min_points)
    kept = []
    for track in tracks:
        parts = _split(track, settings)
        least = settings.min_points if len(parts) > 1 else settings.min_whole_points
        kept += [part for part in parts if len(part.points) >= least]
    return [t for t in kept if len(t.points) >= settings.min_points
            or (t.score >= settings.small_score and _lone(t, kept, settings.lone_reach))]


def _lone(track: Track, tracks: list[Track], reach: float) -> bool:
    """Whether no track of the same label with more points comes within `reach` of the (small) `track`, other than
    those masked beside it in one frame (two masks in one frame are two objects: a pillow mostly hidden behind
    another)."""
    for other in tracks:
        if other is not track and other.label == track.label and len(other.points) > len(track.points) and not track.masked_with(other):
            if cKDTree(other.points).query(track.points, distance_upper_bound=reach)[0].min() < reach:
                return False
    return True


def rescale_fragments(fragments: list[Fragment]) -> bool:
    """Each fragment's points moved along its camera's rays by the depth factor the other views agree on
    (`consensus.view_factors`: a learned reconstruction's depth scale drifts from frame to frame and region to region);
    whether any moved."""
    from reasmory.memory.grounding.consensus import rescale_views

    placed = [f for f in fragments if f.camera is not None and len(f.points)]
    moved = False
    for fragment, points in zip(placed, rescale_views([f.points for f in placed], [f.camera for f in placed],
                                                      [f.frame for f in placed]), strict=True):
        if points is not fragment.points:  # rescale_views hands back a view's own array when its factor is 1
            fragment.points, moved = points, True
    return moved


def keep_agreed(fragments: list[Fragment], least: int, share: float = 0.2) -> None:
    """Each fragment's points cut to those other frames confirm (`consensus.agreed`), unless fewer than `least`, or
    than `share` of them, would be left: views from different sides of an object (a nightstand seen from the front,
    later from the side) share too little of its surface to confirm each other, and the visibility votes of
    support.py judge it instead."""
    from reasmory.memory.grounding.consensus import agreed

    keeps = agreed([f.points for f in fragments], [f.frame for f in fragments])
    kept = sum(int(keep.sum()) for keep in keeps)
    if kept < least or kept < share * sum(len(keep) for keep in keeps):
        return
    for fragment, keep in zip(fragments, keeps, strict=True):
        if not keep.all():
            fragment.points = fragment.points[keep]
            fragment.outline = None if fragment.outline is None else fragment.outline[keep]


def align_fragments(fragments: list[Fragment], radius: float, min_shift: float, iterations: int = 3, k: int = 16,
                    sample: int = 100) -> None:
    """Shift each fragment onto the others (translation only). Camera pose errors move a view's points as a whole,
    which piles up copies of each surface; each point's offset is the mean offset to the other views' points
    among its `k` nearest within `radius` (their consensus, not the nearest copy), and a fragment moves by the median
    of its points' offsets (up to `sample` points per fragment are used). Views that agree within `min_shift` (the
    points' spacing) stay, and so does a view with too little overlap with the others."""
    if len(fragments) < 3:
        return
    picks = [np.linspace(0, len(f.points) - 1, min(sample, len(f.points))).astype(int) for f in fragments]
    owner = np.repeat(np.arange(len(fragments)), [len(p) for p in picks])
    for _ in range(iterations):
        points = np.concatenate([f.points[p] for f, p in zip(fragments, picks, strict=True)]).astype(np.float64)
        dist, idx = cKDTree(points).query(points, k=min(k, len(points)), distance_upper_bound=radius)
        idx = np.minimum(idx, len(points) - 1)
        other = (owner[idx] != owner[:, None]) & np.isfinite(dist)
        count = other.sum(axis=1)
        offset = ((points[idx] - points[:, None]) * other[..., None]).sum(axis=1) / np.maximum(count, 1)[:, None]
        for i, fragment in enumerate(fragments):
            shift = _fragment_shift(offset[(owner == i) & (count > 0)], len(picks[i]))
            if np.linalg.norm(shift) >= min_shift:
                fragment.points = (fragment.points + shift).astype(np.float32)


def _fragment_shift(offsets: np.ndarray, size: int, overlap: float = 0.3) -> np.ndarray:
    """Median offset of a fragment's matched points, or zero when under `overlap` of its points found a match."""
    return np.median(offsets, axis=0) if len(offsets) >= max(overlap * size, 5) else np.zeros(3)


def merge_tracks(track: Track, other: Track, spacing: float) -> None:
    """`other` folded into `track`: fragments, voxels and (re-thinned) points."""
    track.absorb(other)
    track.points = thin(np.concatenate([track.points, other.points]), spacing)
    track.shown_in = sorted(set(track.shown_in) | set(other.shown_in))


def _merge_touching(tracks: list[Track], settings: AssociationSettings) -> list[Track]:
    """Tracks of one label that touch (`merge_fraction` of the smaller's voxels), merged transitively."""
    group = list(range(len(tracks)))

    def root(k: int) -> int:
        while group[k] != k:
            group[k] = group[group[k]]
            k = group[k]
        return k

    bounds = [t.bounds for t in tracks]
    for i, j in itertools.combinations(range(len(tracks)), 2):
        a, b = tracks[i], tracks[j]
        if a.label != b.label or root(i) == root(j) or not _near(bounds[i], bounds[j]):
            continue
        small, large = (a, b) if len(a.keys) <= len(b.keys) else (b, a)
        if touching_fraction(small.keys, large.keys) >= settings.merge_fraction:
            group[root(j)] = root(i)
    merged: dict[int, Track] = {}
    for k, track in enumerate(tracks):
        r = root(k)
        if r in merged:
            merged[r].absorb(track)
        else:
            merged[r] = track
    return list(merged.values())


def components(points: np.ndarray, eps: float) -> np.ndarray:
    """Label of each point's spatially connected part: voxels of size eps/2 touching (26-connectivity) are one part."""
    size = eps / 2
    ijk = np.floor(points / size).astype(np.int64)
    ijk -= ijk.min(axis=0)
    grid = np.zeros(tuple(ijk.max(axis=0) + 1), dtype=bool)
    grid[ijk[:, 0], ijk[:, 1], ijk[:, 2]] = True
    labels, _ = ndimage.label(grid, structure=np.ones((3, 3, 3)))
    return labels[ijk[:, 0], ijk[:, 1], ijk[:, 2]] - 1


def _split(track: Track, settings: AssociationSettings) -> list[Track]:
    """The track's spatially separate parts as tracks of their own; each fragment goes where most of its points fall.

    Parts that masks show together are one object seen in pieces (a lamp's shade and its pole, with the shade's
    underside never seen; a bed's far end seen sparsely at a grazing angle), so they stay together (`_linked_groups`).
    """
    raw = np.concatenate([f.points for f in track.fragments])
    owner = np.repeat(np.arange(len(track.fragments)), [len(f.points) for f in track.fragments])
    _, first, inverse = np.unique(_keys(raw, settings.point_spacing), return_index=True, return_inverse=True)
    points = raw[first]
    if len(points) < settings.min_points:
        track.points = points
        return [track]
    labels = components(points, settings.split_eps)
    sizes = np.bincount(labels)
    big = np.nonzero(sizes >= max(settings.min_points, 0.1 * len(points)))[0]
    if len(big) <= 1:  # one object: keep thin parts that look detached (a lamp's pole); the box fit trims outliers
        track.points = points
        return [track]
    group = _linked_groups(labels[inverse.ravel()], owner, big, settings.link_presence, settings.link_share)
    labels = group[labels]
    votes = np.where(np.isin(labels, group[big]), labels, -1)[inverse.ravel()]  # detached bits do not vote
    parts, orphans = [], []
    for c in np.unique(group[big]):
        mine = [f for i, f in enumerate(track.fragments) if _majority(votes[owner == i]) == c]
        part_points = points[labels == c]
        if mine:
            parts.append(Track(track.label, voxel_keys(part_points, settings.voxel), mine, part_points))
        else:
            orphans.append(part_points)
    if len(parts) <= 1:
        track.points = points
        return [track]
    for orphan in orphans:  # a part no view is mostly about (a lamp's pole under its shade) joins the nearest part
        nearest = min(parts, key=lambda p: cKDTree(p.points).query(orphan, k=1)[0].min())
        nearest.points = np.concatenate([nearest.points, orphan])
    return parts


def _linked_groups(votes: np.ndarray, owner: np.ndarray, big: np.ndarray, presence: float, share: float) -> np.ndarray:
    """Component → group id. A fragment is present in a component holding at least `presence` of its points (and 5);
    two big components are one group when at least `share` of the fragments present in the less seen of them are
    present in both (a bed's far end, seen sparsely at a grazing angle, and its head seen in every view; a lamp's shade
    and pole), while neighbours of one label (two chairs side by side) are never covered by one mask. Small
    components keep their own id (they are not separate objects, only detached bits)."""
    n = int(max(votes.max(), big.max())) + 1
    counts = np.zeros((owner.max() + 1, n))
    np.add.at(counts, (owner, votes), 1)
    present = counts[:, big] >= np.maximum(presence * counts.sum(axis=1, keepdims=True), 5)
    seen = present.sum(axis=0)
    group = np.arange(n)
    for a, b in itertools.combinations(range(len(big)), 2):
        both = int((present[:, a] & present[:, b]).sum())
        if both and both >= share * min(seen[a], seen[b]):
            group[group == group[big[b]]] = group[big[a]]
    return group


def _majority(labels: np.ndarray) -> int:
    labels = labels[labels >= 0]
    if len(labels) == 0:
        return -1
    values, counts = np.unique(labels, return_counts=True)
    return int(values[np.argmax(counts)])
