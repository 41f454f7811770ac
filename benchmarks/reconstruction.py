"""Memory building: RGB-D fusion, SfM trajectories and registration, gravity and metric scale.

    python -m reasmory.benchmarks.reconstruction [--json bench-results/reconstruction.json] [--no-sfm] [--scenes 20]

- rgbd on livingroom1_micro (71 frames): build time, cache-hit time, given poses kept,
  and each fused point's distance to the back-projection of its source frame's depth;
- sfm on livingroom1_micro RGB only (every 2nd and 3rd frame): registered frames, camera
  position RMSE after similarity (Umeyama) alignment to the given poses (target < 5 cm),
  median rotation error (target < 2°), runtime, and how far the eye-height prior is from
  the true scale; sfm on kitchen_25: registered photos (target ≥ 20/25);
- gravity: up-vector error in randomly rotated, scaled synthetic box rooms (target < 2°);
- scale from object-size priors alone on scaled synthetic scenes (target within 10 %):
  box rooms whose objects vary 15 % per side around the priors, and `reasmory synth`
  layouts whose objects follow that generator's own size ranges (independent of the priors);
  the camera-height prior on the synth camera paths (eye height 1.4–1.7 m).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from reasmory.benchmarks.report import emit, percentile, settings_of
from reasmory.memory.boxes import OrientedBox
from reasmory.memory.reconstruction.evaluation import trajectory_error
from reasmory.memory.reconstruction.gravity import estimate_gravity
from reasmory.memory.reconstruction.pipeline import reconstruct, run_build
from reasmory.memory.reconstruction.scale import from_camera_height, from_objects
from reasmory.memory.reconstruction.settings import plan_build
from reasmory.memory.reconstruction.synthetic import box_room, random_rotation

DATA = Path(os.environ.get("REASMORY_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data"


def _given_poses(root: Path) -> dict[str, np.ndarray]:
    return {p["frame"]: np.array(p["cam_to_world"]) for p in json.loads((root / "poses.json").read_text())}


def _surface_errors(memory: Any, root: Path) -> np.ndarray:
    """Distance from each fused point to the back-projection of its source frame's depth map, metres."""
    from PIL import Image
    from scipy.spatial import cKDTree

    from reasmory.memory.reconstruction.backends.base import backproject

    back = np.linalg.inv(memory.arrays.extra["world_from_reconstruction"])
    xyz = memory.points.xyz.astype(np.float64) @ back[:3, :3].T + back[:3, 3]
    given, errors = _given_poses(root), []
    for f in memory.frames:
        depth = np.asarray(Image.open(root / "depth" / f"{Path(f.image).stem}.png"), np.float64) / 1000.0
        surface, _ = backproject(depth, f.K_array, given[Path(f.image).stem])
        errors.append(cKDTree(surface).query(xyz[memory.points.frame == f.index])[0])
    return np.concatenate(errors)


def bench_rgbd(root: Path) -> dict[str, Any]:
    plan = plan_build("rgbd")
    start = time.perf_counter()
    memory = reconstruct(root, plan, progress=False)
    seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as cache:
        run_build(root, "rgbd", cache_dir=cache, progress=False)
        hit = run_build(root, "rgbd", cache_dir=cache, progress=False)
    errors = _surface_errors(memory, root)
    world, given = memory.arrays.extra["world_from_reconstruction"], _given_poses(root)
    pose_dev = max(float(np.abs(f.pose_array - world @ given[Path(f.image).stem]).max()) for f in memory.frames)
    return {"frames": len(memory.frames), "points": len(memory.points), "build_s": seconds, "cache_hit_s": hit.seconds,
            "cache_hit": hit.cache_hit, "pose_max_abs_deviation": pose_dev,
            "surface_error_m": {"median": float(np.median(errors)), "p99": percentile(errors, 0.99), "max": float(errors.max())}}


def bench_sfm_livingroom(root: Path, stride: int) -> dict[str, Any]:
    start = time.perf_counter()
    memory = reconstruct(root / "color", plan_build("sfm", stride=stride), progress=False)
    seconds = time.perf_counter() - start
    given = _given_poses(root)
    err = trajectory_error([f.pose_array for f in memory.frames], [given[Path(f.image).stem] for f in memory.frames])
    sampled = len(range(0, 71, stride))
    return {"stride": stride, "frames": sampled, "registered": len(memory.frames), "seconds": seconds,
            "position_rmse_m": err.position_rmse, "rotation_median_deg": err.rotation_median_deg,
            "rotation_max_deg": err.rotation_max_deg, "scale_method": memory.scene.scale.method,
            "eye_height_scale_vs_true": err.alignment.scale}


def bench_sfm_kitchen(root: Path) -> dict[str, Any]:
    from reasmory.memory.reconstruction.backends.sfm import SfmConfig
    from reasmory.memory.reconstruction.frames import load_frames

    frames = load_frames(root, progress=False)
    start = time.perf_counter()
    rec = SfmConfig().setup().reconstruct(frames, progress=False)
    return {"photos": len(frames), "registered": rec.registered, "points": len(rec.points), "seconds": time.perf_counter() - start}


def bench_gravity(scenes: int) -> list[float]:
    errors = []
    for seed in range(scenes):
        rng = np.random.default_rng(1000 + seed)
        rotation = random_rotation(rng)
        room = box_room(seed).transformed(rotation, rng.normal(0, 5, 3), math.exp(rng.uniform(-1.5, 1.5)))
        up = estimate_gravity(room.xyz, room.poses).up
        errors.append(math.degrees(math.acos(float(np.clip(up @ rotation[:, 2], -1, 1)))))
    return errors


def bench_scale_box_rooms(scenes: int) -> list[float]:
    errors = []
    for seed in range(scenes):
        rng = np.random.default_rng(2000 + seed)
        scale = math.exp(rng.uniform(-2, 2))
        room = box_room(seed, n_objects=8).transformed(np.eye(3), np.zeros(3), scale)
        errors.append(from_objects(room.objects).factor * scale - 1)
    return errors


def bench_scale_synth(scenes: int) -> dict[str, list[float]]:
    """Object priors and the camera-height prior on `reasmory synth` layouts (no rendering needed)."""
    from reasmory.synth.pipeline import generate, make_config

    objects, heights = [], []
    for seed in range(scenes):
        scene, path = generate(make_config(seed=seed, frames=32))
        scale = math.exp(np.random.default_rng(seed).uniform(-2, 2))
        boxes = [(o.label, OrientedBox.from_yaw(o.center * scale, o.extents * scale, o.yaw)) for o in scene.objects]
        estimate = from_objects(boxes)
        objects.append(estimate.factor * scale - 1 if estimate else math.nan)
        heights.append(from_camera_height(path.poses[:, 2, 3] * scale).factor * scale - 1)
    return {"objects": objects, "camera_height": heights}


def _dist(values: list[float]) -> dict[str, float]:
    a = np.abs(np.asarray([v for v in values if not math.isnan(v)]))
    return {"median": float(np.median(a)), "p90": percentile(a, 0.9), "max": float(a.max()),
            "within_10pct": float((a < 0.10).mean()), "n": len(a)}


def _rows(results: dict[str, Any]) -> list[tuple]:
    rows: list[tuple] = []
    if "rgbd" in results:
        r = results["rgbd"]
        rows += [("rgbd livingroom 71 frames: build", f"{r['build_s']:.1f} s, {r['points']:,} points", "-", "-"),
                 ("rgbd: cache hit", f"{r['cache_hit_s']:.2f} s", "< 1 s", r["cache_hit"] and r["cache_hit_s"] < 1),
                 ("rgbd: poses vs given (max abs)", f"{r['pose_max_abs_deviation']:.1e}", "exact", r["pose_max_abs_deviation"] < 1e-9),
                 ("rgbd: fused point to its depth surface (median / p99 / max)",
                  f"{1000 * r['surface_error_m']['median']:.1f} / {1000 * r['surface_error_m']['p99']:.1f} / {1000 * r['surface_error_m']['max']:.1f} mm",
                  "< 20 mm", r["surface_error_m"]["max"] < 0.02)]
    for r in results.get("sfm_livingroom", []):
        rows += [(f"sfm livingroom RGB every {r['stride']}: registered, time", f"{r['registered']}/{r['frames']}, {r['seconds']:.1f} s", "all", r["registered"] == r["frames"]),
                 (f"sfm every {r['stride']}: position RMSE", f"{100 * r['position_rmse_m']:.2f} cm", "< 5 cm", r["position_rmse_m"] < 0.05),
                 (f"sfm every {r['stride']}: rotation error median / max", f"{r['rotation_median_deg']:.2f}° / {r['rotation_max_deg']:.2f}°", "< 2°", r["rotation_median_deg"] < 2),
                 (f"sfm every {r['stride']}: eye-height scale / true", f"{r['eye_height_scale_vs_true']:.2f}", "(camera at ~0.6 m)", "-")]
    if "sfm_kitchen" in results:
        r = results["sfm_kitchen"]
        rows.append(("sfm kitchen_25: registered, time", f"{r['registered']}/{r['photos']}, {r['seconds']:.1f} s", "≥ 20/25", r["registered"] >= 20))
    g = results["gravity"]
    rows.append((f"gravity, {g['n']} rotated rooms: up error median / max", f"{g['median']:.2f}° / {g['max']:.2f}°", "< 2°", g["max"] < 2))
    for key, label in (("scale_box_rooms", "box rooms"), ("scale_synth_objects", "synth layouts"), ("scale_synth_camera_height", "synth camera height")):
        if key in results:
            d = results[key]
            rows.append((f"scale, {d['n']} {label}: |error| median / p90 / max", f"{100 * d['median']:.1f} / {100 * d['p90']:.1f} / {100 * d['max']:.1f} %",
                         "< 10 %", f"{100 * d['within_10pct']:.0f} % of scenes"))
    return rows


def run(scenes: int, sfm: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    living, kitchen = DATA / "livingroom1_micro", DATA / "kitchen_25"
    if living.is_dir():
        results["rgbd"] = bench_rgbd(living)
        if sfm:
            results["sfm_livingroom"] = [bench_sfm_livingroom(living, s) for s in (3, 2)]
    if sfm and kitchen.is_dir():
        results["sfm_kitchen"] = bench_sfm_kitchen(kitchen)
    gravity = bench_gravity(scenes)
    results["gravity"] = {**_dist(gravity), "errors_deg": gravity}
    box = bench_scale_box_rooms(scenes)
    results["scale_box_rooms"] = {**_dist(box), "errors": box}
    try:
        synth = bench_scale_synth(scenes)
    except ImportError:
        return results
    results["scale_synth_objects"] = {**_dist(synth["objects"]), "errors": synth["objects"]}
    results["scale_synth_camera_height"] = {**_dist(synth["camera_height"]), "errors": synth["camera_height"]}
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=Path("bench-results/reconstruction.json"))
    parser.add_argument("--scenes", type=int, default=20, help="synthetic scenes for gravity and scale")
    parser.add_argument("--no-sfm", action="store_true", help="skip the pycolmap runs (about a minute)")
    args = parser.parse_args(argv)
    results = run(args.scenes, not args.no_sfm)
    emit("reconstruction: building memories", ["measure", "value", "target", "met"], _rows(results), {"settings": settings_of(args), "results": results}, args.json)


if __name__ == "__main__":
    main()
