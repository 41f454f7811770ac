"""Grounding: 2D instances in every frame → one ObjectInstance per physical object.

Masks are lifted with the frame's depth and pose, fragments are associated
across frames in 3D, and each object gets gravity-aligned box, its points,
the frames where it is visible (mask of at least `min_visible_pixels`) and
its 2D boxes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from reasmory.errors import InputError
from reasmory.memory.grounding.associate import AssociationSettings, Fragment, associate, thin
from reasmory.memory.grounding.complete import complete_box
from reasmory.memory.grounding.fit import fit_box
from reasmory.memory.grounding.lift import depth_edges, lift_mask
from reasmory.memory.grounding.sources import GivenMasks, InstanceSource
from reasmory.memory.labels import LabelNormalizer
from reasmory.memory.model import Frame, ObjectInstance

DepthFn = Callable[[int], np.ndarray]
ImageFn = Callable[[int], np.ndarray]


@dataclass(frozen=True)
class GroundingSettings:
    erode: int = 1
    depth_relative: float = 0.04
    depth_absolute: float = 0.03
    min_fragment_points: int = 10
    min_visible_pixels: int = 50
    floor_z: float | None = 0.0
    min_thickness: float = 0.05
    association: AssociationSettings = field(default_factory=AssociationSettings)


def fragments_of_frame(frame: Frame, depth: np.ndarray, instances: list, normalizer: LabelNormalizer,
                       settings: GroundingSettings) -> list[Fragment]:
    """The frame's masks lifted to 3D (one fragment per mask with enough trustworthy depth)."""
    if depth.shape != (frame.height, frame.width):
        raise InputError(f"depth of frame {frame.index} is {depth.shape[1]}×{depth.shape[0]}, the frame is {frame.width}×{frame.height}")
    edges = depth_edges(depth, settings.depth_relative, settings.depth_absolute)
    found = []
    for inst in instances:
        points = lift_mask(inst.mask, depth, frame.K_array, frame.pose_array, edges, settings.erode,
                           settings.depth_relative, settings.depth_absolute)
        if len(points) < settings.min_fragment_points:
            continue
        points = thin(points, settings.association.point_spacing)
        found.append(Fragment(normalizer.canonical(inst.label), points, frame.index, int(inst.mask.sum()), inst.box, inst.score))
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
    tracks = associate(fragments, settings.association)
    by_index = {f.index: f for f in frames}
    raw = [fit_box(t.points) for t in tracks]
    objects = []
    for i, track in enumerate(tracks):
        pixels = track.pixels
        seen = [by_index[k] for k in sorted(pixels, key=pixels.get, reverse=True)[:8]]
        others = raw[:i] + raw[i + 1 :]
        box = complete_box(raw[i], others, seen, depth, settings.floor_z, settings.min_thickness)
        visible = sorted(f for f, px in pixels.items() if px >= settings.min_visible_pixels) or sorted(pixels)
        objects.append(ObjectInstance(
            id=0,
            label=display[track.label],
            score=track.score,
            box=box,
            points=track.points.astype(np.float32),
            frames=visible,
            boxes_2d={k: v for k, v in track.boxes_2d.items() if k in visible},
            first_seen=visible[0],
            attributes={"views": len(pixels), "fragments": len(track.fragments)},
        ))
    objects.sort(key=lambda o: (o.first_seen, o.box.center))
    return [o.model_copy(update={"id": i}) for i, o in enumerate(objects)]


def read_depth_png(path: Path, scale: float) -> np.ndarray:
    try:
        with Image.open(path) as img:
            return np.asarray(img).astype(np.float32) / scale
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read depth map '{path}': {exc}") from None


def synthetic_scene_inputs(folder: Path) -> tuple[list[Frame], DepthFn, GivenMasks, int]:
    """Frames, depth reader, given masks and the visibility threshold of a `reasmory synth` folder."""
    try:
        cams = json.loads((folder / "cameras.json").read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"'{folder}' is not a synthetic scene folder: {exc}", hint="make one with 'reasmory synth'") from None
    frames = [
        Frame(index=f["index"], timestamp=f.get("timestamp", 0.0), width=cams["width"], height=cams["height"],
              K=tuple(map(tuple, cams["K"])), pose=tuple(map(tuple, f["pose"])), image=f.get("image"))
        for f in cams["frames"]
    ]
    files = {f["index"]: folder / f["depth"] for f in cams["frames"]}
    scale = float(cams.get("depth_scale", 1000.0))
    return frames, lambda i: read_depth_png(files[i], scale), GivenMasks.from_synthetic_scene(folder), int(cams.get("min_visible_pixels", 50))


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

        from reasmory.memory.build.cache import hash_files

        files = sorted((self.folder / "instances").glob("*.png")) + [self.folder / "scene.json"]
        return {"kind": "given-masks", "settings": asdict(self.settings), "masks": hash_files(files)}

    def __call__(self, memory) -> list[ObjectInstance]:
        return ground(memory.frames, self._depth, self._masks, self.settings)
