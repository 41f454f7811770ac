"""Cost estimates pinned program by program: every unit, second and result size the estimator gives today, so a
faster estimator must give the very same numbers.

    python tests/interpreter/test_cost_golden.py     # rewrite fixtures/estimates.json (after a deliberate change)

The programs: the ten of the parse + check benchmark against its memory, every program of the golden diagnostics that
checks clean against the cross scene, and a program per operation against the cross scene (`EVERY_OPERATION`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from reasmory.benchmarks import scale_startup
from reasmory.interpreter import check, estimate
from reasmory.memory import SpatialMemory

HERE = Path(__file__).parent
GOLDEN = HERE / "fixtures" / "estimates.json"
DIAGNOSTICS = HERE / "fixtures" / "diagnostics.txt"
OPTIONS = ["A. left", "B. right"]
#: Every operation at least once, literals and defaults, names carrying sizes across statements, lists and operators.
EVERY_OPERATION = [
    'answer(count_of("chair") + count(objects("chairs")) * 2 - 1)\n',
    'answer(exists("lamp") and not exists("piano") or true)\n',
    'answer(labels())\n',
    's = size(object("table"))\nanswer([height(object("bed")), volume(object("sofa")), longest_side(object("tv")), round(2.5, 1)])\n',
    'answer(center(object("sofa")))\n',
    'answer(distance(objects("chair"), object("bed"), mode="center"))\n',
    'answer(distance(camera(0), objects("chair")))\n',
    'answer(closest(objects("chair"), to=object("tv")))\n',
    'answer(farthest([objects("chair"), objects("lamp")], to=camera(1)))\n',
    'answer(largest(objects("chair"), by="height"))\n',
    'answer(smallest([objects("bed"), objects("plant")]))\n',
    'answer(first_seen("lamp") < first_seen(object("tv")))\n',
    'answer(appearance_order(["tv", "lamp", "bed"]))\n',
    'me = view(at=object("sofa"), facing=object("tv"))\nanswer(angle(object("lamp"), viewer=me))\n',
    'me = view(at=object("sofa"), facing=object("tv"))\nanswer(relation(object("lamp"), object("table"), viewer=me))\n',
    'me = walk_to(step(turn(camera(2), "left", degrees=45), "forward", meters=2), object("bed"))\nanswer(objects_around(me, "back"))\n',
    'a = camera(0)\nb = turn(a, "back")\nanswer(motion(a, b))\n',
    'me = camera(3)\nanswer(choose(turn_towards(me, objects("chair"), forward=false), options))\n',
    'answer(render(view(at=camera(1), facing=object("tv")), mode="depth", width=320, height=240))\n',
    'answer(bev(highlight=["sofa", "tv"]))\n',
    'answer(bev("semantic", highlight=objects("chair")))\n',
    'answer(choose(direction(object("bed"), viewer=camera(0), granularity="clock"), options))\n',
]


def _programs() -> list[tuple[str, str, list[str]]]:
    """(scene name, program, options) of every pinned case."""
    pairs = json.loads(scale_startup.PAIRS.read_text(encoding="utf-8"))["pairs"]
    cases = [("questions", pair["program"], scale_startup.OPTIONS) for pair in pairs]
    for block in DIAGNOSTICS.read_text(encoding="utf-8").split("=== ")[1:]:
        program = block.split("\n", 1)[1].split("--- expect\n")[0]
        cases.append(("cross", program, OPTIONS))
    return cases + [("cross", program, OPTIONS) for program in EVERY_OPERATION]


def _scenes() -> dict[str, SpatialMemory]:
    sys.path.insert(0, str(HERE))
    try:
        from scenes import cross_scene
    finally:
        sys.path.remove(str(HERE))
    return {"questions": scale_startup.question_memory(), "cross": cross_scene()}


def _record(program: str, memory: SpatialMemory, options: list[str]) -> dict[str, Any]:
    """What the estimator says of one program: its total, its units, and each call's units and result size."""
    found = estimate(program, memory, options)
    return {"seconds": found.seconds, "units": found.units,
            "calls": [[c.operation, c.span.line, c.span.column, c.units, c.result.size] for c in found.calls],
            "diagnostics": [d.one_line() for d in found.diagnostics]}


def _records() -> list[dict[str, Any]]:
    scenes = _scenes()
    out = []
    for scene, program, options in _programs():
        if any(d.severity == "error" for d in check(program, scenes[scene], options)):
            continue
        out.append({"scene": scene, "program": program, **_record(program, scenes[scene], options)})
    return out


@pytest.fixture(scope="module")
def golden() -> list[dict[str, Any]]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_every_clean_program_is_pinned(golden: list[dict[str, Any]]) -> None:
    assert len(golden) >= 20
    assert [(g["scene"], g["program"]) for g in golden] == [(r["scene"], r["program"]) for r in _records()]


def test_estimates_are_unchanged(golden: list[dict[str, Any]]) -> None:
    for want, got in zip(golden, _records()):
        assert got == want, want["program"]


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(_records(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {GOLDEN}\n")


def test_the_shared_default_limits_cannot_be_changed_by_one_caller() -> None:
    """Every call given no limits shares one `Limits`; were it mutable, one caller's change would reach all others."""
    import pydantic

    from reasmory.interpreter.context import DEFAULT_LIMITS

    with pytest.raises(pydantic.ValidationError):
        DEFAULT_LIMITS.max_renders = 0  # type: ignore[misc]
    assert DEFAULT_LIMITS.model_copy(update={"max_renders": 0}).max_renders == 0
    assert DEFAULT_LIMITS.max_renders == 8
