"""Metric scale for up-to-scale reconstructions: object-size priors, else the camera-height prior.

Runs after gravity alignment (floor at z = 0, z up). Two cues, each giving one
factor that multiplies reconstruction units into metres:

- object sizes: every known object whose category has a typical size votes
  with the log-ratio of typical to measured extents (only sides of at least
  `min_side` metres, which reconstructions measure reliably, and only sides
  that were measured, not completed). Each side weighs by how much it can be
  trusted: 1 / (how much the category's side varies between real objects,
  `SIZE_SPREAD`, squared + the measurement's own noise squared), so a door's
  height outweighs a trash bin's; an object votes with the weighted mean of
  its sides and the sum of their weights. The factor is the weighted mean of
  the votes within 2.5 robust std-devs of their weighted median (as robust as
  the median to odd objects, less noisy when all are ordinary), and the
  spread is the robust std-dev of the votes;
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


#: How much each typical side varies between real objects of its category (relative std-dev; same order of sides), from
#: the same standard dimensions: doors, appliances and counter heights are standardised to a few per cent, bins, tvs
#: and whiteboards vary by a third. Categories absent here vary by `DEFAULT_SPREAD`.
SIZE_SPREAD: dict[str, tuple[Side, Side, Side]] = {
    "backpack": (0.15, 0.15, 0.15), "bathtub": (0.06, 0.05, 0.10), "bed": (0.04, 0.20, None),
    "bookshelf": (0.25, 0.15, 0.15), "chair": (0.10, 0.10, 0.08), "closet": (0.20, 0.10, 0.05),
    "counter": (None, 0.05, 0.03), "dishwasher": (0.03, 0.05, 0.03), "door": (0.08, None, 0.025),
    "heater": (0.25, None, 0.20), "keyboard": (0.06, 0.10, None), "laptop": (0.08, 0.08, None),
    "mattress": (0.04, 0.20, 0.20), "microwave": (0.10, 0.10, 0.10), "monitor": (0.15, None, 0.15),
    "nightstand": (0.15, 0.15, 0.12), "oven": (0.05, 0.05, None), "piano": (0.10, 0.10, 0.10),
    "pillow": (0.15, 0.15, None), "radiator": (0.25, None, 0.20), "refrigerator": (0.10, 0.08, 0.07),
    "sink": (None, 0.08, 0.04), "sofa": (0.15, 0.10, 0.08), "stove": (0.05, 0.04, 0.03),
    "toilet": (0.06, 0.08, 0.06), "trash bin": (0.30, 0.30, 0.30), "tv": (0.30, None, 0.25),
    "washer": (0.03, 0.05, 0.03), "whiteboard": (0.30, None, 0.20),
}
DEFAULT_SPREAD = 0.20


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
    side_noise: float = Field(default=0.08, ge=0, description="relative std-dev of a side as a reconstruction measures it, "
                              "on top of how much the category varies")
    side_noise_m: float = Field(default=0.03, ge=0, description="std-dev in metres of a side as measured (small sides are "
                                "off by more than their share)")


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


def _typical(labels: LabelNormalizer) -> dict[str, tuple[tuple[Side, Side, Side], tuple[float, float, float]]]:
    """Canonical label → the typical sides that vote on the scale (`NO_SCALE_VOTE` left out) and their spreads."""
    skip = {labels.canonical(k): v for k, v in NO_SCALE_VOTE.items()}
    spreads = {labels.canonical(k): v for k, v in SIZE_SPREAD.items()}
    out = {}
    for name, sides in TYPICAL_SIZES.items():
        label = labels.canonical(name)
        spread = spreads.get(label, (None,) * 3)
        out[label] = (tuple(None if i in skip.get(label, ()) else x for i, x in enumerate(sides)),
                      tuple(DEFAULT_SPREAD if s is None else s for s in spread))
    return out


def object_vote(typical: Sequence[Side], measured: Sequence[Side], min_side: float,
                spread: Sequence[float] = (DEFAULT_SPREAD,) * 3, noise: float = 0.0,
                noise_m: float = 0.0) -> tuple[float, float] | None:
    """(mean log(typical / measured) over the usable sides, each weighted by 1 / its variance, and the sum of the
    weights), or None when no side is usable. A side's variance: the category's `spread` of it squared, plus the
    measurement's relative `noise` and its `noise_m` metres (as a share of the side) squared."""
    usable = [(math.log(t / m), 1.0 / (s**2 + noise**2 + (noise_m / t) ** 2))
              for t, m, s in zip(typical, measured, spread, strict=True)
              if t is not None and t >= min_side and m is not None and m > 0]
    if not usable:
        return None
    weights = [w for _, w in usable]
    return float(np.average([v for v, _ in usable], weights=weights)), float(sum(weights))


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


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
        prior = typical.get(labels.canonical(label))
        if prior is not None:
            measured_sides = box_sides(box, measured[0] if measured else None)
            vote = object_vote(prior[0], measured_sides, cfg.min_side, prior[1], cfg.side_noise, cfg.side_noise_m)
            if vote is not None:
                votes.append(vote)
    if not votes:
        return None
    logs, weights = (np.asarray(column) for column in zip(*votes))
    spread = _robust_std(logs)
    kept = np.abs(logs - _weighted_median(logs, weights)) <= cfg.keep_within * max(spread, 0.05)
    factor = math.exp(float(np.average(logs[kept], weights=weights[kept])))
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
