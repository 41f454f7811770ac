"""Top-down maps are never mirrored: +x is right, +y is up; cameras, highlights and labels are drawn."""

from __future__ import annotations

import math

import numpy as np

from reasmory.memory import Frame, OrientedBox, SpatialMemory
from reasmory.memory.cameras import intrinsics_from_fov, look_at_pose
from reasmory.memory.model import ObjectInstance
from reasmory.memory.render import label_colour, render_bev
from reasmory.memory.render.bev import CAMERA, HIGHLIGHT, footprint
from reasmory.memory.render.draw import text_box


def _memory(with_camera: bool = False) -> SpatialMemory:
    places = {"origin": (0.0, 0.0), "east": (3.0, 0.0), "north": (0.0, 3.0)}
    objects = []
    for i, (label, (x, y)) in enumerate(places.items()):
        box = OrientedBox.from_yaw([x, y, 0.4], [0.6, 0.6, 0.8], 0.0)
        objects.append(ObjectInstance(id=i, label=label, box=box, points=box.sample_surface(0.03), attributes={"geometry": "box"}))
    frames = []
    if with_camera:  # at (1.5, −1) looking along +y
        pose = look_at_pose([1.5, -1.0, 1.5], [1.5, 3.0, 1.5])
        frames.append(Frame(index=0, width=64, height=48, K=tuple(map(tuple, intrinsics_from_fov(64, 48, 60))),
                            pose=tuple(map(tuple, pose))))
    return SpatialMemory(frames=frames, objects=objects)


def _centroid(mask: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(mask)
    return np.array([cols.mean(), rows.mean()])


def test_plus_x_is_right_and_plus_y_is_up() -> None:
    bev = render_bev(_memory(), "semantic")
    origin, east, north = (_centroid(bev.object == i) for i in range(3))
    assert east[0] - origin[0] > 2.5 * bev.pixels_per_metre and abs(east[1] - origin[1]) < 2
    assert origin[1] - north[1] > 2.5 * bev.pixels_per_metre and abs(north[0] - origin[0]) < 2
    assert np.allclose(bev.to_pixel([[3.0, 0.0]])[0], east, atol=2)


def test_the_picture_shows_each_object_in_its_label_colour_where_the_map_says() -> None:
    bev = render_bev(_memory(), "semantic")
    pixels = np.asarray(bev.image).astype(float)
    for label, xy in (("east", (3.1, 0.1)), ("north", (0.1, 3.1))):
        u, v = bev.to_pixel([xy])[0].round().astype(int)
        seen, want = pixels[v, u], np.array(label_colour(label), float)
        assert np.dot(seen, want) / (np.linalg.norm(seen) * np.linalg.norm(want)) > 0.99, label


def test_cameras_point_where_they_look_and_highlights_stand_out() -> None:
    bev = render_bev(_memory(with_camera=True), "rgb", highlight=[1])
    pixels = np.asarray(bev.image)
    camera = np.all(pixels == CAMERA, axis=-1)
    u, v = bev.to_pixel([[1.5, -1.0]])[0]
    rows, cols = np.nonzero(camera)
    assert len(rows) > 20 and np.all(np.abs(cols - u) < 12)
    assert np.sum(rows < v - 5) > 3 * np.sum(rows > v + 5)  # the arrow points up the image: +y
    amber = np.nonzero(np.all(pixels == HIGHLIGHT, axis=-1))
    centre = bev.to_pixel([[3.0, 0.0]])[0]
    assert len(amber[0]) > 50
    assert np.all(np.hypot(amber[1] - centre[0], amber[0] - centre[1]) < 0.6 * bev.pixels_per_metre)


def test_footprints_are_convex_hulls_of_tilted_boxes_too() -> None:
    tilted = OrientedBox(center=(0, 0, 1), extents=(2, 1, 1),
                         rotation=((1, 0, 0), (0, math.cos(0.5), -math.sin(0.5)), (0, math.sin(0.5), math.cos(0.5))))
    hull = footprint(tilted.corners())
    assert len(hull) == 4
    assert np.isclose(np.ptp(hull[:, 0]), 2) and np.isclose(np.ptp(hull[:, 1]), math.cos(0.5) + math.sin(0.5))


def test_label_text_is_large_enough_to_read() -> None:
    x0, y0, x1, y1 = text_box((0, 0), "trash bin", 13)
    assert y1 - y0 >= 12 and x1 - x0 >= 50
