"""Per-frame instances as an open-vocabulary detector plus a promptable segmenter give them, from true masks.

`PerceivedInstances` wraps any `InstanceSource` (e.g. the given masks of a
synthetic scene). Per frame, reproducibly from (seed, frame index): each true
instance may be missed (more often when small), take a look-alike's label
(`LOOK_ALIKES`: cabinet/shelf, table/desk, …), come twice with two labels,
and have its mask grown or shrunk by a few pixels or leak past one side onto
what is behind it; spurious detections with plausible labels (the source's
vocabulary) are added on random parts of the image.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from reasmory.memory.grounding.sources import Instance2D, InstanceSource
from reasmory.memory.perception.model import DetectionErrors, MaskErrors

#: Categories detectors confuse with one another (canonical labels). Symmetric; a label may have several.
LOOK_ALIKES: dict[str, tuple[str, ...]] = {
    "cabinet": ("shelf", "nightstand"), "shelf": ("cabinet",), "nightstand": ("cabinet",),
    "table": ("desk", "counter"), "desk": ("table",), "counter": ("table", "cabinet"),
    "chair": ("stool",), "stool": ("chair",),
    "tv": ("monitor",), "monitor": ("tv",),
    "trash bin": ("basket", "bucket"), "basket": ("trash bin",), "bucket": ("trash bin",),
    "washer": ("dishwasher",), "dishwasher": ("washer",),
    "heater": ("radiator",), "radiator": ("heater",),
    "window": ("mirror",), "mirror": ("window",),
    "lamp": ("table lamp",), "table lamp": ("lamp",),
}

#: Instances smaller than this share of the image are missed more often (`miss_small`).
SMALL = 0.01


class PerceivedInstances:
    """An `InstanceSource` whose instances carry the modelled detector and segmenter errors; `shapes` gives each frame's
    (height, width) for spurious detections, `vocabulary` their labels."""

    def __init__(self, source: InstanceSource, detections: DetectionErrors, masks: MaskErrors, seed: tuple[int, ...],
                 vocabulary: list[str], shapes: Mapping[int, tuple[int, int]]) -> None:
        self.source = source
        self.shapes = dict(shapes)
        self.detections = detections
        self.masks = masks
        self.seed = seed
        self.vocabulary = sorted(set(vocabulary))

    def instances(self, index: int, image: np.ndarray | None) -> list[Instance2D]:
        rng = np.random.default_rng([*self.seed, index])
        det = self.detections
        found: list[Instance2D] = []
        for inst in self.source.instances(index, image):
            share = float(inst.mask.mean())
            miss = det.miss + det.miss_small * max(0.0, 1 - share / SMALL)
            if rng.random() < miss:
                continue
            label, score = inst.label, rng.uniform(*det.score_true)
            alike = LOOK_ALIKES.get(label, ())
            if alike and rng.random() < det.confusion:
                label, score = str(rng.choice(alike)), rng.uniform(*det.score_false)
            mask = self._mask(inst.mask, rng)
            if mask.any():
                found.append(Instance2D(mask=mask, label=label, score=float(score)))
            if alike and rng.random() < det.duplicate:
                twin = self._mask(inst.mask, rng)
                if twin.any():
                    found.append(Instance2D(mask=twin, label=str(rng.choice(alike)), score=float(rng.uniform(*det.score_false))))
        for _ in range(rng.poisson(det.false_positives) if self.vocabulary else 0):
            found.append(Instance2D(mask=blob(self.shapes[index], rng), label=str(rng.choice(self.vocabulary)),
                                    score=float(rng.uniform(*det.score_false))))
        return found

    def _mask(self, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        errors = self.masks
        size = float(np.sqrt(mask.sum() / np.pi))
        radius = int(round(rng.normal(0, errors.boundary) * size)) if errors.boundary else 0
        out = grow(mask, radius) if radius else mask
        if errors.leak and errors.leak_extent and rng.random() < errors.leak:
            out = leak(out, max(1, int(round(errors.leak_extent * size))), rng.uniform(0, 2 * np.pi))
        return out


def grow(mask: np.ndarray, radius: int) -> np.ndarray:
    """The mask dilated (radius > 0) or eroded (radius < 0) by |radius| pixels, worked on its bounding box only."""
    from scipy import ndimage

    ys, xs = np.nonzero(mask)
    if not len(ys):
        return mask
    pad = abs(radius) + 1
    y0, y1 = max(ys.min() - pad, 0), min(ys.max() + pad + 1, mask.shape[0])
    x0, x1 = max(xs.min() - pad, 0), min(xs.max() + pad + 1, mask.shape[1])
    crop = mask[y0:y1, x0:x1]
    disk = _disk(abs(radius))
    changed = ndimage.binary_dilation(crop, disk) if radius > 0 else ndimage.binary_erosion(crop, disk, border_value=1)
    out = np.zeros_like(mask)
    out[y0:y1, x0:x1] = changed
    return out


def leak(mask: np.ndarray, pixels: int, angle: float) -> np.ndarray:
    """The mask spilled `pixels` past one side (direction `angle`, radians in the image plane) onto what is behind."""
    dy, dx = int(round(pixels * np.sin(angle))), int(round(pixels * np.cos(angle)))
    out = mask.copy()
    for step in range(1, 4):  # a filled band, not a ghost copy
        sy, sx = dy * step // 3, dx * step // 3
        out |= _shifted(mask, sy, sx)
    return out


def _shifted(mask: np.ndarray, dy: int, dx: int) -> np.ndarray:
    out = np.zeros_like(mask)
    h, w = mask.shape
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = mask[max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)]
    return out


def blob(shape: tuple[int, int], rng: np.random.Generator, smallest: float = 0.005, largest: float = 0.05) -> np.ndarray:
    """A random elliptical mask covering `smallest`–`largest` of the image: where a spurious detection lands."""
    h, w = shape
    area = rng.uniform(smallest, largest) * h * w
    aspect = float(np.exp(rng.normal(0, 0.4)))
    a, b = np.sqrt(area * aspect / np.pi), np.sqrt(area / aspect / np.pi)
    cy, cx = rng.uniform(0, h), rng.uniform(0, w)
    ys, xs = np.ogrid[:h, :w]
    return ((ys - cy) / b) ** 2 + ((xs - cx) / a) ** 2 <= 1


def _disk(radius: int) -> np.ndarray:
    ys, xs = np.ogrid[-radius : radius + 1, -radius : radius + 1]
    return ys**2 + xs**2 <= radius**2
