"""Relative direction (easy, medium, hard) with VSI-Bench's wording and semantics.

Standing at the positioning object's centre and facing the orienting
object's centre, the querying object's direction is the counter-clockwise
angle (seen from above) from the facing direction to it:
- hard: front-left [0, 90), back-left [90, 180), back-right [180, 270), front-right [270, 360);
- medium: left [0, 135), back [135, 225), right [225, 360);
- easy: left of the orienting object [0, 180), right [180, 360).
As in VSI-Bench, the three objects are unique categories 0.3–5 m apart and a
question is skipped when more than two of the querying box's corners fall in
another bin than its centre; unlike VSI-Bench's one-sided 10° check, the
centre must also be `MARGIN_DEG` from every bin edge.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from reasmory.synth.questions.geometry import bin_index, box_distance, ccw_angle, clear_of_boundaries
from reasmory.synth.questions.model import Context, Draft, GtObject

MARGIN_DEG = 15.0
PAIR_DISTANCE = (0.3, 5.0)


@dataclass(frozen=True)
class Granularity:
    question_type: str
    edges: tuple[float, ...]
    names: tuple[str, ...]
    template: str


HARD = Granularity(
    "object_rel_direction_hard", (0, 90, 180, 270, 360), ("front-left", "back-left", "back-right", "front-right"),
    "If I am standing by the {p} and facing the {o}, is the {q} to my front-left, front-right, back-left, or "
    "back-right?\nThe directions refer to the quadrants of a Cartesian plane (if I am standing at the origin and "
    "facing along the positive y-axis).",
)
MEDIUM = Granularity(
    "object_rel_direction_medium", (0, 135, 225, 360), ("left", "back", "right"),
    "If I am standing by the {p} and facing the {o}, is the {q} to my left, right, or back?\nAn object is to my "
    "back if I would have to turn at least 135 degrees in order to face it.",
)
EASY = Granularity(
    "object_rel_direction_easy", (0, 180, 360), ("left", "right"),
    "If I am standing by the {p} and facing the {o}, is the {q} to the left or the right of the {o}?",
)
_OPTION_ORDER = {HARD: ("front-left", "front-right", "back-left", "back-right"), MEDIUM: ("left", "right", "back"),
                 EASY: ("left", "right")}


def direction_answer(p: GtObject, o: GtObject, q: GtObject, g: Granularity) -> str | None:
    """The bin name of q seen from p facing o, or None when it is too close to call."""
    forward = o.center[:2] - p.center[:2]
    if np.linalg.norm(forward) < 1e-6:
        return None
    points = np.concatenate([q.center[None, :2], q.corners()[:4, :2]]) - p.center[:2]
    angles = ccw_angle(forward, points)
    if not clear_of_boundaries(float(angles[0]), g.edges, MARGIN_DEG):
        return None
    bins = bin_index(angles, g.edges)
    if 2 * np.count_nonzero(bins[1:] != bins[0]) > 2:  # > 2 of the 8 box corners: each footprint corner is two
        return None
    return g.names[int(bins[0])]


def _triples(ctx: Context) -> list[tuple[str, str, str]]:
    """(positioning, orienting, querying) label triples whose objects are all 0.3–5 m apart."""
    facts, triples = ctx.facts, []
    for trio in itertools.combinations(facts.unique_seen(), 3):
        objs = [facts.one(label) for label in trio]
        if all(PAIR_DISTANCE[0] <= box_distance(a, b) <= PAIR_DISTANCE[1] for a, b in itertools.combinations(objs, 2)):
            a, b, c = trio
            triples += [(a, b, c), (a, c, b), (b, a, c)]
    ctx.rng.shuffle(triples)
    return triples


def _family(ctx: Context, g: Granularity) -> list[Draft]:
    drafts = []
    for p, o, q in _triples(ctx):
        answer = direction_answer(ctx.facts.one(p), ctx.facts.one(o), ctx.facts.one(q), g)
        if answer is None:
            continue
        options, letter = ctx.letters.options(list(_OPTION_ORDER[g]), answer)
        drafts.append(Draft(g.question_type, g.template.format(p=p, o=o, q=q), letter, options))
        if len(drafts) == ctx.limit:
            break
    return drafts


def object_rel_direction_easy(ctx: Context) -> list[Draft]:
    return _family(ctx, EASY)


def object_rel_direction_medium(ctx: Context) -> list[Draft]:
    return _family(ctx, MEDIUM)


def object_rel_direction_hard(ctx: Context) -> list[Draft]:
    return _family(ctx, HARD)
