"""VGGT: our conversion of its outputs (checked against ground truth encoded in its format), and the missing-package message.

The encoder (vggt_stub.encode) is written from VGGT's documented format (pose_enc.py): translation of
the camera-from-world extrinsic, quaternion x-y-z-w (scipy's order), vertical then horizontal field
of view; it shares no code with the decoder under test.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from reasmory.errors import InputError
from reasmory.memory.reconstruction.backends import vggt_geometry as geo
from reasmory.memory.reconstruction.backends.vggt import INSTALL, VggtConfig
from reasmory.memory.reconstruction.frames import FrameSet, InputFrame
from reasmory.memory.reconstruction.synthetic import random_rotation

from .vggt_stub import encode, install


def _random_pose(rng: np.random.Generator) -> np.ndarray:
    pose = np.eye(4)
    pose[:3, :3], pose[:3, 3] = random_rotation(rng), rng.normal(0, 2, 3)
    return pose


def test_pose_encoding_decodes_to_our_camera_to_world_poses() -> None:
    rng = np.random.default_rng(0)
    hw = (392, 518)
    poses = [_random_pose(rng) for _ in range(20)]
    Ks = [np.array([[f, 0, 259.0], [0, f * 1.02, 196.0], [0, 0, 1]]) for f in rng.uniform(200, 800, 20)]
    extrinsic, K = geo.decode_pose_encoding(np.stack([encode(p, k, hw) for p, k in zip(poses, Ks)]), hw)
    assert np.allclose(geo.camera_to_world(extrinsic), np.stack(poses), atol=1e-9)
    assert np.allclose(K, np.stack(Ks), atol=1e-9)


def test_quaternions_are_scalar_last_and_sign_and_norm_free() -> None:
    quarter_turn_about_z = np.array([0, 0, math.sin(math.pi / 4), math.cos(math.pi / 4)])
    assert np.allclose(geo.quaternion_xyzw_to_matrix(quarter_turn_about_z), [[0, -1, 0], [1, 0, 0], [0, 0, 1]])
    q = np.random.default_rng(1).normal(size=(5, 4))
    assert np.allclose(geo.quaternion_xyzw_to_matrix(q), geo.quaternion_xyzw_to_matrix(-3 * q))
    assert np.allclose(geo.quaternion_xyzw_to_matrix(q), Rotation.from_quat(q).as_matrix())


@pytest.mark.parametrize(("size", "model", "crop"), [((640, 480), (518, 392), 0), ((480, 640), (518, 518), 84)])
def test_preprocessing_grid_and_intrinsics_back_to_input_pixels(size: tuple[int, int], model: tuple[int, int], crop: int) -> None:
    grid = geo.model_grid(*size)
    assert (grid.width, grid.height) == model
    image = np.random.default_rng(2).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    assert geo.preprocess(image, grid).shape == (3, model[1], model[0])
    K_model = np.array([[450.0, 0, model[0] / 2], [0, 450.0, model[1] / 2], [0, 0, 1]])
    K_input = grid.input_intrinsics(K_model)
    point = np.array([0.3, -0.2, 2.0])
    u, v = (K_input @ point)[:2] / point[2]
    u_model, v_model = (K_model @ point)[:2] / point[2]
    assert u_model == pytest.approx(grid.sx * u + grid.ox) and v_model == pytest.approx(grid.sy * v + grid.oy)
    assert grid.oy == pytest.approx(0.5 * (grid.sy - 1) - crop)


def test_depth_maps_come_back_at_input_size_with_cropped_rows_unknown() -> None:
    grid = geo.model_grid(480, 640)
    model = np.arange(grid.height * grid.width, dtype=np.float32).reshape(grid.height, grid.width) + 1
    full = grid.to_input(model, 480, 640)
    assert full.shape == (640, 480)
    assert np.all(full[:50] == 0) and np.all(full[-50:] == 0) and np.all(full[100:540] > 0)


def test_chunks_share_frame_zero_and_merge_in_one_scale() -> None:
    assert geo.chunks(5, 8) == [[0, 1, 2, 3, 4]]
    assert geo.chunks(8, 3) == [[0, 1, 2], [0, 3, 4], [0, 5, 6], [0, 7]]
    rng = np.random.default_rng(3)
    truth = np.stack([np.eye(4)] + [_random_pose(rng) for _ in range(3)])
    depth = rng.uniform(1, 3, (4, 6, 8)).astype(np.float32)
    seen = truth.copy()
    seen[:, :3, 3] *= 0.4  # a later pass predicts the same cameras at 0.4× the scale
    assert geo.anchor_scale(depth[0], depth[0] * 0.4, np.ones((6, 8)), np.ones((6, 8))) == pytest.approx(2.5)
    poses, merged = geo.merge_chunk(seen, depth * 0.4, truth[0], 2.5)
    assert np.allclose(poses, truth) and np.allclose(merged, depth)


def test_missing_vggt_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "vggt", None)
    frame = InputFrame(0, 0, 0.0, "x.png", np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(InputError) as err:
        VggtConfig().setup().reconstruct(FrameSet([frame], "x", "list", 1))
    assert "not installed" in err.value.message and INSTALL in err.value.hint
    assert "vggt @ git+https://github.com/facebookresearch/vggt" in VggtConfig.available()


def _fake_vggt(monkeypatch: pytest.MonkeyPatch, poses: np.ndarray, K_model: np.ndarray, depth: float, scales: list[float]) -> None:
    """A stand-in `vggt` package whose model answers with ground truth encoded in VGGT's format.

    It knows frame i by its red level (20·i), expresses cameras in the pass's first camera
    and multiplies each pass's translations and depths by the next entry of `scales`.
    """
    import torch

    def forward(images: torch.Tensor) -> dict[str, torch.Tensor]:
        ids = [int(round(float(im[0, 0, 0]) * 255 / 20)) for im in images]
        s, hw = scales.pop(0), tuple(images.shape[-2:])
        rel = np.linalg.inv(poses[ids[0]]) @ poses[ids]
        rel[:, :3, 3] *= s
        enc = np.stack([encode(p, K_model, hw) for p in rel])
        full = np.full((1, len(ids), *hw, 1), depth * s, np.float32)
        return {"pose_enc": torch.tensor(enc[None], dtype=torch.float32), "depth": torch.from_numpy(full),
                "depth_conf": torch.full((1, len(ids), *hw), 3.0)}

    install(monkeypatch, forward)


def test_vggt_backend_end_to_end_with_a_stand_in_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    width, height, n = 64, 48, 7
    grid = geo.model_grid(width, height)
    K_model = np.array([[300.0, 0, grid.width / 2], [0, 300.0, grid.height / 2], [0, 0, 1]])
    poses = np.stack([np.eye(4)] + [_random_pose(rng) for _ in range(n - 1)])
    scales = [1.0, 0.5, 3.0]
    _fake_vggt(monkeypatch, poses, K_model, depth=2.0, scales=scales)
    frames = [InputFrame(i, i, i / 10, f"f{i}", np.full((height, width, 3), 20 * i, np.uint8)) for i in range(n)]
    rec = VggtConfig(chunk_size=3, device="cpu").setup().reconstruct(FrameSet(frames, "fake", "list", n), progress=False)
    assert rec.up_to_scale and rec.registered == n
    assert np.allclose(np.stack([f.pose_array for f in rec.frames]), poses, atol=1e-4)
    assert np.allclose(rec.frames[3].K_array, grid.input_intrinsics(K_model), atol=1e-4)
    assert rec.depth.shape == (n, height, width) and np.allclose(rec.depth, 2.0, atol=1e-5)
    assert np.allclose(rec.confidence, 1 - 1 / 3, atol=1e-6)
    assert "3 pass(es) on cpu (float32)" in rec.notes[0]
    scales += [1.0, 1.0, 1.0]
    VggtConfig(chunk_size=3, device="cpu").setup().reconstruct(FrameSet(frames, "fake", "list", n), progress=False)
    assert sys.modules["vggt.models.vggt"].VGGT.loads == 1  # the second build reuses the loaded model
