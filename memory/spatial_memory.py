"""SpatialMemory: the explicit 3D memory of one scene and the queries every operation needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reasmory.errors import MemoryQueryError
from reasmory.memory import nearest
from reasmory.memory.geometry import footprint_area, polygon_area
from reasmory.memory.labels import LabelNormalizer
from reasmory.memory.object_index import ObjectIndex
from reasmory.memory.model import Frame, MemoryArrays, ObjectInstance, PointCloud, Provenance, SceneFacts


#: An object, objects, or their rows in the memory's object index.
Group = ObjectInstance | Iterable[ObjectInstance] | np.ndarray


class SpatialMemory:
    """Frames, points, objects, scene facts and provenance of one scene.

    Instances are treated as immutable once built: queries use an index of the
    objects built on first use (labels, boxes and bounds as arrays), so add
    objects with `with_objects` (which returns a new memory).
    """

    def __init__(
        self,
        frames: Sequence[Frame] = (),
        points: PointCloud | None = None,
        objects: Sequence[ObjectInstance] = (),
        scene: SceneFacts | None = None,
        provenance: Provenance | None = None,
        arrays: MemoryArrays | None = None,
        synonyms: Mapping[str, str] | None = None,
    ) -> None:
        self.frames: list[Frame] = list(frames)
        self.points: PointCloud = points if points is not None else PointCloud.empty()
        self.objects: list[ObjectInstance] = list(objects)
        self.scene: SceneFacts = scene or SceneFacts()
        self.provenance: Provenance = provenance or Provenance()
        self.arrays: MemoryArrays = arrays or MemoryArrays()
        self.synonyms: dict[str, str] = dict(synonyms or {})
        self.normalizer = LabelNormalizer(self.synonyms)
        self.memory_id: str | None = None
        self._index: ObjectIndex | None = None
        self._by_id = {o.id: o for o in self.objects}
        if len(self._by_id) != len(self.objects):
            raise ValueError("object ids must be unique")

    # ----- persistence -------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write atomically as one `.rmem` file; returns the path written."""
        from reasmory.memory.store import save_memory

        return save_memory(self, path)

    @classmethod
    def load(cls, path: str | Path, max_points: int | None = None) -> SpatialMemory:
        """Load and verify a `.rmem` file (refuses corrupt or newer files, and ones over `max_points` points)."""
        from reasmory.memory.store import load_memory

        return load_memory(path, max_points)

    def with_objects(self, objects: Sequence[ObjectInstance]) -> SpatialMemory:
        """A copy of this memory holding `objects` instead of its own."""
        return SpatialMemory(self.frames, self.points, objects, self.scene, self.provenance, self.arrays, self.synonyms)

    @property
    def index(self) -> ObjectIndex:
        """Labels and geometry of the objects as arrays, built on first use (again if `objects` was replaced)."""
        index = self._index
        if index is None or index.objects is not self.objects or index.n != len(self.objects):
            index = self._index = ObjectIndex(self.objects, self.normalizer)
        return index

    def clear_caches(self) -> None:
        """Forget the object index (benchmarks use this to time a first query)."""
        self._index = None

    # ----- labels ------------------------------------------------------
    def labels(self) -> list[str]:
        """Distinct object labels (as stored), in order of first appearance in `objects`."""
        return list(self.index.labels)

    def label_counts(self) -> dict[str, int]:
        return dict(self.index.label_counts)

    def canonical(self, label: str) -> str:
        return self.normalizer.canonical(label)

    def has_label(self, label: str) -> bool:
        return self.canonical(label) in self.index.by_label

    def find(self, label: str) -> list[ObjectInstance]:
        """Every instance whose label matches (case, plurals and synonyms tolerated)."""
        return list(self.index.objects_of(self.find_rows(label)))

    def find_rows(self, label: str) -> np.ndarray:
        """The index rows of every instance whose label matches (see `find`)."""
        return self.index.label_rows(self.canonical(label))

    def called_rows(self, label: str) -> np.ndarray:
        """When no object is labelled `label`: the rows of those a fair share of their views called so, though most
        named them otherwise (a detector's look-alike, `object_index.also_called`); else none."""
        canonical = self.canonical(label)
        if canonical in self.index.by_label:
            return np.zeros(0, np.int64)
        return self.index.other_label_rows(canonical)

    def rows_named(self, label: str) -> np.ndarray:
        """The rows of the objects labelled `label`, else of those called so (`called_rows`)."""
        found = self.find_rows(label)
        return found if len(found) else self.called_rows(label)

    def suggest(self, label: str, n: int = 3) -> list[str]:
        """Labels in the memory that look like `label`."""
        return self.normalizer.close_matches(label, self.labels(), n=n)

    def get(self, object_id: int) -> ObjectInstance:
        try:
            return self._by_id[object_id]
        except KeyError:
            raise MemoryQueryError(f"no object with id {object_id} in memory") from None

    # ----- geometry ----------------------------------------------------
    def closest_distance(self, a: Group, b: Group) -> float:
        """Metres between the closest points of two objects (or the nearest pair of two groups)."""
        return self.closest_objects(a, b)[0]

    def rows(self, group: Group) -> np.ndarray:
        """Index rows of an object, of objects, or rows already (returned as they are)."""
        if isinstance(group, np.ndarray):
            return group
        return self.index.rows([group] if isinstance(group, ObjectInstance) else group)

    def closest_objects(self, a: Group, b: Group) -> tuple[float, ObjectInstance, ObjectInstance]:
        """The nearest pair between two objects or groups: (metres, the one of a, the one of b)."""
        rows_a, rows_b = self.rows(a), self.rows(b)
        if not len(rows_a) or not len(rows_b):
            raise MemoryQueryError("cannot measure a distance to an empty set of objects")
        d, row_a, row_b = nearest.nearest_pair(self.index, rows_a, rows_b)
        return d, self.objects[row_a], self.objects[row_b]

    def distances_from(self, objects: Group, to: Group, keep: nearest.Keep = "min", tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Closest-point distances from each of `objects` to the group `to`, for those that can win.

        Returns (positions in `objects`, metres): every object whose distance is within `tol` of the smallest
        (keep="min") or largest (keep="max") one is included; others may be left out unmeasured.
        """
        return nearest.distances_to_group(self.index, self.rows(objects), self.rows(to), keep, tol)

    def distances_to_point(self, objects: Group, point: np.ndarray, keep: nearest.Keep = "min",
                           tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Like `distances_from`, to a point (3,) world metres."""
        return nearest.distances_to_point(self.index, self.rows(objects), point, keep, tol)

    def centre_distance(self, a: Group, b: Group) -> float:
        """Metres between the nearest box centres of two groups."""
        row_a, row_b = nearest.nearest_centres(self.index, self.rows(a), self.rows(b))
        return float(np.linalg.norm(self.index.centre[row_a] - self.index.centre[row_b]))

    def centre_distance_to_point(self, a: Group, point: np.ndarray) -> float:
        """Metres from a point (3,) to the nearest box centre of a group."""
        centre = self.index.centre
        rows = self.rows(a)
        row = rows[int(np.argmin(np.linalg.norm(centre[rows] - point, axis=1)))]
        return float(np.linalg.norm(centre[row] - point))

    @staticmethod
    def extents(obj: ObjectInstance) -> tuple[float, float, float]:
        """Box extents [length, width, height] in metres, in the box's axis order."""
        return obj.box.extents

    @staticmethod
    def longest_side(obj: ObjectInstance) -> float:
        return obj.box.longest_side

    def room_area(self) -> float:
        """Floor area of the scanned space, m²: metadata, else floor polygon, else the points' footprint."""
        if self.scene.floor_area is not None:
            return float(self.scene.floor_area)
        if self.scene.floor_polygon:
            return polygon_area(self.scene.floor_polygon)
        xyz = self.points.xyz if len(self.points) else np.concatenate([o.points for o in self.objects] or [np.zeros((0, 3))])
        if len(xyz) == 0:
            raise MemoryQueryError("the memory has no points, so its floor area is unknown")
        return footprint_area(np.asarray(xyz)[:, :2])

    def first_seen(self, target: ObjectInstance | str) -> int:
        """Index of the first frame in which the object (or any instance of the label) is visible."""
        objects = self.find(target) if isinstance(target, str) else [target]
        if not objects:
            raise MemoryQueryError(f"no object '{target}' in memory")
        seen = [o.first_seen if o.first_seen is not None else min(o.frames, default=None) for o in objects]
        seen = [s for s in seen if s is not None]
        if not seen:
            name = target if isinstance(target, str) else target.label
            raise MemoryQueryError(
                f"the memory does not know when '{name}' was first seen",
                hint="it was built without frames (e.g. from boxes only); build it from the video",
            )
        return int(min(seen))

    # ----- summary -----------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """A short description (used by `memory info` and the VLM prompt)."""
        return {
            "memory_id": self.memory_id,
            "frames": len(self.frames),
            "points": len(self.points),
            "objects": len(self.objects),
            "labels": self.label_counts(),
            "scale": self.scene.scale.model_dump(),
            "floor_area": self.scene.floor_area,
            "backend": self.provenance.backend,
        }

    def __repr__(self) -> str:
        return f"SpatialMemory(frames={len(self.frames)}, points={len(self.points)}, objects={len(self.objects)})"
