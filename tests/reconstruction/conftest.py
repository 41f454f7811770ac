"""Fixtures for the build tests: real data from ../shared (skipped when absent), tiny generated inputs."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import SHARED, require

DATA = SHARED / "data"


@pytest.fixture(scope="session")
def livingroom() -> Path:
    """livingroom1_micro: 71 RGB-D frames with intrinsics and camera-to-world poses."""
    return require(DATA / "livingroom1_micro")


@pytest.fixture(scope="session")
def kitchen() -> Path:
    """kitchen_25: 25 photos of a table scene, no cameras."""
    return require(DATA / "kitchen_25")


@pytest.fixture(scope="session")
def synth_scene(make_synth_scene: Callable[..., Path]) -> Path:
    """A `reasmory synth` folder: 10 frames at 160×120 (about a second)."""
    return make_synth_scene(5, 10)


def write_video(path: Path, frames: int = 20, size: tuple[int, int] = (64, 48), fps: int = 10, codec: str = "libx264") -> Path:
    """A video whose frame i is filled with grey level 10·i (PyAV; H.264 unless told)."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        container.start_encoding()
        for i in range(frames):
            image = np.full((size[1], size[0], 3), 10 * i, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def manifest_scene(root: Path, frames: int = 3) -> Path:
    """A flat wall 2 m in front of cameras stepping sideways, in the generic rgbd.json layout."""
    (root / "rgb").mkdir(parents=True)
    (root / "d").mkdir()
    entries = []
    for i in range(frames):
        Image.fromarray(np.full((30, 40, 3), 100 + i, np.uint8)).save(root / "rgb" / f"{i}.png")
        Image.fromarray(np.full((30, 40), 2000, np.uint16)).save(root / "d" / f"{i}.png")
        pose = np.eye(4)
        pose[0, 3] = 0.1 * i
        entries.append({"image": f"rgb/{i}.png", "depth": f"d/{i}.png", "cam_to_world": pose.tolist(), "timestamp": i / 30})
    manifest = {"intrinsics": {"fx": 40, "fy": 40, "cx": 19.5, "cy": 14.5}, "depth_scale": 1000, "frames": entries}
    (root / "rgbd.json").write_text(json.dumps(manifest))
    return root
