"""Procedural rooms: rectangular or L-shaped floors with walls and a ceiling.

A room is an axis-aligned floor polygon (counter-clockwise, metres, one
corner at the origin, floor at z = 0) made of one or two rectangles, and a
ceiling height. Walls are the polygon's edges; each knows its inward normal,
which is what furniture backs onto and what doors and windows hang on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from reasmory.synth.plane import polygon_area

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Wall:
    """One wall: from `start` to `end` along the floor, with the room on its left."""

    index: int
    start: np.ndarray
    end: np.ndarray

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.end - self.start))

    @property
    def tangent(self) -> np.ndarray:
        return (self.end - self.start) / self.length

    @property
    def normal(self) -> np.ndarray:
        """Unit normal pointing into the room (the left of a counter-clockwise edge)."""
        t = self.tangent
        return np.array([-t[1], t[0]])

    @property
    def yaw_facing_in(self) -> float:
        """Yaw that turns an object's front (local +y) to face into the room."""
        n = self.normal
        return float(np.arctan2(-n[0], n[1]))


@dataclass(frozen=True)
class Room:
    """Floor polygon (M, 2), the rectangles that tile it, and the ceiling height (m)."""

    kind: Literal["rectangle", "L"]
    polygon: np.ndarray
    rects: tuple[Rect, ...]
    height: float

    @property
    def area(self) -> float:
        return polygon_area(self.polygon)

    @property
    def walls(self) -> list[Wall]:
        poly = self.polygon
        return [Wall(i, poly[i], poly[(i + 1) % len(poly)]) for i in range(len(poly))]

    @property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.polygon.min(axis=0), self.polygon.max(axis=0)


def rectangle_room(width: float, depth: float, height: float) -> Room:
    poly = np.array([[0, 0], [width, 0], [width, depth], [0, depth]], dtype=np.float64)
    return Room("rectangle", poly, ((0.0, 0.0, width, depth),), height)


def l_room(width: float, depth: float, cut_w: float, cut_d: float, height: float) -> Room:
    """An L: the `width × depth` rectangle with its top-right `cut_w × cut_d` corner removed."""
    w, d, cx, cy = width, depth, width - cut_w, depth - cut_d
    poly = np.array([[0, 0], [w, 0], [w, cy], [cx, cy], [cx, d], [0, d]], dtype=np.float64)
    return Room("L", poly, ((0.0, 0.0, w, cy), (0.0, cy, cx, d)), height)


def random_room(rng: np.random.Generator) -> Room:
    """A rectangular room (60%) or an L-shaped one, 14–45 m², 2.5–3.0 m high."""
    height = float(rng.uniform(2.5, 3.0))
    if rng.random() < 0.6:
        return rectangle_room(float(rng.uniform(4.0, 7.0)), float(rng.uniform(3.6, 6.0)), height)
    width, depth = float(rng.uniform(5.5, 8.0)), float(rng.uniform(5.0, 7.0))
    room = l_room(width, depth, float(rng.uniform(0.35, 0.5)) * width, float(rng.uniform(0.35, 0.5)) * depth, height)
    turns = int(rng.integers(4))
    return _turned(room, turns) if turns else room


def _turned(room: Room, quarter_turns: int) -> Room:
    """The room turned by quarter turns about the origin, then shifted back to start at (0, 0)."""
    rot = np.linalg.matrix_power(np.array([[0.0, -1.0], [1.0, 0.0]]), quarter_turns)
    poly = room.polygon @ rot.T
    shift = -poly.min(axis=0)
    poly = poly + shift
    rects = []
    for x0, y0, x1, y1 in room.rects:
        corners = np.array([[x0, y0], [x1, y1]]) @ rot.T + shift
        lo, hi = corners.min(axis=0), corners.max(axis=0)
        rects.append((float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])))
    return Room(room.kind, poly, tuple(rects), room.height)
