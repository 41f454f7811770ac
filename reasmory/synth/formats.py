"""What a synthetic scene folder holds on disk: `cameras.json` and `scene.json` (see docs/synthetic-scenes.md).

`scene.json` is the project's JSON scene description (`reasmory-scene`), so
`reasmory.memory.oracle.from_scene` builds the ground-truth memory from it
directly. `cameras.json` adds what the scene description does not say: the
video, the image files of every frame and how depth and instance PNGs encode
their values.
"""

from __future__ import annotations

import json
import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from reasmory.memory.scene_format import SceneCamera, SceneDescription, SceneObject, SceneRoom
from reasmory.synth.model import SynthScene
from reasmory.synth.trajectory import Trajectory

#: Depth PNGs hold uint16 millimetres: metres = value / DEPTH_SCALE; 0 = no depth.
DEPTH_SCALE = 1000.0
#: Instance PNGs hold uint16 object id + INSTANCE_OFFSET; 0 = no object (walls, floor, ceiling).
INSTANCE_OFFSET = 1


def dump_json(model: BaseModel) -> str:
    """JSON a person can scan: one top-level field per line, one list item (object, frame, camera) per line."""
    data = model.model_dump(mode="json", exclude_none=True)
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join("  " + json.dumps(v) for v in value)
            lines.append(f"{json.dumps(key)}: [\n{items}\n ]")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def frame_name(index: int) -> str:
    return f"{index:05d}"


def default_min_pixels(width: int, height: int) -> int:
    """Visible-pixel threshold: 50 pixels at 640×480, scaled with the image area, at least 8."""
    return max(8, round(50 * width * height / (640 * 480)))


class CameraFrameEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0)
    timestamp: float = Field(description="seconds from the start of the video")
    pose: list[list[float]] = Field(description="camera-to-world 4×4, OpenCV axes (x right, y down, z forward)")
    image: str
    depth: str
    instances: str


class CamerasFile(BaseModel):
    """`cameras.json`: one camera model, every frame's pose and files."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["reasmory-cameras"] = "reasmory-cameras"
    version: Literal[1] = 1
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    fps: float = Field(gt=0)
    fov_deg: float = Field(description="horizontal field of view")
    K: list[list[float]] = Field(description="3×3 pinhole intrinsics, pixel centres at integer coordinates")
    video: str = "video.mp4"
    depth_scale: float = Field(default=DEPTH_SCALE, description="depth PNG value per metre (uint16, 0 = none)")
    instance_offset: int = Field(default=INSTANCE_OFFSET, description="instance PNG value = object id + offset")
    min_visible_pixels: int = Field(description="an object counts as visible in a frame from this many pixels")
    frames: list[CameraFrameEntry]


def cameras_file(traj: Trajectory, fov_deg: float, fps: float, min_pixels: int) -> CamerasFile:
    frames = [
        CameraFrameEntry(
            index=i,
            timestamp=float(traj.timestamps[i]),
            pose=traj.poses[i].tolist(),
            image=f"frames/{frame_name(i)}.jpg",
            depth=f"depth/{frame_name(i)}.png",
            instances=f"instances/{frame_name(i)}.png",
        )
        for i in range(len(traj.poses))
    ]
    return CamerasFile(width=traj.width, height=traj.height, fps=fps, fov_deg=fov_deg, K=traj.K.tolist(),
                       min_visible_pixels=min_pixels, frames=frames)


def scene_description(scene: SynthScene, cams: CamerasFile, visible: dict[int, list[int]]) -> SceneDescription:
    """The ground truth as a scene description: gravity-aligned boxes with ids, the room, the cameras."""
    objects = [
        SceneObject(
            label=o.label,
            id=o.id,
            center=tuple(float(v) for v in o.center),
            extents=tuple(float(v) for v in o.extents),
            yaw_deg=math.degrees(o.yaw),
            frames=visible.get(o.id, []),
            attributes={"support": o.support, "colour": list(o.category.colour), "shape": o.category.shape},
        )
        for o in scene.objects
    ]
    room = SceneRoom(polygon=[tuple(map(float, p)) for p in scene.room.polygon], floor_z=0.0,
                     height=scene.room.height, area=round(scene.room.area, 4))
    cameras = [
        SceneCamera(pose=tuple(tuple(r) for r in f.pose), width=cams.width, height=cams.height, fov_deg=cams.fov_deg,
                    K=tuple(tuple(r) for r in cams.K), timestamp=f.timestamp, image=f.image)
        for f in cams.frames
    ]
    return SceneDescription(name=scene.name, room=room, objects=objects, cameras=cameras)


def visible_frames(pixel_counts: np.ndarray, min_pixels: int) -> dict[int, list[int]]:
    """Per object id, the frames where it covers at least `min_pixels` pixels; counts are (frames, ids)."""
    return {i: np.flatnonzero(pixel_counts[:, i] >= min_pixels).tolist() for i in range(pixel_counts.shape[1])}
