"""Grounding: lifting, association, box fitting and completion, end to end on a synthetic scene."""

import math
from pathlib import Path

import numpy as np
import pytest

from reasmory.memory.boxes import OrientedBox, iou_3d
from reasmory.memory.grounding import GivenMasks, GroundingSettings, ground, synthetic_scene_inputs
from reasmory.memory.grounding.associate import AssociationSettings, Fragment, associate
from reasmory.memory.grounding.complete import complete_box, support_height
from reasmory.memory.grounding.fit import fit_box
from reasmory.memory.grounding.lift import depth_edges, lift_mask
from reasmory.memory.grounding.scene_memory import build_scene_memory
from reasmory.memory.oracle import from_scene


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    from reasmory.synth.pipeline import make_config, synthesize

    folder = tmp_path_factory.mktemp("scene") / "s"
    synthesize(make_config(seed=1, frames=24, width=320, height=240, questions=True), folder)
    return folder


def test_lifted_points_lie_in_their_objects_boxes(scene: Path) -> None:
    frames, depth, masks, _ = synthetic_scene_inputs(scene)
    truth = {o.id: o for o in from_scene(scene / "scene.json").objects}
    frame = frames[len(frames) // 2]
    d = depth(frame.index)
    ids = masks.id_map(frame.index)
    lifted = 0
    for obj_id in np.unique(ids[ids >= 0]):
        pts = lift_mask(ids == obj_id, d, frame.K_array, frame.pose_array, depth_edges(d), 1)
        lifted += len(pts)
        assert truth[int(obj_id)].box.contains(pts, margin=0.01).mean() > 0.99
    assert lifted > 1000


def test_given_masks_report_labels_and_areas(scene: Path) -> None:
    masks = GivenMasks.from_synthetic_scene(scene)
    found = masks.instances(0)
    assert found and all(i.mask.dtype == bool and i.mask.any() for i in found)
    assert {i.label for i in found} <= {o.label for o in from_scene(scene / "scene.json").objects}


def test_two_chairs_stay_two_and_views_merge() -> None:
    rng = np.random.default_rng(0)
    a = OrientedBox(center=(0, 0, 0.45), extents=(0.5, 0.5, 0.9))
    b = OrientedBox(center=(0.62, 0, 0.45), extents=(0.5, 0.5, 0.9))  # 12 cm apart
    fragments = []
    for frame in range(6):
        for box in (a, b):
            pts = box.sample_surface(0.02)
            side = pts[rng.random(len(pts)) < 0.5]  # each view sees part of the surface
            fragments.append(Fragment("chair", side.astype(np.float32), frame, 500, (0, 0, 10, 10)))
    tracks = associate(fragments, AssociationSettings())
    assert len(tracks) == 2 and all(len(t.pixels) == 6 for t in tracks)


def test_box_fit_is_robust_to_outliers() -> None:
    truth = OrientedBox.from_yaw((1, 2, 0.4), (1.2, 0.6, 0.8), math.radians(30))
    pts = truth.sample_surface(0.02)
    outliers = np.random.default_rng(1).uniform(-3, 3, (len(pts) // 200, 3))
    box = fit_box(np.vstack([pts, outliers]))
    assert iou_3d(box, truth) > 0.85


def test_completion_rests_hidden_boxes_on_their_support() -> None:
    sofa = OrientedBox(center=(0, 0, 0.4), extents=(2, 0.9, 0.8))
    pillow = OrientedBox(center=(0, 0, 0.6), extents=(0.4, 0.2, 0.3))
    assert support_height(pillow, [sofa], 0.0) == pytest.approx(0.45)  # capped at the pillow's own bottom
    floating = OrientedBox(center=(3, 0, 0.7), extents=(1, 0.5, 0.2))  # a cabinet seen only from above
    grown = complete_box(floating, [sofa], [], lambda i: np.zeros((1, 1)), floor_z=0.0)
    assert grown.aabb()[0][2] == pytest.approx(0.0) and grown.aabb()[1][2] == pytest.approx(0.8)
    door = OrientedBox(center=(0, 5, 1), extents=(0.9, 0.005, 2))
    thick = complete_box(door, [], [], lambda i: np.zeros((1, 1)), floor_z=None)
    assert thick.e[1] == pytest.approx(0.05)


def test_scene_memory_grounds_the_objects(scene: Path) -> None:
    built = build_scene_memory(scene)
    truth = from_scene(scene / "scene.json")
    matched = 0
    for obj in truth.objects:
        if not obj.frames:
            continue
        candidates = built.find(obj.label)
        matched += bool(candidates) and max(iou_3d(obj.box, c.box) for c in candidates) >= 0.5
    seen = sum(bool(o.frames) for o in truth.objects)
    assert matched / seen >= 0.8
    assert len(built.objects) <= len(truth.objects) + 2
    first = {o.label: min(o.frames) for o in truth.objects if o.frames}
    agree = [o.first_seen == first[o.label] for o in built.objects if truth.find(o.label) and len(truth.find(o.label)) == 1]
    assert sum(agree) / len(agree) >= 0.8
    assert built.room_area() == pytest.approx(truth.room_area(), rel=0.15)


def test_ground_rejects_depth_of_the_wrong_size(scene: Path) -> None:
    from reasmory.errors import InputError

    frames, depth, masks, _ = synthetic_scene_inputs(scene)
    with pytest.raises(InputError, match="depth of frame 0"):
        ground(frames[:1], lambda i: np.zeros((5, 5), np.float32), masks, GroundingSettings())
