"""RGB-D folder layouts: colour + depth + intrinsics + camera-to-world poses, one class per layout.

A layout only says where things are (`records`); reading, sampling and checks
are shared (`load_rgbd`). To support a new layout, add a subclass of
`RGBDLayout` and list it in `LAYOUTS`. Layouts are documented in docs/backends.md.

Depth files: PNG uint16 divided by the layout's depth scale (units per metre),
or `.npy` float metres. 0 means no depth.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reasmory.errors import InputError, first_problem
from reasmory.memory.reconstruction.frames import FrameSet, InputFrame, Sampling, check_same_size, list_images, read_image
from reasmory.memory.reconstruction.progress import progress_bar


@dataclass(frozen=True)
class RGBDRecord:
    """Where one frame's data lives. K is (3, 3) pixels; pose (4, 4) camera-to-world, OpenCV axes."""

    color: Path
    depth: Path
    K: np.ndarray
    pose: np.ndarray
    timestamp: float | None = None


class RGBDLayout(ABC):
    """One folder convention for RGB-D sequences with known cameras."""

    name: ClassVar[str]
    #: Files or folders that must exist directly under the root for `detect` to match.
    markers: ClassVar[tuple[str, ...]]
    #: Whether the layout's world is already gravity-aligned: z up, floor at z = 0.
    gravity_aligned: ClassVar[bool] = False

    @classmethod
    def detect(cls, root: Path) -> bool:
        return root.is_dir() and all((root / m).exists() for m in cls.markers)

    @classmethod
    @abstractmethod
    def records(cls, root: Path) -> tuple[list[RGBDRecord], float]:
        """Every frame's record, in order, and the depth scale (PNG units per metre)."""

    @classmethod
    def files(cls, root: Path) -> list[Path]:
        """Every file whose contents define the input (metadata first)."""
        records, _ = cls.records(root)
        meta = [root / m for m in cls.markers if (root / m).is_file()]
        return meta + [p for r in records for p in (r.color, r.depth)]


class _Intrinsics(BaseModel):
    model_config = ConfigDict(extra="ignore")

    fx: float = Field(gt=0)
    fy: float = Field(gt=0)
    cx: float
    cy: float
    depth_scale: float = Field(default=1000.0, gt=0)

    def matrix(self) -> np.ndarray:
        return np.array([[self.fx, 0, self.cx], [0, self.fy, self.cy], [0, 0, 1]], dtype=np.float64)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read '{path}': {exc}", hint="it must be a JSON file") from None


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where, what = first_problem(exc)
        raise InputError(f"'{path}' is not valid: {where}: {what}", hint="see docs/backends.md for the layout") from None


def checked_pose(matrix: Any, what: str) -> np.ndarray:
    """A 4×4 rigid camera-to-world matrix, or an InputError naming the frame."""
    pose = np.asarray(matrix, dtype=np.float64)
    if pose.shape != (4, 4) or not np.all(np.isfinite(pose)):
        raise InputError(f"pose of {what} is not a finite 4×4 matrix", hint="give cam_to_world as 4 rows of 4 numbers")
    rot = pose[:3, :3]
    if not np.allclose(pose[3], [0, 0, 0, 1], atol=1e-6) or not np.allclose(rot.T @ rot, np.eye(3), atol=1e-3):
        raise InputError(f"pose of {what} is not a rigid transform", hint="cam_to_world must be [R t; 0 0 0 1] with R a rotation")
    return pose


class ColorDepthPosesLayout(RGBDLayout):
    """`color/NNNNN.jpg`, `depth/NNNNN.png`, `poses.json`, `intrinsics.json` (Open3D / Redwood exports)."""

    name = "color-depth-poses"
    markers = ("color", "depth", "poses.json", "intrinsics.json")

    @classmethod
    def records(cls, root: Path) -> tuple[list[RGBDRecord], float]:
        intr = _validate(_Intrinsics, _read_json(root / "intrinsics.json"), root / "intrinsics.json")
        poses = _read_json(root / "poses.json")
        if not isinstance(poses, list) or not poses:
            raise InputError(f"'{root / 'poses.json'}' holds no poses", hint='give [{"frame": "00000", "cam_to_world": 4×4}, …]')
        colors = {p.stem: p for p in list_images(root / "color")}
        records = []
        for entry in poses:
            name = str(entry.get("frame", "")) if isinstance(entry, dict) else ""
            if name not in colors:
                raise InputError(f"poses.json names frame '{name}' but color/ has no such image", hint="frame names are file stems")
            depth = root / "depth" / f"{name}.png"
            records.append(RGBDRecord(colors[name], depth, intr.matrix(), checked_pose(entry.get("cam_to_world"), f"frame {name}")))
        return records, intr.depth_scale


class _ManifestFrame(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image: str
    depth: str
    cam_to_world: list[list[float]]
    timestamp: float | None = None
    intrinsics: _Intrinsics | None = None


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    intrinsics: _Intrinsics | None = None
    depth_scale: float = Field(default=1000.0, gt=0)
    frames: list[_ManifestFrame] = Field(min_length=1)


class ManifestLayout(RGBDLayout):
    """The generic layout: one `rgbd.json` naming each frame's image, depth and pose (docs/backends.md)."""

    name = "rgbd-json"
    markers = ("rgbd.json",)

    @classmethod
    def records(cls, root: Path) -> tuple[list[RGBDRecord], float]:
        manifest: _Manifest = _validate(_Manifest, _read_json(root / "rgbd.json"), root / "rgbd.json")
        records = []
        for i, f in enumerate(manifest.frames):
            intr = f.intrinsics or manifest.intrinsics
            if intr is None:
                raise InputError(f"frame {i} of '{root / 'rgbd.json'}' has no intrinsics", hint="give top-level or per-frame intrinsics")
            pose = checked_pose(f.cam_to_world, f"frame {i} ({f.image})")
            records.append(RGBDRecord(root / f.image, root / f.depth, intr.matrix(), pose, f.timestamp))
        return records, manifest.depth_scale


class _SynthFrame(BaseModel):
    model_config = ConfigDict(extra="ignore")

    pose: list[list[float]]
    image: str
    depth: str
    timestamp: float | None = None


class SynthCameras(BaseModel):
    """`cameras.json` of a `reasmory synth` folder, as far as building and grounding read it."""

    model_config = ConfigDict(extra="ignore")

    format: str
    K: list[list[float]]
    width: int | None = Field(default=None, gt=0)
    height: int | None = Field(default=None, gt=0)
    depth_scale: float = Field(default=1000.0, gt=0)
    min_visible_pixels: int = Field(default=50, ge=1)
    frames: list[_SynthFrame] = Field(min_length=1)


class SynthLayout(RGBDLayout):
    """A `reasmory synth` scene folder: `cameras.json` + `frames/` + `depth/` (docs/synthetic-scenes.md)."""

    name = "reasmory-synth"
    markers = ("cameras.json",)
    gravity_aligned = True

    @classmethod
    def detect(cls, root: Path) -> bool:
        if not (root / "cameras.json").is_file():
            return False
        head = (root / "cameras.json").read_text(encoding="utf-8", errors="replace")[:200]
        return '"reasmory-cameras"' in head

    @classmethod
    def cameras(cls, root: Path) -> SynthCameras:
        """The folder's validated `cameras.json` (one InputError naming the first problem)."""
        return _validate(SynthCameras, _read_json(root / "cameras.json"), root / "cameras.json")

    @classmethod
    def records(cls, root: Path) -> tuple[list[RGBDRecord], float]:
        cams = cls.cameras(root)
        K = np.asarray(cams.K, np.float64)
        records = [
            RGBDRecord(root / f.image, root / f.depth, K, checked_pose(f.pose, f"frame {i} ({f.image})"), f.timestamp)
            for i, f in enumerate(cams.frames)
        ]
        return records, cams.depth_scale


LAYOUTS: tuple[type[RGBDLayout], ...] = (SynthLayout, ManifestLayout, ColorDepthPosesLayout)


def detect_layout(path: Path) -> type[RGBDLayout] | None:
    """The RGB-D layout of a folder, or None when it is not one (e.g. a plain image folder)."""
    return next((layout for layout in LAYOUTS if layout.detect(path)), None)


def read_depth(path: Path, depth_scale: float) -> np.ndarray:
    """(H, W) float32 metres from a uint16 PNG (÷ depth_scale) or a float `.npy` (metres)."""
    if not path.is_file():
        raise InputError(f"no depth map at '{path}'", hint="every colour image needs a depth map with the same name")
    try:
        if path.suffix.lower() == ".npy":
            depth = np.load(path, allow_pickle=False).astype(np.float32)
        else:
            from PIL import Image

            with Image.open(path) as img:
                depth = np.asarray(img).astype(np.float32) / depth_scale
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputError(f"cannot read depth map '{path}': {exc}", hint="depth must be a 16-bit PNG or a .npy array") from None
    if depth.ndim != 2:
        raise InputError(f"depth map '{path}' is not single-channel", hint="depth must be a 16-bit PNG or an (H, W) .npy")
    return np.where(np.isfinite(depth) & (depth > 0), depth, 0).astype(np.float32)


def load_rgbd(root: Path, layout: type[RGBDLayout], sampling: Sampling | None = None, progress: bool = True) -> FrameSet:
    """Read the sampled frames of an RGB-D folder: images, metric depth, K and poses."""
    records, depth_scale = layout.records(root)
    picks = (sampling or Sampling()).select(len(records))
    frames = []
    with progress_bar("reading RGB-D frames", len(picks), progress) as advance:
        for i, k in enumerate(picks):
            rec = records[k]
            image, depth = read_image(rec.color), read_depth(rec.depth, depth_scale)
            if depth.shape != image.shape[:2]:
                raise InputError(
                    f"depth map '{rec.depth}' is {depth.shape[1]}×{depth.shape[0]} but its image is {image.shape[1]}×{image.shape[0]}",
                    hint="depth and colour must be registered at the same resolution",
                )
            stamp = rec.timestamp if rec.timestamp is not None else float(k)
            frames.append(InputFrame(i, k, stamp, str(rec.color), image, depth, rec.K, rec.pose))
            advance(1)
    check_same_size(frames)
    return FrameSet(frames=frames, source=str(root), kind=f"rgbd:{layout.name}", available=len(records),
                    gravity_aligned=layout.gravity_aligned)
