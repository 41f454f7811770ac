"""Each operation's cost, declared as a function of its arguments' sizes (units: cost.UNITS).

A declaration returns the units one call spends and the Size of its result.
Costs follow the implementations: a label lookup scans every object, a
closest-point distance sorts every pair of instances by their bounds and
searches the points of objects that are not solid boxes, a footprint fills a
grid, a render projects every point and fills every pixel, and a view's name
carries the names of what it was made from.
"""

from __future__ import annotations

import math

from reasmory.interpreter.cost import Args, Size, Units, declare

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
    return Size(objects=1, points=share, solid=group.solid, chars=group.chars)


#: Share of the pairs whose exact distance is computed when groups of point objects overlap (their bounds do not prune).
OVERLAP_SHARE = 0.2


def _pairs_cost(a: Size, b: Size) -> Units:
    """Closest points of two groups: every pair sorted by its bounds' gap, then exact distances for the pairs the gaps
    cannot rule out: box to box for solid boxes (the nearest one or two), else point searches through the objects'
    points (a share of the pairs when the groups mingle, as a room's objects do), after building a tree per object."""
    pairs = max(a.objects, 1) * max(b.objects, 1)
    units: Units = {"pair": pairs, "sort": pairs * math.log2(pairs + 1)}
    if a.solid and b.solid:
        units["measure"] = min(pairs, 2)
    else:
        mean_points = (a.points + b.points) / max(a.objects + b.objects, 1)
        units["point"] = a.points + b.points + min(pairs, 1 + OVERLAP_SHARE * pairs) * mean_points
    return units


def _locatable(size: Size) -> bool:
    return size.objects > 0


@declare("objects", "exists")
def _objects(args: Args) -> tuple[Units, Size]:
    return {"scan": args.scene.objects}, args.scene.group(_label(args, "label"), args.memory)


@declare("count_of")
def _count_of(args: Args) -> tuple[Units, Size]:
    return {"scan": args.scene.objects}, Size()


@declare("object")
def _object(args: Args) -> tuple[Units, Size]:
    return {"scan": args.scene.objects}, _one(args.scene.group(_label(args, "label"), args.memory))


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
        return {"pair": max(a.objects, 1) * max(b.objects, 1)}, Size()
    if _locatable(a) and _locatable(b):
        return _pairs_cost(a, b), Size()
    group = a if _locatable(a) else b
    return ({"measure": group.objects} if group.solid else {"point": group.points}), Size()


@declare("closest", "farthest")
def _rank(args: Args) -> tuple[Units, Size]:
    """Each candidate (a set of a list, or an instance of a set) measured against `to` on its own."""
    candidates, to = args.size("candidates"), args.size("to")
    groups = max(candidates.items or candidates.objects, 1)
    each = Size(objects=max(candidates.objects // groups, 1), points=candidates.points // groups, solid=candidates.solid)
    one: Units = _pairs_cost(each, to) if _locatable(to) else ({"measure": each.objects} if each.solid else {"point": each.points})
    units = {name: groups * amount for name, amount in one.items()}
    units["call"] = groups
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

