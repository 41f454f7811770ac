"""CPU renderer on Open3D ray casting: RGB, metric z-depth and instance ids per frame.

One ray per pixel centre: pixel (u, v) looks along K⁻¹ [u, v, 1] in the
camera frame (OpenCV axes), so the ray parameter at the hit *is* the z-depth.
Shading is Lambert with a sun and a head-light plus ambient light, over the
procedural textures of `texture`. Output arrays, all (H, W):
- rgb uint8 (H, W, 3);
- depth float32 metres along the camera's z axis, 0 where nothing is hit;
- instance int32 object id, −1 for walls, floor, ceiling and misses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import open3d as o3d

from reasmory.synth.mesh import object_mesh, room_meshes
from reasmory.synth.model import SynthScene
from reasmory.synth.texture import PATTERNS, NoiseField, albedo

_SUN = (np.array([0.35, 0.55, 0.76]) / np.linalg.norm([0.35, 0.55, 0.76])).astype(np.float32)
_ROOM_LOOK = {"floor": ("planks", 0.16), "wall": ("noise", 0.35), "ceiling": ("noise", 0.5)}


@dataclass
class RenderedFrame:
    """One frame's images; see the module docstring for shapes, units and frames."""

    rgb: np.ndarray
    depth: np.ndarray
    instance: np.ndarray


class Renderer:
    """Ray-casts one scene from any camera; build once, render many frames."""

    def __init__(self, scene: SynthScene, room_colours: dict[str, tuple[int, int, int]] | None = None) -> None:
        self._rc = o3d.t.geometry.RaycastingScene()
        self._noise = NoiseField(scene.seed)
        rows: list[tuple[int, tuple[float, float, float], int, float, np.ndarray, float]] = []
        colours = room_colours or {"floor": (150, 120, 90), "wall": (215, 210, 198), "ceiling": (235, 235, 232)}
        for kind, (verts, tris) in room_meshes(scene.room).items():
            self._add(verts, tris)
            pattern, scale = _ROOM_LOOK[kind]
            rows.append((-1, _unit(colours[kind]), PATTERNS.index(pattern), scale, np.zeros(3), 0.0))
        for obj in scene.objects:
            self._add(*object_mesh(obj))
            cat = obj.category
            pattern = PATTERNS.index(cat.pattern)
            rows.append((obj.id, _unit(cat.colour), pattern, cat.pattern_scale, obj.origin, obj.yaw))
        self._instance = np.array([r[0] for r in rows] + [-1], np.int32)
        self._colour = np.array([r[1] for r in rows] + [(0, 0, 0)], np.float32)
        self._pattern = np.array([r[2] for r in rows] + [PATTERNS.index("plain")], np.int64)
        self._scale = np.array([r[3] for r in rows] + [1.0], np.float32)
        self._origin = np.array([r[4] for r in rows] + [np.zeros(3)], np.float64)
        self._yaw = np.array([r[5] for r in rows] + [0.0], np.float32)
        self._rays: dict[tuple, np.ndarray] = {}

    def _add(self, verts: np.ndarray, tris: np.ndarray) -> None:
        self._rc.add_triangles(o3d.core.Tensor(verts.astype(np.float32)), o3d.core.Tensor(tris.astype(np.uint32)))

    def _camera_rays(self, K: np.ndarray, width: int, height: int) -> np.ndarray:
        """(3, H·W) camera-frame directions with z = 1, cached per camera model.

        Kept 3×N so the per-frame rotation is one 3×3 @ 3×N product (an N×3 @ 3×3 one
        is an order of magnitude slower here when Open3D's threads compete for the cores).
        """
        key = (width, height, *np.round(K, 9).ravel())
        if key not in self._rays:
            u, v = np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64))
            pix = np.stack([u.ravel(), v.ravel(), np.ones(u.size)])
            self._rays[key] = np.linalg.inv(K) @ pix
        return self._rays[key]

    def render(self, K: np.ndarray, pose: np.ndarray, width: int, height: int) -> RenderedFrame:
        """Render from a camera-to-world `pose` (4×4, OpenCV axes) with intrinsics `K` (3×3)."""
        dirs = (pose[:3, :3] @ self._camera_rays(K, width, height)).T
        rays = np.empty((len(dirs), 6), np.float32)
        rays[:, :3] = pose[:3, 3]
        rays[:, 3:] = dirs
        hit = self._rc.cast_rays(o3d.core.Tensor(rays))
        t = hit["t_hit"].numpy()
        gid = hit["geometry_ids"].numpy().astype(np.int64)
        missed = ~np.isfinite(t)
        gid[missed | (gid >= len(self._instance) - 1)] = len(self._instance) - 1
        depth = np.where(missed, 0.0, t).astype(np.float32)
        rgb = self._shade(pose[:3, 3] + dirs * depth[:, None], dirs, hit["primitive_normals"].numpy(), gid)
        rgb[missed] = 0
        shape = (height, width)
        return RenderedFrame(rgb.reshape(*shape, 3), depth.reshape(shape), self._instance[gid].reshape(shape))

    def _shade(self, points: np.ndarray, dirs: np.ndarray, normals: np.ndarray, gid: np.ndarray) -> np.ndarray:
        view = (dirs / np.linalg.norm(dirs, axis=1, keepdims=True)).astype(np.float32)
        facing = (normals * view).sum(axis=1)
        n = normals * np.where(facing > 0, -1.0, 1.0).astype(np.float32)[:, None]
        sun = n[:, 0] * _SUN[0] + n[:, 1] * _SUN[1] + n[:, 2] * _SUN[2]
        light = 0.34 + 0.36 * np.clip(sun, 0, None) + 0.38 * np.abs(facing)
        c, s = np.cos(self._yaw[gid]), np.sin(self._yaw[gid])
        rel = (points - self._origin[gid]).astype(np.float32)
        local = np.stack([c * rel[:, 0] + s * rel[:, 1], -s * rel[:, 0] + c * rel[:, 1], rel[:, 2]], axis=1)
        base = albedo(local, self._colour[gid], self._pattern[gid], self._scale[gid], self._noise)
        return np.clip(base * light[:, None] * 255.0, 0, 255).astype(np.uint8)


def _unit(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    return rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0
