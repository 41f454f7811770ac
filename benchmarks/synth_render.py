"""Time to make a synthetic scene: generate (layout + camera path), render, write images, write video.

    python -m reasmory.benchmarks.synth_render [--frames 64] [--width 640] [--height 480] [--seeds 0 1 2]
                                               [--json bench-results/synth_render.json]

Target (issue 5): a 64-frame 640×480 scene in under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from reasmory.benchmarks.report import emit, settings_of
from reasmory.synth.pipeline import make_config, synthesize

STAGES = ("generate", "render", "write_images", "write_video", "questions")
TARGET_S = 60.0


def run(seeds: list[int], frames: int, width: int, height: int) -> list[dict]:
    """One scene per seed, written to a temporary folder; stage timings in seconds."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            config = make_config(seed=seed, frames=frames, width=width, height=height)
            t0 = time.perf_counter()
            result = synthesize(config, Path(tmp) / f"s{seed}")
            total = time.perf_counter() - t0
            results.append({"seed": seed, "objects": len(result.scene.objects), "questions": result.questions,
                            **{k: result.timings[k] for k in STAGES}, "total": total})
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=64)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--json", type=Path, default=Path("bench-results/synth_render.json"))
    args = parser.parse_args(argv)
    results = run(args.seeds, args.frames, args.width, args.height)
    rows = [(r["seed"], r["objects"], *(r[k] for k in STAGES), r["total"], f"{1000 * r['render'] / args.frames:.0f}")
            for r in results]
    worst = max(r["total"] for r in results)
    emit(
        f"synth_render: {args.frames} frames at {args.width}×{args.height} (seconds)",
        ["seed", "objects", "generate", "render", "write images", "write video", "questions", "total", "ms/frame"],
        rows,
        {"settings": settings_of(args), "results": results,
         "target": {"total_under_s": TARGET_S, "met": worst < TARGET_S}},
        args.json,
    )


if __name__ == "__main__":
    main()
