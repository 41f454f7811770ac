"""The language's conformance suite: every fixture in cases/*.txt, run through the public parse → check → run.

Fixtures pin behaviour, not code: they survive refactors of the interpreter
and must keep passing on any implementation of the language. Every operation
of the registry and every diagnostic code the parser, checker and operations
can give has at least one fixture; a new operation or code without one fails
`test_every_operation_has_fixtures` / `test_every_diagnostic_code_has_a_fixture`.
"""

from __future__ import annotations

import inspect
import re
from functools import cache

import pytest

from reasmory.interpreter import REGISTRY, Limits, RunError, check, parse, run
from reasmory.interpreter import ast, checker, context, cost, executor, parser
from reasmory.interpreter.ops import answers, directions, objects, rendering, resolve, views
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_scene

from ..interpreter.scenes import cross_scene
from .cases import MEMORIES, Case, load_cases, mismatch, normalise

CASES = load_cases()
#: Codes no program can reach on a correct interpreter: `internal-error` is what a bug in an operation becomes.
UNREACHABLE = {"internal-error"}
#: Fixtures pin values, not speed: the first render of a process imports torch, which can take seconds under load.
TIME_BUDGET_S = 120.0


@cache
def memory(name: str) -> SpatialMemory:
    return cross_scene() if name == "cross" else from_scene(MEMORIES / f"{name}.json")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case, tmp_path) -> None:
    mem = memory(case.memory)
    limits = Limits(**{"time_budget_s": TIME_BUDGET_S, **case.limits})
    if case.errors is not None and case.errors[0][0] != "run":
        diagnostics = check(case.program, mem, case.options, limits)
        found = [(d.stage, d.code, d.span.line, d.span.column) if d.span else (d.stage, d.code, 0, 0) for d in diagnostics]
        assert found == case.errors, case.program
        assert _ends(diagnostics, case.ends) == case.ends, case.program
        return
    assert [d for d in check(case.program, mem, case.options, limits) if d.severity == "error"] == [], case.program
    if case.errors is not None:
        with pytest.raises(RunError) as info:
            run(case.program, mem, case.options, limits=limits, artifacts_dir=tmp_path)
        d = info.value.diagnostics[0]
        assert [(d.stage, d.code, d.span.line, d.span.column)] == case.errors, d.message
        assert _ends([d], case.ends) == case.ends, d.message
        return
    result = run(case.program, mem, case.options, limits=limits, artifacts_dir=tmp_path)
    if case.answer is not None:
        assert result.answer == case.answer, case.program
    else:
        problem = mismatch(case.value, normalise(result.value), case.tolerance)
        assert problem is None, f"{problem}\n{case.program}"
    for text in case.warns:
        assert any(text in w for w in result.warnings), (text, result.warnings)
    if not case.warns:
        assert result.warnings == [], result.warnings


def _ends(diagnostics: list, wanted: list[tuple[int, int] | None]) -> list[tuple[int, int] | None]:
    """Where each diagnostic's span ends, for the fixture lines that pin it (None for the others)."""
    return [None if want is None or d.span is None else (d.span.end_line, d.span.end_column) for d, want in zip(diagnostics, wanted)]


def _calls(node: object) -> set[str]:
    """Names of the operations a program calls, anywhere in it."""
    found: set[str] = set()
    if isinstance(node, ast.Call):
        found.add(node.func)
    for child in getattr(node, "__slots__", ()):
        value = getattr(node, child)
        for item in value if isinstance(value, tuple) else (value,):
            if hasattr(item, "__slots__"):
                found |= _calls(item)
    return found


def _diagnostic_codes() -> set[str]:
    """Every code the parser, checker, executor and operations can give, read from their source."""
    codes: set[str] = set()
    for module in (parser, checker, cost, executor, context, answers, directions, objects, rendering, views, resolve):
        source = inspect.getsource(module)
        codes |= set(re.findall(r'code="([a-z-]+)"', source))
        codes |= set(re.findall(r'(?:self\.error|self\._stop)\(\s*"([a-z-]+)"', source))
        for pair in re.findall(r'self\.error\(\s*"([a-z-]+)" if [^,]* else "([a-z-]+)"', source):
            codes |= set(pair)
    return codes - UNREACHABLE


def test_the_suite_is_large() -> None:
    assert len(CASES) >= 300
    assert len({c.id for c in CASES}) == len(CASES), "two fixtures share a title"


def test_every_operation_has_fixtures() -> None:
    called: dict[str, int] = {}
    for case in CASES:
        try:
            program = parse(case.program)
        except Exception:  # noqa: BLE001 — fixtures of syntax errors call nothing
            continue
        for name in set().union(*(_calls(s) for s in program.statements)):
            called[name] = called.get(name, 0) + 1
    missing = [op.name for op in REGISTRY if called.get(op.name, 0) == 0]
    assert not missing, f"operations without a conformance fixture (add cases to tests/conformance/cases/): {missing}"


def test_every_diagnostic_code_has_a_fixture() -> None:
    pinned = {code for case in CASES for _, code, _, _ in case.errors or ()}
    codes = _diagnostic_codes()
    assert len(codes) > 25
    missing = sorted(codes - pinned)
    assert not missing, f"diagnostic codes without a conformance fixture: {missing}"
