"""Oriented 3D boxes: the shape every object instance carries.

Convention: a world point p lies in the box when |Rᵀ(p − center)| ≤ extents/2
component-wise, where the *columns* of `rotation` are the box axes in world
coordinates (z up, metres). Extents are full side lengths, in axis order.
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

_ORTHONORMAL_TOL = 1e-4


class OrientedBox(BaseModel):
    """A box with a centre, full extents and a rotation (columns = box axes)."""

    model_config = ConfigDict(frozen=True)

    center: tuple[float, float, float]
    extents: tuple[float, float, float]
    rotation: tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]] = (
        (1.0, 0.0, 0.0),
        (0.0, 1.0, 0.0),
        (0.0, 0.0, 1.0),
    )

    @field_validator("extents")
    @classmethod
    def _non_negative(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if any(not math.isfinite(e) or e < 0 for e in v):
            raise ValueError(f"box extents must be finite and non-negative, got {list(v)}")
        return v

    @field_validator("rotation")
    @classmethod
    def _orthonormal(cls, v: tuple) -> tuple:
        """RᵀR = I within np.allclose's tolerance, in plain arithmetic: memories load many boxes one by one."""
        (a, b, c), (d, e, f), (g, h, i) = v
        squares = (a * a + d * d + g * g, b * b + e * e + h * h, c * c + f * f + i * i)
        crosses = (a * b + d * e + g * h, a * c + d * f + g * i, b * c + e * f + h * i)
        if not (all(abs(s - 1.0) <= _ORTHONORMAL_TOL + 1e-5 for s in squares)
                and all(abs(x) <= _ORTHONORMAL_TOL for x in crosses)):
            raise ValueError("box rotation must be orthonormal (columns are the box axes)")
        return v

    @classmethod
    def from_yaw(cls, center: np.ndarray | list[float], extents: np.ndarray | list[float], yaw: float) -> OrientedBox:
        """A gravity-aligned box turned by `yaw` radians about +z (counter-clockwise from above)."""
        c, s = math.cos(yaw), math.sin(yaw)
        rot = ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))
        return cls(center=tuple(map(float, center)), extents=tuple(map(float, extents)), rotation=rot)

    @property
    def R(self) -> np.ndarray:
        """3×3 float64 rotation, columns are the box axes in world coordinates."""
        return np.asarray(self.rotation, dtype=np.float64)

    @property
    def c(self) -> np.ndarray:
        return np.asarray(self.center, dtype=np.float64)

    @property
    def e(self) -> np.ndarray:
        return np.asarray(self.extents, dtype=np.float64)

    @property
    def longest_side(self) -> float:
        return float(max(self.extents))

    @property
    def height(self) -> float:
        """Vertical size in metres: the box's extent along world z (exact for tilted boxes too)."""
        return float(np.abs(self.R[2]) @ self.e)

    @property
    def is_gravity_aligned(self) -> bool:
        return bool(np.isclose(abs(self.R[2]).max(), 1.0, atol=1e-6))

    def corners(self) -> np.ndarray:
        """(8, 3) float64 world coordinates of the corners."""
        signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=np.float64)
        return self.c + (signs * self.e / 2) @ self.R.T

    def aabb(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned bounds (min, max) of the box."""
        half = np.abs(self.R) @ self.e / 2
        return self.c - half, self.c + half

    def apart(self, other: OrientedBox) -> bool:
        """Whether the two boxes' axis-aligned bounds do not meet: a cheap test before an IoU."""
        (lo, hi), (other_lo, other_hi) = self.aabb(), other.aabb()
        return bool((lo > other_hi).any() or (other_lo > hi).any())

    def contains(self, points: np.ndarray, margin: float = 0.0) -> np.ndarray:
        """Boolean mask of the (N, 3) points inside the box (grown by `margin` metres)."""
        local = (np.asarray(points, dtype=np.float64) - self.c) @ self.R
        return np.all(np.abs(local) <= self.e / 2 + margin, axis=-1)

    def volume(self) -> float:
        return float(np.prod(self.e))

    def sample_surface(self, spacing: float = 0.03, max_points: int = 20_000) -> np.ndarray:
        """Points on a regular grid over the six faces, (N, 3) float32, world frame.

        A regular grid (rather than random samples) keeps closest-point distances
        deterministic; the spacing grows when the box would exceed `max_points`.
        """
        e = np.maximum(self.e, 1e-6)
        area = 2 * (e[0] * e[1] + e[1] * e[2] + e[0] * e[2])
        spacing = max(spacing, math.sqrt(area / max_points))
        while _sample_count(e, spacing) > max_points:  # long thin boxes: the edges, not the area, set the count
            spacing *= 1.5
        faces = []
        for axis in range(3):
            u, v = [a for a in range(3) if a != axis]
            gu, gv = np.meshgrid(_grid(e[u], spacing), _grid(e[v], spacing), indexing="ij")
            n = gu.size
            local = np.empty((2 * n, 3))
            local[:, u] = np.tile(gu.ravel(), 2)
            local[:, v] = np.tile(gv.ravel(), 2)
            local[:n, axis], local[n:, axis] = -e[axis] / 2, e[axis] / 2
            faces.append(local)
        local = np.concatenate(faces)
        return (self.c + local @ self.R.T).astype(np.float32)


def _sample_count(e: np.ndarray, spacing: float) -> int:
    """How many points `sample_surface` places on a box of extents `e` at this spacing."""
    n = [max(2, int(math.ceil(length / spacing)) + 1) for length in e]
    return 2 * (n[0] * n[1] + n[1] * n[2] + n[0] * n[2])


def _grid(length: float, spacing: float) -> np.ndarray:
    """Evenly spaced samples from −length/2 to +length/2, both ends included."""
    return np.linspace(-length / 2, length / 2, max(2, int(math.ceil(length / spacing)) + 1))


def _cross2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """z of the cross product of 2D vectors (broadcasting)."""
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def _footprint(box: OrientedBox) -> np.ndarray:
    """Counter-clockwise (4, 2) floor-plane corners of a gravity-aligned box."""
    r = box.R[:2, :2]
    h = box.e[:2] / 2
    local = np.array([[-h[0], -h[1]], [h[0], -h[1]], [h[0], h[1]], [-h[0], h[1]]])
    pts = box.c[:2] + local @ r.T
    area = _cross2(pts[1] - pts[0], pts[2] - pts[0])
    return pts if area > 0 else pts[::-1]


def _clip(subject: np.ndarray, clipper: np.ndarray) -> np.ndarray:
    """Sutherland–Hodgman: the part of convex polygon `subject` inside convex counter-clockwise `clipper`."""
    out = subject
    for i in range(len(clipper)):
        a, b = clipper[i], clipper[(i + 1) % len(clipper)]
        if len(out) == 0:
            break
        inside = _cross2(b - a, out - a) >= 0
        nxt = []
        for j in range(len(out)):
            p, q = out[j], out[(j + 1) % len(out)]
            if inside[j]:
                nxt.append(p)
            if inside[j] != inside[(j + 1) % len(out)]:
                d = _cross2(b - a, q - p)
                t = _cross2(b - a, a - p) / d if abs(d) > 1e-15 else 0.0
                nxt.append(p + t * (q - p))
        out = np.asarray(nxt)
    return out


def _area(poly: np.ndarray) -> float:
    if len(poly) < 3:
        return 0.0
    x, y = poly[:, 0], poly[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def iou_3d(a: OrientedBox, b: OrientedBox, samples: int = 20_000, seed: int = 0) -> float:
    """Volume IoU of two oriented boxes: exact for gravity-aligned (yaw-only) boxes, else Monte-Carlo."""
    if a.is_gravity_aligned and b.is_gravity_aligned:
        za, zb = a.aabb(), b.aabb()
        dz = max(0.0, min(za[1][2], zb[1][2]) - max(za[0][2], zb[0][2]))
        inter = _area(_clip(_footprint(a), _footprint(b))) * dz
        union = a.volume() + b.volume() - inter
        return float(inter / union) if union > 0 else 0.0
    lo = np.minimum(a.aabb()[0], b.aabb()[0])
    hi = np.maximum(a.aabb()[1], b.aabb()[1])
    pts = np.random.default_rng(seed).uniform(lo, hi, size=(samples, 3))
    in_a, in_b = a.contains(pts), b.contains(pts)
    union = np.count_nonzero(in_a | in_b)
    return float(np.count_nonzero(in_a & in_b) / union) if union else 0.0


def intersection_volume(a: OrientedBox, b: OrientedBox) -> float:
    """The volume two boxes share (m³), from their IoU: how much of the smaller one the other holds."""
    iou = iou_3d(a, b)
    return iou * (a.volume() + b.volume()) / (1 + iou)
