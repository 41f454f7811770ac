"""The z-buffer: nearest point wins, splats are squares of the radius their spacing asks for, holes close."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from reasmory.memory.render.splat import COVER, EMPTY, LEVEL_RADIUS, ZBuffer, fill_holes, pack, unpack_index


def _draw(points: list[tuple[float, float, float, float]], width: int = 64, height: int = 48) -> np.ndarray:
    """(u, v, depth, footprint) per point → (H, W) winning point index, −1 none."""
    u, v, depth, footprint = (torch.tensor(c, dtype=torch.float32) for c in zip(*points))
    zbuffer = ZBuffer(width, height, torch.device("cpu"))
    zbuffer.add(u, v, depth, torch.arange(len(points)), footprint, torch.ones(len(points), dtype=torch.bool))
    return unpack_index(zbuffer.finish()).numpy()


def test_keys_order_by_depth_then_index() -> None:
    keys = pack(torch.tensor([2.0, 0.5, 0.5, 10.0]), torch.tensor([0, 7, 3, 1]))
    assert torch.argsort(keys).tolist() == [2, 1, 0, 3]
    assert unpack_index(torch.cat([keys, torch.tensor([EMPTY])])).tolist() == [0, 7, 3, 1, -1]


@pytest.mark.parametrize("footprint", [0.5, 2.0, 4.5, 9.0, 30.0, 120.0])
def test_a_splat_covers_a_square_as_wide_as_its_spacing(footprint: float) -> None:
    index = _draw([(150.0, 140.0, 1.0, footprint)], 320, 300)
    rows, cols = np.nonzero(index == 0)
    radius = max(0, int(np.ceil((footprint * COVER - 1) / 2)))
    scale = 2 ** max(0, int(np.ceil(np.log2(max(radius, 1) / LEVEL_RADIUS))))  # wide splats snap to a coarser grid
    assert rows.max() - rows.min() == cols.max() - cols.min()  # square
    assert 2 * radius + 1 <= cols.max() - cols.min() + 1 <= (2 * -(-radius // scale) + 1) * scale
    assert cols.min() <= 150 - radius and 150 + radius <= cols.max() and rows.min() <= 140 - radius and 140 + radius <= rows.max()


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
