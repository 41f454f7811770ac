"""Route planning in VSI-Bench's wording: fill in the turns of a walk between objects.

A route starts at one object's centre facing a second, walks straight to it,
turns, walks to the next object, and so on to the goal. Every leg is at least
`MIN_LEG` long and crosses no footprint of a floor-standing object other than
its two ends. A turn is the horizontal angle between the legs before and
after a waypoint: left or right for 60–120°, back from 150°; routes with a
turn in between (or under 60°: no turn at all) are skipped as ambiguous.
"""

from __future__ import annotations

import itertools

from reasmory.synth.questions.geometry import segment_blocked, signed_angle
from reasmory.synth.questions.model import Context, Draft, GtObject

MIN_LEG = 1.0
TURN_WORDS = {"left": "Turn Left", "right": "Turn Right", "back": "Turn Back"}
_PREAMBLE = ("You are a robot beginning at the {start} facing the {first}. You want to navigate to the {goal}. "
             "You will perform the following actions (Note: for each [please fill in], choose either 'turn back,' "
             "'turn left,' or 'turn right.'): ")


def classify_turn(angle_deg: float) -> str | None:
    """'left', 'right' or 'back' for a signed turn angle (left positive), None when ambiguous or no turn."""
    a = abs(angle_deg)
    if a >= 150.0:
        return "back"
    if 60.0 <= a <= 120.0:
        return "left" if angle_deg > 0 else "right"
    return None


def route_turns(stops: list[GtObject], obstacles: list[GtObject]) -> list[str] | None:
    """The turns at each intermediate stop, or None when a leg is short, blocked or a turn ambiguous."""
    pts = [o.center[:2] for o in stops]
    legs = [b - a for a, b in zip(pts, pts[1:])]
    for (a, b), leg in zip(itertools.pairwise(stops), legs):
        others = [o for o in obstacles if o.id not in (a.id, b.id)]
        if float((leg**2).sum()) ** 0.5 < MIN_LEG or segment_blocked(a.center, b.center, others):
            return None
    turns = [classify_turn(signed_angle(u, v)) for u, v in zip(legs, legs[1:])]
    return [t for t in turns if t is not None] if None not in turns else None


def route_text(labels: list[str]) -> str:
    """The question: preamble, then 'Go forward until …' and '[please fill in]' steps."""
    steps, n = [], 1
    for i, label in enumerate(labels[1:]):
        if i:
            steps.append(f"{n}. [please fill in]")
            n += 1
        steps.append(f"{n}. Go forward until the {label}")
        n += 1
    head = _PREAMBLE.format(start=labels[0], first=labels[1], goal=labels[-1])
    return head + " ".join(steps) + ". You have reached the final destination."


def route_planning(ctx: Context) -> list[Draft]:
    facts = ctx.facts
    labels = facts.unique_seen()
    obstacles = [o for o in facts.objects if o.z0 < 0.05]
    drafts, seen = [], set()
    for _ in range(60 * ctx.limit):
        n_stops = 3 if ctx.rng.random() < 0.6 else 4
        if len(labels) < n_stops or len(drafts) == ctx.limit:
            break
        route = [labels[i] for i in ctx.rng.choice(len(labels), size=n_stops, replace=False)]
        if tuple(route) in seen:
            continue
        seen.add(tuple(route))
        turns = route_turns([facts.one(label) for label in route], obstacles)
        if turns is None:
            continue
        correct = ", ".join(TURN_WORDS[t] for t in turns)
        combos = [", ".join(c) for c in itertools.product(TURN_WORDS.values(), repeat=len(turns))]
        wrong = [c for c in combos if c != correct]
        if len(turns) > 1:
            wrong = [wrong[i] for i in ctx.rng.choice(len(wrong), size=3, replace=False)]
        options, letter = ctx.letters.options([correct, *wrong], correct)
        drafts.append(Draft("route_planning", route_text(route), letter, options))
    return drafts
