"""What each perception preset does to a scene's inputs, measured beside the published figures it is calibrated on.

    python -m reasmory.benchmarks.perception [--scenes 5] [--frames 64] [--width 640 --height 480] [--json OUT]

Per preset, over synthetic scenes (rendered into --scenes-dir and reused, the
grounding benchmark's by default): depth AbsRel and δ<1.25 after one median
scale per scene (how video depth is scored), the share of pixels with depth;
camera ATE (position RMSE after a similarity alignment), RPE between
consecutive frames (translation, rotation), the share of frames registered;
per-frame detection recall and precision (a true instance is found when a
detection of the same label overlaps it at mask IoU ≥ 0.5), the share of
detections with a look-alike's label, and the median mask IoU of found
instances. docs/perception.md lists the sources of the targets.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from reasmory.benchmarks.grounding import scene_arguments, scene_folders
from reasmory.benchmarks.report import emit
from reasmory.memory.grounding import synthetic_scene_inputs
from reasmory.memory.perception import PRESETS, PerceptionModel, perceive, scene_seed
from reasmory.memory.reconstruction.evaluation import rotation_angle_deg, trajectory_error

#: Published figures each preset is calibrated on (metric → value); docs/perception.md says where each comes from.
TARGETS: dict[str, dict[str, float]] = {
    "rgbd-sensor": {"depth_absrel": 0.005, "ate_m": 0.015},
    "vggt-like": {"depth_absrel": 0.057, "depth_delta_1.25": 0.966, "ate_m": 0.035, "rpe_trans_m": 0.015, "rpe_rot_deg": 0.382},
    "sfm-like": {"ate_m": 0.012, "registered": 0.92},
    "detector": {"mask_iou": 0.89},
}


def depth_errors(truth: list[np.ndarray], seen: list[np.ndarray]) -> dict[str, float]:
    """AbsRel and δ<1.25 over pixels with depth in both, after one median scale for the whole scene; depth density."""
    t = np.concatenate([a[(a > 0) & (b > 0)] for a, b in zip(truth, seen, strict=True)])
    s = np.concatenate([b[(a > 0) & (b > 0)] for a, b in zip(truth, seen, strict=True)])
    s = s * np.median(t / s)
    ratio = np.maximum(s / t, t / s)
    density = sum(int((b > 0).sum()) for b in seen) / max(sum(int((a > 0).sum()) for a in truth), 1)
    return {"depth_absrel": float(np.mean(np.abs(s - t) / t)), "depth_delta_1.25": float(np.mean(ratio < 1.25)), "depth_density": density}


def camera_errors(truth: list[np.ndarray], seen: list[np.ndarray]) -> dict[str, float]:
    """ATE (position RMSE after a similarity alignment) and the mean RPE between consecutive registered frames."""
    err = trajectory_error(seen, truth)
    s = err.alignment.scale
    trans, rot = [], []
    for (a, b), (c, d) in zip(zip(truth, truth[1:]), zip(seen, seen[1:])):
        true_step = np.linalg.inv(a) @ b
        seen_step = np.linalg.inv(c) @ d
        trans.append(float(np.linalg.norm(s * seen_step[:3, 3] - true_step[:3, 3])))
        rot.append(rotation_angle_deg(true_step[:3, :3].T @ seen_step[:3, :3]))
    return {"ate_m": err.position_rmse, "rpe_trans_m": float(np.mean(trans)), "rpe_rot_deg": float(np.mean(rot))}


def detection_errors(true_frames: list[list], seen_frames: list[list]) -> dict[str, float]:
    """Per-frame instance recall and precision at mask IoU ≥ 0.5 with the right label, look-alike share, mask IoU."""
    found = total = correct = detections = confused = 0
    ious = []
    for truth, seen in zip(true_frames, seen_frames, strict=True):
        total, detections = total + len(truth), detections + len(seen)
        for t in truth:
            overlaps = [(float((t.mask & s.mask).sum() / max((t.mask | s.mask).sum(), 1)), s) for s in seen]
            best = max((o for o in overlaps if o[1].label == t.label), default=(0.0, None), key=lambda o: o[0])
            if best[0] >= 0.5:
                found += 1
                ious.append(best[0])
        for s in seen:
            overlaps = [(float((t.mask & s.mask).sum() / max((t.mask | s.mask).sum(), 1)), t) for t in truth]
            best = max(overlaps, default=(0.0, None), key=lambda o: o[0])
            correct += best[0] >= 0.5 and best[1].label == s.label
            confused += best[0] >= 0.5 and best[1].label != s.label
    return {"detection_recall": found / max(total, 1), "detection_precision": correct / max(detections, 1),
            "look_alike_share": confused / max(detections, 1), "mask_iou": float(np.median(ious)) if ious else 0.0}


def measure(folder: Path, model: PerceptionModel, frame_step: int) -> dict[str, float]:
    """Every measure of one preset on one scene (detections and depth on every `frame_step`-th frame)."""
    frames, depth, masks, _ = synthetic_scene_inputs(folder)
    seen = perceive(frames, depth, masks, model, scene_seed(folder.name), vocabulary=masks.labels.values())
    by_index = {f.index: f for f in frames}
    sampled = [f.index for f in seen.frames][::frame_step]
    out = {"registered": len(seen.frames) / len(frames)}
    out |= depth_errors([depth(i) for i in sampled], [seen.depth(i) for i in sampled])
    out |= camera_errors([by_index[f.index].pose_array for f in seen.frames], [f.pose_array for f in seen.frames])
    out |= detection_errors([masks.instances(i, None) for i in sampled], [seen.source.instances(i, None) for i in sampled])
    return out


COLUMNS = ["depth_absrel", "depth_delta_1.25", "depth_density", "ate_m", "rpe_trans_m", "rpe_rot_deg", "registered",
           "detection_recall", "detection_precision", "look_alike_share", "mask_iou"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scene_arguments(parser, scenes=5)
    parser.add_argument("--frame-step", type=int, default=4, help="measure depth and detections on every n-th frame")
    parser.add_argument("--json", type=Path, default=Path("bench-results/perception.json"))
    args = parser.parse_args(argv)
    folders = scene_folders(args)
    settings = {"scenes": args.scenes, "seeds": f"{args.seed}–{args.seed + args.scenes - 1}", "frames": args.frames,
                "resolution": f"{args.width}×{args.height}", "depth and detections on every": f"{args.frame_step}th frame"}
    results = {}
    for name, model in PRESETS.items():
        per_scene = [measure(f, model, args.frame_step) for f in folders]
        results[name] = {k: float(np.mean([m[k] for m in per_scene])) for k in per_scene[0]}
    rows = []
    for name, values in results.items():
        rows.append([name, *(values[c] for c in COLUMNS)])
        targets = {**TARGETS.get(name, {}), **(TARGETS["detector"] if name != "exact" else {})}
        if targets:
            rows.append([f"  {name} target", *(targets.get(c, math.nan) for c in COLUMNS)])
    emit("perception errors per preset (measured, and the published targets)", ["preset", *COLUMNS], rows,
         {"settings": settings, "presets": results, "targets": TARGETS}, args.json)


if __name__ == "__main__":
    main()
