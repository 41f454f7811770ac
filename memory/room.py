"""The room's floor outline from its walls and the space the cameras saw, not from the floor they happened to see.

Every depth sample is the end of a ray from its camera, and everything the ray crossed is air inside the room, so
its floor-plane shadow is room floor. Per frame, the farthest hit in each direction (horizontal bins around the
camera) bounds a fan of floor; the union of all fans is floor that was seen *over*, even where furniture hid the
floor itself. The fans' far ends are mostly walls (or tall furniture standing against them), which give the room's
orientation (the rectangle that hugs them best, as for objects' yaw) and extent.

A camera rarely looks everywhere: the part of a room behind it all along is no fan. So the room is the rectangle of
its walls (and of where the cameras stood, a little off the walls: a wall never looked at is at least behind them), less the parts of that rectangle no fan reached that are *walled off*: a good part of their border with
the seen space is where rays ended (a wall seen from inside: the notch of an L-shaped room). A part whose border is only the side
of the cameras' fields of view was merely never looked at, and stays room. Objects' footprints count as room.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.model import Frame

if TYPE_CHECKING:
    from reasmory.memory.spatial_memory import SpatialMemory


@dataclass(frozen=True)
class RoomSettings:
    """`cell`: grid size (m); `bins`: directions per fan; `close`: gaps (m) closed between fans; `min_part`: the least
    area (m²) an unseen part of the rectangle needs before it can be walled off; `walled`: the share of its border with
    the seen space where rays must have ended high up (`wall_height`, m) for it to be; `min_wall`, `wall_blur`,
    `wall_share`: what makes a straight wall (`wall_lines`); `trim`, `beyond`: when a side of the rectangle is not its
    outermost wall (`outer_walls`); `near`: how close (m) to a ray's end a border cell counts as walled; `confirm`, `confirm_relative`: how
    near another frame must have seen something for a fan's end to count (`confirmed`); `min_hits`: depth samples a
    frame needs to make a fan; `min_area`: the least area (m²) taken for a room (below it, sparse points made none); `standing`: how far
    (m) from the walls the cameras are taken to have been at least (the rectangle holds them); `behind`: the share of an
    unseen part that must lie beyond a wall some camera saw for it to be outside (`_behind_walls`)."""

    cell: float = 0.025
    bins: int = 720
    close: float = 0.3
    min_part: float = 0.5
    walled: float = 0.25
    trim: float = 2.0
    beyond: float = 0.2
    wall_blur: float = 0.05
    wall_share: float = 0.01
    wall_height: float = 1.2
    min_wall: float = 1.0
    near: float = 0.1
    confirm: float = 0.05
    confirm_relative: float = 0.04
    min_hits: int = 50
    min_area: float = 1.0
    standing: float = 0.3
    behind: float = 0.5


@dataclass(frozen=True)
class RoomLayout:
    """The floor outline (counter-clockwise, world metres), its area and how it was found."""

    polygon: list[tuple[float, float]]
    area: float
    method: str

    def contains(self, xy: np.ndarray) -> np.ndarray:
        """(N,) bool: whether each floor point (N, 2) lies inside the outline."""
        return inside_polygon(np.asarray(xy, np.float64), np.asarray(self.polygon, np.float64))


def fan_ends(camera: np.ndarray, hits: np.ndarray, bins: int, band: float = 0.1) -> np.ndarray:
    """(K, 3): in each of `bins` horizontal directions around `camera` (x, y), where the rays ended farthest (the floor-
    plane position of the median of the `hits` (N, 3) within `band` of the farthest distance, as noise in depth would
    push the farthest one alone outwards; and the highest of them: how high the surface there was seen); directions
    without hits are left out."""
    hits = np.asarray(hits, np.float64)
    d = hits[:, :2] - camera
    r = np.hypot(d[:, 0], d[:, 1])
    b = np.floor((np.arctan2(d[:, 1], d[:, 0]) + math.pi) / (2 * math.pi) * bins).astype(np.int64) % bins
    order = np.lexsort((r, b))  # per bin, the farthest last
    rs, bs = r[order], b[order]
    last = np.nonzero(np.r_[bs[1:] != bs[:-1], True])[0]
    far = np.zeros(bins)
    far[bs[last]] = rs[last]
    in_tail = rs >= (1 - band) * far[bs]
    tail = np.bincount(bs[in_tail], minlength=bins)[bs[last]]
    top = np.full(bins, -np.inf)
    np.maximum.at(top, bs[in_tail], hits[order[in_tail], 2])
    middle = order[last - (tail - 1) // 2]
    angle = (b[middle] + 0.5) / bins * 2 * math.pi - math.pi
    return np.c_[camera + np.c_[np.cos(angle), np.sin(angle)] * r[middle, None], top[bs[last]]]


def _runs(ends_bins: np.ndarray, bins: int) -> list[np.ndarray]:
    """Positions of `ends_bins` (sorted bin numbers) split into runs of consecutive bins (wrapping around)."""
    breaks = np.nonzero(np.diff(ends_bins) > 1)[0] + 1
    runs = np.split(np.arange(len(ends_bins)), breaks)
    if len(runs) > 1 and ends_bins[0] == 0 and ends_bins[-1] == bins - 1:
        runs = [np.concatenate([runs[-1], runs[0]]), *runs[1:-1]]
    return runs


def _fan_bins(camera: np.ndarray, ends: np.ndarray, bins: int) -> np.ndarray:
    d = ends - camera
    return np.floor((np.arctan2(d[:, 1], d[:, 0]) + math.pi) / (2 * math.pi) * bins).astype(np.int64) % bins


def _raster(fans: Sequence[tuple[np.ndarray, np.ndarray]], origin: np.ndarray, shape: tuple[int, int], cell: float,
            bins: int) -> np.ndarray:
    """(X, Y) boolean grid of the fans (camera, ends) in grid coordinates, each run of directions a polygon."""
    from PIL import Image, ImageDraw

    image = Image.new("1", shape, 0)
    draw = ImageDraw.Draw(image)
    for camera, ends in fans:
        if len(ends) == 0:
            continue
        order = np.argsort(_fan_bins(camera, ends, bins), kind="stable")
        ends = ends[order]
        apex = tuple((camera - origin) / cell)
        for run in _runs(_fan_bins(camera, ends, bins), bins):
            draw.polygon([apex, *map(tuple, (ends[run] - origin) / cell)], fill=1)
    return np.asarray(image).T.copy()


def _grid_cells(points: np.ndarray, origin: np.ndarray, shape: tuple[int, int], cell: float) -> np.ndarray:
    ij = np.floor((points - origin) / cell).astype(np.int64)
    ok = (ij >= 0).all(axis=1) & (ij[:, 0] < shape[0]) & (ij[:, 1] < shape[1])
    grid = np.zeros(shape, bool)
    grid[ij[ok, 0], ij[ok, 1]] = True
    return grid


def _cells(points: np.ndarray, origin: np.ndarray, shape: tuple[int, int], cell: float) -> np.ndarray:
    """(N, 2) grid indices of points, clipped to the grid."""
    return np.clip(np.floor((points - origin) / cell).astype(np.int64), 0, np.array(shape) - 1)


def _behind_walls(missing: np.ndarray, walls_seen: Sequence[tuple[np.ndarray, np.ndarray]], origin: np.ndarray,
                  cell: float, settings: RoomSettings, margin: float) -> np.ndarray:
    """The parts of `missing` (unseen cells of the rectangle, at least `min_part` m²) that lie mostly (`behind`) beyond
    a wall some camera saw in their direction (by more than `margin`, m: the walls' noise): `walls_seen` holds, per camera, the ends of its rays that stopped high
    up outside every object's footprint. An L-shaped room's notch, seen only through the wall in front of it from the
    rest of the room, is outside; space merely outside the cameras' fields of view has no wall in front of it."""
    from scipy import ndimage

    parts, count = ndimage.label(missing)
    out = np.zeros_like(missing)
    for k in range(1, count + 1):
        part = parts == k
        if part.sum() * cell**2 < settings.min_part:
            continue
        centres = origin + (np.argwhere(part) + 0.5) * cell
        behind = np.zeros(len(centres), bool)
        for camera, ends in walls_seen:
            if len(ends) == 0:
                continue
            reach = np.full(settings.bins, np.inf)
            np.minimum.at(reach, _fan_bins(camera, ends, settings.bins), np.hypot(*(ends - camera).T))
            r = np.hypot(*(centres - camera).T)
            behind |= r > reach[_fan_bins(camera, centres, settings.bins)] + margin
        if behind.mean() >= settings.behind:
            out |= part
    return out


def _footprints(boxes: Sequence[np.ndarray], origin: np.ndarray, shape: tuple[int, int], cell: float) -> np.ndarray:
    from PIL import Image, ImageDraw

    image = Image.new("1", shape, 0)
    draw = ImageDraw.Draw(image)
    for corners in boxes:
        draw.polygon(list(map(tuple, (np.asarray(corners) - origin) / cell)), fill=1)
    return np.asarray(image).T.copy()


def _peaks(t: np.ndarray, blur: float, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the local maxima of the histogram of `t` (2.5 cm bins, blurred by `blur` m), strongest first."""
    from scipy.ndimage import gaussian_filter1d

    step = 0.025
    edges = np.arange(t.min() - reach, t.max() + reach + step, step)
    density = gaussian_filter1d(np.histogram(t, edges)[0].astype(np.float64), blur / step)
    peaks = np.nonzero((density >= np.r_[0, density[:-1]]) & (density > np.r_[density[1:], 0]))[0]
    peaks = peaks[np.argsort(-density[peaks])]
    return edges[peaks] + step / 2, density[peaks]


def wall_spread(ends: np.ndarray, settings: RoomSettings) -> float:
    """How far (m, robust σ) the fan ends scatter about a wall: about the strongest peak along each axis, the smaller
    of the two (depth noise blurs every wall alike)."""
    spreads = []
    for axis in (0, 1):
        t = ends[:, axis]
        at, _ = _peaks(t, settings.wall_blur, 0.5)
        near = t[np.abs(t - at[0]) <= 0.5] if len(at) else t[:0]
        if len(near) >= 20:
            spreads.append(1.4826 * float(np.median(np.abs(near - np.median(near)))))
    return max(min(spreads), settings.wall_blur) if spreads else settings.wall_blur


def wall_lines(ends: np.ndarray, settings: RoomSettings, spread: float) -> list[tuple[int, float]]:
    """(axis, position) of the straight walls among the fan ends (room axes): where ends pile up along an axis (peaks
    of a histogram blurred by the ends' `spread` about a wall, at least `wall_share` of the ends within 2.5 spreads,
    strongest first, none within 3 spreads (and 0.3 m) of a stronger one), with ends along at least `min_wall` metres
    of it; at the median of their ends."""
    reach = 2.5 * spread
    lines = []
    for axis in (0, 1):
        t = ends[:, axis]
        taken: list[float] = []
        for at, _ in zip(*_peaks(t, spread, reach), strict=True):
            on = ends[np.abs(t - at) <= reach]
            if len(on) < max(settings.wall_share * len(ends), 5) or any(abs(at - x) < max(0.3, 3 * spread) for x in taken):
                continue
            along = len(np.unique(np.floor(on[:, 1 - axis] / 0.1)))  # 10 cm stretches of it with ends (not a few
            if along * 0.1 >= settings.min_wall:                       # crossings of the walls across it)
                taken.append(at)
                lines.append((axis, float(np.median(on[:, axis]))))
    return lines


def outer_walls(ends: np.ndarray, lines: list[tuple[int, float]], settings: RoomSettings, spread: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """The rectangle's low and high corner (room axes): on each side the outermost wall line near the ends' `trim`
    percentile (at most `beyond` metres past it, lines farther out being stray ends, and at most 1 m, or 4 spreads of
    the ends about a wall, inside it: not the opposite wall), else that percentile (the wall there was never seen)."""
    lo, hi = np.percentile(ends, [settings.trim, 100 - settings.trim], axis=0)
    inside = max(1.0, 4 * spread)
    for axis in (0, 1):
        low = [x for a, x in lines if a == axis and lo[axis] - settings.beyond <= x <= lo[axis] + inside]
        high = [x for a, x in lines if a == axis and hi[axis] - inside <= x <= hi[axis] + settings.beyond]
        if low:
            lo[axis] = min(low)
        if high:
            hi[axis] = max(high)
    return lo, hi


def _walled_off(missing: np.ndarray, seen: np.ndarray, ends: np.ndarray, lines: np.ndarray,
                settings: RoomSettings, near: float) -> np.ndarray:
    """The parts of `missing` (unseen cells of the rectangle), cut along the walls' `lines` (an L-shaped room's inner
    walls, seen in part, cut its notch from the unseen room beside it), whose border with the `seen` cells is mostly
    where rays ended (`ends`: cells holding a fan end, near enough)."""
    from scipy import ndimage

    ring = np.ones((3, 3), bool)
    thin = max(int(round(0.1 / settings.cell)), 1)  # slivers along the walls (where the rectangle overshoots the fans)
    parts, count = ndimage.label(ndimage.binary_opening(missing, ring, iterations=thin) & ~lines)
    near_ends = ndimage.binary_dilation(ends, ring, iterations=max(int(round(near / settings.cell)), 1))
    out = np.zeros_like(missing)
    for k in range(1, count + 1):
        part = parts == k
        if part.sum() * settings.cell**2 < settings.min_part:
            continue
        border = ndimage.binary_dilation(part, ring) & seen
        if border.any() and (border & near_ends).sum() >= settings.walled * border.sum():
            out |= part
    return ndimage.binary_dilation(out, ring, iterations=thin + 1, mask=missing)  # with its slivers and cut lines


def confirmed(fans: list[tuple[np.ndarray, np.ndarray]], hits: Sequence[np.ndarray], settings: RoomSettings
              ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each fan with only the ends that another frame saw something near (on the floor plane, within `confirm`
    metres plus `confirm_relative` of the end's distance from its camera): a patch of one frame whose depth is grossly
    wrong throws its ends beyond the walls, where no other frame saw anything."""
    from scipy.spatial import cKDTree

    from reasmory.memory.grounding.associate import thin

    if len(fans) < 2:
        return fans
    pooled = [thin(np.c_[np.asarray(h, np.float64)[:, :2], np.zeros(len(h))], settings.confirm)[:, :2] for h in hits]
    frame_of = np.repeat(np.arange(len(pooled)), [len(p) for p in pooled])
    tree = cKDTree(np.concatenate(pooled))
    out = []
    for k, (camera, ends) in enumerate(fans):
        radius = settings.confirm + settings.confirm_relative * np.hypot(*(ends[:, :2] - camera).T)
        near = tree.query_ball_point(ends[:, :2], radius, return_sorted=False)
        seen = np.array([bool(np.any(frame_of[n] != k)) for n in near], bool)
        out.append((camera, ends[seen]))
    return out


@dataclass(frozen=True)
class _Walls:
    """What the frames' rays say of the walls, in the room's axes (`rot`: world → room): each frame's fan of ray ends
    (camera, (K, 2) ends) and which of them ended high up, the ends that did (else all), the wall lines found among
    them, their spread, and the rectangle (lo, hi) of the outer walls, widened to hold the cameras."""

    rot: np.ndarray
    fans: list[tuple[np.ndarray, np.ndarray]]
    fan_high: list[np.ndarray]
    ends: np.ndarray
    lines: list[tuple[int, float]]
    spread: float
    lo: np.ndarray
    hi: np.ndarray


def _walls(cameras: Sequence[np.ndarray], hits: Sequence[np.ndarray], settings: RoomSettings) -> _Walls | None:
    """The walls from each frame's camera position and depth samples (see `room_layout`); None when too little was seen."""
    from reasmory.memory.grounding.fit import fit_yaw  # here: grounding imports the build pipeline, which imports this

    fans = [(np.asarray(c, np.float64)[:2], fan_ends(np.asarray(c, np.float64)[:2], h, settings.bins))
            for c, h in zip(cameras, hits, strict=True) if len(h) >= settings.min_hits]
    fans = confirmed(fans, [h for h in hits if len(h)], settings)
    ends = np.concatenate([e for _, e in fans]) if fans else np.zeros((0, 3))
    if len(ends) < 3:
        return None
    high = ends[:, 2] >= settings.wall_height  # rays that ended high up ended on a wall (or on tall furniture)
    ends = ends[high, :2] if high.sum() >= 3 else ends[:, :2]
    fan_high = [e[:, 2] >= settings.wall_height for _, e in fans]
    yaw = fit_yaw(ends)
    rot = np.array([[math.cos(yaw), math.sin(yaw)], [-math.sin(yaw), math.cos(yaw)]])  # world → room axes
    fans = [(rot @ c, e[:, :2] @ rot.T) for c, e in fans]
    local_ends = ends @ rot.T
    spread = wall_spread(local_ends, settings)
    lines = wall_lines(local_ends, settings, spread)
    lo, hi = outer_walls(local_ends, lines, settings, spread)
    stand = np.array([c for c, _ in fans])  # the cameras stood in the room, some way off its walls
    lo, hi = np.minimum(lo, stand.min(axis=0) - settings.standing), np.maximum(hi, stand.max(axis=0) + settings.standing)
    return _Walls(rot, fans, fan_high, local_ends, lines, spread, lo, hi)


def walls_rectangle(cameras: Sequence[np.ndarray], hits: Sequence[np.ndarray],
                    settings: RoomSettings = RoomSettings()) -> RoomLayout | None:
    """The rectangle of the room's outer walls, nothing left out (what `room_layout` starts from): before objects are
    known, a refrigerator's front would wall off its body. None when too little was seen."""
    found = _walls(cameras, hits, settings)
    if found is None:
        return None
    lo, hi = found.lo, found.hi
    area = float(np.prod(hi - lo))
    corners = np.array([lo, [hi[0], lo[1]], hi, [lo[0], hi[1]]]) @ found.rot
    return RoomLayout([tuple(map(float, p)) for p in corners], area, "walls (rectangle)") if area >= settings.min_area else None


def room_layout(cameras: Sequence[np.ndarray], hits: Sequence[np.ndarray], footprints: Sequence[np.ndarray] = (),
                settings: RoomSettings = RoomSettings()) -> RoomLayout | None:
    """The room from each frame's camera position (x, y, …) and its depth samples (N, 3) in the gravity-aligned world
    (floor at z = 0); `footprints`: (4, 2) corners of objects standing in it. None when too little was seen."""
    from scipy import ndimage

    found = _walls(cameras, hits, settings)
    if found is None:
        return None
    rot, fans, fan_high, local_ends, walls, spread, lo, hi = (found.rot, found.fans, found.fan_high, found.ends,
                                                              found.lines, found.spread, found.lo, found.hi)
    prints = [np.asarray(f, np.float64) @ rot.T for f in footprints]
    everything = np.concatenate([local_ends, *[c[None] for c, _ in fans], *prints])
    cell = settings.cell
    origin = everything.min(axis=0) - 4 * cell
    shape = tuple(np.ceil((everything.max(axis=0) + 4 * cell - origin) / cell).astype(int))
    seen = _raster(fans, origin, shape, cell, settings.bins)
    steps = max(int(round(settings.close / cell / 2)), 1)
    seen = ndimage.binary_opening(seen, np.ones((3, 3), bool), iterations=max(steps // 3, 1))  # lone rays' spikes
    seen = ndimage.binary_closing(seen, np.ones((3, 3), bool), iterations=steps, border_value=0)
    seen = ndimage.binary_fill_holes(seen | _footprints(prints, origin, shape, cell))
    (i0, j0), (i1, j1) = np.round((lo - origin) / cell).astype(int), np.round((hi - origin) / cell).astype(int)
    rect = np.zeros_like(seen)
    rect[i0:i1, j0:j1] = True
    seen &= rect
    missing = rect & ~seen
    lines = np.zeros_like(seen)
    for axis, at in walls:
        k = int(np.floor((at - origin[axis]) / cell))
        if 0 <= k < shape[axis]:
            (lines[k] if axis == 0 else lines[:, k])[...] = True
    outside = _walled_off(missing, seen, _grid_cells(local_ends, origin, shape, cell), lines, settings, max(settings.near, 2 * spread))
    furniture = _footprints(prints, origin, shape, cell)
    walls_seen = [(c, e[high & ~furniture[tuple(_cells(e, origin, shape, cell).T)]]) for (c, e), high in zip(fans, fan_high, strict=True)]
    outside |= _behind_walls(missing & ~outside, walls_seen, origin, cell, settings, max(settings.near, 4 * spread))
    room = rect & ~outside
    area = float(room.sum() * cell * cell)
    if area < settings.min_area:
        return None
    polygon = outline(room, origin, cell) @ rot
    method = "walls and the space the cameras saw" + (" (rectangle)" if not outside.any() else " (rectangle less walled-off parts)")
    return RoomLayout([tuple(map(float, p)) for p in polygon], area, method)


def outline(mask: np.ndarray, origin: np.ndarray, cell: float) -> np.ndarray:
    """(K, 2) counter-clockwise corners of the outer boundary of the largest part of a grid mask (cells (i, j) cover
    origin + [i, i+1) × [j, j+1) cells), collinear points removed."""
    from scipy import ndimage

    parts, count = ndimage.label(mask)
    if count == 0:
        return np.zeros((0, 2))
    largest = parts == (np.argmax(np.bincount(parts.ravel())[1:]) + 1)
    grid = np.pad(ndimage.binary_fill_holes(largest), 1)
    edges: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    ii, jj = np.nonzero(grid)
    for i, j in zip(ii.tolist(), jj.tolist()):  # unit edges with the inside on the left, corners in padded coordinates
        for blocked, start, end in ((grid[i, j - 1], (i, j), (i + 1, j)), (grid[i + 1, j], (i + 1, j), (i + 1, j + 1)),
                                    (grid[i, j + 1], (i + 1, j + 1), (i, j + 1)), (grid[i - 1, j], (i, j + 1), (i, j))):
            if not blocked:
                edges[start].append(end)
    start = min(edges)
    loop, at = [start], edges[start].pop()
    while at != start:  # where two cells touch at a corner only, either way round closes the loop
        loop.append(at)
        at = edges[at].pop()
    corners = np.asarray(loop, np.float64)
    before, after = np.roll(corners, 1, axis=0), np.roll(corners, -1, axis=0)
    turn = (corners[:, 0] - before[:, 0]) * (after[:, 1] - corners[:, 1]) - (corners[:, 1] - before[:, 1]) * (after[:, 0] - corners[:, 0])
    return origin + (corners[turn != 0] - 1) * cell


def inside_polygon(xy: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """(N,) bool: whether each point lies inside the polygon (even-odd rule)."""
    inside = np.zeros(len(xy), bool)
    x, y = xy[:, 0], xy[:, 1]
    for (x0, y0), (x1, y1) in zip(polygon, np.roll(polygon, -1, axis=0)):
        crosses = (y0 > y) != (y1 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (x < at)
    return inside


def room_facts(room: RoomLayout | None) -> dict:
    """`SceneFacts` fields for a layout: outline, area and where they come from (none without a layout)."""
    if room is None:
        return {}
    return {"floor_polygon": room.polygon, "floor_area": room.area, "floor_area_source": room.method}


def depth_samples(frames: Sequence[Frame], depth: Callable[[int], np.ndarray], samples: int = 80) -> list[np.ndarray]:
    """Each frame's depth (`depth(k)` for the k-th frame) back-projected to world points, about `samples` columns
    across."""
    from reasmory.memory.reconstruction.backends.base import backproject

    return [backproject(depth(i), f.K_array, f.pose_array, max(f.width // samples, 1))[0] for i, f in enumerate(frames)]


def memory_room(memory: SpatialMemory, settings: RoomSettings = RoomSettings()) -> RoomLayout | None:
    """The layout of a gravity-aligned memory: from its kept depth maps, else from its points and the frames they came
    from; its objects' boxes are room."""
    frames = memory.frames
    depth = memory.arrays.depth
    if depth is not None and len(depth) == len(frames):
        hits = depth_samples(frames, lambda i: depth[i])
    else:
        index = {f.index: k for k, f in enumerate(frames)}
        owner = np.array([index.get(int(i), -1) for i in memory.points.frame], np.int64)
        hits = [memory.points.xyz[owner == k] for k in range(len(frames))]
    return room_layout([f.position for f in frames], hits, [footprint(o.box) for o in memory.objects], settings)


def footprint(box: OrientedBox) -> np.ndarray:
    """(4, 2) floor-plane corners of a box, in order around it."""
    return box.corners()[::2, :2][[0, 1, 3, 2]]
