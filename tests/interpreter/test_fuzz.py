"""A short bounded fuzzing round on every test run (the full round: python -m reasmory.benchmarks.fuzz)."""

import random

from reasmory.benchmarks.fuzz import fuzz, mutate


def test_a_bounded_fuzzing_round_finds_nothing() -> None:
    """In worker processes, as the full round runs: each measures its own memory growth, not the test process's."""
    result = fuzz(1000, seed=1, workers=2, files=100)
    outcomes = result["outcomes"]
    assert result["workers"] == 2 and result["programs"] >= 1000 and result["failures"] == 0
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
