"""Renders agree with independent ground truth: the synthetic scene's instance and depth maps, and ray-cast boxes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from reasmory.memory import OrientedBox, SpatialMemory
from reasmory.memory.model import Frame, ObjectInstance
from reasmory.memory.render import RenderCamera, render_view
from reasmory.synth.writer import read_depth, read_instances

from .conftest import backproject


def _labels(memory: SpatialMemory, ids: np.ndarray) -> np.ndarray:
    """Object ids (−1 none) to label strings ('' none)."""
    names = {o.id: o.label for o in memory.objects}
    return np.vectorize(lambda i: names.get(int(i), ""))(ids)


def test_semantic_render_matches_the_instance_maps(synth_folder: Path, oracle: SpatialMemory) -> None:
    """A frame rendered from the points of the *other* frames labels its pixels like the frame's instance map."""
    agree = covered = 0
    for k in range(0, len(oracle.frames), 2):
        memory = backproject(synth_folder, oracle, [i for i in range(len(oracle.frames)) if i != k])
        view = render_view(memory, RenderCamera.from_frame(memory.frames[k]), "semantic", legend=False)
        truth = read_instances(synth_folder / f"instances/{k:05d}.png")
        seen = view.object >= 0
        matches = int((_labels(memory, view.object)[seen] == _labels(memory, truth)[seen]).sum())
        assert matches >= 0.75 * seen.sum(), f"frame {k}: {matches / seen.sum():.3f}"
        agree, covered = agree + matches, covered + int(seen.sum())
    assert covered > 0.25 * 4 * 160 * 120
    assert agree / covered >= 0.9


def test_depth_render_matches_the_depth_maps(synth_folder: Path, oracle: SpatialMemory) -> None:
    memory = backproject(synth_folder, oracle, [0, 1, 2, 4, 5, 6, 7])
    view = render_view(memory, RenderCamera.from_frame(memory.frames[3]), "depth", legend=False)
    truth = read_depth(synth_folder / "depth/00003.png")
    both = (view.depth > 0) & (truth > 0)
    assert both.mean() > 0.5
    error = np.abs(view.depth[both] - truth[both])
    assert np.median(error) < 0.02 and np.mean(error < 0.1) > 0.9


def _ray_cast(boxes: list[OrientedBox], frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest box per pixel (−1 none) and its z-depth, by slab tests: no points, no splats."""
    K, pose = frame.K_array, frame.pose_array
    u, v = np.meshgrid(np.arange(frame.width), np.arange(frame.height))
    rays = np.stack([(u - K[0, 2]) / K[0, 0], (v - K[1, 2]) / K[1, 1], np.ones(u.shape)], -1) @ pose[:3, :3].T
    nearest = np.full(u.shape, np.inf)
    which = np.full(u.shape, -1)
    for i, box in enumerate(boxes):
        o = (pose[:3, 3] - box.c) @ box.R
        d = rays @ box.R
        with np.errstate(divide="ignore", invalid="ignore"):
            t1, t2 = (-box.e / 2 - o) / d, (box.e / 2 - o) / d
        near, far = np.minimum(t1, t2).max(-1), np.maximum(t1, t2).min(-1)
        hit = (far >= np.maximum(near, 0)) & (near > 0) & (near < nearest)
        nearest[hit], which[hit] = near[hit], i
    return which, np.where(which >= 0, nearest, 0.0)


def test_ground_truth_boxes_match_ray_casting() -> None:
    """An oracle memory's sampled box surfaces render where exact ray casting puts the boxes."""
    boxes = [OrientedBox.from_yaw([3.0, 0.0, 0.5], [1.0, 0.8, 1.0], 0.3),
             OrientedBox.from_yaw([4.5, 1.2, 0.9], [0.6, 2.0, 1.8], -0.2),
             OrientedBox.from_yaw([2.2, -1.0, 0.3], [0.5, 0.5, 0.6], 0.8),
             OrientedBox.from_yaw([5.5, -0.8, 1.0], [0.3, 1.5, 2.0], 0.0)]
    objects = [ObjectInstance(id=i, label=f"thing{i}", box=b, points=b.sample_surface(0.03), attributes={"geometry": "box"})
               for i, b in enumerate(boxes)]
    camera = RenderCamera.looking([0.0, 0.2, 1.2], -0.05, 200, 150)
    pose = np.eye(4)
    pose[:3, :3] = camera.world_to_camera[:, :3].T
    pose[:3, 3] = camera.position
    frame = Frame(index=0, width=200, height=150, K=tuple(map(tuple, camera.K)), pose=tuple(map(tuple, pose)))
    memory = SpatialMemory(frames=[frame], objects=objects)
    view = render_view(memory, RenderCamera.from_frame(frame), "semantic", legend=False)
    truth, depth = _ray_cast(boxes, frame)
    seen, real = view.object >= 0, truth >= 0
    assert real.mean() > 0.2
    assert np.mean(view.object[seen] == truth[seen]) >= 0.9, "splats grow silhouettes by about half a point spacing"
    assert np.mean(view.object[real] == truth[real]) >= 0.97
    both = (truth >= 0) & (view.object == truth)
    assert np.median(np.abs(view.depth[both] - depth[both])) < 0.01


def test_a_larger_render_of_a_camera_shows_the_same_scene(synth_folder: Path, oracle: SpatialMemory) -> None:
    small = render_view(oracle, RenderCamera.from_frame(oracle.frames[2]), "semantic", legend=False)
    large = render_view(oracle, RenderCamera.from_frame(oracle.frames[2], 320, 240), "semantic", legend=False)
    assert np.mean(large.object[::2, ::2] == small.object) > 0.93


@pytest.mark.parametrize(("heading", "side"), [(0.0, "centre"), (math.radians(20), "right"), (math.radians(-20), "left")])
def test_made_up_views_look_level_along_their_heading(heading: float, side: str) -> None:
    """A box straight along +x sits mid-image for heading 0, right of centre when the view turns left, and so on."""
    box = OrientedBox.from_yaw([4.0, 0.0, 1.5], [0.4, 0.4, 0.4], 0.0)
    memory = SpatialMemory(objects=[ObjectInstance(id=0, label="cube", box=box, points=box.sample_surface(0.02))])
    view = render_view(memory, RenderCamera.looking([0.0, 0.0, 1.5], heading, 160, 120), "semantic", legend=False)
    rows, cols = np.nonzero(view.object == 0)
    assert len(cols) > 20
    assert abs(rows.mean() - 59.5) < 3
    expected = {"centre": (75, 84), "right": (116, 126), "left": (33, 43)}[side]  # 79.5 ± tan(20°)·114.3
    assert expected[0] <= cols.mean() <= expected[1]


def test_the_floor_grid_of_a_ground_truth_memory_can_be_left_out(oracle: SpatialMemory) -> None:
    camera = RenderCamera.from_frame(oracle.frames[0])
    with_floor, without = (render_view(oracle, camera, "rgb", floor=f, legend=False) for f in (True, False))
    assert (with_floor.depth > 0).sum() > (without.depth > 0).sum() > 0
    objects = without.object >= 0
    assert np.mean(with_floor.object[objects] == without.object[objects]) > 0.97  # floor splats only nibble at bases
