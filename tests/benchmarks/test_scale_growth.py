"""The scale benchmark's growth fit: an exponent needs two sizes at least."""

import pytest

from reasmory.benchmarks.scale import growth


def test_growth_is_the_log_log_slope_and_none_from_one_size() -> None:
    assert growth([1_000, 10_000, 100_000], [0.001, 0.01, 0.1]) == pytest.approx(1.0)
    assert growth([1_000, 10_000], [0.001, 0.1]) == pytest.approx(2.0)
    assert growth([1_000], [0.001]) is None
    assert growth([1_000, 1_000], [0.001, 0.002]) is None
