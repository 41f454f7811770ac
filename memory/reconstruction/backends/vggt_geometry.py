"""VGGT's input and output conventions, converted to ours (numpy only: no torch, no vggt).

What VGGT expects and returns (facebookresearch/vggt, `vggt/utils/pose_enc.py`,
`rotation.py`, `load_fn.py`):

- input: RGB in [0, 1], width resized to 518 px, height to the nearest multiple
  of 14 keeping the aspect ratio (bicubic), centre-cropped to 518 when taller;
- `pose_enc` (S, 9) per frame: absolute translation T (3), rotation as a unit
  quaternion in x-y-z-w order (scalar last) (4), vertical then horizontal field
  of view in radians (2). R and T form the extrinsic **camera-from-world**
  [R | T] with OpenCV axes; the world is the first frame's camera;
- intrinsics from the fields of view: fy = (H/2) / tan(fov_h/2),
  fx = (W/2) / tan(fov_w/2), principal point (W/2, H/2), in model pixels;
- `depth` (S, H, W, 1) camera z, up to a scene scale; `depth_conf` (S, H, W)
  = 1 + exp(·) ≥ 1.

Ours: camera-to-world 4×4 poses, K in pixels of the original input image,
confidence in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: VGGT's input width, and the patch size its heights are a multiple of.
TARGET_WIDTH = 518
PATCH = 14


def quaternion_xyzw_to_matrix(q: np.ndarray) -> np.ndarray:
    """(…, 4) quaternions, scalar last (normalised here) → (…, 3, 3) rotation matrices."""
    q = np.asarray(q, np.float64)
    x, y, z, w = np.moveaxis(q / np.linalg.norm(q, axis=-1, keepdims=True), -1, 0)
    rows = [
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ]
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def decode_pose_encoding(encoding: np.ndarray, image_hw: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(S, 9) VGGT pose encodings → camera-from-world (S, 3, 4) and model-pixel intrinsics (S, 3, 3)."""
    enc = np.asarray(encoding, np.float64).reshape(-1, 9)
    height, width = image_hw
    extrinsic = np.concatenate([quaternion_xyzw_to_matrix(enc[:, 3:7]), enc[:, :3, None]], axis=2)
    K = np.zeros((len(enc), 3, 3))
    K[:, 0, 0] = (width / 2) / np.tan(enc[:, 8] / 2)
    K[:, 1, 1] = (height / 2) / np.tan(enc[:, 7] / 2)
    K[:, 0, 2], K[:, 1, 2], K[:, 2, 2] = width / 2, height / 2, 1.0
    return extrinsic, K


def camera_to_world(extrinsic: np.ndarray) -> np.ndarray:
    """Camera-from-world [R | t] (…, 3, 4) → camera-to-world 4×4 [Rᵀ | −Rᵀt]."""
    R, t = extrinsic[..., :3, :3], extrinsic[..., :3, 3]
    pose = np.zeros(extrinsic.shape[:-2] + (4, 4))
    pose[..., :3, :3] = np.swapaxes(R, -1, -2)
    pose[..., :3, 3] = -np.einsum("...ji,...j->...i", R, t)
    pose[..., 3, 3] = 1.0
    return pose


def confidence_01(depth_conf: np.ndarray) -> np.ndarray:
    """VGGT's confidence (1 + exp(·) ≥ 1) → [0, 1): 1 − 1/conf, monotonic, 0.5 at conf = 2."""
    return (1.0 - 1.0 / np.maximum(np.asarray(depth_conf, np.float64), 1.0)).astype(np.float32)


@dataclass(frozen=True)
class ModelGrid:
    """How input pixel (u, v) maps to model pixel (u', v') = (sx·u + ox, sy·v + oy) (pixel centres)."""

    width: int
    height: int
    sx: float
    sy: float
    ox: float
    oy: float

    def input_intrinsics(self, K_model: np.ndarray) -> np.ndarray:
        """K in input pixels from K in model pixels: A⁻¹ K, A the input→model pixel map."""
        A = np.array([[self.sx, 0, self.ox], [0, self.sy, self.oy], [0, 0, 1.0]])
        return np.linalg.solve(A, np.asarray(K_model, np.float64))

    def to_input(self, raster: np.ndarray, width: int, height: int) -> np.ndarray:
        """Resample a model-resolution (H', W') raster to the input size (nearest); cropped-away pixels get 0."""
        cols = np.floor(self.sx * np.arange(width) + self.ox + 0.5).astype(np.int64)
        rows = np.floor(self.sy * np.arange(height) + self.oy + 0.5).astype(np.int64)
        ok_c, ok_r = (cols >= 0) & (cols < self.width), (rows >= 0) & (rows < self.height)
        out = np.zeros((height, width), dtype=raster.dtype)
        out[np.ix_(ok_r, ok_c)] = raster[np.ix_(rows[ok_r], cols[ok_c])]
        return out


def model_grid(width: int, height: int) -> ModelGrid:
    """VGGT's "crop" preprocessing of a width×height image: width → 518, height → multiple of 14, crop to 518."""
    new_h = int(round(height * (TARGET_WIDTH / width) / PATCH) * PATCH)
    sx, sy = TARGET_WIDTH / width, new_h / height
    top = max(0, (new_h - TARGET_WIDTH) // 2)
    return ModelGrid(TARGET_WIDTH, min(new_h, TARGET_WIDTH), sx, sy, 0.5 * (sx - 1), 0.5 * (sy - 1) - top)


def preprocess(image: np.ndarray, grid: ModelGrid) -> np.ndarray:
    """(H, W, 3) uint8 → (3, H', W') float32 in [0, 1], resized and cropped as VGGT expects."""
    from PIL import Image

    resized_h = int(round(grid.sy * image.shape[0]))
    resized = Image.fromarray(image).resize((grid.width, resized_h), Image.Resampling.BICUBIC)
    top = max(0, (resized_h - grid.height) // 2)
    array = np.asarray(resized, np.float32)[top : top + grid.height] / 255.0
    return np.ascontiguousarray(array.transpose(2, 0, 1))


def chunks(n: int, size: int) -> list[list[int]]:
    """Frame indices per forward pass: the first `size` frames, then frame 0 plus the next size − 1."""
    if n <= size:
        return [list(range(n))]
    out, start = [list(range(size))], size
    while start < n:
        out.append([0, *range(start, min(n, start + size - 1))])
        start += size - 1
    return out


def anchor_scale(depth_ref: np.ndarray, depth_new: np.ndarray, conf_ref: np.ndarray, conf_new: np.ndarray) -> float:
    """Factor taking a chunk's units to the first chunk's: median depth ratio of the shared frame 0.

    Only pixels that both passes see confidently (above each pass's median) count.
    """
    ok = (depth_ref > 0) & (depth_new > 0) & (conf_ref >= np.median(conf_ref)) & (conf_new >= np.median(conf_new))
    if not ok.any():
        return 1.0
    return float(np.median(depth_ref[ok] / depth_new[ok]))


def merge_chunk(poses: np.ndarray, depth: np.ndarray, anchor_ref: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """A chunk's camera-to-world poses and depths (its frame 0 first) in the first chunk's frame and units."""
    scaled = poses.copy()
    scaled[:, :3, 3] *= scale
    moved = anchor_ref @ np.linalg.inv(scaled[0]) @ scaled
    return moved, depth * scale

