"""Furniture placement: themed object lists, then rejection sampling without overlaps.

Rules every placed object obeys (tests check them):
- floor objects lie inside the room, their footprints at least `FLOOR_GAP`
  apart and clear of the space kept free in front of doors, and never cut
  the walkable floor into pockets (`freespace.WalkGuard`);
- wall-hung objects (doors, windows, tvs, …) touch a wall and do not
  intersect any other object's box;
- objects on furniture stand on one of its support surfaces, inside it, and
  intersect nothing but their support.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from reasmory.synth.categories import ALWAYS, CATEGORIES, THEMES, Category
from reasmory.synth.freespace import WalkGuard
from reasmory.synth.model import Keepout, PlacedObject, SynthScene
from reasmory.synth.plane import convex_overlap, rect_corners, rect_inside_polygon
from reasmory.synth.room import Room, Wall
from reasmory.synth.shapes import Shape, build

Placer = Callable[[SynthScene, Category, Shape, int, np.random.Generator], PlacedObject | None]

FLOOR_GAP = 0.05
WALL_GAP = 0.02
DOOR_KEEPOUT = 0.9
TRIES = 60
MAX_PER_LABEL = {"chair": 6, "pillow": 4}
_ORDER = {"door": 0, "mounted": 1, "wall": 2, "free": 3, "on": 4}


def instance_list(room: Room, rng: np.random.Generator) -> list[str]:
    """Labels to place, bigger and wall-bound things first; 2 themes in small rooms, 3 in large ones."""
    themes = list(THEMES)
    chosen = rng.choice(len(themes), size=2 if room.area < 22 else 3, replace=False)
    counts: dict[str, int] = {}
    for spec in [THEMES[themes[i]] for i in sorted(chosen)] + [ALWAYS]:
        for label, (lo, hi) in spec.items():
            n = counts.get(label, 0) + int(rng.integers(lo, hi + 1))
            counts[label] = min(n, MAX_PER_LABEL.get(label, 3))
    labels = [label for label, n in counts.items() for _ in range(n)]

    def key(label: str) -> tuple[int, float]:  # a tv that may stand on a cabinet waits for the cabinets
        c = CATEGORIES[label]
        return max(_ORDER[p] for p in c.placements), -c.length[1] * c.depth[1]

    return sorted(labels, key=key)


def place_all(room: Room, rng: np.random.Generator, name: str, seed: int) -> SynthScene:
    """A furnished scene; instances that find no free spot after `TRIES` attempts are left out."""
    scene = SynthScene(name=name, seed=seed, room=room)
    guard = WalkGuard(room)
    for label in instance_list(room, rng):
        obj = _place_one(scene, CATEGORIES[label], rng, guard)
        if obj is not None:
            scene.objects.append(obj)
            if obj.support == "floor":
                guard.add(obj)
    return scene


def _place_one(
    scene: SynthScene, cat: Category, rng: np.random.Generator, guard: WalkGuard
) -> PlacedObject | None:
    l, d, h = (float(rng.uniform(*r)) for r in (cat.length, cat.depth, cat.height))
    shape = build(cat.shape, l, d, h)
    obj_id = len(scene.objects)
    for _ in range(TRIES):
        mode = cat.placements[int(rng.integers(len(cat.placements)))]
        obj = _PLACERS[mode](scene, cat, shape, obj_id, rng)
        if obj is not None and _fits(scene, obj) and (obj.support != "floor" or guard.allows(obj)):
            if mode == "door":
                scene.keepouts.append(_door_keepout(scene.room.walls[obj.wall], obj))
            return obj
    return None


def _pick_wall(room: Room, need: float, rng: np.random.Generator) -> tuple[Wall, float] | None:
    """A wall with room for `need` metres, and the free position along it (centre distance from its start)."""
    walls = [w for w in room.walls if w.length >= need + 0.2]
    if not walls:
        return None
    weights = np.array([w.length for w in walls])
    wall = walls[int(rng.choice(len(walls), p=weights / weights.sum()))]
    return wall, float(rng.uniform(need / 2 + 0.1, wall.length - need / 2 - 0.1))


def _on_wall(scene: SynthScene, cat: Category, shape: Shape, obj_id: int, rng: np.random.Generator,
             z: float, gap: float, support: str) -> PlacedObject | None:
    lo, hi = shape.bounds()
    picked = _pick_wall(scene.room, float(hi[0] - lo[0]), rng)
    if picked is None:
        return None
    wall, s = picked
    xy = wall.start + wall.tangent * s + wall.normal * (float(hi[1] - lo[1]) / 2 + gap)
    origin = np.array([xy[0], xy[1], z])
    return PlacedObject(obj_id, cat.label, shape, origin, wall.yaw_facing_in, support, wall=wall.index)


def _place_wall(
    scene: SynthScene, cat: Category, shape: Shape, obj_id: int, rng: np.random.Generator
) -> PlacedObject | None:
    return _on_wall(scene, cat, shape, obj_id, rng, 0.0, WALL_GAP, "floor")


def _place_door(
    scene: SynthScene, cat: Category, shape: Shape, obj_id: int, rng: np.random.Generator
) -> PlacedObject | None:
    return _on_wall(scene, cat, shape, obj_id, rng, 0.0, 0.0, "wall")


def _place_mounted(
    scene: SynthScene, cat: Category, shape: Shape, obj_id: int, rng: np.random.Generator
) -> PlacedObject | None:
    top = float(shape.bounds()[1][2])
    z = float(rng.uniform(*cat.mount_z))
    if z + top > scene.room.height - 0.1:
        return None
    return _on_wall(scene, cat, shape, obj_id, rng, z, 0.0, "wall")


def _place_free(
    scene: SynthScene, cat: Category, shape: Shape, obj_id: int, rng: np.random.Generator
) -> PlacedObject | None:
    tables = [o for o in scene.objects if o.label == "table"]
    if cat.label == "chair" and tables and rng.random() < 0.85:
        return _beside(tables[int(rng.integers(len(tables)))], cat, shape, obj_id, rng)
    lo, hi = scene.room.bounds
    xy = rng.uniform(lo + 0.3, hi - 0.3)
    if cat.shape in ("sofa", "table", "box"):
        yaw = math.pi / 2 * int(rng.integers(4)) + float(rng.uniform(-0.2, 0.2))
    else:
        yaw = float(rng.uniform(-math.pi, math.pi))
    return PlacedObject(obj_id, cat.label, shape, np.array([xy[0], xy[1], 0.0]), yaw, "floor")


def _beside(table: PlacedObject, cat: Category, shape: Shape, obj_id: int, rng: np.random.Generator) -> PlacedObject:
    """A chair at one side of a table, facing it."""
    axis = int(rng.integers(2))
    sign = 1.0 if rng.random() < 0.5 else -1.0
    half_t = table.extents[:2] / 2
    half_c = shape.bounds()[1][:2]
    side = np.zeros(2)
    side[axis] = sign
    along = np.zeros(2)
    along[1 - axis] = float(rng.uniform(-1, 1)) * max(half_t[1 - axis] - half_c[0], 0.0)
    local = side * (half_t[axis] + half_c[1] + float(rng.uniform(0.08, 0.2))) + along
    rot = table.rotation[:2, :2]
    xy = table.center[:2] + rot @ local
    facing = -(rot @ side)
    yaw = math.atan2(-facing[0], facing[1]) + float(rng.uniform(-0.15, 0.15))
    return PlacedObject(obj_id, cat.label, shape, np.array([xy[0], xy[1], 0.0]), yaw, "floor")


def _place_on(
    scene: SynthScene, cat: Category, shape: Shape, obj_id: int, rng: np.random.Generator
) -> PlacedObject | None:
    holders = [o for o in scene.objects if o.label in cat.supports and o.shape.surfaces]
    if not holders:
        return None
    holder = holders[int(rng.integers(len(holders)))]
    x0, x1, y0, y1, z = holder.shape.surfaces[int(rng.integers(len(holder.shape.surfaces)))]
    lo, hi = shape.bounds()
    turn = float(rng.uniform(-0.2, 0.2))
    c, s = abs(math.cos(turn)), abs(math.sin(turn))
    hx = (c * (hi[0] - lo[0]) + s * (hi[1] - lo[1])) / 2
    hy = (s * (hi[0] - lo[0]) + c * (hi[1] - lo[1])) / 2
    if 2 * hx > x1 - x0 - 0.02 or 2 * hy > y1 - y0 - 0.02:
        return None
    local = np.array([rng.uniform(x0 + hx + 0.01, x1 - hx - 0.01), rng.uniform(y0 + hy + 0.01, y1 - hy - 0.01), z])
    return PlacedObject(obj_id, cat.label, shape, holder.to_world(local[None])[0], holder.yaw + turn, holder.id)


_PLACERS: dict[str, Placer] = {
    "wall": _place_wall, "door": _place_door, "mounted": _place_mounted, "free": _place_free, "on": _place_on,
}


def _door_keepout(wall: Wall, door: PlacedObject) -> Keepout:
    center = door.center[:2] + wall.normal * (DOOR_KEEPOUT / 2)
    return Keepout(rect_corners(center, np.array([door.extents[0] / 2 + 0.05, DOOR_KEEPOUT / 2]), door.yaw))


def _fits(scene: SynthScene, obj: PlacedObject) -> bool:
    """Inside the room and clear of every other object except its own support."""
    corners = obj.footprint()
    if not rect_inside_polygon(corners, scene.room.polygon):
        return False
    z0, z1 = obj.z_range
    for other in scene.objects:
        if obj.support == other.id:
            continue
        if obj.support == "floor" and other.support == "floor":
            if convex_overlap(corners, other.footprint(), FLOOR_GAP):
                return False
            continue
        o0, o1 = other.z_range
        if min(z1, o1) - max(z0, o0) > 1e-3 and convex_overlap(corners, other.footprint(), 0.01):
            return False
    if obj.support == "floor":
        return not any(convex_overlap(corners, k.corners) for k in scene.keepouts)
    return True
