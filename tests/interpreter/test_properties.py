"""Property tests: random well-typed programs check clean and run; broken ones never crash the checker."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reasmory.interpreter import RunError, check, run

from reasmory.benchmarks.program_gen import OPTIONS, memories, programs
from .scenes import cross_scene

CROSS = cross_scene()

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@SETTINGS
@given(data=st.data())
def test_well_typed_programs_check_clean_and_run(data) -> None:
    memory = data.draw(memories())
    source = data.draw(programs(memory))
    assert check(source, memory, OPTIONS) == [], source
    try:
        result = run(source, memory, OPTIONS)
    except RunError as exc:
        assert exc.diagnostics[0].code != "internal-error", (source, exc.diagnostics[0])
        assert exc.trace is not None and exc.trace.error is not None
    else:
        assert result.trace.steps[-1].operation == "answer"


@SETTINGS
@given(data=st.data())
def test_mutated_programs_never_crash_the_checker(data) -> None:
    memory = data.draw(memories())
    source = data.draw(programs(memory))
    pos = data.draw(st.integers(0, max(0, len(source) - 1)))
    junk = data.draw(st.sampled_from(['"', "(", ")", ",", "=", "x", "1", "[", " and ", "\n", "#", "distance(", "'", ";", "-"]))
    mutated = data.draw(st.sampled_from([source[:pos] + junk + source[pos:], source[:pos] + source[pos + 1 :]]))
    diagnostics = check(mutated, memory, OPTIONS)
    if diagnostics:
        assert all(d.span is None or 1 <= d.span.line <= mutated.count("\n") + 2 for d in diagnostics)
        return
    try:
        run(mutated, memory, OPTIONS)
    except RunError as exc:
        assert exc.diagnostics[0].code != "internal-error", (mutated, exc.diagnostics[0])


@SETTINGS
@given(data=st.data())
def test_ill_typed_arguments_are_rejected(data) -> None:
    memory = data.draw(memories())
    wrong = data.draw(st.sampled_from([
        'answer(count(1))', 'answer(direction(object("chair"), viewer=object("chair")))', 'answer(size("chair"))',
        'answer(turn(camera(0), "up"))', 'answer(distance(1, 2))', 'answer(height(objects("chair")))',
        'answer(camera("0"))', 'answer(step(camera(0), way=1))', 'answer(not 1)', 'answer(labels() + 1)',
    ]))
    assert check(wrong, memory, OPTIONS)


@SETTINGS
@given(text=st.text(max_size=80))
def test_arbitrary_text_gives_diagnostics_not_exceptions(text: str) -> None:
    diagnostics = check(text, CROSS, OPTIONS)
    assert isinstance(diagnostics, list)
