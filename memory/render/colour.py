"""Colours of renders: a stable colour per label, a depth colour map, and shading from surface normals.

Label colours are fixed by the lower-cased label: a table for the common
categories (all distinct), a CRC-32 into the same palette for the rest, so
a category has the same colour in every render, map and run (Python's
`hash` is salted per process). Images are (H, W, 3) uint8.
"""

from __future__ import annotations

import zlib

import numpy as np

#: Row 0 of `palette` (label −1, no object); semantic pictures show scene points in a grey of their own brightness.
SCENE_GREY = (150, 150, 150)
BACKGROUND = (255, 255, 255)
#: Colours of the categories of VSI-Bench and the synthetic scenes, all distinct, from Kelly's colours of maximum
#: contrast plus a few more; categories seen together (kitchen, living room, office) get different hue families.
COMMON: dict[str, tuple[int, int, int]] = {
    "chair": (243, 195, 0), "table": (0, 103, 165), "sofa": (135, 86, 146), "bed": (190, 0, 50),
    "cabinet": (136, 45, 23), "door": (194, 178, 128), "window": (161, 202, 241), "refrigerator": (0, 170, 170),
    "stove": (226, 88, 34), "sink": (230, 143, 172), "toilet": (96, 78, 151), "tv": (43, 61, 38),
    "lamp": (243, 132, 0), "plant": (0, 136, 86), "trash bin": (141, 182, 0), "shelf": (101, 69, 34),
    "pillow": (249, 147, 121), "monitor": (20, 30, 120), "bathtub": (90, 170, 230), "heater": (246, 166, 0),
    "stool": (179, 68, 108), "nightstand": (120, 120, 0), "washer": (170, 110, 255), "whiteboard": (220, 211, 0),
    "keyboard": (210, 40, 210), "laptop": (255, 110, 160), "microwave": (0, 90, 70), "backpack": (60, 210, 90),
}
#: Other labels hash into these.
PALETTE: tuple[tuple[int, int, int], ...] = tuple(COMMON.values())


# Polynomial fit of the Turbo colour map (Mikhailov 2019), t in [0, 1] → RGB in [0, 1].
_TURBO = np.array([
    [0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943],
    [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604],
    [0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973],
])


def label_colour(label: str) -> tuple[int, int, int]:
    """A colour fixed by the label's text: the common categories each have their own, others hash into the palette."""
    key = label.strip().lower()
    return COMMON.get(key) or PALETTE[zlib.crc32(key.encode("utf-8")) % len(PALETTE)]


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
    """(H, W, 3) uint8: near surfaces red, far ones blue (Turbo in 256 steps), nothing (depth 0) white."""
    t = 1.0 - (depth - near) / max(far - near, 1e-6)
    out = _TURBO_STEPS[np.clip(t * 255 + 0.5, 0, 255).astype(np.uint8)]
    out[depth <= 0] = BACKGROUND
    return out


def shading(normal: np.ndarray, rays: np.ndarray) -> np.ndarray:
    """(H, W) float32 in [0.55, 1]: Lambert shading under a head-light; 1 where the normal is unknown (zero).

    normal: (H, W, 3) world unit normals; rays: (H, W, 3) or (3,) world unit
    viewing directions. Gives flat-coloured surfaces (semantic colours,
    ground-truth boxes) their shape.
    """
    cosine = np.abs(normal @ rays if rays.ndim == 1 else np.einsum("...k,...k->...", normal, rays))
    return np.where(normal.any(axis=-1), 0.55 + 0.45 * cosine, 1.0).astype(np.float32)


_TURBO_STEPS = turbo(np.linspace(0.0, 1.0, 256))
