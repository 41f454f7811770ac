"""Wordings the reader understands, offered when it declines a question it could not read.

The two or three closest to the question are chosen by shared words (stems),
so "how wide apart are the bed and desk" gets distance wordings, not counting ones.
"""

from __future__ import annotations

import re

EXAMPLES: tuple[str, ...] = (
    "How many chairs are in this room?",
    "Count the pillows.",
    "Is there a clock in the room?",
    "How far is the sofa from the tv, in feet?",
    "What's the distance between the lamp and the door in meters?",
    "Which is closer to the sofa, the lamp or the door?",
    "What is farthest from the bed: the window, the door or the desk?",
    "How tall is the refrigerator in cm?",
    "How big is the table (its longest side)?",
    "What is the floor area of this room in square feet?",
    "Which is taller, the lamp or the door?",
    "If I sit on the sofa facing the tv, is the lamp on my left?",
    "Standing by the bed and looking at the door, is the window to my left, right or behind me?",
    "From image 2, turn left and walk forward 1 meter: is the door on my left or right?",
    "Which appears first in the video, the sofa or the tv?",
)
_WORD = re.compile(r"[a-z]+")
_STOP = frozenset("the a an is are in of to from on my me i this what which how and or it its".split())


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOP}


def closest_examples(question: str, n: int = 3) -> list[str]:
    """The `n` example wordings sharing most words with the question (ties keep the listed order)."""
    asked = _stems(question)
    scored = sorted(enumerate(EXAMPLES), key=lambda ie: (-len(asked & _stems(ie[1])), ie[0]))
    return [text for _, text in scored[:n]]
