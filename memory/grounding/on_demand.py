"""Grounding labels a built memory lacks, when a program asks for them.

A memory holds the objects its build grounded. A question may name one it
never looked for ("the fire extinguisher"): with a text-prompted detector
configured, `ground_labels` runs it for just those labels over (a sample of)
the memory's frames, lifts and merges the detections like a build does, and
returns the memory with the new objects added. What was tried is recorded in
the memory's provenance (`settings["on_demand"]`: label → objects found), so
a label that found nothing is not looked for again in that memory.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from reasmory.memory.grounding.frame_images import FrameDepth, FrameImages
from reasmory.memory.grounding.pipeline import GroundingSettings, ground
from reasmory.memory.grounding.sources import InstanceSource
from reasmory.memory.spatial_memory import SpatialMemory

from reasmory.errors import ReasmoryError


class GroundingUnavailable(ReasmoryError):
    """The memory's frames cannot be looked at again (pictures moved or never kept)."""


class PromptedDetector(Protocol):
    """A detector that can be asked for any labels (e.g. `TransformersDetector`)."""

    name: str

    def with_labels(self, labels: Sequence[str]) -> InstanceSource: ...


@dataclass(frozen=True)
class Grounded:
    """What one on-demand grounding did: the memory after it, objects found per label, frames looked at, seconds."""

    memory: SpatialMemory
    found: dict[str, int]
    frames: int
    seconds: float
    depth: str


def tried_labels(memory: SpatialMemory) -> dict[str, int]:
    """Labels a detector already looked for in this memory (at build time or on demand) → objects found."""
    grounding = memory.provenance.settings.get("grounding")
    built = grounding.get("labels", []) if isinstance(grounding, dict) and grounding.get("kind") == "detector" else []
    return {**{label: len(memory.find(label)) for label in built}, **memory.provenance.settings.get("on_demand", {})}


def sample_frames(memory: SpatialMemory, most: int) -> list[int]:
    """Up to `most` frame indices spread evenly over the memory's frames."""
    indices = [f.index for f in memory.frames]
    if len(indices) <= most:
        return indices
    return [indices[i] for i in np.linspace(0, len(indices) - 1, most).round().astype(int)]


def ground_labels(memory: SpatialMemory, labels: Sequence[str], detector: PromptedDetector, max_frames: int = 32,
                  settings: GroundingSettings | None = None) -> Grounded:
    """The memory with objects of `labels` added (labels it holds or already tried are skipped)."""
    start = time.perf_counter()
    tried = tried_labels(memory)
    canonical = dict.fromkeys(memory.canonical(label) for label in labels)  # "lamps" → "lamp": the prompt and the label
    wanted = [label for label in canonical if not memory.has_label(label) and label not in tried]
    depth = FrameDepth(memory)
    if not wanted:
        return Grounded(memory, {}, 0, 0.0, depth.kind)
    images = FrameImages(memory)
    problem = images.missing()
    if problem:
        raise GroundingUnavailable(f"cannot look for {', '.join(map(repr, wanted))} in this memory: {problem}",
                                   hint="keep the video or images where the memory was built from, or rebuild it")
    indices = sample_frames(memory, max_frames)
    images.load(indices)
    frames = [f for f in memory.frames if f.index in set(indices)]
    floor = memory.scene.floor_z
    new = ground(frames, depth, detector.with_labels(wanted), settings or GroundingSettings(floor_z=floor), image=images,
                 normalizer=memory.normalizer)
    found = {label: sum(memory.normalizer.canonical(o.label) == memory.normalizer.canonical(label) for o in new) for label in wanted}
    first_id = max((o.id for o in memory.objects), default=-1) + 1
    added = [o.model_copy(update={"id": first_id + i}) for i, o in enumerate(new)]
    grown = memory.with_objects([*memory.objects, *added])
    note = ", ".join(f"'{label}' → {n}" for label, n in found.items())
    grown.provenance = memory.provenance.model_copy(update={
        "settings": {**memory.provenance.settings, "on_demand": {**tried, **found}},
        "notes": [*memory.provenance.notes, f"grounded on demand with {detector.name} over {len(frames)} frames: {note}"],
    })
    return Grounded(grown, found, len(frames), time.perf_counter() - start, depth.kind)
