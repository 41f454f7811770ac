"""Depth maps as a learned or triangulated reconstruction gives them, from true depth.

Input and output: (H, W) float32 camera z in metres, 0 = unknown. Applied in
this order: flying pixels at depth jumps (`edge_bleed`), a smooth
multiplicative warp, regions grossly off (`gross_share`), independent
per-pixel noise, one scale factor for the frame, then sparsity (only
`density` of the pixels keep a depth).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from reasmory.memory.perception.detections import blob
from reasmory.memory.perception.model import DepthErrors

#: A depth jump: neighbours within the bleed window differ by more than this share of the nearer depth.
JUMP = 0.1


def perturb_depth(depth: np.ndarray, errors: DepthErrors, rng: np.random.Generator) -> np.ndarray:
    """`depth` as the modelled reconstruction sees it (a new array; `rng` draws are the frame's own)."""
    d = np.asarray(depth, np.float32)
    valid = d > 0
    radius = int(round(errors.edge_bleed * d.shape[1]))
    out = bleed_edges(d, max(radius, 1)) if errors.edge_bleed else d.copy()
    factor = np.ones(d.shape, np.float32)
    if errors.smooth_relative:
        factor *= smooth_field(d.shape, errors.smooth_relative, rng)
    if errors.gross_share:
        factor *= gross_field(d.shape, errors.gross_share, errors.gross_sigma, rng)
    if errors.relative_noise:
        factor *= 1 + rng.normal(0, errors.relative_noise, d.shape).astype(np.float32)
    if errors.frame_scale:
        factor *= np.float32(np.exp(rng.normal(0, errors.frame_scale)))
    out *= factor
    if errors.density < 1:
        valid &= rng.random(d.shape) < errors.density
    return np.where(valid & (out > 0), out, 0).astype(np.float32)


def smooth_field(shape: tuple[int, int], sigma: float, rng: np.random.Generator, grid: tuple[int, int] = (3, 4)) -> np.ndarray:
    """A smooth multiplicative field exp(N(0, σ)) drawn on a coarse grid (rows, cols) and resized bilinearly."""
    coarse = np.exp(rng.normal(0, sigma, grid)).astype(np.float32)
    return np.asarray(Image.fromarray(coarse, mode="F").resize((shape[1], shape[0]), Image.Resampling.BILINEAR), np.float32)


def gross_field(shape: tuple[int, int], share: float, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Factors of 1 except in random elliptical regions covering about `share` of the image, each off by its own
    factor exp(N(0, σ)): where a reconstruction gets a whole surface wrong (a mirror, a screen, a blank wall)."""
    field = np.ones(shape, np.float32)
    covered = 0.0
    while covered < share:
        region = blob(shape, rng, smallest=share / 4, largest=share / 2)
        field[region] = np.float32(np.exp(rng.normal(0, sigma)))
        covered += float(region.mean())
    return field


def bleed_edges(depth: np.ndarray, radius: int) -> np.ndarray:
    """Depth with pixels within `radius` of a depth jump replaced by the local mean of near and far depth, as a
    network's smooth output blends a foreground edge into the wall behind it."""
    from scipy import ndimage

    valid = depth > 0
    size = 2 * radius + 1
    hi = ndimage.maximum_filter(np.where(valid, depth, 0), size=size)
    lo = ndimage.minimum_filter(np.where(valid, depth, np.inf), size=size)
    jump = valid & np.isfinite(lo) & (hi - lo > JUMP * lo)
    total = ndimage.uniform_filter(np.where(valid, depth, 0).astype(np.float64), size=size)
    count = ndimage.uniform_filter(valid.astype(np.float64), size=size)
    blended = (total / np.maximum(count, 1e-9)).astype(np.float32)
    return np.where(jump, blended, depth).astype(np.float32)
