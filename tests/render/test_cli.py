"""`reasmory render`: exit 0 with a PNG, 2 with one line for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from reasmory.cli import main
from reasmory.memory import SpatialMemory


@pytest.fixture(scope="module")
def rmem(oracle: SpatialMemory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return oracle.save(tmp_path_factory.mktemp("cli") / "scene.rmem")


def test_camera_render_and_map(rmem: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cam.png"
    assert main(["render", str(rmem), "--camera", "2", "--mode", "semantic", "--width", "120", "--height", "90", "-o", str(out)]) == 0
    assert Image.open(out).size == (120, 90) and "semantic render from camera 2" in capsys.readouterr().out
    out = tmp_path / "maps" / "map.png"
    assert main(["render", str(rmem), "--bev", "--highlight", "sofa", "-o", str(out)]) == 0
    assert out.is_file() and "1 highlighted" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    ([], "give either --camera K or --bev"),
    (["--camera", "1", "--bev"], "give either --camera K or --bev"),
    (["--camera", "8"], "no camera 8: the memory has 8 frames"),
    (["--camera", "0", "--mode", "normals"], "unknown mode 'normals'"),
    (["--bev", "--mode", "depth"], "unknown mode 'depth' for a map"),
    (["--camera", "0", "--width", "9000"], "--width 9000 is out of range"),
    (["--bev", "--highlight", "sofaa"], "no object 'sofaa' in memory to highlight"),
    (["--camera", "0", "--highlight", "sofa"], "--highlight is for maps"),
])
def test_bad_input_exits_2_with_one_line(rmem: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         args: list[str], message: str) -> None:
    assert main(["render", str(rmem), *args, "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and not (tmp_path / "x.png").exists()


def test_missing_memory_and_wrong_output_type(tmp_path: Path, rmem: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tmp_path / "none.rmem"), "--bev", "-o", str(tmp_path / "m.png")]) == 2
    assert main(["render", str(rmem), "--bev", "-o", str(tmp_path / "m.jpg")]) == 2
    assert "is not a .png file" in capsys.readouterr().err


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--help"]) == 0
    assert "Example: reasmory render scene.rmem --camera 3" in capsys.readouterr().out
