"""Colours of renders: a stable colour per label, a depth colour map, and shading from depth.

Label colours come from a CRC-32 of the lower-cased label, so the same
category has the same colour in every render, map and run (Python's `hash`
is salted per process). Images are (H, W, 3) uint8.
"""

from __future__ import annotations

import colorsys
import zlib

import numpy as np

#: Colour of scene points (no object) in semantic mode, and of empty pixels.
SCENE_GREY = (150, 150, 150)
BACKGROUND = (255, 255, 255)

# Polynomial fit of the Turbo colour map (Mikhailov 2019), t in [0, 1] → RGB in [0, 1].
_TURBO = np.array([
    [0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943],
    [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604],
    [0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973],
])


def label_colour(label: str) -> tuple[int, int, int]:
    """A saturated colour fixed by the label's text (case and surrounding spaces ignored)."""
    h = zlib.crc32(label.strip().lower().encode("utf-8"))
    hue = (h & 0xFFFF) / 0x10000
    saturation = 0.55 + 0.35 * ((h >> 16) & 0xFF) / 255
    value = 0.75 + 0.2 * ((h >> 24) & 0xFF) / 255
    r, g, b = colorsys.hsv_to_rgb(hue, saturation, value)
    return int(r * 255), int(g * 255), int(b * 255)


def palette(labels: tuple[str, ...] | list[str]) -> np.ndarray:
    """(len(labels) + 1, 3) uint8: row i + 1 is label i's colour, row 0 the scene grey (label −1)."""
    rows = [SCENE_GREY, *(label_colour(label) for label in labels)]
    return np.asarray(rows, dtype=np.uint8)


def turbo(t: np.ndarray) -> np.ndarray:
    """(…, 3) uint8 Turbo colours of values `t` in [0, 1] (clipped)."""
    t = np.clip(np.asarray(t, np.float64), 0.0, 1.0)[..., None]
    powers = t ** np.arange(6)
    return (np.clip(powers @ _TURBO.T, 0.0, 1.0) * 255).astype(np.uint8)


def depth_colours(depth: np.ndarray, near: float, far: float) -> np.ndarray:
    """(H, W, 3) uint8: near surfaces red, far ones blue (Turbo), nothing (depth 0) white."""
    t = 1.0 - (depth - near) / max(far - near, 1e-6)
    out = turbo(t)
    out[depth <= 0] = BACKGROUND
    return out


def shading(normal: np.ndarray, rays: np.ndarray) -> np.ndarray:
    """(H, W) float32 in [0.55, 1]: Lambert shading under a head-light; 1 where the normal is unknown (zero).

    normal: (H, W, 3) world unit normals; rays: (H, W, 3) or (3,) world unit
    viewing directions. Gives flat-coloured surfaces (semantic colours,
    ground-truth boxes) their shape.
    """
    cosine = np.abs((normal * rays).sum(-1))
    known = np.abs(normal).sum(-1) > 0
    return np.where(known, 0.55 + 0.45 * cosine, 1.0).astype(np.float32)
