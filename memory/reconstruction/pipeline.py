"""`build_memory`: frames → reconstruction backend → clean-up → gravity → metric scale → SpatialMemory.

Memories are cached by (content hash of the input files, build plan); see
cache.py. `instances` is the hook for object instances: a function given the
built memory (gravity-aligned, provisionally scaled, depth kept) that returns
its objects; for up-to-scale backends their sizes then refine the scale. A
hook with a `fingerprint` attribute (what its objects depend on) joins the
cache key; builds with a hook that has none are not cached.
"""

from __future__ import annotations

import importlib.metadata
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reasmory.errors import InputError
from reasmory.memory.reconstruction import frames as frame_sources
from reasmory.memory.reconstruction.backends import BACKENDS, backend_class
from reasmory.memory.reconstruction.backends.base import FEW_PHOTOS
from reasmory.memory.reconstruction.backends.vggt import INSTALL as VGGT_INSTALL
from reasmory.memory.reconstruction.cache import MemoryCache, cache_key, hash_files
from reasmory.memory.reconstruction.gravity import Gravity, estimate_gravity
from reasmory.memory.reconstruction.layouts import detect_layout, load_rgbd
from reasmory.memory.reconstruction.postprocess import clean
from reasmory.memory.reconstruction.scale import ScaleConfig, ScaleEstimate, estimate_scale, from_objects
from reasmory.memory.reconstruction.settings import BuildPlan, BuildSettings, plan_build
from reasmory.memory.reconstruction.world import move_frames, move_objects, move_points, similarity
from reasmory.memory.model import MemoryArrays, ObjectInstance, Provenance, ScaleInfo, SceneFacts
from reasmory.memory.room import memory_room, room_facts
from reasmory.memory.spatial_memory import SpatialMemory

Ground = Callable[[SpatialMemory], Sequence[ObjectInstance]]


@dataclass(frozen=True)
class BuildOutcome:
    memory: SpatialMemory
    backend: str
    cache_hit: bool
    cache_path: Path | None
    seconds: float


def _layout_root(source: frame_sources.Source) -> Path | None:
    if isinstance(source, (str, Path)) and Path(source).is_dir() and detect_layout(Path(source)) is not None:
        return Path(source)
    return None


def open_input(source: frame_sources.Source, plan: BuildPlan, progress: bool = True) -> frame_sources.FrameSet:
    """Sampled frames of an RGB-D folder layout, a video, an image folder or an image list."""
    root = _layout_root(source)
    if root is not None:
        return load_rgbd(root, detect_layout(root), plan.sampling(), progress)
    return frame_sources.load_frames(source, plan.sampling(), progress)


def input_files(source: frame_sources.Source) -> list[Path]:
    root = _layout_root(source)
    return detect_layout(root).files(root) if root is not None else frame_sources.input_files(source)


def resolve_backend(name: str, source: frame_sources.Source) -> str:
    """`auto`: rgbd for RGB-D folders, vggt for a few photos or where it is installed and a GPU is present, else sfm.

    A few photos (FEW_PHOTOS or fewer) go only to a backend that gives every one a camera (vggt); asking
    another for them is refused, naming vggt.
    """
    if _layout_root(source) is not None:
        return "rgbd" if name == "auto" else name
    photos = frame_sources.photo_count(source)
    few = photos is not None and 1 <= photos <= FEW_PHOTOS
    if few and (name == "auto" or not backend_class(name).few_views):
        return _few_photos_backend(name, source, photos or 0)
    if name != "auto":
        return name
    if BACKENDS["vggt"].available() is None:
        import torch

        if torch.cuda.is_available():
            return "vggt"
    reason = BACKENDS["sfm"].available()
    if reason is None:
        return "sfm"
    raise InputError("no reconstruction backend can run on this input here", hint=f"sfm: {reason}; or install vggt")


def _few_photos_backend(name: str, source: frame_sources.Source, photos: int) -> str:
    """vggt for a handful of photos, or one line saying why it cannot be had (after the photos' own problems, if any)."""
    refusable = name not in ("auto", "vggt") or BACKENDS["vggt"].available() is not None
    if refusable:  # a few photos decode in moments: a broken or mismatched one is the first thing to fix
        frame_sources.load_frames(source, progress=False)
    if name not in ("auto", "vggt"):
        raise InputError(f"the {name} backend cannot give each of {photos} photos a camera (it needs many overlapping views)",
                         hint="use --backend vggt (REASMORY_BACKEND=vggt) for a few photos, or give a video or more photos")
    try:
        BACKENDS["vggt"].require()
    except InputError as exc:
        raise InputError(f"{photos} photos need the vggt backend, which gives each a camera: {exc.message}",
                         hint=f"install it with: {VGGT_INSTALL} (docs/backends.md), or give a video or more photos for sfm") from None
    return "vggt"


def _versions(backend: str, kind: str) -> dict[str, str]:
    wanted = ["reasmory", "numpy", "open3d", "pillow"] + {"sfm": ["pycolmap"], "vggt": ["torch", "vggt"]}.get(backend, [])
    wanted += ["av"] if kind == "video" else []
    versions = {}
    for dist in wanted:
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return versions


@dataclass(frozen=True)
class Alignment:
    """How a reconstruction enters the memory's world: the similarity (gravity, floor at z = 0, provisional metric
    scale), the scale it used, and notes saying how each was found."""

    similarity: np.ndarray
    scale: ScaleInfo
    notes: list[str]


def _gravity(xyz: np.ndarray, poses: Sequence[np.ndarray], given_aligned: bool, settings: BuildSettings) -> tuple[np.ndarray, str]:
    """The rigid transform into the z-up world with the floor at z = 0, and a note on how."""
    mode = settings.gravity.mode
    if mode == "off":
        return np.eye(4), "gravity: off (the reconstruction's own frame; z may not be up)"
    if mode == "auto" and given_aligned:
        return np.eye(4), "gravity: the input's poses are already gravity-aligned (z up, floor at z = 0)"
    found: Gravity = estimate_gravity(xyz, poses, settings.gravity)
    return found.transform, f"gravity: {found.method}; floor normal {found.camera_up_angle:.1f}° from the cameras' mean up"


def align(xyz: np.ndarray, poses: Sequence[np.ndarray], up_to_scale: bool, given_aligned: bool, settings: BuildSettings,
          source_name: str) -> Alignment:
    """Gravity from the floor and cameras, then, for up-to-scale input, the camera-height prior as a provisional scale
    (heights mean nothing without gravity); `source_name` names metric input in the scale's method."""
    rigid, gravity_note = _gravity(xyz, poses, given_aligned, settings)
    estimate: ScaleEstimate | None = None
    if up_to_scale and settings.scale.enabled and settings.gravity.mode != "off":
        estimate = estimate_scale(np.array([(rigid @ pose)[2, 3] for pose in poses]), (), settings.scale)
    if not up_to_scale:
        info = ScaleInfo(factor=1.0, method=f"metric input ({source_name})")
    else:
        info = estimate.info() if estimate is not None else ScaleInfo(factor=1.0, method="none: up to an unknown scale")
    return Alignment(similarity(rigid, info.factor), info, [gravity_note, f"scale: {info.method}"])


def reconstruct(source: frame_sources.Source, plan: BuildPlan, input_hash: str | None = None,
                instances: Ground | None = None, progress: bool = True) -> SpatialMemory:
    """Build a memory without the cache (see the module docstring)."""
    frames = open_input(source, plan, progress)
    rec = plan.backend.setup().reconstruct(frames, progress)
    points = clean(rec.points, plan.settings.postprocess)
    if len(points) < 3:
        raise InputError(f"the {plan.backend.name} reconstruction kept only {len(points)} points", hint="give more frames with more overlap")
    aligned = align(points.xyz, [f.pose_array for f in rec.frames], rec.up_to_scale, frames.gravity_aligned, plan.settings,
                    plan.backend.name)
    sim, factor = aligned.similarity, aligned.scale.factor
    keep = plan.settings.keep_depth
    notes = [*rec.notes, f"frames: {rec.registered} registered of {len(frames)} sampled from {frames.available}",
             f"points: {len(rec.points)} reconstructed, {len(points)} after clean-up", *aligned.notes]
    memory = SpatialMemory(
        frames=move_frames(rec.frames, sim),
        points=move_points(points, sim),
        scene=SceneFacts(floor_z=0.0, scale=aligned.scale),
        provenance=Provenance(input_hash=input_hash, source=frames.source, backend=plan.backend.name,
                              settings=plan.fingerprint(), versions=_versions(plan.backend.name, frames.kind),
                              frames_sampled=len(frames), notes=notes),
        arrays=MemoryArrays(
            depth=rec.depth * factor if keep and rec.depth is not None else None,
            confidence=rec.confidence if keep else None,
            extra={"world_from_reconstruction": sim},
        ),
    )
    if instances is None:
        return with_room(memory, plan)
    objects = list(instances(memory))
    memory.provenance = memory.provenance.model_copy(update={
        "settings": {**memory.provenance.settings, "grounding": getattr(instances, "fingerprint", None) or "a hook without fingerprint"},
        "notes": [*memory.provenance.notes, f"objects: {len(objects)} from the instances hook"],
    })
    return with_room(with_objects(memory, objects, rec.up_to_scale and plan.settings.scale.enabled, plan.settings.scale), plan)


def with_room(memory: SpatialMemory, plan: BuildPlan) -> SpatialMemory:
    """The memory with its room's outline and floor area (`reasmory.memory.room`), when gravity put its floor at z = 0."""
    if plan.settings.gravity.mode == "off":
        return memory
    room = memory_room(memory)
    if room is None:
        return memory
    memory.scene = memory.scene.model_copy(update=room_facts(room))
    memory.provenance = memory.provenance.model_copy(update={"notes": [*memory.provenance.notes, f"room: {room.area:.1f} m² from {room.method}"]})
    return memory


def scaled_room(scene: SceneFacts, ratio: float) -> dict:
    """The scene's floor outline and area, measured at the old scale, at `ratio` times it."""
    room = {}
    if scene.floor_polygon:
        room["floor_polygon"] = [(x * ratio, y * ratio) for x, y in scene.floor_polygon]
    if scene.floor_area is not None:
        room["floor_area"] = scene.floor_area * ratio**2
    return room


def measured_axes(obj: ObjectInstance, grown: float = 0.05) -> tuple[bool, bool, bool]:
    """Which of a grounded object's box axes were measured: its box no more than `grown` (share, plus 2 cm) longer than
    the box fitted to what the cameras saw (`fitted_extents`); objects without that record count as measured."""
    fitted = obj.attributes.get("fitted_extents")
    if not fitted or len(fitted) != 3:
        return (True, True, True)
    return tuple(bool(e - f <= grown * e + 0.02) for e, f in zip(obj.box.extents, fitted, strict=True))


def with_objects(memory: SpatialMemory, objects: Sequence[ObjectInstance], rescale: bool, config: ScaleConfig) -> SpatialMemory:
    """The memory holding `objects`; when `rescale`, their typical sizes refine the metric scale."""
    voters = [(o.label, o.box, measured_axes(o)) for o in objects if o.attributes.get("views", 2) >= 2]  # one view: unchecked
    refined = from_objects(voters, config) if rescale else None
    if refined is None or refined.votes < config.min_objects:
        return memory.with_objects(objects)
    ratio = refined.factor
    sim = similarity(np.eye(4), ratio)
    scale = memory.scene.scale
    scene = memory.scene.model_copy(update={"scale": ScaleInfo(factor=scale.factor * ratio, method=refined.method, spread=refined.spread),
                                            **scaled_room(memory.scene, ratio)})
    arrays = MemoryArrays(
        depth=None if memory.arrays.depth is None else memory.arrays.depth * ratio,
        confidence=memory.arrays.confidence,
        extra={**memory.arrays.extra, "world_from_reconstruction": sim @ memory.arrays.extra["world_from_reconstruction"]},
    )
    prov = memory.provenance.model_copy(update={"notes": [*memory.provenance.notes, f"scale refined ×{ratio:.3f} by {refined.method}"]})
    moved = [o.model_copy(update={"attributes": {**o.attributes, "fitted_extents": [f * ratio for f in o.attributes["fitted_extents"]]}})
             if "fitted_extents" in o.attributes else o for o in move_objects(objects, sim)]
    return SpatialMemory(move_frames(memory.frames, sim), move_points(memory.points, sim), moved, scene, prov, arrays, memory.synonyms)


def run_build(source: frame_sources.Source, backend: str = "auto", *, cache_dir: str | Path | None = None,
              use_cache: bool = True, instances: Ground | None = None, progress: bool = True, **settings: Any) -> BuildOutcome:
    """Build (or fetch from the cache) the memory of `source`; see `build_memory`."""
    start = time.perf_counter()
    name = resolve_backend(backend, source)
    plan = plan_build(name, **settings)
    input_hash = hash_files(input_files(source))
    fingerprint = getattr(instances, "fingerprint", None) if instances is not None else {}
    if not use_cache or fingerprint is None:  # a grounding hook that cannot say what it reads is not cacheable
        memory = reconstruct(source, plan, input_hash, instances, progress)
        return BuildOutcome(memory, name, False, None, time.perf_counter() - start)
    cache = MemoryCache(cache_dir)
    key = cache_key(input_hash, {**plan.fingerprint(), "grounding": fingerprint})
    memory, hit = cache.get_or_build(key, lambda: reconstruct(source, plan, input_hash, instances, progress))
    return BuildOutcome(memory, name, hit, cache.path(key), time.perf_counter() - start)


def build_memory(source: frame_sources.Source, backend: str = "auto", *, cache_dir: str | Path | None = None,
                 use_cache: bool = True, instances: Ground | None = None, progress: bool = True,
                 **settings: Any) -> SpatialMemory:
    """The SpatialMemory of a video, image folder, image list or RGB-D folder.

    `backend`: rgbd, sfm, vggt or auto. `settings`: frames, stride, keep_depth,
    post-processing (voxel_size, min_confidence, drop_lowest, outlier_neighbors,
    outlier_std), gravity (mode), scale (bool or dict), eye_height, and the
    backend's own settings (docs/backends.md). `instances`: the grounding hook
    (objects are empty without it); builds with it are cached when the hook has a
    `fingerprint` (settings plus a hash of what it reads), else rebuilt each time.
    """
    return run_build(source, backend, cache_dir=cache_dir, use_cache=use_cache, instances=instances,
                     progress=progress, **settings).memory
