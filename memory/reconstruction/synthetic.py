"""Synthetic box rooms with cameras and furniture: ground truth for checking gravity and scale.

A room is metric and gravity-aligned (z up, floor at z = 0): points sampled
on the floor, walls, ceiling and on every object's box, plus cameras held at
about eye height looking around the room. `transformed` moves the whole scene
by a similarity (rotation, translation, scale) as an up-to-scale
reconstruction in an arbitrary frame would see it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.reconstruction.scale import TYPICAL_SIZES
from reasmory.memory.cameras import look_at_pose


@dataclass(frozen=True)
class SyntheticRoom:
    """Points (N, 3) float64, camera-to-world poses (4, 4), objects as (label, box)."""

    xyz: np.ndarray
    poses: list[np.ndarray]
    objects: list[tuple[str, OrientedBox]] = field(default_factory=list)

    def transformed(self, rotation: np.ndarray, translation: np.ndarray, scale: float = 1.0) -> SyntheticRoom:
        """The same scene seen in a frame where x ↦ scale·R·x + t (poses stay rigid)."""
        sim = np.eye(4)
        sim[:3, :3], sim[:3, 3] = scale * rotation, translation
        poses = []
        for pose in self.poses:
            moved = sim @ pose
            moved[:3, :3] /= scale
            poses.append(moved)
        objects = [
            (label, OrientedBox(center=tuple(sim[:3, :3] @ box.c + translation), extents=tuple(scale * box.e),
                                rotation=tuple(map(tuple, rotation @ box.R))))
            for label, box in self.objects
        ]
        return SyntheticRoom(self.xyz @ sim[:3, :3].T + translation, poses, objects)


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """A uniformly random rotation matrix (QR of a Gaussian matrix)."""
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q *= np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


def _plane(rng: np.random.Generator, origin: np.ndarray, u: np.ndarray, v: np.ndarray, density: float) -> np.ndarray:
    n = max(1, int(density * np.linalg.norm(u) * np.linalg.norm(v)))
    a, b = rng.random((2, n))
    return origin + a[:, None] * u + b[:, None] * v


def room_shell(rng: np.random.Generator, size: tuple[float, float, float], density: float) -> np.ndarray:
    """Points on the floor, four walls and the ceiling of an axis-aligned room from (0, 0, 0)."""
    lx, ly, lz = size
    ex, ey, ez = np.array([lx, 0, 0.0]), np.array([0, ly, 0.0]), np.array([0, 0, lz])
    o = np.zeros(3)
    faces = [(o, ex, ey), (ez, ex, ey), (o, ex, ez), (ey, ex, ez), (o, ey, ez), (ex, ey, ez)]
    return np.concatenate([_plane(rng, a, u, v, density) for a, u, v in faces])


def furniture(rng: np.random.Generator, size: tuple[float, float, float], count: int, variation: float) -> list[tuple[str, OrientedBox]]:
    """`count` objects of categories with a full typical size, each side varied by a log-normal factor."""
    labels = [k for k, v in TYPICAL_SIZES.items() if all(s is not None for s in v) and v[2] < size[2] - 0.3]
    objects = []
    for label in rng.choice(labels, size=count):
        long, short, height = (s * math.exp(rng.normal(0, variation)) for s in TYPICAL_SIZES[str(label)])
        margin = max(long, short) / 2 + 0.1
        centre = [rng.uniform(margin, size[0] - margin), rng.uniform(margin, size[1] - margin), height / 2]
        objects.append((str(label), OrientedBox.from_yaw(centre, [long, short, height], rng.uniform(0, math.pi))))
    return objects


def box_room(
    seed: int = 0,
    size: tuple[float, float, float] = (5.0, 4.0, 2.6),
    n_objects: int = 6,
    n_cameras: int = 12,
    density: float = 400.0,
    noise: float = 0.005,
    size_variation: float = 0.15,
    eye_height: float = 1.5,
) -> SyntheticRoom:
    """A furnished room: shell and object points (`density` per m²), cameras near `eye_height`."""
    rng = np.random.default_rng(seed)
    objects = furniture(rng, size, n_objects, size_variation)
    parts = [room_shell(rng, size, density)] + [box.sample_surface(1 / math.sqrt(density)) for _, box in objects]
    xyz = np.concatenate(parts)
    xyz += rng.normal(0, noise, xyz.shape)
    centre = np.array([size[0] / 2, size[1] / 2])
    poses = []
    for k in range(n_cameras):
        angle = 2 * math.pi * k / n_cameras
        eye = [*(centre + rng.uniform(-0.5, 0.5, 2)), eye_height + rng.normal(0, 0.05)]
        target = [*(centre + 3 * np.array([math.cos(angle), math.sin(angle)])), eye_height + rng.uniform(-1.2, 0.3)]
        pose = look_at_pose(eye, target)
        roll = rng.normal(0, math.radians(3))
        c, s = math.cos(roll), math.sin(roll)
        pose[:3, :3] = pose[:3, :3] @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
        poses.append(pose)
    return SyntheticRoom(xyz, poses, objects)
