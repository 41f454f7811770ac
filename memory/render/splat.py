"""Point splatting with a z-buffer: projection, distance-adapted square splats, hole filling.

Every winner is found with one `scatter_reduce_(…, "amin")` per splat offset on
*packed keys*: a point's depth (float32 bits, which order like the values for
non-negative floats) in the high 32 bits and its index in the low 32 bits, so
the nearest point and its identity come out of the same reduction.

Tensors: pixel coordinates (n,) int64, depths (n,) float32 metres (any
non-negative ordering value works, e.g. height below a cut for top-down maps),
point indices (n,) int64 < 2³², splat radii (n,) int64 pixels. Key images are
(H, W) int64 with `EMPTY` where no point landed.
"""

from __future__ import annotations

import torch

EMPTY = torch.iinfo(torch.int64).max
#: Largest splat radius drawn at full resolution: a point covers at most a (2·LEVEL_RADIUS+1)² square there.
LEVEL_RADIUS = 4
#: Wider splats are drawn at 1/2, 1/4, … resolution, up to 2^MAX_LEVEL: radii reach LEVEL_RADIUS · 2^MAX_LEVEL.
MAX_LEVEL = 5
MAX_RADIUS = LEVEL_RADIUS * 2**MAX_LEVEL
#: Splats are this much wider than the point spacing, so slanted and unevenly sampled surfaces still close.
COVER = 1.2
_LOW32 = 0xFFFFFFFF


def pack(depth: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """Keys ordering by depth first: (float32 bits of depth ≥ 0) << 32 | index."""
    return (depth.contiguous().view(torch.int32).to(torch.int64) << 32) | index


def unpack_index(keys: torch.Tensor) -> torch.Tensor:
    """The point index of each key, −1 where `EMPTY`."""
    return torch.where(keys == EMPTY, -1, keys & _LOW32)


def splat_radius(footprint: torch.Tensor) -> torch.Tensor:
    """Half-width r of the square (side 2r+1) that closes a surface whose points lie `footprint` pixels apart."""
    return torch.clamp(torch.ceil((footprint * COVER - 1.0) / 2.0), 0, MAX_RADIUS).to(torch.int64)


def splat(u: torch.Tensor, v: torch.Tensor, keys: torch.Tensor, radius: torch.Tensor, width: int, height: int) -> torch.Tensor:
    """(H, W) int64 nearest keys: each point covers the square of half-width `radius` around pixel (u, v).

    Splats wider than LEVEL_RADIUS go to a coarser level (half the resolution
    per level) so a near point costs at most (2·LEVEL_RADIUS+1)² scatters;
    levels are upsampled and merged by the same minimum.
    """
    inside = ((u + radius >= 0) & (u - radius < width) & (v + radius >= 0) & (v - radius < height)).nonzero().squeeze(1)
    u, v, keys, radius = u[inside], v[inside], keys[inside], radius[inside]
    level = torch.clamp(torch.ceil(torch.log2(torch.clamp(radius, min=1).float() / LEVEL_RADIUS)), 0, MAX_LEVEL).to(torch.int64)
    merged = torch.full((height, width), EMPTY, dtype=torch.int64, device=keys.device)
    for lvl, count in enumerate(torch.bincount(level, minlength=MAX_LEVEL + 1).tolist()):
        if count == 0:
            continue
        pick = (level == lvl).nonzero().squeeze(1) if count < len(level) else slice(None)
        scale = 2**lvl
        coarse = _splat_level(
            torch.div(u[pick], scale, rounding_mode="floor"), torch.div(v[pick], scale, rounding_mode="floor"), keys[pick],
            torch.div(radius[pick] + scale - 1, scale, rounding_mode="floor"), -(-width // scale), -(-height // scale),
        )
        if scale > 1:
            coarse = coarse.repeat_interleave(scale, 0).repeat_interleave(scale, 1)[:height, :width]
        merged = torch.minimum(merged, coarse)
    return merged


def _splat_level(u: torch.Tensor, v: torch.Tensor, keys: torch.Tensor, radius: torch.Tensor, width: int, height: int) -> torch.Tensor:
    """One resolution level: radii ≤ LEVEL_RADIUS, pixels within radius + 1 of the image (no bounds checks)."""
    pad = 2 * (LEVEL_RADIUS + 1)
    stride = width + 2 * pad
    buffer = torch.full(((height + 2 * pad) * stride,), EMPTY, dtype=torch.int64, device=keys.device)
    ring_base, ring_keys, ring_radius = (v + pad) * stride + (u + pad), keys, radius
    for ring in range(LEVEL_RADIUS + 1):
        if ring > 0:
            wide = (ring_radius >= ring).nonzero().squeeze(1)
            if wide.numel() == 0:
                break
            ring_base, ring_keys, ring_radius = ring_base[wide], ring_keys[wide], ring_radius[wide]
        for offset in _ring_offsets(ring, stride):
            buffer.scatter_reduce_(0, ring_base + offset if offset else ring_base, ring_keys, "amin")
    return buffer.view(height + 2 * pad, stride)[pad : pad + height, pad : pad + width]


def _ring_offsets(ring: int, stride: int) -> list[int]:
    """Flat buffer offsets of the pixels at Chebyshev distance exactly `ring`."""
    if ring == 0:
        return [0]
    return [dy * stride + dx for dy in range(-ring, ring + 1) for dx in range(-ring, ring + 1) if max(abs(dx), abs(dy)) == ring]


def fill_holes(keys: torch.Tensor, min_neighbours: int = 6) -> torch.Tensor:
    """Give empty pixels with at least `min_neighbours` of 8 covered neighbours the nearest neighbour's key.

    Closes the pinholes and cracks splat sizing leaves on slanted surfaces
    without growing silhouettes: a pixel outside a straight edge sees 3 covered
    neighbours, one in a concave corner 5.
    """
    height, width = keys.shape
    padded = torch.full((height + 2, width + 2), EMPTY, dtype=torch.int64, device=keys.device)
    padded[1:-1, 1:-1] = keys
    nearest = torch.full_like(keys, EMPTY)
    covered = torch.zeros(keys.shape, dtype=torch.int32, device=keys.device)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            if dy == 1 and dx == 1:
                continue
            shifted = padded[dy : dy + height, dx : dx + width]
            nearest = torch.minimum(nearest, shifted)
            covered += shifted != EMPTY
    hole = (keys == EMPTY) & (covered >= min_neighbours)
    return torch.where(hole, nearest, keys)
