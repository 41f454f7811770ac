"""Perception-error models: each perturbation does what its parameter says, reproducibly, and exact is untouched."""

from __future__ import annotations

from collections.abc import Callable
import math
from pathlib import Path

import numpy as np
import pytest

from reasmory.errors import InputError
from reasmory.memory.grounding import synthetic_scene_inputs
from reasmory.memory.grounding.sources import Instance2D
from reasmory.memory.perception import PRESETS, DepthErrors, DetectionErrors, MaskErrors, PerceptionModel, PoseErrors, perceive, preset
from reasmory.memory.perception.depth import bleed_edges, perturb_depth
from reasmory.memory.perception.detections import LOOK_ALIKES, PerceivedInstances, grow, leak
from reasmory.memory.perception.poses import perturb_poses, rotation
from reasmory.memory.reconstruction.world import scale_of


@pytest.fixture(scope="module")
def scene(make_synth_scene: Callable[..., Path]) -> Path:
    return make_synth_scene(4, 12)


class Squares:
    """Labelled squares (label, top, left, side) in every 100×100 frame; by default a cabinet and a chair."""

    def __init__(self, squares: tuple[tuple[str, int, int, int], ...] = (("cabinet", 20, 20, 40), ("chair", 70, 60, 20))) -> None:
        self.squares = squares

    def instances(self, index: int, image: np.ndarray | None) -> list[Instance2D]:
        found = []
        for label, top, left, side in self.squares:
            mask = np.zeros((100, 100), bool)
            mask[top : top + side, left : left + side] = True
            found.append(Instance2D(mask, label))
        return found


def test_presets_are_named_and_an_unknown_name_is_one_line() -> None:
    assert list(PRESETS) == ["exact", "rgbd-sensor", "vggt-like", "sfm-like"]
    assert PRESETS["exact"].exact and not any(PRESETS[n].exact for n in ("rgbd-sensor", "vggt-like", "sfm-like"))
    assert not PRESETS["vggt-like"].metric and not PRESETS["sfm-like"].metric and PRESETS["rgbd-sensor"].metric
    with pytest.raises(InputError, match="no perception preset 'vgg'") as err:
        preset("vgg")
    assert "vggt-like" in (err.value.hint or "")


def test_a_part_named_after_a_preset_is_taken_away_to_measure_what_it_costs() -> None:
    """`vggt-like+true-masks` keeps VGGT's depth and cameras and gives true detections and masks; `+true-geometry` the
    reverse; `+metric` the true frame (gravity and scale); parts add up, and the name says what was run."""
    vggt = PRESETS["vggt-like"]
    masks_given = preset("vggt-like+true-masks")
    assert masks_given.depth == vggt.depth and masks_given.poses == vggt.poses and not masks_given.metric
    assert masks_given.detections == PRESETS["exact"].detections and masks_given.masks == PRESETS["exact"].masks
    geometry_given = preset("vggt-like+true-geometry")
    assert geometry_given.depth == PRESETS["exact"].depth and geometry_given.poses == PRESETS["exact"].poses
    assert geometry_given.detections == vggt.detections
    both = preset("vggt-like+true-geometry+metric")
    assert both.metric and both.name == "vggt-like+true-geometry+metric" and both.masks == vggt.masks
    assert preset("vggt-like") is vggt
    with pytest.raises(InputError, match="no part 'lidar'") as err:
        preset("vggt-like+lidar")
    assert "+true-masks" in (err.value.hint or "")


def test_exact_perception_passes_the_inputs_through(scene: Path) -> None:
    frames, depth, masks, _ = synthetic_scene_inputs(scene)
    seen = perceive(frames, depth, masks, preset("exact"), seed=3)
    assert seen.frames == frames and seen.depth is depth and seen.source is masks and seen.scale == 1.0


def test_perception_is_reproducible_from_its_seeds_and_differs_across_scenes(scene: Path) -> None:
    frames, depth, masks, _ = synthetic_scene_inputs(scene)
    model = preset("vggt-like")
    one, two, other = (perceive(frames, depth, masks, model, seed=s, vocabulary=masks.labels.values()) for s in (5, 5, 6))
    np.testing.assert_array_equal(one.depth(3), two.depth(3))
    assert [f.pose for f in one.frames] == [f.pose for f in two.frames]
    assert [(i.label, i.mask.sum()) for i in one.source.instances(3, None)] == [(i.label, i.mask.sum()) for i in two.source.instances(3, None)]
    assert not np.array_equal(one.depth(3), other.depth(3))


def test_up_to_scale_perception_is_in_the_first_cameras_frame_at_an_unknown_scale(scene: Path) -> None:
    frames, depth, masks, _ = synthetic_scene_inputs(scene)
    seen = perceive(frames, depth, masks, PerceptionModel(metric=False), seed=1)
    assert 0.25 <= seen.scale <= 4 and scale_of(seen.reconstruction_from_world) == pytest.approx(seen.scale)
    np.testing.assert_allclose(seen.frames[0].pose_array, np.eye(4), atol=1e-9)  # exact poses: the first camera is the origin
    np.testing.assert_allclose(seen.depth(2), depth(2) * seen.scale, rtol=1e-5)
    true_gap = np.linalg.norm(frames[5].position - frames[0].position)
    assert np.linalg.norm(seen.frames[5].position - seen.frames[0].position) == pytest.approx(true_gap * seen.scale)


def test_depth_noise_scale_and_sparsity_have_the_asked_size() -> None:
    rng = np.random.default_rng(0)
    depth = np.full((200, 200), 2.0, np.float32)
    noisy = perturb_depth(depth, DepthErrors(relative_noise=0.05), rng)
    assert np.std(noisy / depth - 1) == pytest.approx(0.05, rel=0.05)
    scaled = [perturb_depth(depth, DepthErrors(frame_scale=0.1), np.random.default_rng(i)) for i in range(200)]
    factors = np.log([s.mean() / 2 for s in scaled])
    assert np.std(factors) == pytest.approx(0.1, rel=0.2) and all(np.ptp(s) < 1e-5 for s in scaled)
    sparse = perturb_depth(depth, DepthErrors(density=0.1), rng)
    assert (sparse > 0).mean() == pytest.approx(0.1, abs=0.01)


def test_edge_bleeding_blends_only_pixels_near_a_depth_jump() -> None:
    depth = np.full((40, 40), 3.0, np.float32)
    depth[:, :20] = 1.0  # a near surface on the left, a wall on the right
    bled = bleed_edges(depth, 2)
    changed = np.nonzero((bled != depth).any(axis=0))[0]
    assert set(changed) <= set(range(18, 22)) and len(changed) >= 2
    assert ((bled[:, 18:22] > 1.0) & (bled[:, 18:22] < 3.0)).any()  # flying pixels between the two surfaces


def test_pose_jitter_and_drift_have_the_asked_size_and_frames_drop_out() -> None:
    poses = [np.eye(4) for _ in range(400)]
    jittered, kept = perturb_poses(poses, PoseErrors(rotation_deg=1.0, translation_m=0.02), np.random.default_rng(0))
    offsets = np.array([p[:3, 3] for p in jittered])
    angles = [math.degrees(math.acos(np.clip((np.trace(p[:3, :3]) - 1) / 2, -1, 1))) for p in jittered]
    assert np.std(offsets) == pytest.approx(0.02, rel=0.1) and np.sqrt(np.mean(np.square(angles)) / 3) == pytest.approx(1.0, rel=0.1)
    assert kept == list(range(400))
    drifted, _ = perturb_poses(poses, PoseErrors(drift_translation_m=0.01), np.random.default_rng(0))
    assert np.linalg.norm(drifted[-1][:3, 3]) > np.linalg.norm(drifted[1][:3, 3])  # a random walk wanders off
    _, kept = perturb_poses(poses, PoseErrors(unregistered=0.25), np.random.default_rng(0))
    assert kept[0] == 0 and 0.65 < len(kept) / 400 < 0.85
    np.testing.assert_allclose(rotation(np.array([0, 0, math.pi / 2])) @ [1, 0, 0], [0, 1, 0], atol=1e-12)


def test_detections_are_missed_confused_duplicated_and_invented_at_the_asked_rates() -> None:
    errors = DetectionErrors(miss=0.2, confusion=0.3, duplicate=0.1, false_positives=1.0, score_true=(0.6, 0.9), score_false=(0.2, 0.4))
    seen = PerceivedInstances(Squares(), errors, MaskErrors(), (0, 1), ["cabinet", "chair", "sofa"], {i: (100, 100) for i in range(2000)})
    found = [seen.instances(i, None) for i in range(2000)]
    true_big = [i for frame in found for i in frame if i.mask[40, 40] and i.mask.sum() == 1600]
    assert len({id(i) for i in true_big}) / 2000 == pytest.approx(0.8 * (1 + 0.1 * 0.7), abs=0.04)  # kept, plus look-alike twins
    labels = [i.label for i in true_big if i.score >= 0.6]
    assert labels.count("cabinet") / len(labels) == pytest.approx(1.0)
    confused = [i.label for i in true_big if i.score < 0.6]
    assert set(confused) <= set(LOOK_ALIKES["cabinet"])
    spurious = sum(1 for frame in found for i in frame if not i.mask[40, 40] and not i.mask[80, 70])
    assert spurious / 2000 == pytest.approx(1.0, rel=0.15)


def test_small_instances_are_missed_more_often() -> None:
    big_and_tiny = Squares((("cabinet", 20, 20, 40), ("cup", 80, 80, 5)))  # 16 % and 0.25 % (a quarter of SMALL) of the image
    seen = PerceivedInstances(big_and_tiny, DetectionErrors(miss_small=0.8), MaskErrors(), (0, 2), [], {i: (100, 100) for i in range(1000)})
    counts = {"cabinet": 0, "cup": 0}
    for i in range(1000):
        for inst in seen.instances(i, None):
            counts[inst.label] += 1
    assert counts["cabinet"] == 1000 and counts["cup"] / 1000 == pytest.approx(1 - 0.8 * 0.75, abs=0.05)


def test_masks_grow_shrink_and_leak_by_a_share_of_their_size() -> None:
    mask = np.zeros((100, 100), bool)
    mask[30:70, 30:70] = True
    assert grow(mask, 3).sum() > mask.sum() > grow(mask, -3).sum() and grow(mask, -3)[30:70, 30:70].sum() == 34 * 34
    spilled = leak(mask, 10, 0.0)
    assert spilled[50, 75] and not spilled[50, 25] and not spilled[20, 50]  # one side only
    errors = MaskErrors(boundary=0.1)
    seen = PerceivedInstances(Squares(), DetectionErrors(), errors, (0, 4), [], {i: (100, 100) for i in range(300)})
    areas = [inst.mask.sum() for i in range(300) for inst in seen.instances(i, None) if inst.label == "cabinet"]
    radius = math.sqrt(1600 / math.pi)  # the square's side grows by twice the dilation radius
    assert np.std(np.sqrt(areas)) == pytest.approx(2 * 0.1 * radius, rel=0.35)


def test_an_up_to_scale_perception_is_built_into_a_gravity_aligned_metric_memory(scene: Path) -> None:
    from reasmory.memory.grounding.scene_memory import build_scene_memory
    from reasmory.memory.oracle import from_scene

    truth = from_scene(scene / "scene.json")
    built = build_scene_memory(scene, perception=PerceptionModel(name="up to scale", metric=False))
    assert built.objects and built.scene.scale.method.startswith(("object-size priors", "camera-height prior"))
    true_heights = np.median([f.position[2] for f in truth.frames])
    assert np.median([f.position[2] for f in built.frames]) == pytest.approx(true_heights, rel=0.25)  # z up, metres
    gap = np.linalg.norm(truth.frames[-1].position - truth.frames[0].position)
    assert np.linalg.norm(built.frames[-1].position - built.frames[0].position) == pytest.approx(gap, rel=0.25)
    assert built.provenance.settings["perception"]["metric"] is False


def test_the_synthetic_benchmark_refuses_perception_errors_on_oracle_memories(tmp_path: Path) -> None:
    from reasmory.benchmarks.synthetic import run_synthetic

    with pytest.raises(InputError, match="oracle memories are not built"):
        run_synthetic(1, 0, "oracle", tmp_path, None, perception="vggt-like")
    with pytest.raises(InputError, match="no perception preset"):
        run_synthetic(1, 0, "rgbd", tmp_path, None, perception="lidar")


def test_gross_regions_cover_about_the_asked_share_with_one_factor_each() -> None:
    depth = np.full((120, 160), 2.0, np.float32)
    out = perturb_depth(depth, DepthErrors(gross_share=0.1, gross_sigma=0.5), np.random.default_rng(3))
    off = np.abs(out / depth - 1) > 1e-6
    assert 0.08 <= off.mean() <= 0.25 and len(np.unique(out[off])) <= 10


def test_sparse_depth_keeps_its_points_where_a_pixel_grid_would_miss_them() -> None:
    """SfM depth has a value at a few % of pixels: a stride-8 grid would keep ~1 in 64 of those, too few for a floor."""
    from reasmory.memory.grounding.scene_memory import frame_points

    rng = np.random.default_rng(0)
    K, pose = np.array([[100.0, 0, 80], [0, 100.0, 60], [0, 0, 1]]), np.eye(4)
    sparse = np.where(rng.random((120, 160)) < 0.01, 2.0, 0.0)
    assert len(frame_points(sparse, K, pose, 8)) == int((sparse > 0).sum())  # under the budget of 300: all of them
    dense = np.full((120, 160), 2.0)
    assert len(frame_points(dense, K, pose, 8)) == 15 * 20  # the grid
    denser_sparse = np.where(rng.random((120, 160)) < 0.3, 2.0, 0.0)
    assert 150 <= len(frame_points(denser_sparse, K, pose, 8)) <= 300  # more than half the grid's budget missing: thinned to it
