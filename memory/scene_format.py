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

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Vec3 = tuple[float, float, float]


class SceneObject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1)
    center: Vec3
    extents: Vec3
    yaw_deg: float | None = None
    rotation: tuple[Vec3, Vec3, Vec3] | None = None
    id: int | None = Field(default=None, ge=0)
    frames: list[int] | None = Field(default=None, description="frames where visible; computed from cameras if omitted")
    attributes: dict[str, object] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_orientation(self) -> SceneObject:
        if self.yaw_deg is not None and self.rotation is not None:
            raise ValueError("give either yaw_deg or rotation, not both")
        return self


class SceneCamera(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pose: tuple[tuple[float, float, float, float], ...] | None = None
    position: Vec3 | None = None
    look_at: Vec3 | None = None
    width: int = Field(default=640, gt=0)
    height: int = Field(default=480, gt=0)
    fov_deg: float = Field(default=60.0, gt=1, lt=179, description="horizontal field of view")
    K: tuple[Vec3, Vec3, Vec3] | None = None
    timestamp: float | None = None
    image: str | None = None

    @model_validator(mode="after")
    def _pose_given(self) -> SceneCamera:
        if self.pose is None and (self.position is None or self.look_at is None):
            raise ValueError("a camera needs either 'pose' or both 'position' and 'look_at'")
        if self.pose is not None and len(self.pose) != 4:
            raise ValueError("'pose' must be a 4×4 matrix")
        return self


class SceneRoom(BaseModel):
    model_config = ConfigDict(extra="forbid")

    polygon: list[tuple[float, float]] | None = None
    floor_z: float = 0.0
    height: float | None = None
    area: float | None = Field(default=None, ge=0)


class SceneDescription(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["reasmory-scene"] = "reasmory-scene"
    version: Literal[1] = 1
    name: str = "scene"
    room: SceneRoom = Field(default_factory=SceneRoom)
    objects: list[SceneObject] = Field(default_factory=list)
    cameras: list[SceneCamera] = Field(default_factory=list)
    synonyms: dict[str, str] = Field(default_factory=dict)
