"""Run-time values of the language, all immutable.

Number → float, Bool → bool, Text → str, List → tuple, Object → the memory's
ObjectInstance, and the small frozen classes below. Positions are world
metres (z up); headings are radians counter-clockwise from +x seen from above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from reasmory.memory.model import ObjectInstance


@dataclass(frozen=True)
class Point:
    """A position in the world, metres."""

    xyz: tuple[float, float, float]

    @property
    def array(self) -> np.ndarray:
        return np.asarray(self.xyz, dtype=np.float64)


@dataclass(frozen=True)
class ObjectSet:
    """A set of object instances (e.g. every chair), with the label it was asked for.

    `rows` (their rows in the memory's object index) and `labels` (their distinct labels, sorted) come with
    sets the memory made, so operations on large sets never touch each object in Python.
    """

    label: str
    objects: tuple[ObjectInstance, ...]
    rows: np.ndarray | None = field(default=None, compare=False, repr=False)
    labels: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.objects)


@dataclass(frozen=True)
class View:
    """A viewer: a position and a horizontal heading. `pose` is kept for camera views (rendering)."""

    position: tuple[float, float, float]
    heading: float
    origin: str
    frame: int | None = None
    pose: tuple[tuple[float, ...], ...] | None = field(default=None, repr=False)

    @property
    def xy(self) -> np.ndarray:
        return np.asarray(self.position[:2], dtype=np.float64)

    @property
    def heading_deg(self) -> float:
        return math.degrees(self.heading)

    @property
    def forward(self) -> np.ndarray:
        return np.array([math.cos(self.heading), math.sin(self.heading)])

    @property
    def left(self) -> np.ndarray:
        return np.array([-math.sin(self.heading), math.cos(self.heading)])


@dataclass(frozen=True)
class Image:
    """A rendered picture, written as PNG beside the trace."""

    path: str
    width: int
    height: int
    caption: str


Value = float | bool | str | Point | ObjectInstance | ObjectSet | View | Image | tuple | None
