"""A stand-in `vggt` package for tests: VGGT's documented output format, filled in by the test.

`encode` is written from VGGT's `pose_enc.py` (translation of the camera-from-world extrinsic, quaternion
x-y-z-w as scipy orders it, vertical then horizontal field of view) and shares no code with the decoder
under test. `install` puts a package whose `VGGT` model answers `forward(images)` with what the test's
function returns: `pose_enc` (1, S, 9), `depth` (1, S, H, W, 1), `depth_conf` (1, S, H, W).
"""

from __future__ import annotations

import importlib.machinery
import math
import sys
import types
from collections.abc import Callable

import numpy as np
import pytest
from scipy.spatial.transform import Rotation


def encode(pose: np.ndarray, K: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """VGGT's 9-value encoding of a camera-to-world pose and model-pixel intrinsics."""
    extrinsic = np.linalg.inv(pose)[:3]
    quat = Rotation.from_matrix(extrinsic[:, :3]).as_quat()
    fov_h, fov_w = 2 * math.atan(hw[0] / 2 / K[1, 1]), 2 * math.atan(hw[1] / 2 / K[0, 0])
    return np.concatenate([extrinsic[:, 3], quat, [fov_h, fov_w]])


def install(monkeypatch: pytest.MonkeyPatch, forward: Callable[..., dict]) -> type:
    """Install the stand-in package; returns its VGGT class (`VGGT.loads` counts loads)."""
    import torch

    class VGGT(torch.nn.Module):
        loads = 0

        @classmethod
        def from_pretrained(cls, name: str) -> VGGT:
            cls.loads += 1
            return cls()

        def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
            return forward(images)

    package, models, module = (types.ModuleType(n) for n in ("vggt", "vggt.models", "vggt.models.vggt"))
    module.VGGT = VGGT
    for name, mod in (("vggt", package), ("vggt.models", models), ("vggt.models.vggt", module)):
        mod.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=name != "vggt.models.vggt")
        monkeypatch.setitem(sys.modules, name, mod)
    return VGGT
