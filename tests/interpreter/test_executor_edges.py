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
