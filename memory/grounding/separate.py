"""Two masks of one label in one frame are two objects, however close they come in 3D.

Association joins fragments that touch in 3D. With exact depth, two chairs side by side stay apart (a gap shows
between them); with a learned reconstruction's depth, or masks grown at the outline, their points blur into one
blob and one track. The frames still tell them apart: a frame that shows both has two masks. So a track holding
several fragments of one frame in several frames is separated into that many objects: fragments are assigned to
as many centres (their points' medians), each frame's fragments to different centres (Hungarian assignment), and
the centres re-estimated, a few times over.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.optimize import linear_sum_assignment

from reasmory.memory.grounding.associate import Fragment, Track, voxel_keys


def instances_seen_together(track: Track, min_frames: int = 2) -> int:
    """How many objects the track's frames show side by side: the largest number of its fragments one frame holds in
    at least `min_frames` frames (1 when no frame holds several)."""
    per_frame = Counter(Counter(f.frame for f in track.fragments).values())
    counts = sorted(per_frame, reverse=True)
    for k in counts:
        if k >= 2 and sum(n for c, n in per_frame.items() if c >= k) >= min_frames:
            return k
    return 1


def separate(track: Track, voxel: float, iterations: int = 5) -> list[Track]:
    """The track as the objects its frames show side by side (see the module's doc); itself when they show one."""
    k = instances_seen_together(track)
    if k < 2:
        return [track]
    centre = {id(f): np.median(f.points, axis=0) for f in track.fragments}
    by_frame: dict[int, list[Fragment]] = {}
    for f in track.fragments:
        by_frame.setdefault(f.frame, []).append(f)
    seed = max((fs for fs in by_frame.values() if len(fs) == k), key=lambda fs: sum(f.pixels for f in fs))
    centres = np.array([centre[id(f)] for f in seed])
    owner: dict[int, int] = {}
    for _ in range(iterations):
        for fs in by_frame.values():
            cost = np.linalg.norm(np.array([centre[id(f)] for f in fs])[:, None] - centres[None], axis=2)
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                owner[id(fs[r])] = int(c)
            for r in set(range(len(fs))) - set(rows.tolist()):  # more masks than objects in this frame: nearest
                owner[id(fs[r])] = int(np.argmin(cost[r]))
        centres = np.array([np.mean([centre[id(f)] for f in track.fragments if owner[id(f)] == c], axis=0)
                            if any(owner[id(f)] == c for f in track.fragments) else centres[c] for c in range(k)])
    parts = []
    for c in range(k):
        mine = [f for f in track.fragments if owner[id(f)] == c]
        if mine:
            parts.append(Track(track.label, voxel_keys(np.concatenate([f.points for f in mine]), voxel), mine))
    return parts
