"""The text-prompted detector behind `answer()`: objects for videos and photos, and labels grounded on demand.

Settings name the detector (`detector`, `detector_checkpoint`, …); its weights
load once per process, on first use, and stay loaded for every later call and
every label. `DetectorGrounder` is the build pipeline's grounding hook for
videos and photos (it grounds `detector_labels`); `OnDemand` grounds labels a
program asks for that the memory lacks, records what it did as an attempt, and
writes the grown memory back to the cache entry it came from.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reasmory.answering.settings import Settings
from reasmory.errors import ReasmoryError
from reasmory.interpreter.trace import Attempt
from reasmory.memory import SpatialMemory
from reasmory.memory.reconstruction.cache import update_entry
from reasmory.memory.model import ObjectInstance
from reasmory.memory.reconstruction.backends.base import FEW_PHOTOS

if TYPE_CHECKING:
    from reasmory.memory.grounding.on_demand import Grounded
    from reasmory.memory.grounding.pipeline import GroundingSettings


def detector_options(settings: Settings) -> dict[str, Any]:
    """The `DetectorConfig` fields the settings choose (labels are given per use)."""
    options: dict[str, Any] = {"kind": settings.detector, "detector": settings.detector_checkpoint,
                               "device": settings.detector_device, "score_threshold": settings.detector_threshold}
    if settings.segmenter_checkpoint:
        options["segmenter"] = settings.segmenter_checkpoint
    return options


@functools.lru_cache(maxsize=2)
def _loaded(options: tuple[tuple[str, Any], ...]) -> Any:
    from reasmory.memory.grounding.detectors import DetectorConfig

    return DetectorConfig(labels=("object",), **dict(options)).setup()


class LazyDetector:
    """A `PromptedDetector` whose checkpoints load on the first `with_labels` (never, if nothing needs grounding)."""

    def __init__(self, settings: Settings) -> None:
        self.options = detector_options(settings)
        self.name = f"{settings.detector}:{settings.detector_checkpoint or 'default checkpoint'}"

    def with_labels(self, labels: Sequence[str]) -> Any:
        return _loaded(tuple(sorted(self.options.items()))).with_labels(labels)

    def check(self) -> None:
        """Refuse now a device or a checkpoint that loading would refuse later (before minutes of reconstruction)."""
        from reasmory.memory.grounding.detectors import DetectorConfig

        DetectorConfig(labels=("object",), **self.options).check()


def grounding_settings(memory: SpatialMemory) -> GroundingSettings | None:
    """None (the defaults: an object masked in one view only needs a confident detection) for videos; a few photos
    often show an object once, so any detection no other photo contradicts suffices."""
    if len(memory.frames) > FEW_PHOTOS:
        return None
    from reasmory.memory.grounding.pipeline import GroundingSettings  # grounding imports scipy: only when grounding

    defaults = GroundingSettings(floor_z=memory.scene.floor_z)
    return replace(defaults, support=replace(defaults.support, single_view_score=0.0))


def configured_detector(settings: Settings) -> LazyDetector | None:
    """The settings' detector, or None when none is configured."""
    return None if settings.detector == "none" else LazyDetector(settings)


class DetectorGrounder:
    """The build pipeline's grounding hook for videos and photos: the detector over every frame, for `labels`."""

    def __init__(self, detector: Any, labels: Sequence[str], settings: dict[str, Any]) -> None:
        self.detector = detector
        self.labels = tuple(dict.fromkeys(labels))
        self.settings = settings

    @property
    def fingerprint(self) -> dict[str, Any]:
        return {"kind": "detector", "labels": list(self.labels), "few_photos_min_views": 1, **self.settings}

    def __call__(self, memory: SpatialMemory) -> list[ObjectInstance]:
        from reasmory.memory.grounding.on_demand import ground_labels

        found = ground_labels(memory, self.labels, self.detector, max_frames=len(memory.frames), settings=grounding_settings(memory))
        return list(found.memory.objects)


class OnDemand:
    """Grounds labels a program asks for; knows which cache entry (if any) the memory came from."""

    def __init__(self, detector: Any, max_frames: int, cache_entry: Path | None = None) -> None:
        self.detector = detector
        self.max_frames = max_frames
        self.cache_entry = cache_entry

    def __call__(self, memory: SpatialMemory, labels: Sequence[str], index: int) -> tuple[SpatialMemory, Attempt]:
        """(the memory, grown where something was found; the attempt that records it).

        A cached memory is grown under its entry's lock, from the entry as stored now: two processes grounding
        labels in one memory at once keep both their findings, and the second finds the first's labels there.
        """
        from reasmory.memory.grounding.on_demand import ground_labels

        start = time.perf_counter()
        attempt = Attempt(index=index, kind="ground", generator=self.detector.name)
        runs: list[Grounded] = []

        def grow(current: SpatialMemory) -> SpatialMemory | None:
            runs.append(ground_labels(current, labels, self.detector, self.max_frames, grounding_settings(current)))
            return runs[-1].memory if runs[-1].found else None

        try:
            if self.cache_entry is None or update_entry(self.cache_entry, grow) is None:
                runs.clear()
                grow(memory)
        except ReasmoryError as exc:
            attempt.error, attempt.duration_ms = exc.one_line(), (time.perf_counter() - start) * 1000
            return memory, attempt
        done = runs[-1]
        found = "; ".join(f"{label}: {n} object{'s' * (n != 1)}" for label, n in done.found.items())
        attempt.ok = any(done.found.values()) or any(done.memory.has_label(label) for label in labels)
        attempt.answer = (f"{found} (over {done.frames} frames, {done.depth})" if found else
                          "nothing new to look for: the memory has these labels or looked for them before")
        if self.cache_entry is not None and done.found:
            attempt.answer += "; cached"
        attempt.duration_ms = (time.perf_counter() - start) * 1000
        return done.memory, attempt
