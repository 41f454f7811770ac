"""Structure-from-motion with pycolmap: real sequences, registration counts, a clear refusal."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reasmory.errors import InputError
from reasmory.memory.reconstruction import build_memory
from reasmory.memory.reconstruction.backends.sfm import SfmConfig
from reasmory.memory.reconstruction.evaluation import trajectory_error
from reasmory.memory.reconstruction.frames import Sampling, load_frames


@pytest.mark.slow
def test_livingroom_rgb_only_matches_the_given_trajectory(livingroom: Path) -> None:
    memory = build_memory(livingroom / "color", "sfm", use_cache=False, stride=3, progress=False)
    given = {p["frame"]: np.array(p["cam_to_world"]) for p in json.loads((livingroom / "poses.json").read_text())}
    assert len(memory.frames) >= 22, memory.provenance.notes
    err = trajectory_error([f.pose_array for f in memory.frames], [given[Path(f.image).stem] for f in memory.frames])
    assert err.position_rmse < 0.05 and err.rotation_median_deg < 2.0, err
    assert memory.scene.scale.method.startswith("camera-height prior")
    assert memory.frames[0].K_array[0, 0] == pytest.approx(525, rel=0.1)  # focal length estimated, not given
    heights = [f.position[2] for f in memory.frames]
    assert np.median(heights) == pytest.approx(1.5, rel=0.05) and np.percentile(memory.points.xyz[:, 2], 5) > -0.1


@pytest.mark.slow
def test_kitchen_photos_register(kitchen: Path) -> None:
    rec = SfmConfig().setup().reconstruct(load_frames(kitchen, progress=False), progress=False)
    assert rec.registered >= 20 and rec.up_to_scale and len(rec.points) > 500
    assert "exhaustive matching" in rec.notes[0]
    for f in rec.frames:
        assert np.allclose(f.pose_array[:3, :3] @ f.pose_array[:3, :3].T, np.eye(3), atol=1e-6)


def test_unrelated_images_are_refused_with_a_hint(tmp_path: Path) -> None:
    from PIL import Image

    rng = np.random.default_rng(0)
    for i in range(4):
        Image.fromarray(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)).save(tmp_path / f"{i}.png")
    with pytest.raises(InputError, match=r"registered only \d of 4 frames \(needs 3\)") as err:
        SfmConfig().setup().reconstruct(load_frames(tmp_path), progress=False)
    assert "more overlap" in err.value.hint


def test_known_intrinsics_are_kept_fixed(livingroom: Path) -> None:
    from reasmory.memory.reconstruction.layouts import ColorDepthPosesLayout, load_rgbd

    frames = load_rgbd(livingroom, ColorDepthPosesLayout, Sampling(frames=8), progress=False)
    frames.frames[:] = frames.frames[:6]  # six neighbouring-enough frames keep this quick
    rec = SfmConfig(matching="sequential").setup().reconstruct(frames, progress=False)
    assert rec.registered >= 3
    assert all(np.allclose(f.K_array, frames.frames[0].K) for f in rec.frames)
