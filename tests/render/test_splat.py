"""The z-buffer: nearest point wins, splats are squares of the radius their spacing asks for, holes close."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch

from reasmory.memory.render import splat
from reasmory.memory.render import kernels
from reasmory.memory.render.splat import (COVER, EMPTY, INDEX_BITS, LEVEL_RADIUS, ZBuffer, _fill_holes_torch, _grow,
                                          _grow_torch, fill_holes, pack, unpack, unpack_depth, unpack_index)


def _draw(points: list[tuple[float, float, float, float]], width: int = 64, height: int = 48,
          compiled: bool = True) -> np.ndarray:
    """(u, v, depth, footprint) per point → (H, W) winning point index, −1 none; wide squares drawn by the compiled
    kernel or torch ops."""
    u, v, depth, footprint = (torch.tensor(c, dtype=torch.float32) for c in zip(*points))
    zbuffer = ZBuffer(width, height, torch.device("cpu"))
    zbuffer.compiled = compiled
    zbuffer.add(u, v, depth, torch.arange(len(points)), footprint, torch.ones(len(points), dtype=torch.bool))
    return unpack_index(zbuffer.finish()).numpy()


def test_keys_order_by_depth_then_index() -> None:
    keys = pack(torch.tensor([2.0, 0.5, 0.5, 10.0]), torch.tensor([0, 7, 3, 1]))
    assert torch.argsort(keys).tolist() == [2, 1, 0, 3]
    assert unpack_index(torch.cat([keys, torch.tensor([EMPTY])])).tolist() == [0, 7, 3, 1, -1]
    assert unpack_depth(torch.cat([keys, torch.tensor([EMPTY])])).tolist() == [2.0, 0.5, 0.5, 10.0, 0.0]


def test_numpy_unpacking_of_a_key_image_is_the_torch_unpacking() -> None:
    rng = np.random.default_rng(1)
    depths, indices = rng.random(40 * 60, dtype=np.float32) * 9, rng.integers(0, 2**27, 40 * 60)
    keys = pack(torch.from_numpy(depths), torch.from_numpy(indices), torch.from_numpy(rng.integers(0, 5, 40 * 60)).float())
    keys = keys.view(40, 60)
    keys[rng.random((40, 60)) < 0.2] = EMPTY
    for image in (keys, keys[3:-2, 5:-4]):  # a crop, as a finished z-buffer's image is
        index, depth = unpack(image)
        assert np.array_equal(index, unpack_index(image).numpy()) and np.array_equal(depth, unpack_depth(image).numpy())


def test_keys_hold_depth_bits_high_and_radius_and_index_low_whatever_the_bit_patterns() -> None:
    """The halves are interleaved through float32 views: bits that read as NaNs or denormals must survive as they are."""
    rng = np.random.default_rng(0)
    depth_bits = np.r_[np.array([0, 1, 0x7F800000, 0x7FC00001, 0x007FFFFF, 0x3F800000], np.int64),
                       rng.integers(0, 2**31, 994)].astype(np.int32)
    index = np.r_[np.array([0, 1, 2**23 - 1, 2**23, 2**27 - 1, 0x7FFFFF], np.int64), rng.integers(0, 2**27, 994)]
    radius = np.r_[np.array([0, 0, 31, 15, 0, 31], np.int64), rng.integers(0, 32, 994)]
    keys = pack(torch.from_numpy(depth_bits).view(torch.float32), torch.from_numpy(index),
                torch.from_numpy(radius).float())
    expected = (depth_bits.astype(np.int64) << 32) | (((radius << INDEX_BITS) | index) & 0xFFFFFFFF)
    assert keys.numpy().tolist() == expected.tolist()


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("footprint", [0.5, 2.0, 4.5, 9.0, 30.0, 120.0])
def test_a_splat_covers_a_square_as_wide_as_its_spacing(footprint: float, compiled: bool) -> None:
    index = _draw([(150.0, 140.0, 1.0, footprint)], 320, 300, compiled)
    rows, cols = np.nonzero(index == 0)
    radius = max(0, int(np.ceil((footprint * COVER - 1) / 2)))
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (140 - radius, 140 + radius, 150 - radius, 150 + radius)
    assert len(rows) == (2 * radius + 1) ** 2


@pytest.mark.parametrize("footprint", [9.0, 30.0, 120.0])
def test_wide_splats_beyond_the_full_resolution_budget_snap_to_a_coarser_grid(footprint: float,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(splat, "SQUARE_PIXELS", 0)
    index = _draw([(150.0, 140.0, 1.0, footprint)], 320, 300)
    rows, cols = np.nonzero(index == 0)
    radius = max(0, int(np.ceil((footprint * COVER - 1) / 2)))
    scale = 2 ** max(0, int(np.ceil(np.log2(max(radius, 1) / LEVEL_RADIUS))))
    assert rows.max() - rows.min() == cols.max() - cols.min()  # square
    assert 2 * radius + 1 <= cols.max() - cols.min() + 1 <= (2 * -(-radius // scale) + 1) * scale
    assert cols.min() <= 150 - radius and 150 + radius <= cols.max() and rows.min() <= 140 - radius and 140 + radius <= rows.max()


@pytest.mark.parametrize("compiled", [True, False])
def test_wide_splats_cut_by_the_image_edge_are_drawn_where_they_reach_in(compiled: bool) -> None:
    index = _draw([(-20.0, 10.0, 1.0, 60.0), (30.0, 20.0, 2.0, 2.0)], 64, 48, compiled)  # radius 36: 16 columns in
    rows, cols = np.nonzero(index == 0)
    assert cols.min() == 0 and cols.max() == 16 and rows.min() == 0 and rows.max() == 46
    assert index[20, 30] == 1
    assert (_draw([(-100.0, 10.0, 1.0, 60.0), (30.0, 20.0, 2.0, 2.0)], 64, 48, compiled) != 0).all()  # draws none


def test_the_nearest_point_wins_where_splats_overlap() -> None:
    index = _draw([(20.0, 20.0, 3.0, 8.0), (23.0, 20.0, 1.0, 2.0), (40.0, 10.0, 0.5, 0.5)])
    assert index[20, 23] == 1 and index[20, 18] == 0 and index[10, 40] == 2
    assert index[20, 24] == 1 and index[20, 25] == 0  # the near point's 3×3 square, then the far one again


def test_points_behind_the_camera_and_outside_the_image_are_ignored() -> None:
    u = torch.tensor([5.0, -30.0, 10.0])
    zbuffer = ZBuffer(16, 16, torch.device("cpu"))
    zbuffer.add(u, torch.tensor([5.0, 5.0, 10.0]), torch.tensor([1.0, 1.0, -1.0]), torch.arange(3),
                torch.tensor([0.5, 0.5, 0.5]), torch.tensor([True, True, False]))
    assert sorted(set(unpack_index(zbuffer.finish()).numpy().ravel())) == [-1, 0]


def test_hole_filling_closes_pinholes_but_not_edges() -> None:
    keys = torch.full((8, 8), EMPTY, dtype=torch.int64)
    keys[2:6, 2:6] = pack(torch.full((4, 4), 1.0), torch.arange(16).view(4, 4))
    keys[3, 3] = EMPTY
    filled = fill_holes(keys)
    assert filled[3, 3] != EMPTY
    assert (filled[1, :] == EMPTY).all() and (filled[:, 6] == EMPTY).all()


def _random_keys(rng: np.random.Generator, shape: tuple[int, int], covered: float, most_radius: int) -> torch.Tensor:
    """A key image with a `covered` share of pixels holding points of random depth and radius, the rest EMPTY."""
    keys = np.full(shape, EMPTY, np.int64)
    hit = rng.random(shape) < covered
    depth = torch.from_numpy(rng.uniform(0.5, 9.0, int(hit.sum())).astype(np.float32))
    radius = torch.from_numpy(rng.integers(0, most_radius + 1, int(hit.sum())))
    keys[hit] = pack(depth, torch.arange(int(hit.sum())), radius).numpy()
    return torch.from_numpy(keys)


def _min_of_neighbours(image: np.ndarray) -> np.ndarray:
    """(H−2, W−2) minimum over each interior pixel's 3×3 neighbourhood, the plain way."""
    rows, cols = image.shape
    return np.min([image[1 + dr : rows - 1 + dr, 1 + dc : cols - 1 + dc] for dr in (-1, 0, 1) for dc in (-1, 0, 1)], axis=0)


def _grow_compiled(image: torch.Tensor) -> None:
    kernels.grow(image.numpy())


def _fill_holes_compiled(keys: torch.Tensor) -> torch.Tensor:
    out = keys.clone(memory_format=torch.contiguous_format)
    kernels.fill_holes(keys.numpy(), out.numpy(), 6)
    return out


def _fill_holes_with_torch(keys: torch.Tensor) -> torch.Tensor:
    return _fill_holes_torch(keys, keys.clone(memory_format=torch.contiguous_format).view(-1), 6).view(keys.shape)


@pytest.mark.parametrize("grow", [_grow, _grow_torch, _grow_compiled])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_growing_in_windows_is_growing_the_whole_image_every_pass(seed: int, grow: Callable[[torch.Tensor], None]
                                                                  ) -> None:
    rng = np.random.default_rng(seed)
    image = _random_keys(rng, (60, 80), 0.3, LEVEL_RADIUS)
    image[:, :50] = torch.where((image[:, :50] >> INDEX_BITS) > 1, EMPTY, image[:, :50])  # wide splats on the right only
    expected = image.numpy().copy()
    for ring in range(1, LEVEL_RADIUS + 1):
        reach = (expected >> INDEX_BITS) & 31
        grown = _min_of_neighbours(np.where(reach >= ring, expected, EMPTY))
        expected[1:-1, 1:-1] = np.minimum(expected[1:-1, 1:-1], grown)
    grow(image)
    assert np.array_equal(image.numpy(), expected)


@pytest.mark.parametrize("fill", [fill_holes, _fill_holes_with_torch, _fill_holes_compiled])
@pytest.mark.parametrize("seed", [0, 1])
def test_hole_filling_looks_at_every_empty_pixel_as_the_3x3_rule_says(seed: int,
                                                                     fill: Callable[[torch.Tensor], torch.Tensor]) -> None:
    keys = _random_keys(np.random.default_rng(seed), (40, 50), 0.8, 0)
    padded = np.pad(keys.numpy(), 1, constant_values=EMPTY)
    count = sum((padded[1 + dr : 41 + dr, 1 + dc : 51 + dc] != EMPTY).astype(int)
                for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0))
    hole = (keys.numpy() == EMPTY) & (count >= 6)
    expected = np.where(hole, _min_of_neighbours(padded), keys.numpy())
    assert hole.any() and (~hole & (keys.numpy() == EMPTY)).any()
    assert np.array_equal(fill(keys).numpy(), expected)
    assert np.array_equal(fill(keys[:, 5:45]).numpy(), fill(keys[:, 5:45].contiguous()).numpy())  # views too
