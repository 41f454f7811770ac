"""Each operation's cost, declared as a function of its arguments' sizes (units: cost.UNITS).

A declaration returns the units one call spends and the Size of its result.
Costs follow the implementations: a label is looked up in the memory's
object index (built once, a scan of every object); a closest-point distance
(memory/nearest.py) bounds every pair in one array expression for small
groups, or through KD-trees for large ones, and measures exactly only the
pairs their bounds cannot rule out, which depends on how the groups spread:
scattered objects leave a few per object, piled-up ones leave every pair. A
footprint fills a grid, a render projects every point and fills every pixel,
and a view's name carries the names of what it was made from.
"""

from __future__ import annotations

import math

from reasmory.interpreter.cost import Args, Size, Units, declare
from reasmory.memory.nearest import ALL_PAIRS, ROUND

#: Characters a call adds to the name of the view it makes ("…, moved forward 1 m", "at sofa #0 facing tv #1").
NAME_GROWTH = 32
#: Characters of a short text result (a direction, a motion, a turn).
SHORT_TEXT = 24
#: The top-down map's largest side in pixels (memory/render/bev.py).
BEV_SIDE = 1000
DEFAULT_PIXELS = 640 * 480


def _label(args: Args, name: str) -> str | None:
    value = args.literal(name)
    return value if isinstance(value, str) else None


def _one(group: Size) -> Size:
    """The one instance picked from a group: its share of the points, its label's characters."""
    share = group.points // group.objects if group.objects else 8
    return Size(objects=1, points=share, solid=group.solid, chars=group.chars, volume=(2 * group.radius) ** 3, radius=group.radius)


def _bounding(a: Size, b: Size) -> Units:
    """Bounding every a against the group b: all pairs in one array expression, or KD-tree queries when they are many."""
    na, nb = max(a.objects, 1), max(b.objects, 1)
    if na * nb <= ALL_PAIRS:
        return {"pair": na * nb}
    return {"tree": (na + nb) * math.log2(nb + 1)}


def _plus(*parts: Units) -> Units:
    total: Units = {}
    for part in parts:
        for name, amount in part.items():
            total[name] = total.get(name, 0.0) + amount
    return total


def _near_pairs(a: Size, b: Size, reach: float, least: float = 1.0) -> float:
    """Expected pairs whose bounds come within `reach` metres: for each a, b's objects in a sphere of the two radii
    and the reach, as a share of the volume b's objects spread over (every pair when they are piled up), and at
    least `least` per a."""
    na, nb = max(a.objects, 1), max(b.objects, 1)
    sphere = 4 / 3 * math.pi * (a.radius + b.radius + reach) ** 3
    share = 1.0 if b.volume <= 0 else min(1.0, sphere / b.volume)
    return na * min(float(nb), max(least, nb * share))


def _spacing(group: Size) -> float:
    """The typical distance from a point among the group to its nearest member (metres)."""
    return (group.volume / max(group.objects, 1)) ** (1 / 3) if group.volume > 0 else 0.0


def _pairs_cost(a: Size, b: Size) -> Units:
    """Closest points of two groups (memory/nearest.py): bounds for every pair, exact distances for the pairs the bounds
    cannot rule out (those within the nearest member's reach, taken in rounds of ROUND until none can be nearer): box to
    box for solid boxes, else a point search through the points of the objects involved."""
    units = _bounding(a, b)
    candidates = _near_pairs(a, b, _spacing(b))
    units["candidate"] = candidates
    measured = min(candidates, max(min(candidates, ROUND), _near_pairs(a, b, 0.0, least=0.0)))
    rounds = math.ceil(measured / ROUND)
    units["round"] = rounds
    if a.solid and b.solid:
        units["measure"] = measured
    else:
        units["point"] = rounds * (a.points + b.points)
    return units


def _locatable(size: Size) -> bool:
    return size.objects > 0


@declare("objects", "exists")
def _objects(args: Args) -> tuple[Units, Size]:
    """The label's rows in the index (the index itself is costed once per program)."""
    group = args.scene.group(_label(args, "label"), args.memory)
    return {"scan": group.objects}, group


@declare("count_of")
def _count_of(args: Args) -> tuple[Units, Size]:
    return {}, Size()


@declare("object")
def _object(args: Args) -> tuple[Units, Size]:
    group = args.scene.group(_label(args, "label"), args.memory)
    return {"scan": group.objects}, _one(group)


@declare("count", "center", "height", "longest_side", "volume", "round", "angle", "motion")
def _constant(args: Args) -> tuple[Units, Size]:
    return {}, Size()


@declare("size")
def _size(args: Args) -> tuple[Units, Size]:
    return {}, Size(items=3)


@declare("labels")
def _labels(args: Args) -> tuple[Units, Size]:
    scene = args.scene
    return {"scan": scene.objects}, Size(items=scene.labels, chars=scene.labels * scene.label_chars)


@declare("room_area")
def _room_area(args: Args) -> tuple[Units, Size]:
    scene = args.scene
    if scene.floor_known:
        return {}, Size()
    return {"point": scene.points or scene.object_points, "cell": scene.footprint_cells}, Size()


@declare("distance")
def _distance(args: Args) -> tuple[Units, Size]:
    a, b = args.size("a"), args.size("b")
    if args.literal("mode") == "center":
        return _bounding(a, b), Size()
    if _locatable(a) and _locatable(b):
        return _pairs_cost(a, b), Size()
    group = a if _locatable(a) else b
    return ({"measure": group.objects} if group.solid else {"point": group.points}), Size()


@declare("closest", "farthest")
def _rank(args: Args) -> tuple[Units, Size]:
    """The sets of a list each measured against `to` on their own; the instances of a set bounded together, and only
    those that may win (taken as one) measured exactly."""
    candidates, to = args.size("candidates"), args.size("to")
    if candidates.items:
        groups = candidates.items
        each = Size(objects=max(candidates.objects // groups, 1), points=candidates.points // groups, solid=candidates.solid,
                    volume=candidates.volume, radius=candidates.radius)
        one = _pairs_cost(each, to) if _locatable(to) else ({"measure": each.objects} if each.solid else {"point": each.points})
        units = {name: groups * amount for name, amount in one.items()}
        units["call"] = groups
    elif _locatable(to):
        units = _plus(_bounding(candidates, to), _pairs_cost(_one(candidates), to), {"scan": candidates.objects})
    else:
        winner_points = _one(candidates).points
        units = {"scan": candidates.objects, **({"measure": 1} if candidates.solid else {"point": winner_points})}
    winner = candidates if candidates.items else _one(candidates)
    return units, Size(objects=winner.objects, points=winner.points, solid=winner.solid, chars=winner.chars, is_set=winner.is_set)


@declare("largest", "smallest")
def _by_measure(args: Args) -> tuple[Units, Size]:
    """Every candidate's box measured once: a scan over the candidates."""
    candidates = args.size("candidates")
    winner = candidates if candidates.items else _one(candidates)
    return ({"scan": candidates.objects + candidates.items},
            Size(objects=winner.objects, points=winner.points, solid=winner.solid, chars=winner.chars, is_set=winner.is_set))


@declare("first_seen")
def _first_seen(args: Args) -> tuple[Units, Size]:
    return {"scan": args.scene.objects if _label(args, "x") is not None else args.size("x").objects}, Size()


@declare("appearance_order")
def _appearance_order(args: Args) -> tuple[Units, Size]:
    labels = args.size("labels")
    return {"scan": args.scene.objects * max(labels.items, 1)}, Size(items=labels.items, chars=labels.chars)


@declare("camera")
def _camera(args: Args) -> tuple[Units, Size]:
    return {}, Size(chars=12)


def _view_from(*parts: Size) -> tuple[Units, Size]:
    chars = sum(p.chars for p in parts) + NAME_GROWTH
    return {"text": chars}, Size(chars=chars)


@declare("view")
def _view(args: Args) -> tuple[Units, Size]:
    return _view_from(args.size("at"), args.size("facing"))


@declare("walk_to")
def _walk_to(args: Args) -> tuple[Units, Size]:
    return _view_from(args.size("view"), args.size("target"))


@declare("turn", "step")
def _turn(args: Args) -> tuple[Units, Size]:
    return _view_from(args.size("view"))


@declare("direction", "relation", "turn_towards")
def _short_text(args: Args) -> tuple[Units, Size]:
    return {}, Size(chars=SHORT_TEXT)


@declare("objects_around")
def _objects_around(args: Args) -> tuple[Units, Size]:
    scene, viewer = args.scene, args.size("viewer")
    return {"scan": scene.objects, "text": viewer.chars}, Size(objects=scene.objects, points=scene.object_points, solid=scene.solid,
                                                               chars=viewer.chars + NAME_GROWTH, is_set=True)


def _drawn_points(args: Args) -> int:
    scene = args.scene
    return scene.points + scene.object_points + scene.floor_points


@declare("render")
def _render(args: Args) -> tuple[Units, Size]:
    width, height = args.literal("width"), args.literal("height")
    pixels = width * height if isinstance(width, (int, float)) and isinstance(height, (int, float)) else DEFAULT_PIXELS
    return {"render": 1, "point": _drawn_points(args), "pixel": pixels}, Size(chars=args.size("view").chars + 2 * NAME_GROWTH + 80)


@declare("bev")
def _bev(args: Args) -> tuple[Units, Size]:
    scene = args.scene
    return ({"render": 1, "point": _drawn_points(args), "pixel": BEV_SIDE * BEV_SIDE, "scan": scene.objects},
            Size(chars=args.size("highlight").chars + 2 * NAME_GROWTH + 80))


@declare("choose")
def _choose(args: Args) -> tuple[Units, Size]:
    options, value = args.size("options"), args.size("value")
    return {"option": max(options.items, 1) * (value.items + 1)}, Size(chars=1)


@declare("answer")
def _answer(args: Args) -> tuple[Units, Size]:
    return {}, args.size("x")

