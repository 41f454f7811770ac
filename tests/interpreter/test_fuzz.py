"""A short bounded fuzzing round on every test run (the full round: python -m reasmory.benchmarks.fuzz)."""

from reasmory.benchmarks.fuzz import fuzz


def test_a_bounded_fuzzing_round_finds_nothing() -> None:
    result = fuzz(200, seed=1)
    assert result["programs"] >= 200 and result["failures"] == 0
    assert result["outcomes"].get("ran to an answer", 0) > 20 and result["outcomes"].get("rejected by the checker", 0) > 20
