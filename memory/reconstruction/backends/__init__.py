"""Reconstruction backends, chosen by name: each a pydantic config that builds its backend.

Importing this package is cheap: torch, vggt, pycolmap and Open3D are imported
only inside the backend that needs them.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from reasmory.errors import InputError, first_problem
from reasmory.memory.reconstruction.backends.base import Backend, BackendConfig, Reconstruction
from reasmory.memory.reconstruction.backends.rgbd import RGBDConfig
from reasmory.memory.reconstruction.backends.sfm import SfmConfig
from reasmory.memory.reconstruction.backends.vggt import VggtConfig

#: Every backend by name.
BACKENDS: dict[str, type[BackendConfig]] = {cfg.name: cfg for cfg in (RGBDConfig, SfmConfig, VggtConfig)}


def backend_class(name: str) -> type[BackendConfig]:
    """The config class of backend `name`; InputError for unknown names."""
    if name not in BACKENDS:
        raise InputError(f"unknown backend '{name}'", hint=f"choose one of: {', '.join(BACKENDS)} or auto")
    return BACKENDS[name]


def backend_config(name: str, **settings: Any) -> BackendConfig:
    """The validated config of backend `name`; InputError for unknown names or settings."""
    cls = backend_class(name)
    try:
        return cls(**settings)
    except ValidationError as exc:
        field, what = first_problem(exc, "")
        allowed = ", ".join(cls.model_fields)
        raise InputError(f"bad setting '{field}' for the {name} backend: {what}", hint=f"its settings are: {allowed}") from None


__all__ = ["BACKENDS", "Backend", "BackendConfig", "Reconstruction", "backend_class", "backend_config"]
