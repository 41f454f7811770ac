"""Building that holds under imperfect perception: votes across views, objects seen side by side, consistent depth."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from reasmory.memory.boxes import iou_3d
from reasmory.memory.grounding import GroundingSettings, ground, synthetic_scene_inputs
from reasmory.memory.grounding.associate import AssociationSettings, Fragment, associate
from reasmory.memory.grounding.sources import Instance2D


@pytest.fixture(scope="module")
def scene(make_synth_scene: Callable[..., Path]) -> Path:
    return make_synth_scene(3, 16)


class _Edited:
    """Given masks with one frame's instances changed by `edit(index, instances, ids)`."""

    def __init__(self, masks, edit) -> None:
        self.masks, self.edit = masks, edit

    def instances(self, index: int, image=None) -> list[Instance2D]:
        return self.edit(index, self.masks.instances(index), self.masks.id_map(index))


def _ground(folder: Path, edit=None):
    frames, depth, masks, min_pixels = synthetic_scene_inputs(folder)
    source = masks if edit is None else _Edited(masks, edit)
    return ground(frames, depth, source, GroundingSettings(min_visible_pixels=min_pixels)), frames, depth, masks


def test_a_confident_detection_on_a_bare_wall_is_voted_out(scene: Path) -> None:
    """Other frames show the same wall without it: its points lose the vote and nothing is left."""
    frames, _, masks, _ = synthetic_scene_inputs(scene)
    index = len(frames) // 2
    ids = masks.id_map(index)
    bare = ids < 0
    bare[ids.shape[0] // 3 :] = False  # the upper third: walls, above the furniture
    rows, cols = np.nonzero(bare)
    ghost = np.zeros_like(bare)
    r, c = rows[len(rows) // 2], cols[len(cols) // 2]
    ghost[max(r - 6, 0) : r + 6, max(c - 8, 0) : c + 8] = True
    ghost &= bare

    def add(k: int, found: list, _ids) -> list:
        return found + [Instance2D(ghost, "whiteboard", 0.95)] if k == index else found

    objects, *_ = _ground(scene, add)
    assert ghost.sum() > 50 and not [o for o in objects if o.label == "whiteboard"]


def test_a_mask_leaking_onto_the_wall_behind_does_not_stretch_the_box(scene: Path) -> None:
    clean, frames, _, masks = _ground(scene)
    biggest = max(clean, key=lambda o: len(o.frames))
    index = biggest.frames[len(biggest.frames) // 2]

    def leak(k: int, found: list, _ids) -> list:
        if k != index:
            return found
        out = []
        for inst in found:
            if inst.label == biggest.label:
                grown = inst.mask.copy()
                for step in range(1, 13):  # a band spilling 12 pixels to the right
                    grown[:, step:] |= inst.mask[:, :-step]
                inst = Instance2D(grown, inst.label, inst.score)
            out.append(inst)
        return out

    leaked, *_ = _ground(scene, leak)
    twin = max((o for o in leaked if o.label == biggest.label), key=lambda o: iou_3d(o.box, biggest.box))
    assert iou_3d(twin.box, biggest.box) > 0.85


def test_two_masks_in_one_frame_are_two_objects_however_blurred() -> None:
    """Two pillows side by side whose noisy points run into one another: each frame masks them apart."""
    rng = np.random.default_rng(4)
    fragments = []
    for frame in range(5):
        for centre in ((0.0, 0.0, 0.5), (0.5, 0.0, 0.5)):
            points = np.asarray(centre) + rng.normal(0, [0.15, 0.1, 0.05], (400, 3))
            fragments.append(Fragment("pillow", points.astype(np.float32), frame, 400, (0, 0, 10, 10)))
    tracks = associate(fragments, AssociationSettings())
    assert len(tracks) == 2
    assert sorted(round(float(np.median(t.points[:, 0])), 1) for t in tracks) == [0.0, 0.5]


def test_per_frame_depth_errors_are_fitted_away(scene: Path) -> None:
    from reasmory.memory.reconstruction.consistency import consistent_depth, disagreement

    frames, depth, _, _ = synthetic_scene_inputs(scene)
    factor = dict(zip((f.index for f in frames), np.exp(np.random.default_rng(5).normal(0, 0.04, len(frames))), strict=True))

    def scaled(index: int) -> np.ndarray:
        return (depth(index) * factor[index]).astype(np.float32)

    fixed, note = consistent_depth(frames, scaled)
    assert disagreement(frames, scaled) > 0.02 and note is not None
    assert disagreement(frames, fixed) < 0.01
    assert consistent_depth(frames, depth)[1] is None  # depth that agrees with itself is left alone


def _patch(label: str, centre: tuple[float, float, float], side: float, frame: int) -> Fragment:
    """A flat patch of points 2 cm apart (the association's point spacing), as one mask lifts it."""
    u = np.arange(-side / 2, side / 2 + 1e-9, 0.02)
    grid = np.stack(np.meshgrid(u, u, indexing="ij"), -1).reshape(-1, 2)
    points = np.c_[grid[:, 0], np.zeros(len(grid)), grid[:, 1]] + np.asarray(centre)
    return Fragment(label, points.astype(np.float32), frame, 4 * len(points), (0, 0, 10, 10))


def test_a_small_object_glimpsed_once_is_kept_but_a_bit_off_a_bigger_one_is_not() -> None:
    """A trash bin seen far away gives a dozen points, under the least a split-off part needs: alone, it is an object;
    a few points of a window's frame next to the window's own track are a piece of that one."""
    small_bin = _patch("trash bin", (3.0, 0.0, 0.2), 0.08, frame=0)
    window = [_patch("window", (0.0, 0.0, 1.2), 0.6, frame=f) for f in range(3)]
    piece = _patch("window", (0.45, 0.0, 1.2), 0.08, frame=3)
    settings = AssociationSettings()
    assert settings.min_whole_points <= len(small_bin.points) < settings.min_points
    tracks = associate([small_bin, *window, piece], settings)
    assert sorted(t.label for t in tracks) == ["trash bin", "window"]


def test_sparse_depth_is_no_evidence_against_an_object(scene: Path) -> None:
    """Triangulated (SfM) depth covers a few pixels in a hundred: a pixel with no depth near it says nothing about what
    lies there, so the objects dense depth finds are still found, with most of their points."""
    frames, depth, masks, min_pixels = synthetic_scene_inputs(scene)
    rng = np.random.default_rng(0)
    keep = {f.index: rng.random((f.height, f.width)) < 0.03 for f in frames}

    def sparse(index: int) -> np.ndarray:
        return np.where(keep[index], depth(index), 0.0)

    settings = GroundingSettings(min_visible_pixels=min_pixels)
    dense = ground(frames, depth, masks, settings)
    found = ground(frames, sparse, masks, settings)
    labels = [o.label for o in dense if o.attributes.get("views", 2) >= 3]
    kept = [label for label in set(labels) if any(o.label == label for o in found)]
    assert len(labels) >= 5 and len(kept) >= 0.8 * len(set(labels))


def test_only_a_flat_thing_on_the_floor_is_taken_for_the_floor() -> None:
    from reasmory.memory.grounding.support import flat_on_floor

    rug = np.full(100, 0.01)
    bathtub_below_a_misplaced_floor = np.linspace(-0.45, 0.03, 100)
    chair = np.linspace(0.0, 0.9, 100)
    assert flat_on_floor(rug, 0.0, 0.05)
    assert not flat_on_floor(bathtub_below_a_misplaced_floor, 0.0, 0.05)
    assert not flat_on_floor(chair, 0.0, 0.05)
