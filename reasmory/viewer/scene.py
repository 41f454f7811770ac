"""A memory as Rerun entities: its points, objects, cameras, floor and gravity (layout: `reasmory.viewer`).

Every entity here is static: the memory does not change while a trace plays on top of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from reasmory.memory.model import Frame, ObjectInstance
from reasmory.memory.spatial_memory import SpatialMemory

#: Screen-space sizes (rerun: negative radii are UI points): points stay legible at any zoom, sparse or dense.
POINT_RADIUS = -1.5
OBJECT_POINT_RADIUS = -1.0
#: How far in front of a camera its picture is drawn, metres.
IMAGE_PLANE_M = 0.25
FLOOR_COLOUR = (200, 200, 200, 110)
#: Opacity of ground-truth boxes (0–255), drawn solid.
SOLID_ALPHA = 110
GRAVITY_COLOUR = (90, 90, 255)
TRAJECTORY_COLOUR = (200, 40, 160)


def log_memory(rec: Any, memory: SpatialMemory, image_root: Path | None = None) -> None:
    """Log the whole memory under `world/`; camera pictures are looked up as stored, else under `image_root`."""
    import rerun as rr

    rec.log("world", rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True)
    if len(memory.points):
        rec.log("world/points", rr.Points3D(aligned(memory.points.xyz), colors=aligned(memory.points.rgb), radii=POINT_RADIUS),
                static=True)
    for obj in memory.objects:
        log_object(rec, f"world/objects/{obj.id}", obj)
    for frame in memory.frames:
        log_pinhole(rec, f"world/cameras/{frame.index}", frame.pose_array, frame.K_array, (frame.width, frame.height),
                    static=True, picture=image_file(frame, image_root))
    if len(memory.frames) > 1:
        path = np.array([f.position for f in memory.frames], np.float32)
        rec.log("world/trajectory", rr.LineStrips3D([path], colors=TRAJECTORY_COLOUR, radii=-1.0), static=True)
    outline = floor_outline(memory)
    if outline is not None:
        log_floor(rec, outline, memory.scene.floor_z)
        top = memory.scene.floor_z + 2.0
        centre = outline.mean(axis=0)
        rec.log("world/gravity", rr.Arrows3D(origins=[(centre[0], centre[1], top)], vectors=[(0.0, 0.0, -1.0)],
                                             colors=GRAVITY_COLOUR, labels=["gravity (−z)"]), static=True)


def log_object(rec: Any, path: str, obj: ObjectInstance) -> None:
    """An object's box, labelled and in its label's colour, and its own points. A ground-truth object is its box:
    drawn solid and translucent, without the surface samples that stand in for its points."""
    import rerun as rr

    from reasmory.memory.geometry import is_solid_box
    from reasmory.memory.render.colour import label_colour

    colour = label_colour(obj.label)
    solid = is_solid_box(obj)
    rec.log(path, rr.Boxes3D(centers=[obj.box.center], half_sizes=[obj.box.e / 2], quaternions=[box_quaternion(obj.box.R)],
                             colors=[(*colour, SOLID_ALPHA) if solid else colour], labels=[f"{obj.label} #{obj.id}"],
                             fill_mode="solid" if solid else None), static=True)
    if len(obj.points) and not solid:
        rec.log(f"{path}/points", rr.Points3D(aligned(obj.points), colors=colour, radii=OBJECT_POINT_RADIUS), static=True)


def aligned(array: np.ndarray) -> np.ndarray:
    """The array, copied when its data is not aligned to its items (arrays read straight out of a `.rmem` zip may not
    be, and rerun hands buffers to Arrow as they are)."""
    return np.require(array, requirements="CA")


def box_quaternion(rotation: np.ndarray) -> Any:
    """The xyzw quaternion of a box's axes (a mirrored set of axes is turned proper first: a box is symmetric)."""
    import rerun as rr
    from scipy.spatial.transform import Rotation

    axes = np.array(rotation, np.float64)
    if np.linalg.det(axes) < 0:
        axes[:, 2] = -axes[:, 2]
    return rr.Quaternion(xyzw=Rotation.from_matrix(axes).as_quat())


def log_pinhole(rec: Any, path: str, pose: np.ndarray, K: np.ndarray, size: tuple[int, int], *, static: bool,
                picture: Path | None = None, colour: tuple[int, int, int] | None = None) -> None:
    """A camera: its camera-to-world `pose` (OpenCV axes) at `path`, its pinhole (and picture) at `path/image`."""
    import rerun as rr

    rec.log(path, rr.Transform3D(translation=pose[:3, 3], mat3x3=pose[:3, :3]), static=static)
    rec.log(f"{path}/image", rr.Pinhole(image_from_camera=K, resolution=list(size), camera_xyz=rr.ViewCoordinates.RDF,
                                        image_plane_distance=IMAGE_PLANE_M, color=colour), static=static)
    if picture is not None:
        rec.log(f"{path}/image", rr.EncodedImage(path=picture), static=static)


def image_file(frame: Frame, root: Path | None) -> Path | None:
    """The frame's picture on disk: its reference as stored, else relative to `root`; None for video frames or
    pictures that are not there."""
    if not frame.image or "#" in frame.image:
        return None
    for candidate in (Path(frame.image), *((root / frame.image,) if root is not None else ())):
        if candidate.is_file():
            return candidate
    return None


def floor_outline(memory: SpatialMemory) -> np.ndarray | None:
    """(K, 2) float64 floor outline: the memory's floor polygon, else the rectangle around its points, objects and
    cameras; None for an empty memory."""
    if memory.scene.floor_polygon:
        return np.asarray(memory.scene.floor_polygon, np.float64)
    parts = [o.box.corners()[:, :2] for o in memory.objects] + [f.position[None, :2] for f in memory.frames]
    if len(memory.points):
        parts.append(np.percentile(memory.points.xyz[:, :2], [1, 99], axis=0))
    if not parts:
        return None
    xy = np.concatenate(parts)
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])


def log_floor(rec: Any, outline: np.ndarray, floor_z: float) -> None:
    """The floor as a translucent surface inside its outline, and the outline itself."""
    import rerun as rr
    from scipy.spatial import Delaunay

    from reasmory.memory.room import inside_polygon

    vertices = np.column_stack([outline, np.full(len(outline), floor_z)])
    triangles = Delaunay(outline).simplices
    keep = inside_polygon(outline[triangles].mean(axis=1), outline)  # a concave outline's hull has triangles outside
    rec.log("world/floor", rr.Mesh3D(vertex_positions=vertices, triangle_indices=triangles[keep], albedo_factor=FLOOR_COLOUR),
            static=True)
    rec.log("world/floor/outline", rr.LineStrips3D([np.vstack([vertices, vertices[:1]])], colors=(120, 120, 120), radii=-1.0),
            static=True)
