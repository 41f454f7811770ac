"""The points a render draws, gathered once per memory and device and kept on that device.

Scene points come first, then every object's own points, then (for memories
without scene points, e.g. ground-truth ones built from boxes) a floor grid
so that renders show where the floor is. Each point carries the spacing of
its surface, from which splat sizes follow, and large runs are reordered
into blocks for levels of detail (lod.py). A sparse memory's points (a few
hundred per m² of floor, e.g. SfM features: `reasmory.memory.quality`) do not
sample surfaces, so splats sized to close them would be large squares: they
are drawn as dots of `dot_width` pixels instead.

The costly part — spacings and block orders, seconds for millions of points
— is the preparation. For a memory read from a `.rmem` file it is also kept
on disk (prepared.py), so the next process that renders that memory (a
second `reasmory render`) maps it instead of computing it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from reasmory.memory.model import ObjectInstance
from reasmory.memory.quality import is_sparse
from reasmory.memory.render.colour import label_colour
from reasmory.memory.render import prepared
from reasmory.memory.render.lod import Blocks, block_order
from reasmory.memory.render.prepared import Preparation
from reasmory.memory.render.splat import MAX_POINTS
from reasmory.memory.room import inside_polygon
from reasmory.memory.spatial_memory import SpatialMemory

#: Floor grid: spacing of its points, size of its checker tiles, margin around the objects (metres).
FLOOR_SPACING = 0.04
FLOOR_TILE = 0.5
FLOOR_MARGIN = 0.5
#: Mean points per voxel the spacing estimate aims for.
_POINTS_PER_VOXEL = 8
#: Objects with at least this many points get per-voxel spacings like scene points (a KD-tree of them all is slow).
LARGE_OBJECT = 50_000
#: Width in pixels of a sparse memory's dots in a 640-pixel-wide picture (scaled with the picture).
DOT_PIXELS = 3.0

_CACHE: weakref.WeakKeyDictionary[SpatialMemory, dict[str, RenderCloud]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class RenderCloud:
    """Every drawable point of a memory, as tensors on one device.

    xyz (3, N) float32 world metres (3×N: `K[R|t] @ xyz` is fast in torch);
    spacing (N,) float32 metres to the neighbouring points on the surface;
    rgb (N, 3) uint8; normal (N, 3) float32 world unit normals where known
    (box surfaces, the floor), else zeros — (0, 3) when no point has one;
    index (N,) int32 0 … N−1, which z-buffer keys carry. Points come in
    runs, one per part ("scene", "floor", each object id): `ranges` maps a
    part to its [start, stop); part_start (P,) int64 the runs' starts in
    order, and per run: part_captured (P,) bool, whether its rgb was
    observed (else a stand-in: the object's `colour` attribute or its label
    colour, the floor's checker), part_label (P,) int64 index into
    `labels` (−1 for scene and floor), part_owner (P,) int64 object id (−1
    for scene and floor). `blocks` cut every run into level-of-detail blocks.
    """

    xyz: torch.Tensor
    spacing: torch.Tensor
    rgb: torch.Tensor
    normal: torch.Tensor
    index: torch.Tensor
    part_start: torch.Tensor
    part_captured: torch.Tensor
    part_label: torch.Tensor
    part_owner: torch.Tensor
    labels: tuple[str, ...]
    ranges: dict[str | int, tuple[int, int]]
    blocks: Blocks
    has_normals: bool = False
    sparse: bool = False

    def __len__(self) -> int:
        return int(self.xyz.shape[1])

    def dot_width(self, width: int) -> float:
        """Pixels across a sparse memory's dots in a `width`-pixel picture."""
        return max(2.0, DOT_PIXELS * width / 640)

    def footprint(self, start: int, stop: int, pixels_per_metre: torch.Tensor | float, width: int) -> torch.Tensor:
        """(stop − start,) float32 splat widths in pixels of points start … stop−1: their surface spacing at
        `pixels_per_metre` (a tensor per point, or one scale), or dots for a sparse memory in a `width`-pixel picture."""
        if self.sparse:
            return torch.full((stop - start,), self.dot_width(width), dtype=torch.float32, device=self.xyz.device)
        return self.spacing[start:stop] * pixels_per_metre


def default_device() -> torch.device:
    """CUDA when present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def render_cloud(memory: SpatialMemory, device: torch.device | None = None) -> RenderCloud:
    """The memory's drawable points on `device`, built on first use and cached while the memory lives."""
    device = device or default_device()
    per_memory = _CACHE.setdefault(memory, {})
    if str(device) not in per_memory:
        per_memory[str(device)] = _gather(memory, device)
    return per_memory[str(device)]


@dataclass
class _Part:
    """One run of points before they are joined: a name ("scene", "floor" or an object id), (n, …) arrays, and how
    to work out its spacing."""

    name: str | int
    xyz: np.ndarray
    rgb: np.ndarray
    normal: np.ndarray | None
    captured: bool
    label: int
    spacing: Callable[[np.ndarray], np.ndarray]


def _parts(memory: SpatialMemory) -> tuple[list[_Part], tuple[str, ...]]:
    labels = tuple(memory.labels())
    index = {label: i for i, label in enumerate(labels)}
    parts: list[_Part] = []
    if len(memory.points):
        xyz = memory.points.xyz
        parts.append(_Part("scene", xyz, memory.points.rgb, None, True, -1, surface_spacing))
    for obj in memory.objects:
        if len(obj.points):
            xyz = np.asarray(obj.points, np.float32)
            normal = box_normals(obj, xyz) if obj.attributes.get("geometry") == "box" else None
            rgb = np.broadcast_to(np.asarray(stand_in_colour(obj), np.uint8), xyz.shape)
            spacing = sample_spacing if len(xyz) < LARGE_OBJECT else surface_spacing
            parts.append(_Part(obj.id, xyz, rgb, normal, False, index[obj.label], spacing))
    if not len(memory.points):
        xyz, rgb = floor_grid(memory)
        up = np.broadcast_to(np.array([0, 0, 1], np.float32), xyz.shape)
        parts.append(_Part("floor", xyz, rgb, up, False, -1, lambda p: np.full(len(p), FLOOR_SPACING, np.float32)))
    return parts, labels


def prepare(parts: list[_Part]) -> Preparation:
    """Spacings and block orders of every part, and the points in that order (seconds for large clouds)."""
    orders, spacings, blocks = [], [], []
    offset = 0
    for part in parts:
        spacing = np.asarray(part.spacing(part.xyz), np.float32)
        order, part_blocks = block_order(part.xyz, spacing)
        orders.append(order)
        spacings.append(spacing[order])
        blocks.append(part_blocks.shifted(offset))
        offset += len(part.xyz)

    def ordered(field: str, dtype: type) -> np.ndarray:
        """The field of every part in block order (no gather for values that are the same for all its points)."""
        out = []
        for part, order in zip(parts, orders):
            values = getattr(part, field)
            if values is None:
                values = np.broadcast_to(np.zeros(3, np.float32), part.xyz.shape)
            out.append(values if values.strides[0] == 0 or not len(values) else values[order])
        return np.concatenate([np.asarray(v, dtype) for v in out]) if out else np.zeros((0, 3), dtype)

    has_normals = any(p.normal is not None and p.normal.any() for p in parts)
    return Preparation(
        xyz=np.ascontiguousarray(ordered("xyz", np.float32).T),
        spacing=np.concatenate(spacings) if spacings else np.zeros(0, np.float32),
        rgb=ordered("rgb", np.uint8),
        normal=ordered("normal", np.float32) if has_normals else None,
        blocks=Blocks.join(blocks),
    )


def _gather(memory: SpatialMemory, device: torch.device) -> RenderCloud:
    parts, labels = _parts(memory)
    ranges: dict[str | int, tuple[int, int]] = {}
    start = 0
    for part in parts:
        ranges[part.name] = (start, start + len(part.xyz))
        start += len(part.xyz)
    if start > MAX_POINTS:
        raise ValueError(f"{start:,} points are more than a render can index ({MAX_POINTS:,})")
    preparation = prepared.stored(memory, start)
    if preparation is None:
        preparation = prepare(parts)
        prepared.store(memory, preparation)

    def tensor(values: np.ndarray | list[object], dtype: type) -> torch.Tensor:
        return torch.from_numpy(np.asarray(values, dtype)).to(device)

    return RenderCloud(
        xyz=tensor(preparation.xyz, np.float32),
        spacing=tensor(preparation.spacing, np.float32),
        rgb=tensor(preparation.rgb, np.uint8),
        normal=tensor(preparation.normal, np.float32) if preparation.normal is not None else torch.zeros((0, 3), device=device),
        index=torch.arange(start, dtype=torch.int32, device=device),
        part_start=tensor([ranges[p.name][0] for p in parts], np.int64),
        part_captured=tensor([p.captured for p in parts], bool),
        part_label=tensor([p.label for p in parts], np.int64),
        part_owner=tensor([p.name if isinstance(p.name, int) else -1 for p in parts], np.int64),
        labels=labels,
        ranges=ranges,
        blocks=preparation.blocks,
        has_normals=preparation.normal is not None,
        sparse=is_sparse(memory),
    )


def box_normals(obj: ObjectInstance, xyz: np.ndarray) -> np.ndarray:
    """(n, 3) float32 outward normals of points on an object's box surface: the face each point is nearest to."""
    box = obj.box
    local = (xyz.astype(np.float64) - box.c) @ box.R
    axis = np.argmax(np.abs(local) / np.maximum(box.e / 2, 1e-9), axis=1)
    sign = np.sign(local[np.arange(len(xyz)), axis])
    return (box.R.T[axis] * sign[:, None]).astype(np.float32)


def sample_spacing(xyz: np.ndarray, sample: int = 4000) -> np.ndarray:
    """(n,) float32: one spacing for a small sampling (an object's points), the median 4th-neighbour distance.

    On a grid the 4th neighbour sits one step along the coarser axis; for
    random samples it is close to 1/√density.
    """
    if len(xyz) < 5:
        return np.full(len(xyz), 0.05, np.float32)
    from scipy.spatial import cKDTree

    tree = cKDTree(xyz)
    probe = xyz[:: max(1, len(xyz) // sample)]
    distance, _ = tree.query(probe, k=5)
    return np.full(len(xyz), np.median(distance[:, 4]), np.float32)


def stand_in_colour(obj: ObjectInstance) -> tuple[int, int, int]:
    """An uncaptured object's colour: its `colour` attribute (RGB 0–255) when valid, else its label colour."""
    colour = obj.attributes.get("colour")
    if isinstance(colour, (list, tuple)) and len(colour) == 3 and all(isinstance(c, (int, float)) for c in colour):
        r, g, b = (int(min(max(c, 0), 255)) for c in colour)
        return r, g, b
    return label_colour(obj.label)


def surface_spacing(xyz: np.ndarray) -> np.ndarray:
    """(N,) float32 metres between neighbouring points of a large captured cloud, from voxel occupancy.

    A surface crossing a voxel of side v leaves about v² of area in it, so n
    points there lie about v/√n apart. The voxel grows until voxels hold
    several points. Each point gets its voxel's estimate (capture density
    varies), clipped to [½, 2]× the overall one. O(N): no neighbour search.
    """
    n = len(xyz)
    if n == 0:
        return np.zeros(0, np.float32)
    voxel = 0.05
    while True:
        cells = np.floor(xyz / voxel).astype(np.int64)
        cells -= cells.min(axis=0)
        keys = (cells[:, 0] * (cells[:, 1].max() + 1) + cells[:, 1]) * (cells[:, 2].max() + 1) + cells[:, 2]
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        if n / len(counts) >= _POINTS_PER_VOXEL or voxel > 10:
            break
        voxel *= 2
    overall = voxel * np.sqrt(len(counts) / n)
    local = voxel / np.sqrt(counts)
    return np.clip(local, overall / 2, overall * 2)[inverse].astype(np.float32)


def floor_grid(memory: SpatialMemory) -> tuple[np.ndarray, np.ndarray]:
    """(M, 3) float32 points and (M, 3) uint8 checker colours over the floor (its polygon, else around the objects)."""
    polygon = memory.scene.floor_polygon
    if polygon:
        outline = np.asarray(polygon, np.float64)
    else:
        corners = [o.box.corners()[:, :2] for o in memory.objects] + [f.position[None, :2] for f in memory.frames]
        if not corners:
            return np.zeros((0, 3), np.float32), np.zeros((0, 3), np.uint8)
        stacked = np.concatenate(corners)
        lo, hi = stacked.min(axis=0) - FLOOR_MARGIN, stacked.max(axis=0) + FLOOR_MARGIN
        outline = np.array([[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]]])
    lo, hi = outline.min(axis=0), outline.max(axis=0)
    gx, gy = np.meshgrid(np.arange(lo[0], hi[0], FLOOR_SPACING), np.arange(lo[1], hi[1], FLOOR_SPACING), indexing="xy")
    xy = np.stack([gx.ravel(), gy.ravel()], axis=1)
    xy = xy[inside_polygon(xy, outline)]
    xyz = np.column_stack([xy, np.full(len(xy), memory.scene.floor_z)]).astype(np.float32)
    tile = (np.floor(xy[:, 0] / FLOOR_TILE) + np.floor(xy[:, 1] / FLOOR_TILE)).astype(np.int64) % 2
    rgb = np.where(tile[:, None] == 0, 228, 206).astype(np.uint8).repeat(3, axis=1)
    return xyz, rgb
