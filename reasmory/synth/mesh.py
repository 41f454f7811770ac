"""Triangle meshes of objects (unions of boxes) and of the room (floor, ceiling, walls).

Arrays: vertices (V, 3) float32 world metres, triangles (T, 3) uint32,
counter-clockwise seen from outside (normals point out of objects and into
the room for room surfaces).
"""

from __future__ import annotations

import numpy as np

from reasmory.synth.model import PlacedObject
from reasmory.synth.room import Room

Mesh = tuple[np.ndarray, np.ndarray]

_CORNERS = np.array([[x, y, z] for z in (0, 1) for y in (0, 1) for x in (0, 1)], dtype=np.float64)
_BOX_TRIS = np.array([
    [0, 2, 1], [1, 2, 3],  # bottom (−z)
    [4, 5, 6], [5, 7, 6],  # top (+z)
    [0, 1, 4], [1, 5, 4],  # front (−y)
    [2, 6, 3], [3, 6, 7],  # back (+y)
    [0, 4, 2], [2, 4, 6],  # left (−x)
    [1, 3, 5], [3, 7, 5],  # right (+x)
], dtype=np.uint32)


def box_mesh(lo: np.ndarray, hi: np.ndarray) -> Mesh:
    """An axis-aligned box from its min and max corners."""
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    return lo + _CORNERS * (hi - lo), _BOX_TRIS.copy()


def merge(meshes: list[Mesh]) -> Mesh:
    """One mesh from several, triangle indices shifted."""
    verts, tris, offset = [], [], 0
    for v, t in meshes:
        verts.append(v)
        tris.append(t + offset)
        offset += len(v)
    return np.concatenate(verts).astype(np.float32), np.concatenate(tris).astype(np.uint32)


def object_mesh(obj: PlacedObject) -> Mesh:
    """The object's parts as one mesh in world coordinates."""
    parts = [box_mesh(np.array(lo), np.array(hi)) for lo, hi in obj.shape.parts]
    verts, tris = merge(parts)
    return obj.to_world(verts).astype(np.float32), tris


def _quad(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> Mesh:
    """Quad a-b-c-d counter-clockwise seen from the side its normal points to."""
    return np.stack([a, b, c, d]).astype(np.float64), np.array([[0, 1, 2], [0, 2, 3]], dtype=np.uint32)


def room_meshes(room: Room) -> dict[str, Mesh]:
    """Floor, ceiling and wall meshes; walls face into the room."""
    h = room.height
    floor, ceiling = [], []
    for x0, y0, x1, y1 in room.rects:
        corners = [np.array(c, np.float64) for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        floor.append(_quad(*(np.append(c, 0.0) for c in corners)))
        ceiling.append(_quad(*(np.append(c, h) for c in corners[::-1])))
    walls = []
    for wall in room.walls:
        s, e = np.append(wall.start, 0.0), np.append(wall.end, 0.0)
        up = np.array([0.0, 0.0, h])
        walls.append(_quad(s, s + up, e + up, e))
    return {"floor": merge(floor), "ceiling": merge(ceiling), "wall": merge(walls)}
