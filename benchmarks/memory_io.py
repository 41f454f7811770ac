"""Save/load speed and file size of `.rmem` memories of 10k, 100k and 1M points.

    python -m reasmory.benchmarks.memory_io [--json bench-results/memory_io.json]

Target (DESIGN §6, issue 2): loading a 1M-point memory, checksum verified, < 0.1 s.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from reasmory.benchmarks.report import emit, median, settings_of, timeit
from reasmory.memory import OrientedBox, PointCloud, SpatialMemory
from reasmory.memory.model import ObjectInstance

SIZES = (10_000, 100_000, 1_000_000)


def synthetic_memory(n_points: int, n_objects: int = 30, seed: int = 0) -> SpatialMemory:
    """A memory with `n_points` scene points and objects owning a tenth of them."""
    rng = np.random.default_rng(seed)
    xyz = rng.uniform(0, 6, size=(n_points, 3)).astype(np.float32)
    cloud = PointCloud.from_xyz(
        xyz,
        rgb=rng.integers(0, 255, size=(n_points, 3), dtype=np.uint8),
        frame=rng.integers(0, 64, size=n_points, dtype=np.int32),
        confidence=rng.random(n_points, dtype=np.float32),
    )
    per_object = max(1, n_points // 10 // n_objects)
    objects = [
        ObjectInstance(
            id=i,
            label=f"thing{i % 7}",
            box=OrientedBox.from_yaw(rng.uniform(0, 6, 3), rng.uniform(0.2, 2, 3), rng.uniform(0, 3)),
            points=xyz[i * per_object : (i + 1) * per_object],
            frames=list(range(i % 5, 64, 7)),
        )
        for i in range(n_objects)
    ]
    return SpatialMemory(points=cloud, objects=objects)


def run(repeat: int = 7) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            memory = synthetic_memory(n)
            path = Path(tmp) / f"m{n}.rmem"
            save = timeit(lambda: memory.save(path), repeat=max(3, repeat // 2))
            load = timeit(lambda: SpatialMemory.load(path), repeat=repeat)
            results.append(
                {"points": n, "save_s": median(save), "load_s": median(load), "file_mb": path.stat().st_size / 1e6}
            )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=Path("bench-results/memory_io.json"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    results = run(args.repeat)
    target = next(r for r in results if r["points"] == 1_000_000)["load_s"] < 0.1
    rows = [(f"{r['points']:,}", r["save_s"], r["load_s"], r["file_mb"]) for r in results]
    emit(
        "memory_io: .rmem save/load (median seconds)",
        ["points", "save s", "load s (checksum verified)", "file MB"],
        rows,
        {"settings": settings_of(args), "results": results, "target": {"load_1M_under_s": 0.1, "met": target}},
        args.json,
    )


if __name__ == "__main__":
    main()
