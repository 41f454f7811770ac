"""Perspective renders of a memory: rgb, semantic (colour per label, with a legend) or depth.

`rasterize` finds the nearest point per pixel; `render_view` colours it.
Arrays returned are numpy on the CPU: index (H, W) int64 into the render
cloud (−1 = nothing), depth (H, W) float32 metres along the camera's z axis
(0 = nothing), label (H, W) int64 into `labels` (−1 = scene point or
nothing), object (H, W) int64 object id (−1 = none), rgb (H, W, 3) uint8.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from PIL import Image

from reasmory.memory.render import draw, kernels
from reasmory.memory.render.camera import RenderCamera
from reasmory.memory.render import lod
from reasmory.memory.render.cloud import RenderCloud, render_cloud
from reasmory.memory.render.threads import cpu_threads, drawing_threads, on_threads
from reasmory.memory.render.colour import BACKGROUND, depth_colours, label_colour, palette, shading
from reasmory.memory.render.splat import COVER, LEVEL_RADIUS, ZBuffer, fill_holes, mask_positions, unpack
from reasmory.memory.spatial_memory import SpatialMemory

Mode = Literal["rgb", "semantic", "depth"]
MODES: tuple[str, ...] = ("rgb", "semantic", "depth")
#: Points nearer than this (metres along the view axis) are not drawn.
NEAR = 0.05
#: Relative depth offset of object points over scene points: in semantic mode objects win where both are. In rgb and
#: depth modes a memory with scene points draws only those (None): its objects' points repeat them without colour.
OBJECT_BIAS = {"semantic": -0.02, "rgb": None, "depth": None}
LEGEND_ENTRIES = 14
#: Points a CPU thread takes at a time from the render's queue of pieces (the compiled kernels then draw them
#: kernels.STRETCH at a time; the torch ops in one go). With the kernels, 32k and 64k took longer at 5M points (more
#: calls for the threads to make), 128k and a view's dozen pieces still split evenly between two threads. A GPU takes
#: them all at once.
CHUNK = 1 << 17


@dataclass(frozen=True)
class Raster:
    """The nearest point per pixel: index (H, W) int64 (−1 none), depth (H, W) float32 metres (0 none)."""

    index: np.ndarray
    depth: np.ndarray


@dataclass(frozen=True)
class ViewRender:
    """A finished render: the picture (legend included) and the arrays it was coloured from."""

    image: Image.Image
    rgb: np.ndarray
    depth: np.ndarray
    label: np.ndarray
    object: np.ndarray
    labels: tuple[str, ...]


def segments(cloud: RenderCloud, hidden: Collection[int | str], object_bias: float | None) -> list[tuple[int, int, float]]:
    """[start, stop) runs of points to draw, with the depth bias of each.

    Left out: the `hidden` ranges (object ids, or "floor"), and every object when the bias is None.
    """
    runs: list[tuple[int, int, float]] = []
    for name, (start, stop) in cloud.ranges.items():
        if name in hidden or (isinstance(name, int) and object_bias is None):
            continue
        bias = object_bias if isinstance(name, int) else 0.0
        if runs and runs[-1][1] == start and runs[-1][2] == bias:
            runs[-1] = (runs[-1][0], stop, bias)
        else:
            runs.append((start, stop, bias))
    return runs


def object_bias(cloud: RenderCloud, mode: str) -> float | None:
    """How object points meet scene points in this mode (see OBJECT_BIAS); 0 when there are no scene points."""
    return OBJECT_BIAS[mode] if "scene" in cloud.ranges else 0.0


def rasterize(cloud: RenderCloud, camera: RenderCamera, hidden: Collection[int | str] = (), object_bias: float | None = 0.0,
              fill: bool = True) -> Raster:
    """Project the drawable points in view, splat each by its footprint (focal · spacing / depth), keep the nearest.

    Blocks out of view are skipped and far ones thinned (lod.py). Object points are pushed `object_bias`
    (relative) deeper, or left out when it is None.
    """
    with cpu_threads(cloud.xyz.device, torch_ops=False):
        return _rasterize(cloud, camera, hidden, object_bias, fill)


def _rasterize(cloud: RenderCloud, camera: RenderCamera, hidden: Collection[int | str], object_bias: float | None,
               fill: bool) -> Raster:
    device = cloud.xyz.device
    projection = camera.projection()
    P = torch.as_tensor(projection, dtype=torch.float32, device=device)
    pieces = _pieces(cloud, camera, projection, hidden, object_bias)
    keys = _draw_pieces(cloud, P, camera, pieces).finish()
    if fill:
        keys = fill_holes(keys)
    index, depth = unpack(keys)
    if any(piece.bias for piece in pieces):  # keys hold biased depths: measure the winners again
        picked = torch.as_tensor(index, device=device)
        seen = cloud.xyz.index_select(1, picked.clamp(min=0).view(-1))
        depth = torch.where(picked >= 0, (P[2, :3] @ seen + P[2, 3]).view(index.shape), 0.0).cpu().numpy()
    return Raster(index, depth)


@dataclass(frozen=True)
class Piece:
    """What `_draw` draws at a time: (k, 2) int64 [start, stop) runs of points, (k,) float32 splat factors (one per
    run), the points' depth bias, and whether they need testing against the near plane."""

    runs: np.ndarray
    factor: np.ndarray
    bias: float
    near_plane: bool

    def __len__(self) -> int:
        return int((self.runs[:, 1] - self.runs[:, 0]).sum())


def _pieces(cloud: RenderCloud, camera: RenderCamera, projection: np.ndarray, hidden: Collection[int | str],
            object_bias: float | None) -> list[Piece]:
    """The points in view, thinned by level of detail, cut into pieces of CHUNK points (on a GPU, one piece)."""
    drawn, widen, nearest = lod.visible(cloud.blocks, projection, camera.focal, camera.width, camera.height, NEAR,
                                        COVER)
    if cloud.sparse:  # dots do not widen: a sparse memory's blocks in view are drawn whole
        drawn = np.where(drawn > 0, cloud.blocks.count, 0)
    groups = _groups(cloud, camera, nearest, widen)
    half_widths = (widen * (camera.focal * COVER / 2)).astype(np.float32)  # footprint → splat half-width, per block
    most = CHUNK if cloud.xyz.device.type == "cpu" else max(1, len(cloud))
    pieces: list[Piece] = []
    for start, stop, bias in segments(cloud, hidden, object_bias):
        inside = (cloud.blocks.start >= start) & (cloud.blocks.start < stop)
        for group, near_plane in groups:
            runs, factor = lod.selection(cloud.blocks, np.where(inside & group, drawn, 0), half_widths)
            pieces.extend(Piece(part, part_factor, bias, near_plane) for part, part_factor in _chunks(runs, factor, most))
    return pieces


def _draw_pieces(cloud: RenderCloud, P: torch.Tensor, camera: RenderCamera, pieces: list[Piece],
                 compiled: bool | None = None) -> ZBuffer:
    """A z-buffer holding every piece, drawn by the compiled kernels (`compiled`; None: on the CPU) or torch ops.

    On a CPU render of several threads, each thread takes pieces as it becomes free into a z-buffer of its own
    (threads.on_threads); the z-buffers are merged at the end.
    """
    device = cloud.xyz.device
    workers = max(1, min(drawing_threads(), len(pieces))) if device.type == "cpu" else 1
    zbuffers = [ZBuffer(camera.width, camera.height, device) for _ in range(workers)]
    waiting: queue.SimpleQueue[Piece] = queue.SimpleQueue()
    for piece in pieces:
        waiting.put(piece)

    shifted = _shifted(P, zbuffers[0].shift)
    if compiled is None:
        compiled = device.type == "cpu"
    if compiled:
        draw_piece = _compiled_drawing(cloud, shifted, camera, zbuffers)
    else:
        def draw_piece(worker: int, piece: Piece) -> None:
            _draw(zbuffers[worker], cloud, shifted, camera, piece)

    def draw_waiting(worker: int) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                draw_piece(worker, waiting.get_nowait())

    if workers > 1:
        on_threads(draw_waiting, workers)
    else:
        draw_waiting(0)
    for other in zbuffers[1:]:
        zbuffers[0].merge(other)
    return zbuffers[0]


def _compiled_drawing(cloud: RenderCloud, shifted: torch.Tensor, camera: RenderCamera, zbuffers: list[ZBuffer]
                      ) -> Callable[[int, Piece], None]:
    """Drawing of a piece by the compiled CPU kernels (kernels.py), each worker with scratch arrays of its own."""
    xyz, spacing, projection = cloud.xyz.numpy(), cloud.spacing.numpy(), shifted.numpy()
    sparse_half = _dot_half_width(cloud, camera) if cloud.sparse else None
    scratch = [kernels.Scratch.of_size(CHUNK) for _ in zbuffers]

    def draw_piece(worker: int, piece: Piece) -> None:
        kernels.draw_runs(zbuffers[worker], xyz, spacing, projection, piece.runs, piece.factor, piece.bias, NEAR,
                          piece.near_plane, sparse_half, scratch[worker])

    return draw_piece


def _shifted(P: torch.Tensor, shift: float) -> torch.Tensor:
    """The (3, 4) projection whose pixels come out `shift` further right and down:
    u + shift = (P₀ + shift · P₂) · x / z."""
    shifted = P.clone()
    shifted[:2] += shift * P[2]
    return shifted


def _groups(cloud: RenderCloud, camera: RenderCamera, nearest: np.ndarray,
            widen: np.ndarray) -> list[tuple[np.ndarray, bool]]:
    """Blocks drawn together, as (B,) masks, and whether their points need testing against the near plane.

    Blocks wholly ahead of it (with a millimetre to spare for float32 rounding) skip the test. Of those, the ones
    whose splats are likely wide (from their mean spacing) come apart from the rest, so that most pieces hold no
    wide splat at all and skip the work of setting wide ones aside (`ZBuffer.add` checks each piece exactly).
    """
    clear = nearest > NEAR + 1e-3
    with np.errstate(divide="ignore"):
        radius = cloud.blocks.spacing * widen * camera.focal * (COVER / 2) / np.where(clear, nearest, 1.0)
    likely_wide = cloud.sparse | (radius > LEVEL_RADIUS / 2)
    return [(clear & ~likely_wide, False), (clear & likely_wide, False), (~clear, True)]


def _chunks(runs: np.ndarray, factor: np.ndarray, most: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (k, 2) runs cut into pieces of at most `most` points (a run may be split), each with its runs' factors."""
    lengths = runs[:, 1] - runs[:, 0]
    ends = np.cumsum(lengths)  # of each run, counted in points drawn
    if not len(runs) or not ends[-1]:
        return []
    bounds = np.union1d(np.r_[0, ends], np.arange(most, ends[-1], most))  # run ends and piece ends
    first, last = bounds[:-1], bounds[1:]
    run = np.searchsorted(ends, first, side="right")  # the run each stretch between bounds lies in
    offset = runs[run, 0] - (ends[run] - lengths[run])
    stretches = np.stack([first + offset, last + offset], axis=1)
    cut = np.flatnonzero(np.diff(first // most)) + 1
    return list(zip(np.split(stretches, cut), np.split(factor[run], cut)))


def _draw(zbuffer: ZBuffer, cloud: RenderCloud, P: torch.Tensor, camera: RenderCamera, piece: Piece) -> None:
    """Project the points of a piece and add them to the z-buffer, each tested against NEAR if the piece says so.

    A run's splat factor is its points' widening times focal · COVER / 2, and `P` moves pixels by the z-buffer's shift
    (`_shifted`), so the z-buffer's own first steps cost no pass.
    Points at or behind the near plane (half of those tested, in blocks the camera stands in) are let go as soon as
    their depth is known: carried along as invalid, they cost four times a point drawn.
    """
    runs = _merged(piece.runs)
    xyz, spacing, index = (_runs(values, runs) for values in (cloud.xyz, cloud.spacing, cloud.index))
    proj = torch.addmm(P[:, 3:], P[:, :3], xyz)
    factor = torch.from_numpy(np.repeat(piece.factor, piece.runs[:, 1] - piece.runs[:, 0])).to(proj.device)
    bias = piece.bias
    if piece.near_plane:
        ahead = mask_positions(proj[2] > NEAR)
        proj, spacing, index, factor = (values.index_select(-1, ahead) for values in (proj, spacing, index, factor))
    z = proj[2]
    inverse = torch.reciprocal(z)
    if cloud.sparse:
        half = torch.full_like(inverse, _dot_half_width(cloud, camera))
    else:
        half = spacing.mul_(factor).mul_(inverse).sub_(0.5)
    zbuffer.add_shifted(proj[:2].mul_(inverse), z * (1.0 + bias) if bias else z, index, half)


def _dot_half_width(cloud: RenderCloud, camera: RenderCamera) -> float:
    """The splat half-width (as `ZBuffer.add_shifted` takes it) of every dot of a sparse cloud."""
    return cloud.dot_width(camera.width) * COVER / 2 - 0.5


def _merged(runs: np.ndarray) -> list[tuple[int, int]]:
    """(k, 2) [start, stop) runs with each one that ends where the next starts joined to it."""
    joins = np.flatnonzero(runs[1:, 0] != runs[:-1, 1]) + 1
    firsts, lasts = np.r_[0, joins], np.r_[joins - 1, len(runs) - 1]
    return list(zip(runs[firsts, 0].tolist(), runs[lasts, 1].tolist())) if len(runs) else []


def _runs(values: torch.Tensor, runs: list[tuple[int, int]]) -> torch.Tensor:
    """The [start, stop) runs of a (…, N) tensor's last axis, joined (slices, not a gather: much faster on the CPU)."""
    if len(runs) == 1:
        return values[..., runs[0][0] : runs[0][1]].clone()
    if values.device.type == "cpu":
        array = values.numpy()
        return torch.from_numpy(np.concatenate([array[..., a:b] for a, b in runs], axis=-1))
    return torch.cat([values[..., a:b] for a, b in runs], dim=-1)


def render_view(memory: SpatialMemory, camera: RenderCamera, mode: Mode = "rgb", hidden: Collection[int] = (),
                legend: bool = True, fill: bool = True, floor: bool = True,
                device: torch.device | None = None) -> ViewRender:
    """Render the memory through `camera`.

    `hidden` object ids are left out (e.g. one the viewer stands in); `floor=False` leaves out the floor grid
    drawn for memories without scene points.
    """
    if mode not in MODES:
        raise ValueError(f"unknown render mode {mode!r}; expected one of {', '.join(MODES)}")
    cloud = render_cloud(memory, device)
    left_out = {*hidden, *(() if floor else ("floor",))}
    with cpu_threads(cloud.xyz.device, torch_ops=False):
        return _render_view(cloud, camera, mode, left_out, legend, fill)


def _render_view(cloud: RenderCloud, camera: RenderCamera, mode: Mode, hidden: Collection[int | str], legend: bool,
                 fill: bool) -> ViewRender:
    raster = rasterize(cloud, camera, hidden, object_bias(cloud, mode), fill)
    pixels = pixel_attributes(cloud, raster.index)
    if mode == "depth":
        rgb = depth_colours(raster.depth, *_depth_range(raster.depth))
    else:
        lit = cloud.has_normals and pixels.normal.any()  # a cloud without normals need not look at its zeros
        shade = shading(pixels.normal, camera.rays()) if lit else np.ones(pixels.hit.shape, np.float32)
        rgb = surface_colours(pixels, cloud.labels, shade, mode == "semantic")
    image = Image.fromarray(rgb)
    if legend and mode == "semantic":
        _semantic_legend(image, pixels.label, cloud.labels)
    elif legend and mode == "depth" and (raster.depth > 0).any():
        near, far = _depth_range(raster.depth)
        ends = depth_colours(np.array([near, far]), near, far)
        draw.legend(image, [(f"{near:.1f} m", tuple(ends[0])), (f"{far:.1f} m", tuple(ends[1]))], _text_size(image))
    return ViewRender(image, rgb, raster.depth, pixels.label, pixels.owner, cloud.labels)


@dataclass(frozen=True)
class Pixels:
    """What each pixel shows, gathered from the cloud: hit (H, W) bool, rgb (H, W, 3) uint8, captured (H, W) bool,
    normal (H, W, 3) float32 (zeros unknown), label (H, W) int64 (−1 none), owner (H, W) int64 object id (−1 none)."""

    hit: np.ndarray
    rgb: np.ndarray
    captured: np.ndarray
    normal: np.ndarray
    label: np.ndarray
    owner: np.ndarray


def pixel_attributes(cloud: RenderCloud, index: np.ndarray) -> Pixels:
    """Gather the winners' attributes on the cloud's device; only (H, W) arrays travel back."""
    hit = index >= 0
    if not len(cloud):
        empty = np.full(index.shape, -1, np.int64)
        return Pixels(hit, np.zeros((*index.shape, 3), np.uint8), np.zeros(index.shape, bool),
                      np.zeros((*index.shape, 3), np.float32), empty, empty)
    flat = np.ascontiguousarray(index).reshape(-1)
    rgb, (lowest, highest) = _gather(cloud.rgb, flat)
    normal = _gather(cloud.normal, flat)[0] if cloud.has_normals else np.zeros((len(flat), 3), np.float32)
    # the run each winner belongs to; one lookup when they all lie in one run (an rgb render of scene points)
    extremes = torch.tensor([max(lowest, 0), max(highest, 0)], device=cloud.xyz.device)
    ends = torch.searchsorted(cloud.part_start, extremes, right=True) - 1
    if int(ends[0]) == int(ends[1]):
        only = int(ends[0])

        def per_part(values: torch.Tensor, empty: int | None = None) -> np.ndarray:
            value = values[only].item()
            if empty is None or value == empty:  # (scene points have no label and no owner, like empty pixels)
                return np.full(index.shape, value)
            return np.where(hit, value, empty)
    else:
        picked = torch.as_tensor(np.maximum(flat, 0), device=cloud.xyz.device)
        part = torch.searchsorted(cloud.part_start, picked, right=True) - 1
        hit_t = torch.as_tensor(hit.ravel(), device=cloud.xyz.device)

        def per_part(values: torch.Tensor, empty: int | None = None) -> np.ndarray:
            chosen = values.index_select(0, part)
            if empty is not None:
                chosen = torch.where(hit_t, chosen, empty)
            return chosen.cpu().numpy().reshape(index.shape)

    return Pixels(hit=hit, rgb=rgb.reshape(*index.shape, 3), captured=per_part(cloud.part_captured),
                  normal=normal.reshape(*index.shape, 3), label=per_part(cloud.part_label, -1),
                  owner=per_part(cloud.part_owner, -1))


def _gather(values: torch.Tensor, index: np.ndarray, compiled: bool | None = None
            ) -> tuple[np.ndarray, tuple[int, int]]:
    """(n, k) rows of a cloud's (N, k) attribute at a flat (n,) index (zeros where it is −1), and the lowest and
    highest index gathered ((−1, −1) when none): by one pass of a compiled kernel (kernels.gather_rows; `compiled`
    None: on the CPU), else torch ops."""
    if compiled is None:
        compiled = values.device.type == "cpu"
    if compiled:
        out = np.empty((len(index), values.shape[1]), values.numpy().dtype)
        lowest, highest = kernels.gather_rows(index, values.numpy(), out)
        return out, (int(lowest), int(highest))
    picked = torch.as_tensor(index, device=values.device)
    hit = picked >= 0
    rows = values.index_select(0, picked.clamp(min=0)) * hit[:, None].to(values.dtype)
    if not bool(hit.any()):
        return rows.cpu().numpy(), (-1, -1)
    seen = picked[hit]
    return rows.cpu().numpy(), (int(seen.min()), int(seen.max()))


def surface_colours(pixels: Pixels, labels: tuple[str, ...], shade: np.ndarray, semantic: bool) -> np.ndarray:
    """(H, W, 3) uint8: label colours (scene points in their own grey) or captured colours, stand-ins shaded."""
    if semantic:
        grey = 130 + pixels.rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32) * (100 / 255)
        colours = np.where((pixels.label < 0)[..., None], grey[..., None], palette(labels)[pixels.label + 1])
        out = np.clip(colours * shade[..., None], 0, 255).astype(np.uint8)
    elif pixels.captured.all():
        out = pixels.rgb.copy()
    else:
        out = np.clip(pixels.rgb * np.where(pixels.captured, 1.0, shade)[..., None], 0, 255).astype(np.uint8)
    out = np.ascontiguousarray(out)  # (already is: the reshape below must be a view)
    out.reshape(-1, 3)[np.flatnonzero(~pixels.hit)] = BACKGROUND  # the few empty pixels: 5× a boolean mask's time
    return out


def _depth_range(depth: np.ndarray) -> tuple[float, float]:
    """Near and far ends of the colour map: the 1st and 99th percentiles of the depths seen."""
    valid = depth[depth > 0]
    if not len(valid):
        return 0.0, 1.0
    return float(np.percentile(valid, 1)), float(np.percentile(valid, 99))


def _text_size(image: Image.Image) -> int:
    """Legend text height in pixels: legible on small renders, not overwhelming on large ones."""
    return int(np.clip(min(image.size) / 28, 11, 18))


def _semantic_legend(image: Image.Image, label: np.ndarray, labels: tuple[str, ...]) -> None:
    """The labels in view, most pixels first, with their colours."""
    counts = np.bincount(label[label >= 0].ravel(), minlength=len(labels))
    shown = [i for i in np.argsort(-counts, kind="stable") if counts[i] > 0][:LEGEND_ENTRIES]
    draw.legend(image, [(labels[i], label_colour(labels[i])) for i in shown], _text_size(image))
