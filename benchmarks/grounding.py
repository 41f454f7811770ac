"""Grounded instances on synthetic scenes: recall, precision, box IoU and counts per category, per perception preset.

    python -m reasmory.benchmarks.grounding [--scenes 20] [--frames 64] [--perception exact vggt-like … | all] [--noise] [--qa] [--json OUT]

Memories are built from each scene's depth, poses and instance maps (`rgbd` +
given masks) as a perception-error preset perceives them (docs/perception.md;
`exact` by default) and compared with scene.json: instances matched per label
by 3D IoU (Hungarian), a hit at IoU ≥ 0.5. Truth is the objects the video
shows (scene.json's `frames` not empty): an object no frame sees cannot be
grounded. Memories of up-to-scale presets (vggt-like, sfm-like) are first moved
onto the truth by the similarity that best maps their cameras onto the true ones
(as ATE is scored); that similarity's scale is reported as the scale error.
--noise adds single-factor levels (depth noise, pose jitter). With
--qa, the scenes' questions are answered on every level's memories and on the
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
from reasmory.memory.grounding.scene_memory import build_scene_memory
from reasmory.memory.oracle import from_scene
from reasmory.memory.perception import PRESETS, DepthErrors, PerceptionModel, PoseErrors, preset

#: Single-factor levels (--noise): how much each kind of error alone costs.
NOISE_LEVELS = {
    "depth 1%": PerceptionModel(name="depth 1%", depth=DepthErrors(relative_noise=0.01)),
    "depth 3%": PerceptionModel(name="depth 3%", depth=DepthErrors(relative_noise=0.03)),
    "pose 1°/2 cm": PerceptionModel(name="pose 1°/2 cm", poses=PoseErrors(rotation_deg=1.0, translation_m=0.02)),
}


def in_truth_frame(built: SpatialMemory, truth: SpatialMemory) -> tuple[SpatialMemory, float]:
    """A memory built in its own frame (up-to-scale perception), moved onto the truth's by the similarity that best maps
    its cameras onto the true ones (as ATE and point-map accuracy are scored), and that similarity's scale: how far
    the memory's metric scale is off (1 = right), which question answering pays for and instance matching does not."""
    from reasmory.memory.reconstruction.evaluation import umeyama
    from reasmory.memory.reconstruction.world import move_frames, move_objects, move_points

    true = {f.index: f.position for f in truth.frames}
    pairs = [(f.position, true[f.index]) for f in built.frames if f.index in true]
    fit = umeyama(np.array([p for p, _ in pairs]), np.array([q for _, q in pairs]))
    sim = np.eye(4)
    sim[:3, :3], sim[:3, 3] = fit.scale * fit.R, fit.t
    moved = SpatialMemory(move_frames(built.frames, sim), move_points(built.points, sim), move_objects(built.objects, sim),
                          built.scene, built.provenance, synonyms=built.synonyms)
    return moved, fit.scale


def visible_truth(folder: Path) -> SpatialMemory:
    """The oracle memory of a scene, less the objects no frame of the video shows."""
    oracle = from_scene(folder / "scene.json")
    return oracle.with_objects([o for o in oracle.objects if o.frames])


def match(truth: SpatialMemory, built: SpatialMemory) -> dict[str, dict]:
    """Per label: IoUs of matched pairs, the numbers of true and built instances, the misses (truth unmatched at
    0.5: id, IoU of its match or None) and each matched true instance's IoU (`found`: id → IoU)."""
    stats: dict[str, dict] = defaultdict(lambda: {"ious": [], "truth": 0, "built": 0, "misses": [], "found": {}})
    for label in {truth.canonical(x) for x in truth.labels()} | {truth.canonical(x) for x in built.labels()}:
        t, b = truth.find(label), built.find(label)
        stats[label]["truth"] += len(t)
        stats[label]["built"] += len(b)
        ious = np.array([[iou_3d(x.box, y.box) for y in b] for x in t]).reshape(len(t), len(b))
        rows, cols = linear_sum_assignment(-ious) if t and b else ([], [])
        stats[label]["ious"] += [float(ious[r, c]) for r, c in zip(rows, cols)]
        found = {r: float(ious[r, c]) for r, c in zip(rows, cols)}
        stats[label]["misses"] += [(t[r].id, found.get(r)) for r in range(len(t)) if found.get(r, 0.0) < 0.5]
        stats[label]["found"].update({t[r].id: iou for r, iou in found.items()})
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


def run_level(folders: list[Path], perception: PerceptionModel) -> tuple[dict, dict[Path, SpatialMemory]]:
    """Every scene's memory built under `perception` and scored: totals, per-category rows, misses, timings."""
    stats, grounding, build, misses, built, scale_errors = [], [], [], [], {}, []
    for folder in folders:
        timings: dict[str, float] = {}
        built[folder] = build_scene_memory(folder, perception=perception, timings=timings)
        grounding.append(timings["grounding"])
        build.append(timings["grounding"] + timings["points"])
        truth = visible_truth(folder)
        aligned, scale = (built[folder], 1.0) if perception.metric else in_truth_frame(built[folder], truth)
        scale_errors.append(abs(scale - 1))
        stats.append(match(truth, aligned))
        misses += [[folder.name, label, obj, iou] for label, s in stats[-1].items() for obj, iou in s["misses"]]
    rows, total = summarise(stats)
    level = {**total, "median_scale_error": statistics.median(scale_errors),
             "median_grounding_seconds": statistics.median(grounding), "max_grounding_seconds": max(grounding),
             "median_build_seconds": statistics.median(build), "per_category": rows, "misses": misses}
    return level, built


def scene_arguments(parser: argparse.ArgumentParser, scenes: int) -> None:
    """--scenes, --seed, --frames, --width, --height, --scenes-dir: which rendered scenes a benchmark runs on."""
    parser.add_argument("--scenes", type=int, default=scenes)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--frames", type=int, default=64)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--scenes-dir", type=Path, default=Path("bench-results/grounding-scenes"),
                        help="rendered scenes are kept here and reused")


def scene_folders(args: argparse.Namespace) -> list[Path]:
    """The scenes `scene_arguments` chose, rendered where missing."""
    return [scene_folder(args.scenes_dir, s, args.frames, args.width, args.height) for s in range(args.seed, args.seed + args.scenes)]


def perception_name(name: str) -> str:
    """An argparse type: "all", or a preset's name, optionally less parts (`vggt-like+true-masks`, `preset`)."""
    if name != "all":
        try:
            preset(name)
        except InputError as exc:
            raise argparse.ArgumentTypeError(exc.one_line()) from None
    return name


def levels_of(names: list[str], noise: bool) -> dict[str, PerceptionModel]:
    """The perception levels to run: presets by name, each optionally less parts ("all": every preset), then the
    --noise levels."""
    chosen = list(PRESETS) if "all" in names else names
    return {**{n: preset(n) for n in chosen}, **(NOISE_LEVELS if noise else {})}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scene_arguments(parser, scenes=20)
    parser.add_argument("--perception", nargs="+", default=["exact"], metavar="PRESET", type=perception_name,
                        help="perception-error presets to run: " + " | ".join([*PRESETS, "all"])
                        + ", each optionally less a part: +true-masks, +true-geometry or +metric")
    parser.add_argument("--noise", action="store_true", help="also run single-factor noise levels (depth 1%%, 3%%, pose 1°/2 cm)")
    parser.add_argument("--qa", action="store_true", help="also answer the scenes' questions and compare with the oracle")
    parser.add_argument("--json", type=Path, default=Path("bench-results/grounding.json"))
    args = parser.parse_args(argv)
    levels = levels_of(args.perception, args.noise)
    settings = {"scenes": args.scenes, "seeds": f"{args.seed}–{args.seed + args.scenes - 1}", "frames": args.frames,
                "resolution": f"{args.width}×{args.height}", "masks": "given (instance maps)", "perception": ", ".join(levels)}
    folders = scene_folders(args)
    payload: dict = {"scenes": args.scenes, "frames": args.frames, "resolution": [args.width, args.height], "settings": settings,
                     "levels": {}}
    built: dict[str, dict[Path, SpatialMemory]] = {}
    for name, perception in levels.items():
        payload["levels"][name], built[name] = run_level(folders, perception)
        emit(f"grounding per category ({name})", ["label", "true", "built", "recall@0.5", "precision@0.5", "median IoU", "count exact"],
             payload["levels"][name]["per_category"], {"settings": settings}, None)
    emit("grounding per perception level", ["perception", "recall@0.5", "precision@0.5", "median IoU", "counts exact",
                                             "scale error (median)", "grounding s (median)", "grounding s (max)", "build s (median)"],
         [[n, v["recall_at_0.5"], v["precision_at_0.5"], v["median_iou"], v["categories_counted_exactly"], v["median_scale_error"],
           v["median_grounding_seconds"], v["max_grounding_seconds"], v["median_build_seconds"]] for n, v in payload["levels"].items()],
         payload, None if args.qa else args.json)
    if args.qa:
        payload["qa"] = qa_comparison(folders, built)
        emit("questions answered on grounded vs oracle memories (score per family, over all its questions)", ["task", *built, "oracle"],
             payload["qa"], payload, args.json)


def qa_comparison(folders: list[Path], built: dict[str, dict[Path, SpatialMemory]]) -> list[list]:
    """Per family: the score on each level's memories, then on the oracle memories."""
    questions = [(f, q) for f in folders for q in load_questions(f / "questions.jsonl")]
    oracle = {f: from_scene(f / "scene.json") for f in folders}
    keyed = [q.model_copy(update={"scene_name": str(f)}) for f, q in questions]
    scores = {name: {r["task"]: r["score"] for r in task_rows(evaluate_all(keyed, lambda q, m=memories: m[Path(q.scene_name)]))[0]}
              for name, memories in built.items()}
    rows_o, _ = task_rows(evaluate_all(keyed, lambda q: oracle[Path(q.scene_name)]))
    return [[r["task"], *(scores[name].get(r["task"]) for name in built), r["score"]] for r in rows_o]


if __name__ == "__main__":
    main()
