"""Object operations: finding instances, counting, sizes, distances, ranking, when seen."""

from __future__ import annotations

import numpy as np

from reasmory.errors import MemoryQueryError
from reasmory.interpreter.context import Context, OpError
from reasmory.interpreter.ops.resolve import group, labelled, object_set, one_object, position, rows
from reasmory.interpreter.registry import Param, operation
from reasmory.interpreter.types import (
    ANY, BOOL, NUMBER, OBJECT, OBJECTS, POINT, TEXT, VIEW, Type, is_list, list_of,
)
from reasmory.interpreter.values import ObjectSet, Point
from reasmory.memory.model import ObjectInstance

LOCATABLE = (OBJECT, OBJECTS, VIEW, POINT)
GROUPS = (OBJECTS, list_of(OBJECTS))


@operation("objects", [Param("label", (TEXT,), label=True)], OBJECTS, "every instance of a category (case, plurals and synonyms tolerated)", category="objects")
def objects_(ctx: Context, label: str) -> ObjectSet:
    return object_set(ctx, label, labelled(ctx, label))


@operation("object", [Param("label", (TEXT,), label=True)], OBJECT, "the one instance of a category; with several, the most observed (a warning names the others)", category="objects")
def object_(ctx: Context, label: str) -> ObjectInstance:
    found = labelled(ctx, label)
    if not len(found):
        close = ctx.memory.suggest(label)
        raise OpError(f"no object '{label}' in memory", hint=f"did you mean {', '.join(map(repr, close))}?" if close else None, code="unknown-label")
    return one_object(ctx, object_set(ctx, label, found), f"object(\"{label}\")")


@operation("exists", [Param("label", (TEXT,))], BOOL, "whether the memory holds any instance of the category", category="objects")
def exists(ctx: Context, label: str) -> bool:
    return bool(len(labelled(ctx, label)))


@operation("count_of", [Param("label", (TEXT,))], NUMBER, "number of instances of a category, 0 (with a warning) when the memory holds none", unit="objects", category="objects")
def count_of(ctx: Context, label: str) -> float:
    found = labelled(ctx, label)
    if not len(found):
        ctx.warn(f"no '{label}' in the memory (it holds: {', '.join(ctx.memory.labels()[:12])}): counted 0")
    return float(len(found))


@operation("count", [Param("objects", (OBJECTS,))], NUMBER, "number of instances", unit="objects", category="objects")
def count(ctx: Context, objects: ObjectInstance | ObjectSet) -> float:
    return float(len(group(objects)))


@operation("labels", [], list_of(TEXT), "the categories the memory holds", category="objects")
def labels(ctx: Context) -> tuple[str, ...]:
    return tuple(ctx.memory.labels())


@operation("center", [Param("x", (OBJECT, OBJECTS, VIEW, POINT))], POINT, "object centre (box centre), or a view's position", category="geometry")
def center(ctx: Context, x: object) -> Point:
    return Point(tuple(float(v) for v in position(ctx, x, "center(x)")))


def _size(obj: ObjectInstance) -> tuple[float, float, float]:
    e = obj.box.e
    vertical = int(np.argmax(np.abs(obj.box.R[2])))
    length, width = sorted((e[i] for i in range(3) if i != vertical), reverse=True)
    return float(length), float(width), float(e[vertical])


@operation("size", [Param("obj", (OBJECT,))], list_of(NUMBER), "box extents [length, width, height]: the two horizontal sides longest first, then the vertical one", unit="m", category="geometry")
def size(ctx: Context, obj: ObjectInstance) -> tuple[float, ...]:
    return _size(obj)


@operation("height", [Param("obj", (OBJECT,))], NUMBER, "vertical extent of the object's box", unit="m", category="geometry")
def height(ctx: Context, obj: ObjectInstance) -> float:
    return obj.box.height


@operation("longest_side", [Param("obj", (OBJECT,))], NUMBER, "the longest side of the object's box", unit="m", category="geometry")
def longest_side(ctx: Context, obj: ObjectInstance) -> float:
    return ctx.memory.longest_side(obj)


@operation("volume", [Param("obj", (OBJECT,))], NUMBER, "the volume of the object's box", unit="m³", category="geometry")
def volume(ctx: Context, obj: ObjectInstance) -> float:
    return float(np.prod(obj.box.e))


@operation("room_area", [], NUMBER, "floor area of the whole scanned space", unit="m²", category="geometry")
def room_area(ctx: Context) -> float:
    return ctx.memory.room_area()


#: Candidates nearer than this to the winner's distance count as a tie (the trace warns).
TIE_M = 1e-6


def _is_obj(value: object) -> bool:
    return isinstance(value, (ObjectInstance, ObjectSet))


def _refuse_empty(*values: object) -> None:
    for v in values:
        if isinstance(v, ObjectSet) and not v.objects:
            raise OpError(f"cannot measure a distance to '{v.label}': the set is empty", code="empty-set")


def measure(ctx: Context, a: object, b: object, mode: str) -> float:
    """Distance between two locatable values (see `distance`)."""
    _refuse_empty(a, b)
    if not _is_obj(a) and not _is_obj(b):
        return float(np.linalg.norm(position(ctx, a, "a") - position(ctx, b, "b")))
    objs, other = (a, b) if _is_obj(a) else (b, a)
    memory = ctx.memory
    if not _is_obj(other):
        point = position(ctx, other, "point")
        if mode == "center":
            return memory.centre_distance_to_point(rows(ctx, objs), point)
        return float(memory.distances_to_point(rows(ctx, objs), point)[1].min())
    if mode == "center":
        return memory.centre_distance(rows(ctx, objs), rows(ctx, other))
    return memory.closest_distance(rows(ctx, objs), rows(ctx, other))


@operation(
    "distance",
    [Param("a", LOCATABLE), Param("b", LOCATABLE), Param("mode", (TEXT,), "closest", choices=("closest", "center"))],
    NUMBER,
    "distance between a and b: 'closest' = between the closest points of their geometry (sets: the nearest pair), 'center' = between centres",
    unit="m",
    category="geometry",
)
def distance(ctx: Context, a: object, b: object, mode: str) -> float:
    return measure(ctx, a, b, mode)


def _winner_type(arg_types: dict[str, Type]) -> Type:
    """Object for a set of candidates; the element type for a list of candidates."""
    t = arg_types.get("candidates", ANY)
    if is_list(t) and t.item is not None:
        return t.item
    return OBJECT if t in (OBJECTS, OBJECT) else ANY


_winner_type.__doc__ = "Object (for Objects), else the list's element type"


def _scores(ctx: Context, candidates: object, to: object, farthest: bool) -> list[tuple[float, int, object]]:
    """(distance, position, candidate) for every candidate that may rank first or tie with the first."""
    if isinstance(candidates, tuple):
        items = [c for c in candidates if not (isinstance(c, ObjectSet) and not c.objects)]
        return [(measure(ctx, c, to, "closest"), i, c) for i, c in enumerate(items)]
    items = group(candidates)
    if not items:
        return []
    _refuse_empty(to)
    keep = "max" if farthest else "min"
    if _is_obj(to):
        positions, distances = ctx.memory.distances_from(rows(ctx, candidates), rows(ctx, to), keep, 2 * TIE_M)
    else:
        positions, distances = ctx.memory.distances_to_point(rows(ctx, candidates), position(ctx, to, "point"), keep, 2 * TIE_M)
    return [(float(d), int(i), items[i]) for i, d in zip(positions, distances)]


def _rank(ctx: Context, candidates: object, to: object, farthest: bool) -> object:
    scored = _scores(ctx, candidates, to, farthest)
    if not scored:
        raise OpError("no candidates to rank: the set is empty", code="empty-set")
    scored.sort(key=lambda t: (-t[0] if farthest else t[0], t[1]))
    if len(scored) > 1 and abs(scored[0][0] - scored[1][0]) < TIE_M:
        ctx.warn(f"tie at {scored[0][0]:.3f} m between the first two candidates; took the first listed")
    return scored[0][2]


@operation("closest", [Param("candidates", GROUPS), Param("to", LOCATABLE)], _winner_type, "the candidate nearest to `to` (closest points); candidates: a set, or a list of objects/sets", category="geometry")
def closest(ctx: Context, candidates: object, to: object) -> object:
    return _rank(ctx, candidates, to, farthest=False)


@operation("farthest", [Param("candidates", GROUPS), Param("to", LOCATABLE)], _winner_type, "the candidate farthest from `to` (closest points); candidates: a set, or a list of objects/sets", category="geometry")
def farthest(ctx: Context, candidates: object, to: object) -> object:
    return _rank(ctx, candidates, to, farthest=True)


_MEASURES = {"height": lambda o: o.box.height, "length": lambda o: float(max(o.box.e)), "volume": lambda o: float(np.prod(o.box.e))}


def _by_measure(ctx: Context, candidates: object, by: str, largest: bool) -> object:
    items = list(candidates) if isinstance(candidates, tuple) else group(candidates)
    items = [c for c in items if not (isinstance(c, ObjectSet) and not c.objects)]
    if not items:
        raise OpError("no candidates to compare: the set is empty", code="empty-set")
    measure = _MEASURES[by]
    scored = [(measure(one_object(ctx, c, f"a {by} candidate")) if isinstance(c, ObjectSet) else measure(c), i, c)
              for i, c in enumerate(items)]
    scored.sort(key=lambda t: (-t[0] if largest else t[0], t[1]))
    if len(scored) > 1 and abs(scored[0][0] - scored[1][0]) < 1e-9:
        ctx.warn(f"tie in {by} between the first two candidates; took the first listed")
    return scored[0][2]


_BY = Param("by", (TEXT,), "volume", choices=tuple(_MEASURES))


@operation("largest", [Param("candidates", GROUPS), _BY], _winner_type, "the candidate with the greatest height, longest side (length) or box volume", category="geometry")
def largest(ctx: Context, candidates: object, by: str) -> object:
    return _by_measure(ctx, candidates, by, largest=True)


@operation("smallest", [Param("candidates", GROUPS), _BY], _winner_type, "the candidate with the least height, longest side (length) or box volume", category="geometry")
def smallest(ctx: Context, candidates: object, by: str) -> object:
    return _by_measure(ctx, candidates, by, largest=False)


@operation("first_seen", [Param("x", (OBJECT, OBJECTS, TEXT), label=True)], NUMBER, "index of the first frame in which it is visible", unit="frame", category="time")
def first_seen(ctx: Context, x: object) -> float:
    try:
        if isinstance(x, str) and not len(found := labelled(ctx, x)):
            return float(ctx.memory.first_seen(x))  # its error names the label
        objects = ctx.memory.index.objects_of(found) if isinstance(x, str) else group(x)
        return float(min(ctx.memory.first_seen(o) for o in objects))
    except MemoryQueryError as exc:
        raise OpError(exc.message, exc.hint, code="not-seen") from None
    except ValueError:
        raise OpError("no instance to look for: the set is empty", code="empty-set") from None


@operation("appearance_order", [Param("labels", (list_of(TEXT),), label=True)], list_of(TEXT), "the labels sorted by the frame of their first appearance", category="time")
def appearance_order(ctx: Context, labels: tuple[str, ...]) -> tuple[str, ...]:
    firsts = [(first_seen(ctx, label), i, label) for i, label in enumerate(labels)]
    firsts.sort()
    for (fa, _, la), (fb, _, lb) in zip(firsts, firsts[1:]):
        if fa == fb:
            ctx.warn(f"'{la}' and '{lb}' first appear in the same frame {int(fa)}; kept the listed order")
    return tuple(label for _, _, label in firsts)
