"""Box-ish object shapes: each category is a union of axis-aligned boxes in its own frame.

Local frame: origin at the centre of the footprint on the floor (or on the
supporting surface), x along `length`, y along `depth` with the front at +y,
z up. Every builder fills the full `length × depth × height` bounds, so the
tight box of the mesh is exactly the requested size. Support surfaces are the
flat tops other objects may rest on (x0, x1, y0, y1, z) in the same frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Part = tuple[tuple[float, float, float], tuple[float, float, float]]
Surface = tuple[float, float, float, float, float]


@dataclass(frozen=True)
class Shape:
    """Parts (min corner, max corner) and support surfaces of one object, in its local frame."""

    parts: tuple[Part, ...]
    surfaces: tuple[Surface, ...] = ()

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lo = np.min([p[0] for p in self.parts], axis=0)
        hi = np.max([p[1] for p in self.parts], axis=0)
        return lo, hi


def _box(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> Part:
    return (x0, y0, z0), (x1, y1, z1)


def _legs(l: float, d: float, h: float, t: float, inset: float) -> list[Part]:
    xs = (-l / 2 + inset, l / 2 - inset - t)
    ys = (-d / 2 + inset, d / 2 - inset - t)
    return [_box(x, x + t, y, y + t, 0.0, h) for x in xs for y in ys]


def box(l: float, d: float, h: float) -> Shape:
    return Shape((_box(-l / 2, l / 2, -d / 2, d / 2, 0, h),), ((-l / 2, l / 2, -d / 2, d / 2, h),))


def table(l: float, d: float, h: float) -> Shape:
    top = 0.04
    parts = [_box(-l / 2, l / 2, -d / 2, d / 2, h - top, h), *_legs(l, d, h - top, 0.05, 0.04)]
    return Shape(tuple(parts), ((-l / 2, l / 2, -d / 2, d / 2, h),))


def chair(l: float, d: float, h: float) -> Shape:
    seat = 0.45
    parts = [_box(-l / 2, l / 2, -d / 2, d / 2, seat - 0.05, seat), *_legs(l, d, seat - 0.05, 0.04, 0.02),
             _box(-l / 2, l / 2, -d / 2, -d / 2 + 0.05, seat, h)]
    return Shape(tuple(parts))


def stool(l: float, d: float, h: float) -> Shape:
    parts = [_box(-l / 2, l / 2, -d / 2, d / 2, h - 0.05, h), *_legs(l, d, h - 0.05, 0.04, 0.03)]
    return Shape(tuple(parts))


def sofa(l: float, d: float, h: float) -> Shape:
    seat, arm, back = 0.42, 0.16, 0.22
    parts = [
        _box(-l / 2 + arm, l / 2 - arm, -d / 2 + back, d / 2, 0, seat),
        _box(-l / 2, l / 2, -d / 2, -d / 2 + back, 0, h),
        _box(-l / 2, -l / 2 + arm, -d / 2 + back, d / 2, 0, 0.62),
        _box(l / 2 - arm, l / 2, -d / 2 + back, d / 2, 0, 0.62),
    ]
    return Shape(tuple(parts), ((-l / 2 + arm, l / 2 - arm, -d / 2 + back, d / 2, seat),))


def bed(l: float, d: float, h: float) -> Shape:
    mattress, board = 0.52, 0.06
    parts = [_box(-l / 2, l / 2, -d / 2 + board, d / 2, 0, mattress), _box(-l / 2, l / 2, -d / 2, -d / 2 + board, 0, h)]
    return Shape(tuple(parts), ((-l / 2, l / 2, -d / 2 + board, d / 2, mattress),))


def shelf(l: float, d: float, h: float) -> Shape:
    t = 0.03
    parts = [_box(-l / 2, -l / 2 + t, -d / 2, d / 2, 0, h), _box(l / 2 - t, l / 2, -d / 2, d / 2, 0, h),
             _box(-l / 2 + t, l / 2 - t, -d / 2, -d / 2 + 0.015, 0, h)]
    levels = max(3, int(h / 0.38))
    parts += [_box(-l / 2 + t, l / 2 - t, -d / 2, d / 2, z, z + t) for z in np.linspace(0, h - t, levels)]
    return Shape(tuple(parts), ((-l / 2, l / 2, -d / 2, d / 2, h),))


def stove(l: float, d: float, h: float) -> Shape:
    body = h - 0.02
    burners = [_box(x - 0.08, x + 0.08, y - 0.08, y + 0.08, body, h) for x in (-l / 4, l / 4) for y in (-d / 4, d / 4)]
    return Shape((_box(-l / 2, l / 2, -d / 2, d / 2, 0, body), *burners))


def sink(l: float, d: float, h: float) -> Shape:
    body, rim = h - 0.06, 0.06
    parts = [_box(-l / 2, l / 2, -d / 2, d / 2, 0, body),
             _box(-l / 2, l / 2, -d / 2, -d / 2 + rim, body, h), _box(-l / 2, l / 2, d / 2 - rim, d / 2, body, h),
             _box(-l / 2, -l / 2 + rim, -d / 2, d / 2, body, h), _box(l / 2 - rim, l / 2, -d / 2, d / 2, body, h)]
    return Shape(tuple(parts))


def toilet(l: float, d: float, h: float) -> Shape:
    tank = 0.2
    parts = [_box(-l / 2, l / 2, -d / 2, -d / 2 + tank, 0, h),
             _box(-l / 2 + 0.03, l / 2 - 0.03, -d / 2 + tank, d / 2, 0, 0.42)]
    return Shape(tuple(parts))


def bathtub(l: float, d: float, h: float) -> Shape:
    t = 0.08
    parts = [_box(-l / 2, l / 2, -d / 2, d / 2, 0, 0.1),
             _box(-l / 2, l / 2, -d / 2, -d / 2 + t, 0.1, h), _box(-l / 2, l / 2, d / 2 - t, d / 2, 0.1, h),
             _box(-l / 2, -l / 2 + t, -d / 2 + t, d / 2 - t, 0.1, h),
             _box(l / 2 - t, l / 2, -d / 2 + t, d / 2 - t, 0.1, h)]
    return Shape(tuple(parts))


def plant(l: float, d: float, h: float) -> Shape:
    pot = min(0.35, 0.35 * h)
    pl, pd = 0.55 * l, 0.55 * d
    return Shape((_box(-pl / 2, pl / 2, -pd / 2, pd / 2, 0, pot), _box(-l / 2, l / 2, -d / 2, d / 2, pot, h)))


def lamp(l: float, d: float, h: float) -> Shape:
    shade = min(0.35, 0.3 * h)
    return Shape((_box(-l / 3, l / 3, -d / 3, d / 3, 0, 0.03), _box(-0.015, 0.015, -0.015, 0.015, 0.03, h - shade),
                  _box(-l / 2, l / 2, -d / 2, d / 2, h - shade, h)))


def tv(l: float, d: float, h: float) -> Shape:
    return Shape((_box(-l / 2, l / 2, -d / 2, d / 2, 0, h),))


def monitor(l: float, d: float, h: float) -> Shape:
    screen = 0.75 * h
    return Shape((_box(-0.12, 0.12, -d / 2, d / 2, 0, 0.02), _box(-0.03, 0.03, -d / 2, -d / 2 + 0.03, 0.02, h - screen),
                  _box(-l / 2, l / 2, -d / 2, -d / 2 + 0.03, h - screen, h)))


def laptop(l: float, d: float, h: float) -> Shape:
    return Shape((_box(-l / 2, l / 2, -d / 2, d / 2, 0, 0.02), _box(-l / 2, l / 2, -d / 2, -d / 2 + 0.012, 0.02, h)))


def backpack(l: float, d: float, h: float) -> Shape:
    pocket = _box(-l / 3, l / 3, d / 2 - 0.06, d / 2, 0.05, 0.55 * h)
    return Shape((_box(-l / 2, l / 2, -d / 2, d / 2 - 0.06, 0, h), pocket))


def door(l: float, d: float, h: float) -> Shape:
    handle = _box(l / 2 - 0.15, l / 2 - 0.07, d / 2 - 0.02, d / 2, 0.95, 1.0)
    return Shape((_box(-l / 2, l / 2, -d / 2, d / 2 - 0.02, 0, h), handle))


def window(l: float, d: float, h: float) -> Shape:
    f = 0.06
    frame = [_box(-l / 2, l / 2, -d / 2, d / 2, 0, f), _box(-l / 2, l / 2, -d / 2, d / 2, h - f, h),
             _box(-l / 2, -l / 2 + f, -d / 2, d / 2, f, h - f), _box(l / 2 - f, l / 2, -d / 2, d / 2, f, h - f),
             _box(-f / 2, f / 2, -d / 2, d / 2, f, h - f)]
    return Shape((*frame, _box(-l / 2 + f, l / 2 - f, -d / 2, -d / 2 + 0.01, f, h - f)))


BUILDERS: dict[str, Callable[[float, float, float], Shape]] = {
    f.__name__: f for f in (box, table, chair, stool, sofa, bed, shelf, stove, sink, toilet, bathtub, plant, lamp, tv,
                            monitor, laptop, backpack, door, window)
}


def build(shape: str, length: float, depth: float, height: float) -> Shape:
    """The shape `shape` at the given size (metres)."""
    return BUILDERS[shape](length, depth, height)
