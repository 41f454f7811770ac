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
