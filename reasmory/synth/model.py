"""The generated scene in memory: a room and placed objects with their meshes' parts.

World: z up, metres, floor at z = 0. An object's `origin` is its local
frame's origin (footprint centre on its resting surface); its ground-truth box
is the tight box of its parts, turned by `yaw` (radians, counter-clockwise
from above) — gravity-aligned by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reasmory.synth.categories import CATEGORIES, Category
from reasmory.synth.plane import rect_corners
from reasmory.synth.room import Room
from reasmory.synth.shapes import Shape

#: What an object rests on: the floor, a wall (doors, windows, wall-hung things) or another object's id.
Support = str | int


@dataclass
class PlacedObject:
    """One object instance: category, size, pose and what holds it up."""

    id: int
    label: str
    shape: Shape
    origin: np.ndarray
    yaw: float
    support: Support
    wall: int | None = None

    @property
    def category(self) -> Category:
        return CATEGORIES[self.label]

    @property
    def rotation(self) -> np.ndarray:
        """3×3 rotation, columns = the object's axes in world coordinates."""
        c, s = np.cos(self.yaw), np.sin(self.yaw)
        return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

    @property
    def extents(self) -> np.ndarray:
        lo, hi = self.shape.bounds()
        return hi - lo

    @property
    def center(self) -> np.ndarray:
        lo, hi = self.shape.bounds()
        return self.origin + self.rotation @ ((lo + hi) / 2)

    @property
    def z_range(self) -> tuple[float, float]:
        lo, hi = self.shape.bounds()
        return float(self.origin[2] + lo[2]), float(self.origin[2] + hi[2])

    def footprint(self) -> np.ndarray:
        """(4, 2) corners of the ground-truth box seen from above."""
        return rect_corners(self.center[:2], self.extents[:2] / 2, self.yaw)

    def to_world(self, local: np.ndarray) -> np.ndarray:
        """Local points (N, 3) to world coordinates."""
        return self.origin + np.asarray(local, np.float64) @ self.rotation.T


@dataclass
class Keepout:
    """Floor space that must stay free (in front of doors): a footprint rectangle."""

    corners: np.ndarray


@dataclass
class SynthScene:
    """A room, its objects, and floor areas kept free."""

    name: str
    seed: int
    room: Room
    objects: list[PlacedObject] = field(default_factory=list)
    keepouts: list[Keepout] = field(default_factory=list)

    def by_id(self, obj_id: int) -> PlacedObject:
        return next(o for o in self.objects if o.id == obj_id)
