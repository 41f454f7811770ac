"""The synthetic benchmark end to end on two small scenes: every family compiles, checks, runs and scores."""

import json
from pathlib import Path

import pytest

from reasmory.benchmarks.synthetic import run_synthetic
from reasmory.errors import InputError


def test_two_small_scenes_score_like_the_ground_truth(tmp_path: Path) -> None:
    out = tmp_path / "synthetic.json"
    records, overall = run_synthetic(2, 3, "oracle", tmp_path / "scenes", out, frames=16, width=160, height=120)
    assert records and all(r.status == "answered" for r in records), [r for r in records if r.status != "answered"][:3]
    assert overall is not None and overall >= 0.97
    families = {t["task"] for t in json.loads(out.read_text())["tasks"]}
    assert {"obj_appearance_order", "camera_perspective_direction", "object_rel_direction_hard"} <= families


def test_grounded_memories_answer_like_the_oracle(tmp_path: Path) -> None:
    _, oracle = run_synthetic(1, 3, "oracle", tmp_path / "scenes", None, frames=24, width=320, height=240)
    _, grounded = run_synthetic(1, 3, "rgbd", tmp_path / "scenes", None, frames=24, width=320, height=240)
    assert grounded is not None and oracle is not None and grounded >= oracle - 0.1


def test_sfm_memories_are_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--memory sfm"):
        run_synthetic(1, 0, "sfm", tmp_path, None)


def test_scenes_are_reused_only_when_made_with_every_setting_the_same(tmp_path: Path) -> None:
    """`bench synthetic --width/--height`: scenes of another size or frame count go to their own folder."""
    import subprocess
    import sys

    from reasmory.benchmarks.synthetic import scenes_folder

    def bench(*size: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reasmory", "bench", "synthetic", "--scenes", "1", "--seed", "4",
                               "--scenes-dir", str(tmp_path), *size], capture_output=True, text=True)

    for frames, width, height in ((8, 160, 120), (8, 96, 64)):
        proc = bench("--frames", str(frames), "--width", str(width), "--height", str(height))
        assert proc.returncode == 0, proc.stderr[-2000:]
        cameras = json.loads((scenes_folder(tmp_path, frames, width, height) / "synth_00004" / "cameras.json").read_text())
        assert (len(cameras["frames"]), cameras["width"], cameras["height"]) == (frames, width, height)
    assert scenes_folder(tmp_path, 8, 160, 120) != scenes_folder(tmp_path, 8, 96, 64) != scenes_folder(tmp_path, 9, 96, 64)
    odd = bench("--width", "161")
    assert odd.returncode == 2 and "width" in odd.stderr and "Traceback" not in odd.stderr
