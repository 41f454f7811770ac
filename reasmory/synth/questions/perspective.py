"""Perspective taking from a video frame: turn, move, then judge a direction or a distance.

"Imagine standing where frame k was taken, facing the way that camera faces"
means: at the camera's position, heading along its viewing direction
projected on the floor. Frames are numbered from 0, as in `frames/NNNNN.jpg`
and the language's `camera(k)`. A turn is exactly 90° (left, right) or 180°
(around); a move goes straight along the new heading (forward) or against it
(backward). The walk must stay in the room and cross no floor-standing object.

Directions use the object's centre, 15° clear of straight ahead and behind,
and its footprint corners must agree. "Closer" must hold by every reasonable
measure — closest point of the box from the eye, closest point of the
footprint from the feet, and the centre — and change by ≥ 10% and ≥ 0.2 m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reasmory.synth.questions.geometry import inside_room, point_box_distance, segment_blocked, signed_angle
from reasmory.synth.questions.model import Context, Draft, GtObject

TURNS = {"": 0.0, "turn left and ": 90.0, "turn right and ": -90.0, "turn around and ": 180.0}
METRES = (0.5, 1.0, 1.5, 2.0)
MARGIN_DEG = 15.0
MIN_CHANGE = 0.2
_INTRO = ("Imagine standing where frame {k} of the video was taken (frames are numbered from 0), facing the way "
          "that camera faces. If I {turn}move {way} {m:g} meter{s}, ")


@dataclass(frozen=True)
class Walk:
    """A camera's view moved: eye at the start and the end (3D), and the heading after the turn (2D unit)."""

    k: int
    turn: str
    way: str
    metres: float
    start: np.ndarray
    end: np.ndarray
    heading: np.ndarray

    def text(self) -> str:
        return _INTRO.format(k=self.k, turn=self.turn, way=self.way, m=self.metres, s="" if self.metres == 1 else "s")


def make_walk(pose: np.ndarray, k: int, turn: str, way: str, metres: float) -> Walk | None:
    forward = pose[:2, 2]
    if np.linalg.norm(forward) < 1e-6:
        return None
    forward = forward / np.linalg.norm(forward)
    a = np.radians(TURNS[turn])
    c, s = np.cos(a), np.sin(a)
    heading = np.array([c * forward[0] - s * forward[1], s * forward[0] + c * forward[1]])
    step = heading * metres * (1.0 if way == "forward" else -1.0)
    start = pose[:3, 3].copy()
    return Walk(k, turn, way, metres, start, start + np.append(step, 0.0), heading)


def _random_walk(ctx: Context, obstacles: list[GtObject]) -> Walk | None:
    """A walk from a random frame that stays in the room and crosses no floor-standing object."""
    poses = ctx.facts.camera_poses
    k = int(ctx.rng.integers(len(poses)))
    turn = list(TURNS)[int(ctx.rng.integers(len(TURNS)))]
    way = "forward" if ctx.rng.random() < 0.7 else "backward"
    walk = make_walk(poses[k], k, turn, way, float(ctx.rng.choice(METRES)))
    if walk is None or segment_blocked(walk.start, walk.end, obstacles):
        return None
    return walk if inside_room(walk.end, ctx.facts.room_polygon, obstacles) else None


def side_after(walk: Walk, target: GtObject) -> str | None:
    """'left' or 'right' of the target seen after the walk, or None when too close to call."""
    if point_box_distance(np.append(walk.end[:2], target.center[2]), target) < 0.5:
        return None
    angles = [signed_angle(walk.heading, p - walk.end[:2]) for p in (target.center[:2], *target.footprint())]
    if not MARGIN_DEG <= abs(angles[0]) <= 180.0 - MARGIN_DEG:
        return None
    if sum(np.sign(a) != np.sign(angles[0]) for a in angles[1:]) > 1:
        return None
    return "left" if angles[0] > 0 else "right"


def closer_after(walk: Walk, target: GtObject) -> bool | None:
    """Whether the walk brings me closer to the target, by all three measures; None when not clear."""
    def feet(p: np.ndarray) -> np.ndarray:  # the floor point under p, lifted to the box's mid-height
        return np.append(p[:2], target.center[2])

    def centre(p: np.ndarray) -> float:
        return float(np.linalg.norm(p[:2] - target.center[:2]))

    measures = [
        (point_box_distance(walk.start, target), point_box_distance(walk.end, target)),
        (point_box_distance(feet(walk.start), target), point_box_distance(feet(walk.end), target)),
        (centre(walk.start), centre(walk.end)),
    ]
    signs = {d1 < d0 for d0, d1 in measures}
    clear = all(abs(d1 - d0) >= max(MIN_CHANGE, 0.1 * d0) for d0, d1 in measures)
    return signs.pop() if len(signs) == 1 and clear else None


def _family(ctx: Context, question_type: str) -> list[Draft]:
    labels = ctx.facts.unique_seen()
    if not labels or not ctx.facts.camera_poses:
        return []
    obstacles = [o for o in ctx.facts.objects if o.z0 < 0.05]
    drafts = []
    for _ in range(40 * ctx.limit):
        walk = _random_walk(ctx, obstacles)
        if walk is None:
            continue
        label = labels[int(ctx.rng.integers(len(labels)))]
        target = ctx.facts.one(label)
        if question_type == "camera_perspective_direction":
            side = side_after(walk, target)
            if side is None:
                continue
            options, letter = ctx.letters.options(["left", "right"], side)
            text = walk.text() + f"is the {label} to my left or to my right?"
        else:
            closer = closer_after(walk, target)
            if closer is None:
                continue
            options, letter = ctx.letters.options(["yes", "no"], "yes" if closer else "no")
            text = walk.text() + f"do I get closer to the {label}?"
        drafts.append(Draft(question_type, text, letter, options))
        if len(drafts) == ctx.limit:
            break
    return drafts


def camera_perspective_direction(ctx: Context) -> list[Draft]:
    return _family(ctx, "camera_perspective_direction")


def camera_perspective_distance(ctx: Context) -> list[Draft]:
    return _family(ctx, "camera_perspective_distance")
