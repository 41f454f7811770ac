"""Executor edges the mutation run found unpinned: step times in milliseconds, a failing operation as an internal error."""

import dataclasses
import itertools
from types import SimpleNamespace

import pytest

from reasmory.interpreter import REGISTRY, RunError, run
from reasmory.interpreter import context, executor

from .scenes import cross_scene


def test_step_times_are_milliseconds(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = itertools.count(0.0, 0.001)  # every clock reading a millisecond later
    clock = SimpleNamespace(perf_counter=lambda: next(ticks))
    monkeypatch.setattr(executor, "time", clock)
    monkeypatch.setattr(context, "time", clock)
    trace = run('a = labels()\nanswer(count(objects("chair")))', cross_scene()).trace
    assert all(step.duration_ms >= 1.0 and abs(step.duration_ms - round(step.duration_ms)) < 1e-6 for step in trace.steps)


@pytest.mark.parametrize("error", [ValueError("bad"), TypeError("bad"), KeyError("bad"), IndexError("bad"), ZeroDivisionError("bad")])
def test_an_operation_that_fails_is_an_internal_error_not_an_escape(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def broken(ctx, **kwargs):
        raise error

    monkeypatch.setitem(REGISTRY._ops, "labels", dataclasses.replace(REGISTRY.get("labels"), impl=broken))
    with pytest.raises(RunError) as caught:
        run("answer(labels())", cross_scene())
    (diag,) = caught.value.diagnostics
    assert diag.code == "internal-error" and type(error).__name__ in diag.message and "report it" in diag.hint


def test_preparation_moves_the_deadline_back_by_the_time_it_took(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(context, "time", SimpleNamespace(perf_counter=lambda: now[0]))
    ctx = context.Context(memory=cross_scene(), deadline=105.0)
    with ctx.preparing():
        now[0] = 102.5
    assert (ctx.preparation_s, ctx.deadline) == (2.5, 107.5)
    now[0] = 107.4
    ctx.check_time()
    now[0] = 107.6
    with pytest.raises(context.BudgetExceeded) as info:
        ctx.check_time()
    assert info.value.message == "the program's own work ran past its time budget of 5 s; one-time preparation (2.5 s) not counted"


def test_an_overrun_without_preparation_names_only_the_default_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "time", SimpleNamespace(perf_counter=lambda: 106.0))
    with pytest.raises(context.BudgetExceeded) as info:
        context.Context(memory=cross_scene(), deadline=105.0).check_time()
    assert info.value.message == "the program's own work ran past its time budget of 5 s"


def test_a_warning_from_the_checks_does_not_stop_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import reasmory.interpreter as interpreter
    from reasmory.interpreter.errors import Diagnostic

    real_check = interpreter.check_program
    note = Diagnostic(stage="check", code="note", message="a note", severity="warning")
    monkeypatch.setattr(interpreter, "check_program", lambda *args: [*real_check(*args), note])
    assert run('answer(count(objects("chair")))', cross_scene()).answer == "2"
    monkeypatch.setattr(interpreter, "check_program", lambda *args: [*real_check(*args), note.model_copy(update={"severity": "error"})])
    with pytest.raises(interpreter.CheckError):
        run('answer(count(objects("chair")))', cross_scene())
