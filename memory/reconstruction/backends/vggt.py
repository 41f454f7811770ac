"""`vggt`: the official VGGT model (feed-forward cameras + depth; up to scale), optional.

Needs the `vggt` package, installed by the user from its repository
(docs/backends.md) and weights from a local file/folder or the Hugging Face
cache. Runs in bf16 on GPUs that support it (fp16 on older ones, fp32 on the
CPU). Inputs longer than `chunk_size` frames run in several passes that all
include frame 0; each pass's scale is matched to the first through frame 0's
depth (see vggt_geometry). Points come from depth + cameras, which VGGT's
authors report to be more accurate than its point-map head.
"""

from __future__ import annotations

import functools
import importlib.util
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from reasmory.errors import InputError
from reasmory.memory.reconstruction.backends import vggt_geometry as geo
from reasmory.memory.reconstruction.backends.base import Backend, BackendConfig, Reconstruction, backproject, make_frame
from reasmory.memory.reconstruction.frames import FrameSet
from reasmory.memory.reconstruction.progress import progress_bar
from reasmory.memory.model import PointCloud

INSTALL = 'pip install "vggt @ git+https://github.com/facebookresearch/vggt"'
MISSING = "the vggt backend needs the optional 'vggt' package, which is not installed"


def require_vggt() -> None:
    """InputError with the install command when the `vggt` package is missing."""
    if importlib.util.find_spec("vggt") is None:
        raise InputError(MISSING, hint=f"install it with: {INSTALL}  (or use --backend sfm)")


@functools.lru_cache(maxsize=1)
def _model_on(model_cls: Any, weights: str, device: str) -> Any:
    """The loaded model on `device`, kept for the next build in this process (a GPU actor builds many videos)."""
    return _load_model(model_cls, weights).to(device).eval()


def _load_model(VGGT: Any, weights: str) -> Any:  # noqa: N803  (the model class)
    import torch

    path = Path(weights).expanduser()
    try:
        if path.is_file():
            model = VGGT()
            if path.suffix == ".safetensors":
                from safetensors.torch import load_file

                state = load_file(str(path))
            else:
                state = torch.load(path, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
            return model
        return VGGT.from_pretrained(str(path) if path.is_dir() else weights)
    except (OSError, ValueError, RuntimeError, pickle.UnpicklingError) as exc:
        raise InputError(
            f"cannot load VGGT weights '{weights}': {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
            hint="download facebook/VGGT-1B into the Hugging Face cache (`hf download facebook/VGGT-1B`) "
            "or pass weights=/path/to/model.pt",
        ) from None


def _device_dtype(device: str, dtype: str) -> tuple[Any, Any]:
    import torch

    dev = ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device
    if dtype != "auto":
        return dev, getattr(torch, dtype)
    if dev == "cuda":
        return dev, torch.bfloat16 if torch.cuda.get_device_capability()[0] >= 8 else torch.float16
    return dev, torch.float32


@dataclass(frozen=True)
class _Prediction:
    """VGGT's output for every frame, in the first pass's frame and units, at model resolution."""

    poses: np.ndarray  # (S, 4, 4) camera-to-world
    K: np.ndarray  # (S, 3, 3) model pixels
    depth: np.ndarray  # (S, H', W') float32
    confidence: np.ndarray  # (S, H', W') float32 in [0, 1]
    runtime: str


class VggtBackend(Backend):
    config: VggtConfig

    def reconstruct(self, frames: FrameSet, progress: bool = True) -> Reconstruction:
        require_vggt()
        width, height = frames.size
        grid = geo.model_grid(width, height)
        images = np.stack([geo.preprocess(f.image, grid) for f in frames.frames])
        pred = self.predict(images, progress)
        out_frames, clouds = [], []
        for i, f in enumerate(frames.frames):
            out_frames.append(make_frame(f, grid.input_intrinsics(pred.K[i]), pred.poses[i]))
            xyz, pix = backproject(pred.depth[i], pred.K[i], pred.poses[i])
            rgb = (images[i][:, pix[:, 0], pix[:, 1]].T * 255).round().astype(np.uint8)
            conf = pred.confidence[i][pix[:, 0], pix[:, 1]]
            clouds.append(PointCloud.from_xyz(xyz, rgb, np.full(len(xyz), f.index, np.int32), conf))
        points = PointCloud(*(np.concatenate([getattr(c, k) for c in clouds]) for k in ("xyz", "rgb", "frame", "confidence")))
        return Reconstruction(
            frames=out_frames,
            points=points,
            up_to_scale=True,
            total_frames=len(frames),
            depth=np.stack([grid.to_input(d, width, height) for d in pred.depth]),
            confidence=np.stack([grid.to_input(c, width, height) for c in pred.confidence]),
            notes=[f"vggt: {len(frames)} frames at {grid.width}×{grid.height}, {pred.runtime}"],
        )

    def predict(self, images: np.ndarray, progress: bool = True) -> _Prediction:
        """Run VGGT on preprocessed (S, 3, H', W') images, in passes that share frame 0."""
        import torch

        cfg = self.config
        device, dtype = _device_dtype(cfg.device, cfg.dtype)
        from vggt.models.vggt import VGGT

        model = _model_on(VGGT, cfg.weights, str(device))
        n, hw = len(images), images.shape[-2:]
        poses, K = np.zeros((n, 4, 4)), np.zeros((n, 3, 3))
        depth, conf = np.zeros((n, *hw), np.float32), np.zeros((n, *hw), np.float32)
        passes = geo.chunks(n, cfg.chunk_size)
        with progress_bar("VGGT", len(passes), progress) as advance:
            for k, idx in enumerate(passes):
                batch = torch.from_numpy(images[idx]).to(device)
                with torch.inference_mode(), torch.autocast(device_type=device, dtype=dtype, enabled=dtype != torch.float32):
                    out = model(batch)
                extrinsic, K_pass = geo.decode_pose_encoding(out["pose_enc"].float().cpu().numpy()[0], tuple(hw))
                p = geo.camera_to_world(extrinsic)
                d = out["depth"].float().cpu().numpy()[0, ..., 0]
                c = geo.confidence_01(out["depth_conf"].float().cpu().numpy()[0])
                if k > 0:  # bring this pass into the first pass's frame and units, drop its copy of frame 0
                    p, d = geo.merge_chunk(p, d, poses[0], geo.anchor_scale(depth[0], d[0], conf[0], c[0]))
                    idx, p, d, c, K_pass = idx[1:], p[1:], d[1:], c[1:], K_pass[1:]
                poses[idx], K[idx], depth[idx], conf[idx] = p, K_pass, d, c
                advance(1)
        runtime = f"{len(passes)} pass(es) on {device} ({str(dtype).removeprefix('torch.')})"
        return _Prediction(poses, K, depth, conf, runtime)


class VggtConfig(BackendConfig):
    """The VGGT feed-forward model (optional `vggt` package; GPU recommended)."""

    name = "vggt"
    summary = "the VGGT model: cameras + dense depth in one pass (GPU, up to scale; optional package)"
    up_to_scale = True
    default_frames = 64
    few_views = True
    backend = VggtBackend
    postprocess_defaults = {"drop_lowest": 0.3, "outlier_neighbors": 20, "outlier_std": 2.0}

    weights: str = Field(default="facebook/VGGT-1B", description="Hugging Face repo id (from the local cache) or a local file/folder")
    device: Literal["auto", "cuda", "cpu"] = Field(default="auto", description="auto: cuda when available")
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = Field(default="auto", description="auto: bf16 on GPUs that support it")
    chunk_size: int = Field(default=64, ge=2, description="frames per forward pass; longer inputs share frame 0 across passes")

    @classmethod
    def require(cls) -> None:
        require_vggt()
