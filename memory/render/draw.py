"""Drawing on renders with Pillow: legible text, legends, arrows, scale bars.

Text uses DejaVu Sans when the system has it (crisp at small sizes), else
Pillow's built-in scalable font; every label gets a white halo so it stays
readable over any colour.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
INK: Colour = (20, 20, 20)
HALO: Colour = (255, 255, 255)


@functools.lru_cache(maxsize=16)
def font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans at `size` pixels, else Pillow's default font at that size."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    except OSError:
        try:
            return ImageFont.load_default(size=size)
        except TypeError:  # Pillow built without FreeType
            return ImageFont.load_default()


def text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], words: str, size: int, fill: Colour = INK,
         anchor: str = "la", bold: bool = False, halo: Colour = HALO) -> tuple[float, float, float, float]:
    """Draw `words` with a halo; returns its bounding box (x0, y0, x1, y1)."""
    face = font(size, bold)
    stroke = max(1, size // 7)
    draw.text(xy, words, fill=fill, font=face, anchor=anchor, stroke_width=stroke, stroke_fill=halo)
    return draw.textbbox(xy, words, font=face, anchor=anchor, stroke_width=stroke)


def text_box(xy: tuple[float, float], words: str, size: int, anchor: str = "mm", bold: bool = False) -> tuple[float, float, float, float]:
    """The bounding box `text` would fill, without drawing."""
    probe = ImageDraw.Draw(Image.new("1", (1, 1)))
    return probe.textbbox(xy, words, font=font(size, bold), anchor=anchor, stroke_width=max(1, size // 7))


def legend(image: Image.Image, entries: Sequence[tuple[str, Colour]], size: int, corner: str = "top-left") -> None:
    """A key of colour swatches and names in a corner, on a translucent white panel."""
    if not entries:
        return
    face = font(size)
    pad, swatch, gap = size // 2, size, size // 3
    widths = [ImageDraw.Draw(image).textlength(name, font=face) for name, _ in entries]
    w = int(pad * 2 + swatch + gap + max(widths))
    h = int(pad * 2 + len(entries) * (size + gap) - gap)
    x0 = pad if corner.endswith("left") else image.width - w - pad
    y0 = pad if corner.startswith("top") else image.height - h - pad
    panel = Image.new("RGBA", image.size, (0, 0, 0, 0))
    pd = ImageDraw.Draw(panel)
    pd.rounded_rectangle((x0, y0, x0 + w, y0 + h), radius=pad, fill=(255, 255, 255, 215), outline=(120, 120, 120, 255))
    image.paste(Image.alpha_composite(image.convert("RGBA"), panel).convert("RGB"))
    draw = ImageDraw.Draw(image)
    for k, (name, colour) in enumerate(entries):
        y = y0 + pad + k * (size + gap)
        draw.rectangle((x0 + pad, y, x0 + pad + swatch, y + size), fill=colour, outline=INK)
        draw.text((x0 + pad + swatch + gap, y + size / 2), name, fill=INK, font=face, anchor="lm")


def arrow(draw: ImageDraw.ImageDraw, start: tuple[float, float], end: tuple[float, float], colour: Colour,
          width: int = 2, head: float = 8.0) -> None:
    """A line from `start` to `end` with a filled head at `end`."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    base = (end[0] - head * ux, end[1] - head * uy)
    draw.line([start, base], fill=colour, width=width)
    side = head * 0.55
    draw.polygon([end, (base[0] - side * uy, base[1] + side * ux), (base[0] + side * uy, base[1] - side * ux)], fill=colour)


def nice_length(target: float) -> float:
    """The 1–2–5 number nearest below `target` (metres for a scale bar)."""
    exponent = math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * 10**exponent <= target:
            return step * 10**exponent
    return 10**exponent


def scale_bar(draw: ImageDraw.ImageDraw, origin: tuple[float, float], pixels_per_metre: float, max_pixels: float, size: int) -> None:
    """A black-and-white bar of a round number of metres, its left end at `origin`, with its length written."""
    metres = nice_length(max_pixels / pixels_per_metre)
    x0, y0 = origin
    length = metres * pixels_per_metre
    half = length / 2
    draw.rectangle((x0, y0, x0 + half, y0 + size / 2), fill=INK, outline=INK)
    draw.rectangle((x0 + half, y0, x0 + length, y0 + size / 2), fill=HALO, outline=INK)
    label = f"{metres:g} m"
    text(draw, (x0 + length + size / 2, y0 + size / 4), label, size, anchor="lm")
