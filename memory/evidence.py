"""What a memory's facts rest on: per object, how it was seen; for the scene, its metric scale and reconstruction.

An answer is only as good as the objects and the scale it used. `evidence`
collects, for the objects an answer touched, the frames they were seen in,
the views that contributed, and how much of each box was completed rather
than seen; the scale's source and spread; and the reconstruction's warnings
(`reasmory.memory.quality`: sparse points, frames that did not register,
cameras off the trajectory). `Evidence.weak` turns whatever is weak into
one-line warnings, which the CLI prints under an answer and `reasmory memory
info` lists.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reasmory.defaults import new_list
from reasmory.memory.model import ObjectInstance, ScaleInfo
from reasmory.memory.quality import memory_warnings
from reasmory.memory.spatial_memory import SpatialMemory

ScaleSource = Literal["metric", "object sizes", "eye height", "unknown"]

#: How far off the eye-height prior may be: people film between about 1.2 and 1.8 m, the prior assumes 1.5 m.
EYE_HEIGHT_UNCERTAINTY = 0.2
#: Object-size scales whose votes spread more than this (relative) are reported as weak.
WEAK_SCALE_SPREAD = 0.15
#: An object box more than this share completed (not seen) is mostly inferred.
MOSTLY_COMPLETED = 0.5

#: A memory's reconstruction warnings, computed once per memory (every answer asks; the room's footprint is not free).
_WARNINGS: weakref.WeakKeyDictionary[SpatialMemory, list[str]] = weakref.WeakKeyDictionary()


#: Evidence is made here with `model_construct` from a loaded memory's validated facts (numbers already converted):
#: the validators are built when evidence is first read or written as JSON (in a trace), not as every run starts.
_BUILT_ON_FIRST_USE = ConfigDict(defer_build=True)


class ObjectEvidence(BaseModel):
    """How one object was observed."""

    model_config = _BUILT_ON_FIRST_USE

    id: int
    label: str
    frames_seen: int = Field(description="frames in which it is visible")
    views: int = Field(description="frames whose detections contributed to it (visible or not)")
    completed_fraction: float | None = Field(default=None, description="share of its most inferred side that amodal completion added, not seen (growth under 10 cm counts as seen); None for ground truth")


class ScaleEvidence(BaseModel):
    """Where the metric scale came from and how far it may be off (relative, 0.2 = ±20 %)."""

    model_config = _BUILT_ON_FIRST_USE

    source: ScaleSource
    method: str
    spread: float


class Evidence(BaseModel):
    """What an answer (or a whole memory) rests on."""

    model_config = _BUILT_ON_FIRST_USE

    objects: list[ObjectEvidence] = Field(default_factory=new_list)
    scale: ScaleEvidence
    warnings: list[str] = Field(default_factory=new_list, description="the reconstruction's weak points")

    def weak(self) -> list[str]:
        """One line per weak point: the scale, the reconstruction, then objects seen little or mostly inferred."""
        lines = [*scale_notes(self.scale), *self.warnings]
        for o in self.objects:
            if o.views and o.frames_seen == 1:  # an annotated object (no views: ground truth) was not observed at all
                lines.append(f"the {o.label} (id {o.id}) was seen in one frame only: its box and position rest on a single view")
            elif o.views and not o.frames_seen:
                lines.append(f"the {o.label} (id {o.id}) is visible in no frame: its box and position rest on detections alone")
            if o.completed_fraction is not None and o.completed_fraction > MOSTLY_COMPLETED:
                lines.append(f"{o.completed_fraction:.0%} of a side of the {o.label}'s box (id {o.id}) is inferred, not seen: its size may be off")
        return lines


def scale_source(info: ScaleInfo) -> ScaleSource:
    """The kind of cue behind a memory's scale, from the method the build recorded."""
    method = info.method.lower()
    if method.startswith("none") or "unknown scale" in method:
        return "unknown"
    if "camera-height" in method or "eye height" in method:
        return "eye height"
    if "object" in method:
        return "object sizes"
    return "metric"


def scale_evidence(info: ScaleInfo) -> ScaleEvidence:
    source = scale_source(info)
    spread = max(info.spread, EYE_HEIGHT_UNCERTAINTY) if source == "eye height" else info.spread
    return ScaleEvidence.model_construct(source=source, method=info.method, spread=float(spread))


def scale_notes(scale: ScaleEvidence) -> list[str]:
    if scale.source == "eye height":
        return [f"scale from the eye-height prior: sizes and distances may be off by ±{scale.spread:.0%}"]
    if scale.source == "unknown":
        return ["the memory has no metric scale: sizes and distances are in the reconstruction's own units"]
    if scale.source == "object sizes" and scale.spread > WEAK_SCALE_SPREAD:
        return [f"scale from typical object sizes that disagree by ±{scale.spread:.0%}: sizes and distances may be off as much"]
    return []


def object_evidence(obj: ObjectInstance) -> ObjectEvidence:
    completed = obj.attributes.get("completed")
    return ObjectEvidence.model_construct(
        id=obj.id, label=obj.label, frames_seen=len(obj.frames), views=int(obj.attributes.get("views", len(obj.frames))),
        completed_fraction=None if completed is None else float(completed))


def evidence(memory: SpatialMemory, object_ids: Iterable[int] | None = None) -> Evidence:
    """The evidence behind the objects `object_ids` (every object when None) and the memory's scale and reconstruction."""
    wanted = None if object_ids is None else set(object_ids)
    objects = [object_evidence(o) for o in memory.objects if wanted is None or o.id in wanted]
    if memory not in _WARNINGS:
        _WARNINGS[memory] = memory_warnings(memory)
    return Evidence.model_construct(objects=objects, scale=scale_evidence(memory.scene.scale), warnings=list(_WARNINGS[memory]))
