"""Depth maps made consistent with one another: one smooth correction per frame, fitted where frames overlap.

A network's depth (VGGT) is right up to errors that are smooth within a frame but differ between frames: a scale
off by a few percent, a gentle warp. Fused as they are, every surface is seen several times a few centimetres
apart, so a door comes out 25 cm thick and a room's walls blur. Frames overlap, though: a pixel of one frame,
back-projected and seen again in another frame, must have that frame's depth there. Each frame's depth gets a
multiplicative correction exp(c(u, v)), c bilinear over a coarse grid of the image; the corrections are fitted to
all overlapping pairs at once (linearised, robust to the pixels that see different surfaces, with a weak pull
towards no correction so that the overall scale stays where it was). Depth sensors agree with themselves already:
`consistent_depth` leaves depth alone when the frames' disagreement is under `ConsistencySettings.needed`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from reasmory.memory.cameras import pixels_in_view
from reasmory.memory.model import Frame

DepthFn = Callable[[int], np.ndarray]


@dataclass(frozen=True)
class ConsistencySettings:
    """`grid`: control points (rows, columns) of each frame's correction; `samples`: pixels per frame (columns, rows);
    `partners`: frames each frame is compared with (those it overlaps most); `robust`: residual (log depth) beyond
    which a pair of pixels counts less (Huber), `outlier` beyond which not at all (different surfaces); `prior`: weight
    of the pull towards no correction; `needed`: disagreement (relative, robust σ) below which depth is left alone."""

    grid: tuple[int, int] = (3, 4)
    samples: tuple[int, int] = (40, 30)
    partners: int = 6
    robust: float = 0.02
    outlier: float = 0.15
    prior: float = 0.05
    iterations: int = 4
    needed: float = 0.01


@dataclass(frozen=True)
class _Samples:
    world: np.ndarray  # (N, 3)
    basis: np.ndarray  # (N, 4) bilinear weights
    cells: np.ndarray  # (N, 4) control-point numbers within the frame


def bilinear(x: np.ndarray, y: np.ndarray, grid: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Weights and control-point numbers (row-major over `grid` rows × columns) of points at normalised image
    coordinates x, y in [0, 1]."""
    rows, cols = grid
    gx, gy = np.clip(x, 0, 1) * (cols - 1), np.clip(y, 0, 1) * (rows - 1)
    x0, y0 = np.minimum(np.floor(gx).astype(int), cols - 2), np.minimum(np.floor(gy).astype(int), rows - 2)
    fx, fy = gx - x0, gy - y0
    weights = np.stack([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy], axis=1)
    cells = np.stack([y0 * cols + x0, y0 * cols + x0 + 1, (y0 + 1) * cols + x0, (y0 + 1) * cols + x0 + 1], axis=1)
    return weights, cells


def _samples(frame: Frame, depth: np.ndarray, settings: ConsistencySettings) -> _Samples:
    cols, rows = settings.samples
    v, u = np.meshgrid(np.linspace(0, frame.height - 1, rows).round().astype(int),
                       np.linspace(0, frame.width - 1, cols).round().astype(int), indexing="ij")
    u, v = u.ravel(), v.ravel()
    z = depth[v, u].astype(np.float64)
    keep = z > 0
    u, v, z = u[keep], v[keep], z[keep]
    K, pose = frame.K_array, frame.pose_array
    cam = np.stack([(u - K[0, 2]) * z / K[0, 0], (v - K[1, 2]) * z / K[1, 1], z], axis=1)
    weights, cells = bilinear(u / max(frame.width - 1, 1), v / max(frame.height - 1, 1), settings.grid)
    return _Samples(cam @ pose[:3, :3].T + pose[:3, 3], weights, cells)


def _partners(samples: list[_Samples], frames: Sequence[Frame], count: int) -> list[list[int]]:
    """For each frame, the `count` other frames in which most of its samples project (at least a fifth)."""
    n = len(frames)
    overlap = np.zeros((n, n))
    for i, s in enumerate(samples):
        for j, frame in enumerate(frames):
            if i != j and len(s.world):
                overlap[i, j] = len(pixels_in_view(s.world, frame, rounded=False)[0]) / len(s.world)
    return [[int(j) for j in np.argsort(-overlap[i])[:count] if overlap[i, j] >= 0.2] for i in range(n)]


def _equations(i: int, j: int, samples: list[_Samples], frames: Sequence[Frame], depth: DepthFn,
               settings: ConsistencySettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of  c_j(pixel in j) − g · c_i(pixel in i) = log z_j − log d_j  for frame i's samples seen in frame j:
    (columns (M, 8), coefficients (M, 8), right-hand sides (M,))."""
    s, frame = samples[i], frames[j]
    ok, u, v, z = pixels_in_view(s.world, frame, rounded=False)
    d = depth(frame.index)[np.round(v).astype(int), np.round(u).astype(int)].astype(np.float64)
    world = s.world[ok]
    good = d > 0
    rhs = np.log(np.where(good, z, 1)) - np.log(np.where(good, d, 1))
    good &= np.abs(rhs) < settings.outlier
    centre_i = frames[i].pose_array[:3, 3]
    gain = ((world - centre_i) @ frame.pose_array[:3, 2]) / z  # how frame i's correction moves the depth seen in j
    weights_j, cells_j = bilinear(u / max(frame.width - 1, 1), v / max(frame.height - 1, 1), settings.grid)
    size = settings.grid[0] * settings.grid[1]
    columns = np.concatenate([j * size + cells_j, i * size + s.cells[ok]], axis=1)[good]
    coefficients = np.concatenate([weights_j, -gain[:, None] * s.basis[ok]], axis=1)[good]
    return columns, coefficients, rhs[good]


def fit_corrections(frames: Sequence[Frame], depth: DepthFn, settings: ConsistencySettings) -> np.ndarray:
    """(F, rows × columns) control values of each frame's log-depth correction."""
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    frames = list(frames)
    size = settings.grid[0] * settings.grid[1]
    samples = [_samples(f, depth(f.index), settings) for f in frames]
    parts = [_equations(i, j, samples, frames, depth, settings) for i, js in enumerate(_partners(samples, frames, settings.partners))
             for j in js]
    unknowns = len(frames) * size
    if not parts:
        return np.zeros((len(frames), size))
    columns = np.concatenate([p[0] for p in parts])
    coefficients = np.concatenate([p[1] for p in parts])
    rhs = np.concatenate([p[2] for p in parts])
    rows = np.repeat(np.arange(len(rhs)), columns.shape[1])
    A = sparse.csr_matrix((coefficients.ravel(), (rows, columns.ravel())), shape=(len(rhs), unknowns))
    prior = settings.prior**2 * len(rhs) / unknowns
    x = np.zeros(unknowns)
    for _ in range(settings.iterations):
        residual = np.abs(A @ x - rhs)
        weight = np.where(residual <= settings.robust, 1.0, settings.robust / np.maximum(residual, 1e-12))
        AtW = A.T.multiply(weight).tocsr()
        x = spsolve((AtW @ A + prior * sparse.identity(unknowns)).tocsc(), AtW @ rhs)  # sparse: frames meet few others
    return x.reshape(len(frames), size)


def disagreement(frames: Sequence[Frame], depth: DepthFn, settings: ConsistencySettings = ConsistencySettings()) -> float:
    """Robust σ of log-depth differences where a sparse sample of frame pairs overlaps (≈ relative disagreement)."""
    frames = list(frames)
    picks = frames[:: max(len(frames) // 12, 1)]
    coarse = ConsistencySettings(samples=(20, 15))
    samples = [_samples(f, depth(f.index), coarse) for f in picks]
    found = []
    for i, js in enumerate(_partners(samples, picks, 2)):
        found.append(_equations(i, js[0], samples, picks, depth, settings)[2] if js else np.zeros(0))
    r = np.concatenate(found) if found else np.zeros(0)
    return float(1.4826 * np.median(np.abs(r - np.median(r)))) if len(r) >= 50 else 0.0


def corrected(frames: Sequence[Frame], depth: DepthFn, values: np.ndarray, grid: tuple[int, int],
              smooth_above: float = 0.005) -> DepthFn:
    """`depth` times each frame's correction field (by frame index; cached), and smoothed where its per-pixel noise
    (estimated from the depth itself) exceeds `smooth_above` (`lift.denoise_depth`: depth jumps stay sharp)."""
    from reasmory.memory.grounding.lift import denoise_depth, depth_noise

    by_index = {f.index: (f, k) for k, f in enumerate(frames)}

    @functools.lru_cache(maxsize=None)
    def read(index: int) -> np.ndarray:
        frame, k = by_index[index]
        d = depth(index)
        y, x = np.mgrid[0 : d.shape[0], 0 : d.shape[1]]
        weights, cells = bilinear(x.ravel() / max(d.shape[1] - 1, 1), y.ravel() / max(d.shape[0] - 1, 1), grid)
        field = (weights * values[k][cells]).sum(axis=1).reshape(d.shape)
        fixed = (d * np.exp(field)).astype(np.float32)
        noise = depth_noise(fixed)
        return denoise_depth(fixed, noise) if noise > smooth_above else fixed

    return read


def consistent_depth(frames: Sequence[Frame], depth: DepthFn, settings: ConsistencySettings = ConsistencySettings()
                     ) -> tuple[DepthFn, str | None]:
    """Depth corrected to agree across frames, and a note on what was done (None when it was left alone)."""
    before = disagreement(frames, depth, settings)
    if before < settings.needed:
        return depth, None
    values = fit_corrections(frames, depth, settings)
    fixed = corrected(frames, depth, values, settings.grid)
    after = disagreement(frames, fixed, settings)
    return fixed, f"depth: per-frame corrections fitted across views (disagreement {100 * before:.1f}% → {100 * after:.1f}%)"
