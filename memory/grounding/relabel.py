"""Labels by vote: one object that a detector named two ways is one object, with the name most views gave it.

Open-vocabulary detectors confuse similar categories (a chair called a stool, a trash bin a bucket, a cabinet a
shelf) in some frames, and sometimes name one object twice in one frame. Association groups fragments by label, so
such an object comes out twice: two boxes of different labels in one place. Objects of different labels do share
space (a pillow on a sofa, a keyboard on a table), but a frame that shows both masks them apart, and the smaller is
a small share of the other's box. So two tracks of different labels whose boxes overlap by `min_iou` (3D IoU; or the smaller lies
within the other by `contained` of its volume), and whose masks, in every frame that masked both, cover the same
pixels (at least `same_pixels` of the smaller mask), and whose points lie on the same surface (a tenth of the
smaller's within 10 cm of the other's: an object resting on another touches it only along its base),
are one object: the one masked in more frames (the higher mean score on a tie) stands for it, label and box. The
other is dropped rather than merged in: a look-alike's views often come with the worse masks (a ghost on the
object's pixels, a confusion's leaking mask), which would only bloat the box.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.spatial import cKDTree

from reasmory.memory.boxes import OrientedBox, intersection_volume, iou_3d
from reasmory.memory.grounding.associate import Fragment, Track


def mask_overlap(a: Fragment, b: Fragment) -> float:
    """The share of the smaller of two masks (of one frame) that the other covers; 0 without masks."""
    if a.mask is None or b.mask is None or not a.mask.any() or not b.mask.any():
        return 0.0
    ax, ay, bx, by = int(a.box_2d[0]), int(a.box_2d[1]), int(b.box_2d[0]), int(b.box_2d[1])
    x0, y0 = max(ax, bx), max(ay, by)
    x1, y1 = min(ax + a.mask.shape[1], bx + b.mask.shape[1]), min(ay + a.mask.shape[0], by + b.mask.shape[0])
    if x1 <= x0 or y1 <= y0:
        return 0.0
    both = a.mask[y0 - ay : y1 - ay, x0 - ax : x1 - ax] & b.mask[y0 - by : y1 - by, x0 - bx : x1 - bx]
    return float(both.sum()) / float(min(a.mask.sum(), b.mask.sum()))


def masked_apart(a: Track, b: Track, same_pixels: float) -> bool:
    """Whether some frame masked the two tracks on different pixels (two objects side by side or one on the other)."""
    for frame in set(a.pixels) & set(b.pixels):
        pairs = itertools.product([f for f in a.fragments if f.frame == frame], [f for f in b.fragments if f.frame == frame])
        if max(mask_overlap(x, y) for x, y in pairs) < same_pixels:
            return True
    return False


def same_place(a: OrientedBox, b: OrientedBox, min_iou: float, contained: float) -> bool:
    """Whether two boxes overlap by `min_iou` (3D IoU), or the smaller lies within the other by `contained` of its
    volume (a table's front seen as a desk: a sliver inside the table's box)."""
    return iou_3d(a, b) >= min_iou or intersection_volume(a, b) >= contained * min(a.volume(), b.volume())


def shared_surface(a: Track, b: Track, near: float) -> float:
    """The share of the smaller track's points within `near` (m) of the other's points: a look-alike's views see the
    object's own surface, while an object resting on another (a backpack on a bed, a pillow on a sofa) touches it
    only along its base."""
    small, large = sorted((a.points, b.points), key=len)
    if not len(small):
        return 0.0
    return float(np.mean(cKDTree(large).query(small, distance_upper_bound=near)[0] <= near))


def confused(tracks: list[Track], boxes: list[OrientedBox], min_iou: float = 0.1, contained: float = 0.5,
             same_pixels: float = 0.5, near: float = 0.1, shared: float = 0.1) -> tuple[int, int] | None:
    """(kept, dropped): two tracks of different labels that are one object (see the module's doc), or None. Besides
    sharing their place and their pixels, they share their surface: at least `shared` of the smaller's points lie
    within `near` of the other's (`shared_surface`; a detection that named part of a bed "backpack" joins the
    backpack's own track and covers the bed's pixels, but the backpack's points stand above the bed's)."""
    for i, j in itertools.combinations(range(len(tracks)), 2):
        a, b = tracks[i], tracks[j]
        if a.label == b.label or boxes[i].apart(boxes[j]):
            continue
        if not same_place(boxes[i], boxes[j], min_iou, contained) or masked_apart(a, b, same_pixels):
            continue
        if shared_surface(a, b, near) < shared:
            continue
        return (i, j) if (len(a.pixels), a.score) >= (len(b.pixels), b.score) else (j, i)
    return None


def called_also(kept: Track, dropped: Track) -> None:
    """Keep the name the `dropped` look-alike gave the object, and its views, with the names it carried: a vote of
    three views to one is not certain, and a question naming the minority's label may still mean this object
    (`SpatialMemory.called_rows`)."""
    for label, views in [(dropped.label, len(dropped.pixels)), *dropped.other_labels.items()]:
        if label != kept.label:
            kept.other_labels[label] = kept.other_labels.get(label, 0) + views
