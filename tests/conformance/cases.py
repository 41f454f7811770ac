"""Reading the conformance fixtures: `cases/*.txt`, one case per `=== title` block.

A case is a title, optional header lines (`memory: NAME`, `options: A. x | B. y`,
`tolerance: 0.01`, `warns: TEXT`, `limits: max_renders=1`), the program, then what it
must give:

    === the lamp is 45° to the left, at the edge of front
    memory: cross
    me = view(at=object("sofa"), facing=object("tv"))
    answer(angle(object("lamp"), me))
    --- value
    45

`--- value` is followed by JSON compared with the run's value (see `normalise`);
`--- answer` by the answer text exactly as the run formats it;
`--- error` by one `stage code line:column` line per diagnostic, in order (check
diagnostics all, parse and run errors the first); `line:column-end_line:end_column`
also pins where the span ends (one past its last character).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reasmory.interpreter.values import Image, ObjectSet, Point, View
from reasmory.memory.model import ObjectInstance

CASES = Path(__file__).parent / "cases"
MEMORIES = Path(__file__).parent / "memories"
_HEADER = re.compile(r"^(memory|options|tolerance|warns|limits):\s*(.*)$")
_ERROR = re.compile(r"^(parse|check|run) ([a-z-]+) (\d+):(\d+)(?:-(\d+):(\d+))?$")


@dataclass
class Case:
    file: str
    title: str
    program: str
    memory: str = "cross"
    options: list[str] | None = None
    tolerance: float = 1e-6
    warns: list[str] = field(default_factory=list)
    limits: dict[str, float] = field(default_factory=dict)
    value: Any = None
    errors: list[tuple[str, str, int, int]] | None = None
    ends: list[tuple[int, int] | None] = field(default_factory=list)
    answer: str | None = None

    @property
    def id(self) -> str:
        return f"{self.file}: {self.title}"


def _case(file: str, block: str) -> Case:
    title, rest = block.split("\n", 1)
    body, kind_and_expect = re.split(r"^--- ", rest, maxsplit=1, flags=re.MULTILINE)
    kind, expect = kind_and_expect.split("\n", 1)
    case = Case(file=file, title=title.strip(), program="")
    lines = body.splitlines(keepends=True)
    while lines and (m := _HEADER.match(lines[0].rstrip("\n"))):
        key, text = m.groups()
        if key == "memory":
            case.memory = text.strip()
        elif key == "options":
            case.options = [o.strip() for o in text.split("|")] if text.strip() else []
        elif key == "tolerance":
            case.tolerance = float(text)
        elif key == "limits":
            case.limits = {k.strip(): float(v) for k, v in (item.split("=") for item in text.split(","))}
        else:
            case.warns.append(text.strip())
        lines.pop(0)
    case.program = "".join(lines)
    if kind.strip() == "value":
        case.value = json.loads(expect)
    elif kind.strip() == "answer":
        case.answer = expect.rstrip("\n")
    elif kind.strip() == "error":
        case.errors = []
        for line in filter(None, (x.strip() for x in expect.splitlines())):
            m = _ERROR.match(line)
            if m is None:
                raise ValueError(f"{file}: {case.title}: bad error line {line!r} (want 'stage code line:column')")
            case.errors.append((m[1], m[2], int(m[3]), int(m[4])))
            case.ends.append((int(m[5]), int(m[6])) if m[5] else None)
    else:
        raise ValueError(f"{file}: {case.title}: unknown section '--- {kind}' (want value, answer or error)")
    return case


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES.glob("*.txt")):
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
        cases += [_case(path.stem, block) for block in text.split("=== ")[1:]]
    return cases


def normalise(value: Any) -> Any:
    """A run's value as JSON: objects by label and centre, sets as their members, views by position and heading."""
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, tuple):
        return [normalise(v) for v in value]
    if isinstance(value, ObjectInstance):
        return {"object": value.label, "center": [float(v) for v in value.box.c]}
    if isinstance(value, ObjectSet):
        return {"objects": [normalise(o) for o in value.objects]}
    if isinstance(value, View):
        return {"view": list(value.position), "heading": value.heading_deg}
    if isinstance(value, Point):
        return {"point": list(value.xyz)}
    if isinstance(value, Image):
        return {"image": True, "size": [float(value.width), float(value.height)]}
    raise TypeError(f"no conformance form for {type(value).__name__}")


def mismatch(expected: Any, actual: Any, tolerance: float, where: str = "value") -> str | None:
    """Where `actual` differs from `expected` (None when it matches). Dicts compare only the keys expected gives."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return None if expected is actual else f"{where}: expected {expected!r}, got {actual!r}"
    if isinstance(expected, int | float):
        if not isinstance(actual, float):
            return f"{where}: expected the number {expected}, got {actual!r}"
        gap = abs(actual - expected)
        if where.endswith("heading"):
            gap = abs((actual - expected + 180.0) % 360.0 - 180.0)
        return None if gap <= tolerance or math.isclose(actual, expected, rel_tol=1e-9) else f"{where}: expected {expected}, got {actual}"
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: expected {expected!r}, got {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            if (problem := mismatch(e, a, tolerance, f"{where}[{i}]")) is not None:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or not set(expected) <= set(actual):
            return f"{where}: expected {expected!r}, got {actual!r}"
        for key, e in expected.items():
            if (problem := mismatch(e, actual[key], tolerance, f"{where}.{key}")) is not None:
                return problem
        return None
    return None if expected == actual else f"{where}: expected {expected!r}, got {actual!r}"
