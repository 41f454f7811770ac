"""Grounded instances on synthetic scenes: recall, precision, box IoU and counts per category, under noise.

    python -m reasmory.benchmarks.grounding [--scenes 20] [--frames 64] [--noise] [--qa] [--json OUT]

Memories are built from each scene's depth, poses and instance maps (`rgbd` +
given masks) and compared with scene.json: instances matched per label by
3D IoU (Hungarian), a hit at IoU ≥ 0.5. Truth is the objects the video shows
(scene.json's `frames` not empty): an object no frame sees cannot be grounded.
With --qa, the scenes' questions are answered on these memories and on the
oracle memories, family by family. Rendered scenes are kept in --scenes-dir
and reused by later runs (only building the memories is timed and repeated).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from reasmory.benchmarks.qa import evaluate_all, load_questions, task_rows
from reasmory.benchmarks.report import emit
from reasmory.benchmarks.synthetic import ensure_scene
from reasmory.errors import InputError
from reasmory.memory import SpatialMemory
from reasmory.memory.boxes import iou_3d
from reasmory.memory.grounding.scene_memory import Noise, build_scene_memory
from reasmory.memory.oracle import from_scene

NOISE_LEVELS = {
    "none": Noise(),
    "depth 1%": Noise(depth_relative=0.01),
    "depth 3%": Noise(depth_relative=0.03),
    "pose 1°/2 cm": Noise(rotation_deg=1.0, translation_m=0.02),
}


def visible_truth(folder: Path) -> SpatialMemory:
    """The oracle memory of a scene, less the objects no frame of the video shows."""
    oracle = from_scene(folder / "scene.json")
    return oracle.with_objects([o for o in oracle.objects if o.frames])


def match(truth: SpatialMemory, built: SpatialMemory) -> dict[str, dict]:
    """Per label: IoUs of matched pairs, the numbers of true and built instances, and the misses (truth unmatched at
    0.5: id, IoU of its match or None)."""
    stats: dict[str, dict] = defaultdict(lambda: {"ious": [], "truth": 0, "built": 0, "misses": []})
    for label in {truth.canonical(x) for x in truth.labels()} | {truth.canonical(x) for x in built.labels()}:
        t, b = truth.find(label), built.find(label)
        stats[label]["truth"] += len(t)
        stats[label]["built"] += len(b)
        ious = np.array([[iou_3d(x.box, y.box) for y in b] for x in t]).reshape(len(t), len(b))
        rows, cols = linear_sum_assignment(-ious) if t and b else ([], [])
        stats[label]["ious"] += [float(ious[r, c]) for r, c in zip(rows, cols)]
        found = {r: float(ious[r, c]) for r, c in zip(rows, cols)}
        stats[label]["misses"] += [(t[r].id, found.get(r)) for r in range(len(t)) if found.get(r, 0.0) < 0.5]
    return stats


def summarise(all_stats: list[dict]) -> tuple[list[list], dict]:
    """Per-category rows (label, true, built, recall, precision, median IoU, share of scenes counted exactly) and totals."""
    per_label: dict[str, dict] = defaultdict(lambda: {"ious": [], "truth": 0, "built": 0, "exact": 0, "scenes": 0})
    for stats in all_stats:
        for label, s in stats.items():
            agg = per_label[label]
            agg["ious"] += s["ious"]
            agg["truth"] += s["truth"]
            agg["built"] += s["built"]
            agg["exact"] += s["truth"] == s["built"]
            agg["scenes"] += 1
    rows = []
    for label in sorted(per_label):
        a = per_label[label]
        hits = sum(i >= 0.5 for i in a["ious"])
        rows.append([label, a["truth"], a["built"], hits / max(a["truth"], 1), hits / max(a["built"], 1),
                     statistics.median(a["ious"]) if a["ious"] else 0.0, a["exact"] / a["scenes"]])
    ious = [i for a in per_label.values() for i in a["ious"]]
    hits = sum(i >= 0.5 for i in ious)
    total = {
        "recall_at_0.5": hits / max(sum(a["truth"] for a in per_label.values()), 1),
        "precision_at_0.5": hits / max(sum(a["built"] for a in per_label.values()), 1),
        "median_iou": statistics.median(ious) if ious else 0.0,
        "categories_counted_exactly": sum(a["exact"] for a in per_label.values()) / max(sum(a["scenes"] for a in per_label.values()), 1),
    }
    return rows, total


def scene_folder(scenes_dir: Path, seed: int, frames: int, width: int, height: int) -> Path:
    """The rendered scene of a seed, reused when its folder holds one of the asked size, else rendered there."""
    folder = ensure_scene(scenes_dir / f"synth_{seed:05d}", seed, frames, width, height)
    cams = json.loads((folder / "cameras.json").read_text())
    if (len(cams["frames"]), cams["width"], cams["height"]) != (frames, width, height):
        raise InputError(f"'{folder}' holds {len(cams['frames'])} frames of {cams['width']}×{cams['height']}, not {frames} of {width}×{height}",
                         hint="pass another --scenes-dir, or delete that folder to render it again")
    return folder


def run_level(folders: list[Path], noise: Noise) -> tuple[dict, dict[Path, SpatialMemory]]:
    """Every scene's memory built under `noise` and scored: totals, per-category rows, misses, timings."""
    stats, grounding, build, misses, built = [], [], [], [], {}
    for folder in folders:
        timings: dict[str, float] = {}
        built[folder] = build_scene_memory(folder, noise=noise, timings=timings)
        grounding.append(timings["grounding"])
        build.append(timings["grounding"] + timings["points"])
        stats.append(match(visible_truth(folder), built[folder]))
        misses += [[folder.name, label, obj, iou] for label, s in stats[-1].items() for obj, iou in s["misses"]]
    rows, total = summarise(stats)
    level = {**total, "median_grounding_seconds": statistics.median(grounding), "max_grounding_seconds": max(grounding),
             "median_build_seconds": statistics.median(build), "per_category": rows, "misses": misses}
    return level, built


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--frames", type=int, default=64)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--scenes-dir", type=Path, default=Path("bench-results/grounding-scenes"),
                        help="rendered scenes are kept here and reused")
    parser.add_argument("--noise", action="store_true", help="also run every noise level")
    parser.add_argument("--qa", action="store_true", help="also answer the scenes' questions and compare with the oracle")
    parser.add_argument("--json", type=Path, default=Path("bench-results/grounding.json"))
    args = parser.parse_args(argv)
    folders = [scene_folder(args.scenes_dir, s, args.frames, args.width, args.height) for s in range(args.seed, args.seed + args.scenes)]
    payload: dict = {"scenes": args.scenes, "frames": args.frames, "resolution": [args.width, args.height], "levels": {}}
    built_clean: dict[Path, SpatialMemory] = {}
    for name, noise in (NOISE_LEVELS if args.noise else {"none": Noise()}).items():
        payload["levels"][name], built = run_level(folders, noise)
        if name == "none":
            built_clean = built
            emit(f"grounding per category ({args.scenes} scenes, {args.frames} frames {args.width}×{args.height}, given masks, no noise)",
                 ["label", "true", "built", "recall@0.5", "precision@0.5", "median IoU", "count exact"],
                 payload["levels"][name]["per_category"], {}, None)
    emit("grounding over noise levels", ["noise", "recall@0.5", "precision@0.5", "median IoU", "counts exact", "grounding s (median)",
                                         "grounding s (max)", "build s (median)"],
         [[n, v["recall_at_0.5"], v["precision_at_0.5"], v["median_iou"], v["categories_counted_exactly"],
           v["median_grounding_seconds"], v["max_grounding_seconds"], v["median_build_seconds"]] for n, v in payload["levels"].items()],
         payload, None if args.qa else args.json)
    if args.qa:
        payload["qa"] = qa_comparison(folders, built_clean)
        emit("questions answered on grounded vs oracle memories (score per family, over all its questions)", ["task", "grounded", "oracle", "difference"],
             payload["qa"], payload, args.json)


def qa_comparison(folders: list[Path], built: dict[Path, SpatialMemory]) -> list[list]:
    questions = [(f, q) for f in folders for q in load_questions(f / "questions.jsonl")]
    oracle = {f: from_scene(f / "scene.json") for f in folders}
    keyed = [q.model_copy(update={"scene_name": str(f)}) for f, q in questions]
    rows_g, _ = task_rows(evaluate_all(keyed, lambda q: built[Path(q.scene_name)]))
    rows_o, _ = task_rows(evaluate_all(keyed, lambda q: oracle[Path(q.scene_name)]))
    oracle_score = {r["task"]: r["score"] for r in rows_o}
    return [[r["task"], r["score"], oracle_score[r["task"]], (r["score"] or 0) - (oracle_score[r["task"]] or 0)] for r in rows_g]


if __name__ == "__main__":
    main()
