"""Lifting a 2D mask to 3D world points with the frame's depth, cleanly.

Boundary pixels may mix object and background depth or belong to the
background outright. So the mask's boundary is eroded where it sits on a
depth jump, and any pixel whose depth disagrees with its in-mask neighbours
is rejected; thin parts (a lamp's pole) survive because their pixels agree
with each other. Depth is z-depth in metres (0 = unknown); K is 3×3; pose is
camera-to-world 4×4 with OpenCV axes. Output: (N, 3) float32 world metres.
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


def consistent_with_mask(crop: np.ndarray, depth: np.ndarray, relative: float, absolute: float) -> np.ndarray:
    """Mask pixels whose depth agrees with every in-mask neighbour (3×3) within `absolute + relative × depth`."""
    inside = crop & (depth > 0)
    hi = ndimage.maximum_filter(np.where(inside, depth, 0.0), size=3)
    lo = ndimage.minimum_filter(np.where(inside, depth, np.inf), size=3)
    return inside & (hi - lo <= absolute + relative * depth)


def lift_mask(
    mask: np.ndarray,
    depth: np.ndarray,
    K: np.ndarray,
    pose: np.ndarray,
    edges: np.ndarray | None = None,
    erode: int = 1,
    relative: float = 0.04,
    absolute: float = 0.03,
) -> np.ndarray:
    """World points of the mask's pixels with trustworthy depth."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return np.zeros((0, 3), np.float32)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop = mask[y0:y1, x0:x1]
    d = depth[y0:y1, x0:x1]
    if erode > 0 and edges is not None:
        boundary = crop & ~ndimage.binary_erosion(crop, np.ones((3, 3)), iterations=erode)
        crop = crop & ~(boundary & edges[y0:y1, x0:x1])
    keep = consistent_with_mask(crop, d, relative, absolute)
    vs, us = np.nonzero(keep)
    z = d[vs, us].astype(np.float64)
    u, v = us + x0, vs + y0
    cam = np.stack([(u - K[0, 2]) * z / K[0, 0], (v - K[1, 2]) * z / K[1, 1], z], axis=1)
    return (cam @ pose[:3, :3].T + pose[:3, 3]).astype(np.float32)
