"""`reasmory check` and `reasmory run` from the terminal."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def reasmory(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reasmory", *args], capture_output=True, text=True, env=ENV)


@pytest.fixture(scope="module")
def memory(tmp_path_factory) -> Path:
    from reasmory.cli.demo_cmd import example_scene_path
    from reasmory.memory.oracle import from_scene

    return from_scene(example_scene_path()).save(tmp_path_factory.mktemp("m") / "room.rmem")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.rp"
    path.write_text(text)
    return path


GOOD = 'me = view(at=object("sofa"), facing=object("tv"))\nanswer(choose(direction(object("lamp"), viewer=me), options))\n'


def test_check_ok_and_errors(memory: Path, tmp_path: Path) -> None:
    ok = reasmory("check", str(write(tmp_path, GOOD)), "--memory", str(memory), "--options", "A. left", "--options", "B. right")
    assert ok.returncode == 0 and "checks clean" in ok.stdout
    bad = reasmory("check", str(write(tmp_path, 'answer(object("couchh"))\nanswer(1)')), "--memory", str(memory))
    assert bad.returncode == 1
    assert "3 errors" in bad.stderr and "did you mean 'sofa'?" in bad.stderr and "^^^^^^^^" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_run_prints_the_answer_and_writes_the_trace(memory: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.json"
    proc = reasmory("run", str(memory), str(write(tmp_path, GOOD)), "--options", "A. left", "B. right", "--trace", str(trace))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "A"
    assert json.loads(trace.read_text())["answer"] == "A"


def test_run_errors_exit_1_and_bad_input_exits_2(memory: Path, tmp_path: Path) -> None:
    proc = reasmory("run", str(memory), str(write(tmp_path, 'answer(direction(object("sofa"), viewer=camera(0), granularity="lr") + 1)')))
    assert proc.returncode == 1 and "type-mismatch" in proc.stderr
    proc = reasmory("run", str(memory), str(tmp_path / "absent.rp"))
    assert proc.returncode == 2 and "no program file" in proc.stderr
    proc = reasmory("run", str(memory), str(write(tmp_path, GOOD)), "--options", "left")
    assert proc.returncode == 2 and "has no letter" in proc.stderr


def test_every_command_takes_options_the_same_way(memory: Path, tmp_path: Path) -> None:
    """`--options "A. left" "B. right"` and `--options` repeated work in check as in run."""
    program = str(write(tmp_path, GOOD))
    for options in (["--options", "A. left", "B. right"], ["--options", "A. left", "--options", "B. right"]):
        proc = reasmory("check", program, "--memory", str(memory), *options)
        assert proc.returncode == 0 and "checks clean" in proc.stdout, proc.stderr
        proc = reasmory("run", str(memory), program, *options)
        assert proc.returncode == 0 and proc.stdout.strip() == "A", proc.stderr
    stray = reasmory("check", program, "B. right", "--memory", str(memory))
    assert stray.returncode == 2 and "unexpected argument 'B. right'" in stray.stderr


def test_run_writes_images_to_a_named_folder_and_prints_their_paths(memory: Path, tmp_path: Path) -> None:
    (tmp_path / "map.rp").write_text('answer(bev(mode="semantic"))\n')

    def run_here(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reasmory", "run", str(memory), "map.rp", *args],
                              capture_output=True, text=True, env=ENV, cwd=tmp_path)

    proc = run_here("--trace", "trace.json")
    assert proc.returncode == 0, proc.stderr
    written = Path("trace-artifacts") / "bev-semantic-01.png"
    assert (tmp_path / written).is_file() and not list(tmp_path.glob("*.png"))
    assert f"image written to {written}" in proc.stderr and proc.stdout.strip() == str(written)
    proc = run_here("--artifacts", "pictures")
    assert proc.returncode == 0 and (tmp_path / "pictures" / "bev-semantic-01.png").is_file(), proc.stderr
    assert f"image written to {Path('pictures') / 'bev-semantic-01.png'}" in proc.stderr
