"""Procedural rooms and furniture: inside the room, no overlaps, everything resting on something."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from reasmory.memory.boxes import OrientedBox
from reasmory.synth.categories import CATEGORIES
from reasmory.synth.mesh import object_mesh
from reasmory.synth.model import PlacedObject, SynthScene
from reasmory.synth.pipeline import generate, make_config
from reasmory.synth.plane import points_in_polygon, points_to_segments, polygon_edges
from reasmory.synth.room import l_room

SEEDS = range(8)
VSI_LABELS = {"chair", "table", "sofa", "bed", "tv", "lamp", "cabinet", "door", "window", "refrigerator", "stove",
              "sink", "toilet", "bathtub", "trash bin", "plant", "pillow", "monitor", "backpack", "shelf"}


@pytest.fixture(scope="module", params=SEEDS)
def scene(request: pytest.FixtureRequest) -> SynthScene:
    return generate(make_config(seed=request.param, frames=8, width=64, height=48))[0]


def _box(o: PlacedObject) -> OrientedBox:
    return OrientedBox.from_yaw(o.center, o.extents, o.yaw)


def _grid_inside(box: OrientedBox, shrink: float = 1e-3, n: int = 7) -> np.ndarray:
    """Points filling a box, `shrink` metres in from its faces."""
    axes = [np.linspace(-1, 1, n) * max(e / 2 - shrink, 0.0) for e in box.extents]
    local = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    return box.c + local @ box.R.T


def test_library_has_the_vsibench_labels_each_with_its_own_colour() -> None:
    assert VSI_LABELS <= set(CATEGORIES) and len(CATEGORIES) >= 20
    colours = [c.colour for c in CATEGORIES.values()]
    assert len(set(colours)) == len(colours)


def test_l_room_area_and_walls_face_inward() -> None:
    room = l_room(6.0, 5.0, 2.0, 2.0, 2.7)
    assert room.area == pytest.approx(30 - 4)
    for wall in room.walls:
        probe = (wall.start + wall.end) / 2 + 0.05 * wall.normal
        assert points_in_polygon(probe[None], room.polygon)[0]


def test_objects_lie_inside_the_room(scene: SynthScene) -> None:
    for o in scene.objects:
        assert points_in_polygon(o.footprint() * (1 - 1e-9) + o.footprint().mean(0) * 1e-9, scene.room.polygon).all()
        assert o.z_range[1] <= scene.room.height


def test_no_two_boxes_intersect_except_an_object_and_its_support(scene: SynthScene) -> None:
    for a, b in itertools.combinations(scene.objects, 2):
        if a.support == b.id or b.support == a.id:
            continue
        inside = _box(b).contains(_grid_inside(_box(a)))
        assert not inside.any(), f"{a.label} {a.id} intersects {b.label} {b.id}"


def test_floor_footprints_do_not_overlap(scene: SynthScene) -> None:
    floor = [o for o in scene.objects if o.support == "floor"]
    for a, b in itertools.combinations(floor, 2):
        tall_a = OrientedBox.from_yaw([*a.center[:2], 50.0], [*a.extents[:2], 100.0], a.yaw)
        tall_b = OrientedBox.from_yaw([*b.center[:2], 50.0], [*b.extents[:2], 100.0], b.yaw)
        assert not tall_b.contains(_grid_inside(tall_a, n=9)).any(), f"{a.label} {a.id} overlaps {b.label} {b.id}"


def test_every_object_rests_on_floor_wall_or_its_support(scene: SynthScene) -> None:
    wall_a, wall_b = polygon_edges(scene.room.polygon)
    for o in scene.objects:
        z0 = o.z_range[0]
        if o.support == "floor":
            assert z0 == pytest.approx(0.0, abs=1e-9)
        elif o.support == "wall":
            back = o.footprint()[:2]  # the corners on the object's back (local −y) side
            assert points_to_segments(back, wall_a, wall_b).min(axis=1).max() < 1e-6, f"{o.label} {o.id} off the wall"
        else:
            holder = scene.by_id(int(o.support))
            tops = [holder.to_world(np.array([[0, 0, s[4]]]))[0, 2] for s in holder.shape.surfaces]
            assert min(abs(z0 - t) for t in tops) < 1e-9, f"{o.label} {o.id} floats above {holder.label}"
            corners = np.c_[o.footprint(), np.full(4, z0 - 0.01)]
            assert _box(holder).contains(corners, 1e-6).all(), f"{o.label} {o.id} overhangs {holder.label}"


def test_ground_truth_box_is_the_tight_box_of_the_mesh(scene: SynthScene) -> None:
    for o in scene.objects:
        verts, _ = object_mesh(o)
        local = (verts.astype(np.float64) - o.center) @ _box(o).R
        np.testing.assert_allclose(np.abs(local).max(axis=0), o.extents / 2, atol=1e-5)


def test_box_yaw_only_and_a_few_instances_per_category(scene: SynthScene) -> None:
    assert len(scene.objects) >= 8
    assert len({o.label for o in scene.objects}) >= 8
    assert all(_box(o).is_gravity_aligned for o in scene.objects)
    assert {"door", "window"} <= {o.label for o in scene.objects}
