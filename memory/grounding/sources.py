"""2D instance sources: per frame, a list of masks with labels.

A source is anything with `instances(index, image) -> list[Instance2D]`.
`GivenMasks` reads instance-id maps (the synthetic scene format, ScanNet-style
exports); `reasmory.memory.grounding.detectors` runs text-prompted detectors
and segmenters through `transformers`. Ids are per frame: identity across
frames is established in 3D by `associate`, never assumed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image

from reasmory.errors import InputError


@dataclass(frozen=True)
class Instance2D:
    """One object instance in one frame: a boolean mask (H, W), its label and score."""

    mask: np.ndarray
    label: str
    score: float = 1.0

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) pixel bounds of the mask."""
        ys, xs = np.nonzero(self.mask)
        return float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)


class InstanceSource(Protocol):
    def instances(self, index: int, image: np.ndarray | None) -> list[Instance2D]: ...


def read_id_map(path: Path, offset: int = 1) -> np.ndarray:
    """An instance-id PNG as int32 ids (value − offset; −1 = no object)."""
    try:
        with Image.open(path) as img:
            return np.asarray(img).astype(np.int32) - offset
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read instance map '{path}': {exc}",
                         hint="each frame's 'instances' in the folder's cameras.json names its instance-id PNG: restore the "
                              "file, or make the folder again with 'reasmory synth'") from None


class GivenMasks:
    """Instance masks given as id maps plus a table id → label (ids need not agree across frames)."""

    def __init__(self, id_map: Callable[[int], np.ndarray], labels: Mapping[int, str], min_pixels: int = 1) -> None:
        self.id_map = id_map
        self.labels = dict(labels)
        self.min_pixels = min_pixels

    def instances(self, index: int, image: np.ndarray | None = None) -> list[Instance2D]:
        ids = self.id_map(index)
        present, counts = np.unique(ids[ids >= 0], return_counts=True)
        found = []
        for obj_id, count in zip(present.tolist(), counts.tolist()):
            if count >= self.min_pixels and obj_id in self.labels:
                found.append(Instance2D(mask=ids == obj_id, label=self.labels[obj_id]))
        return found

    @classmethod
    def from_synthetic_scene(cls, folder: Path) -> GivenMasks:
        """The instance maps of a `reasmory synth` folder with labels from its scene.json."""
        import json

        try:
            cameras = json.loads((folder / "cameras.json").read_text())
            scene = json.loads((folder / "scene.json").read_text())
        except (OSError, ValueError) as exc:
            raise InputError(f"'{folder}' is not a synthetic scene folder: {exc}", hint="make one with 'reasmory synth'") from None
        offset = int(cameras.get("instance_offset", 1))
        files = {f["index"]: folder / f["instances"] for f in cameras["frames"] if f.get("instances")}
        labels = {int(o["id"]): o["label"] for o in scene["objects"] if o.get("id") is not None}
        return cls(lambda i: read_id_map(files[i], offset), labels)
