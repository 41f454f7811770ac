"""`reasmory synth` as a user meets it: exit 0 with a scene folder, exit 2 and one line on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def reasmory(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reasmory", *args], capture_output=True, text=True, env=ENV)


def test_synth_writes_a_scene_folder(tmp_path: Path) -> None:
    out = tmp_path / "s"
    args = ("--seed", "2", "--frames", "6", "--width", "96", "--height", "64", "--preview", "-o", str(out))
    proc = reasmory("synth", *args)
    assert proc.returncode == 0, proc.stderr
    for name in ("video.mp4", "scene.json", "cameras.json", "questions.jsonl", "preview.png", "depth/00005.png"):
        assert (out / name).is_file(), name
    assert "questions" in proc.stdout


def test_odd_width_is_an_input_error(tmp_path: Path) -> None:
    proc = reasmory("synth", "--seed", "1", "--frames", "4", "--width", "97", "-o", str(tmp_path / "x"))
    assert proc.returncode == 2
    assert "width" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    proc = reasmory("synth", "--seed", "1", "--frames", "4", "-o", str(target))
    assert proc.returncode == 2 and "not a folder" in proc.stderr


def test_help_has_an_example() -> None:
    proc = reasmory("synth", "--help")
    assert proc.returncode == 0 and "Example" in proc.stdout


def test_rewriting_a_folder_leaves_no_stale_frames(tmp_path: Path) -> None:
    out = tmp_path / "s"
    for frames in ("5", "3"):
        proc = reasmory("synth", "--seed", "4", "--frames", frames, "--width", "64", "--height", "48", "-o", str(out))
        assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (out / "depth").iterdir()) == ["00000.png", "00001.png", "00002.png"]
