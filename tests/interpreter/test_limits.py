"""Run-time limits: every value a program builds is measured, numbers stay finite, ranges hold for computed arguments."""

from __future__ import annotations

import math

import pytest

from reasmory.interpreter import Limits, ParseError, RunError, check, estimate, parse, run
from reasmory.interpreter.context import Context
from reasmory.interpreter.executor import execute
from reasmory.interpreter.limits import is_finite, range_problem, value_problem, value_size
from reasmory.interpreter.trace import Trace
from reasmory.interpreter.values import Image, ObjectSet, Point, View
from reasmory.memory import SpatialMemory


def _execute(source: str, memory: SpatialMemory, limits: Limits) -> object:
    """Run without the checks before running, as if the estimate had let a value through."""
    return execute(parse(source), Context(memory=memory, limits=limits), Trace(program=source))


def test_a_value_past_the_size_limit_stops_the_run_where_it_is_built(cross: SpatialMemory) -> None:
    source = 'v = view(at=object("sofa"), facing=object("tv"))\nw = turn(v, "left")\nanswer(w)'
    with pytest.raises(RunError) as stopped:
        _execute(source, cross, Limits(max_value_size=40))
    diagnostic = stopped.value.diagnostics[0]
    assert diagnostic.code == "value-too-large" and diagnostic.span.line == 2
    assert _execute(source, cross, Limits(max_value_size=200)) is not None


def test_list_literals_of_lists_are_measured_too(cross: SpatialMemory) -> None:
    source = 'a = ["xxxxxxxxxx", "yyyyyyyyyy"]\nb = [a, a, a]\nanswer(b)'
    with pytest.raises(RunError) as stopped:
        _execute(source, cross, Limits(max_value_size=40))
    assert stopped.value.diagnostics[0].code == "value-too-large" and stopped.value.diagnostics[0].span.line == 2


def test_sizes_count_characters_and_items() -> None:
    assert value_size("abc") == 3 and value_size(("ab", ("c", "d"))) == 2 + 2 + 2 + 2
    assert value_size(tuple("x" * 10 for _ in range(1000)), stop_at=5000) < 5100  # counting stops past the limit
    assert value_size(tuple("x" * 10 for _ in range(1000))) == 11_000
    assert value_size(2.5) == 1 and value_size((1.0, True, None)) == 3 + 3  # a number, a boolean, nothing: one item each


def test_sets_and_images_count_their_text_and_items(cross: SpatialMemory) -> None:
    chairs = ObjectSet("chair", tuple(cross.objects[:3]))
    assert value_size(chairs) == len("chair") + 3
    assert value_size(Image(path="a/b.png", width=64, height=48, caption="top view")) == len("top view") + len("a/b.png") + 1
    assert value_size(View((0.0, 0.0, 0.0), 90.0, "at sofa")) == len("at sofa") + 1  # its description, and the view itself


def test_a_value_past_the_limit_is_measured_past_it_however_deep_it_is() -> None:
    """Counting stops soon after the limit, at any depth, yet never at the limit itself: a value that is larger is refused."""
    nested = (tuple("x" * 10 for _ in range(100)),) * 100  # 110,100 characters and items
    assert 500 < value_size(nested, stop_at=500) < 600
    assert value_size(("ab", "cd"), stop_at=2) > 2
    assert value_problem(("ab", "cd"), Limits(max_value_size=2))[0] == "value-too-large"
    assert value_problem(("ab", "cd"), Limits(max_value_size=6)) is None


def test_numbers_must_stay_finite() -> None:
    assert not is_finite(math.inf) and not is_finite(Point((0.0, math.nan, 0.0)))
    assert not is_finite(View((0.0, 0.0, 0.0), math.inf, "v")) and is_finite((1.0, "x", True))
    assert value_problem((1.0, math.nan), Limits())[0] == "not-finite"


@pytest.mark.parametrize("source", ["answer(1e999)", "answer(-1e400)", "answer(camera(1e999))", "answer(round(1, digits=1e999))"])
def test_non_finite_literals_are_language_errors(source: str, cross: SpatialMemory) -> None:
    assert [d.code for d in check(source, cross)] == ["not-finite"]


@pytest.mark.parametrize(("source", "argument"), [
    ('answer(step(camera(0), "forward", 1000*1000))', "meters=1e+06"),
    ('answer(turn(camera(0), "left", 400 + 1))', "degrees=401"),
    ("answer(round(1.5, 2 * 4))", "digits=8"),
])
def test_ranges_hold_for_computed_arguments(source: str, argument: str, cross: SpatialMemory) -> None:
    with pytest.raises(RunError) as stopped:
        run(source, cross)
    (stop,) = stopped.value.diagnostics
    assert stop.code == "out-of-range" and argument in stop.message and stop.hint.startswith("use a number from ")


def test_a_program_too_long_is_refused_before_it_is_parsed(cross: SpatialMemory) -> None:
    huge = "x = 1\n" * 10_000 + "answer(x)\n"
    assert [d.code for d in check(huge, cross)] == ["program-too-long"]
    with pytest.raises(ParseError):
        run(huge, cross)


def test_a_program_at_the_length_limit_runs_and_one_character_more_is_refused(cross: SpatialMemory) -> None:
    limits = Limits(max_program_chars=40)
    at_limit = "answer(1)" + " " * 30 + "\n"
    assert len(at_limit) == 40 and check(at_limit, cross, limits=limits) == [] and run(at_limit, cross, limits=limits).answer == "1"
    (over,) = check(at_limit + " ", cross, limits=limits)
    assert (over.code, over.message, over.expected) == ("program-too-long", "the program has 41 characters", "at most 40")
    with pytest.raises(ParseError) as refused:
        run("x = 1\n" * 200 + "answer(x)", cross, limits=Limits(max_program_chars=100))
    assert refused.value.source == ("x = 1\n" * 200)[:1000]  # what is shown of it: the first 1,000 characters


def test_a_range_is_checked_on_numbers_only_and_its_hint_names_an_open_end() -> None:
    assert range_problem("side", "turn", "left", -360, 360) is None and range_problem("flag", "op", True, 2, 3) is None
    assert range_problem("meters", "step", 5000, None, 1000) == (
        "out-of-range", "meters=5000 is out of range for step", "use a number from -inf to 1000")
    assert range_problem("digits", "round", -1, 0, None)[2] == "use a number from 0 to inf"
    assert range_problem("digits", "round", 6, 0, None) is None


@pytest.mark.parametrize(("options", "counted"), [(None, 4), (["A. left", "B. right"], 2), ([f"{c}. {c}" for c in "ABCDEFGH"], 8)])
def test_the_cost_estimate_counts_the_options_given(options: list[str] | None, counted: int, cross: SpatialMemory) -> None:
    """Options given are counted as they are; without any, the estimate assumes four."""
    assert estimate('answer(choose("left", options))', cross, options).units["option"] == counted


def test_the_default_limits_and_their_bounds_are_the_documented_ones() -> None:
    """SECURITY.md promises these defaults; each limit refuses the value just past its bound and takes the bound."""
    from pydantic import ValidationError

    limits = Limits()
    assert (limits.time_budget_s, limits.max_program_chars, limits.max_value_size, limits.max_memory_mb) == (5.0, 32_000, 100_000, 1024)
    for name, refused, taken in (("time_budget_s", 0.0, 1e-3), ("max_program_chars", 0, 1), ("max_value_size", 0, 1),
                                 ("max_memory_mb", 63, 64)):
        with pytest.raises(ValidationError):
            Limits(**{name: refused})
        assert getattr(Limits(**{name: taken}), name) == taken


def test_a_fresh_context_has_rendered_nothing_and_prepared_nothing() -> None:
    """Renders count from 0 against `max_renders`; the budget message names preparation only when there was some."""
    from reasmory.interpreter.context import BudgetExceeded

    context = Context(SpatialMemory())
    assert (context.renders, context.preparation_s, context.deadline) == (0, 0.0, math.inf)
    assert BudgetExceeded(2.0).message == "the program's own work ran past its time budget of 2 s"
    assert BudgetExceeded(2.0, 1.5).message.endswith("; one-time preparation (1.5 s) not counted")
