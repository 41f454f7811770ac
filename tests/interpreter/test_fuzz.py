"""A short bounded fuzzing round on every test run (the full round: python -m reasmory.benchmarks.fuzz)."""

import random
from collections import Counter
from types import SimpleNamespace

import pytest

from reasmory.benchmarks import fuzz as fuzzing
from reasmory.benchmarks.fuzz import GROWTH_BOUND_MB, MEMORY_BOUND_MB, FuzzFailure, exercise, fuzz, mutate
from reasmory.interpreter import Diagnostic, RunError

from .scenes import cross_scene


def test_a_bounded_fuzzing_round_finds_nothing() -> None:
    """In worker processes, as the full round runs: each measures its own memory growth, not the test process's."""
    result = fuzz(1000, seed=1, workers=2, files=100)
    outcomes = result["outcomes"]
    assert result["workers"] == 2 and result["programs"] >= 1000  # a failure raises FuzzFailure: see the guard's tests below
    assert 0 < result["peak_traced_mb"] <= MEMORY_BOUND_MB and result["rss_growth_mb"] <= GROWTH_BOUND_MB
    assert sum(outcomes[k] for k in ("well-typed", "mutated", "text", "growing")) == result["programs"]
    assert outcomes["growing"] >= 30 and result["files"]["inputs"] == 100
    kinds = {name.split()[0] for name in result["files"]["outcomes"]}
    assert kinds == {"memory", "scene", "trace", "reply"}
    assert outcomes["well-typed"] >= 150 and outcomes["mutated"] >= 450 and outcomes["text"] >= 150
    assert outcomes.get("ran to an answer", 0) > 50 and outcomes.get("refused by the parser or checker", 0) > 200


def test_a_round_in_this_process_counts_the_same_way() -> None:
    result = fuzz(100, seed=2)
    kinds = ("well-typed", "mutated", "text", "growing")
    assert result["programs"] >= 100 and sum(result["outcomes"].get(k, 0) for k in kinds) == result["programs"]


def test_mutations_change_the_program() -> None:
    rnd = random.Random(0)
    source = 'a = objects("chair")\nanswer(count(a))\n'
    assert sum(mutate(source, rnd) != source for _ in range(50)) >= 45


def _raises(exc: BaseException):
    def run(*args, **kwargs):
        raise exc
    return run


@pytest.mark.parametrize(("escaping", "message"), [
    (KeyError("x"), "KeyError escaped"),
    (RunError([Diagnostic(stage="run", code="internal-error", message="distance failed")], "answer(1)"), "internal error"),
])
def test_the_guard_fails_on_what_the_language_must_never_do(monkeypatch: pytest.MonkeyPatch, escaping, message: str) -> None:
    """What the round asserts on: an exception other than the language's own errors, or an internal-error diagnostic."""
    monkeypatch.setattr(fuzzing, "run", _raises(escaping))
    with pytest.raises(FuzzFailure, match=message):
        exercise("answer(1)\n", cross_scene(), Counter())


def test_the_guard_counts_the_language_own_errors_as_outcomes() -> None:
    outcomes: Counter = Counter()
    exercise("answer(1 / 0)\n", cross_scene(), outcomes)
    exercise("answer(\n", cross_scene(), outcomes)
    exercise("answer(2)\n", cross_scene(), outcomes)
    assert outcomes == {"stopped: run error": 1, "refused by the parser or checker": 1, "ran to an answer": 1}


def test_the_guard_fails_a_run_past_its_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter([0.0, 100.0, 100.0])
    monkeypatch.setattr(fuzzing, "time", SimpleNamespace(process_time=lambda: next(ticks)))  # the fuzzer's processor clock only
    with pytest.raises(FuzzFailure, match="past the time budget"):
        exercise("answer(1)\n", cross_scene(), Counter())
