"""Ground-truth ("oracle") memories: objects straight from annotated boxes.

Two sources: VSI-Bench `meta_info` files (the 3D boxes of all 288 benchmark
scenes) and the plain JSON scene description (`scene_format`). Object points
are sampled on the box surfaces so closest-point distances work, and objects
are marked `geometry="box"`: their boxes are solid, so touching or nested
boxes are at distance 0. These memories are the upper bound every benchmark
reports beside the reconstructed ones.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from reasmory.errors import InputError, first_problem
from reasmory.files import read_limited
from reasmory.memory.boxes import OrientedBox
from reasmory.memory.cameras import intrinsics_from_fov, look_at_pose, visible_frames
from reasmory.memory.geometry import polygon_area
from reasmory.memory.model import Frame, ObjectInstance, Provenance, SceneFacts
from reasmory.memory.scene_format import SceneDescription
from reasmory.memory.spatial_memory import SpatialMemory
from reasmory.memory.store import max_points_default
from reasmory.memory.validation import contents_problem

#: Spacing of the surface samples on ground-truth boxes, metres.
SURFACE_SPACING = 0.03
#: The largest scene description or meta_info file read.
MAX_DESCRIPTION_BYTES = 256 * 1024 * 1024
#: The most point-in-frame tests finding which cameras see which objects may take (give `frames` per object beyond).
MAX_VISIBILITY_TESTS = 500_000_000


def _box_object(obj_id: int, label: str, box: OrientedBox, **fields: Any) -> ObjectInstance:
    return ObjectInstance(
        id=obj_id,
        label=label,
        box=box,
        points=box.sample_surface(SURFACE_SPACING),
        attributes={"geometry": "box", **fields.pop("attributes", {})},
        **fields,
    )


@functools.lru_cache(maxsize=4)
def _read_meta(path: str, mtime: float) -> dict[str, Any]:
    return json.loads(read_limited(Path(path), MAX_DESCRIPTION_BYTES, "VSI-Bench meta_info"))


def load_vsibench_meta(meta_info_path: str | Path) -> dict[str, Any]:
    """The parsed `meta_info` JSON (cached per file), keyed by scene name."""
    path = Path(meta_info_path)
    if not path.is_file():
        raise InputError(f"no VSI-Bench meta_info file at '{path}'", hint="pass one of the *_meta_info_val.json files")
    try:
        meta = _read_meta(str(path.resolve()), path.stat().st_mtime)
    except (OSError, UnicodeDecodeError, RecursionError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read VSI-Bench meta_info '{path}': {str(exc).splitlines()[0]}") from None
    if not isinstance(meta, dict):
        raise InputError(f"'{path}' is not a VSI-Bench meta_info file (expected an object keyed by scene name)")
    return meta


def _vsibench_box(raw: dict[str, Any]) -> OrientedBox:
    rows = np.asarray(raw["normalizedAxes"], dtype=np.float64).reshape(3, 3)
    return OrientedBox(
        center=tuple(map(float, raw["centroid"])),
        extents=tuple(map(float, raw["axesLengths"])),
        rotation=tuple(map(tuple, rows.T.tolist())),
    )


def from_vsibench(meta_info_path: str | Path, scene_name: str) -> SpatialMemory:
    """An oracle memory of one VSI-Bench scene, one object per annotated box."""
    meta = load_vsibench_meta(meta_info_path)
    if scene_name not in meta:
        import difflib

        close = difflib.get_close_matches(scene_name, list(meta), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else f"the file holds {len(meta)} scenes"
        raise InputError(f"no scene '{scene_name}' in '{meta_info_path}'", hint=hint)
    return from_vsibench_scene(meta[scene_name], scene_name, source=str(meta_info_path))


def from_vsibench_scene(scene: dict[str, Any], scene_name: str, source: str = "") -> SpatialMemory:
    """Build from one scene entry of a `meta_info` file (already parsed)."""
    objects: list[ObjectInstance] = []
    notes: list[str] = []
    if not isinstance(scene, dict):
        raise InputError(f"VSI-Bench scene '{scene_name}' is not a JSON object")
    try:
        for label, boxes in scene.get("object_bbox", {}).items():
            for raw in boxes:
                objects.append(_box_object(len(objects), label, _vsibench_box(raw)))
        room_size = float(scene["room_size"])
    except (KeyError, TypeError, ValueError, AttributeError, ValidationError) as exc:
        raise InputError(f"VSI-Bench scene '{scene_name}' has a malformed entry: {exc}".splitlines()[0]) from None
    boxes_per_label = Counter(o.label for o in objects)
    counts = scene.get("object_counts")
    for label, count in (counts if isinstance(counts, dict) else {}).items():
        if boxes_per_label.get(label, 0) != count:
            notes.append(
                f"object_counts says {label}: {count}, but {boxes_per_label.get(label, 0)} boxes are given; kept the boxes"
            )
    floor_z = min((float(o.box.aabb()[0][2]) for o in objects), default=0.0)
    memory = SpatialMemory(
        objects=objects,
        scene=SceneFacts(floor_z=floor_z, floor_area=room_size, floor_area_source="VSI-Bench meta_info room_size"),
        provenance=Provenance(
            source=f"vsibench:{scene.get('dataset', 'unknown')}/{scene_name}",
            backend="oracle",
            settings={
                "meta_info": source,
                "room_center": scene.get("room_center"),
                "surface_spacing": SURFACE_SPACING,
            },
            notes=notes,
        ),
    )
    problem = contents_problem(memory)
    if problem:
        raise InputError(f"VSI-Bench scene '{scene_name}' cannot be used: {problem}")
    return memory


def load_scene_description(path: str | Path) -> SceneDescription:
    """Read and validate a JSON scene description, with errors that name the file and field."""
    path = Path(path)
    data = read_limited(path, MAX_DESCRIPTION_BYTES, "scene description", hint="pass a scene.json file")
    try:
        return SceneDescription.model_validate_json(data)
    except ValidationError as exc:
        where, what = first_problem(exc)
        raise InputError(f"invalid scene description '{path}': {where}: {what}") from None


def from_scene(scene: SceneDescription | str | Path) -> SpatialMemory:
    """An oracle memory from a JSON scene description (a path or a parsed description)."""
    desc = scene if isinstance(scene, SceneDescription) else load_scene_description(scene)
    frames = []
    for i, cam in enumerate(desc.cameras):
        pose = np.asarray(cam.pose, np.float64) if cam.pose is not None else look_at_pose(cam.position, cam.look_at)
        K = np.asarray(cam.K, np.float64) if cam.K is not None else intrinsics_from_fov(cam.width, cam.height, cam.fov_deg)
        frames.append(
            Frame(
                index=i,
                timestamp=cam.timestamp if cam.timestamp is not None else float(i),
                width=cam.width,
                height=cam.height,
                K=tuple(map(tuple, K.tolist())),
                pose=tuple(map(tuple, pose.tolist())),
                image=cam.image,
            )
        )
    objects = []
    budget = _Budget(desc.name, max_points_default())
    for i, so in enumerate(desc.objects):
        if so.rotation is not None:
            box = OrientedBox(center=so.center, extents=so.extents, rotation=so.rotation)
        else:
            box = OrientedBox.from_yaw(so.center, so.extents, math.radians(so.yaw_deg or 0.0))
        obj = _box_object(so.id if so.id is not None else i, so.label, box, attributes=dict(so.attributes))
        budget.spend(len(obj.points), 0 if so.frames is not None else len(obj.points) * len(frames))
        seen = so.frames if so.frames is not None else visible_frames(obj.points, frames)
        obj.frames = sorted(seen)
        obj.first_seen = obj.frames[0] if obj.frames else None
        objects.append(obj)
    ids = [o.id for o in objects]
    if len(set(ids)) != len(ids):
        raise InputError(f"scene description '{desc.name}' gives the same object id twice", hint="object ids must be unique")
    room = desc.room
    area = room.area if room.area is not None else (polygon_area(room.polygon) if room.polygon else None)
    memory = SpatialMemory(
        frames=frames,
        objects=objects,
        scene=SceneFacts(
            floor_z=room.floor_z,
            floor_polygon=room.polygon,
            floor_area=area,
            floor_area_source="scene description" if area is not None else None,
        ),
        provenance=Provenance(source=f"scene:{desc.name}", backend="oracle"),
        synonyms=desc.synonyms,
    )
    problem = contents_problem(memory)
    if problem:
        raise InputError(f"invalid scene description '{desc.name}': {problem}")
    return memory


class _Budget:
    """What building a scene may spend: surface points (REASMORY_MAX_POINTS) and camera visibility tests."""

    def __init__(self, name: str, max_points: int) -> None:
        self.name, self.max_points = name, max_points
        self.points = self.tests = 0

    def spend(self, points: int, tests: int) -> None:
        self.points += points
        self.tests += tests
        if self.points > self.max_points:
            raise InputError(f"scene description '{self.name}': its boxes take more than {self.max_points:,} surface points",
                             hint="use fewer or smaller boxes, or raise REASMORY_MAX_POINTS")
        if self.tests > MAX_VISIBILITY_TESTS:
            raise InputError(f"scene description '{self.name}': finding which cameras see its objects takes over "
                             f"{MAX_VISIBILITY_TESTS:,} point tests", hint="give each object its 'frames', or fewer cameras")
