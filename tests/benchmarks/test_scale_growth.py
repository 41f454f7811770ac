"""The scale benchmark: its growth fit (an exponent needs two sizes at least) and the arguments it refuses."""

import pytest

from reasmory.benchmarks.scale import growth


def test_growth_is_the_log_log_slope_and_none_from_one_size() -> None:
    assert growth([1_000, 10_000, 100_000], [0.001, 0.01, 0.1]) == pytest.approx(1.0)
    assert growth([1_000, 10_000], [0.001, 0.1]) == pytest.approx(2.0)
    assert growth([1_000], [0.001]) is None
    assert growth([1_000, 1_000], [0.001, 0.002]) is None


@pytest.mark.parametrize(("argv", "says"), [
    (["--objects", "0"], "0 is below 1,000: a smaller scale scene may lack a label"),
    (["--objects", "ten"], "'ten' is not a whole number"),
    (["--points", "10"], "10 is below 1,000"),
    (["--repeat", "0"], "0 is below 1"),
    (["--peer", "/no/such/checkout"], "no tools/plan_verifier.py under /no/such/checkout"),
    (["--baseline", "/"], "is not a source checkout of Reasmory"),
])
def test_bad_arguments_are_refused_before_anything_is_timed(argv: list[str], says: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A usage error naming the problem, not a traceback after minutes of timing (a missing verifier checkout) or
    from deep inside a program (a scene too small to hold every label)."""
    from reasmory.benchmarks.scale import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert says in capsys.readouterr().err
