"""A few photos as one source: "from image 2" questions about a 3-photo set built with VGGT.

The three photos are the frames of a synthetic room. A stand-in `vggt` package answers in VGGT's documented
output format (tests/reconstruction/vggt_stub.py) with the room's true cameras and depth, expressed in the first
camera's frame at an arbitrary scale, as VGGT predicts them; the objects come from the room's instance masks. The
answer is compared with the same question answered on the room's ground-truth memory.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from reasmory.errors import InputError
from reasmory.interpreter import run
from reasmory.memory.oracle import from_scene
from reasmory.memory.reconstruction.backends import vggt_geometry as geo
from reasmory.memory.reconstruction.frames import read_image

from reasmory.answering import answer
from reasmory.answering.prompt import GUIDE
from reasmory.synth.writer import read_depth
from tests.reconstruction.vggt_stub import encode, install

from .conftest import MaskPrompts, ScriptedServer

torch = pytest.importorskip("torch")
SCALE = 0.37  # VGGT's units: the scene up to an unknown scale


@pytest.fixture(scope="module")
def room(make_synth_scene: Callable[..., Path]) -> Path:
    return make_synth_scene(1, 3)


def photos(room: Path) -> list[Path]:
    return [room / f["image"] for f in json.loads((room / "cameras.json").read_text())["frames"]]


def stand_in_vggt(monkeypatch: pytest.MonkeyPatch, room: Path) -> type:
    """VGGT answering with the room's truth: it knows each photo by its pixels, as VGGT sees it after preprocessing."""
    cameras = json.loads((room / "cameras.json").read_text())
    poses = np.array([f["pose"] for f in cameras["frames"]], np.float64)
    depths = [read_depth(room / f["depth"]) for f in cameras["frames"]]
    grid = geo.model_grid(cameras["width"], cameras["height"])
    seen = np.stack([geo.preprocess(read_image(p), grid) for p in photos(room)])
    to_model = np.array([[grid.sx, 0, grid.ox], [0, grid.sy, grid.oy], [0, 0, 1.0]])
    K_model = to_model @ np.array(cameras["K"], np.float64)
    rows = np.clip(np.round((np.arange(grid.height) - grid.oy) / grid.sy), 0, cameras["height"] - 1).astype(int)
    cols = np.clip(np.round((np.arange(grid.width) - grid.ox) / grid.sx), 0, cameras["width"] - 1).astype(int)

    def forward(images: torch.Tensor) -> dict[str, torch.Tensor]:
        ids = [int(np.argmin(((seen - im.numpy()) ** 2).sum(axis=(1, 2, 3)))) for im in images]
        rel = np.linalg.inv(poses[ids[0]]) @ poses[ids]
        rel[:, :3, 3] *= SCALE
        hw = tuple(images.shape[-2:])
        depth = np.stack([depths[i][np.ix_(rows, cols)] * SCALE for i in ids]).astype(np.float32)
        return {"pose_enc": torch.tensor(np.stack([encode(p, K_model, hw) for p in rel])[None], dtype=torch.float32),
                "depth": torch.from_numpy(depth[None, ..., None]),
                "depth_conf": torch.from_numpy(np.where(depth > 0, 5.0, 1.0).astype(np.float32)[None])}

    return install(monkeypatch, forward)


def clear_target(room: Path) -> tuple[str, str]:
    """A label with one object, seen in a photo, plainly on one side from image 2's camera and plainly on the other
    from another photo's (taking the wrong view gives the wrong answer), and its side from image 2, on the truth."""
    truth = from_scene(room / "scene.json")
    counts = {label: n for label, n in truth.label_counts().items() if any(o.frames for o in truth.find(label))}

    def plain(angle: float) -> bool:
        return 30 <= abs(angle) <= 150

    for label in sorted(counts):
        angles = [float(run(f'answer(angle(object("{label}"), viewer=camera({k})))', truth).value) for k in range(3)]
        if counts[label] == 1 and plain(angles[1]) and any(plain(a) and a * angles[1] < 0 for a in (angles[0], angles[2])):
            return label, "left" if angles[1] > 0 else "right"
    raise AssertionError("no object is plainly left or right of camera 1 and on the other side from another camera")


def test_a_question_from_image_2_is_answered_on_a_memory_built_from_three_photos(
        room: Path, monkeypatch: pytest.MonkeyPatch, server: ScriptedServer, vlm: dict[str, Any]) -> None:
    model = stand_in_vggt(monkeypatch, room)
    label, side = clear_target(room)
    question = f"From the viewpoint presented in image 2, is the {label} to my left or to my right?"
    program = f'answer(choose(direction(object("{label}"), viewer=camera(1), granularity="lr"), options))'
    server.script(program)
    result = answer([str(p) for p in photos(room)], question, ["A. left", "B. right"], generator="vlm",
                    grounder=MaskPrompts(room), **vlm)
    assert result.answer == {"left": "A", "right": "B"}[side]
    memory = result.memory
    assert memory.provenance.backend == "vggt" and len(memory.frames) == 3 and model.loads == 1
    assert memory.has_label(label) and [f.image for f in memory.frames] == [str(p) for p in photos(room)]
    user = server.requests[0]["messages"][1]["content"]
    assert "Frames: 3 (camera(0) … camera(2))" in user and question in user
    assert "image 1 (the first view) is camera(0) and image k is camera(k-1)" in GUIDE
    assert GUIDE in server.requests[0]["messages"][0]["content"]


def test_other_backends_refuse_a_few_photos_naming_vggt(room: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reasmory.memory.reconstruction.pipeline import build_memory

    sources = [str(p) for p in photos(room)]
    with pytest.raises(InputError, match="sfm backend cannot give each of 3 photos a camera") as err:
        build_memory(sources, "sfm", cache_dir=tmp_path)
    assert "--backend vggt" in (err.value.hint or "")
    monkeypatch.setitem(__import__("sys").modules, "vggt", None)  # vggt not installed: auto cannot help either
    with pytest.raises(InputError, match="3 photos need the vggt backend") as err:
        build_memory(sources, "auto", cache_dir=tmp_path)
    assert "pip install \"vggt @ git+" in (err.value.hint or "") and "--backend sfm" not in (err.value.hint or "")
