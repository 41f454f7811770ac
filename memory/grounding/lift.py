"""Lifting a 2D mask to 3D world points with the frame's depth, cleanly.

Boundary pixels may mix object and background depth or belong to the
background outright. So the mask's boundary is eroded where it sits on a
depth jump, and any pixel whose depth disagrees with its in-mask neighbours
is rejected; thin parts (a lamp's pole) survive because their pixels agree
with each other, and a part too thin to erode (1–2 pixels) stays where it
stands in front of all around it, unless the depth is noisy. Noisy depth
(noise estimated from the depth itself) is first smoothed within the mask. Each point keeps an outline code: whether it lies
near the object's own outline or near where the view of it was cut (image
border, nearer occluder), which amodal completion needs. Sparse depth (SfM's
triangulated points: a few percent of pixels) is first filled within the mask,
each pixel from the nearest point inside it, so the mask's whole silhouette is
lifted, not the handful of pixels that happen to carry a point. Depth is z-depth in
metres (0 = unknown); K is 3×3; pose is camera-to-world 4×4 with OpenCV axes.
Output: (N, 3) float32 world metres.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def depth_edges(depth: np.ndarray, relative: float = 0.04, absolute: float = 0.03) -> np.ndarray:
    """Pixels whose 3×3 neighbourhood spans more than `absolute + relative × depth` metres (or touches unknown depth)."""
    valid = depth > 0
    hi = ndimage.maximum_filter(np.where(valid, depth, 0.0), size=3)
    lo = ndimage.minimum_filter(np.where(valid, depth, np.inf), size=3)
    return ~valid | (hi - lo > absolute + relative * depth) | ~ndimage.binary_erosion(valid, np.ones((3, 3)), border_value=1)


def depth_noise(depth: np.ndarray) -> float:
    """Relative depth noise (σ of depth / depth) estimated from the depth itself: the robust spread of each pixel's
    difference from the mean of its four neighbours, which is ≈ 0 on smooth surfaces and dominated by noise."""
    d = depth[::2, ::2].astype(np.float64)  # every other pixel: plenty for a spread, four times cheaper
    centre = d[1:-1, 1:-1]
    around = (d[:-2, 1:-1] + d[2:, 1:-1] + d[1:-1, :-2] + d[1:-1, 2:]) / 4
    ok = (centre > 0) & (d[:-2, 1:-1] > 0) & (d[2:, 1:-1] > 0) & (d[1:-1, :-2] > 0) & (d[1:-1, 2:] > 0)
    if ok.sum() < 100:
        return 0.0
    r = ((centre - around) / np.where(ok, centre, 1))[ok]
    return float(1.4826 * np.median(np.abs(r - np.median(r))) / np.sqrt(1.25))


def denoise_depth(depth: np.ndarray, noise: float, passes: int = 2, spread: float = 2.5) -> np.ndarray:
    """Depth averaged over its 3×3 neighbours that agree with it within `spread` × the relative `noise`, `passes`
    times (so about 5×5 pixels): independent per-pixel noise shrinks about fourfold while depth jumps larger than
    the noise stay sharp. Unknown depth (0) stays unknown and is never averaged in."""
    d = depth.astype(np.float32)
    valid = d > 0
    tolerance = np.float32(spread * noise) * d  # below d, so unknown neighbours (0) never agree
    for _ in range(passes):
        padded = np.pad(d, 1)
        total, count = np.zeros_like(d), np.zeros_like(d)
        for dy in range(3):
            for dx in range(3):
                other = padded[dy : dy + d.shape[0], dx : dx + d.shape[1]]
                agree = np.abs(other - d) <= tolerance
                total += other * agree
                count += agree
        d = np.where(valid, total / np.maximum(count, 1), 0).astype(np.float32)
    return d


def consistent_with_mask(crop: np.ndarray, depth: np.ndarray, relative: float, absolute: float) -> np.ndarray:
    """Mask pixels whose depth agrees with every in-mask neighbour (3×3) within `absolute + relative × depth`."""
    inside = crop & (depth > 0)
    hi = ndimage.maximum_filter(np.where(inside, depth, 0.0), size=3)
    lo = ndimage.minimum_filter(np.where(inside, depth, np.inf), size=3)
    return inside & (hi - lo <= absolute + relative * depth)


def fill_sparse(mask: np.ndarray, depth: np.ndarray, min_points: int = 3) -> np.ndarray:
    """Depth within `mask` where every mask pixel takes the depth of the nearest mask pixel that has one (Voronoi
    cells of the points: a slanted or stepped surface keeps its shape, a wall seen through a leaking mask stays at the
    wall); unchanged when the mask holds under `min_points` points."""
    known = mask & (depth > 0)
    if known.sum() < min_points:
        return depth
    _, (rows, cols) = ndimage.distance_transform_edt(~known, return_indices=True)
    return np.where(mask, depth[rows, cols], depth)


def _erode(mask: np.ndarray, steps: int) -> np.ndarray:
    """`mask` eroded `steps` times by a 3×3 square (outside the array counts as off)."""
    return ndimage.minimum_filter(mask.view(np.uint8), size=2 * steps + 1, mode="constant", cval=0).astype(bool)


def _dilate(mask: np.ndarray, steps: int) -> np.ndarray:
    return ndimage.maximum_filter(mask.view(np.uint8), size=2 * steps + 1).astype(bool)


def mask_bounds(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) half-open pixel bounds of a boolean mask, None when empty (row/column reductions: fast)."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if len(rows) == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def in_front_thin(mask: np.ndarray, depth: np.ndarray, relative: float, absolute: float, least: int = 8) -> np.ndarray:
    """Pixels of the mask's parts under 3 pixels wide (what an opening by a 3×3 square removes) and `least` pixels or
    more long (a lamp's pole, a chair's leg seen from afar) that stand in front of everything around them outside
    the mask. Eroding the rim would drop such a part whole, yet its depth is the object's: a rim pixel of a bleeding
    mask lies at the depth of what surrounds it, not nearer."""
    thin = mask & ~_dilate(_erode(mask, 1), 1)
    if not thin.any():
        return thin
    parts, count = ndimage.label(thin, np.ones((3, 3)))
    thin &= (np.bincount(parts.ravel(), minlength=count + 1) >= least)[parts]  # a pole, not a ragged outline's burr
    outside = np.where(~mask & (depth > 0), depth, np.inf)
    return thin & (depth > 0) & (ndimage.minimum_filter(outside, size=3) > depth + absolute + relative * depth)


def outline_codes(mask: np.ndarray, depth: np.ndarray, boundary: np.ndarray, relative: float, absolute: float,
                  width: int = 3) -> np.ndarray:
    """Per pixel of the mask: 0 inside, 1 near the object's own outline, 2 near an outline that only ends the view of
    it (the array's border, or a nearer surface hiding the rest), within `width` pixels; for amodal completion.
    `boundary`: the mask's pixels with a neighbour outside it."""
    border = np.zeros_like(mask)
    border[[0, -1], :] = border[:, [0, -1]] = True
    outside = np.where(~mask & (depth > 0), depth, np.inf)
    nearer = ndimage.minimum_filter(outside, size=3) < depth - (absolute + relative * depth)
    codes = (_dilate(boundary, width) & mask).astype(np.uint8)
    codes[_dilate(boundary & (border | nearer), width) & mask] = 2
    return codes


def lift_instance(
    mask: np.ndarray,
    depth: np.ndarray,
    K: np.ndarray,
    pose: np.ndarray,
    edges: np.ndarray | None = None,
    erode: int = 1,
    relative: float = 0.04,
    absolute: float = 0.03,
    noise: float = 0.0,
    sparse: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """World points of the mask's pixels with trustworthy depth, and their `outline_codes`; with a relative depth
    `noise` (`depth_noise`), the mask's depth is first smoothed within the mask (`denoise_depth`); `sparse` depth
    (points at a few pixels) is filled within the mask first (`fill_sparse`), and its edges say nothing."""
    mask = np.asarray(mask, bool)
    bounds = mask_bounds(mask)
    if bounds is None:
        return np.zeros((0, 3), np.float32), np.zeros(0, np.uint8)
    h, w = mask.shape  # a one-pixel margin around the mask, so mask pixels on the crop's edge are on the image's
    y0, y1, x0, x1 = max(bounds[0] - 1, 0), min(bounds[1] + 1, h), max(bounds[2] - 1, 0), min(bounds[3] + 1, w)
    crop = mask[y0:y1, x0:x1]
    d = depth[y0:y1, x0:x1]
    boundary = crop & ~_erode(crop, 1)
    codes = outline_codes(crop, d, boundary, relative, absolute)
    if sparse:
        d, edges = fill_sparse(crop, d), None
    if noise > 0:
        d = denoise_depth(np.where(crop, d, 0), noise)
    if erode > 0 and edges is not None:
        rim = boundary if erode == 1 else crop & ~_erode(crop, erode)
        dropped = rim & edges[y0:y1, x0:x1]
        if noise == 0:  # smoothed (noisy) depth blurs a part this thin into what lies behind it
            dropped &= ~in_front_thin(crop, d, relative, absolute)
        crop = crop & ~dropped
    keep = consistent_with_mask(crop, d, relative, absolute)
    vs, us = np.nonzero(keep)
    z = d[vs, us].astype(np.float64)
    u, v = us + x0, vs + y0
    cam = np.stack([(u - K[0, 2]) * z / K[0, 0], (v - K[1, 2]) * z / K[1, 1], z], axis=1)
    return (cam @ pose[:3, :3].T + pose[:3, 3]).astype(np.float32), codes[vs, us]
