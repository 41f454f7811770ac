"""The memory's objects as arrays, built once: labels looked up in O(1), boxes and bounds ready for numpy.

Rows follow `SpatialMemory.objects` order. Arrays (float64, world metres, z up):

- `centre` (n, 3) box centres; `rotation` (n, 3, 3) box axes as columns; `half` (n, 3) half extents
- `solid` (n,) bool: ground-truth objects (attribute geometry="box"), whose geometry is their box
- `lo`, `hi` (n, 3) axis-aligned bounds of each object's geometry (its box when solid, else its points)
- `mid` (n, 3), `radius` (n,): centre and half diagonal of those bounds (a sphere holding the geometry)
- `observations` (n,) int64: frames seen in, else points (how well observed)

Labels: `by_label` maps each canonical label to its rows; `by_other_label` maps the names a fair share of an object's
views gave it though most named it otherwise (`also_called`: a detector's look-alike confusions) to its rows.

Point geometry (objects that are not solid boxes) is gathered on first use:
`points` (P, 3) float64 of every such object (its box corners when it has no
points), `offsets` (n + 1,) int64 so that row i owns points[offsets[i]:offsets[i+1]]
(solid rows own none), and `anchors(rows)`: one point of each object's
geometry (the point nearest its bounds' centre; the box centre when solid),
which gives cheap upper bounds, found per row on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from itertools import chain

import numpy as np

from reasmory.memory.box_distance import box_corners
from reasmory.memory.geometry import is_solid_box
from reasmory.memory.labels import LabelNormalizer
from reasmory.memory.model import ObjectInstance

#: A name some views gave an object stands for it when at least this share of its views gave it: one false detection
#: among a bed's nine views does not make it a toilet, one view of three calling a cabinet a nightstand may.
MIN_NAME_SHARE = 0.25


def also_called(obj: ObjectInstance) -> dict[str, tuple[int, int]]:
    """The other names at least `MIN_NAME_SHARE` of the object's views gave it: name → (those views, all views)."""
    names: dict[str, int] = obj.attributes.get("also_called") or {}
    total = int(obj.attributes.get("views", len(obj.frames))) + sum(names.values())
    return {name: (views, total) for name, views in names.items() if total and views >= MIN_NAME_SHARE * total}


class ObjectIndex:
    """Labels and geometry of a fixed list of objects (see the module docstring for the arrays)."""

    def __init__(self, objects: list[ObjectInstance], normalizer: LabelNormalizer) -> None:
        self.objects = objects
        self.n = len(objects)
        self.row_of_id: dict[int, int] = {}
        rows_by_label: dict[str, list[int]] = {}
        rows_by_other_label: dict[str, list[int]] = {}
        self.label_counts: dict[str, int] = {}
        numbers: list[float] = []
        solid, observations = [], []
        for i, o in enumerate(objects):
            self.row_of_id[o.id] = i
            rows_by_label.setdefault(normalizer.canonical(o.label), []).append(i)
            if "also_called" in o.attributes:
                for name in also_called(o):
                    rows_by_other_label.setdefault(normalizer.canonical(name), []).append(i)
            self.label_counts[o.label] = self.label_counts.get(o.label, 0) + 1
            box = o.box
            numbers += box.center
            numbers += box.extents
            numbers += chain.from_iterable(box.rotation)
            solid.append(is_solid_box(o))
            observations.append(o.observations)
        self.by_label = {k: np.asarray(v, np.int64) for k, v in rows_by_label.items()}
        self.by_other_label = {k: np.asarray(v, np.int64) for k, v in rows_by_other_label.items()}
        self.labels = list(self.label_counts)
        code = {label: i for i, label in enumerate(self.labels)}
        self.label_code = np.fromiter((code[o.label] for o in objects), np.int64, self.n)
        boxes = np.asarray(numbers, np.float64).reshape(-1, 15)
        self.centre = boxes[:, :3].copy()
        self.half = boxes[:, 3:6] / 2
        self.rotation = boxes[:, 6:].reshape(-1, 3, 3).copy()
        self.solid = np.asarray(solid, bool)
        self.observations = np.asarray(observations, np.int64)
        self.ids = np.fromiter(self.row_of_id, np.int64, self.n)
        self._anchor = self.centre.copy()
        self._anchored = np.zeros(self.n, bool)

    def rows(self, objects: Iterable[ObjectInstance]) -> np.ndarray:
        """(k,) int64 rows of the given objects of this memory."""
        return np.fromiter((self.row_of_id[o.id] for o in objects), np.int64)

    def label_rows(self, canonical: str) -> np.ndarray:
        return self.by_label.get(canonical, np.zeros(0, np.int64))

    def other_label_rows(self, canonical: str) -> np.ndarray:
        return self.by_other_label.get(canonical, np.zeros(0, np.int64))

    def objects_of(self, rows: np.ndarray) -> tuple[ObjectInstance, ...]:
        return tuple(map(self.objects.__getitem__, rows.tolist()))

    def labels_of(self, rows: np.ndarray) -> tuple[str, ...]:
        """The distinct labels (as stored) of the rows, sorted."""
        present = np.bincount(self.label_code[rows], minlength=len(self.labels))  # np.unique would import numpy.ma
        return tuple(sorted(self.labels[c] for c in np.flatnonzero(present).tolist()))

    @cached_property
    def own_points(self) -> np.ndarray:
        """(n,) int64 how many points of its own each object has (its array read as (M, 3), as the point table reads it)."""
        return np.fromiter((o.points.size // 3 for o in self.objects), np.int64, self.n)

    @cached_property
    def geometry_points(self) -> np.ndarray:
        """(n,) int64 the points a closest-point search goes through: each object's own, else its box's 8 corners."""
        return np.where(self.own_points > 0, self.own_points, 8)

    @cached_property
    def _point_table(self) -> tuple[np.ndarray, np.ndarray]:
        shaped = np.flatnonzero(~self.solid).tolist()
        own = self.own_points[shaped].tolist()
        cornered = [i for i, count in zip(shaped, own) if not count]
        corners = iter(box_corners(self.centre[cornered], self.rotation[cornered], self.half[cornered]) if cornered else ())
        counts = np.zeros(self.n, np.int64)
        counts[shaped] = self.geometry_points[shaped]
        parts = [self.objects[i].points.reshape(-1, 3) if count else next(corners) for i, count in zip(shaped, own)]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        points = np.concatenate(parts, dtype=np.float64) if parts else np.zeros((0, 3))
        return points, offsets

    @property
    def points(self) -> np.ndarray:
        return self._point_table[0]

    @property
    def offsets(self) -> np.ndarray:
        return self._point_table[1]

    @cached_property
    def box_reach(self) -> np.ndarray:
        """(n, 3) half sides of each box's axis-aligned bounds: its corners reach centre ± this, exactly."""
        return np.einsum("nij,nj->ni", np.abs(self.rotation), self.half)

    @cached_property
    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.centre - self.box_reach, self.centre + self.box_reach
        shaped = ~self.solid
        if shaped.any():
            starts = self.offsets[:-1][shaped]
            lo[shaped] = np.minimum.reduceat(self.points, starts, axis=0)
            hi[shaped] = np.maximum.reduceat(self.points, starts, axis=0)
        return lo, hi

    @property
    def lo(self) -> np.ndarray:
        return self._bounds[0]

    @property
    def hi(self) -> np.ndarray:
        return self._bounds[1]

    @cached_property
    def mid(self) -> np.ndarray:
        return (self.lo + self.hi) / 2

    @cached_property
    def radius(self) -> np.ndarray:
        return np.linalg.norm(self.hi - self.lo, axis=1) / 2

    def anchors(self, rows: np.ndarray) -> np.ndarray:
        """(k, 3) one point of each row's geometry: the point nearest its bounds' centre (the box centre when solid),
        found on first use per row, so a query pays for the rows it names rather than for every object's points."""
        todo = np.zeros(self.n, bool)
        todo[rows] = True
        todo &= ~self._anchored
        shaped = np.flatnonzero(todo & ~self.solid)
        if len(shaped):
            points, owner = self.point_rows(shaped)
            gap = np.zeros(len(points))
            for axis in range(3):  # axis by axis: far less memory traffic than (P, 3) differences
                away = points[:, axis] - self.mid[shaped, axis][owner]
                gap += away * away
            counts = np.bincount(owner, minlength=len(shaped))
            nearest = np.flatnonzero(gap == np.repeat(np.minimum.reduceat(gap, np.cumsum(counts) - counts), counts))
            self._anchor[shaped] = points[nearest[np.r_[True, owner[nearest][1:] != owner[nearest][:-1]]]]  # the first
        self._anchored |= todo
        return self._anchor[rows]

    def point_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The points of the given (non-solid) rows, (P, 3), and each point's position in `rows`, (P,)."""
        starts, stops = self.offsets[rows], self.offsets[rows + 1]
        counts = stops - starts
        owner = np.repeat(np.arange(len(rows)), counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return self.points[np.repeat(starts, counts) + within], owner
