"""Turning argument values into what the geometry needs: one object, a group, a position."""

from __future__ import annotations

import numpy as np

from reasmory.interpreter.context import Context, OpError
from reasmory.interpreter.values import ObjectSet, Point, View
from reasmory.memory.model import ObjectInstance
from reasmory.memory.object_index import also_called


def group(value: ObjectInstance | ObjectSet) -> list[ObjectInstance]:
    """The instances of an Object or Objects value."""
    return [value] if isinstance(value, ObjectInstance) else list(value.objects)


def rows(ctx: Context, value: ObjectInstance | ObjectSet) -> np.ndarray:
    """The memory's index rows of an Object or Objects value (kept by sets the memory made)."""
    if isinstance(value, ObjectSet) and value.rows is not None:
        return value.rows
    return ctx.memory.rows(group(value))


def labelled(ctx: Context, label: str) -> np.ndarray:
    """The memory's rows of the objects labelled `label`; when none is, of those a fair share of their views called so
    (`SpatialMemory.called_rows`), with a warning that says how many views did."""
    found = ctx.memory.rows_named(label)
    if len(found) and not ctx.memory.has_label(label):
        canonical = ctx.memory.canonical(label)
        taken = []
        for obj in ctx.memory.index.objects_of(found):
            views, total = next(v for name, v in also_called(obj).items() if ctx.memory.canonical(name) == canonical)
            taken.append(f"the {obj.label} #{obj.id} ({views} of its {total} views called it '{label}')")
        ctx.warn(f"no object is labelled '{label}': took {', '.join(taken)}")
    return found


def object_set(ctx: Context, label: str, found: np.ndarray) -> ObjectSet:
    """The set of the memory's objects at index rows `found`, named `label`."""
    index = ctx.memory.index
    return ObjectSet(label, index.objects_of(found), rows=found, labels=index.labels_of(found))


def describe(value: object) -> str:
    if isinstance(value, ObjectInstance):
        return f"{value.label} #{value.id}"
    if isinstance(value, ObjectSet):
        return f"{value.label} ({len(value)})"
    if isinstance(value, View):
        return value.origin
    return type(value).__name__


def one_object(ctx: Context, value: ObjectInstance | ObjectSet, role: str) -> ObjectInstance:
    """A single instance: the most observed one of a set, with a warning naming the others."""
    if isinstance(value, ObjectInstance):
        return value
    if not value.objects:
        raise OpError(f"no '{value.label}' to use as {role}: the set is empty", code="empty-set")
    if len(value.objects) == 1:
        return value.objects[0]
    found, index = rows(ctx, value), ctx.memory.index  # the index's arrays, not each object: sets may be large
    best = value.objects[int(np.lexsort((index.ids[found], -index.observations[found]))[0])]
    others = ", ".join(f"#{o.id}" for o in value.objects if o is not best)
    ctx.warn(f"{len(value.objects)} instances of '{value.label}' for {role}: took #{best.id} (most observed); others: {others}")
    return best


def position(ctx: Context, value: object, role: str) -> np.ndarray:
    """A 3D position (world metres) for a Point, View, Object or Objects value."""
    if isinstance(value, Point):
        return value.array
    if isinstance(value, View):
        return np.asarray(value.position, dtype=np.float64)
    if isinstance(value, (ObjectInstance, ObjectSet)):
        return one_object(ctx, value, role).box.c
    raise OpError(f"{role} has no position")
