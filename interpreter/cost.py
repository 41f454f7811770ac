"""The cost model: what a program will cost and how large its values will grow, known before it runs.

As CEL estimates an expression's cost before evaluating it, each operation
declares its cost as a function of its arguments' sizes (objects in a group,
points of their geometry, floor cells, pixels, characters of a name) in named
*units* (`cost_ops.py`); coefficients fitted on the reference machine turn
units into seconds (`python -m reasmory.benchmarks.cost --calibrate`). The
estimator walks a checked program once, keeping for every name the `Size` of
its value, so sizes follow values through assignments: a view built from a
view built from a view carries the whole chain in its name, and the estimate
sees it double. `check` refuses a program whose estimate is over its budget
(naming the most expensive call) or that would build a value past the size
limit; `reasmory check` prints the estimate.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from reasmory.interpreter import ast
from reasmory.interpreter.context import DEFAULT_LIMITS, Limits
from reasmory.interpreter.errors import Diagnostic
from reasmory.interpreter.registry import REGISTRY, Operation
from reasmory.memory import SpatialMemory
from reasmory.memory.geometry import column_bounds, footprint_cells

#: What each unit counts, as a diagnostic names it.
UNITS = {
    "program": "programs run",
    "char": "characters of program text",
    "statement": "statements",
    "call": "operation calls",
    "scan": "objects scanned",
    "pair": "pairs of objects compared",
    "tree": "steps through KD-trees of objects",
    "candidate": "pairs of objects their bounds cannot rule out",
    "measure": "exact distances between objects",
    "round": "rounds of exact distances",
    "point": "points of geometry",
    "cell": "floor grid cells",
    "pixel": "pixels drawn",
    "render": "renders",
    "text": "characters of names built",
    "option": "option comparisons",
}

#: The units whose words change for one of them.
ONE = {"round": "round of exact distances", "measure": "exact distance between objects", "render": "render",
       "pair": "pair of objects compared", "candidate": "pair of objects its bounds cannot rule out"}

#: Seconds per unit on the reference machine (2 shared cores), fitted by `python -m reasmory.benchmarks.cost --calibrate`.
COEFFICIENTS: dict[str, float] = {
    "program": 0.00012,
    "char": 2.7e-06,
    "statement": 2.9e-05,
    "call": 1.8e-06,
    "scan": 1.9e-06,
    "pair": 1.8e-07,
    "tree": 0.0,
    "candidate": 1.1e-06,
    "measure": 1.9e-06,
    "round": 0.00051,
    "point": 2.1e-07,
    "cell": 1e-07,
    "pixel": 1.5e-07,
    "render": 0.049,
    "text": 3.3e-07,
    "option": 0.0,
}

Units = dict[str, float]


@dataclass(frozen=True)
class Size:
    """How large a value can be: its object instances and their points, its characters and its list items; for
    objects, how they are spread (the volume of their bounds, their mean bounding radius), which decides how many of
    their pairs a closest-distance query must measure."""

    objects: int = 0
    points: int = 0
    solid: bool = True
    chars: int = 0
    items: int = 0
    is_set: bool = False
    volume: float = 0.0
    radius: float = 0.0

    def __init__(self, objects: int = 0, points: int = 0, solid: bool = True, chars: int = 0, items: int = 0, is_set: bool = False,
                 volume: float = 0.0, radius: float = 0.0) -> None:
        """The fields stored straight into the instance's dict: the frozen dataclass's own `__init__` makes one
        `object.__setattr__` call per field, 2.5x the cost, and the estimator builds a Size for most expressions."""
        fields = self.__dict__
        fields["objects"], fields["points"], fields["solid"], fields["chars"] = objects, points, solid, chars
        fields["items"], fields["is_set"], fields["volume"], fields["radius"] = items, is_set, volume, radius

    @property
    def size(self) -> int:
        """Comparable with `limits.value_size` of the value itself."""
        return self.chars + self.items + (self.objects if self.is_set else 0) + 1


#: The Size of a value with nothing in it (numbers, booleans, unknown names): one shared instance, as Size is frozen.
_NO_SIZE = Size()


@dataclass(frozen=True)
class Scene:
    """What the estimate needs to know of a memory, gathered once per memory."""

    objects: int = 0
    points: int = 0
    object_points: int = 0
    solid: bool = True
    frames: int = 0
    labels: int = 0
    label_chars: int = 0
    floor_known: bool = False
    footprint_cells: int = 0
    floor_points: int = 0
    volume: float = 0.0
    radius: float = 0.0
    groups: dict[str, Size] = field(default_factory=dict)

    def group(self, label: str | None, memory: SpatialMemory | None) -> Size:
        """The Size of `objects(label)`: exact for a literal label, every object otherwise."""
        if label is None or memory is None:
            return Size(objects=self.objects, points=self.object_points, solid=self.solid, chars=self.label_chars, is_set=True,
                        volume=self.volume, radius=self.radius)
        if label not in self.groups:
            rows = memory.rows_named(label)
            index = memory.index
            volume, radius = _spread(memory, rows)
            self.groups[label] = Size(objects=len(rows), points=int(index.geometry_points[rows].sum()),
                                      solid=bool(index.solid[rows].all()), chars=len(label) + 6, is_set=True, volume=volume,
                                      radius=radius)
        return self.groups[label]


#: The smallest side (metres) a group's bounds count with: a group in one plane still spreads its pairs.
_MIN_SIDE = 0.05


def _spread(memory: SpatialMemory, rows: np.ndarray) -> tuple[float, float]:
    """The volume (m³) of the bounds of the rows' objects together, and their mean bounding radius (m)."""
    if not len(rows):
        return 0.0, 0.0
    index = memory.index
    sides = np.maximum(index.hi[rows].max(axis=0) - index.lo[rows].min(axis=0), _MIN_SIDE)
    return float(np.prod(sides)), float(index.radius[rows].mean())


_SCENES: weakref.WeakKeyDictionary[SpatialMemory, Scene] = weakref.WeakKeyDictionary()
#: Spacing of the floor grid a render draws under a memory without captured points (memory/render/cloud.py).
_FLOOR_SPACING = 0.04


def scene_of(memory: SpatialMemory | None) -> Scene:
    """The memory's sizes (an empty scene without a memory), kept while the memory lives."""
    if memory is None:
        return Scene()
    scene = _SCENES.get(memory)
    if scene is None:
        index = memory.index
        xy = _plan_extent(memory)
        floor = 0 if len(memory.points) else int(np.prod((xy + 1.0) / _FLOOR_SPACING))
        volume, radius = _spread(memory, np.arange(index.n))
        scene = _SCENES[memory] = Scene(
            objects=index.n, points=len(memory.points), object_points=int(index.geometry_points.sum()),
            solid=bool(index.solid.all()), frames=len(memory.frames), labels=len(index.labels),
            label_chars=max((len(label) for label in index.labels), default=0) + 6,
            floor_known=memory.scene.floor_area is not None or bool(memory.scene.floor_polygon),
            footprint_cells=_footprint_cells(memory), floor_points=floor, volume=volume, radius=radius)
    return scene


def _plan_extent(memory: SpatialMemory) -> np.ndarray:
    """Width and depth (metres) of what a top-down view or floor grid covers: objects, cameras, floor polygon."""
    index = memory.index
    centre, reach = index.centre[:, :2], index.box_reach[:, :2]  # a box's corners reach centre ± reach, no further
    parts = [centre - reach, centre + reach, *(f.position[None, :2] for f in memory.frames)]
    if memory.scene.floor_polygon:
        parts.append(np.asarray(memory.scene.floor_polygon, np.float64))
    xy = np.concatenate(parts)
    return xy.max(axis=0) - xy.min(axis=0) if len(xy) else np.zeros(2)


def _footprint_cells(memory: SpatialMemory) -> int:
    """The cells of the grid an area measure lays over the scene's points, else over the objects' own points."""
    if len(memory.points):
        return footprint_cells(*column_bounds(memory.points.xyz[:, :2]))
    index = memory.index
    own = index.own_points > 0
    lo, hi = [index.lo[own & ~index.solid, :2]], [index.hi[own & ~index.solid, :2]]  # such a row's bounds are its points'
    for row in np.flatnonzero(own & index.solid).tolist():
        bounds = column_bounds(memory.objects[row].points[:, :2])
        lo.append(bounds[0][None])
        hi.append(bounds[1][None])
    lo_all, hi_all = np.concatenate(lo), np.concatenate(hi)
    return footprint_cells(lo_all.min(axis=0), hi_all.max(axis=0)) if len(lo_all) else 0


@dataclass
class Args:
    """What an operation's cost declaration sees: its arguments' sizes and literal values, and the scene."""

    sizes: dict[str, Size]
    literals: dict[str, object]
    scene: Scene
    memory: SpatialMemory | None

    def size(self, name: str) -> Size:
        return self.sizes.get(name, _NO_SIZE)

    def literal(self, name: str) -> object:
        return self.literals.get(name)


OpCost = Callable[[Args], tuple[Units, Size]]
DECLARED: dict[str, OpCost] = {}


def declare(*names: str) -> Callable[[OpCost], OpCost]:
    """Register `fn(args) -> (units, result size)` as the cost of the named operations."""

    def register(fn: OpCost) -> OpCost:
        for name in names:
            if name in DECLARED:
                raise ValueError(f"the cost of {name!r} is declared twice")
            DECLARED[name] = fn
        return fn

    return register


def seconds(units: Units) -> float:
    total = 0.0  # summed in the units' order, as sum() would: the same float
    for name, amount in units.items():
        total += COEFFICIENTS[name] * amount
    return total


@dataclass(frozen=True)
class CallCost:
    """One call's share of the estimate."""

    operation: str
    span: ast.Span
    units: Units
    result: Size

    def __init__(self, operation: str, span: ast.Span, units: Units, result: Size) -> None:
        """Stored straight into the instance's dict, as Size's fields are (one CallCost per call of every program)."""
        fields = self.__dict__
        fields["operation"], fields["span"], fields["units"], fields["result"] = operation, span, units, result

    @property
    def seconds(self) -> float:
        return seconds(self.units)

    def dominant(self) -> str:
        """The unit that costs most, as words: '9,000,000 pairs of objects their bounds cannot rule out'."""
        name = max(self.units, key=lambda k: COEFFICIENTS[k] * self.units[k])
        amount = f"{self.units[name]:,.0f}"
        return f"{amount} {ONE.get(name, UNITS[name]) if amount == '1' else UNITS[name]}"


@dataclass
class Estimate:
    """The program's estimated cost (seconds on the reference machine), per call, and what it refuses."""

    seconds: float
    units: Units
    calls: list[CallCost]
    diagnostics: list[Diagnostic]

    def most_expensive(self) -> CallCost | None:
        return max(self.calls, key=lambda c: c.seconds, default=None)

    def describe(self, budget: float) -> str:
        """One line for `reasmory check`."""
        text = f"estimated cost {format_seconds(self.seconds)} (budget {format_seconds(budget)})"
        top = self.most_expensive()
        if top is not None:
            text += f"; most expensive: {top.operation}(…) at line {top.span.line}, {format_seconds(top.seconds)} for {top.dominant()}"
        return text


def format_seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.3g} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3g} ms"
    return f"{value * 1e6:.3g} µs"


class Estimator:
    """One walk over a checked program: the Size of every expression, the cost of every call."""

    def __init__(self, program: ast.Program, memory: SpatialMemory | None, n_options: int | None, limits: Limits) -> None:
        self.program, self.memory, self.limits = program, memory, limits
        self.scene = scene_of(memory)
        self.env: dict[str, Size] = {"options": Size(items=n_options or 4, chars=40 * (n_options or 4))}
        self.calls: list[CallCost] = []
        self.too_large: Diagnostic | None = None
        self.labels_looked_up = False

    def run(self) -> Estimate:
        for stmt in self.program.statements:
            value = self.size(stmt.value)
            if type(stmt) is ast.Assign:
                self.env[stmt.name] = value
        units: Units = {"program": 1, "char": len(self.program.source), "statement": len(self.program.statements)}
        if self.labels_looked_up:  # the memory's object index, built on the first label looked up
            units["scan"] = float(self.scene.objects)
        for call in self.calls:
            for name, amount in call.units.items():
                units[name] = units.get(name, 0.0) + amount
        total = seconds(units)
        diagnostics = [self.too_large] if self.too_large is not None else []
        budget = self.limits.cost_budget_s
        if total > budget and self.calls:
            top = max(self.calls, key=lambda c: c.seconds)
            diagnostics.append(Diagnostic(
                stage="check", code="over-budget", span=top.span,
                message=f"the program's estimated cost is {format_seconds(total)}, over its budget of {format_seconds(budget)}; "
                        f"{top.operation}(…) alone comes to {format_seconds(top.seconds)} for {top.dominant()}",
                expected=f"an estimated cost of at most {format_seconds(budget)}",
                hint="narrow the groups (object(…) rather than objects(…)), render fewer or smaller images, or raise Limits.max_cost_s"))
        return Estimate(total, units, self.calls, diagnostics)

    def size(self, node: ast.Expr) -> Size:
        kind = type(node)
        if kind is ast.Call:
            return self._call(node)
        if kind is ast.Name:
            return self.env.get(node.id, _NO_SIZE)
        if kind is ast.String:
            return Size(chars=len(node.value))
        if kind is ast.ListExpr:
            return self._list(node)
        if kind is ast.BinOp or kind is ast.BoolOp:
            self.size(node.left)
            self.size(node.right)
        elif kind is ast.UnaryOp:
            self.size(node.operand)
        return _NO_SIZE  # numbers, booleans and what operators make: nothing that grows

    def _list(self, node: ast.ListExpr) -> Size:
        items = [self.size(i) for i in node.items]
        return Size(objects=sum(i.objects for i in items), points=sum(i.points for i in items), solid=all(i.solid for i in items),
                    chars=sum(i.chars for i in items), items=len(items) + sum(i.items for i in items),
                    volume=max((i.volume for i in items), default=0.0), radius=max((i.radius for i in items), default=0.0))

    def _call(self, node: ast.Call) -> Size:
        op = REGISTRY.get(node.func)
        facts = _facts(op) if op else None
        sizes: dict[str, Size] = {}
        literals: dict[str, object] = {}
        bound = list(zip(facts.names, node.args)) if facts else []
        if node.keywords:
            bound += [(k.name, k.value) for k in node.keywords]
        size = self.size
        for name, arg in bound:
            sizes[name] = size(arg)
            kind = type(arg)
            if kind in _LITERALS:
                literals[name] = arg.value
            elif kind is ast.ListExpr and all(type(i) is ast.String for i in arg.items):
                literals[name] = tuple(i.value for i in arg.items)
        declared = DECLARED.get(node.func)
        if facts is None or declared is None:
            return _NO_SIZE
        for name, default in facts.defaults:
            if name not in literals:
                literals[name] = default
        units, result = declared(Args(sizes, literals, self.scene, self.memory))
        units = {"call": 1.0, **units}
        if not self.labels_looked_up:
            for name in facts.labels:
                if isinstance(literals.get(name), (str, tuple)):
                    self.labels_looked_up = True
        self.calls.append(CallCost(op.name, node.span, units, result))
        if self.too_large is None and result.size > self.limits.max_value_size:
            self.too_large = Diagnostic(
                stage="check", code="value-too-large", span=node.span,
                message=f"{op.name}(…) would build a value of about {result.size:,} characters and items, "
                        f"over the limit of {self.limits.max_value_size:,}",
                expected=f"values of at most {self.limits.max_value_size:,} characters and items",
                hint="build it from fewer parts: make views from objects or cameras rather than from other views")
        return result


#: The literals whose value an operation's cost may read: numbers, words and booleans written out.
_LITERALS = frozenset({ast.Number, ast.String, ast.Bool})


@dataclass(frozen=True)
class _OpFacts:
    """What the estimator reads of an operation's parameters on every call, gathered once per operation."""

    operation: Operation
    names: tuple[str, ...]
    defaults: tuple[tuple[str, object], ...]
    labels: tuple[str, ...]


_FACTS: dict[str, _OpFacts] = {}


def _facts(op: Operation) -> _OpFacts:
    """The parameter names of `op`, its literal defaults (numbers, words, tuples) and its label parameters."""
    facts = _FACTS.get(op.name)
    if facts is None or facts.operation is not op:
        facts = _FACTS[op.name] = _OpFacts(
            op, tuple(p.name for p in op.params),
            tuple((p.name, p.default) for p in op.params if not p.required and isinstance(p.default, (int, float, str, tuple))),
            tuple(p.name for p in op.params if p.label))
    return facts


def estimate(program: ast.Program, memory: SpatialMemory | None, n_options: int | None = None, limits: Limits | None = None) -> Estimate:
    """The cost and value sizes of a checked program against `memory` (costs: cost_ops.py, which the package imports)."""
    return Estimator(program, memory, n_options, limits or DEFAULT_LIMITS).run()
