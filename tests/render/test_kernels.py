"""The compiled CPU drawing (kernels.py) draws what the torch ops draw (`view._draw`); its growing and hole filling
are tested beside torch's in test_splat.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from reasmory.memory import PointCloud, SpatialMemory
from reasmory.memory.render import RenderCamera, kernels, render_cloud, view
from reasmory.memory.render.splat import EMPTY

from tests.render.conftest import backproject

#: The bits of a key below its depth: the point's radius and index.
_INDEX_AND_RADIUS = (1 << 32) - 1


def _key_images(memory: SpatialMemory, camera: RenderCamera, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """The finished key images of the compiled and the torch drawing of the same pieces."""
    cloud = render_cloud(memory)
    projection = camera.projection()
    P = torch.as_tensor(projection, dtype=torch.float32)
    pieces = view._pieces(cloud, camera, projection, (), view.object_bias(cloud, mode))
    compiled, reference = (view._draw_pieces(cloud, P, camera, pieces, compiled=flag).finish().numpy()
                           for flag in (True, False))
    return compiled, reference


def _assert_same_drawing(compiled: np.ndarray, reference: np.ndarray, covered: float = 0.3) -> None:
    """The same nearest point nearly everywhere, at the same depth to float32 rounding: both compute each depth and
    pixel in float32, in orders that may round the last bit apart, a point onto the next pixel or a tie the other
    way."""
    assert (reference != EMPTY).mean() > covered  # a picture, not an empty frame
    point = lambda keys: keys & _INDEX_AND_RADIUS  # noqa: E731
    depth = lambda keys: (keys >> 32).astype(np.int32).view(np.float32)  # noqa: E731
    same = point(compiled) == point(reference)
    assert same.mean() > 0.999, f"{(~same).sum()} of {same.size} pixels show another point"
    assert np.allclose(depth(compiled[same]), depth(reference[same]), rtol=1e-5, equal_nan=True)  # (EMPTY: NaN)
    other = ~same & (compiled != EMPTY) & (reference != EMPTY)
    assert np.allclose(depth(compiled[other]), depth(reference[other]), rtol=0.05)


@pytest.mark.parametrize("mode", ["rgb", "semantic"])
def test_points_of_a_reconstruction_are_drawn_as_torch_draws_them(synth_folder: Path, oracle: SpatialMemory,
                                                                   mode: str) -> None:
    memory = backproject(synth_folder, oracle, [0, 3, 6])
    for k in (1, 5):
        _assert_same_drawing(*_key_images(memory, RenderCamera.from_frame(memory.frames[k]), mode))


def test_a_camera_among_the_boxes_draws_near_and_wide_splats_as_torch_does(oracle: SpatialMemory) -> None:
    box = oracle.objects[0].box
    camera = RenderCamera.looking(np.array([*box.c[:2], 1.2]) + [0.3, 0.0, 0.0], np.pi, 160, 120)
    cloud = render_cloud(oracle)
    projection = camera.projection()
    pieces = view._pieces(cloud, camera, projection, (), 0.0)
    assert any(piece.near_plane for piece in pieces)  # points in front of and behind the near plane
    zbuffer = view._draw_pieces(cloud, torch.as_tensor(projection, dtype=torch.float32), camera, pieces, compiled=True)
    assert zbuffer.wide  # splats too wide to grow at full resolution
    _assert_same_drawing(*_key_images(oracle, camera, "rgb"))


def test_the_dots_of_a_sparse_memory_are_drawn_as_torch_draws_them(synth_folder: Path, oracle: SpatialMemory) -> None:
    dense = backproject(synth_folder, oracle, [0, 3, 6])
    keep = np.random.default_rng(0).random(len(dense.points.xyz)) < 0.002
    sparse = SpatialMemory(frames=dense.frames, points=PointCloud.from_xyz(dense.points.xyz[keep],
                                                                           dense.points.rgb[keep]), objects=[])
    assert render_cloud(sparse).sparse
    _assert_same_drawing(*_key_images(sparse, RenderCamera.from_frame(sparse.frames[0]), "rgb"), covered=0.02)


def test_a_piece_larger_than_its_scratch_is_refused() -> None:
    scratch = kernels.Scratch.of_size(4)
    with pytest.raises(ValueError, match="larger than its scratch"):
        kernels.draw_runs(view.ZBuffer(8, 8, torch.device("cpu")), np.zeros((3, 10), np.float32),
                          np.ones(10, np.float32), np.eye(3, 4, dtype=np.float32), np.array([[0, 3], [5, 10]]),
                          np.ones(2, np.float32), 0.0, 0.05, False, None, scratch)


def test_runs_longer_than_a_stretch_draw_every_point() -> None:
    """Points past the first stretch of a run are drawn, each at its own pixel, with its own index."""
    n = 3 * kernels.STRETCH + 5
    zbuffer = view.ZBuffer(n, 1, torch.device("cpu"))
    xyz = np.stack([np.arange(n, dtype=np.float32), np.zeros(n, np.float32), np.ones(n, np.float32)])
    projection = view._shifted(torch.eye(3, 4), zbuffer.shift).numpy()
    kernels.draw_runs(zbuffer, xyz, np.zeros(n, np.float32), projection, np.array([[0, n]]), np.ones(1, np.float32),
                      0.0, 0.05, False, None, kernels.Scratch.of_size(n))
    keys = zbuffer.finish().numpy()[0]
    assert ((keys & ((1 << 27) - 1)) == np.arange(n)).all()


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_pixels_gather_the_rows_torch_gathers(dtype: torch.dtype) -> None:
    rng = np.random.default_rng(2)
    values = torch.from_numpy(rng.integers(0, 255, (500, 3))).to(dtype)
    for index in (rng.integers(-1, 500, 4000), np.full(10, -1), np.array([7, -1, 3])):
        (compiled, extremes), (reference, expected) = (view._gather(values, index, compiled=flag) for flag in (True, False))
        assert np.array_equal(compiled, reference) and extremes == expected
        assert (compiled[index < 0] == 0).all()
