"""The grounding-loss analysis (benchmarks/grounding_ceiling.py): true association reaches the truth on exact input,
and its rows split recall by object size."""

from collections.abc import Callable
from pathlib import Path

import pytest

from reasmory.benchmarks.grounding_ceiling import Outcome, ceiling, conditions, identity_masks, pipeline, row
from reasmory.memory.grounding import GroundingSettings, synthetic_scene_inputs
from reasmory.memory.perception import PRESETS


@pytest.fixture(scope="module")
def scene(make_synth_scene: Callable[..., Path]) -> Path:
    return make_synth_scene(3, 16)


def test_true_association_on_exact_input_finds_nearly_every_object(scene: Path) -> None:
    masks = identity_masks(scene)
    assert all(label == str(k) for k, label in masks.labels.items())
    settings = GroundingSettings(min_visible_pixels=synthetic_scene_inputs(scene)[3])
    found = ceiling(scene, PRESETS["exact"], settings)
    assert found and sum(o.iou >= 0.5 for o in found) >= 0.8 * len(found)
    built, n = pipeline(scene, PRESETS["exact"])
    assert len(built) == len(found) and sum(o.iou >= 0.5 for o in built) >= 0.7 * n  # 160×120: coarse masks


def test_rows_split_recall_by_size_and_conditions_take_the_preset_apart() -> None:
    outcomes = [Outcome(0.9, True), Outcome(0.2, False, True), Outcome(0.6, False)]
    name, kind, recall, small, large, thin, bulky, precision, _, n, n_small, n_thin = row("x", "pipeline", outcomes, 4)
    assert (recall, small, large, thin, bulky, precision, n, n_small, n_thin) == (2 / 3, 1.0, 0.5, 0.0, 1.0, 0.5, 3, 1, 1)
    parts = conditions(PRESETS["vggt-like"])
    assert parts["depth only"][1].depth == PRESETS["vggt-like"].depth and parts["depth only"][1].metric
    assert parts["masks only"][1].detections.false_positives == 0 and parts["pipeline: preset"][1] == PRESETS["vggt-like"]
