"""Walkable floor: a 10 cm grid of cells clear of walls and furniture, and its connected parts.

A cell is walkable when its centre is inside the room, `WALL_CLEARANCE` from
every wall and `OBJECT_CLEARANCE` from every floor object's footprint. The
layout uses `WalkGuard` so furniture never cuts the room into pockets a
person could not reach; the camera path walks the largest connected part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from reasmory.synth.model import PlacedObject, SynthScene
from reasmory.synth.plane import points_in_polygon, points_to_rect, points_to_segments, polygon_edges
from reasmory.synth.room import Room

CELL = 0.1
WALL_CLEARANCE = 0.45
OBJECT_CLEARANCE = 0.3
MIN_FREE_CELLS = 30
#: A new floor object may not leave less than this share of the walkable cells in the largest connected part.
CONNECTED_SHARE = 0.9


class NoFreeSpace(Exception):
    """The layout leaves too little room to walk; the caller tries another layout."""


@dataclass
class FreeSpace:
    """Walkable cells: boolean mask (ny, nx), clearance in metres beyond the required one, grid origin (2,)."""

    mask: np.ndarray
    clearance: np.ndarray
    origin: np.ndarray

    def centre(self, iy: np.ndarray, ix: np.ndarray) -> np.ndarray:
        return self.origin + CELL * (np.stack([ix, iy], axis=-1) + 0.5)


class WalkGuard:
    """Tracks clearance on the grid as floor objects are added; refuses ones that cut off floor."""

    def __init__(self, room: Room) -> None:
        lo, hi = room.bounds
        self.shape = tuple(int(n) for n in np.ceil((hi - lo) / CELL))[::-1]
        iy, ix = np.mgrid[0 : self.shape[0], 0 : self.shape[1]]
        self.origin = lo
        self.points = lo + CELL * (np.stack([ix.ravel(), iy.ravel()], axis=1) + 0.5)
        self.inside = points_in_polygon(self.points, room.polygon)
        self.clear = points_to_segments(self.points, *polygon_edges(room.polygon)).min(axis=1) - WALL_CLEARANCE

    def _with(self, obj: PlacedObject) -> np.ndarray:
        d = points_to_rect(self.points, obj.center[:2], obj.extents[:2] / 2, obj.yaw) - OBJECT_CLEARANCE
        return np.minimum(self.clear, d)

    def _parts(self, clear: np.ndarray) -> tuple[np.ndarray, int]:
        mask = (self.inside & (clear >= 0)).reshape(self.shape)
        labels, n = ndimage.label(mask)
        return labels, n

    def allows(self, obj: PlacedObject) -> bool:
        """Whether the walkable floor stays (mostly) one connected piece with `obj` added."""
        labels, n = self._parts(self._with(obj))
        if n == 0:
            return False
        sizes = np.bincount(labels.ravel())[1:]
        return sizes.max() >= CONNECTED_SHARE * sizes.sum() and sizes.max() >= MIN_FREE_CELLS

    def add(self, obj: PlacedObject) -> None:
        self.clear = self._with(obj)

    def free_space(self) -> FreeSpace:
        """The largest connected walkable part."""
        labels, n = self._parts(self.clear)
        if n == 0:
            raise NoFreeSpace("no walkable floor")
        sizes = np.bincount(labels.ravel())[1:]
        mask = labels == 1 + int(np.argmax(sizes))
        if mask.sum() < MIN_FREE_CELLS:
            raise NoFreeSpace(f"only {int(mask.sum())} walkable cells")
        return FreeSpace(mask, np.maximum(self.clear.reshape(self.shape), 0.0), self.origin)


def free_space(scene: SynthScene) -> FreeSpace:
    """The largest connected walkable part of a furnished scene."""
    guard = WalkGuard(scene.room)
    for obj in scene.objects:
        if obj.support == "floor":
            guard.add(obj)
    return guard.free_space()
