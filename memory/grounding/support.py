"""Votes across views: an object's points are kept where the views that show them mostly masked them as that object.

Masks are wrong in single frames: grown or shrunk at the outline, leaking past one side onto the wall or floor
behind, or spurious altogether (a detection on a bare wall). Each bleeds points into the object that other views
contradict. So every point of a track is projected into every frame: where the frame's depth there agrees with the
point's (it is in plain sight), the frame votes for it when one of the track's own masks covers that pixel and
against it when none does (or another object's mask does); where the frame saw through the point (a flying pixel
between an object and the wall), it votes against it. Points that most of their views vote against are dropped,
and a track left with too few points was never there (a spurious detection: every other view of its surface
shows no such object). An object glimpsed in one frame that no other frame shows has no vote against it: it is
kept when the detector was confident of it. A doubted one, or one that a single other view contradicts (as often
the detector's miss in that view as a ghost), is kept only when it is all the video shows of its label: better one
view than none, and the object's evidence then says it rests on one frame.

Depth agreement is judged with a tolerance that follows how well the frames' depth agrees where they overlap
(a learned reconstruction's frames disagree by a few percent; a depth sensor's hardly at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reasmory.memory.grounding.associate import Fragment, Track, components
from reasmory.memory.grounding.visibility import DepthFn, covered_by, plain
from reasmory.memory.cameras import pixels_in_view
from reasmory.memory.model import Frame


@dataclass(frozen=True)
class SupportSettings:
    """`min_share`: a point stays when at least this share of the views showing it masked it as its own object (more,
    for an object masked in one frame only); `often_share`: this share suffices for the best evidence of a label
    masked in `again_from` frames or more (`judged`);
    `sample`: points voted per track (the others follow their nearest voted point); `stride`: the mask maps' pixel
    step; `tolerance`: the least and most relative depth disagreement counted as agreement, `margin` (m) on top;
    `shows`: the share of its points a frame must show for the object to count as seen in it; `again_from`: an
    object masked in that many frames keeps only points another frame saw too, within the margin plus the depth
    tolerance at `again_depth` metres (`seen_again`); `single_view_score`: an object masked in one frame only is
    kept when its detection scored at least this (strongly supported) and more views show it masked than not; else
    (doubted, or one view against its one) only as the best evidence of its label: when no other track of the label
    is kept, the best scored of them that no two views contradict; `detached`: small
    clusters farther than this (m) from the object's bulk are dropped (`attached`); `masked_often`: an object masked
    in this many frames or more that its other views outvote is judged as the best evidence of its label even when
    other objects hold the label (spurious detections do not agree on one place four times); `above_floor`: an object whose
    points lie nearly all (90 %) within this (m) of the floor is none, nor is one masked in one frame whose points lie
    mostly more than this under the floor (`in_floor`)."""

    min_share: float = 0.5
    often_share: float = 0.3
    sample: int = 1500
    stride: int = 2
    tolerance: tuple[float, float] = (0.02, 0.12)
    margin: float = 0.03
    shows: float = 0.3
    again_from: int = 3
    single_view_score: float = 0.6
    detached: float = 0.25
    above_floor: float = 0.05
    again_depth: float = 3.0
    masked_often: int = 4


def faint_code(label: str, labels: Sequence[str]) -> int:
    """The (negative) number `mask_maps` paints masks of `label` that no track holds with."""
    return -1 - sorted(set(labels)).index(label) if label in labels else 0


def mask_maps(tracks: Sequence[Track], frames: Sequence[Frame], stride: int, faint: Sequence[Fragment] = (),
              labels: Sequence[str] = ()) -> dict[int, np.ndarray]:
    """Per frame, an image (at 1/`stride` resolution) of which track's mask covers each pixel (track number + 1, 0 for
    none; masks too faint to place, `faint`, by `faint_code` of their label among `labels`); larger masks are
    painted first, so where masks overlap the smaller (nearer, usually) wins."""
    sizes = {f.index: ((f.height + stride - 1) // stride, (f.width + stride - 1) // stride) for f in frames}
    painted: dict[int, list[tuple[int, int, object]]] = {}
    for fragment in faint:
        if fragment.mask is not None:
            painted.setdefault(fragment.frame, []).append((fragment.pixels, faint_code(fragment.label, labels), fragment))
    for number, track in enumerate(tracks, 1):
        for fragment in track.fragments:
            if fragment.mask is not None:
                painted.setdefault(fragment.frame, []).append((fragment.pixels, number, fragment))
    maps = {}
    for index, items in painted.items():
        image = np.zeros(sizes[index], np.int32)
        for _, number, fragment in sorted(items, key=lambda t: -t[0]):
            x0, y0 = int(fragment.box_2d[0]), int(fragment.box_2d[1])
            crop = fragment.mask[(-y0) % stride :: stride, (-x0) % stride :: stride]
            r0, c0 = (y0 + stride - 1) // stride, (x0 + stride - 1) // stride
            window = image[r0 : r0 + crop.shape[0], c0 : c0 + crop.shape[1]]
            window[crop[: window.shape[0], : window.shape[1]]] = number
        maps[index] = image
    return maps


def agreement(tracks: Sequence[Track], frames: Sequence[Frame], depth: DepthFn, settings: SupportSettings,
              per_track: int = 100) -> float:
    """The relative depth tolerance: 2.5 robust σ of how much the frames' depth at the tracks' points differs from the
    points' own depth, where they roughly agree (the surface itself, not what hides it or lies behind)."""
    low, high = settings.tolerance
    residuals = []
    for track in tracks:
        points = _sample(track.points, per_track)
        for frame in frames[:: max(len(frames) // 16, 1)]:
            idx, u, v, z = pixels_in_view(points, frame)
            d = depth(frame.index)[v, u]
            r = (d - z) / z
            residuals.append(r[(d > 0) & (np.abs(r) < 2 * high)])
    r = np.concatenate(residuals) if residuals else np.zeros(0)
    if len(r) < 50:
        return high
    return float(np.clip(2.5 * 1.4826 * np.median(np.abs(r - np.median(r))), low, high))


def _sample(points: np.ndarray, n: int) -> np.ndarray:
    points = np.asarray(points, np.float64)
    return points if len(points) <= n else points[np.linspace(0, len(points) - 1, n).astype(int)]


def _covered(image: np.ndarray | None, rows: np.ndarray, cols: np.ndarray, number: int) -> np.ndarray:
    """Whether the track's mask covers each pixel or one next to it (a point on the outline, seen again from
    elsewhere, lands a pixel off as often as on)."""
    if image is None:
        return np.zeros(len(rows), bool)
    h, w = image.shape
    found = image[rows, cols] == number
    rest = np.nonzero(~found)[0]
    for dr, dc in ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)):
        if not len(rest):
            break
        hit = image[np.clip(rows[rest] + dr, 0, h - 1), np.clip(cols[rest] + dc, 0, w - 1)] == number
        found[rest[hit]] = True
        rest = rest[~hit]
    return found


@dataclass(frozen=True)
class Votes:
    """One track's sampled points, the votes for and against each, and the frames that showed the track: at least
    `SupportSettings.shows` of its points in plain sight, spread over `min_pixels` or more."""

    points: np.ndarray
    votes_for: np.ndarray
    against: np.ndarray
    shown_in: list[int]


def point_votes(track: Track, number: int, frames: Sequence[Frame], depth: DepthFn, nearest: DepthFn,
                maps: dict[int, np.ndarray], tolerance: float, settings: SupportSettings, min_pixels: int,
                faint: int = 0) -> Votes:
    """The votes on one track (`number`: its number in the mask maps). `nearest`: the frames' depth min-filtered over
    5×5 pixels, so a point is seen through only when its whole neighbourhood lies beyond it (not when it projects a
    pixel off a chair's leg)."""
    points = _sample(track.points, settings.sample)
    votes_for, against = np.zeros(len(points)), np.zeros(len(points))
    shown_in = []
    s = settings.stride
    for frame in frames:
        idx, u, v, z = pixels_in_view(points, frame)
        d = depth(frame.index)[v, u]
        slack = tolerance * z + settings.margin
        shown = (d > 0) & (np.abs(d - z) <= slack)
        behind = nearest(frame.index)[v, u]
        through = np.isfinite(behind) & (behind > z + slack)  # no depth near the pixel is no evidence either way
        image = maps.get(frame.index)
        mine, masked = np.zeros(len(idx), bool), np.zeros(len(idx), bool)
        mine[shown] = _covered(image, v[shown] // s, u[shown] // s, number)
        if faint and image is not None:  # a mask of its label with too little depth to place: no vote either way
            masked[shown & ~mine] = image[v[shown & ~mine] // s, u[shown & ~mine] // s] == faint
        votes_for[idx[shown & mine]] += 1
        against[idx[(shown & ~mine & ~masked) | through]] += 1
        if shown.sum() >= settings.shows * len(points) and _spread(u[shown], v[shown]) >= min_pixels:
            shown_in.append(frame.index)
    return Votes(points, votes_for, against, shown_in)


def _spread(u: np.ndarray, v: np.ndarray) -> float:
    """Half the pixel area of the points' bounding box (about what they cover)."""
    return 0.5 * float((u.max() - u.min() + 1) * (v.max() - v.min() + 1)) if len(u) else 0.0


def seen_again(track: Track, points: np.ndarray, radius: float) -> np.ndarray:
    """Whether each point has a point of another frame's fragment of the track within `radius`. A patch of a frame
    whose depth is grossly wrong (a reconstruction's failure on one surface) lands where no other view saw anything,
    often behind the object, where no view can vote against it either."""
    from scipy.spatial import cKDTree

    pooled = np.concatenate([f.points for f in track.fragments]).astype(np.float64)
    frame_of = np.repeat([f.frame for f in track.fragments], [len(f.points) for f in track.fragments]).astype(np.float64)
    dist, idx = cKDTree(pooled).query(points, k=min(16, len(pooled)), distance_upper_bound=radius)
    dist, idx = dist.reshape(len(points), -1), idx.reshape(len(points), -1)
    found = np.isfinite(dist)
    frames = frame_of[np.minimum(idx, len(pooled) - 1)]
    return np.where(found, frames, -np.inf).max(axis=1) > np.where(found, frames, np.inf).min(axis=1)


def supported(tracks: list[Track], frames: Sequence[Frame], depth: DepthFn, settings: SupportSettings,
              min_points: int, min_pixels: int, floor_z: float | None = None, faint: Sequence[Fragment] = ()) -> list[Track]:
    """The tracks with the points most of their views masked (see the module's doc), those with `min_points` left (half
    their points, for a track smaller from the start);
    each records the frames that showed it (`Track.shown_in`), masked or not (a detector misses an object in some
    frames; when it was first seen is a fact of the video)."""
    import functools

    from scipy import ndimage

    frames = list(frames)
    labels = sorted({f.label for f in faint})
    maps = mask_maps(tracks, frames, settings.stride, faint, labels)
    nearest = functools.lru_cache(maxsize=None)(lambda i: ndimage.minimum_filter(np.where(depth(i) > 0, depth(i), np.inf), size=5))
    tolerance = agreement(tracks, frames, depth, settings)
    kept: dict[int, Track] = {}
    fallback: list[tuple[int, Votes]] = []
    for number, track in enumerate(tracks, 1):
        if floor_z is not None and (flat_on_floor(track.points[:, 2], floor_z, settings.above_floor)
                                    or len(track.pixels) == 1 and in_floor(track.points[:, 2], floor_z, settings.above_floor)):
            continue  # nothing stands in the floor: a mask on the floor itself, or depth grossly wrong
        votes = point_votes(track, number, frames, depth, nearest, maps, tolerance, settings, min_pixels,
                            faint_code(track.label, labels))
        if len(track.pixels) == 1 and track.score < settings.single_view_score:
            fallback.append((number, votes))  # one frame's detection that the detector itself doubted
        elif (good := judged(track, votes, False, tolerance, settings, min_points)) is not None:
            kept[number] = keep_supported(track, votes, good, settings)
        else:
            fallback.append((number, votes))  # a ghost, or an object the detector missed in many of its views
    for number, votes in sorted(fallback, key=lambda item: -tracks[item[0] - 1].score):
        track = tracks[number - 1]
        if any(t.label == track.label for t in kept.values()) and len(track.pixels) < settings.masked_often:
            continue
        if (good := judged(track, votes, True, tolerance, settings, min_points)) is not None:
            kept[number] = keep_supported(track, votes, good, settings)
    return [kept[number] for number in sorted(kept)]


def glimpsed(tracks: Sequence[Track], faint: Sequence[Fragment], frames: Sequence[Frame], depth: DepthFn,
             margin: float = 0.05, relative: float = 0.05, least: int = 2) -> None:
    """Each track's `shown_in` grown by the frames where a mask of its label too faint to place (a few pixels at the
    image's edge: an object's first glimpse, as often as not) covers `least` of its points in plain sight there."""
    by_index = {f.index: f for f in frames}
    for fragment in faint:
        frame = by_index.get(fragment.frame)
        if frame is None or fragment.mask is None:
            continue
        x0, y0 = int(fragment.box_2d[0]), int(fragment.box_2d[1])
        for track in tracks:
            if track.label != fragment.label or fragment.frame in track.shown_in:
                continue
            _, u, v, z = pixels_in_view(_sample(track.points, 2000), frame)
            hits = covered_by(fragment.mask, x0, y0, v, u) & plain(z, depth(frame.index)[v, u], margin, relative)
            if hits.sum() >= least:
                track.shown_in = sorted({*track.shown_in, fragment.frame})


def judged(track: Track, votes: Votes, relaxed: bool, tolerance: float, settings: SupportSettings,
           min_points: int) -> np.ndarray | None:
    """Which voted points stand, or None when too few do (`min_points`, or half the track's points for a smaller one).
    A point stands when at least `min_share` of its views masked it, and more for an object masked in one frame (one
    view against one is a ghost, unless other views masked it too). `relaxed`, for the best evidence of a label: a tie
    stands, and so does `often_share` for an object masked in `again_from` frames or more (a detector misses a small
    object in half the frames of a walk as often as not)."""
    often = len(track.pixels) >= settings.again_from
    share = settings.often_share if relaxed and often else settings.min_share
    margin = votes.votes_for - share * (votes.votes_for + votes.against)
    good = margin > 0 if len(track.pixels) == 1 and not relaxed else margin >= 0
    if often:
        good &= seen_again(track, votes.points, settings.margin + tolerance * settings.again_depth)
    need = min_points if len(track.points) >= min_points else len(track.points) / 2
    return None if good.sum() * len(track.points) < need * len(votes.points) else good


def keep_supported(track: Track, votes: Votes, good: np.ndarray, settings: SupportSettings) -> Track:
    """The track cut to its standing points (and those attached to them), with the frames that showed it."""
    track.shown_in = votes.shown_in
    keep_where(track, votes.points, good)
    keep_where(track, track.points, attached(track.points, settings.detached))
    return track


def flat_on_floor(z: np.ndarray, floor_z: float, above: float) -> bool:
    """Whether points lie nearly all (90 %) within `above` (m) of the floor and not below it, or in a layer thinner
    than that under it: a mask on the floor itself, or on a patch of grossly wrong depth. Points reaching from well
    below the floor to it mean the floor is misplaced there (a provisional floor of an up-to-scale reconstruction from
    sparse points), not that the object is flat."""
    low, high = np.percentile(z, [10, 90])
    return bool(high < floor_z + above and (low > floor_z - above or high - low < above))


def in_floor(z: np.ndarray, floor_z: float, below: float) -> bool:
    """Whether most points (their median) lie more than `below` (m) under the floor: of an object one frame alone
    masked, its depth put it inside the floor (a spurious detection, or grossly wrong depth there). An object masked
    in several frames that reaches below the floor says instead that the floor is misplaced there (`flat_on_floor`)."""
    return bool(np.median(z) < floor_z - below)


def keep_where(track: Track, sample: np.ndarray, good: np.ndarray) -> None:
    """The track's points, and its fragments', kept where their nearest point of `sample` (its points or a sample of
    them) is `good`."""
    from scipy.spatial import cKDTree

    if good.all():
        return
    tree = cKDTree(sample)
    track.points = track.points[good[tree.query(track.points)[1]]]
    for fragment in track.fragments:
        keep = good[tree.query(fragment.points)[1]] if len(fragment.points) else np.zeros(0, bool)
        fragment.points = fragment.points[keep]
        fragment.outline = None if fragment.outline is None else fragment.outline[keep]


def attached(points: np.ndarray, detached: float, eps: float = 0.08, pole: float = 0.05) -> np.ndarray:
    """Which points to keep: all but the small clusters (under a tenth of them) lying over `detached` metres from the
    big ones: a mask's leak onto a wall or floor, or a patch of grossly wrong depth, that survived the votes (a lamp's
    pole, a few centimetres off its shade, stays). Of a small cluster that comes near them, the points within
    `detached` stay, and all of it when it is a pole under or over the bulk (within `pole` m of a vertical axis that
    passes within the bulk's horizontal reach, the 90th percentile of its points' distances from their median: a
    floor lamp's pole under its shade, seen from the front, down to the floor; a leak spreads along the wall or floor,
    or runs down beside the object on the wall behind it)."""
    from scipy.spatial import cKDTree

    points = np.asarray(points, np.float64)
    if len(points) < 20:
        return np.ones(len(points), bool)
    labels = components(points, eps)
    main = (np.bincount(labels) >= 0.1 * len(points))[labels]
    if main.all() or not main.any():
        return np.ones(len(points), bool)
    near = np.isfinite(cKDTree(points[main]).query(points[~main], distance_upper_bound=detached)[0])
    keep = main.copy()
    keep[np.nonzero(~main)[0][near]] = True
    centre = np.median(points[main, :2], axis=0)
    reach = np.percentile(np.linalg.norm(points[main, :2] - centre, axis=1), 90)
    for cluster in np.unique(labels[~main][near]):
        xy = points[labels == cluster, :2]
        axis = np.median(xy, axis=0)
        if np.percentile(np.linalg.norm(xy - axis, axis=1), 90) <= pole and np.linalg.norm(axis - centre) <= reach:
            keep |= labels == cluster
    return keep
