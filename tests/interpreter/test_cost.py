"""The cost model: every operation declares a cost; check refuses what is over budget or grows too large, naming the call."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasmory.benchmarks.crafted import crowded, doubling_program
from reasmory.interpreter import REGISTRY, Limits, check, estimate, parse
from reasmory.interpreter.cost import COEFFICIENTS, DECLARED, UNITS
from reasmory.interpreter.cost import estimate as estimate_program
from reasmory.memory import SpatialMemory


def _loaded(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> SpatialMemory:
    path = tmp_path_factory.mktemp("crowd") / "crowd.rmem"
    path.write_bytes(data)
    return SpatialMemory.load(path)


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> SpatialMemory:
    """3,000 boxes piled up: every one of the 2.25 million a–b pairs must be measured."""
    return _loaded(tmp_path_factory, crowded(3000, spread_m=0.1))


@pytest.fixture(scope="module")
def scattered(tmp_path_factory: pytest.TempPathFactory) -> SpatialMemory:
    """As many boxes scattered through 40 m: their bounds rule out all but a few pairs each."""
    return _loaded(tmp_path_factory, crowded(3000))


def test_every_operation_declares_its_cost() -> None:
    from reasmory.interpreter import cost_ops  # noqa: F401

    missing = [op.name for op in REGISTRY if op.name not in DECLARED]
    assert not missing, f"declare the cost of {missing} in interpreter/cost_ops.py"
    assert set(COEFFICIENTS) == set(UNITS)


def test_names_that_double_are_refused_before_running(cross: SpatialMemory) -> None:
    """Their names would grow past the size limit (and copying them would blow the budget too)."""
    found = check(doubling_program(20), cross)
    assert [d.code for d in found][:1] == ["value-too-large"] and set(d.code for d in found) <= {"value-too-large", "over-budget"}
    assert found[0].span.line == 11 and "view(…) would build a value of about" in found[0].message
    assert check(doubling_program(6), cross) == []


def test_a_group_too_large_to_pair_is_refused_naming_the_call(crowd: SpatialMemory) -> None:
    found = check('d = distance(objects("a"), objects("b"))\nanswer(d)', crowd)
    assert [d.code for d in found] == ["over-budget"]
    assert found[0].span.line == 1 and "distance(…) alone comes to" in found[0].message
    assert "2,250,000 " in found[0].message
    assert check('answer(distance(object("a"), objects("b")))', crowd) == []
    assert check('d = distance(objects("a"), objects("b"))\nanswer(d)', crowd, limits=Limits(max_cost_s=1e6)) == []


def test_scattered_groups_cost_what_their_bounds_leave(crowd: SpatialMemory, scattered: SpatialMemory) -> None:
    """The KD-tree leaves a few pairs per object of scattered groups: the same program checks clean, at a fraction."""
    source = 'answer(distance(objects("a"), objects("b")))'
    assert check(source, scattered) == []
    assert 20 * estimate(source, scattered).seconds < estimate(source, crowd).seconds


def test_costs_grow_with_what_the_operations_go_through(crowd: SpatialMemory, cross: SpatialMemory) -> None:
    def seconds(source: str, memory: SpatialMemory) -> float:
        return estimate_program(parse(source), memory).seconds

    assert seconds('answer(count(objects("a")))', crowd) > seconds('answer(count(objects("a")))', cross)
    assert seconds('answer(distance(objects("a"), objects("b")))', crowd) > 100 * seconds('answer(distance(object("a"), object("b")))', crowd)
    small = "answer(render(camera(0), width=64, height=48))"
    assert seconds(small.replace("64, height=48", "1024, height=768"), cross) > seconds(small, cross)


def test_the_estimate_names_its_most_expensive_call(crowd: SpatialMemory) -> None:
    result = estimate('a = count(objects("a"))\nd = distance(object("a"), objects("b"))\nanswer(d + a)', crowd)
    top = result.most_expensive()
    assert top is not None and top.operation == "distance" and top.span.line == 2
    assert result.describe(5.0).startswith("estimated cost ") and "most expensive: distance(…) at line 2" in result.describe(5.0)


def test_check_prints_the_estimate(cross: SpatialMemory, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reasmory.cli import main

    memory = cross.save(tmp_path / "cross.rmem")
    program = tmp_path / "p.rp"
    program.write_text('answer(distance(object("sofa"), object("tv")))\n')
    assert main(["check", str(program), "--memory", str(memory)]) == 0
    out = capsys.readouterr().out
    assert "checks clean" in out and "estimated cost" in out and "(budget 5 s)" in out and "distance(…) at line 1" in out
