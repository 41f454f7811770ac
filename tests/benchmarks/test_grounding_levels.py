"""The grounding benchmark's perception levels: presets by name, each optionally less a part, as `bench synthetic`."""

import pytest

from reasmory.benchmarks.grounding import levels_of, main
from reasmory.memory.perception import PRESETS


def test_a_preset_less_a_part_is_a_level_of_its_own() -> None:
    levels = levels_of(["exact", "vggt-like+metric"], noise=False)
    assert list(levels) == ["exact", "vggt-like+metric"]
    assert levels["vggt-like+metric"].metric and levels["vggt-like+metric"].depth == PRESETS["vggt-like"].depth
    assert list(levels_of(["all"], noise=False)) == list(PRESETS)


@pytest.mark.parametrize("name, said", [("lidar", "no perception preset 'lidar'"), ("vggt-like+nope", "no part 'nope'")])
def test_an_unknown_level_is_a_usage_error_naming_the_choices(name: str, said: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--perception", name])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "+true-masks" in err and "Traceback" not in err
