"""Object geometry kinds, and floor areas: of a polygon, and of a point cloud's footprint seen from above.

Distances between objects live in `nearest.py`, over the arrays of `object_index.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reasmory.memory.model import ObjectInstance


#: `attributes["geometry"]` values of objects measured as solid boxes: ground truth ("box") and grounded objects whose
#: box was completed amodally ("amodal box"), the best estimate of their full extent (their points are only the seen part).
SOLID_GEOMETRY = frozenset({"box", "amodal box"})


def is_solid_box(obj: ObjectInstance) -> bool:
    """Objects measured as their boxes (`SOLID_GEOMETRY`): distances to them are box distances, as the ground truth's."""
    return obj.attributes.get("geometry") in SOLID_GEOMETRY


def polygon_area(polygon: Sequence[tuple[float, float]]) -> float:
    """Shoelace area of a simple polygon in the floor plane, m²."""
    p = np.asarray(polygon, dtype=np.float64)
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


#: The most cells along a side of the footprint grid: points spread wider get coarser cells, so the grid stays bounded.
MAX_FOOTPRINT_SIDE = 4000


def column_bounds(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's min and max, column by column: numpy's `min(axis=0)` of a tall array of two or three columns
    runs an inner loop as short as its rows (5× slower on 4.8M points)."""
    return (np.array([column.min() for column in xy.T]), np.array([column.max() for column in xy.T]))


def _cell_for(span: np.ndarray, cell: float) -> float:
    return max(cell, float(np.max(span)) / MAX_FOOTPRINT_SIDE)


def footprint_cell(xy: np.ndarray, cell: float = 0.1) -> float:
    """The footprint's cell side, metres: `cell`, or coarser when the points span more than MAX_FOOTPRINT_SIDE cells."""
    if len(xy) == 0:
        return cell
    lo, hi = column_bounds(xy)
    return _cell_for(hi - lo, cell)


def footprint_cells(lo: np.ndarray, hi: np.ndarray, cell: float = 0.1) -> int:
    """How many cells the footprint grid of points within these xy bounds has (its padding included)."""
    span = hi - lo
    return int(np.prod(np.floor(span / _cell_for(span, cell)) + 7))


def footprint_area(xy: np.ndarray, cell: float = 0.1) -> float:
    """Area covered by points seen from above: occupancy grid, closed and hole-filled, m²."""
    if len(xy) == 0:
        return 0.0
    cell = footprint_cell(xy, cell)
    ij = np.floor((xy - xy.min(axis=0)) / cell).astype(np.int64)
    grid = np.zeros(tuple(ij.max(axis=0) + 1), dtype=bool)
    grid[ij[:, 0], ij[:, 1]] = True
    grid = np.pad(grid, 3)
    from scipy import ndimage  # 0.2 s to import: only when an area is measured

    grid = ndimage.binary_closing(grid, structure=np.ones((3, 3)), iterations=2)
    grid = ndimage.binary_fill_holes(grid)
    return float(grid.sum() * cell * cell)
