"""Levels of detail draw what a full render draws, and the preparation is kept on disk for the next process."""

from pathlib import Path

import numpy as np
import pytest

from reasmory.benchmarks.render import cameras, room_memory
from reasmory.memory import SpatialMemory
from reasmory.memory.render import cloud as cloud_module
from reasmory.memory.render import lod, rasterize, render_cloud


@pytest.fixture(scope="module")
def room() -> SpatialMemory:
    return room_memory(300_000)


def test_thinned_renders_cover_and_place_what_full_renders_do(room: SpatialMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    cloud = render_cloud(room)
    for camera in cameras():
        drawn, *_ = lod.visible(cloud.blocks, camera.projection(), camera.focal, camera.width, camera.height, 0.05, 1.2)
        thinned = rasterize(cloud, camera, object_bias=None)
        with monkeypatch.context() as patch:
            patch.setattr(lod, "POINTS_PER_PIXEL", 1e9)
            full = rasterize(cloud, camera, object_bias=None)
        assert drawn.sum() < len(cloud)
        assert abs((thinned.depth > 0).mean() - (full.depth > 0).mean()) < 0.005
        both = (thinned.depth > 0) & (full.depth > 0)
        assert np.median(np.abs(thinned.depth[both] - full.depth[both])) < 0.005
        assert np.mean(np.abs(thinned.depth[both] - full.depth[both]) > 0.1) < 0.02


def test_blocks_behind_the_camera_or_beside_the_image_are_not_drawn(room: SpatialMemory) -> None:
    cloud = render_cloud(room)
    camera = cameras()[0]
    drawn, *_ = lod.visible(cloud.blocks, camera.projection(), camera.focal, camera.width, camera.height, 0.05, 1.2)
    centres = (cloud.blocks.lo + cloud.blocks.hi) / 2
    depth = centres @ camera.world_to_camera[2, :3] + camera.world_to_camera[2, 3]
    far_behind = depth < -1.0
    assert far_behind.any() and (drawn[far_behind] == 0).all()
    assert (drawn[~far_behind] > 0).any()


def test_blocks_beside_the_camera_that_the_near_plane_cuts_are_skipped_and_show_nothing(room: SpatialMemory) -> None:
    cloud = render_cloud(room)
    xyz = cloud.xyz.numpy()
    skipped_any = False
    for camera in cameras():
        projection = camera.projection()
        drawn, *_ = lod.visible(cloud.blocks, projection, camera.focal, camera.width, camera.height, 0.05, 1.2)
        corners_z = lod._corners(cloud.blocks, projection)[2]
        cut = (corners_z > 0.05).any(axis=0) & (corners_z <= 0.05).any(axis=0)
        for block in np.flatnonzero(cut & (drawn == 0)):
            skipped_any = True
            start, count = cloud.blocks.start[block], cloud.blocks.count[block]
            u, v, z = projection[:, :3] @ xyz[:, start : start + count] + projection[:, 3:]
            ahead = z > 0.05
            reach = camera.focal * cloud.blocks.spacing[block] * 1.2 / 0.05 + 2
            inside = ((u > -reach * z) & (u < (camera.width + reach) * z)
                      & (v > -reach * z) & (v < (camera.height + reach) * z))
            assert not (ahead & inside).any()
    assert skipped_any


@pytest.mark.parametrize("most", [7, 10**9])
def test_every_point_of_a_chosen_prefix_is_drawn_once(room: SpatialMemory, most: int) -> None:
    blocks = render_cloud(room).blocks
    drawn = np.minimum(blocks.count, most)
    drawn[::3] = 0
    widen = np.sqrt(blocks.count / np.maximum(drawn, 1)).astype(np.float32)
    runs, factor = lod.selection(blocks, drawn, widen)
    picked = np.concatenate([np.arange(a, b) for a, b in runs])
    assert len(picked) == drawn.sum() == len(np.unique(picked))
    assert (np.searchsorted(blocks.start, picked, side="right") - 1 == np.repeat(np.arange(len(blocks.start)), drawn)).all()
    assert np.array_equal(factor, widen[drawn > 0])  # one run per chosen block, with its factor


def test_a_second_process_reads_the_preparation_from_the_cache(room: SpatialMemory, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REASMORY_CACHE_DIR", str(tmp_path / "cache"))
    path = room.save(tmp_path / "room.rmem")
    first = render_cloud(SpatialMemory.load(path))
    assert list((tmp_path / "cache" / "render").glob("*/xyz.npy"))
    monkeypatch.setattr(cloud_module, "prepare", lambda parts: pytest.fail("the preparation was computed again"))
    second = render_cloud(SpatialMemory.load(path))  # a new memory object: nothing kept in this process
    assert bool((first.xyz == second.xyz).all()) and bool((first.spacing == second.spacing).all())
    assert (first.blocks.start == second.blocks.start).all()
    camera = cameras()[0]
    assert (rasterize(first, camera).index == rasterize(second, camera).index).all()


def test_a_damaged_or_foreign_preparation_is_computed_again(room: SpatialMemory, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REASMORY_CACHE_DIR", str(tmp_path / "cache"))
    path = room.save(tmp_path / "room.rmem")
    expected = render_cloud(SpatialMemory.load(path))
    (folder,) = (tmp_path / "cache" / "render").iterdir()
    xyz = folder / "xyz.npy"
    for damage in (b"not an npy file", xyz.read_bytes()[: xyz.stat().st_size // 2]):
        xyz.write_bytes(damage)
        again = render_cloud(SpatialMemory.load(path))
        assert bool((again.xyz == expected.xyz).all())
    np.save(folder / "spacing.npy", np.zeros(3, np.float32))
    assert bool((render_cloud(SpatialMemory.load(path)).xyz == expected.xyz).all())
    assert [p.name for p in (tmp_path / "cache" / "render").iterdir()] == [folder.name]  # replaced, no leftovers


@pytest.mark.parametrize("most", [1, 5, 7, 1000])
def test_pieces_hold_every_chosen_point_once_in_order_with_its_splat_factor(most: int) -> None:
    from reasmory.memory.render.view import _chunks

    runs = np.array([(0, 3), (10, 22), (30, 31)])
    factor = np.array([0.5, 1.5, 2.5], np.float32)
    pieces = _chunks(runs, factor, most)
    points = [i for part, _ in pieces for a, b in part for i in range(a, b)]
    assert points == [i for a, b in runs for i in range(a, b)]
    assert all(sum(b - a for a, b in part) <= most and len(part) == len(factors) for part, factors in pieces)
    per_point = np.concatenate([np.repeat(factors, part[:, 1] - part[:, 0]) for part, factors in pieces])
    assert np.array_equal(per_point, np.repeat(factor, runs[:, 1] - runs[:, 0]))
