"""Large memories for the scale benchmark: thousands of objects over a floor that grows with them.

Only the memory's public model is used here (boxes, objects, points), so the
same module builds the same memory under another checkout of Reasmory when
the benchmark compares against it (`benchmarks/scale.py --baseline`).

A scene of n objects puts them in n random cells of a square grid of
1.4 m cells (about one object per 2 m², like a furnished room or an office
floor), each inside its own cell so that no two overlap, with 18 labels drawn
at random. `kind="box"` objects are solid ground-truth boxes (as VSI-Bench
oracle memories have); `kind="points"` objects own 48 surface points each (as
reconstructed memories have).
"""

from __future__ import annotations

import math

import numpy as np

from reasmory.memory import ObjectInstance, OrientedBox, SpatialMemory

LABELS = (
    "chair", "table", "door", "window", "sofa", "bed", "lamp", "shelf", "cabinet", "tv", "plant", "stool",
    "desk", "monitor", "box", "bin", "printer", "mirror",
)
OBJECT_POINTS = 48
CELL = 1.4


def object_scene(n_objects: int, kind: str = "box", seed: int = 0) -> SpatialMemory:
    """n objects (`kind` "box": solid boxes; "points": 48 surface points each), one per grid cell."""
    rng = np.random.default_rng(seed)
    cells_per_side = math.ceil(math.sqrt(1.3 * n_objects))
    cells = rng.choice(cells_per_side**2, size=n_objects, replace=False)
    grid = np.column_stack([cells % cells_per_side, cells // cells_per_side]) * CELL + CELL / 2
    extents = rng.uniform([0.2, 0.2, 0.3], [0.9, 0.9, 1.6], size=(n_objects, 3))
    jitter = rng.uniform(-0.06, 0.06, size=(n_objects, 2))
    centres = np.column_stack([grid + jitter, extents[:, 2] / 2])
    yaws = rng.uniform(0, math.pi, n_objects)
    labels = rng.integers(0, len(LABELS), n_objects)
    unit = rng.uniform(-0.5, 0.5, size=(OBJECT_POINTS, 3))
    faces = rng.integers(0, 3, OBJECT_POINTS)
    unit[np.arange(OBJECT_POINTS), faces] = np.sign(unit[np.arange(OBJECT_POINTS), faces]) * 0.5
    objects = []
    for i in range(n_objects):
        box = OrientedBox.from_yaw(centres[i], extents[i], float(yaws[i]))
        if kind == "box":
            objects.append(ObjectInstance(id=i, label=LABELS[labels[i]], box=box, frames=[i % 50],
                                          attributes={"geometry": "box"}))
        else:
            points = (box.c + (unit * box.e) @ box.R.T).astype(np.float32)
            objects.append(ObjectInstance(id=i, label=LABELS[labels[i]], box=box, points=points, frames=[i % 50]))
    return SpatialMemory(objects=objects)
