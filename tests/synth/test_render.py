"""Rendered depth and instance maps agree with the meshes and boxes; the folder holds what the docs say."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import open3d as o3d
import pytest
from PIL import Image

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.oracle import from_scene
from reasmory.synth.mesh import object_mesh, room_meshes
from reasmory.synth.pipeline import SynthResult
from reasmory.synth.writer import read_depth, read_instances


def _cameras(folder: Path) -> dict:
    return json.loads((folder / "cameras.json").read_text())


def _back_project(depth: np.ndarray, K: np.ndarray, pose: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World points of the pixels with depth, and the mask of those pixels."""
    v, u = np.nonzero(depth > 0)
    z = depth[v, u].astype(np.float64)
    cam = np.stack([(u - K[0, 2]) / K[0, 0] * z, (v - K[1, 2]) / K[1, 1] * z, z], axis=1)
    return cam @ pose[:3, :3].T + pose[:3, 3], depth > 0


def _distance_scene(result: SynthResult) -> o3d.t.geometry.RaycastingScene:
    rc = o3d.t.geometry.RaycastingScene()
    meshes = [*room_meshes(result.scene.room).values(), *(object_mesh(o) for o in result.scene.objects)]
    for verts, tris in meshes:
        rc.add_triangles(o3d.core.Tensor(verts.astype(np.float32)), o3d.core.Tensor(tris.astype(np.uint32)))
    return rc


def test_folder_holds_every_documented_file(small_folder: Path) -> None:
    cams = _cameras(small_folder)
    for name in ("video.mp4", "cameras.json", "scene.json", "questions.jsonl", "preview.png"):
        assert (small_folder / name).is_file(), name
    for frame in cams["frames"]:
        for key in ("image", "depth", "instances"):
            assert (small_folder / frame[key]).is_file()
    assert Image.open(small_folder / cams["frames"][0]["image"]).size == (160, 120)
    assert np.asarray(Image.open(small_folder / cams["frames"][0]["depth"])).dtype == np.uint16


def test_video_has_every_frame_at_the_right_size(small_folder: Path) -> None:
    import av

    with av.open(str(small_folder / "video.mp4")) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == len(_cameras(small_folder)["frames"])
    assert frames[0].shape == (120, 160, 3)


def test_depth_points_lie_on_the_mesh_surface_within_1mm(small_scene: SynthResult, small_folder: Path) -> None:
    cams = _cameras(small_folder)
    rc = _distance_scene(small_scene)
    K = np.asarray(cams["K"])
    for frame in cams["frames"][::3]:
        depth = read_depth(small_folder / frame["depth"])
        pts, mask = _back_project(depth, K, np.asarray(frame["pose"]))
        assert mask.mean() > 0.99  # a closed room: every ray hits something
        dist = rc.compute_distance(o3d.core.Tensor(pts.astype(np.float32))).numpy()
        assert dist.max() < 1e-3


def test_instance_pixels_lie_in_their_objects_boxes(small_scene: SynthResult, small_folder: Path) -> None:
    cams = _cameras(small_folder)
    boxes = {o.id: OrientedBox.from_yaw(o.center, o.extents, o.yaw) for o in small_scene.scene.objects}
    K = np.asarray(cams["K"])
    seen = set()
    for frame in cams["frames"]:
        depth = read_depth(small_folder / frame["depth"])
        ids = read_instances(small_folder / frame["instances"])
        pts, mask = _back_project(depth, K, np.asarray(frame["pose"]))
        for obj_id in np.unique(ids[ids >= 0]):
            inside = boxes[int(obj_id)].contains(pts[ids[mask] == obj_id], margin=2e-3)
            assert inside.all(), f"object {obj_id}: {np.count_nonzero(~inside)} pixels outside its box"
            seen.add(int(obj_id))
    assert len(seen) >= 5


def test_scene_json_frames_come_from_the_instance_maps(small_folder: Path) -> None:
    cams = _cameras(small_folder)
    scene = json.loads((small_folder / "scene.json").read_text())
    counts = np.stack([np.bincount(read_instances(small_folder / f["instances"]).ravel() + 1,
                                   minlength=len(scene["objects"]) + 1)[1:] for f in cams["frames"]])
    for obj in scene["objects"]:
        expected = np.flatnonzero(counts[:, obj["id"]] >= cams["min_visible_pixels"]).tolist()
        assert obj["frames"] == expected


def test_oracle_memory_from_scene_json(small_scene: SynthResult, small_folder: Path) -> None:
    memory = from_scene(small_folder / "scene.json")
    assert len(memory.objects) == len(small_scene.scene.objects)
    assert len(memory.frames) == 12
    assert memory.room_area() == pytest.approx(small_scene.scene.room.area, rel=1e-4)
    sofa_or_bed = [o for o in memory.objects if o.label in ("sofa", "bed", "table")]
    assert sofa_or_bed and all(o.box.is_gravity_aligned for o in memory.objects)
    frame = memory.frames[5]
    np.testing.assert_allclose(frame.pose_array, _cameras(small_folder)["frames"][5]["pose"])


def test_rgb_is_textured_not_flat(small_folder: Path) -> None:
    rgb = np.asarray(Image.open(small_folder / "frames" / "00000.jpg")).astype(np.float64)
    assert rgb.std() > 20 and np.abs(np.diff(rgb, axis=1)).mean() > 3
