"""The point-cloud half of the scale benchmark: store, render preparation and renders of 1M … 10M points.

Memories are the render benchmark's captured-looking room (`render.room_memory`).
Per size: `.rmem` save (forced to disk, as it always is) beside `np.savez` of the
same arrays followed by an fsync of its file (and, for reference, `np.savez`
alone), in alternating rounds; load (checksum verified), the render preparation computed and read back from the disk cache
(what a second `reasmory render` does), and 640×480 rgb renders from three
cameras (5 × repeat rounds), beside Open3D ray casting of the same room (its walls and furniture
as 156 triangles) through the same cameras.
"""

from __future__ import annotations

import contextlib
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from reasmory.benchmarks.render import cameras, room_boxes, room_memory
from reasmory.benchmarks.report import median, timeit
from reasmory.memory import SpatialMemory
from reasmory.memory.boxes import OrientedBox


#: Rounds of the three views per `repeat`: single renders on a shared machine vary twofold from one to the next,
#: and a render round costs a fraction of a second.
RENDER_ROUNDS = 5


def _median(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> float:
    return median(timeit(fn, repeat, warmup))


def _written(write: Callable[[], Any], path: Path, durable: bool) -> float:
    """Seconds of one write of `path`, its fsync timed too when `durable`; else its pages are flushed untimed, so
    that the next write is not slowed by the disk still taking this one."""
    start = time.perf_counter()
    write()
    written = time.perf_counter()
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
    return (time.perf_counter() if durable else written) - start


def _box_mesh(box: OrientedBox) -> Any:
    import open3d as o3d

    mesh = o3d.geometry.TriangleMesh.create_box(*box.e)
    mesh.translate(-box.e / 2)
    mesh.rotate(box.R, center=(0.0, 0.0, 0.0))
    mesh.translate(box.c)
    return mesh


def open3d_caster(seed: int = 0) -> Callable[[Any], np.ndarray]:
    """Ray casting of the room's boxes with Open3D: camera → (H, W) depth along the optical axis (inf: no hit)."""
    import open3d as o3d

    mesh = o3d.geometry.TriangleMesh()
    for box in room_boxes(seed):
        mesh += _box_mesh(box)
    scene = o3d.t.geometry.RaycastingScene()
    scene.add_triangles(o3d.t.geometry.TriangleMesh.from_legacy(mesh))

    def cast(camera: Any) -> np.ndarray:
        extrinsic = np.vstack([camera.world_to_camera, [0.0, 0.0, 0.0, 1.0]])
        rays = o3d.t.geometry.RaycastingScene.create_rays_pinhole(
            intrinsic_matrix=o3d.core.Tensor(camera.K), extrinsic_matrix=o3d.core.Tensor(extrinsic),
            width_px=camera.width, height_px=camera.height)
        return scene.cast_rays(rays)["t_hit"].numpy()  # rays are not unit length: t is depth along the axis

    return cast


def _arrays(memory: SpatialMemory) -> dict[str, np.ndarray]:
    from reasmory.memory.store import _collect_arrays

    return _collect_arrays(memory)


def measure(n_points: int, repeat: int, folder: Path, open3d: bool) -> dict[str, Any]:
    """Seconds (medians) of every point operation on an n-point room; depth agreement with Open3D."""
    from reasmory.memory.render import rasterize, render_cloud, render_view

    memory = room_memory(n_points)
    path, npz = folder / f"room{n_points}.rmem", folder / f"room{n_points}.npz"
    arrays = _arrays(memory)
    row: dict[str, Any] = {"points": n_points, "drawable": None}
    savez, save = (lambda: np.savez(npz, **arrays)), (lambda: memory.save(path))
    rounds = []
    for _ in range(2 * repeat + 2):  # alternating; each write reaches the disk before the next is timed; one warm-up
        rounds.append((_written(savez, npz, durable=False), _written(savez, npz, durable=True),
                       _written(save, path, durable=True)))
    row["np.savez s"], row["np.savez+fsync s"], row["save s"] = (statistics.median(c) for c in zip(*rounds[1:]))
    row["load s"] = _median(lambda: SpatialMemory.load(path), repeat)
    loaded = SpatialMemory.load(path)
    start = time.perf_counter()
    cloud = render_cloud(loaded)
    row["prepare s"] = time.perf_counter() - start
    row["drawable"] = len(cloud)
    del cloud, loaded
    gc.collect()

    def from_cache() -> float:
        """What a second process does before its first render: the memory just loaded, its preparation mapped."""
        fresh = SpatialMemory.load(path)
        start = time.perf_counter()
        render_cloud(fresh)
        return time.perf_counter() - start

    row["prepare from cache s"] = statistics.median(from_cache() for _ in range(max(1, repeat // 2)))
    del arrays
    gc.collect()
    loaded = SpatialMemory.load(path)
    views = cameras()
    cast = open3d_caster() if open3d else None
    ours, theirs = [], []
    for view in views:  # warm-up: the first render of a view and Open3D's first cast build their structures
        render_view(loaded, view, "rgb")
        if cast is not None:
            cast(view)
    for _ in range(RENDER_ROUNDS * repeat):  # alternating, so machine load falls on both alike
        for view in views:
            ours.append(median(timeit(lambda v=view: render_view(loaded, v, "rgb"), 1, warmup=0)))
            if cast is not None:
                theirs.append(median(timeit(lambda v=view: cast(v), 1, warmup=0)))
    row["render s"] = statistics.median(ours)
    if cast is not None:
        row["open3d raycast s"] = statistics.median(theirs)
        depth = rasterize(render_cloud(loaded), views[0], object_bias=None).depth
        truth = cast(views[0])
        both = (depth > 0) & np.isfinite(truth)
        row["depth vs open3d median mm"] = float(np.median(np.abs(depth[both] - truth[both])) * 1000)
        row["coverage"] = float((depth > 0).mean())
    return row


@contextlib.contextmanager
def _cache_dir(folder: Path) -> Any:
    """The render preparation goes to a temporary cache folder, not the user's."""
    before = os.environ.get("REASMORY_CACHE_DIR")
    os.environ["REASMORY_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("REASMORY_CACHE_DIR", None)
        else:
            os.environ["REASMORY_CACHE_DIR"] = before


def run(sizes: tuple[int, ...], repeat: int, open3d: bool) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp, _cache_dir(Path(tmp) / "cache"):
        rows = []
        for n in sizes:
            rows.append(measure(n, repeat, Path(tmp), open3d))
            gc.collect()
        return rows
