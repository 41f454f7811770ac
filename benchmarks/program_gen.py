"""Hypothesis strategies: random memories and random well-typed programs drawn from the registry (tests and the fuzzer)."""

from __future__ import annotations

from hypothesis import strategies as st

from reasmory.interpreter.registry import REGISTRY, Operation, Param
from reasmory.interpreter.types import ANY, BOOL, NUMBER, OBJECT, OBJECTS, POINT, TEXT, VIEW, Type, accepts, is_list, list_of
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_scene
from reasmory.memory.scene_format import SceneCamera, SceneDescription, SceneObject, SceneRoom

LABELS = ["chair", "table", "sofa", "tv", "lamp"]
OPTIONS = ["A. left", "B. right", "C. back", "D. chair"]
_CANDIDATE_TYPES = [NUMBER, BOOL, TEXT]


@st.composite
def memories(draw: st.DrawFn) -> SpatialMemory:
    """A room with 1–8 labelled boxes (every label at least once) and 1–4 cameras."""
    n = draw(st.integers(1, 8))
    n_cameras = draw(st.integers(1, 4))
    coord = st.floats(-4, 4, allow_nan=False)
    objects = [
        SceneObject(
            label=LABELS[i % len(LABELS)] if i < len(LABELS) else draw(st.sampled_from(LABELS)),
            center=(draw(coord), draw(coord), draw(st.floats(0.1, 2))),
            extents=tuple(draw(st.floats(0.05, 2)) for _ in range(3)),
            yaw_deg=draw(st.floats(-180, 180)),
            frames=sorted(draw(st.sets(st.integers(0, n_cameras - 1), max_size=4))),
        )
        for i in range(max(n, len(LABELS)))
    ]
    cameras = [
        SceneCamera(position=(draw(coord), draw(coord), 1.5), look_at=(draw(coord) + 10, draw(coord), 1.0))
        for _ in range(n_cameras)
    ]
    return from_scene(SceneDescription(room=SceneRoom(area=draw(st.floats(5, 80))), objects=objects, cameras=cameras))


def _ops_returning(want: Type) -> list[Operation]:
    found = []
    for op in REGISTRY:
        if op.statement_only or op.renders:
            continue
        ret = op.returns if not callable(op.returns) else ANY
        if ret == ANY or accepts(ret, (want,)):
            found.append(op)
    return found


class ProgramBuilder:
    """Draws expressions of a wanted type from the registry, variables and literals."""

    def __init__(self, draw: st.DrawFn, memory: SpatialMemory) -> None:
        self.draw = draw
        self.memory = memory
        self.env: dict[str, Type] = {"options": list_of(TEXT)}

    def literal(self, want: Type, param: Param | None) -> tuple[str, Type] | None:
        d = self.draw
        if param is not None and param.choices and want == TEXT:
            return f'"{d(st.sampled_from(param.choices))}"', TEXT
        if param is not None and param.label and want == TEXT:
            return f'"{d(st.sampled_from(self.memory.labels()))}"', TEXT
        if param is not None and param.label and want == list_of(TEXT):
            labels = d(st.lists(st.sampled_from(self.memory.labels()), min_size=1, max_size=4, unique=True))
            return "[" + ", ".join(f'"{x}"' for x in labels) + "]", want
        if param is not None and param.frame:
            return str(d(st.integers(0, len(self.memory.frames) - 1))), NUMBER
        if want == NUMBER:
            lo = param.minimum if param is not None and param.minimum is not None else -100
            hi = param.maximum if param is not None and param.maximum is not None else 100
            return repr(round(d(st.floats(lo, hi, allow_nan=False)), 3)), NUMBER
        if want == BOOL:
            return d(st.sampled_from(["true", "false"])), BOOL
        if want == TEXT:
            return f'"{d(st.sampled_from(["left", "chair", "yes", "x"]))}"', TEXT
        if want == list_of(TEXT):
            return "options", want
        label = f'"{d(st.sampled_from(self.memory.labels()))}"'
        constructors = {
            OBJECT: f"object({label})",
            OBJECTS: f"objects({label})",
            VIEW: f"camera({d(st.integers(0, len(self.memory.frames) - 1))})",
            POINT: f"center(object({label}))",
            list_of(OBJECTS): f"[objects({label})]",
        }
        return (constructors[want], want) if want in constructors else None

    def expr(self, want: Type, depth: int, param: Param | None = None) -> tuple[str, Type]:
        d = self.draw
        choices = []
        if want == ANY:
            want = d(st.sampled_from(_CANDIDATE_TYPES + [t for t in self.env.values() if t != ANY]))
        names = [n for n, t in self.env.items() if accepts(t, (want,)) and not (param is not None and (param.choices or param.label or param.frame))]
        literal = self.literal(want, param)
        if literal is not None:
            choices.append("literal")
        if names:
            choices.append("name")
        ops = _ops_returning(want) if depth > 0 and not (param is not None and (param.choices or param.label or param.frame)) else []
        if ops:
            choices.append("call")
        if is_list(want) and want.item is not None and depth > 0 and not (param is not None and param.label):
            choices.append("list")
        kind = d(st.sampled_from(choices)) if choices else "literal"
        try:
            return self._build(kind, want, depth, names, ops, literal)
        except _Unsatisfiable:
            if literal is None:
                raise
            return literal

    def _build(self, kind: str, want: Type, depth: int, names: list[str], ops: list[Operation], literal: tuple[str, Type] | None) -> tuple[str, Type]:
        d = self.draw
        if kind == "name":
            name = d(st.sampled_from(names))
            return name, self.env[name]
        if kind == "call":
            return self.call(d(st.sampled_from(ops)), want, depth - 1)
        if kind == "list":
            items = [self.expr(want.item, depth - 1) for _ in range(d(st.integers(1, 3)))]
            return "[" + ", ".join(i for i, _ in items) + "]", want
        if literal is None:
            raise _Unsatisfiable
        return literal

    def call(self, op: Operation, want: Type, depth: int) -> tuple[str, Type]:
        parts, types = [], {}
        for param in op.params:
            if not param.required and self.draw(st.booleans()):
                continue
            text, t = self.expr(self.draw(st.sampled_from(param.types)), depth, param)
            types[param.name] = t
            parts.append(f"{param.name}={text}")
        result = op.result_type(types)
        if not accepts(result, (want,)):
            raise _Unsatisfiable
        return f"{op.name}({', '.join(parts)})", result


class _Unsatisfiable(Exception):
    """The drawn shape cannot produce the wanted type; hypothesis discards the example."""


@st.composite
def programs(draw: st.DrawFn, memory: SpatialMemory) -> str:
    """A well-typed program: 1–6 statements, each a call of a random operation, then answer(...)."""
    from hypothesis import assume

    builder = ProgramBuilder(draw, memory)
    ops = [op for op in REGISTRY if not op.statement_only and not op.renders and op.name != "choose"]
    lines = []
    try:
        for i in range(draw(st.integers(1, 6))):
            text, t = builder.call(draw(st.sampled_from(ops)), ANY, 3)
            lines.append(f"v{i} = {text}")
            builder.env[f"v{i}"] = t
        final, _ = builder.call(REGISTRY.get("choose"), ANY, 2) if draw(st.booleans()) else builder.expr(ANY, 2)
    except _Unsatisfiable:
        assume(False)
    lines.append(f"answer({final})")
    return "\n".join(lines) + "\n"
