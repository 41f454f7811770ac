"""Grounding: lifting, association, box fitting and completion, end to end on a synthetic scene."""

from collections.abc import Callable
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

from reasmory.memory.boxes import OrientedBox, iou_3d
from reasmory.memory.grounding import GivenMasks, GroundingSettings, ground, synthetic_scene_inputs
from reasmory.memory.grounding.associate import AssociationSettings, Fragment, associate
from reasmory.memory.grounding.complete import complete_box, support_height
from reasmory.memory.grounding.fit import fit_box, surface_spread
from reasmory.memory.grounding.lift import depth_edges, lift_instance, outline_codes
from reasmory.memory.grounding.scene_memory import build_scene_memory
from reasmory.memory.grounding.sources import Instance2D
from reasmory.memory.model import Frame
from reasmory.memory.oracle import from_scene


@pytest.fixture(scope="module")
def scene(make_synth_scene: Callable[..., Path]) -> Path:
    return make_synth_scene(1, 24, 320, 240, questions=True)


def test_lifted_points_lie_in_their_objects_boxes(scene: Path) -> None:
    frames, depth, masks, _ = synthetic_scene_inputs(scene)
    truth = {o.id: o for o in from_scene(scene / "scene.json").objects}
    frame = frames[len(frames) // 2]
    d = depth(frame.index)
    ids = masks.id_map(frame.index)
    lifted = 0
    for obj_id in np.unique(ids[ids >= 0]):
        pts, _ = lift_instance(ids == obj_id, d, frame.K_array, frame.pose_array, depth_edges(d), 1)
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


def test_surface_spread_measures_depth_noise_not_shape() -> None:
    """About zero on exact surfaces (edges and corners included), the noise's standard deviation on noisy ones."""
    truth = OrientedBox.from_yaw((1, 2, 0.4), (1.2, 0.6, 0.8), math.radians(30))
    pts = truth.sample_surface(0.02)
    assert surface_spread(pts) < 0.002
    noisy = pts + np.random.default_rng(3).normal(0, 0.01, pts.shape)
    assert 0.004 < surface_spread(noisy) < 0.012
    assert surface_spread(pts[:31]) is None


def test_box_fit_moves_faces_in_by_the_spread() -> None:
    """Noisy points put percentile faces outside the true ones; `spread` brings them back, never past a quarter of
    the extent per end, about the same centre."""
    truth = OrientedBox.from_yaw((1, 2, 0.4), (1.2, 0.6, 0.8), math.radians(30))
    pts = truth.sample_surface(0.01)
    noisy = pts + np.random.default_rng(4).normal(0, 0.015, pts.shape)
    loose, tight = fit_box(noisy), fit_box(noisy, spread=0.015)
    assert np.allclose(loose.e - tight.e, 0.03, atol=1e-9)
    assert np.allclose(loose.c, tight.c)
    assert np.abs(tight.e - truth.e).max() < np.abs(loose.e - truth.e).max()
    assert iou_3d(tight, truth) > iou_3d(loose, truth)
    assert np.allclose(fit_box(pts, spread=10.0).e, fit_box(pts).e / 2)


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

    frames, _, masks, _ = synthetic_scene_inputs(scene)
    with pytest.raises(InputError, match="depth of frame 0"):
        ground(frames[:1], lambda i: np.zeros((5, 5), np.float32), masks, GroundingSettings())


def _yaw_error(box: OrientedBox, yaw: float) -> float:
    """Degrees between the box's axes and `yaw`, modulo 90°."""
    found = math.degrees(math.atan2(box.R[1, 0], box.R[0, 0]))
    return abs((found - math.degrees(yaw) + 45) % 90 - 45)


def test_yaw_of_a_front_and_one_side_seen() -> None:
    """An L of points (a refrigerator's front and one side) has a hull whose hypotenuse-aligned rectangle is as small
    as the true one; the fit must still find the sides."""
    yaw = math.radians(20)
    truth = OrientedBox.from_yaw((2, 1, 0.85), (0.8, 0.65, 1.7), yaw)
    local = (truth.sample_surface(0.02) - truth.c) @ truth.R
    seen = local[(local[:, 1] > 0.32) | (local[:, 0] < -0.39)]  # front (+y) and one side (−x)
    box = fit_box(seen @ truth.R.T + truth.c)
    assert _yaw_error(box, yaw) < 0.5
    assert iou_3d(box, truth) > 0.9


def test_yaw_of_a_thin_slab_with_a_handle() -> None:
    """A door seen from the front: a handle sticking out must not tilt the box (a 1° tilt costs a 4 cm slab half its IoU)."""
    yaw = math.radians(-35)
    rng = np.random.default_rng(2)
    face = np.c_[rng.uniform(-0.45, 0.45, 4000), np.zeros(4000), rng.uniform(0, 2, 4000)]
    handle = np.c_[rng.uniform(0.3, 0.38, 30), np.full(30, 0.03), rng.uniform(0.95, 1.0, 30)]
    c, s = math.cos(yaw), math.sin(yaw)
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    assert _yaw_error(fit_box(np.vstack([face, handle]) @ rot.T), yaw) < 0.2


def test_a_lamp_seen_in_pieces_stays_one_lamp() -> None:
    """A shade whose underside is never seen floats apart from its pole; masks that show both keep them one object,
    while views of the shade alone vote for it."""
    rng = np.random.default_rng(3)
    angle = rng.uniform(0, 2 * math.pi, 600)
    shade = np.c_[0.2 * np.cos(angle), 0.2 * np.sin(angle), rng.uniform(1.3, 1.65, 600)]
    pole = np.c_[rng.normal(0, 0.005, (300, 2)), rng.uniform(0, 1.3, 300)]
    fragments = [Fragment("lamp", np.vstack([shade, pole]).astype(np.float32), f, 900, (0, 0, 10, 10)) for f in range(3)]
    fragments += [Fragment("lamp", shade.astype(np.float32), f, 600, (0, 0, 10, 10)) for f in range(3, 8)]
    assert len(associate(fragments, AssociationSettings())) == 1


def _frame(index: int, position: tuple[float, float, float], target: tuple[float, float, float],
           width: int = 160, height: int = 120, focal: float = 120.0) -> Frame:
    """A camera at `position` looking at `target` (OpenCV axes, camera-to-world)."""
    forward = np.subtract(target, position) / np.linalg.norm(np.subtract(target, position))
    right = np.cross(forward, (0, 0, 1))
    right /= np.linalg.norm(right)
    pose = np.eye(4)
    pose[:3, :3] = np.c_[right, np.cross(forward, right), forward]
    pose[:3, 3] = position
    K = ((focal, 0, (width - 1) / 2), (0, focal, (height - 1) / 2), (0, 0, 1))
    return Frame(index=index, width=width, height=height, K=K, pose=tuple(map(tuple, pose)))


def _cast(frame: Frame, boxes: list[tuple[tuple, tuple]]) -> tuple[np.ndarray, np.ndarray]:
    """z-depth and box index (−1: none) of every pixel, ray-casting axis-aligned boxes (lo, hi)."""
    v, u = np.mgrid[: frame.height, : frame.width]
    K, pose = frame.K_array, frame.pose_array
    rays = np.stack([(u - K[0, 2]) / K[0, 0], (v - K[1, 2]) / K[1, 1], np.ones(u.shape)], -1) @ pose[:3, :3].T
    rays = np.where(np.abs(rays) < 1e-12, 1e-12, rays)
    best, ids = np.full(u.shape, np.inf), np.full(u.shape, -1)
    for k, (lo, hi) in enumerate(boxes):
        t1, t2 = (np.array(lo) - pose[:3, 3]) / rays, (np.array(hi) - pose[:3, 3]) / rays
        near, far = np.minimum(t1, t2).max(-1), np.maximum(t1, t2).min(-1)
        hit = (far >= np.maximum(near, 0)) & (near > 0) & (near < best)
        best[hit], ids[hit] = near[hit], k
    return np.where(np.isfinite(best), best, 0).astype(np.float32), ids


class _Masks:
    """Instance masks of one labelled box (index 0 of the cast boxes)."""

    def __init__(self, ids: dict[int, np.ndarray], label: str) -> None:
        self.ids, self.label = ids, label

    def instances(self, index: int, image: np.ndarray | None = None) -> list[Instance2D]:
        mask = self.ids[index] == 0
        return [Instance2D(mask, self.label)] if mask.any() else []


_ROOM = [((-3, -1, -0.1), (3, 3.1, 0)), ((-3, 3.0, 0), (3, 3.1, 2.8)), ((-3.1, -1, 0), (-3, 3.1, 2.8)), ((3, -1, 0), (3.1, 3.1, 2.8))]


def _ground_one(label: str, box: tuple[tuple, tuple], cameras: list[tuple[tuple, tuple]]) -> OrientedBox:
    frames = [_frame(i, p, t) for i, (p, t) in enumerate(cameras)]
    cast = {f.index: _cast(f, [box, *_ROOM]) for f in frames}
    objects = ground(frames, lambda i: cast[i][0], _Masks({i: c[1] for i, c in cast.items()}, label), GroundingSettings(min_visible_pixels=8))
    assert len(objects) == 1
    return objects[0].box


def test_a_refrigerator_seen_only_from_the_front_reaches_back_to_the_wall() -> None:
    """Never seen behind its front, it grows towards a refrigerator's typical depth, but not through the wall."""
    fridge = ((-0.4, 2.38, 0), (0.4, 2.98, 1.7))  # 2 cm in front of the wall at y = 3
    front = [((x, 0.2, 1.2), (x, 2.5, 0.9)) for x in (-0.3, -0.1, 0.1, 0.3)]
    box = _ground_one("refrigerator", fridge, front)
    assert min(box.e[:2]) == pytest.approx(0.62, abs=0.02)  # to the wall, short of the typical 0.70
    assert iou_3d(box, OrientedBox(center=(0, 2.68, 0.85), extents=(0.8, 0.6, 1.7))) > 0.85
    oblique = [((x, 0.5, 1.4), (0, 2.6, 0.9)) for x in (-2.0, -1.2, 1.2, 2.0)]
    assert min(_ground_one("refrigerator", fridge, oblique).e[:2]) == pytest.approx(0.6, abs=0.02)  # seen: not grown


def test_a_door_cut_by_the_image_border_gets_its_typical_height() -> None:
    door = ((-0.45, 2.96, 0), (0.45, 3.0, 2.05))
    cameras = [((x, 1.5, 1.5), (x / 2, 3.0, 0.8)) for x in (-0.6, -0.2, 0.2, 0.6)]
    box = _ground_one("door", door, cameras)
    assert box.aabb()[0][2] == pytest.approx(0.0, abs=0.02)
    assert box.e[2] == pytest.approx(2.03, abs=0.02)  # the typical door height: the top was never in view
    assert iou_3d(box, OrientedBox(center=(0, 2.98, 1.025), extents=(0.9, 0.04, 2.05))) > 0.7


def test_outline_codes_tell_cut_views_from_own_outlines() -> None:
    depth = np.full((40, 60), 3.0, np.float32)
    mask = np.zeros((40, 60), bool)
    mask[:20, 10:30] = True  # touches the image's top border
    depth[mask] = 2.0
    depth[5:15, 30:40] = 1.0  # a nearer object hides its right side
    boundary = mask & ~ndimage.binary_erosion(mask, np.ones((3, 3)), border_value=0)
    codes = outline_codes(mask, depth, boundary, 0.04, 0.03, width=2)
    assert codes[0, 20] == 2 and codes[10, 29] == 2  # image border; nearer occluder
    assert codes[19, 20] == 1 and codes[10, 10] == 1  # its own bottom and left outline, against the farther wall
    assert codes[10, 20] == 0


def test_benchmark_reuses_rendered_scenes_of_the_asked_size_only(scene: Path, tmp_path: Path) -> None:
    from reasmory.benchmarks.grounding import match, scene_folder, visible_truth
    from reasmory.errors import InputError

    (tmp_path / "synth_00001").symlink_to(scene, target_is_directory=True)
    assert scene_folder(tmp_path, 1, 24, 320, 240) == tmp_path / "synth_00001"  # reused, not rendered again
    with pytest.raises(InputError, match="not 24 of 640×480"):
        scene_folder(tmp_path, 1, 24, 640, 480)
    truth = visible_truth(scene)
    assert truth.objects and all(o.frames for o in truth.objects)
    stats = match(truth, truth)
    assert all(s["ious"] and min(s["ious"]) > 0.99 and not s["misses"] for s in stats.values())


def test_sparse_depth_is_filled_within_the_mask_so_its_whole_silhouette_is_lifted() -> None:
    """SfM depth: points at ~2 % of pixels. A 40×30-pixel mask holds a couple of dozen; filled from the nearest of
    them, the lifted object spans the mask's width and keeps the step between its two depths."""
    rng = np.random.default_rng(1)
    depth = np.zeros((120, 160))
    depth[40:70, 60:80], depth[40:70, 80:100] = 2.0, 2.4  # a front part and a farther part of one object
    depth *= rng.random(depth.shape) < 0.05
    mask = np.zeros((120, 160), bool)
    mask[40:70, 60:100] = True
    K, pose = np.array([[100.0, 0, 80], [0, 100.0, 60], [0, 0, 1]]), np.eye(4)
    sparse, _ = lift_instance(mask, depth, K, pose, depth_edges(depth), sparse=True)
    as_is, _ = lift_instance(mask, depth, K, pose, depth_edges(depth))
    assert len(sparse) > 10 * len(as_is) and np.unique(sparse[:, 2]) == pytest.approx([2.0, 2.4])
    near = sparse[sparse[:, 2] < 2.2]
    assert np.ptp(near[:, 0]) == pytest.approx(19 / 100 * 2.0, abs=0.05)  # the front part's width (pixels × depth / f), ±2 pixels


def test_a_pole_two_pixels_wide_in_front_of_a_wall_is_lifted_and_a_rim_on_the_wall_is_not() -> None:
    """Every pixel of a 2-pixel pole is on its mask's rim, on a depth jump: eroding the rim would drop the pole
    whole. It stands in front of all around it, so it stays; a mask bleeding one pixel onto the wall does not."""
    depth = np.full((80, 60), 5.0)
    depth[10:70, 29:31] = 4.0  # the pole, 2 pixels wide, a metre before the wall
    K, pose = np.array([[100.0, 0, 30], [0, 100.0, 40], [0, 0, 1]]), np.eye(4)
    pole = np.zeros((80, 60), bool)
    pole[10:70, 29:31] = True
    points, _ = lift_instance(pole, depth, K, pose, depth_edges(depth), 1)
    assert len(points) >= 100 and np.allclose(points[:, 2], 4.0)
    bled = pole.copy()
    bled[10:70, 28] = True  # one column of wall inside the mask
    points, _ = lift_instance(bled, depth, K, pose, depth_edges(depth), 1)
    assert len(points) >= 50 and np.allclose(points[:, 2], 4.0)  # 3 pixels wide now: its rim eroded, its middle kept


def test_a_missing_instance_map_is_one_line_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    from reasmory.errors import InputError
    from reasmory.memory.grounding.sources import read_id_map

    with pytest.raises(InputError) as caught:
        read_id_map(tmp_path / "00000.png")
    line = caught.value.one_line()
    assert "00000.png" in line and "reasmory synth" in line and "\n" not in line
