"""Grounding: 2D instances in every frame → one ObjectInstance per physical object.

Masks are lifted with the frame's depth and pose, fragments are associated
across frames in 3D, and each object gets a gravity-aligned box completed
amodally (complete.py), its points, the frames where it is visible (mask of
at least `min_visible_pixels`) and its 2D boxes. Two tracks of one label
whose completed boxes coincide are one object seen from sides that never
met, and are merged.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reasmory.errors import InputError
from reasmory.memory.boxes import OrientedBox, intersection_volume
from reasmory.memory.reconstruction.scale import TYPICAL_SIZES
from reasmory.memory.grounding.associate import AssociationSettings, Fragment, Track, associate, merge_tracks, thin_indices
from reasmory.memory.grounding.complete import Sides, complete_box
from reasmory.memory.grounding.fit import fit_box, surface_spread
from reasmory.memory.grounding.lift import depth_edges, depth_noise, lift_instance, mask_bounds
from reasmory.memory.grounding.relabel import called_also, confused
from reasmory.memory.grounding.sources import GivenMasks, InstanceSource
from reasmory.memory.grounding.support import SupportSettings, glimpsed, supported
from reasmory.memory.labels import LabelNormalizer
from reasmory.memory.model import Frame, ObjectInstance
from reasmory.memory.room import RoomLayout, depth_samples, walls_rectangle

DepthFn = Callable[[int], np.ndarray]
ImageFn = Callable[[int], np.ndarray]


@dataclass(frozen=True)
class GroundingSettings:
    """How masks become objects. `typical_sizes`: complete boxes towards `TYPICAL_SIZES` through faces no view pinned
    down; `denoise_above`: smooth a frame's depth within masks when its estimated relative noise exceeds this;
    `sparse_below`: a frame with depth at under this share of its pixels (SfM points) is filled within each mask;
    `coincide`: merge two tracks of one label whose completed boxes overlap by this share of the smaller; `piece_share`,
    `piece_reach`: merge a track into one of its label whose seen box is over 1/`piece_share` times its own and whose
    completed box comes within `piece_reach` (m) of most of its points (`piece`); `confused_iou`: two tracks of different
    labels whose completed boxes overlap by this 3D IoU and that no frame masked apart are one object, named and
    boxed as the one masked in more frames, the other name kept with its views (`relabel.py`); `deflate`:
    move every fitted face inwards by this many times the scene's surface spread (`scene_spread`; 0 keeps them): the
    99th percentile of an object's points lies about 1.25 σ beyond a face that holds a tenth of them, noise σ;
    `noisy_votes`: on noisy depth, how many frames must reach a point for completion to count it as observed (one
    frame's depth error sees through what is there: visibility.py); `walls_bound`: completion stays inside the room's
    layout from the frames' depth (`reasmory.memory.room`; only in a gravity-aligned world, `floor_z` given)."""

    erode: int = 1
    depth_relative: float = 0.04
    depth_absolute: float = 0.03
    min_fragment_points: int = 10
    min_visible_pixels: int = 50
    floor_z: float | None = 0.0
    min_thickness: float = 0.05
    typical_sizes: bool = True
    denoise_above: float = 0.002
    sparse_below: float = 0.3
    coincide: float = 0.3
    piece_share: float = 0.05
    piece_reach: float = 0.2
    confused_iou: float = 0.1
    deflate: float = 1.25
    noisy_votes: int = 2
    walls_bound: bool = True
    association: AssociationSettings = field(default_factory=AssociationSettings)
    support: SupportSettings = field(default_factory=SupportSettings)

    def __post_init__(self) -> None:
        if not isinstance(self.noisy_votes, int) or self.noisy_votes < 1:  # 0 would count space no frame saw as seen
            raise InputError(f"GroundingSettings.noisy_votes is {self.noisy_votes!r}: it counts frames, so it must be 1 or more",
                             hint="leave the default 2, or 1 to take one frame's depth as proof")


def typical_sides(normalizer: LabelNormalizer) -> dict[str, Sides]:
    """Canonical label → typical (longer horizontal, shorter horizontal, height) sides, for amodal completion."""
    return {normalizer.canonical(k): v for k, v in TYPICAL_SIZES.items()}


def fragments_of_frame(frame: Frame, depth: np.ndarray, instances: list, normalizer: LabelNormalizer,
                       settings: GroundingSettings) -> list[Fragment]:
    """The frame's masks lifted to 3D, one fragment per mask (those with under `min_fragment_points` points of
    trustworthy depth only say where a mask was: see `ground`)."""
    if depth.shape != (frame.height, frame.width):
        raise InputError(f"depth of frame {frame.index} is {depth.shape[1]}×{depth.shape[0]}, the frame is {frame.width}×{frame.height}")
    sparse = bool((depth > 0).mean() < settings.sparse_below)
    edges = None if sparse else depth_edges(depth, settings.depth_relative, settings.depth_absolute)  # sparse: filled per mask
    noise = 0.0 if sparse else depth_noise(depth)
    noise = noise if noise > settings.denoise_above else 0.0
    found = []
    for inst in instances:
        points, outline = lift_instance(inst.mask, depth, frame.K_array, frame.pose_array, edges, settings.erode,
                                        settings.depth_relative, settings.depth_absolute, noise, sparse)
        if not len(points):
            continue
        keep = thin_indices(points, settings.association.point_spacing)
        y0, y1, x0, x1 = mask_bounds(inst.mask)
        found.append(Fragment(normalizer.canonical(inst.label), points[keep], frame.index, int(inst.mask.sum()),
                              (float(x0), float(y0), float(x1), float(y1)), inst.score, outline[keep], inst.mask[y0:y1, x0:x1].copy(),
                              frame.position, noise > 0))
    return found


def ground(
    frames: Sequence[Frame],
    depth: DepthFn,
    source: InstanceSource,
    settings: GroundingSettings = GroundingSettings(),
    image: ImageFn | None = None,
    normalizer: LabelNormalizer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ObjectInstance]:
    """Objects from per-frame instances: lift, associate across frames, fit boxes."""
    normalizer = normalizer or LabelNormalizer()
    depth = functools.lru_cache(maxsize=None)(depth)
    display: dict[str, str] = {}
    fragments: list[Fragment] = []
    for done, frame in enumerate(frames, 1):
        instances = source.instances(frame.index, image(frame.index) if image else None)
        for inst in instances:
            display.setdefault(normalizer.canonical(inst.label), inst.label)
        fragments += fragments_of_frame(frame, depth(frame.index), instances, normalizer, settings)
        if progress is not None:
            progress(done, len(frames))
    solid = [f for f in fragments if len(f.points) >= settings.min_fragment_points]
    faint = [f for f in fragments if len(f.points) < settings.min_fragment_points]  # too little depth to place, yet masked
    tracks = supported(associate(solid, settings.association), list(frames), depth, settings.support, settings.association.min_points,
                       settings.min_visible_pixels, settings.floor_z, faint)
    glimpsed(tracks, [f for f in faint if f.pixels >= settings.min_visible_pixels], list(frames), depth)
    typical = typical_sides(normalizer) if settings.typical_sizes else {}
    frames = list(frames)
    votes = settings.noisy_votes if any(f.noisy for f in fragments) else 1
    spread = settings.deflate * scene_spread(tracks)
    raw = [fit_box(t.points, spread=spread) for t in tracks]
    room = walls(frames, depth) if settings.walls_bound and settings.floor_z is not None else None
    boxes = [complete_track(k, tracks, raw, frames, depth, settings, typical, votes, room=room) for k in range(len(tracks))]
    boxes = [complete_track(k, tracks, raw, frames, depth, settings, typical, votes, boxes, room) if lowered(raw[k], boxes[k])
             else boxes[k] for k in range(len(tracks))]
    while (pair := coinciding(tracks, boxes, settings.coincide) or piece(tracks, raw, boxes, settings.piece_share,
                                                                          settings.piece_reach)) is not None:
        keep, gone = pair
        merge_tracks(tracks[keep], tracks[gone], settings.association.point_spacing)
        del tracks[gone], raw[gone], boxes[gone]
        keep -= keep > gone
        raw[keep] = fit_box(tracks[keep].points, spread=spread)
        boxes[keep] = complete_track(keep, tracks, raw, frames, depth, settings, typical, votes, room=room)
    placed = {id(f) for t in tracks for f in t.fragments}  # a look-alike's fragments (below) are its object's
    while (pair := confused(tracks, boxes, settings.confused_iou)) is not None:
        called_also(tracks[pair[0]], tracks[pair[1]])
        del tracks[pair[1]], raw[pair[1]], boxes[pair[1]]  # the same object under the name fewer views gave it
    shown_by_boxes(tracks, boxes, [f for f in faint + solid if id(f) not in placed and f.pixels >= settings.min_visible_pixels])
    objects = [_instance(track, box, fitted, display, settings.min_visible_pixels)
               for track, box, fitted in zip(tracks, boxes, raw, strict=True)]
    objects.sort(key=lambda o: (o.first_seen, o.box.center))
    return [o.model_copy(update={"id": i}) for i, o in enumerate(objects)]


def shown_by_boxes(tracks: Sequence[Track], boxes: Sequence[OrientedBox], fragments: Sequence[Fragment],
                   margin: float = 0.05, relative: float = 0.05) -> None:
    """Each track's `shown_in` grown by the frames of masks of its label that made no object of their own (too faint
    to place, or voted out alone) whose points lie mostly inside its completed box, within `margin` + `relative` × their
    range: a stove's back corner seen in one frame, which the views of the stove's track never saw (so no point of
    the track lies near it), or a strip of a window's corner three pixels wide, which covers none of the window's
    points (`support.glimpsed` looks for those), is its first sight."""
    for fragment in fragments:
        if not len(fragment.points):
            continue
        reach = margin + (relative * float(np.linalg.norm(fragment.points - fragment.camera, axis=1).mean())
                          if fragment.camera is not None else 0.0)
        for track, box in zip(tracks, boxes, strict=True):
            if (track.label == fragment.label and fragment.frame not in track.shown_in
                    and box.contains(fragment.points, reach).mean() > 0.5):
                track.shown_in = sorted({*track.shown_in, fragment.frame})


def scene_spread(tracks: Sequence[Track]) -> float:
    """The median over objects of their points' surface spread (m; 0 without any object of enough points): one figure
    for the scene, as depth noise is a property of the reconstruction and one object's few points estimate it poorly."""
    spreads = [s for t in tracks if (s := surface_spread(t.points)) is not None]
    return float(np.median(spreads)) if spreads else 0.0


def walls(frames: Sequence[Frame], depth: DepthFn) -> RoomLayout | None:
    """The rectangle of the room's walls from the frames' depth alone (before any object is known), which completion
    stays in."""
    return walls_rectangle([f.position for f in frames], depth_samples(frames, lambda k: depth(frames[k].index)))


def complete_track(k: int, tracks: list[Track], raw: list[OrientedBox], frames: list[Frame], depth: DepthFn,
                   settings: GroundingSettings, typical: dict[str, Sides], votes: int = 1,
                   others: list[OrientedBox] | None = None, room: RoomLayout | None = None) -> OrientedBox:
    """Track k's fitted box completed amodally (`complete_box`) against the others' fitted boxes (or `others`: their
    completed boxes, for a box lowered through hidden space, which may rest on a neighbour's hidden part instead)
    inside the `room`; `votes` frames must reach a point for it to count as observed."""
    track = tracks[k]
    by_index = {f.index: f for f in frames}
    pixels = track.pixels
    seen = [by_index[f] for f in sorted(pixels, key=pixels.get, reverse=True)]
    others = raw if others is None else others
    return complete_box(raw[k], others[:k] + others[k + 1 :], frames, depth, settings.floor_z, settings.min_thickness,
                        typical.get(track.label), seen, track.outline(), track.masks(), votes, room)


def lowered(fitted: OrientedBox, box: OrientedBox, contact: float = 0.05) -> bool:
    """Whether completion moved the box's bottom down by more than `contact` (m) from what was seen: it rests on a
    support it was not seen touching (a backpack on a sofa whose seat only the completed sofa box covers)."""
    return box.c[2] - box.e[2] / 2 < fitted.c[2] - fitted.e[2] / 2 - contact


def coinciding(tracks: list[Track], boxes: list[OrientedBox], share: float) -> tuple[int, int] | None:
    """Two tracks of one label whose completed boxes overlap by at least `share` of the smaller box: one object whose
    views never met (a stove seen from its left, then from its right), to be merged."""
    for i, j in itertools.combinations(range(len(tracks)), 2):
        a, b = boxes[i], boxes[j]
        if tracks[i].label != tracks[j].label or a.apart(b) or tracks[i].masked_with(tracks[j]):
            continue  # masked side by side in one frame: two objects
        if intersection_volume(a, b) >= share * min(a.volume(), b.volume()):
            return i, j
    return None


def piece(tracks: list[Track], raw: list[OrientedBox], boxes: list[OrientedBox], share: float,
          reach: float) -> tuple[int, int] | None:
    """(whole, piece): a track whose seen box holds under `share` of the volume of another's of its label, with most of
    its points within `reach` (m) of that one's completed box and never masked beside it, is a piece of it seen alone
    (a table's leg in the frames that missed its top), to be merged rather than completed into an object of its own."""
    for i, j in itertools.permutations(range(len(tracks)), 2):
        whole, part = tracks[i], tracks[j]
        if whole.label != part.label or raw[j].volume() >= share * raw[i].volume() or whole.masked_with(part):
            continue
        if boxes[i].contains(part.points, margin=reach).mean() >= 0.5:
            return i, j
    return None


def fitted_sides(box: OrientedBox, fitted: OrientedBox) -> list[float]:
    """The fitted (seen, before completion) box's extents along the completed box's axes."""
    swapped = abs(float(box.R[:, 0] @ fitted.R[:, 0])) < abs(float(box.R[:, 0] @ fitted.R[:, 1]))
    e = fitted.e[[1, 0, 2]] if swapped else fitted.e
    return [round(float(x), 4) for x in e]


def _instance(track: Track, box: OrientedBox, fitted: OrientedBox, display: dict[str, str],
              min_visible_pixels: int) -> ObjectInstance:
    pixels = track.pixels
    visible = sorted({f for f, px in pixels.items() if px >= min_visible_pixels} | set(track.shown_in)) or sorted(pixels)
    return ObjectInstance(
        id=0,
        label=display[track.label],
        score=track.score,
        box=box,
        points=track.points.astype(np.float32),
        frames=visible,
        boxes_2d={k: v for k, v in track.boxes_2d.items() if k in visible},
        first_seen=visible[0],
        attributes={"views": len(pixels), "fragments": len(track.fragments), "completed": completed_fraction(fitted, box),
                    "geometry": "amodal box", "fitted_extents": fitted_sides(box, fitted),
                    **({"also_called": {display[name]: views for name, views in track.other_labels.items()}}
                       if track.other_labels else {})},
    )


#: Growth (m) of a side by completion that says nothing about the object's size: a thin panel thickened to its
#: typical depth, a box of noisy points squared off by a few centimetres.
MIN_INFERRED = 0.1


def completed_fraction(fitted: OrientedBox, box: OrientedBox) -> float:
    """The share of the completed box's most inferred side that the cameras did not see (fitted box to completed box),
    sides grown by under `MIN_INFERRED` counting as seen: by volume, a tv thickened from 2 to 6 cm would be 67 %
    inferred though its width and height were seen whole."""
    seen = np.asarray(fitted_sides(box, fitted))
    grown = np.maximum(box.e - seen, 0.0)
    shares = np.where(grown >= MIN_INFERRED, grown / np.maximum(box.e, 1e-9), 0.0)
    return float(min(shares.max(), 1.0))


def synthetic_scene_inputs(folder: Path) -> tuple[list[Frame], DepthFn, GivenMasks, int]:
    """Frames, depth reader, given masks and the visibility threshold of a `reasmory synth` folder."""
    from reasmory.memory.reconstruction.layouts import SynthLayout, read_depth

    if not SynthLayout.detect(folder):
        raise InputError(f"'{folder}' is not a synthetic scene folder (no reasmory cameras.json)", hint="make one with 'reasmory synth'")
    cams = SynthLayout.cameras(folder)
    files = [folder / f.depth for f in cams.frames]
    height, width = (cams.height, cams.width) if cams.width and cams.height else read_depth(files[0], cams.depth_scale).shape
    frames = [
        Frame(index=i, timestamp=f.timestamp or 0.0, width=width, height=height, K=tuple(map(tuple, cams.K)),
              pose=tuple(map(tuple, f.pose)), image=f.image)
        for i, f in enumerate(cams.frames)
    ]
    return frames, lambda i: read_depth(files[i], cams.depth_scale), GivenMasks.from_synthetic_scene(folder), cams.min_visible_pixels


class GivenMaskGrounder:
    """The build pipeline's grounding hook for a scene folder with instance maps (cacheable: it has a fingerprint)."""

    def __init__(self, folder: Path, settings: GroundingSettings | None = None) -> None:
        self.folder = Path(folder)
        _, self._depth, self._masks, min_pixels = synthetic_scene_inputs(self.folder)
        self.settings = settings or GroundingSettings(min_visible_pixels=min_pixels)

    @property
    def fingerprint(self) -> dict:
        """What the result depends on beyond the reconstruction's inputs: settings and the masks' contents."""
        from dataclasses import asdict

        from reasmory.memory.reconstruction.cache import hash_files

        files = sorted((self.folder / "instances").glob("*.png")) + [self.folder / "scene.json"]
        return {"kind": "given-masks", "settings": asdict(self.settings), "masks": hash_files(files)}

    def __call__(self, memory) -> list[ObjectInstance]:
        return ground(memory.frames, self._depth, self._masks, self.settings)


#: What a folder holds when its objects come from its own instance masks (a `reasmory synth` scene folder).
SCENE_PARTS = ("scene.json", "cameras.json", "depth", "instances")


def given_mask_grounder(source: object) -> GivenMaskGrounder | None:
    """The grounding hook of a folder that brings its own instance masks, else None (its objects need a detector)."""
    if isinstance(source, (str, Path)) and all((Path(source) / part).exists() for part in SCENE_PARTS):
        return GivenMaskGrounder(Path(source))
    return None
