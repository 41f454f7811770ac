"""The room's outline from its walls and the space the cameras saw (memory/room.py)."""

from collections.abc import Callable
import json
import math
from pathlib import Path

import numpy as np
import pytest

from reasmory.memory.geometry import polygon_area
from reasmory.memory.room import RoomLayout, depth_samples, outline, room_layout, walls_rectangle


@pytest.fixture(scope="module")
def rooms(make_synth_scene: Callable[..., Path]) -> dict[str, Path]:
    """Seed 0 renders a rectangular room, seed 1 an L-shaped one (small and fast)."""
    return {name: make_synth_scene(seed, 24) for name, seed in (("rectangle", 0), ("l-shape", 1))}


def _layout(folder: Path, perception: str | None = None, layout: Callable[..., RoomLayout | None] = room_layout):
    from reasmory.memory.grounding.pipeline import synthetic_scene_inputs
    from reasmory.memory.perception import PRESETS, perceive, scene_seed

    frames, depth, masks, _ = synthetic_scene_inputs(folder)
    if perception is not None:
        model = PRESETS[perception].model_copy(update={"metric": True, "detections": PRESETS["exact"].detections})
        seen = perceive(frames, depth, masks, model, scene_seed(folder.name))
        frames, depth = seen.frames, seen.depth
    room = layout([f.position for f in frames], depth_samples(frames, lambda k: depth(frames[k].index)))
    truth = json.loads((folder / "scene.json").read_text())["room"]
    return room, truth


@pytest.mark.parametrize("name", ["rectangle", "l-shape"])
def test_the_room_is_its_walls_not_the_floor_the_camera_saw(rooms, name) -> None:
    room, truth = _layout(rooms[name])
    assert room.area == pytest.approx(truth["area"], rel=0.03)
    assert polygon_area(room.polygon) == pytest.approx(room.area, rel=0.01)
    assert ("walled-off" in room.method) == (name == "l-shape")


def test_without_walled_off_parts_the_room_is_the_rectangle_of_its_walls(rooms) -> None:
    """What completion stays in before objects are known: the L-shaped room's bounding rectangle, its notch included,
    which holds the room itself."""
    room, truth = _layout(rooms["l-shape"], layout=walls_rectangle)
    xy = np.asarray(truth["polygon"], np.float64)
    assert room.method == "walls (rectangle)" and len(room.polygon) == 4
    assert room.area == pytest.approx((np.ptp(xy[:, 0]) * np.ptp(xy[:, 1])), rel=0.03) and room.area > truth["area"] * 1.1
    inside = xy + 0.02 * np.sign(xy.mean(axis=0) - xy)  # the true corners, 2 cm in
    assert room.contains(inside).all()


@pytest.mark.parametrize("name", ["rectangle", "l-shape"])
def test_the_room_holds_under_learned_depth_errors(rooms, name) -> None:
    """VGGT-like depth and camera errors (metric here: the scale is another matter), gross patches included."""
    room, truth = _layout(rooms[name], "vggt-like")
    assert room.area == pytest.approx(truth["area"], rel=0.12)


def _wall_hits(camera: tuple[float, float], degrees: np.ndarray, size: tuple[float, float] = (6.0, 4.0)) -> np.ndarray:
    """Where rays from `camera` (1.5 m high) in the given directions meet the walls of a size[0] × size[1] room."""
    hits = []
    for angle in np.radians(degrees):
        d = np.array([math.cos(angle), math.sin(angle)])
        reach = [(w - c) / x for w, c, x in ((size[0], camera[0], d[0]), (0.0, camera[0], d[0]),
                                               (size[1], camera[1], d[1]), (0.0, camera[1], d[1])) if abs(x) > 1e-9]
        end = np.array(camera) + min(t for t in reach if t > 0) * d
        hits += [(*end, z) for z in (0.5, 1.5, 2.2)]
    return np.array(hits)


def test_the_middle_of_a_room_never_looked_at_is_still_room() -> None:
    """Frames turn from north to south looking west, then looking east: the wedges between them are no fan, but
    nothing walls them off."""
    west, east = (1.5, 2.0), (4.5, 2.0)
    views = [(west, a, a + 80) for a in (90, 130, 170, 190)] + [(east, a, a + 80) for a in (-90, -50, -10, 10)]
    hits = [_wall_hits(at, np.arange(a, b, 0.5)) for at, a, b in views]
    room = room_layout([np.array([*at, 1.5]) for at, _, _ in views], hits)
    assert room is not None and room.area == pytest.approx(24.0, rel=0.03)


def test_outline_of_a_grid_mask_is_its_counter_clockwise_boundary() -> None:
    mask = np.zeros((8, 6), bool)
    mask[1:7, 1:5] = True
    mask[4:7, 3:5] = False  # an L
    corners = outline(mask, np.array([10.0, 20.0]), 0.5)
    assert len(corners) == 6
    assert polygon_area(corners) == pytest.approx(mask.sum() * 0.25)
    x, y = corners[:, 0], corners[:, 1]
    assert np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)) > 0  # counter-clockwise


def test_unseen_space_beyond_a_wall_a_camera_saw_is_outside_but_space_off_to_the_side_is_not() -> None:
    """A camera at (2, 2) saw a wall along y = 4 for x in 0–4: the unseen block beyond it (an L-shaped room's notch)
    is outside; an unseen block beside the camera, which no ray of it reached, stays room."""
    from reasmory.memory.room import RoomSettings, _behind_walls

    cell = 0.1
    origin = np.zeros(2)
    missing = np.zeros((60, 80), bool)
    missing[0:40, 45:75] = True  # x 0–4, y 4.5–7.5: beyond the wall
    missing[50:60, 0:30] = True  # x 5–6, y 0–3: off to the side
    wall = np.c_[np.linspace(0.0, 4.0, 800), np.full(800, 4.0)]  # a ray end in every direction, as fan_ends gives
    out = _behind_walls(missing, [(np.array([2.0, 2.0]), wall)], origin, cell, RoomSettings(), margin=0.1)
    assert out[0:40, 45:75].all()
    assert not out[50:60, 0:30].any()
