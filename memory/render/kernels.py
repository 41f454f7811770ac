"""Compiled CPU drawing of points into a z-buffer (numba): two passes over a piece where torch makes about fifteen.

`view._draw` projects, sizes, packs and scatters a piece of points with torch
ops, each one pass over the piece with a temporary of its own: on the CPU
that costs ~11 ns a point, and two threads drawing at once gain nothing (a
render of 5M points spent 17 of its 30 ms there). Here a piece is drawn a
stretch of STRETCH points at a time: one vectorised pass (`_project`: pixel,
depth and splat radius of each point, in float32 without fast-math, though
not summed in the order of torch's matrix product: a depth may differ in its
last bit) and one scalar pass (`_scatter`: keep the nearest key per pixel;
set wide splats aside), through scratch arrays small enough to stay in the
core's first-level cache. The keys are `splat.pack`'s; a point's index is
its position in the cloud (`RenderCloud.index` is 0 … N−1). The kernels
release the GIL, so the render's threads (threads.on_threads) draw in
parallel.

Growing splats, drawing the wide ones' squares, filling holes, unpacking the
keys and gathering the winners' colours are compiled here too, with the
same results as the torch ops a GPU render keeps. Kernels are compiled on
first use and cached on disk beside this file (or in numba's cache folder
where that is read-only): about 3 s once per install; loading them costs a
process 0.4–0.55 s before its first CPU render.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import torch

from reasmory.memory.render.splat import EMPTY, INDEX_BITS, INDEX_MASK, LEVEL_RADIUS, MAX_RADIUS, RADIUS_FIELD, ZBuffer

_COMPILE = {"nogil": True, "cache": True, "boundscheck": False, "error_model": "numpy"}
#: Marks a point behind the near plane in the radius scratch (every splat's radius is ≥ −0).
_BEHIND = np.float32(-1.0)
#: Wide splats' pixel coordinates are clamped to this before conversion to integers: far beyond any image, and
#: exactly representable.
_FAR = 2.0**30


@numba.njit(**_COMPILE)
def _project(x: np.ndarray, y: np.ndarray, z: np.ndarray, spacing: np.ndarray, scale: np.float32, P: np.ndarray,
             grow: np.float32, near: np.float32, test_near: bool, sparse_half: np.float32, u: np.ndarray,
             v: np.ndarray, depth: np.ndarray, radius: np.ndarray) -> None:
    """Per point of a stretch of one run (1-D slices): floor of its shifted pixel (u, v), depth × `grow` (the bias)
    and splat radius ⌈half-width⌉ (from its spacing times the run's splat factor `scale`, or the sparse dots' fixed
    half-width when ≥ 0); radius `_BEHIND` for points at or behind `near` when `test_near`."""
    p00, p01, p02, p03 = P[0, 0], P[0, 1], P[0, 2], P[0, 3]
    p10, p11, p12, p13 = P[1, 0], P[1, 1], P[1, 2], P[1, 3]
    p20, p21, p22, p23 = P[2, 0], P[2, 1], P[2, 2], P[2, 3]
    fixed = sparse_half >= 0
    for j in range(len(x)):
        pz = p20 * x[j] + p21 * y[j] + p22 * z[j] + p23
        inverse = np.float32(1.0) / pz
        u[j] = np.floor((p00 * x[j] + p01 * y[j] + p02 * z[j] + p03) * inverse)
        v[j] = np.floor((p10 * x[j] + p11 * y[j] + p12 * z[j] + p13) * inverse)
        half = sparse_half if fixed else spacing[j] * scale * inverse - np.float32(0.5)
        radius[j] = _BEHIND if test_near and not pz > near else np.ceil(half)
        depth[j] = pz * grow


@numba.njit(**_COMPILE)
def _scatter(first: int, count: int, u: np.ndarray, v: np.ndarray, depth_bits: np.ndarray, radius: np.ndarray,
             stride: int, rows: int, pad: int, image: np.ndarray, wide_u: np.ndarray, wide_v: np.ndarray,
             wide_key: np.ndarray, wide_radius: np.ndarray, wide: int) -> int:
    """Keep each pixel's smallest key (`splat.pack`'s layout) for the `count` points projected into the scratch,
    which are the cloud's points `first`, `first` + 1, …; splats wider than LEVEL_RADIUS go to the wide arrays from
    position `wide` on, as `ZBuffer.add_shifted` sets them aside. Returns how many wide ones there are now."""
    last_column, last_row = np.float32(stride - 1), np.float32(rows - 1)
    for k in range(count):
        index = first + k
        r = radius[k]
        high = np.int64(depth_bits[k]) << 32
        if r > LEVEL_RADIUS:
            wide_u[wide] = np.int64(min(max(u[k], -_FAR), _FAR)) - pad
            wide_v[wide] = np.int64(min(max(v[k], -_FAR), _FAR)) - pad
            wide_key[wide] = high | index
            wide_radius[wide] = min(np.int64(r), MAX_RADIUS)
            wide += 1
        elif r >= 0:
            column = min(max(u[k], np.float32(0.0)), last_column)
            row = min(max(v[k], np.float32(0.0)), last_row)
            flat = np.int64(column) + np.int64(row) * stride
            image[flat] = min(image[flat], high | (np.int64(r) << INDEX_BITS) | index)  # no branch to mispredict
    return wide


#: Points projected at a time before they are scattered: their scratch (16 bytes a point) stays in the core's
#: first-level cache (a whole piece's went out to memory and back: 20 % slower).
STRETCH = 2048


@dataclass
class Scratch:
    """One drawing thread's arrays, reused for every piece it draws (fresh ones would cost a page fault per 4 KB):
    a stretch's projection, and the wide splats of a piece of up to `points`."""

    u: np.ndarray
    v: np.ndarray
    depth: np.ndarray
    radius: np.ndarray
    wide: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

    @classmethod
    def of_size(cls, points: int) -> Scratch:
        floats = [np.empty(STRETCH, np.float32) for _ in range(4)]
        return cls(*floats, tuple(np.empty(points, np.int64) for _ in range(4)))  # type: ignore[arg-type]


def draw_runs(zbuffer: ZBuffer, xyz: np.ndarray, spacing: np.ndarray, P: np.ndarray, runs: np.ndarray,
              factor: np.ndarray, bias: float, near: float, test_near: bool, sparse_half: float | None,
              scratch: Scratch) -> None:
    """Add the points of `runs` ((k, 2) [start, stop) positions into the (3, N) `xyz`) to a CPU z-buffer, as
    `view._draw` does.

    `P` is the (3, 4) float32 projection shifted by the z-buffer's `shift`; `factor` each run's splat factor;
    `sparse_half` the half-width of every dot of a sparse cloud (None: sized by spacing).
    """
    points = int((runs[:, 1] - runs[:, 0]).sum())
    if points > len(scratch.wide[0]):
        raise ValueError(f"a piece of {points:,} points is larger than its scratch ({len(scratch.wide[0]):,})")
    wide = _draw(xyz, spacing, runs, factor, P, np.float32(1.0 + bias), np.float32(near), test_near,
                 np.float32(-1.0 if sparse_half is None else sparse_half), scratch.u, scratch.v, scratch.depth,
                 scratch.radius, zbuffer.stride, zbuffer.height + 2 * zbuffer.pad, zbuffer.pad, zbuffer.image.numpy(),
                 *scratch.wide)
    if wide:
        zbuffer.wide.append(tuple(torch.from_numpy(values[:wide].copy()) for values in scratch.wide))  # type: ignore[arg-type]


@numba.njit(**_COMPILE)
def _draw(xyz: np.ndarray, spacing: np.ndarray, runs: np.ndarray, factor: np.ndarray, P: np.ndarray,
          grow: np.float32, near: np.float32, test_near: bool, sparse_half: np.float32, u: np.ndarray, v: np.ndarray,
          depth: np.ndarray, radius: np.ndarray, stride: int, rows: int, pad: int, image: np.ndarray,
          wide_u: np.ndarray, wide_v: np.ndarray, wide_key: np.ndarray, wide_radius: np.ndarray) -> int:
    """`draw_runs` in one call: each run projected a stretch at a time into the scratch, and scattered."""
    wide = 0
    depth_bits = depth.view(np.int32)
    for run in range(len(runs)):
        for start in range(runs[run, 0], runs[run, 1], len(u)):
            stop = min(start + len(u), runs[run, 1])
            n = stop - start
            _project(xyz[0, start:stop], xyz[1, start:stop], xyz[2, start:stop], spacing[start:stop], factor[run], P,
                     grow, near, test_near, sparse_half, u[:n], v[:n], depth[:n], radius[:n])
            wide = _scatter(start, n, u, v, depth_bits, radius, stride, rows, pad, image, wide_u, wide_v, wide_key,
                            wide_radius, wide)
    return wide


@numba.njit(**_COMPILE)
def grow(image: np.ndarray) -> None:
    """`splat._grow` on a CPU key image (2-D int64, C order), in place, with the same windows and the same result.

    Per ring, each row of its window is passed over twice (the keys that may grow; their minima of three along the
    row) and then merged with the row minima above, beside and below it: short loops over contiguous rows, which
    the compiler vectorises.
    """
    rows, columns = image.shape
    row_reach, column_reach = np.zeros(rows, np.int64), np.zeros(columns, np.int64)
    _reach(image, row_reach, column_reach)
    growing = np.empty(columns, np.int64)
    row_min = np.empty((rows, columns), np.int64)
    for ring in range(1, (row_reach.max() >> INDEX_BITS) + 1):
        threshold = ring << INDEX_BITS
        reached_rows, reached_columns = np.flatnonzero(row_reach >= threshold), np.flatnonzero(column_reach >= threshold)
        top, bottom = max(reached_rows[0] - ring - 1, 0), min(reached_rows[-1] + ring + 2, rows)
        left, right = max(reached_columns[0] - ring - 1, 0), min(reached_columns[-1] + ring + 2, columns)
        for i in range(top, bottom):
            _may_grow(image[i, left:right], growing[left:right], threshold)
            _min3(growing[left : right - 2], growing[left + 1 : right - 1], growing[left + 2 : right],
                  row_min[i, left + 1 : right - 1])
        for i in range(top + 1, bottom - 1):
            inner = slice(left + 1, right - 1)
            _merge(image[i, inner], row_min[i - 1, inner], row_min[i, inner], row_min[i + 1, inner])


@numba.njit(**_COMPILE)
def _reach(image: np.ndarray, row_reach: np.ndarray, column_reach: np.ndarray) -> None:
    """The largest radius field of each row and column, over all but the outermost ones (which hold points clamped
    there from far off: no square reaches into the picture from them)."""
    rows, columns = image.shape
    for i in range(1, rows - 1):
        line = image[i]
        most = 0
        for j in range(1, columns - 1):
            reach = line[j] & RADIUS_FIELD
            most = max(most, reach)
            column_reach[j] = max(column_reach[j], reach)
        row_reach[i] = most


@numba.njit(**_COMPILE)
def _may_grow(keys: np.ndarray, out: np.ndarray, threshold: int) -> None:
    """Each key whose radius reaches `threshold`, else the key raised above `EMPTY` (it loses every minimum)."""
    for j in range(len(keys)):
        key = keys[j]
        out[j] = key if key & RADIUS_FIELD >= threshold else key | EMPTY


@numba.njit(**_COMPILE)
def _min3(a: np.ndarray, b: np.ndarray, c: np.ndarray, out: np.ndarray) -> None:
    for j in range(len(out)):
        out[j] = min(min(a[j], b[j]), c[j])


@numba.njit(**_COMPILE)
def _merge(target: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
    for j in range(len(target)):
        target[j] = min(target[j], min(min(a[j], b[j]), c[j]))


@numba.njit(**_COMPILE)
def fill_holes(keys: np.ndarray, out: np.ndarray, min_neighbours: int) -> None:
    """`splat.fill_holes` on a CPU key image: each empty pixel of `keys` with at least `min_neighbours` of its 8
    neighbours covered takes the smallest of their keys, written to `out` (a copy of `keys`)."""
    rows, columns = keys.shape
    for i in range(rows):
        for j in range(columns):
            if keys[i, j] != EMPTY:
                continue
            covered, nearest = 0, EMPTY
            for row in range(max(i - 1, 0), min(i + 2, rows)):
                for column in range(max(j - 1, 0), min(j + 2, columns)):
                    key = keys[row, column]
                    if key != EMPTY:
                        covered += 1
                        nearest = min(nearest, key)
            if covered >= min_neighbours:
                out[i, j] = nearest


@numba.njit(**_COMPILE)
def unpack(keys: np.ndarray, index: np.ndarray, depth_bits: np.ndarray) -> None:
    """`splat.unpack` on a CPU key image (2-D int64) in one pass: each key's point index (−1 where `EMPTY`) and the
    bits of its depth (0 where `EMPTY`), into (H, W) int64 and int32 (a float32 array's view) outputs."""
    rows, columns = keys.shape
    for i in range(rows):
        for j in range(columns):
            key = keys[i, j]
            empty = key == EMPTY
            index[i, j] = -1 if empty else key & INDEX_MASK
            depth_bits[i, j] = 0 if empty else np.int32(key >> 32)


@numba.njit(**_COMPILE)
def gather_rows(index: np.ndarray, rows: np.ndarray, out: np.ndarray) -> tuple[int, int]:
    """out[p] = rows[index[p]] where index[p] ≥ 0, else zeros, for a flat (n,) index into (N, k) rows; returns the
    lowest and highest index gathered ((−1, −1) when none): whether every pixel shows one run of the cloud."""
    lowest, highest = np.int64(-1), np.int64(-1)
    width = rows.shape[1]
    for p in range(len(index)):
        point = index[p]
        if point < 0:
            for c in range(width):
                out[p, c] = 0
            continue
        for c in range(width):
            out[p, c] = rows[point, c]
        lowest = point if lowest < 0 else min(lowest, point)
        highest = max(highest, point)
    return lowest, highest


@numba.njit(**_COMPILE)
def draw_squares(image: np.ndarray, u: np.ndarray, v: np.ndarray, radius: np.ndarray, keys: np.ndarray,
                 most_pixels: int) -> bool:
    """Each key made the minimum over its square of `radius` around (u, v), clipped to the 2-D `image`, row by row:
    wide splats (`ZBuffer._draw_squares`). Draws nothing and returns False when the squares cover more than
    `most_pixels` of the image in all."""
    rows, columns = image.shape
    total = 0
    for p in range(len(keys)):
        width = min(u[p] + radius[p], columns - 1) - max(u[p] - radius[p], 0) + 1
        height = min(v[p] + radius[p], rows - 1) - max(v[p] - radius[p], 0) + 1
        total += max(width, 0) * max(height, 0)
    if total > most_pixels:
        return False
    for p in range(len(keys)):
        key = keys[p]
        left, right = max(u[p] - radius[p], 0), min(u[p] + radius[p], columns - 1)
        for row in range(max(v[p] - radius[p], 0), min(v[p] + radius[p], rows - 1) + 1):
            line = image[row]
            for column in range(left, right + 1):
                line[column] = min(line[column], key)
    return True
