"""Metric scale for up-to-scale reconstructions: object-size priors, else the camera-height prior.

Runs after gravity alignment (floor at z = 0, z up). Two cues, each giving one
factor that multiplies reconstruction units into metres:

- object sizes: every known object whose category has a typical size votes
  with the mean log-ratio of typical to measured extents (only sides of at
  least `min_side` metres, which reconstructions measure reliably, and only
  sides that were measured, not completed; heights weigh double: depth errors
  stretch horizontal sides along the line of sight, heights run along the
  image's rows); the factor
  is the mean of the votes within 2.5 robust std-devs of their median (as
  robust as the median to odd objects, less noisy when all are ordinary), and
  the spread is the robust std-dev of the votes;
- camera height: people film at about eye height (`eye_height`, 1.5 m), so the
  factor is eye_height / median camera height above the floor.

Object sizes win when at least `min_objects` objects vote. `spread` is
relative (0.1 ≈ ±10 %).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.labels import LabelNormalizer
from reasmory.memory.model import ScaleInfo

Side = float | None

#: Typical full extents in metres (longer horizontal side, shorter horizontal side, height) of
#: VSI-Bench categories (and a few other household ones), from standard furniture and appliance dimensions (written by
#: hand; NOT derived from any benchmark's annotations, which would leak object-size answers).
#: None marks a side that varies too much to be a prior (a counter's length, a tv's depth).
#: Categories with no predictable size (blanket, towel, plant, mirror, window, lamp, …) are absent.
TYPICAL_SIZES: dict[str, tuple[Side, Side, Side]] = {
    "backpack": (0.32, 0.20, 0.45),
    "basket": (0.40, 0.30, 0.30),
    "bathtub": (1.70, 0.75, 0.55),
    "bed": (2.05, 1.50, 0.60),
    "bookshelf": (0.80, 0.30, 1.80),
    "bucket": (0.30, 0.30, 0.35),
    "cabinet": (None, 0.50, 0.85),
    "chair": (0.55, 0.50, 0.90),
    "clock": (0.30, None, 0.30),
    "closet": (1.20, 0.60, 2.00),
    "computer tower": (0.45, 0.20, 0.45),
    "counter": (None, 0.62, 0.90),
    "crate": (0.45, 0.35, 0.30),
    "cutting board": (0.40, 0.28, None),
    "dishwasher": (0.60, 0.60, 0.85),
    "door": (0.88, None, 2.03),
    "heater": (0.80, None, 0.60),
    "kettle": (0.22, 0.16, 0.24),
    "keyboard": (0.44, 0.14, None),
    "laptop": (0.34, 0.24, None),
    "mattress": (2.00, 1.40, 0.22),
    "microwave": (0.50, 0.38, 0.30),
    "monitor": (0.60, None, 0.45),
    "nightstand": (0.50, 0.40, 0.55),
    "oven": (0.60, 0.60, None),
    "piano": (1.50, 0.60, 1.20),
    "pillow": (0.50, 0.40, None),
    "printer": (0.45, 0.38, 0.25),
    "radiator": (0.80, None, 0.60),
    "refrigerator": (0.75, 0.70, 1.75),
    "shoe rack": (0.80, 0.30, 0.60),
    "sink": (None, 0.55, 0.88),
    "sofa": (2.00, 0.90, 0.85),
    "stool": (0.40, 0.40, 0.60),
    "stove": (0.76, 0.63, 0.91),
    "table": (None, 0.80, 0.75),
    "table lamp": (0.30, 0.30, 0.50),
    "toilet": (0.70, 0.40, 0.78),
    "trash bin": (0.35, 0.30, 0.50),
    "tv": (1.10, None, 0.65),
    "washer": (0.60, 0.60, 0.85),
    "whiteboard": (1.50, None, 1.00),
}


#: Typical sides good enough to complete a box by, too varied to set the scale by: a bed's box is as high as its
#: headboard when it has one; a table may be a dining (0.75 m) or a coffee table (0.45 m).
NO_SCALE_VOTE: dict[str, tuple[int, ...]] = {"bed": (2,), "table": (2,)}


class ScaleConfig(BaseModel):
    """Which cues set the metric scale of up-to-scale reconstructions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(default=True, description="estimate a metric scale for up-to-scale backends")
    eye_height: float = Field(default=1.5, gt=0, description="camera height above the floor, metres")
    min_objects: int = Field(default=2, ge=1, description="objects needed before object sizes win over camera height")
    min_side: float = Field(default=0.15, ge=0, description="ignore typical sides shorter than this, metres")
    keep_within: float = Field(default=2.5, gt=0, description="votes farther from their median than this many robust "
                               "std-devs (at least 5 %) are left out of the mean")
    height_weight: float = Field(default=2.0, gt=0, description="weight of a height against a horizontal side in an object's "
                                 "vote (a box's height runs along the image's rows; depth errors stretch its sides)")


@dataclass(frozen=True)
class ScaleEstimate:
    factor: float
    method: str
    spread: float
    votes: int

    def info(self) -> ScaleInfo:
        return ScaleInfo(factor=self.factor, method=self.method, spread=self.spread)


def _robust_std(values: np.ndarray) -> float:
    return float(1.4826 * np.median(np.abs(values - np.median(values)))) if len(values) > 1 else 0.0


def box_sides(box: OrientedBox, measured: Sequence[bool] | None = None) -> tuple[Side, Side, Side]:
    """(longer horizontal side, shorter horizontal side, height) of a box; height = the most vertical axis. With
    `measured` (per box axis), a side that was not measured (only completed) is None."""
    vertical = int(np.argmax(np.abs(box.R[2])))
    horizontal = sorted((k for k in range(3) if k != vertical), key=lambda k: -box.extents[k])
    return tuple(box.extents[k] if measured is None or measured[k] else None for k in (*horizontal, vertical))


def _typical(labels: LabelNormalizer) -> dict[str, tuple[Side, Side, Side]]:
    """Canonical label → the typical sides that vote on the scale (`NO_SCALE_VOTE` left out)."""
    skip = {labels.canonical(k): v for k, v in NO_SCALE_VOTE.items()}
    return {labels.canonical(k): tuple(None if i in skip.get(labels.canonical(k), ()) else x for i, x in enumerate(v))
            for k, v in TYPICAL_SIZES.items()}


def object_vote(typical: Sequence[Side], measured: Sequence[Side], min_side: float, height_weight: float = 1.0) -> float | None:
    """Weighted mean log(typical / measured) over the usable sides (the height `height_weight` times a horizontal
    side), or None when no side is usable."""
    usable = [(math.log(t / m), height_weight if k == 2 else 1.0) for k, (t, m) in enumerate(zip(typical, measured, strict=True))
              if t is not None and t >= min_side and m is not None and m > 0]
    return float(np.average([v for v, _ in usable], weights=[w for _, w in usable])) if usable else None


def from_objects(objects: Sequence[tuple[str, OrientedBox] | tuple[str, OrientedBox, Sequence[bool]]],
                 config: ScaleConfig | None = None) -> ScaleEstimate | None:
    """Scale from (label, gravity-aligned box in reconstruction units[, which box axes were measured]) with a typical
    size. Sides that were only completed (grown towards the typical size through space no camera saw) say nothing
    about the scale: leave them out with the third element."""
    cfg = config or ScaleConfig()
    labels = LabelNormalizer()
    typical = _typical(labels)
    votes = []
    for label, box, *measured in objects:
        sides = typical.get(labels.canonical(label))
        vote = object_vote(sides, box_sides(box, measured[0] if measured else None), cfg.min_side, cfg.height_weight) if sides else None
        if vote is not None:
            votes.append(vote)
    if not votes:
        return None
    logs = np.asarray(votes)
    spread = _robust_std(logs)
    centre = float(np.median(logs))
    kept = logs[np.abs(logs - centre) <= cfg.keep_within * max(spread, 0.05)]
    factor = math.exp(float(np.mean(kept)) if len(kept) else centre)
    return ScaleEstimate(factor, f"object-size priors ({len(votes)} objects)", math.expm1(spread), len(votes))


def from_camera_height(heights: np.ndarray, config: ScaleConfig | None = None) -> ScaleEstimate | None:
    """Scale from camera heights above the floor (reconstruction units), assuming eye height."""
    cfg = config or ScaleConfig()
    heights = np.asarray(heights, np.float64)
    heights = heights[heights > 0]
    if not len(heights):
        return None
    factor = cfg.eye_height / float(np.median(heights))
    spread = math.expm1(_robust_std(np.log(heights)))
    return ScaleEstimate(factor, f"camera-height prior ({cfg.eye_height} m eye height)", spread, len(heights))


def estimate_scale(
    camera_heights: np.ndarray, objects: Sequence[tuple[str, OrientedBox]] = (), config: ScaleConfig | None = None
) -> ScaleEstimate | None:
    """The best available scale: object sizes when enough objects vote, else camera height."""
    cfg = config or ScaleConfig()
    by_objects = from_objects(objects, cfg)
    if by_objects is not None and by_objects.votes >= cfg.min_objects:
        return by_objects
    return from_camera_height(camera_heights, cfg) or by_objects
