"""A plain JSON scene description: labelled oriented boxes, a room, optional cameras.

Small scenes for tests and users, written by hand, and the ground-truth file
(`scene.json`) that synthetic scenes ship with. Example::

    {
      "format": "reasmory-scene", "version": 1, "name": "small office",
      "room": {"polygon": [[0, 0], [5, 0], [5, 4], [0, 4]]},
      "objects": [
        {"label": "desk", "center": [1, 1, 0.375], "extents": [1.4, 0.7, 0.75], "yaw_deg": 0},
        {"label": "chair", "center": [1, 1.7, 0.45], "extents": [0.5, 0.5, 0.9]}
      ],
      "cameras": [{"position": [4, 3, 1.6], "look_at": [1, 1, 0.5], "fov_deg": 60}]
    }

World: z up, metres. `yaw_deg` turns a box counter-clockwise seen from above;
`rotation` (3×3, columns = box axes) may be given instead for tilted boxes.
Cameras give either `pose` (camera-to-world 4×4, OpenCV axes) or
`position` + `look_at`.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from reasmory.defaults import new_list
from reasmory.memory.validation import MAX_COORDINATE_M, MAX_EXTENT_M, MAX_FRAME_SIDE, MAX_LABEL_CHARS

#: The most objects and cameras one description may hold.
MAX_SCENE_OBJECTS = 10_000
MAX_SCENE_CAMERAS = 10_000

Finite = Annotated[float, Field(allow_inf_nan=False)]
Coordinate = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_COORDINATE_M, le=MAX_COORDINATE_M)]
Extent = Annotated[float, Field(allow_inf_nan=False, ge=0, le=MAX_EXTENT_M)]
Vec3 = tuple[Coordinate, Coordinate, Coordinate]
Matrix3 = tuple[tuple[Finite, Finite, Finite], tuple[Finite, Finite, Finite], tuple[Finite, Finite, Finite]]
Side = Annotated[int, Field(gt=0, le=MAX_FRAME_SIDE)]


def _orthonormal(rows: np.ndarray) -> bool:
    return bool(np.allclose(rows.T @ rows, np.eye(3), atol=1e-4))


class SceneObject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=MAX_LABEL_CHARS)
    center: Vec3
    extents: tuple[Extent, Extent, Extent]
    yaw_deg: Finite | None = None
    rotation: Matrix3 | None = None
    id: int | None = Field(default=None, ge=0)
    frames: list[int] | None = Field(default=None, description="frames where visible; computed from cameras if omitted")
    attributes: dict[str, object] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_orientation(self) -> SceneObject:
        if self.yaw_deg is not None and self.rotation is not None:
            raise ValueError("give either yaw_deg or rotation, not both")
        if self.rotation is not None and not _orthonormal(np.asarray(self.rotation)):
            raise ValueError("'rotation' must be orthonormal (its columns are the box axes)")
        return self


class SceneCamera(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pose: tuple[tuple[Finite, Finite, Finite, Finite], ...] | None = None
    position: Vec3 | None = None
    look_at: Vec3 | None = None
    width: Side = 640
    height: Side = 480
    fov_deg: float = Field(default=60.0, gt=1, lt=179, description="horizontal field of view")
    K: Matrix3 | None = None
    timestamp: Finite | None = None
    image: str | None = None

    @model_validator(mode="after")
    def _pose_given(self) -> SceneCamera:
        if self.pose is None and (self.position is None or self.look_at is None):
            raise ValueError("a camera needs either 'pose' or both 'position' and 'look_at'")
        if self.pose is not None:
            pose = np.asarray(self.pose)
            if pose.shape != (4, 4) or not _orthonormal(pose[:3, :3]) or not np.allclose(pose[3], [0, 0, 0, 1]):
                raise ValueError("'pose' must be a 4×4 camera-to-world matrix: an orthonormal rotation, then the row 0, 0, 0, 1")
            if np.abs(pose[:3, 3]).max() > MAX_COORDINATE_M:
                raise ValueError(f"'pose' puts the camera over {MAX_COORDINATE_M:,.0f} m from the origin")
        elif np.linalg.norm(np.subtract(self.look_at, self.position)) < 1e-6:
            raise ValueError("'look_at' must differ from 'position'")
        if self.K is not None and not (self.K[0][0] > 0 and self.K[1][1] > 0):
            raise ValueError("'K' must have positive focal lengths")
        return self


class SceneRoom(BaseModel):
    model_config = ConfigDict(extra="forbid")

    polygon: list[tuple[Coordinate, Coordinate]] | None = Field(default=None, max_length=100_000)
    floor_z: Coordinate = 0.0
    height: Extent | None = None
    area: Finite | None = Field(default=None, ge=0)


class SceneDescription(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["reasmory-scene"] = "reasmory-scene"
    version: Literal[1] = 1
    name: str = Field("scene", max_length=MAX_LABEL_CHARS)
    room: SceneRoom = Field(default_factory=SceneRoom)
    objects: list[SceneObject] = Field(default_factory=new_list, max_length=MAX_SCENE_OBJECTS)
    cameras: list[SceneCamera] = Field(default_factory=new_list, max_length=MAX_SCENE_CAMERAS)
    synonyms: dict[str, str] = Field(default_factory=dict, max_length=10_000)

    @model_validator(mode="after")
    def _frames_are_cameras(self) -> SceneDescription:
        for i, obj in enumerate(self.objects):
            wrong = [f for f in obj.frames or [] if not 0 <= f < len(self.cameras)]
            if wrong:
                raise ValueError(f"objects.{i}.frames: frame {wrong[0]} is not one of the scene's {len(self.cameras)} cameras")
        return self
