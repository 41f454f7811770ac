"""The category library: VSI-Bench labels with realistic sizes, colours, textures and placement rules.

Sizes are full extents in metres of the object's own frame: `length` along
local x (the side that runs along a wall), `depth` along local y (local +y is
the object's front), `height` along z. Every category has its own colour and
texture pattern so that renders are easy to tell apart and feature matching
finds texture on every surface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Range = tuple[float, float]
#: How an instance may be placed: against a wall on the floor, anywhere on the
#: floor, hung on a wall at a height, in a wall like a door, or on another object.
Placement = Literal["wall", "free", "mounted", "door", "on"]
Pattern = Literal["checker", "stripes", "noise", "grid"]


@dataclass(frozen=True)
class Category:
    """One object category: label string exactly as VSI-Bench spells it, plus how to build and place it."""

    label: str
    length: Range
    depth: Range
    height: Range
    colour: tuple[int, int, int]
    pattern: Pattern
    placements: tuple[Placement, ...]
    shape: str = "box"
    supports: tuple[str, ...] = ()
    mount_z: Range = (0.0, 0.0)
    pattern_scale: float = 0.12


def _c(label: str, l: Range, d: Range, h: Range, colour: tuple[int, int, int], pattern: Pattern,
       placements: tuple[Placement, ...], **kw: object) -> Category:
    return Category(label, l, d, h, colour, pattern, placements, **kw)  # type: ignore[arg-type]


_LIST = [
    _c("sofa", (1.6, 2.4), (0.8, 1.0), (0.75, 0.95), (142, 58, 52), "grid", ("wall", "free"), shape="sofa"),
    _c("bed", (0.95, 1.8), (1.95, 2.15), (0.9, 1.2), (70, 96, 160), "stripes", ("wall",), shape="bed"),
    _c("table", (0.8, 1.7), (0.6, 0.95), (0.42, 0.78), (150, 110, 60), "stripes", ("free", "wall"), shape="table"),
    _c("chair", (0.42, 0.55), (0.45, 0.55), (0.8, 1.0), (40, 130, 120), "checker", ("free",), shape="chair"),
    _c("stool", (0.32, 0.45), (0.32, 0.45), (0.45, 0.72), (200, 160, 40), "checker", ("free",), shape="stool"),
    _c("cabinet", (0.6, 1.6), (0.4, 0.6), (0.6, 1.0), (120, 80, 50), "grid", ("wall",), shape="box"),
    _c("nightstand", (0.4, 0.6), (0.35, 0.45), (0.45, 0.65), (165, 120, 90), "grid", ("wall",), shape="box"),
    _c("shelf", (0.6, 1.2), (0.3, 0.4), (1.2, 2.0), (95, 70, 45), "stripes", ("wall",), shape="shelf"),
    _c("refrigerator", (0.6, 0.9), (0.6, 0.75), (1.6, 1.9), (210, 214, 220), "noise", ("wall",), shape="box"),
    _c("stove", (0.5, 0.8), (0.55, 0.65), (0.85, 0.95), (60, 60, 66), "checker", ("wall",), shape="stove"),
    _c("sink", (0.5, 1.0), (0.45, 0.6), (0.8, 0.92), (180, 190, 205), "grid", ("wall",), shape="sink"),
    _c("washer", (0.58, 0.62), (0.55, 0.65), (0.82, 0.88), (235, 235, 225), "noise", ("wall",), shape="box"),
    _c("toilet", (0.36, 0.45), (0.62, 0.75), (0.7, 0.85), (240, 240, 245), "noise", ("wall",), shape="toilet"),
    _c("bathtub", (1.5, 1.8), (0.7, 0.8), (0.45, 0.6), (225, 230, 240), "grid", ("wall",), shape="bathtub"),
    _c("trash bin", (0.25, 0.4), (0.25, 0.35), (0.3, 0.7), (60, 150, 60), "stripes", ("free", "wall"), shape="box"),
    _c("plant", (0.35, 0.7), (0.35, 0.7), (0.5, 1.5), (40, 170, 70), "noise", ("free", "wall"), shape="plant"),
    _c("lamp", (0.28, 0.45), (0.28, 0.45), (1.4, 1.8), (230, 200, 90), "stripes", ("free",), shape="lamp"),
    _c("tv", (0.8, 1.45), (0.05, 0.08), (0.5, 0.85), (25, 25, 35), "grid", ("mounted", "on"), shape="tv",
       supports=("cabinet",), mount_z=(0.95, 1.25)),
    _c("door", (0.8, 1.0), (0.04, 0.05), (2.0, 2.1), (170, 130, 90), "stripes", ("door",), shape="door"),
    _c("window", (0.8, 1.6), (0.06, 0.08), (1.0, 1.4), (150, 200, 235), "grid", ("mounted",), shape="window",
       mount_z=(0.8, 1.0)),
    _c("whiteboard", (1.2, 2.0), (0.04, 0.06), (0.9, 1.2), (245, 245, 240), "checker", ("mounted",),
       shape="box", mount_z=(0.8, 1.0), pattern_scale=0.2),
    _c("heater", (0.6, 1.2), (0.08, 0.12), (0.45, 0.65), (200, 200, 210), "stripes", ("mounted",), shape="box",
       mount_z=(0.1, 0.15), pattern_scale=0.05),
    _c("monitor", (0.5, 0.7), (0.18, 0.24), (0.4, 0.55), (30, 40, 70), "checker", ("on",), shape="monitor",
       supports=("table",)),
    _c("keyboard", (0.4, 0.46), (0.13, 0.16), (0.02, 0.035), (90, 90, 100), "grid", ("on",), supports=("table",),
       pattern_scale=0.03),
    _c("laptop", (0.3, 0.38), (0.22, 0.26), (0.2, 0.26), (120, 125, 135), "checker", ("on",), shape="laptop",
       supports=("table",), pattern_scale=0.05),
    _c("microwave", (0.45, 0.55), (0.35, 0.4), (0.26, 0.32), (160, 40, 40), "grid", ("on",),
       supports=("cabinet", "table"), pattern_scale=0.06),
    _c("pillow", (0.4, 0.6), (0.3, 0.45), (0.12, 0.2), (220, 120, 170), "checker", ("on",),
       supports=("sofa", "bed"), pattern_scale=0.07),
    _c("backpack", (0.28, 0.38), (0.16, 0.24), (0.38, 0.5), (230, 110, 30), "stripes", ("free", "on"),
       shape="backpack", supports=("table", "bed", "sofa"), pattern_scale=0.05),
]

CATEGORIES: dict[str, Category] = {c.label: c for c in _LIST}

#: Groups of categories that make a room part (living area, kitchen, …): label → (min, max) instances.
THEMES: dict[str, dict[str, tuple[int, int]]] = {
    "living": {"sofa": (1, 2), "tv": (1, 1), "table": (1, 1), "lamp": (0, 1), "plant": (0, 2), "pillow": (1, 3),
               "shelf": (0, 1), "cabinet": (1, 1)},
    "bedroom": {"bed": (1, 1), "nightstand": (1, 2), "pillow": (1, 2), "cabinet": (0, 1), "backpack": (0, 1),
                "lamp": (0, 1)},
    "kitchen": {"refrigerator": (1, 1), "stove": (1, 1), "sink": (1, 1), "microwave": (0, 1), "cabinet": (1, 2),
                "table": (0, 1), "chair": (2, 4), "trash bin": (0, 1)},
    "office": {"table": (1, 2), "chair": (1, 3), "monitor": (1, 2), "keyboard": (0, 1), "laptop": (0, 1),
               "shelf": (0, 1), "trash bin": (0, 1), "backpack": (0, 1), "whiteboard": (0, 1)},
    "bathroom": {"toilet": (1, 1), "bathtub": (1, 1), "sink": (1, 1), "trash bin": (0, 1)},
    "dining": {"table": (1, 1), "chair": (2, 4), "stool": (0, 2), "plant": (0, 1), "washer": (0, 1)},
}

#: In every room: doors, windows and maybe a heater.
ALWAYS: dict[str, tuple[int, int]] = {"door": (1, 2), "window": (1, 3), "heater": (0, 1)}
