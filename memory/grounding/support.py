"""Votes across views: an object is kept when the views that could have shown it mostly did.

A track (the fragments associated into one object) was masked in some frames. Every other frame that had most of
its surface in plain sight (in view, neither hidden nor seen through) yet gave no mask of it votes against it. A
false detection in one frame is contradicted by the frames that saw the same surface without it; an object
glimpsed in one frame that no other frame shows has no vote against it and is kept (a trash bin seen once at the
end of a walk).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reasmory.memory.grounding.associate import Track
from reasmory.memory.grounding.visibility import DepthFn, in_plain_sight
from reasmory.memory.model import Frame


@dataclass(frozen=True)
class SupportSettings:
    """`min_share`: the share of the views showing an object that must have masked it; `plain_sight`: the share of
    its points a frame must show to count as showing it; `sample`: points tested per object."""

    min_share: float = 0.5
    plain_sight: float = 0.5
    sample: int = 150


def view_votes(track: Track, frames: Sequence[Frame], depth: DepthFn, settings: SupportSettings) -> tuple[int, int]:
    """(frames with a mask of the track, other frames that showed most of its points without one)."""
    masked = set(track.pixels)
    points = track.points
    if len(points) > settings.sample:
        points = points[np.linspace(0, len(points) - 1, settings.sample).astype(int)]
    points = np.asarray(points, np.float64)
    against = sum(in_plain_sight(points, f, depth) >= settings.plain_sight for f in frames if f.index not in masked)
    return len(masked), int(against)


def supported(tracks: list[Track], frames: Sequence[Frame], depth: DepthFn, settings: SupportSettings) -> list[Track]:
    """The tracks that at least `min_share` of the views showing them masked."""
    kept = []
    for track in tracks:
        votes_for, votes_against = view_votes(track, frames, depth, settings)
        if votes_for >= settings.min_share * (votes_for + votes_against):
            kept.append(track)
    return kept
