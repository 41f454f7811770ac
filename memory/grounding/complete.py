"""Amodal completion of boxes fitted to what the cameras saw.

Furniture is often seen only in part: from above, from the front, or cut by
the image border (a door's top above every frame). What was never observed
may still be object, what was observed and yielded no object points is not.
A point counts as observed when some camera had it in view and not hidden:
its depth there reaches the point. So a box is

- taken down as far as its masks reach below it, where the depth lost a thin
  part (a lamp's pole: silhouette.py);
- rested on its support (the floor or another object's top) when it floats
  just above it, or when the space beneath was never observed;
- grown towards its category's typical size (`TYPICAL_SIZES`) through the
  faces no view pinned down (`open_faces`), as far as the space beyond was
  never observed (a refrigerator seen only from the front gets its depth
  behind the front, up to the wall; a door cut by the image border its top)
  and lies in the room: the space behind a wall is never observed either;
- given a minimum thickness on its hidden side when seen only as a surface.

Depth is z-depth in metres (0 = unknown).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.grounding.silhouette import silhouette_bottom, with_bottom
from reasmory.memory.grounding.visibility import DepthFn, Masks, seen_empty, sight
from reasmory.memory.model import Frame

if TYPE_CHECKING:
    from reasmory.memory.room import RoomLayout

Sides = tuple[float | None, float | None, float | None]
_PRIORITY = {"far": 0, "cut": 1, "short": 2}  # which open face grows first when both of an axis are open
#: How far (m) below the box the masks must reach for the box to follow them (`silhouette_bottom`): a grown mask's
#: pixel or two under an object standing on a table says nothing.
MASKED_BELOW = 0.05


def _column_samples(box: OrientedBox, bottom: float, top: float, n: int = 5, layers: int = 4) -> np.ndarray:
    """Points filling the box's footprint between heights `bottom` and `top`."""
    u = np.linspace(-0.4, 0.4, n)
    grid = np.stack(np.meshgrid(u, u, np.linspace(0.1, 0.9, layers), indexing="ij"), -1).reshape(-1, 3)
    xy = box.c[:2] + (grid[:, :2] * box.e[:2]) @ box.R[:2, :2].T
    z = bottom + grid[:, 2] * (top - bottom)
    return np.c_[xy, z]


def support_height(box: OrientedBox, others: Sequence[OrientedBox], floor_z: float, under: float = 0.5,
                   margin: float = 0.05, below: bool = False) -> float:
    """Where the box would rest: the highest top of an object under at least `under` of its footprint (that object's
    footprint grown by `margin`: a tv hung 2 cm in front of the wall above a cabinet standing 2 cm off it), capped at
    the box's bottom (objects sitting inside another's box, like a pillow on a sofa); else the floor. With `below`,
    only objects wholly below the box count (how far down a box inside another's may reach)."""
    samples = _column_samples(box, 0.0, 0.0, layers=1)
    lo = box.c[2] - box.e[2] / 2
    tops = [floor_z]
    for other in others:
        olo = other.c[2] - other.e[2] / 2
        if below and olo + other.e[2] > lo:
            continue
        if olo < lo and other.contains(np.c_[samples[:, :2], np.full(len(samples), other.c[2])], margin).mean() >= under:
            tops.append(float(min(olo + other.e[2], lo)))
    return max(tops)


def rest_on_support(box: OrientedBox, support: float, frames: Sequence[Frame], depth: DepthFn,
                    height: float | None = None, contact: float = 0.03, hidden: float = 0.2,
                    lowest: float | None = None, touch: float = 0.2, under_lowest: float | None = None,
                    ends_seen: bool = False, votes: int = 1) -> OrientedBox:
    """The box's bottom lowered to `support` when within `contact` of it, when the object's `lowest` point (the box
    fit trims a few: a lamp's pole, a plant's pot narrower than its leaves) comes within `touch` of it, when less than
    `hidden` of the space beneath was observed, or of the space straight under the lowest point seen empty
    (`under_lowest`, from `empty_below`: a floor lamp's pole, hidden behind a bed below some height, goes on down),
    or when the box is under half the typical `height` and the support lies within 1.5 × that height below its top
    (a stool seen from above: its seat, with the floor seen between its legs). Space beneath never observed says
    nothing when the views saw where the object `ends_seen` (a window's sill above a tv that hides the wall
    below). Space counts as observed when `votes` frames reached it (visibility.py)."""
    lo, hi = box.c[2] - box.e[2] / 2, box.c[2] + box.e[2] / 2
    gap = lo - support
    if gap <= 0:
        return box
    squat = height is not None and box.e[2] < 0.5 * height and hi - support <= 1.5 * height
    touching = lowest is not None and lowest - support <= touch
    continues = under_lowest is not None and under_lowest < hidden
    unseen = not ends_seen and sight(_column_samples(box, support, lo), frames, depth, votes=votes).reached.mean() < hidden
    if gap <= contact or squat or touching or continues or unseen:
        return with_bottom(box, support)
    return box


def bottom_seen(box: OrientedBox, points: np.ndarray, outline: np.ndarray, thin: float = 0.1, flat: float = 0.2,
                near: float = 0.05, own: float = 0.5, min_edge: int = 5) -> bool:
    """Whether a box standing as a surface (thinner than `thin` across, or than `flat` × its width: noisy depth leaves
    a window's points a layer 10–25 cm thick) had its lower edge seen as its own outline: most outline points
    (`outline` codes) within `near` of its bottom face lie on the object's own outline, not where an occluder or the
    image border cut the view (a window's sill, against the wall below)."""
    if min(box.e[0], box.e[1]) >= max(thin, flat * max(box.e[0], box.e[1])):
        return False
    codes = outline[points[:, 2] <= box.c[2] - box.e[2] / 2 + near]
    codes = codes[codes > 0]
    return len(codes) >= min_edge and float(np.mean(codes == 1)) >= own


def narrow_part_below(box: OrientedBox, points: np.ndarray, narrow: float = 0.25, least: int = 5) -> np.ndarray | None:
    """The lowest of the object's points below its box when those (`least` or more) form a part narrower than
    `narrow` × the box's sides (a lamp's pole, a monitor's stand, which the box fit trimmed off); None otherwise
    (a surface's noisy lower edge spreads along the surface)."""
    below = points[points[:, 2] < box.c[2] - box.e[2] / 2]
    if len(below) < least:
        return None
    local = (below[:, :2] - box.c[:2]) @ box.R[:2, :2]
    spread = np.percentile(local, 95, axis=0) - np.percentile(local, 5, axis=0)
    return below[np.argmin(below[:, 2])] if np.all(spread <= narrow * box.e[:2]) else None


def empty_below(point: np.ndarray, support: float, frames: Sequence[Frame], depth: DepthFn, masks: Masks,
                toward: np.ndarray, radius: float = 0.02, layers: int = 6, clear: float = 0.03, votes: int = 1) -> float | None:
    """Share of a thin column (`radius` m) from `support` up to the object's lowest `point` that some view saw empty
    of it (`seen_empty`): reached where none of its masks covers it. The column stands 2 × `radius` from the point
    `toward` the cameras, so under a window it is the room before the wall, not the wall's inside. None when the
    point is within 2 × `clear` of the support."""
    if point[2] - support <= 2 * clear:
        return None
    offsets = np.array([-radius, 0.0, radius])
    ahead = toward[:2] - point[:2]
    ahead = ahead / max(float(np.linalg.norm(ahead)), 1e-9) * 2 * radius
    xy = np.stack(np.meshgrid(offsets, offsets), -1).reshape(-1, 2) + point[:2] + ahead
    z = np.linspace(support + clear, point[2] - clear, layers)
    column = np.c_[np.repeat(xy, layers, axis=0), np.tile(z, len(xy))]
    return float(seen_empty(column, frames, depth, masks, votes=votes).mean())


def hidden_run(box: OrientedBox, axis: int, sign: float, reach: float, frames: Sequence[Frame], depth: DepthFn,
               step: float = 0.025, skip: int = 2, hidden: float = 0.2, n: int = 5, votes: int = 1) -> tuple[float, float]:
    """How far (metres, up to `reach`) beyond the box's `sign` face along `axis` the space was never observed, and
    the share of it never observed: slabs `step` thick are tested outwards until less than `hidden` of one's
    samples was never observed (a chair's seat hidden behind its back fills only the slabs' lower part). The first
    `skip` slabs are not tested: they hold what the box fit trimmed off and the object's own outline pixels, whose
    depth the lifting dropped; so a run is 0 or longer than them."""
    steps = max(int(np.ceil(reach / step)), skip + 1)
    lateral = np.linspace(-0.4, 0.4, n)
    others = [k for k in range(3) if k != axis]
    grid = np.zeros((steps - skip, n, n, 3))
    grid[..., axis] = sign * (box.e[axis] / 2 + (np.arange(skip, steps)[:, None, None] + 0.5) * step)
    grid[..., others[0]] = lateral[None, :, None] * box.e[others[0]]
    grid[..., others[1]] = lateral[None, None, :] * box.e[others[1]]
    world = grid.reshape(-1, 3) @ box.R.T + box.c
    seen = sight(world, frames, depth, votes=votes).reached.reshape(steps - skip, -1).mean(axis=1)
    first = np.nonzero(seen > 1 - hidden)[0]
    end = int(first[0]) if len(first) else len(seen)
    if end == 0:
        return 0.0, 0.0
    return min(reach, float(end + skip) * step), float(1 - seen[:end].mean())


def backing(box: OrientedBox, axis: int, sign: float, reach: float, frames: Sequence[Frame], depth: DepthFn,
            hidden_is_wall: bool = False, step: float = 0.01) -> float | None:
    """Distance beyond the box's `sign` face along horizontal `axis` to the surface it stands against (a wall), seen
    beside the object: on either side, the first offset where nearly all that the cameras had in view next to it is a
    surface (reached within 3 cm, never seen through), or with `hidden_is_wall` where most is not seen through (for
    a reach of a few cm: a flush wall seen at a grazing angle). Space merely hidden there is otherwise no wall (a
    chair's back at a table). The farther side counts (the nearer may be a neighbour); None when no wall shows."""
    side_axis = 1 - axis
    t = np.arange(0.0, reach + step / 2, step)
    beside = box.e[side_axis] / 2 + np.array([0.05, 0.1, 0.15])
    heights = np.linspace(-0.3, 0.3, 5) * box.e[2]
    found = []
    for side in (1.0, -1.0):
        grid = np.zeros((len(t), len(beside), len(heights), 3))
        grid[..., axis] = sign * (box.e[axis] / 2 + t)[:, None, None]
        grid[..., side_axis] = side * beside[None, :, None]
        grid[..., 2] = heights[None, None, :]
        world = grid.reshape(-1, 3) @ box.R.T + box.c
        near, tight = sight(world, frames, depth, margin=0.03), sight(world, frames, depth, margin=0.01)
        wall = (near.in_view if hidden_is_wall else near.reached) & ~tight.free
        share = wall.reshape(len(t), -1).sum(axis=1) / np.maximum(near.in_view.reshape(len(t), -1).sum(axis=1), 1)
        hits = np.nonzero(share >= (0.5 if hidden_is_wall else 0.8))[0]  # a wall fills the view beside; a table only part
        if len(hits):
            found.append(float(t[hits[0]]))
    return max(found) if found else None


def open_faces(box: OrientedBox, points: np.ndarray, outline: np.ndarray, cameras: np.ndarray, typical: Sides | None = None,
               thin: float = 0.1, short: float = 0.5, near: float = 0.05, cut_share: float = 0.5,
               min_edge: int = 5, top_cut: bool = False, corner: float = 0.3) -> dict[tuple[int, float], str]:
    """Faces (axis, ±1) whose position no view pinned down, so the object may extend beyond them: "far", the far
    side of a surface seen from one side only (thinner than `thin`, every camera in front); "short", both faces of
    an axis along which the box is under `short` × its typical side (a chair of which only the back was seen);
    "cut", a face whose nearby outline points (`outline` codes of the lifted `points`) mostly lie where the view was
    cut (image border, occluder), and the top face when the masks say the views cut it (`top_cut`, `cut_at_top`).
    A face's outline points are those of its inside (`inside_face`): near its corners lie the outlines of the faces
    beside it, which are the object's own even where this face was cut (a bathtub's end cut by the image border)."""
    local = (points - box.c) @ box.R
    toward = (cameras - box.c) @ box.R
    faces = {}
    for axis in range(3):
        for sign in (1.0, -1.0):
            if axis < 2 and box.e[axis] < thin and np.all(sign * toward[:, axis] < 0):
                faces[axis, sign] = "far"
                continue
            if typical is not None and box.e[axis] < short * (typical[axis] or 0.0):
                faces[axis, sign] = "short"
                continue
            codes = outline[(sign * local[:, axis] >= box.e[axis] / 2 - near) & inside_face(local, box.e, axis, near, corner)]
            codes = codes[codes > 0]
            if (len(codes) >= min_edge and np.mean(codes == 2) >= cut_share) or (top_cut and (axis, sign) == (2, 1.0)):
                faces[axis, sign] = "cut"
    return faces


def inside_face(local: np.ndarray, extents: np.ndarray, axis: int, near: float, corner: float) -> np.ndarray:
    """Which points (box coordinates) lie off the edges of a face across `axis`: farther than `near` inside the box
    along each other horizontal axis at least `corner` long (the sides along shorter ones, and the height, are all
    edge)."""
    keep = np.ones(len(local), bool)
    for other in range(2):
        if other != axis and extents[other] >= corner:
            keep &= np.abs(local[:, other]) <= extents[other] / 2 - near
    return keep


def cut_at_top(masks: Masks, share: float = 0.5) -> bool:
    """Whether at least `share` of the object's masks reach their image's top row: its top lay above those views (a
    door close by). The outline codes near the box's top face say the same on exact depth, but noisy depth spreads a
    tall object's top edge over its sides' outline."""
    tops = np.array([top for crops in masks.values() for _, _, top in crops])
    return bool(len(tops)) and float(np.mean(tops == 0)) >= share


def _reach(box: OrientedBox, axis: int, sign: float, kind: str, need: float, frames: Sequence[Frame], depth: DepthFn,
           wall_reach: float, shortfall: float, votes: int) -> tuple[float, float]:
    """How far the open face may move out, and how hidden that space is: through unobserved space towards the
    typical size (`need` more), a far side no farther than the wall behind; with no size to grow to, a far side
    reaches a wall within `wall_reach`."""
    wall = backing(box, axis, sign, max(need, wall_reach), frames, depth) if kind == "far" else None
    if need >= shortfall:
        run, share = hidden_run(box, axis, sign, need, frames, depth, votes=votes)
        return (run if wall is None else min(run, wall)), share
    return (wall if wall is not None and wall <= wall_reach else 0.0), 1.0


def room_reach(box: OrientedBox, axis: int, sign: float, reach: float, room: RoomLayout | None,
               step: float = 0.025) -> float:
    """How far (m, up to `reach`) the box's `sign` face along horizontal `axis` may move out and stay in the `room`:
    the space behind a wall is never observed from inside either, so it looks like room for a hidden part (a bed seen
    at its headboard would grow through the wall behind); none when the face stands beyond a wall already. No bound
    on the height, without a layout, or for a box whose centre lies outside it (an object seen through a doorway, or
    in a part of the room the layout missed)."""
    if room is None or axis == 2 or not room.contains(box.c[None, :2])[0]:
        return reach
    other = 1 - axis
    t = np.arange(0.0, reach + step, step)
    across = np.linspace(-0.4, 0.4, 5) * box.e[other]
    xy = box.c[:2] + sign * (box.e[axis] / 2 + t)[:, None, None] * box.R[:2, axis] + across[None, :, None] * box.R[:2, other]
    out = np.nonzero(room.contains(xy.reshape(-1, 2)).reshape(len(t), -1).mean(axis=1) < 0.5)[0]
    return float(min(reach, t[out[0]])) if len(out) else reach


def extend_open_faces(box: OrientedBox, faces: dict[tuple[int, float], str], typical: Sides | None,
                      frames: Sequence[Frame], depth: DepthFn, wall_reach: float = 0.1,
                      shortfall: float = 0.05, down_to: float | None = None, votes: int = 1,
                      room: RoomLayout | None = None) -> OrientedBox:
    """The box grown through its open `faces` (height upwards, and downwards only for a squat box no support lowered,
    no lower than `down_to`: a backpack on a sofa's seat seen from above, the seat inside the sofa's box): towards the
    typical sides (longer horizontal, shorter horizontal, height), first through the far side of a seen surface, else
    the more hidden of two opposite faces, and far sides of seen surfaces back to the wall they stand against; never
    out of the `room` (`room_reach`)."""
    centre, extents = box.c.copy(), box.e.copy()
    room_below = 0.0 if down_to is None else max(box.c[2] - box.e[2] / 2 - down_to, 0.0)
    for axis in range(3):
        need = max(((typical or (None,) * 3)[axis] or 0.0) - box.e[axis], 0.0)
        down = axis == 2 and faces.get((2, -1.0)) == "short" and room_below > 0
        reach = {sign: _reach(box, axis, sign, faces[axis, sign], need, frames, depth, wall_reach, shortfall, votes)
                 for sign in (1.0, -1.0) if (axis, sign) in faces and not (axis == 2 and sign < 0 and not down)}
        if down and -1.0 in reach:
            reach[-1.0] = (min(reach[-1.0][0], room_below), reach[-1.0][1])
        reach = {sign: (room_reach(box, axis, sign, run, room), share) for sign, (run, share) in reach.items()}
        grow = {sign: r for sign, (r, _) in reach.items()}
        if need >= shortfall:
            left = need
            for sign in sorted(reach, key=lambda k: (_PRIORITY[faces[axis, k]], -reach[k][1])):
                grow[sign] = min(grow[sign], left)
                left -= grow[sign]
        ahead, behind = grow.get(1.0, 0.0), grow.get(-1.0, 0.0)
        centre += box.R[:, axis] * (ahead - behind) / 2
        extents[axis] += ahead + behind
    return OrientedBox(center=tuple(centre), extents=tuple(extents), rotation=box.rotation)


#: The least height (m) of a box: keyboards and closed laptops are 2–3 cm tall, a box of one surface's points is none.
MIN_HEIGHT = 0.01


def thicken(box: OrientedBox, seen: Sequence[Frame], frames: Sequence[Frame], depth: DepthFn,
            min_thickness: float, floor_z: float | None = None) -> OrientedBox:
    """Horizontal sides thinner than `min_thickness` grown on the side away from the `seen` cameras, up to the wall
    behind when there is one (a door, a whiteboard), and the rest towards the cameras; a height under `MIN_HEIGHT`
    (a pillow's top, all its views saw, fits a box 1 mm high) grown down, to the floor at most, and the rest up."""
    centre, extents = box.c.copy(), box.e.copy()
    if extents[2] < MIN_HEIGHT:
        top = centre[2] + extents[2] / 2
        bottom = top - MIN_HEIGHT if floor_z is None else max(top - MIN_HEIGHT, min(floor_z, top - extents[2]))
        top = max(top, bottom + MIN_HEIGHT)
        centre[2], extents[2] = (top + bottom) / 2, top - bottom
    seen_from = np.mean([f.position for f in seen], axis=0) if seen else centre
    for axis in (0, 1):
        need = min_thickness - extents[axis]
        if need <= 0:
            continue
        away = 1.0 if float((box.c - seen_from) @ box.R[:, axis]) > 0 else -1.0
        wall = backing(box, axis, away, need, frames, depth, hidden_is_wall=True)
        back = need if wall is None else min(wall, need)
        centre += box.R[:, axis] * away * (back - (need - back)) / 2
        extents[axis] = min_thickness
    return OrientedBox(center=tuple(centre), extents=tuple(extents), rotation=box.rotation)


def orient_typical(box: OrientedBox, typical: Sides | None, frames: Sequence[Frame], depth: DepthFn,
                   known: float = 0.75, votes: int = 1, room: RoomLayout | None = None, thin: float = 0.1,
                   face: float = 0.3) -> Sides | None:
    """`typical` with its horizontal sides swapped when that fits the unobserved space better. Sides are matched
    longest to longest, which is right once the longer side seen is a fair part (`known`) of the typical long side
    or as long as the typical short side, and for a flat category (no typical short side: a heater, a tv) seen as a
    surface (thinner than `thin`) at least `face` × its typical length wide: that is its front, not its end.
    Before that (a heater seen end-on, its 10 cm end face the longer side seen) the typical long side goes where
    the space that may hold it (never observed, either way along the axis) is longer (and in the `room`): on noisy
    depth a heater seen in one frame has unobserved space all round, and its front, 49 cm of 76, had turned it
    across."""
    if typical is None or typical[0] is None or box.e[0] >= min(known * typical[0], typical[1] or known * typical[0]):
        return typical
    if typical[1] is None and box.e[1] < thin and box.e[0] >= face * typical[0]:
        return typical
    def space(axis: int, side: float | None) -> float:
        need = max((side or 0.0) - box.e[axis], 0.0)
        if need <= 0:
            return 0.0
        runs = (room_reach(box, axis, sign, hidden_run(box, axis, sign, need, frames, depth, votes=votes)[0], room)
                for sign in (1.0, -1.0))
        return min(need, sum(runs))
    kept = space(0, typical[0]) + space(1, typical[1])
    swapped = space(0, typical[1]) + space(1, typical[0])
    return (typical[1], typical[0], typical[2]) if swapped > kept else typical


def complete_box(
    box: OrientedBox,
    others: Sequence[OrientedBox],
    frames: Sequence[Frame],
    depth: DepthFn,
    floor_z: float | None,
    min_thickness: float = 0.05,
    typical: Sides | None = None,
    seen: Sequence[Frame] | None = None,
    outline: tuple[np.ndarray, np.ndarray] | None = None,
    masks: Masks | None = None,
    votes: int = 1,
    room: RoomLayout | None = None,
) -> OrientedBox:
    """The box rested on its support, grown through its open faces (found from its lifted points and their outline
    codes) into unobserved space, and thickened if thin. `seen`: the frames that show it (default all); observation
    is judged in all `frames`; `outline`: the object's points and their codes; `masks`: the object's masks, which
    tell the space under its lowest point seen empty from space where it may go on; `votes`: how many frames must
    reach a point for it to count as observed (visibility.py); `room`: the layout it stays in."""
    seen = frames if seen is None else seen
    down_to = None
    if floor_z is not None:
        support = support_height(box, others, floor_z)
        points = outline[0] if outline is not None and len(outline[0]) else None
        lowest = None if points is None else float(points[:, 2].min())
        bottom = silhouette_bottom(box, support, frames, depth, masks) if masks else box.c[2] - box.e[2] / 2
        masked_part = box.c[2] - box.e[2] / 2 - bottom > MASKED_BELOW  # that the depth lost: a lamp's pole
        if masked_part:
            box, lowest = with_bottom(box, bottom), bottom if lowest is None else min(bottom, lowest)
        part = narrow_part_below(box, points) if points is not None else None
        if part is None and masked_part:  # does it go on down behind what hides it from the views?
            part = np.array([box.c[0], box.c[1], bottom])
        under = (empty_below(part, support, frames, depth, masks, np.mean([f.position for f in seen], axis=0), votes=votes)
                 if part is not None and masks is not None and seen else None)
        ends = points is not None and bottom_seen(box, points, outline[1])
        box = rest_on_support(box, support, frames, depth, (typical or (None,) * 3)[2], lowest=lowest,
                              under_lowest=under, ends_seen=ends, votes=votes)
        down_to = support_height(box, others, floor_z, below=True)
    if outline is not None and seen:
        typical = orient_typical(box, typical, frames, depth, votes=votes, room=room)
        faces = open_faces(box, *outline, np.array([f.position for f in seen]), typical,
                           top_cut=bool(masks) and cut_at_top(masks))
        box = extend_open_faces(box, faces, typical, frames, depth, down_to=down_to, votes=votes, room=room)
    return longer_first(thicken(box, seen, frames, depth, min_thickness, floor_z))


def longer_first(box: OrientedBox) -> OrientedBox:
    """The same box with its first axis along its longer horizontal side (the convention `fit_box` starts from)."""
    if box.e[1] <= box.e[0]:
        return box
    return OrientedBox(center=box.center, extents=(box.e[1], box.e[0], box.e[2]),
                       rotation=tuple(map(tuple, box.R[:, [1, 0, 2]] * np.array([1.0, -1.0, 1.0]))))
