"""Build settings: one flat `**settings` dict from the user, routed to the stage that owns each key.

- `frames`, `stride`, `keep_depth`: sampling and what the memory keeps;
- PostprocessConfig fields (`voxel_size`, `min_confidence`, …): point clean-up,
  over the backend's own defaults;
- `gravity` (a mode, dict or GravityConfig), `scale` (bool, dict or
  ScaleConfig), `eye_height`: gravity and metric scale;
- everything else: the backend's config (unknown keys are refused there).

Everything in a `BuildPlan` changes the memory, so all of it goes into the cache key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reasmory.errors import InputError, first_problem
from reasmory.memory.reconstruction.backends import BackendConfig, backend_class, backend_config
from reasmory.memory.reconstruction.frames import Sampling
from reasmory.memory.reconstruction.gravity import GravityConfig
from reasmory.memory.reconstruction.postprocess import PostprocessConfig
from reasmory.memory.reconstruction.scale import ScaleConfig


class BuildSettings(BaseModel):
    """Every setting of a build that is not the backend's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    frames: int | None = Field(default=None, ge=1, description="at most this many frames, uniformly (None: the backend's default)")
    stride: int | None = Field(default=None, ge=1, description="every stride-th frame, before `frames`")
    keep_depth: bool = Field(default=True, description="keep per-frame depth (and confidence) maps in the memory")
    postprocess: PostprocessConfig = Field(default_factory=PostprocessConfig)
    gravity: GravityConfig = Field(default_factory=GravityConfig)
    scale: ScaleConfig = Field(default_factory=ScaleConfig)


@dataclass(frozen=True)
class BuildPlan:
    """A resolved backend config plus the build settings: everything that shapes the memory."""

    backend: BackendConfig
    settings: BuildSettings

    def sampling(self) -> Sampling:
        frames = self.settings.frames
        if frames is None and self.settings.stride is None:
            frames = self.backend.default_frames
        return Sampling(frames=frames, stride=self.settings.stride)

    def fingerprint(self) -> dict[str, Any]:
        """JSON-able description of the plan (provenance and cache key)."""
        return {"backend": self.backend.name, "backend_settings": self.backend.model_dump(mode="json"),
                **self.settings.model_dump(mode="json")}


def _section(value: Any, config: type[BaseModel], flag: str) -> dict[str, Any]:
    """A stage's settings from a bool / mode string / dict / config value."""
    if isinstance(value, config):
        return value.model_dump()
    if isinstance(value, dict):
        return dict(value)
    return {flag: value}


def plan_build(backend: str, **settings: Any) -> BuildPlan:
    """Route flat user settings to the stages (see the module docstring)."""
    top = {k: settings.pop(k) for k in ("frames", "stride", "keep_depth") if k in settings}
    cls = backend_class(backend)
    post = {**cls.postprocess_defaults, **{k: settings.pop(k) for k in list(settings) if k in PostprocessConfig.model_fields}}
    gravity = _section(settings.pop("gravity", {}), GravityConfig, "mode")
    scale = _section(settings.pop("scale", {}), ScaleConfig, "enabled")
    if "eye_height" in settings:
        scale["eye_height"] = settings.pop("eye_height")
    try:
        build = BuildSettings(**top, postprocess=post, gravity=gravity, scale=scale)
    except ValidationError as exc:
        where, what = first_problem(exc, "")
        raise InputError(f"bad build setting '{where}': {what}", hint="see docs/backends.md for the settings") from None
    return BuildPlan(backend=backend_config(backend, **settings), settings=build)
