"""Where grounding loses its instances under imperfect perception: each error source alone, and the ceiling.

    python -m reasmory.benchmarks.grounding_ceiling [--scenes 20] [--seed 0] [--perception vggt-like] [--json OUT]

Two kinds of rows, all on the same scenes, all scored as the grounding benchmark
scores (3D IoU with the visible truth, a hit at 0.5; memories in a
reconstruction's own frame are first moved onto the truth by the similarity that
best maps their cameras onto the true ones):

- **ceiling** rows give association for free: each true instance's masks (the
  true ones, or the preset's segmenter applied to them: misses, grown, shrunk and
  leaking masks, no look-alike labels or spurious detections) are lifted with the
  perceived depth and poses as grounding lifts them (`lift_instance`), every
  frame's points of one instance are fused, and one box is fitted and completed
  amodally (`fit_box`, `complete_box`). Fused as they come ("ceiling"), or after
  the multi-view steps grounding takes ("ceiling, view consensus": each view
  rescaled along its rays onto the others, `rescale_views`, and only points other
  frames confirm kept, `agreed`). What these rows miss, no association could
  recover; what they reach is what fitting boxes to those points gives.
- **pipeline** rows run the real build (`build_scene_memory`) with one part of the
  preset at a time: its depth and poses with true masks, its detector and
  segmenter with exact depth and poses, and the whole preset given the true metric
  frame (so gravity and scale estimation cost nothing) or not (the preset as
  `reasmory.benchmarks.grounding` runs it).

Recall is also split by object size: small objects (longest side under 0.5 m)
against large ones, and thin ones (shorter horizontal side under 0.1 m: doors,
windows, screens, whose IoU hinges on placing a plane within centimetres). Scenes are shared with the grounding benchmark (--scenes-dir).
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reasmory.benchmarks.grounding import in_truth_frame, scene_arguments, scene_folders, visible_truth
from reasmory.benchmarks.report import emit
from reasmory.memory import SpatialMemory
from reasmory.memory.boxes import OrientedBox, iou_3d
from reasmory.memory.grounding.complete import complete_box
from reasmory.memory.grounding.associate import thin_indices
from reasmory.memory.grounding.consensus import agreed, rescale_views
from reasmory.memory.grounding.fit import fit_box
from reasmory.memory.grounding.lift import depth_edges, depth_noise, lift_instance
from reasmory.memory.grounding.pipeline import GroundingSettings, synthetic_scene_inputs, typical_sides
from reasmory.memory.grounding.scene_memory import build_scene_memory
from reasmory.memory.grounding.sources import GivenMasks
from reasmory.memory.labels import LabelNormalizer
from reasmory.memory.model import Frame
from reasmory.memory.perception import PRESETS, DetectionErrors, PerceptionModel, perceive, preset, scene_seed

#: The kind of ceiling row whose views are rescaled onto each other before fusing (`rescale_views`).
CONSENSUS = "ceiling, view consensus"

#: Longest side (m) under which a true object counts as small.
SMALL_SIDE = 0.5
#: Shorter horizontal side (m) under which a true object counts as thin (doors, windows, screens, boards): its IoU
#: hinges on placing its plane within a few centimetres.
THIN_SIDE = 0.1


@dataclass(frozen=True)
class Outcome:
    """One true object's best IoU under a condition, whether it is small, and whether it is thin."""

    iou: float
    small: bool
    thin: bool = False


def outcome(box: OrientedBox, iou: float) -> Outcome:
    """A true object's outcome: its IoU and its size classes (`SMALL_SIDE`, `THIN_SIDE`)."""
    return Outcome(iou, box.longest_side < SMALL_SIDE, float(min(box.e[0], box.e[1])) < THIN_SIDE)


def identity_masks(folder: Path) -> GivenMasks:
    """The scene's true masks labelled by their instance id instead of their category: a detector model applied to
    them keeps each mask's identity (ids have no look-alikes, so no confusions or duplicates happen)."""
    given = GivenMasks.from_synthetic_scene(folder)
    return GivenMasks(given.id_map, {k: str(k) for k in given.labels})


def masks_only(model: PerceptionModel) -> PerceptionModel:
    """The model's detector misses and segmenter errors, without its look-alike labels and spurious detections."""
    det = model.detections
    return PerceptionModel(name=f"{model.name} masks", detections=DetectionErrors(miss=det.miss, miss_small=det.miss_small),
                           masks=model.masks)


def aligned_inputs(folder: Path, model: PerceptionModel) -> tuple[list[Frame], Callable[[int], np.ndarray], object]:
    """Frames, depth and instances as `model` perceives them, moved onto the true world by the camera similarity."""
    from reasmory.memory.reconstruction.evaluation import umeyama
    from reasmory.memory.reconstruction.world import move_frames

    frames, depth, _, _ = synthetic_scene_inputs(folder)
    seen = perceive(frames, depth, identity_masks(folder), model, scene_seed(folder.name))
    true = {f.index: f.position for f in frames}
    fit = umeyama(np.array([f.position for f in seen.frames]), np.array([true[f.index] for f in seen.frames]))
    sim = np.eye(4)
    sim[:3, :3], sim[:3, 3] = fit.scale * fit.R, fit.t
    scale = np.float32(fit.scale)
    return move_frames(seen.frames, sim), (lambda i: seen.depth(i) * scale), seen.source


def ceiling(folder: Path, model: PerceptionModel, settings: GroundingSettings, consensus: bool = False) -> list[Outcome]:
    """Every visible true object's IoU when its own masks' points (true association) are fitted and completed; with
    `consensus`, each view's points are first rescaled onto the others' (`rescale_views`)."""
    truth = visible_truth(folder)
    boxes = ceiling_boxes(folder, model, settings, truth, consensus)
    return [outcome(o.box, iou_3d(o.box, boxes[o.id][1]) if o.id in boxes else 0.0) for o in truth.objects]


def ceiling_boxes(folder: Path, model: PerceptionModel, settings: GroundingSettings, truth: SpatialMemory,
                  consensus: bool) -> dict[int, tuple[OrientedBox, OrientedBox]]:
    """True instance id → its box fitted to its own masks' fused points, and that box completed (see `ceiling`)."""
    frames, depth, source = aligned_inputs(folder, model)
    points: dict[int, list[np.ndarray]] = {}
    views: dict[int, list[tuple[np.ndarray, int]]] = {}
    codes: dict[int, list[np.ndarray]] = {}
    pixels: dict[int, dict[int, int]] = {}
    for frame in frames:
        d = depth(frame.index)
        edges = depth_edges(d, settings.depth_relative, settings.depth_absolute)
        sparse = bool((d > 0).mean() < settings.sparse_below)  # as `fragments_of_frame` lifts SfM's points
        noise = 0.0 if sparse else depth_noise(d)
        noise = noise if noise > settings.denoise_above else 0.0
        for inst in source.instances(frame.index, None):
            pts, outline = lift_instance(inst.mask, d, frame.K_array, frame.pose_array, edges, settings.erode,
                                         settings.depth_relative, settings.depth_absolute, noise, sparse)
            keep = thin_indices(pts, settings.association.point_spacing)  # as grounding thins each view's points
            pts, outline = pts[keep], outline[keep]
            if len(pts):
                key = int(inst.label)
                points.setdefault(key, []).append(pts)
                views.setdefault(key, []).append((frame.position, frame.index))
                codes.setdefault(key, []).append(outline)
                pixels.setdefault(key, {})[frame.index] = int(inst.mask.sum())
    if consensus:
        for k in points:
            cams, seen_in = zip(*views[k], strict=True)
            moved = rescale_views(points[k], cams, seen_in)
            keep = agreed(moved, seen_in)
            points[k] = [p[m] for p, m in zip(moved, keep, strict=True)]
            codes[k] = [c[m] for c, m in zip(codes[k], keep, strict=True)]
    ids = [k for k in points if sum(len(p) for p in points[k]) >= settings.min_fragment_points]
    fused = {k: np.concatenate(points[k]).astype(np.float64) for k in ids}
    fitted = {k: fit_box(fused[k]) for k in ids}
    normalizer = LabelNormalizer()
    typical = typical_sides(normalizer)
    labels = {o.id: normalizer.canonical(o.label) for o in truth.objects}
    by_index = {f.index: f for f in frames}
    boxes = {}
    for k in ids:
        seen = [by_index[i] for i in sorted(pixels[k], key=pixels[k].get, reverse=True)]
        others = [fitted[j] for j in ids if j != k]
        boxes[k] = fitted[k], complete_box(fitted[k], others, frames, depth, settings.floor_z, settings.min_thickness,
                                           typical.get(labels.get(k, "")), seen, (fused[k], np.concatenate(codes[k])))
    return boxes


def pipeline(folder: Path, model: PerceptionModel) -> tuple[list[Outcome], int]:
    """The real build under `model`, matched to the truth as the grounding benchmark matches (per label, Hungarian):
    every visible true object's IoU, and how many objects were built."""
    from reasmory.benchmarks.grounding import match

    built = build_scene_memory(folder, perception=model)
    truth = visible_truth(folder)
    stats = match(truth, in_truth_frame(built, truth)[0])
    found = {obj: iou for s in stats.values() for obj, iou in s["found"].items()}
    outcomes = [outcome(o.box, found.get(o.id, 0.0)) for o in truth.objects]
    return outcomes, sum(s["built"] for s in stats.values())


def row(name: str, kind: str, outcomes: list[Outcome], built: int | None) -> list:
    """Table row: condition, kind, recall@0.5 (all, small, large, thin, neither small nor thin), precision, median IoU,
    objects (all, small, thin)."""
    def recall(group: list[Outcome]) -> float | None:
        return sum(o.iou >= 0.5 for o in group) / len(group) if group else None

    hits = sum(o.iou >= 0.5 for o in outcomes)
    small = [o for o in outcomes if o.small]
    large = [o for o in outcomes if not o.small]
    thin = [o for o in outcomes if o.thin]
    bulky = [o for o in outcomes if not o.small and not o.thin]
    precision = hits / built if built else None
    median = statistics.median(o.iou for o in outcomes) if outcomes else 0.0
    return [name, kind, recall(outcomes), recall(small), recall(large), recall(thin), recall(bulky), precision, median,
            len(outcomes), len(small), len(thin)]


def conditions(model: PerceptionModel) -> dict[str, tuple[str, PerceptionModel]]:
    """Condition name → (kind, model): the preset's parts alone and together, metric so that only the camera
    similarity aligns them."""
    geometry = PerceptionModel(name=f"{model.name} depth+poses", depth=model.depth, poses=model.poses)
    masks = masks_only(model)
    together = geometry.model_copy(update={"detections": masks.detections, "masks": masks.masks})
    return {
        "exact": ("ceiling", PRESETS["exact"]),
        "depth only": ("ceiling", PerceptionModel(name="depth", depth=model.depth)),
        "poses only": ("ceiling", PerceptionModel(name="poses", poses=model.poses)),
        "depth+poses": ("ceiling", geometry),
        "masks only": ("ceiling", masks),
        "depth+poses+masks": ("ceiling", together),
        "depth+poses, view consensus": (CONSENSUS, geometry),
        "depth+poses+masks, view consensus": (CONSENSUS, together),
        "pipeline: depth+poses, true masks": ("pipeline", geometry),
        "pipeline: detector+masks, exact geometry": ("pipeline", PerceptionModel(name="detector", detections=model.detections,
                                                                                  masks=model.masks)),
        "pipeline: preset, true metric frame": ("pipeline", model.model_copy(update={"metric": True})),
        "pipeline: preset": ("pipeline", model),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scene_arguments(parser, scenes=20)
    parser.add_argument("--perception", default="vggt-like", choices=list(PRESETS), metavar="PRESET", help="the preset to take apart: " + " | ".join(PRESETS))
    parser.add_argument("--only", nargs="+", metavar="CONDITION", help="run only these conditions (names as in the table)")
    parser.add_argument("--json", type=Path, default=Path("bench-results/grounding-ceiling.json"))
    args = parser.parse_args(argv)
    model = preset(args.perception)
    chosen = {k: v for k, v in conditions(model).items() if not args.only or k in args.only}
    folders = scene_folders(args)
    settings_of = {f: GroundingSettings(min_visible_pixels=synthetic_scene_inputs(f)[3]) for f in folders}
    rows = []
    for name, (kind, level) in chosen.items():
        outcomes, built = [], 0
        for folder in folders:
            if kind.startswith("ceiling"):
                outcomes += ceiling(folder, level, settings_of[folder], consensus=kind == CONSENSUS)
            else:
                found, n = pipeline(folder, level)
                outcomes += found
                built += n
        rows.append(row(name, kind, outcomes, built if kind == "pipeline" else None))
        print(rows[-1], flush=True)
    settings = {"scenes": args.scenes, "seeds": f"{args.seed}–{args.seed + args.scenes - 1}", "frames": args.frames,
                "resolution": f"{args.width}×{args.height}", "preset": model.name, "small": f"longest side < {SMALL_SIDE} m"}
    emit(f"where grounding loses instances under {model.name}",
         ["condition", "kind", "recall@0.5", "recall small", "recall large", "recall thin", "recall large, not thin",
          "precision@0.5", "median IoU", "objects", "small", "thin"],
         rows, {"settings": settings, "rows": rows}, args.json)


if __name__ == "__main__":
    main()
