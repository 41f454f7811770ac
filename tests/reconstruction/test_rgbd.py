"""RGB-D folders: the three layouts, exact poses, fused points on the depth surfaces."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.spatial import cKDTree

from reasmory.errors import InputError
from reasmory.memory.reconstruction import build_memory
from reasmory.memory.reconstruction.backends.rgbd import RGBDConfig
from reasmory.memory.reconstruction.frames import Sampling, load_frames
from reasmory.memory.reconstruction.layouts import ColorDepthPosesLayout, ManifestLayout, SynthLayout, detect_layout, load_rgbd
from tests.reconstruction.conftest import manifest_scene


def _given_poses(root: Path) -> dict[str, np.ndarray]:
    return {p["frame"]: np.array(p["cam_to_world"]) for p in json.loads((root / "poses.json").read_text())}


def _backprojected(frames) -> np.ndarray:
    """Every valid depth pixel of every frame in the world (written out here, independently of the backend)."""
    out = []
    for f in frames:
        v, u = np.nonzero(f.depth > 0)
        z = f.depth[v, u].astype(np.float64)
        cam = np.stack([(u - f.K[0, 2]) * z / f.K[0, 0], (v - f.K[1, 2]) * z / f.K[1, 1], z], axis=1)
        out.append(cam @ f.pose[:3, :3].T + f.pose[:3, 3])
    return np.concatenate(out)


def test_livingroom_loader_reads_the_given_cameras_and_metric_depth(livingroom: Path) -> None:
    assert detect_layout(livingroom) is ColorDepthPosesLayout
    frames = load_rgbd(livingroom, ColorDepthPosesLayout, Sampling(stride=10), progress=False)
    given = _given_poses(livingroom)
    assert len(frames) == 8 and frames.available == 71 and frames.has_depth and frames.has_cameras
    for f in frames.frames:
        assert np.array_equal(f.pose, given[Path(f.reference).stem])
        assert np.array_equal(f.K, [[525, 0, 319.5], [0, 525, 239.5], [0, 0, 1]])
        valid = f.depth[f.depth > 0]
        assert f.depth.dtype == np.float32 and 0.69 <= valid.min() and valid.max() <= 3.39


def test_fused_points_lie_on_the_depth_surfaces_and_poses_are_kept(livingroom: Path) -> None:
    frames = load_rgbd(livingroom, ColorDepthPosesLayout, Sampling(stride=8), progress=False)
    rec = RGBDConfig().setup().reconstruct(frames, progress=False)
    assert not rec.up_to_scale and rec.registered == len(frames) == 9
    for out, f in zip(rec.frames, frames.frames, strict=True):
        assert np.array_equal(out.pose_array, f.pose) and out.index == f.index
    distance, _ = cKDTree(_backprojected(frames.frames)).query(rec.points.xyz)
    assert len(rec.points) > 100_000
    assert distance.max() < 0.02, f"worst fused point is {distance.max():.3f} m off the depth"
    assert set(np.unique(rec.points.frame)) <= {f.index for f in frames.frames}
    assert rec.depth.shape == (9, 480, 640)


def test_memory_poses_are_the_given_ones_moved_by_the_recorded_world_transform(livingroom: Path, tmp_path: Path) -> None:
    memory = build_memory(livingroom, "rgbd", cache_dir=tmp_path, stride=12, progress=False)
    given = _given_poses(livingroom)
    world = memory.arrays.extra["world_from_reconstruction"]
    assert np.allclose(world[:3, :3] @ world[:3, :3].T, np.eye(3))  # rigid: metric input is not rescaled
    for f in memory.frames:
        assert np.allclose(f.pose_array, world @ given[Path(f.image).stem], atol=1e-9)
    assert memory.scene.scale.factor == 1.0 and memory.scene.scale.method == "metric input (rgbd)"
    assert abs(np.percentile(memory.points.xyz[:, 2], 1)) < 0.02  # the floor is at z = 0
    unrotated = build_memory(livingroom, "rgbd", use_cache=False, stride=12, gravity="off", progress=False)
    assert all(np.array_equal(f.pose_array, given[Path(f.image).stem]) for f in unrotated.frames)


def test_generic_manifest_layout(tmp_path: Path) -> None:
    root = manifest_scene(tmp_path / "scene")
    assert detect_layout(root) is ManifestLayout
    frames = load_rgbd(root, ManifestLayout, progress=False)
    assert [f.timestamp for f in frames.frames] == pytest.approx([0, 1 / 30, 2 / 30])
    assert np.allclose(frames.frames[2].pose[:3, 3], [0.2, 0, 0]) and np.all(frames.frames[0].depth == 2.0)
    rec = RGBDConfig(pixel_stride=1).setup().reconstruct(frames, progress=False)
    assert np.allclose(rec.points.xyz[:, 2], 2.0, atol=1e-5)


def test_manifest_errors_name_the_problem(tmp_path: Path) -> None:
    root = manifest_scene(tmp_path / "scene")
    data = json.loads((root / "rgbd.json").read_text())
    data["frames"][1]["cam_to_world"][0][0] = 3.0
    (root / "rgbd.json").write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"pose of frame 1 \(rgb/1.png\) is not a rigid transform"):
        load_rgbd(root, ManifestLayout)
    data["frames"][1]["cam_to_world"][0][0] = 1.0
    (root / "rgbd.json").write_text(json.dumps(data))
    Image.fromarray(np.full((10, 10), 5, np.uint16)).save(root / "d" / "2.png")
    with pytest.raises(InputError, match="is 10×10 but its image is 40×30"):
        load_rgbd(root, ManifestLayout)
    (root / "d" / "2.png").unlink()
    with pytest.raises(InputError, match="no depth map at"):
        load_rgbd(root, ManifestLayout)
    (root / "rgbd.json").write_text(json.dumps({"frames": []}))
    with pytest.raises(InputError, match="rgbd.json' is not valid: frames"):
        load_rgbd(root, ManifestLayout)


def test_synthetic_scene_folders_keep_their_gravity_aligned_world(synth_scene: Path, tmp_path: Path) -> None:
    assert detect_layout(synth_scene) is SynthLayout
    memory = build_memory(synth_scene, cache_dir=tmp_path, progress=False)
    cameras = json.loads((synth_scene / "cameras.json").read_text())
    assert memory.provenance.backend == "rgbd" and len(memory.frames) == len(cameras["frames"])
    for f, given in zip(memory.frames, cameras["frames"], strict=True):
        assert np.array_equal(f.pose_array, np.array(given["pose"]))
    assert abs(np.percentile(memory.points.xyz[:, 2], 0.5)) < 0.01
    estimated = build_memory(synth_scene, use_cache=False, gravity="estimate", progress=False)
    world = estimated.arrays.extra["world_from_reconstruction"]
    tilt = np.degrees(np.arccos(np.clip(world[2, 2], -1, 1)))
    assert tilt < 1.0 and abs(world[2, 3]) < 0.02, "gravity estimated on a z-up scene should change next to nothing"


def test_rgbd_backend_refuses_plain_images(tmp_path: Path) -> None:
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "a.png")
    with pytest.raises(InputError, match="needs depth maps, intrinsics and poses"):
        RGBDConfig().setup().reconstruct(load_frames(tmp_path))


def test_tsdf_fusion_gives_surface_points(livingroom: Path) -> None:
    frames = load_rgbd(livingroom, ColorDepthPosesLayout, Sampling(frames=4), progress=False)
    rec = RGBDConfig(tsdf=True, voxel_size=0.02, sdf_trunc=0.06).setup().reconstruct(frames, progress=False)
    distance, _ = cKDTree(_backprojected(frames.frames)).query(rec.points.xyz)
    assert len(rec.points) > 2_000 and np.percentile(distance, 99) < 0.03
