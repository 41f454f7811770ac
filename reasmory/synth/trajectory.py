"""Camera paths like a person scanning a room: walk through free space, look around, turn smoothly.

The walker stays on the walkable floor (`freespace`) and visits a few
well-spread waypoints in a loop around it along least-cost grid paths
(cheaper away from obstacles), smoothed. The gaze turns
slowly around the room (1.25 revolutions over the video), bent toward deep
views rather than a nearby wall; eye height 1.4–1.7 m, looking a little down.

Poses are camera-to-world 4×4 with OpenCV axes (x right, y down, z forward).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage, sparse
from scipy.sparse.csgraph import dijkstra

from reasmory.memory.cameras import intrinsics_from_fov, look_at_pose
from reasmory.synth.freespace import CELL, FreeSpace, free_space
from reasmory.synth.model import SynthScene
from reasmory.synth.plane import polygon_edges


#: Fastest turn of the gaze, degrees per 5 cm of path (60° per metre walked).
MAX_TURN_DEG = 3.0


@dataclass
class Trajectory:
    """Camera model and per-frame poses: K (3, 3), poses (N, 4, 4), timestamps (N,) seconds."""

    K: np.ndarray
    width: int
    height: int
    poses: np.ndarray
    timestamps: np.ndarray


def _waypoints(space: FreeSpace, rng: np.random.Generator) -> np.ndarray:
    """4–7 well-spread free cells (flat indices), ordered around the free space's centroid."""
    cells = np.flatnonzero(space.mask)
    iy, ix = np.unravel_index(cells, space.mask.shape)
    xy = space.centre(iy, ix)
    k = int(np.clip(round(len(cells) * CELL**2 / 1.5), 4, 7))
    chosen = [int(rng.integers(len(cells)))]
    dist = np.linalg.norm(xy - xy[chosen[0]], axis=1)
    for _ in range(k - 1):
        score = dist * (0.5 + space.clearance.ravel()[cells])
        chosen.append(int(np.argmax(score)))
        dist = np.minimum(dist, np.linalg.norm(xy - xy[chosen[-1]], axis=1))
    centre = xy.mean(axis=0)
    angles = [math.atan2(*(xy[c] - centre)[::-1]) for c in chosen]
    order = [chosen[i] for i in np.argsort(angles)]
    start = int(rng.integers(len(order)))
    return cells[order[start:] + order[:start]]


def _grid_graph(space: FreeSpace) -> sparse.csr_matrix:
    """8-connected graph of free cells (flat indices); steps cost more near obstacles."""
    ny, nx = space.mask.shape
    weight = (1.0 + 0.3 / (0.05 + space.clearance)).ravel()
    ys, xs = np.nonzero(space.mask)
    rows, cols, costs = [], [], []
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        y2, x2 = ys + dy, xs + dx
        ok = (y2 < ny) & (x2 >= 0) & (x2 < nx)
        ok[ok] = space.mask[y2[ok], x2[ok]]
        a, b = ys[ok] * nx + xs[ok], y2[ok] * nx + x2[ok]
        cost = math.hypot(dx, dy) * CELL * (weight[a] + weight[b]) / 2
        rows += [a, b]
        cols += [b, a]
        costs += [cost, cost]
    data = (np.concatenate(costs), (np.concatenate(rows), np.concatenate(cols)))
    return sparse.csr_matrix(data, shape=(ny * nx, ny * nx))


def walk_path(space: FreeSpace, rng: np.random.Generator) -> np.ndarray:
    """(M, 2) smooth walking path through the waypoints, one sample every 5 cm."""
    stops = _waypoints(space, rng)
    graph = _grid_graph(space)
    _, pred = dijkstra(graph, indices=stops[:-1], return_predecessors=True)
    cells: list[int] = [int(stops[0])]
    for leg, target in enumerate(stops[1:]):
        back, node = [], int(target)
        while node != stops[leg] and node >= 0:
            back.append(node)
            node = int(pred[leg, node])
        cells += back[::-1]
    iy, ix = np.unravel_index(np.array(cells), space.mask.shape)
    return _smooth(_resample(space.centre(iy, ix), 0.05))


def _resample(path: np.ndarray, spacing: float) -> np.ndarray:
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    if s[-1] < spacing:
        return np.repeat(path[:1], 2, axis=0)
    t = np.linspace(0, s[-1], max(2, int(s[-1] / spacing) + 1))
    return np.stack([np.interp(t, s, path[:, 0]), np.interp(t, s, path[:, 1])], axis=1)


def _smooth(path: np.ndarray) -> np.ndarray:
    return ndimage.gaussian_filter1d(path, sigma=6, axis=0, mode="nearest")


def wall_depth(points: np.ndarray, yaws: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """(N, K) distance from each point (N, 2) along each heading (N, K) to the first wall."""
    a, b = polygon_edges(polygon)
    d = np.stack([np.cos(yaws), np.sin(yaws)], axis=-1)[:, :, None, :]
    e = (b - a)[None, None]
    w = (a[None, None] - points[:, None, None, :])
    denom = d[..., 0] * e[..., 1] - d[..., 1] * e[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (w[..., 0] * e[..., 1] - w[..., 1] * e[..., 0]) / denom
        u = (w[..., 0] * d[..., 1] - w[..., 1] * d[..., 0]) / denom
    hit = (np.abs(denom) > 1e-12) & (s > 1e-9) & (u >= 0) & (u <= 1)
    return np.where(hit, s, np.inf).min(axis=-1)


def _steady_choice(score: np.ndarray, step_cost: np.ndarray) -> np.ndarray:
    """Per row, the column that maximises the summed score minus `step_cost[i, j]` for moving from i to j (Viterbi)."""
    total = score[0].copy()
    back = np.zeros(score.shape, np.int64)
    for row in range(1, len(score)):
        options = total[:, None] - step_cost
        back[row] = np.argmax(options, axis=0)
        total = options[back[row], np.arange(score.shape[1])] + score[row]
    path = np.empty(len(score), np.int64)
    path[-1] = int(np.argmax(total))
    for row in range(len(score) - 1, 0, -1):
        path[row - 1] = back[row, path[row]]
    return path


def _gaze_yaw(scene: SynthScene, path: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Heading per path sample: a slow turn of 1.25 revolutions, bent steadily toward where the room is deep."""
    t = np.linspace(0, 1, len(path))
    turn = 1.0 if rng.random() < 0.5 else -1.0
    base = float(rng.uniform(0, 2 * np.pi)) + turn * 2 * np.pi * 1.25 * t
    offsets = np.radians(np.arange(-145, 146, 5))
    depth = np.minimum(wall_depth(path, base[:, None] + offsets[None, :], scene.room.polygon), 5.0)
    view = ndimage.uniform_filter1d(depth, size=11, axis=1, mode="nearest")[:, 5:-5]
    offsets = offsets[5:-5]
    score = view - 0.8 * np.abs(offsets)[None, :]
    bend = offsets[_steady_choice(score, 15.0 * np.abs(offsets[:, None] - offsets[None, :]))]
    return _rate_limited(ndimage.gaussian_filter1d(base + bend, sigma=8, mode="nearest"), math.radians(MAX_TURN_DEG))


def _rate_limited(yaw: np.ndarray, step: float) -> np.ndarray:
    """Follow `yaw` turning at most `step` radians per path sample."""
    out = yaw.copy()
    for i in range(1, len(out)):
        out[i] = out[i - 1] + np.clip(yaw[i] - out[i - 1], -step, step)
    return out


def scan_trajectory(scene: SynthScene, frames: int, width: int, height: int, rng: np.random.Generator,
                    fov_deg: float = 65.0, fps: float = 10.0) -> Trajectory:
    """`frames` camera poses spread evenly along a walk through the scene's free space."""
    path = walk_path(free_space(scene), rng)
    yaw = _gaze_yaw(scene, path, rng)
    s = np.linspace(0, len(path) - 1, frames)
    samples = np.arange(len(path))
    xy = np.stack([np.interp(s, samples, path[:, 0]), np.interp(s, samples, path[:, 1])], axis=1)
    heading = np.interp(s, samples, yaw)
    eye_h = float(rng.uniform(1.4, 1.7))
    pitch0 = math.radians(float(rng.uniform(-22, -12)))
    poses = []
    for k in range(frames):
        pitch = pitch0 + math.radians(4) * math.sin(2 * np.pi * 2 * s[k] / max(len(path) - 1, 1))
        eye = np.array([xy[k, 0], xy[k, 1], eye_h + 0.015 * math.sin(k * 0.9)])
        c = math.cos(pitch)
        forward = np.array([math.cos(heading[k]) * c, math.sin(heading[k]) * c, math.sin(pitch)])
        poses.append(look_at_pose(eye, eye + forward))
    K = intrinsics_from_fov(width, height, fov_deg)
    return Trajectory(K, width, height, np.stack(poses), np.arange(frames) / fps)
