"""Counting, sizes, distances and appearance order, in VSI-Bench's exact wording.

Which objects a question may name follows VSI-Bench: counting asks about
categories with several instances, size, distance and direction questions
about categories with exactly one. Every named object must be visible in the
video. Questions whose answer would be too close to call are skipped.
"""

from __future__ import annotations

import itertools

from reasmory.synth.questions.geometry import box_distance, group_distance
from reasmory.synth.questions.model import Context, Draft

#: Skip relative-distance questions unless the runner-up is this much farther than the winner…
REL_DISTANCE_RATIO = 1.10
#: …and at least this many metres farther (closest-point estimates from sampled surfaces carry a few cm).
REL_DISTANCE_MARGIN = 0.10
#: Absolute distances below this are not asked: a relative metric on a near-zero answer is meaningless.
MIN_ABS_DISTANCE = 0.3


def object_counting(ctx: Context) -> list[Draft]:
    labels = sorted(label for label, n in ctx.facts.counts.items() if n >= 2 and ctx.facts.fully_seen(label))
    ctx.rng.shuffle(labels)
    return [Draft("object_counting", f"How many {label}(s) are in this room?", str(ctx.facts.counts[label]))
            for label in labels[: ctx.limit]]


def object_size_estimation(ctx: Context) -> list[Draft]:
    labels = ctx.facts.unique_seen()
    ctx.rng.shuffle(labels)
    drafts = []
    for label in labels[: ctx.limit]:
        cm = round(100 * float(max(ctx.facts.one(label).extents)))
        question = (f"What is the length of the longest dimension (length, width, or height) of the {label}, "
                    "measured in centimeters?")
        drafts.append(Draft("object_size_estimation", question, str(cm)))
    return drafts


def room_size_estimation(ctx: Context) -> list[Draft]:
    if ctx.facts.room_area is None:
        return []
    question = ("What is the size of this room (in square meters)? \n"
                "If multiple rooms are shown, estimate the size of the combined space.")
    return [Draft("room_size_estimation", question, f"{ctx.facts.room_area:.1f}")]


def object_abs_distance(ctx: Context) -> list[Draft]:
    pairs = list(itertools.combinations(ctx.facts.unique_seen(), 2))
    ctx.rng.shuffle(pairs)
    drafts = []
    for a, b in pairs:
        d = box_distance(ctx.facts.one(a), ctx.facts.one(b))
        if d < MIN_ABS_DISTANCE:
            continue
        if ctx.rng.random() < 0.5:
            a, b = b, a
        question = (f"Measuring from the closest point of each object, what is the distance between the {a} and "
                    f"the {b} (in meters)?")
        drafts.append(Draft("object_abs_distance", question, f"{d:.1f}"))
        if len(drafts) == ctx.limit:
            break
    return drafts


def object_rel_distance(ctx: Context) -> list[Draft]:
    """Which of four categories is closest to a unique object; a category counts by its nearest instance."""
    facts = ctx.facts
    seen = sorted(label for label in facts.counts if facts.fully_seen(label))
    anchors = facts.unique_seen()
    ctx.rng.shuffle(anchors)
    drafts = []
    for anchor in anchors:
        others = [label for label in seen if label != anchor]
        if len(others) < 4:
            break
        picks = [others[i] for i in ctx.rng.choice(len(others), size=4, replace=False)]
        dist = {c: group_distance([facts.one(anchor)], facts.instances(c)) for c in picks}
        best, second = sorted(dist.values())[:2]
        if second < best * REL_DISTANCE_RATIO or second - best < REL_DISTANCE_MARGIN:
            continue
        winner = min(dist, key=dist.get)
        options, letter = ctx.letters.options(picks, winner)
        listed = ", ".join(o.split(". ", 1)[1] for o in options)
        question = (f"Measuring from the closest point of each object, which of these objects ({listed}) is the "
                    f"closest to the {anchor}?")
        drafts.append(Draft("object_rel_distance", question, letter, options))
        if len(drafts) == ctx.limit:
            break
    return drafts


def obj_appearance_order(ctx: Context) -> list[Draft]:
    """Order of first appearance of four categories; first appearances must be `gap` frames apart or more."""
    facts = ctx.facts
    first = {label: min(o.frames[0] for o in facts.instances(label))
             for label in facts.counts if facts.fully_seen(label)}
    n_frames = max(len(facts.camera_poses), 1)
    gap = max(2, round(0.03 * n_frames))
    labels = sorted(first)
    drafts, tried = [], set()
    for _ in range(20 * ctx.limit):
        if len(labels) < 4 or len(drafts) == ctx.limit:
            break
        pick = tuple(labels[i] for i in ctx.rng.choice(len(labels), size=4, replace=False))
        order = sorted(pick, key=first.get)
        if frozenset(pick) in tried or any(first[b] - first[a] < gap for a, b in zip(order, order[1:])):
            tried.add(frozenset(pick))
            continue
        tried.add(frozenset(pick))
        correct = ", ".join(order)
        wrong: set[str] = set()
        while len(wrong) < 3:
            perm = ", ".join(order[i] for i in ctx.rng.permutation(4))
            if perm != correct:
                wrong.add(perm)
        options, letter = ctx.letters.options([correct, *sorted(wrong)], correct)
        question = ("What will be the first-time appearance order of the following categories in the video: "
                    f"{', '.join(pick)}?")
        drafts.append(Draft("obj_appearance_order", question, letter, options))
    return drafts
