"""Top-down maps: the memory seen from above, objects outlined and labelled, cameras as numbered arrows.

Orthographic, never mirrored: world +x points right and world +y points up
on the image (pixel u grows with x, pixel v shrinks with y), with a scale bar
in metres and an axes sign. Points above the cut height (ceilings) are left
out so the map shows the furniture.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from PIL import Image, ImageDraw

from reasmory.memory.render import draw
from reasmory.memory.render.cloud import RenderCloud, render_cloud
from reasmory.memory.render.threads import cpu_threads
from reasmory.memory.render.colour import label_colour, shading
from reasmory.memory.render.splat import ZBuffer, fill_holes, unpack
from reasmory.memory.render.view import object_bias, pixel_attributes, segments, surface_colours
from reasmory.memory.spatial_memory import SpatialMemory

#: Points higher than this above the floor (metres) are not drawn: the map cuts below the ceiling.
CUT_HEIGHT = 2.0
MAX_SIDE = 1000
#: The points under the outlines are drawn at 1/LAYER_SCALE of the map's resolution.
LAYER_SCALE = 2
MAX_PIXELS_PER_METRE = 160.0
MARGIN_M = 0.4
HEADER = 30
HIGHLIGHT = (0, 255, 255)
CAMERA = (200, 30, 160)
MAX_CAMERA_ARROWS = 32


@dataclass(frozen=True)
class BevRender:
    """A top-down map and its pixel frame: world (x, y) ↦ ((x − left) · ppm, top_px + (top − y) · ppm).

    `object` is (H, W) int64, the id of the object seen from above at each pixel of `image` (−1 none).
    """

    image: Image.Image
    pixels_per_metre: float
    left: float
    top: float
    top_px: int
    object: np.ndarray

    def to_pixel(self, xy: np.ndarray) -> np.ndarray:
        """(N, 2) float64 pixel (u, v) of world (N, 2) (x, y) metres."""
        xy = np.atleast_2d(np.asarray(xy, np.float64))
        return np.column_stack([(xy[:, 0] - self.left) * self.pixels_per_metre,
                                self.top_px + (self.top - xy[:, 1]) * self.pixels_per_metre])


def render_bev(memory: SpatialMemory, mode: Literal["rgb", "semantic"] = "rgb", highlight: Collection[int] = (),
               floor: bool = True, device: torch.device | None = None) -> BevRender:
    """The map: points from above, box footprints with labels, cameras, scale bar; `highlight` object ids stand out.

    `floor=False` leaves out the floor grid drawn for memories without scene points.
    """
    if mode not in ("rgb", "semantic"):
        raise ValueError(f"unknown map mode {mode!r}; expected rgb or semantic")
    cloud = render_cloud(memory, device)
    with cpu_threads(cloud.xyz.device):
        return _render_bev(memory, cloud, mode, highlight, floor)


def _render_bev(memory: SpatialMemory, cloud: RenderCloud, mode: str, highlight: Collection[int], floor: bool) -> BevRender:
    lo, hi = _bounds(memory, cloud)
    ppm = min(MAX_PIXELS_PER_METRE, MAX_SIDE / max(hi[0] - lo[0], hi[1] - lo[1]))
    width, height = (LAYER_SCALE * int(math.ceil(side * ppm / LAYER_SCALE)) for side in hi - lo)
    frame = BevRender(Image.new("RGB", (width, height + HEADER), (255, 255, 255)), ppm, float(lo[0]), float(hi[1]), HEADER,
                      np.full((height + HEADER, width), -1, np.int64))
    base, owner = _points_layer(memory, cloud, frame, width, height, mode, floor)
    frame.image.paste(Image.fromarray(base), (0, HEADER))
    frame.object[HEADER:] = owner
    canvas = ImageDraw.Draw(frame.image)
    size = int(np.clip(width / 60, 12, 17))
    if memory.scene.floor_polygon:
        outline = [tuple(p) for p in frame.to_pixel(np.asarray(memory.scene.floor_polygon))]
        canvas.polygon(outline, outline=(60, 60, 60), width=2)
    placed = _objects(canvas, memory, frame, set(highlight), size)
    _cameras(canvas, memory, frame, size, placed)
    _furniture(canvas, memory, frame, mode, len(highlight), size, width, height)
    return frame


def _bounds(memory: SpatialMemory, cloud: RenderCloud) -> tuple[np.ndarray, np.ndarray]:
    """World (x, y) corners of the mapped area: objects, cameras, floor and the bulk of the points, plus a margin."""
    parts = [o.box.corners()[:, :2] for o in memory.objects]
    parts += [f.position[None, :2] for f in memory.frames]
    if memory.scene.floor_polygon:
        parts.append(np.asarray(memory.scene.floor_polygon, np.float64))
    if len(memory.points):
        parts.append(np.percentile(memory.points.xyz[:, :2], [0.5, 99.5], axis=0))
    if not parts:
        return np.array([-1.0, -1.0]), np.array([1.0, 1.0])
    xy = np.concatenate(parts)
    lo, hi = xy.min(axis=0) - MARGIN_M, xy.max(axis=0) + MARGIN_M
    side = np.maximum(hi - lo, 1.0)
    centre = (lo + hi) / 2
    return centre - side / 2, centre + side / 2


def _points_layer(memory: SpatialMemory, cloud: RenderCloud, frame: BevRender, width: int, height: int,
                  mode: str, floor: bool) -> tuple[np.ndarray, np.ndarray]:
    """The highest point below the cut per pixel: (height, width, 3) uint8 colours shaded by height, and its owner.

    Drawn at 1/LAYER_SCALE resolution and enlarged: it is the backdrop of the
    crisp outlines and text, and a fine z-buffer of a 1000-pixel map costs
    more than the rest of the map together.
    """
    scale = LAYER_SCALE
    zbuffer = ZBuffer(width // scale, height // scale, cloud.xyz.device)
    ppm, shift = frame.pixels_per_metre / scale, (scale - 1) / (2 * scale)
    for start, stop, bias in segments(cloud, () if floor else ("floor",), object_bias(cloud, mode)):
        xyz = cloud.xyz[:, start:stop]
        below = (memory.scene.floor_z + CUT_HEIGHT) - xyz[2]
        zbuffer.add((xyz[0] - frame.left) * ppm - shift, (frame.top - xyz[1]) * ppm - shift,
                    below * (1.0 + bias) if bias else below, cloud.index[start:stop],
                    cloud.footprint(start, stop, ppm, width // scale), below >= 0)
    index, _ = unpack(fill_holes(zbuffer.finish()))
    pixels = pixel_attributes(cloud, index)
    z = np.zeros(index.shape, np.float32)
    z[pixels.hit] = cloud.xyz[2, torch.as_tensor(index[pixels.hit], device=cloud.xyz.device)].cpu().numpy()
    lower_is_darker = 0.72 + 0.28 * np.clip((z - memory.scene.floor_z) / 1.5, 0, 1)
    shade = np.where(pixels.hit, shading(pixels.normal, np.array([0, 0, -1], np.float32)) * lower_is_darker, 1.0)
    colours = surface_colours(pixels, cloud.labels, shade.astype(np.float32), mode == "semantic")
    return (colours.repeat(scale, axis=0).repeat(scale, axis=1), pixels.owner.repeat(scale, axis=0).repeat(scale, axis=1))


def footprint(box_corners: np.ndarray) -> np.ndarray:
    """(K, 2) convex hull, counter-clockwise, of a box's corners seen from above."""
    pts = sorted(set(map(tuple, np.round(box_corners[:, :2], 9))))
    if len(pts) < 3:
        return np.asarray(pts)

    def half(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        hull: list[tuple[float, float]] = []
        for p in points:
            while len(hull) >= 2 and _cross(hull[-2], hull[-1], p) <= 0:
                hull.pop()
            hull.append(p)
        return hull

    lower, upper = half(pts), half(pts[::-1])
    return np.asarray(lower[:-1] + upper[:-1])


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """z of (a − o) × (b − o): positive when o → a → b turns counter-clockwise."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _objects(canvas: ImageDraw.ImageDraw, memory: SpatialMemory, frame: BevRender, highlight: set[int],
             size: int) -> list[tuple[float, float, float, float]]:
    """Outline every box footprint and write its label where it collides with no earlier label; returns the label boxes."""
    counts = memory.label_counts()
    order = sorted(memory.objects, key=lambda o: (o.id in highlight, o.box.aabb()[1][2]))
    for obj in order:
        outline = [tuple(p) for p in frame.to_pixel(footprint(obj.box.corners()))]
        if obj.id in highlight:
            canvas.polygon(outline, outline=draw.INK, width=8)
            canvas.polygon(outline, outline=HIGHLIGHT, width=4)
        else:
            edge = tuple(int(c * 0.55) for c in label_colour(obj.label))
            canvas.polygon(outline, outline=edge, width=2)
    placed: list[tuple[float, float, float, float]] = []
    for obj in sorted(memory.objects, key=lambda o: (o.id not in highlight, -o.box.volume())):
        name = obj.label if counts[obj.label] == 1 else f"{obj.label} {obj.id}"
        _place_label(canvas, frame.to_pixel(obj.box.c[None, :2])[0], name, size, placed, obj.id in highlight)
    return placed


def _place_label(canvas: ImageDraw.ImageDraw, at: np.ndarray, name: str, size: int,
                 placed: list[tuple[float, float, float, float]], bold: bool) -> None:
    """Write `name` at the first of a few spots around `at` that overlaps no earlier label."""
    step = size * 1.1
    for dx, dy in ((0, 0), (0, -step), (0, step), (-step * 2, 0), (step * 2, 0), (0, -2 * step), (0, 2 * step)):
        xy = (float(at[0] + dx), float(at[1] + dy))
        box = draw.text_box(xy, name, size, bold=bold)
        if not any(_overlap(box, other) for other in placed):
            break
    else:
        xy = (float(at[0]), float(at[1]))
    placed.append(draw.text(canvas, xy, name, size, anchor="mm", bold=bold, halo=HIGHLIGHT if bold else draw.HALO))


def _overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _cameras(canvas: ImageDraw.ImageDraw, memory: SpatialMemory, frame: BevRender, size: int,
             placed: list[tuple[float, float, float, float]]) -> None:
    """The camera path, an arrow along each (sampled) camera's horizontal heading, and its frame index."""
    frames = memory.frames
    if not frames:
        return
    path = frame.to_pixel(np.array([f.position[:2] for f in frames]))
    if len(path) > 1:
        canvas.line([tuple(p) for p in path], fill=CAMERA, width=1)
    shown = np.unique(np.linspace(0, len(frames) - 1, min(len(frames), MAX_CAMERA_ARROWS)).round().astype(int))
    length = max(0.35 * frame.pixels_per_metre, 3 * size)
    for i in shown:
        forward = frames[i].forward[:2]
        norm = float(np.hypot(*forward))
        start = path[i]
        if norm < 1e-6:
            canvas.ellipse((start[0] - 4, start[1] - 4, start[0] + 4, start[1] + 4), fill=CAMERA)
            continue
        d = np.array([forward[0], -forward[1]]) / norm
        end = start + length * d
        draw.arrow(canvas, tuple(start), tuple(end), CAMERA, width=2, head=size * 0.7)
        _place_label(canvas, start - 0.6 * size * d, str(frames[i].index), max(9, size - 2), placed, False)


def _furniture(canvas: ImageDraw.ImageDraw, memory: SpatialMemory, frame: BevRender, mode: str, n_highlight: int,
               size: int, width: int, height: int) -> None:
    """Title, scale bar and axes sign."""
    title = f"top-down map ({mode}): {len(memory.objects)} objects, {len(memory.frames)} cameras"
    if n_highlight:
        title += f", {n_highlight} highlighted"
    draw.text(canvas, (8, HEADER / 2), title, size, anchor="lm", bold=True)
    bottom = HEADER + height - 1.6 * size
    draw.scale_bar(canvas, (12, bottom), frame.pixels_per_metre, width / 4, size)
    ox, oy, arm = width - 2.2 * size, bottom + size / 4, 2.2 * size
    draw.arrow(canvas, (ox - arm, oy), (ox, oy), draw.INK, width=2, head=size * 0.6)
    draw.arrow(canvas, (ox - arm, oy), (ox - arm, oy - arm), draw.INK, width=2, head=size * 0.6)
    draw.text(canvas, (ox + size * 0.2, oy), "x", size, anchor="lm")
    draw.text(canvas, (ox - arm, oy - arm - size * 0.2), "y", size, anchor="mb")
