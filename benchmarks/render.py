"""Render speed: 640×480 views of memories of 100k, 1M and 5M points, and top-down maps.

    python -m reasmory.benchmarks.render [--sizes 100000 1000000 5000000] [--repeat 7] [--threads N]
                                         [--json bench-results/render.json]

The memory is a captured-looking room: N coloured points on the floor, walls
and the surfaces of a dozen pieces of furniture (which also own their points,
as a reconstruction's objects do). Three level-ish cameras at eye height look
across it. Times are medians over views and repeats, after one untimed render
that builds the memory's cached render cloud (reported as `prepare`).

Target (issue 8): an rgb render of 1M points under 60 ms median on a 2-core machine.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from reasmory.benchmarks.report import emit, median, settings_of
from reasmory.memory import OrientedBox, PointCloud, SpatialMemory
from reasmory.memory.model import ObjectInstance
from reasmory.memory.render import RenderCamera, rasterize, render_bev, render_cloud, render_view
from reasmory.memory.render import threads as render_threads

SIZES = (100_000, 1_000_000, 5_000_000)
ROOM = (6.0, 5.0, 2.6)
TARGET_MS = 60.0
LABELS = ("sofa", "table", "chair", "cabinet", "bed", "shelf")


def _furniture(rng: np.random.Generator, count: int = 12) -> list[tuple[str, OrientedBox]]:
    boxes = []
    for i in range(count):
        extents = rng.uniform([0.4, 0.4, 0.4], [1.8, 1.2, 1.4])
        centre = [rng.uniform(1.0, ROOM[0] - 1.0), rng.uniform(1.0, ROOM[1] - 1.0), extents[2] / 2]
        boxes.append((LABELS[i % len(LABELS)], OrientedBox.from_yaw(centre, extents, rng.uniform(0, math.pi))))
    return boxes


def _room() -> OrientedBox:
    return OrientedBox(center=(ROOM[0] / 2, ROOM[1] / 2, ROOM[2] / 2), extents=ROOM)


def room_boxes(seed: int = 0) -> list[OrientedBox]:
    """The room's own box, then its furniture, as `room_memory(…, seed)` places them (other renderers mesh them)."""
    return [_room()] + [box for _, box in _furniture(np.random.default_rng(seed))]


def room_memory(n_points: int, seed: int = 0) -> SpatialMemory:
    """N points spread by area over the room's floor, walls and furniture boxes, with textured colours."""
    rng = np.random.default_rng(seed)
    boxes = _furniture(rng)
    room = _room()
    surfaces = [room.sample_surface(0.05, 400_000)] + [box.sample_surface(0.03) for _, box in boxes]
    areas = np.array([len(s) for s in surfaces], np.float64)
    counts = rng.multinomial(n_points, areas / areas.sum())
    parts = []
    for surface, count in zip(surfaces, counts):
        picks = surface[rng.integers(0, len(surface), count)]
        parts.append(picks + rng.normal(0, 0.01, picks.shape).astype(np.float32))
    xyz = np.concatenate(parts).astype(np.float32)
    xyz[: counts[0], 2] = np.clip(xyz[: counts[0], 2], 0, ROOM[2])
    checker = ((np.floor(xyz[:, 0] * 2) + np.floor(xyz[:, 1] * 2) + np.floor(xyz[:, 2] * 2)) % 2)[:, None]
    rgb = (np.array([190, 175, 150]) * (0.8 + 0.2 * checker)).astype(np.uint8)
    starts = np.cumsum(counts)[:-1]
    objects = [ObjectInstance(id=i, label=label, box=box, points=part)
               for i, ((label, box), part) in enumerate(zip(boxes, np.split(xyz, starts)[1:]))]
    return SpatialMemory(points=PointCloud.from_xyz(xyz, rgb), objects=objects)


def cameras() -> list[RenderCamera]:
    """Three views at 1.6 m looking 15° down across the room, 640×480, 70° horizontal field of view."""
    out = []
    for x, y, heading in ((0.6, 0.6, 0.7), (5.4, 0.8, 2.4), (3.0, 4.5, -1.6)):
        level = RenderCamera.looking([x, y, 1.6], heading, 640, 480)
        tilt = math.radians(15)
        pitch = np.array([[1, 0, 0], [0, math.cos(tilt), -math.sin(tilt)], [0, math.sin(tilt), math.cos(tilt)]])
        out.append(RenderCamera(level.K, pitch @ level.world_to_camera, 640, 480))
    return out


THREADS_USED: Counter[int] = Counter()


def _timed(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of `fn` over `repeat` calls (CUDA synchronised); counts the CPU threads each used."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
        THREADS_USED[render_threads.last_threads] += 1
    return 1000 * median(times)


def run(sizes: tuple[int, ...], repeat: int) -> list[dict]:
    """One row per memory size: cloud build seconds, median milliseconds per kind of picture."""
    results = []
    views = cameras()
    for n in sizes:
        memory = room_memory(n)
        start = time.perf_counter()
        cloud = render_cloud(memory)
        prepare = time.perf_counter() - start
        render_view(memory, views[0], "rgb")
        row = {"points": n, "drawn": len(cloud), "prepare_s": prepare}
        row["raster_ms"] = median([_timed(lambda v=v: rasterize(cloud, v, object_bias=None), repeat) for v in views])
        for mode in ("rgb", "semantic", "depth"):
            row[f"{mode}_ms"] = median([_timed(lambda v=v, m=mode: render_view(memory, v, m), repeat) for v in views])
        row["bev_ms"] = _timed(lambda: render_bev(memory, "semantic"), max(3, repeat // 2))
        results.append(row)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None,
                        help="intra-op threads of CPU renders (default: $REASMORY_RENDER_THREADS, else as many as are free)")
    parser.add_argument("--json", type=Path, default=Path("bench-results/render.json"))
    args = parser.parse_args(argv)
    if args.threads is not None:
        render_threads.FIXED_THREADS = max(1, args.threads)
    results = run(tuple(args.sizes), args.repeat)
    one_million = next((r for r in results if r["points"] == 1_000_000), None)
    used = ", ".join(f"{n} thread{'s' if n > 1 else ''} ×{count}" for n, count in sorted(THREADS_USED.items()))
    device = "cuda" if torch.cuda.is_available() else f"cpu: {used}"
    load = os.getloadavg()[0]
    emit(
        f"render: 640×480 views and top-down maps, median ms ({device}; load average {load:.1f} at the end)",
        ["points", "drawn", "prepare s", "raster", "rgb", "semantic", "depth", "bev (semantic)"],
        [(f"{r['points']:,}", f"{r['drawn']:,}", r["prepare_s"], r["raster_ms"], r["rgb_ms"], r["semantic_ms"],
          r["depth_ms"], r["bev_ms"]) for r in results],
        {"settings": settings_of(args), "device": device, "threads_used": dict(THREADS_USED), "load_average_1min": load, "results": results,
         "target": {"rgb_1M_under_ms": TARGET_MS, "met": None if one_million is None else one_million["rgb_ms"] < TARGET_MS}},
        args.json,
    )


if __name__ == "__main__":
    main()
