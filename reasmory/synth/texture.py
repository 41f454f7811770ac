"""Procedural textures: a base colour modulated by a pattern and fine noise, looked up by position.

Patterns are evaluated at surface points in each surface's own frame (object
local coordinates, world coordinates for the room), so a texture sticks to
its object from every viewpoint. The fine value noise gives every surface,
walls included, enough detail for feature matching.
"""

from __future__ import annotations

import numpy as np

PATTERNS = ("checker", "stripes", "noise", "grid", "planks", "plain")
_LATTICE = 64


class NoiseField:
    """3D value noise from a fixed random lattice (deterministic given the seed)."""

    def __init__(self, seed: int) -> None:
        self._table = np.random.default_rng(seed).random(_LATTICE**3, dtype=np.float32)

    def __call__(self, q: np.ndarray, scale: float) -> np.ndarray:
        """Noise in [0, 1] at points q (N, 3) with features about `scale` metres apart."""
        g = np.asarray(q, np.float32) / np.float32(scale)
        i = np.floor(g)
        f = g - i
        f = f * f * (3 - 2 * f)
        i = i.astype(np.int64)
        m = _LATTICE - 1
        x0, y0, z0 = (i[:, 0] & m) * _LATTICE**2, (i[:, 1] & m) * _LATTICE, i[:, 2] & m
        x1, y1, z1 = ((i[:, 0] + 1) & m) * _LATTICE**2, ((i[:, 1] + 1) & m) * _LATTICE, (i[:, 2] + 1) & m
        t = self._table
        fx, fy, fz = f[:, 0], f[:, 1], f[:, 2]
        c00 = t[x0 + y0 + z0] + fz * (t[x0 + y0 + z1] - t[x0 + y0 + z0])
        c01 = t[x0 + y1 + z0] + fz * (t[x0 + y1 + z1] - t[x0 + y1 + z0])
        c10 = t[x1 + y0 + z0] + fz * (t[x1 + y0 + z1] - t[x1 + y0 + z0])
        c11 = t[x1 + y1 + z0] + fz * (t[x1 + y1 + z1] - t[x1 + y1 + z0])
        c0 = c00 + fy * (c01 - c00)
        c1 = c10 + fy * (c11 - c10)
        return c0 + fx * (c1 - c0)


def pattern_value(q: np.ndarray, pattern: np.ndarray, scale: np.ndarray, noise: NoiseField) -> np.ndarray:
    """Pattern strength in [0, 1] for points q (N, 3) given per-point pattern codes (index into PATTERNS)."""
    g = q / scale[:, None]
    out = np.zeros(len(q), np.float32)
    sel = pattern == PATTERNS.index("checker")
    out[sel] = np.floor(g[sel]).sum(axis=1) % 2
    sel = pattern == PATTERNS.index("stripes")
    out[sel] = 0.5 + 0.5 * np.sin(2 * np.pi * (g[sel, 0] + g[sel, 2]))
    sel = pattern == PATTERNS.index("grid")
    frac = g[sel] - np.floor(g[sel])
    out[sel] = 1.0 - (np.minimum(frac, 1 - frac) < 0.08).any(axis=1)
    sel = pattern == PATTERNS.index("noise")
    out[sel] = noise(g[sel], 1.0)
    sel = pattern == PATTERNS.index("planks")
    plank = np.floor(g[sel, 1])
    out[sel] = 0.55 + 0.45 * np.sin(plank * 12.9898) ** 2 * (0.6 + 0.4 * np.sin(2 * np.pi * g[sel, 0] * 0.3))
    sel = pattern == PATTERNS.index("plain")
    out[sel] = 0.8
    return out


def albedo(q: np.ndarray, colour: np.ndarray, pattern: np.ndarray, scale: np.ndarray, noise: NoiseField) -> np.ndarray:
    """(N, 3) float32 reflectance in [0, 1]: colour × (pattern contrast) × (fine noise)."""
    p = pattern_value(q, pattern, scale, noise)
    shade = (0.72 + 0.28 * p) * (0.8 + 0.4 * noise(q, 0.03))
    return np.clip(colour * shade[:, None], 0.0, 1.0).astype(np.float32)
