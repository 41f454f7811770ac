"""Point splatting with a z-buffer: one scatter per point, square splats grown in image space.

Every winner is found with `scatter_reduce_(…, "amin")` on *packed keys*:
a point's depth (float32 bits, which order like the values for
non-negative floats) in the high 32 bits, its splat radius in the next 5 and
its index in the low 27, so the nearest point, its size and its identity
come out of one reduction. Splats then grow one pixel per pass: a pixel takes
the nearest of its 3×3 neighbours whose radius reaches that far. The cost is
one scatter per point plus a few passes over the image, however dense the
cloud; a (2r+1)² square scattered point by point would cost (2r+1)² scatters.
Radii above LEVEL_RADIUS are drawn after growing: pixel by pixel when their
squares reach few pixels of the image, else at half, quarter, … resolution.

`ZBuffer.add` takes pixel coordinates (n,) float32 (pixel centres at
integers), depths (n,) float32 (metres, or any non-negative order such as
height below a cut for maps), point indices (n,) int32 or int64 < 2²⁷ and footprints
(n,) float32, the pixels between neighbouring points of a surface. Key images
are (H, W) int64 with `EMPTY` where no point landed.
"""

from __future__ import annotations

import sys

import numpy as np
import torch

if sys.byteorder != "little":  # `pack` lays out int64 keys as two int32 halves, low half first
    raise ImportError("reasmory.memory.render needs a little-endian machine")

INDEX_BITS = 27
MAX_POINTS = 2**INDEX_BITS
#: The index bits of a key.
INDEX_MASK = MAX_POINTS - 1
_RADIUS_MASK = 31
#: The radius bits of a key, in place.
RADIUS_FIELD = _RADIUS_MASK << INDEX_BITS
#: Greater than every key (its depth bits are a NaN's, which no depth has), with radius bits 0 so it never grows.
EMPTY = (0x7FFFFFFF << 32) | INDEX_MASK
#: Largest splat radius grown at one resolution: at most this many passes per level.
LEVEL_RADIUS = 4
#: Wider splats go to 1/2, 1/4, … resolution, down to 1/2^MAX_LEVEL: radii reach LEVEL_RADIUS · 2^MAX_LEVEL.
MAX_LEVEL = 5
MAX_RADIUS = LEVEL_RADIUS * 2**MAX_LEVEL
#: Splats are this much wider than the point spacing, so slanted and unevenly sampled surfaces still close.
COVER = 1.2
#: Wide splats whose squares, clipped to the image, cover at most this many pixels in all are drawn pixel by pixel at
#: full resolution instead of at coarse levels. In a render of a room they are mostly points of blocks beside the
#: camera, whose squares hardly reach into the image (178 to 210k pixels in the benchmark's views on five rooms):
#: the coarse levels' dozens of small passes cost ~1.6 ms however little they draw, while the CPU's compiled kernel
#: sets a pixel in well under a nanosecond (at most 0.15 ms a view) and CUDA's scatter costs a few microseconds.
SQUARE_PIXELS = 1 << 22


def pack(depth: torch.Tensor, index: torch.Tensor, radius: torch.Tensor | None = None) -> torch.Tensor:
    """Keys ordering by depth first: (float32 bits of depth ≥ 0) << 32 | radius << 27 | index.

    The two 32-bit halves are laid side by side and read as one int64, low half first as in a
    little-endian int64 (x86, ARM, CUDA): no 64-bit arithmetic on the points at all. They are
    interleaved as the real and imaginary parts of a complex64, which only moves bits (NaN and
    denormal patterns included, `tests/render/test_splat.py`) and costs half of `torch.stack`.
    """
    low = index.to(torch.int32)
    if radius is not None:  # index < 2^27, so adding radius · 2^27 sets the same bits as shifting and or-ing, in one pass
        low = torch.add(low, radius.to(torch.int32), alpha=1 << INDEX_BITS)
    return torch.complex(low.view(torch.float32), depth.view(torch.float32)).view(torch.int64)


def unpack_index(keys: torch.Tensor) -> torch.Tensor:
    """The point index of each key (≤ `EMPTY`), −1 where `EMPTY`.

    By integer arithmetic, as the unpacking below: a comparison and `torch.where` on its mask cost several times as
    much. (EMPTY − 1 − key) is negative only for EMPTY, so its sign, shifted across, is all ones there and 0 elsewhere.
    """
    return torch.rsub(keys, EMPTY - 1).bitwise_right_shift_(63).bitwise_or_(keys & INDEX_MASK)


def unpack_depth(keys: torch.Tensor) -> torch.Tensor:
    """The depth (float32) each key (≤ `EMPTY`) was packed with, 0 where `EMPTY`."""
    high = keys >> 32  # EMPTY's 0x7FFFFFFF is the only high half not below it: and-ed with 0, every other with all ones
    high.bitwise_and_(torch.sub(high, EMPTY >> 32).bitwise_right_shift_(63))
    return high.to(torch.int32).view(torch.float32)


def unpack(keys: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(H, W) int64 point indices (−1 where `EMPTY`) and float32 depths (0 where `EMPTY`) of a key image, in numpy:
    on the CPU by one pass of a compiled kernel (kernels.unpack; numpy's masks and copies took twice as long)."""
    if keys.device.type != "cpu":
        return unpack_index(keys).cpu().numpy(), unpack_depth(keys).cpu().numpy()
    from reasmory.memory.render import kernels  # (it reads this module's key layout)

    index, depth = np.empty(keys.shape, np.int64), np.empty(keys.shape, np.float32)
    kernels.unpack(keys.numpy(), index, depth.view(np.int32))
    return index, depth


class ZBuffer:
    """Nearest point per pixel of a width × height image, filled by `add` and read by `finish`.

    Points with radius ≤ LEVEL_RADIUS are scattered straight into a padded
    full-resolution key image (invalid points go to one spare slot, so
    nothing is filtered or copied); the few wider ones are kept apart and
    drawn after growing (`finish`).
    """

    def __init__(self, width: int, height: int, device: torch.device) -> None:
        self.width, self.height, self.pad = width, height, LEVEL_RADIUS + 1
        self.stride = width + 2 * self.pad
        self.spare = (height + 2 * self.pad) * self.stride
        if self.spare >= 2**24:
            raise ValueError(f"a {width}×{height} image is too large to render (pixel indices are exact float32)")
        self.image = torch.full((self.spare + 1,), EMPTY, dtype=torch.int64, device=device)
        #: Whether wide splats' squares are drawn by the compiled kernel (on the CPU) or by torch ops.
        self.compiled = device.type == "cpu"
        self.wide: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]] = []

    def add(self, u: torch.Tensor, v: torch.Tensor, depth: torch.Tensor, index: torch.Tensor, footprint: torch.Tensor,
            valid: torch.Tensor | None = None) -> None:
        """Points `index` (integers) at pixels (u, v) (float32, centres at integers), spaced `footprint` pixels apart.

        `depth` (float32 ≥ 0 where `valid`) orders them; invalid points are ignored (None: every point is valid).
        """
        self.add_shifted(torch.stack([u, v]).add_(self.shift), depth, index, torch.mul(footprint, COVER / 2).sub_(0.5),
                         valid)

    def add_shifted(self, uv: torch.Tensor, depth: torch.Tensor, index: torch.Tensor, half: torch.Tensor,
                    valid: torch.Tensor | None = None) -> None:
        """`add` for callers that fold its first steps into their own: (2, n) pixels (u, v) + pad + ½ (`shift`
        added), and splat half-widths COVER · footprint / 2 − ½ (`uv` and `half` are overwritten).

        Points off the image are clamped onto the outermost padding column or row, which their splats cannot grow
        out of. Each step below is one pass over the points, in place where it can be: at millions of points a
        render's time is the number of passes, and boolean masks cost several times an arithmetic one.
        """
        fu, fv = uv.floor_()
        # ≥ 0 for valid points; only wide ones need clamping (a narrow one's key bits are its radius, a wide one's go
        # to the spare slot)
        radius = half.ceil_()
        has_wide = float(radius.max()) > LEVEL_RADIUS  # a max costs far less than a boolean mask and `any`
        if has_wide:
            beyond = radius > LEVEL_RADIUS
            wide = mask_positions(beyond if valid is None else beyond & valid)
            if len(wide):  # index_select: a third of the time of indexing with a tensor
                fu_wide, fv_wide, depth_wide, index_wide, radius_wide = (
                    values.index_select(0, wide) for values in (fu, fv, depth, index, radius))
                self.wide.append((fu_wide.to(torch.int64) - self.pad, fv_wide.to(torch.int64) - self.pad,
                                  pack(depth_wide, index_wide), radius_wide.clamp_(max=MAX_RADIUS).to(torch.int64)))
        flat = fu.clamp_(0, self.stride - 1).add_(fv.clamp_(0, self.height + 2 * self.pad - 1), alpha=self.stride)
        if has_wide:  # wide points go to the spare slot
            flat.masked_fill_(beyond, self.spare)
        if valid is not None:
            flat = torch.where(valid, flat, self.spare)
        self.image.scatter_reduce_(0, flat.to(torch.int64), pack(depth, index, radius), "amin")

    @property
    def shift(self) -> float:
        """What `add_shifted` expects added to pixel coordinates."""
        return self.pad + 0.5

    def merge(self, other: ZBuffer) -> None:
        """Take in the points added to `other` (same size and device), as if they had been added here."""
        torch.minimum(self.image, other.image, out=self.image)
        self.wide.extend(other.wide)

    def finish(self) -> torch.Tensor:
        """(H, W) int64 keys: splats grown to their radii, wide points drawn square by square (SQUARE_PIXELS) or at
        coarser levels and merged."""
        image = self.image[: self.spare].view(self.height + 2 * self.pad, self.stride)
        _grow(image)
        keys = image[self.pad : self.pad + self.height, self.pad : self.pad + self.width]
        if self.wide:
            u, v, depth_keys, radius = (torch.cat(parts) for parts in zip(*self.wide))
            if not self._draw_squares(u, v, depth_keys, radius):
                _merge_doubled(keys, _coarse_levels(u, v, depth_keys, radius, self.width, self.height))
        return keys

    def _draw_squares(self, u: torch.Tensor, v: torch.Tensor, keys: torch.Tensor, radius: torch.Tensor) -> bool:
        """Scatter every pixel of the wide splats' squares, clipped to the image, into the grown image, when they are
        at most SQUARE_PIXELS in all (else draw nothing and return False), by a compiled kernel on the CPU, torch ops
        elsewhere: the exact squares, which the coarse levels round up to their grid."""
        if self.compiled:
            from reasmory.memory.render import kernels  # (it reads this module's key layout)

            image = self.image[: self.spare].view(self.height + 2 * self.pad, self.stride).numpy()
            return kernels.draw_squares(image[self.pad : self.pad + self.height, self.pad : self.pad + self.width],
                                        u.numpy(), v.numpy(), radius.numpy(), keys.numpy(), SQUARE_PIXELS)
        left, right = (u - radius).clamp_(min=0), (u + radius).clamp_(max=self.width - 1)
        top, bottom = (v - radius).clamp_(min=0), (v + radius).clamp_(max=self.height - 1)
        widths = (right - left + 1).clamp_(min=0)
        pixels = widths * (bottom - top + 1).clamp_(min=0)
        total = int(pixels.sum())
        if total > SQUARE_PIXELS:
            return False
        if total:
            point = torch.repeat_interleave(torch.arange(len(u), device=u.device), pixels)
            within = torch.arange(total, device=u.device) - torch.repeat_interleave(pixels.cumsum(0) - pixels, pixels)
            width = widths.index_select(0, point)
            row = within.div(width, rounding_mode="floor")
            col = within - row * width
            flat = ((top.index_select(0, point) + row + self.pad) * self.stride
                    + left.index_select(0, point) + col + self.pad)
            self.image.scatter_reduce_(0, flat, keys.index_select(0, point), "amin")
        return True


def mask_positions(mask: torch.Tensor) -> torch.Tensor:
    """(k,) int64 positions of the True values of a (n,) bool mask; numpy's search is 5× torch's on the CPU."""
    if mask.device.type == "cpu":
        return torch.from_numpy(np.flatnonzero(mask.numpy()))
    return mask.nonzero().squeeze(1)


def _grow(image: torch.Tensor) -> None:
    """Grow every splat of a padded key image in place, one pixel per pass, to the radius in its key: by the compiled
    kernel on the CPU (kernels.grow), else by torch ops (`_grow_torch`), with the same result."""
    if image.device.type == "cpu":
        from reasmory.memory.render import kernels  # (it reads this module's key layout)

        kernels.grow(image.numpy())
    else:
        _grow_torch(image)


def _grow_torch(image: torch.Tensor) -> None:
    """`_grow` in torch ops (on a GPU).

    Pass `ring` works only on a window around the splats of radius ≥ ring (near surfaces are usually a small part
    of the picture): a pixel that can still grow holds the key of such a splat, at most ring − 1 pixels from its
    centre, so the windows follow from the radii before growing, without a search per pass. Keys that may not grow
    this pass are raised to at least `EMPTY` by integer arithmetic (a comparison and `torch.where` on the boolean
    mask cost four times as much): keys never have the sign bit set (depths are ≥ 0), so `key | EMPTY` is ≥
    `EMPTY`, which no key is, and such values lose every minimum against the pixel they would be written to.
    """
    field = RADIUS_FIELD  # radii are compared in place in the keys, not shifted out
    radius = image[1:-1, 1:-1] & field  # the outermost rows and columns hold points clamped there from far off
    row_reach = torch.nn.functional.pad(radius.amax(dim=1), (1, 1))  # the image, which no square reaches: they
    col_reach = torch.nn.functional.pad(radius.amax(dim=0), (1, 1))  # need not widen every pass's window
    for ring in range(1, (int(row_reach.max()) >> INDEX_BITS) + 1):
        threshold = ring << INDEX_BITS
        rows, cols = (row_reach >= threshold).nonzero(), (col_reach >= threshold).nonzero()
        top, bottom = max(int(rows[0]) - ring - 1, 0), min(int(rows[-1]) + ring + 2, image.shape[0])
        left, right = max(int(cols[0]) - ring - 1, 0), min(int(cols[-1]) + ring + 2, image.shape[1])
        window = image[top:bottom, left:right]
        # radius − threshold < 0 → all ones after the shift → EMPTY's bits or-ed into the key; else the key itself
        growing = torch.bitwise_and(window, field).sub_(threshold).bitwise_right_shift_(63)
        growing.bitwise_and_(EMPTY).bitwise_or_(window)
        interior = window[1:-1, 1:-1]
        torch.minimum(interior, _min3x3(growing), out=interior)


#: The level of each radius up to MAX_RADIUS: the l ≥ 1 with LEVEL_RADIUS · 2^(l−1) < radius ≤ LEVEL_RADIUS · 2^l.
_LEVEL_OF_RADIUS = torch.tensor([next(lvl for lvl in range(1, MAX_LEVEL + 1) if r <= LEVEL_RADIUS * 2**lvl)
                                 for r in range(MAX_RADIUS + 1)])


def _coarse_levels(u: torch.Tensor, v: torch.Tensor, keys: torch.Tensor, radius: torch.Tensor, width: int,
                   height: int) -> torch.Tensor:
    """(⌈H/2⌉, ⌈W/2⌉) keys of wide splats, each drawn at the level 2^l where its radius is ≤ LEVEL_RADIUS.

    Every level is a padded key image in one flat buffer, so the wide points of all levels are placed
    with one pass per step and one scatter (radii shrink by 2^l, rounded up). Levels then grow and
    merge coarsest first, each doubled in size and folded into the next finer one, so the
    full-resolution image is only touched once, by the caller.
    """
    pad, device = LEVEL_RADIUS + 1, keys.device
    level = _LEVEL_OF_RADIUS.to(device).index_select(0, radius)
    counts = torch.bincount(level, minlength=MAX_LEVEL + 1).tolist()
    top = max(i for i, c in enumerate(counts) if c)
    sizes = [(0, 0)] + [(-(-height // 2**lvl), -(-width // 2**lvl)) for lvl in range(1, top + 1)]
    padded = [(rows + 2 * pad) * (cols + 2 * pad) for rows, cols in sizes]
    offsets = [sum(padded[:lvl]) for lvl in range(top + 1)]
    rows_of, cols_of, offset_of = (torch.tensor(values, device=device).index_select(0, level) for values in
                                   ([r for r, _ in sizes], [c for _, c in sizes], offsets))
    coarse_radius = (radius + (1 << level) - 1) >> level
    lu, lv = u >> level, v >> level
    inside = ((lu + coarse_radius >= 0) & (lu - coarse_radius < cols_of)
              & (lv + coarse_radius >= 0) & (lv - coarse_radius < rows_of))
    flat = offset_of + (lv + pad) * (cols_of + 2 * pad) + lu + pad
    spare = sum(padded)
    atlas = torch.full((spare + 1,), EMPTY, dtype=torch.int64, device=device)
    atlas.scatter_reduce_(0, torch.where(inside, flat, spare), keys | (coarse_radius << INDEX_BITS), "amin")
    merged = None
    for lvl in range(top, 0, -1):
        rows, cols = sizes[lvl]
        if merged is not None:
            merged = _double(merged, rows, cols)
        if counts[lvl]:
            image = atlas[offsets[lvl] : offsets[lvl] + padded[lvl]].view(rows + 2 * pad, cols + 2 * pad)
            _grow(image)
            drawn = image[pad : pad + rows, pad : pad + cols]
            merged = drawn if merged is None else torch.minimum(merged, drawn)
    return merged


def _merge_doubled(keys: torch.Tensor, half: torch.Tensor) -> None:
    """keys ← min(keys, `half` upsampled by two), in place, only over the rows and columns `half` covers."""
    covered = half != EMPTY
    rows, cols = covered.any(dim=1).nonzero(), covered.any(dim=0).nonzero()
    if not len(rows):
        return
    region = keys[2 * int(rows[0]) : 2 * int(rows[-1]) + 2, 2 * int(cols[0]) : 2 * int(cols[-1]) + 2]
    part = half[int(rows[0]) : int(rows[-1]) + 1, int(cols[0]) : int(cols[-1]) + 1]
    torch.minimum(region, _double(part, *region.shape), out=region)


def _double(image: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Nearest-neighbour upsampling by two, cropped to height × width."""
    rows, cols = image.shape
    return image[:, None, :, None].expand(rows, 2, cols, 2).reshape(2 * rows, 2 * cols)[:height, :width]


def _min3x3(image: torch.Tensor) -> torch.Tensor:
    """(H−2, W−2) minimum over each interior pixel's 3×3 neighbourhood (separable: rows, then columns)."""
    rows = torch.minimum(image[:, :-2], image[:, 1:-1])
    torch.minimum(rows, image[:, 2:], out=rows)
    out = torch.minimum(rows[:-2], rows[1:-1])
    return torch.minimum(out, rows[2:], out=out)


def fill_holes(keys: torch.Tensor, min_neighbours: int = 6) -> torch.Tensor:
    """Give empty pixels with at least `min_neighbours` of 8 covered neighbours the nearest neighbour's key.

    Closes the pinholes and cracks splat sizing leaves on slanted surfaces
    without growing silhouettes: a pixel outside a straight edge sees 3 covered
    neighbours, one in a concave corner 5. By the compiled kernel on the CPU
    (kernels.fill_holes), else by torch ops (`_fill_holes_torch`).
    """
    height, width = keys.shape
    out = keys.clone(memory_format=torch.contiguous_format)
    if keys.device.type != "cpu":
        return _fill_holes_torch(keys, out.view(-1), min_neighbours).view(height, width)
    from reasmory.memory.render import kernels  # (it reads this module's key layout)

    kernels.fill_holes(keys.numpy(), out.numpy(), min_neighbours)
    return out


def _fill_holes_torch(keys: torch.Tensor, out: torch.Tensor, min_neighbours: int) -> torch.Tensor:
    """`fill_holes` in torch ops, into `out` (a flat copy of `keys`): only the empty pixels (a few thousand in a
    640×480 render) look at their neighbours."""
    height, width = keys.shape
    empty = mask_positions(out == EMPTY)
    if not len(empty):
        return out
    rows = empty.div(width, rounding_mode="floor")[:, None] + _RING_ROWS.to(keys.device)
    cols = (empty % width)[:, None] + _RING_COLS.to(keys.device)
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    neighbour = torch.where(inside, out[rows.clamp(0, height - 1) * width + cols.clamp(0, width - 1)], EMPTY)
    hole = (neighbour != EMPTY).sum(dim=1) >= min_neighbours
    out[empty[hole]] = neighbour[hole].amin(dim=1)
    return out


#: Offsets of a pixel's 8 neighbours.
_RING_ROWS = torch.tensor([-1, -1, -1, 0, 0, 1, 1, 1])
_RING_COLS = torch.tensor([-1, 0, 1, -1, 1, -1, 0, 1])
