"""`preview.png`: a top-down layout beside a contact sheet of frames (colour over instance colouring).

For a person to check at a glance that a scene looks like a room: the floor
outline, every object's ground-truth footprint with its label, the camera path
with heading arrows, and a few frames with their instance maps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from reasmory.synth.model import SynthScene
from reasmory.synth.render import RenderedFrame
from reasmory.synth.trajectory import Trajectory

MAP_SIZE = 760
THUMB_W = 256
BACKGROUND = (250, 250, 248)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow built without FreeType
        return ImageFont.load_default()


def instance_colours(scene: SynthScene, ids: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8: each object in its category colour, shaded per instance; grey where none."""
    n = max((o.id for o in scene.objects), default=-1) + 2
    table = np.full((n, 3), 60, np.uint8)
    for o in scene.objects:
        shade = 0.65 + 0.35 * ((o.id * 0.618) % 1.0)
        table[o.id + 1] = np.clip(np.array(o.category.colour) * shade + 30, 0, 255).astype(np.uint8)
    return table[ids + 1]


def _to_px(xy: np.ndarray, lo: np.ndarray, scale: float, margin: int) -> list[tuple[float, float]]:
    p = (np.atleast_2d(xy) - lo) * scale
    return [(margin + x, MAP_SIZE - margin - y) for x, y in p]


def draw_layout(scene: SynthScene, traj: Trajectory) -> Image.Image:
    """The room from above, +y up: footprints with labels, the camera path with heading arrows."""
    img = Image.new("RGB", (MAP_SIZE, MAP_SIZE), BACKGROUND)
    draw = ImageDraw.Draw(img)
    lo, hi = scene.room.bounds
    margin = 30
    scale = (MAP_SIZE - 2 * margin) / float(max(hi - lo))
    draw.polygon(_to_px(scene.room.polygon, lo, scale, margin), fill=(226, 220, 206), outline=(40, 40, 40), width=3)
    order = sorted(scene.objects, key=lambda o: (o.support not in ("floor", "wall"), o.z_range[1]))
    for o in order:
        corners = _to_px(o.footprint(), lo, scale, margin)
        edge = (20, 20, 20) if o.support in ("floor", "wall") else (255, 255, 255)
        draw.polygon(corners, fill=tuple(int(c) for c in o.category.colour), outline=edge, width=2)
    font = _font(13)
    for o in order:
        x, y = _to_px(o.center[:2], lo, scale, margin)[0]
        draw.text((x, y), f"{o.label} {o.id}", fill=(0, 0, 0), font=font, anchor="mm", stroke_width=2,
                  stroke_fill=(255, 255, 255))
    pos = traj.poses[:, :2, 3]
    draw.line(_to_px(pos, lo, scale, margin), fill=(200, 30, 30), width=2)
    for i in np.linspace(0, len(pos) - 1, min(16, len(pos))).round().astype(int):
        fwd = traj.poses[i, :2, 2]
        fwd = fwd / max(float(np.linalg.norm(fwd)), 1e-9)
        a, b = _to_px(np.stack([pos[i], pos[i] + 0.45 * fwd]), lo, scale, margin)
        _arrow(draw, a, b, (200, 30, 30))
    sx, sy = _to_px(pos[0], lo, scale, margin)[0]
    draw.ellipse((sx - 6, sy - 6, sx + 6, sy + 6), fill=(30, 150, 30))
    title = (f"{scene.name}: {scene.room.kind} room, {scene.room.area:.1f} sq m, {len(scene.objects)} objects, "
             f"{len(traj.poses)} frames (green = start)")
    draw.text((margin, 8), title, fill=(0, 0, 0), font=font)
    return img


def _arrow(draw: ImageDraw.ImageDraw, a: tuple[float, float], b: tuple[float, float],
           colour: tuple[int, int, int]) -> None:
    draw.line([a, b], fill=colour, width=2)
    d = np.subtract(b, a)
    d = d / max(float(np.linalg.norm(d)), 1e-9)
    side = np.array([-d[1], d[0]])
    tip = np.array(b)
    head = [tuple(tip), tuple(tip - 9 * d + 5 * side), tuple(tip - 9 * d - 5 * side)]
    draw.polygon(head, fill=colour)


def contact_sheet(scene: SynthScene, frames: dict[int, RenderedFrame]) -> Image.Image:
    """Frames in columns of four: colour on top, instance colouring below, frame index on each."""
    items = sorted(frames.items())
    first = items[0][1].rgb
    th = round(THUMB_W * first.shape[0] / first.shape[1])
    cols = min(4, len(items))
    rows = -(-len(items) // cols)
    sheet = Image.new("RGB", (cols * THUMB_W, rows * 2 * th), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font = _font(14)
    for k, (index, frame) in enumerate(items):
        x, y = (k % cols) * THUMB_W, (k // cols) * 2 * th
        sheet.paste(Image.fromarray(frame.rgb).resize((THUMB_W, th)), (x, y))
        ids = Image.fromarray(instance_colours(scene, frame.instance)).resize((THUMB_W, th), Image.NEAREST)
        sheet.paste(ids, (x, y + th))
        draw.text((x + 4, y + 3), f"frame {index}", fill=(255, 255, 255), font=font, stroke_width=2,
                  stroke_fill=(0, 0, 0))
    return sheet


def write_preview(path: Path, scene: SynthScene, traj: Trajectory, frames: dict[int, RenderedFrame]) -> None:
    """Save the layout and the contact sheet side by side as one PNG."""
    layout = draw_layout(scene, traj)
    sheet = contact_sheet(scene, frames) if frames else Image.new("RGB", (1, 1), BACKGROUND)
    out = Image.new("RGB", (layout.width + sheet.width, max(layout.height, sheet.height)), BACKGROUND)
    out.paste(layout, (0, 0))
    out.paste(sheet, (layout.width, 0))
    out.save(path)
