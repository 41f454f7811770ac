"""Named perception-error presets, calibrated from published figures (docs/perception.md gives the sources).

- `exact`: perfect depth, poses and masks (the memory's upper bound after grounding).
- `rgbd-sensor`: a consumer depth sensor with SLAM poses (Kinect/ScanNet-style capture), plus an open-vocabulary
  detector and a promptable segmenter.
- `vggt-like`: VGGT's depth and cameras on indoor video (up to scale, in the first camera's frame), same detector.
- `sfm-like`: classical SfM (COLMAP) on a sparse walk: accurate but sparse points, some frames not registered,
  up to scale, same detector.

The achieved errors (depth AbsRel, camera ATE/RPE, detection recall/precision, mask IoU) are measured on
synthetic scenes by `python -m reasmory.benchmarks.perception` and listed beside their targets in the docs.
"""

from __future__ import annotations

from reasmory.errors import InputError
from reasmory.memory.perception.model import DepthErrors, DetectionErrors, MaskErrors, PerceptionModel, PoseErrors

#: The detector and segmenter every non-exact preset shares (they do not depend on how depth and poses were got):
#: Grounding DINO / OWLv2-class detections of common furniture, SAM-class masks from their boxes.
DETECTOR = DetectionErrors(miss=0.12, miss_small=0.25, confusion=0.06, duplicate=0.03, false_positives=0.3,
                           score_true=(0.35, 0.95), score_false=(0.25, 0.6))
SEGMENTER = MaskErrors(boundary=0.07, leak=0.1, leak_extent=0.25)

PRESETS: dict[str, PerceptionModel] = {
    "exact": PerceptionModel(name="exact", summary="perfect depth, poses and instance masks"),
    "rgbd-sensor": PerceptionModel(
        name="rgbd-sensor",
        summary="consumer depth sensor + SLAM poses; open-vocabulary detector + SAM-class masks",
        depth=DepthErrors(relative_noise=0.006, edge_bleed=0.0015),
        poses=PoseErrors(rotation_deg=0.1, translation_m=0.004, drift_rotation_deg=0.03, drift_translation_m=0.003),
        detections=DETECTOR, masks=SEGMENTER,
    ),
    "vggt-like": PerceptionModel(
        name="vggt-like",
        summary="VGGT depth and cameras on indoor video, up to scale; open-vocabulary detector + SAM-class masks",
        depth=DepthErrors(relative_noise=0.025, smooth_relative=0.045, frame_scale=0.025, edge_bleed=0.003, gross_share=0.05),
        poses=PoseErrors(rotation_deg=0.15, translation_m=0.003, drift_rotation_deg=0.05, drift_translation_m=0.0075),
        detections=DETECTOR, masks=SEGMENTER, metric=False,
    ),
    "sfm-like": PerceptionModel(
        name="sfm-like",
        summary="COLMAP-style SfM on a sparse walk: sparse triangulated depth, 5% of frames unregistered, up to scale; "
                "open-vocabulary detector + SAM-class masks",
        depth=DepthErrors(relative_noise=0.005, density=0.02),
        poses=PoseErrors(rotation_deg=0.1, translation_m=0.005, drift_rotation_deg=0.02, drift_translation_m=0.002,
                         unregistered=0.05),
        detections=DETECTOR, masks=SEGMENTER, metric=False,
    ),
}


#: What a part named after a preset with "+" takes away (`preset("vggt-like+true-masks")`): one source of error at a
#: time, to measure what it costs. `metric` gives the build the reconstruction's true frame (gravity and scale).
EXACT_PARTS: dict[str, dict[str, object]] = {
    "true-masks": {"detections": DetectionErrors(), "masks": MaskErrors()},
    "true-geometry": {"depth": DepthErrors(), "poses": PoseErrors()},
    "metric": {"metric": True},
}


def preset(name: str | PerceptionModel) -> PerceptionModel:
    """The named preset (a model passes through), less the parts named after it with "+" (`EXACT_PARTS`); an unknown
    name or part is an InputError listing the choices."""
    if isinstance(name, PerceptionModel):
        return name
    base, *parts = name.split("+")
    if base not in PRESETS:
        raise InputError(f"no perception preset '{base}'", hint="choose " + " | ".join(PRESETS)
                         + ", optionally followed by +" + " +".join(EXACT_PARTS))
    model = PRESETS[base]
    for part in parts:
        if part not in EXACT_PARTS:
            raise InputError(f"no part '{part}' to take away in perception '{name}'", hint="choose +" + " | +".join(EXACT_PARTS))
        model = model.model_copy(update=EXACT_PARTS[part])
    return model.model_copy(update={"name": name}) if parts else model
