"""The question families the offline compiler knows, each a pattern and a program template.

Templates follow VSI-Bench's wording and definitions (closest points of each
object; standing by A facing B = at A's centre heading to B's centre; back
from 135°; quadrants with the viewer facing +y) and the perspective-taking
questions of synthetic scenes ("Imagine standing where frame k … was taken").
Each builder returns program source; nothing is executed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from reasmory.compiler.text import split_list

Label = Callable[[str], str]  # a name as said → a label literal of the language (resolved against the memory)


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str], Label], str]
    needs_frames: bool = False


FAMILIES: list[Family] = []


def family(name: str, description: str, pattern: str, needs_frames: bool = False) -> Callable[[Callable[[re.Match[str]], str]], Callable[[re.Match[str]], str]]:
    def register(build: Callable[[re.Match[str], Label], str]) -> Callable[[re.Match[str]], str]:
        FAMILIES.append(Family(name, description, re.compile(pattern, re.IGNORECASE | re.DOTALL), build, needs_frames))
        return build

    return register


@family("object_counting", "object counting", r"^How many (?P<obj>.+?)(?:\(s\))? are (?:there )?in (?:this|the) room\?")
def counting(m: re.Match[str], label: Label) -> str:
    return f"answer(count(objects({label(m['obj'])})))\n"


@family(
    "object_size_estimation",
    "object size (longest side, cm)",
    r"^What is the length of the longest dimension \(length, width, or height\) of the (?P<obj>.+?), measured in (?P<unit>centimeters|meters)\?",
)
def size(m: re.Match[str], label: Label) -> str:
    scale = " * 100" if m["unit"].lower() == "centimeters" else ""
    return f"side = longest_side(object({label(m['obj'])}))\nanswer(side{scale})\n"


@family("room_size_estimation", "room size (m²)", r"^What is the size of this room \(in square meters\)\?")
def room_size(m: re.Match[str], label: Label) -> str:
    return "answer(room_area())\n"


@family(
    "object_abs_distance",
    "absolute distance (m, closest points)",
    r"^Measuring from the closest point of each object, what is the (?:direct )?distance between the (?P<a>.+?) and the (?P<b>.+?) \(in meters\)\?",
)
def abs_distance(m: re.Match[str], label: Label) -> str:
    return f'd = distance(object({label(m["a"])}), object({label(m["b"])}), mode="closest")\nanswer(d)\n'


@family(
    "object_rel_distance",
    "relative distance (closest / farthest of the options)",
    r"^Measuring from the closest point of each object, which of these objects \((?P<cands>.+?)\) is the (?P<which>closest|nearest|farthest|furthest) to the (?P<ref>.+?)\?",
)
def rel_distance(m: re.Match[str], label: Label) -> str:
    pick = "farthest" if m["which"].lower() in ("farthest", "furthest") else "closest"
    sets = ", ".join(f"objects({label(c)})" for c in split_list(m["cands"]))
    return f"winner = {pick}([{sets}], to=object({label(m['ref'])}))\nanswer(choose(winner, options))\n"


_STANDING = r"^If I am standing by the (?P<at>.+?) and facing the (?P<facing>.+?), is the (?P<target>.+?) "


def _direction(m: re.Match[str], label: Label, granularity: str) -> str:
    return (
        f"me = view(at=object({label(m['at'])}), facing=object({label(m['facing'])}))\n"
        f'side = direction(object({label(m["target"])}), viewer=me, granularity="{granularity}")\n'
        "answer(choose(side, options))\n"
    )


@family("object_rel_direction_easy", "relative direction: left or right", _STANDING + r"to the left or the right of the (?P<ref>.+?)\?")
def direction_easy(m: re.Match[str], label: Label) -> str:
    return _direction(m, label, "lr")


@family("object_rel_direction_medium", "relative direction: left, right or back", _STANDING + r"to my left, right, or back\?")
def direction_medium(m: re.Match[str], label: Label) -> str:
    return _direction(m, label, "lrb")


@family(
    "object_rel_direction_hard",
    "relative direction: quadrants",
    _STANDING + r"to my front-left, front-right, back-left, or back-right\?",
)
def direction_hard(m: re.Match[str], label: Label) -> str:
    return _direction(m, label, "quadrant")


@family(
    "obj_appearance_order",
    "appearance order",
    r"^What will be the first-time appearance order of the following categories in the video: (?P<cats>.+?)\?",
    needs_frames=True,
)
def appearance_order(m: re.Match[str], label: Label) -> str:
    return f"order = appearance_order([{', '.join(label(c) for c in split_list(m['cats']))}])\nanswer(choose(order, options))\n"


_ROUTE_STEP = re.compile(r"\d+\.\s*(?:Go forward until the (?P<to>.+?)(?=\s+\d+\.|\.\s*You have reached|$)|(?P<blank>\[please fill in\]))", re.I)


@family(
    "route_planning",
    "route planning (turns along a route)",
    r"^You are a robot beginning (?:at|by|next to|near|beside|from) the (?P<start>.+?),? (?:and )?facing (?:to |towards? )?the (?P<facing>.+?)\. You want to navigate to the (?P<goal>.+?)\. "
    r"You will perform the following actions \(Note:[^)]*\):\s*(?P<steps>.+?)(?:\s*You have reached the final destination\.)?$",
)
def route(m: re.Match[str], label: Label) -> str:
    steps = [((s["to"] or "").rstrip(". "), bool(s["blank"])) for s in _ROUTE_STEP.finditer(m["steps"])]
    lines = [f"v0 = view(at=object({label(m['start'])}), facing=object({label(m['facing'])}))"]
    here, turns, walks = "v0", [], 0
    for i, (to, blank) in enumerate(steps):
        if blank:
            nxt = next((t for t, b in steps[i + 1 :] if not b), m["goal"])
            turns.append(f"turn{len(turns) + 1}")
            lines.append(f"{turns[-1]} = turn_towards({here}, object({label(nxt)}), forward=false)")
        else:
            walks += 1
            lines.append(f"v{walks} = walk_to({here}, object({label(to)}))")
            here = f"v{walks}"
    return "\n".join(lines) + f"\nanswer(choose([{', '.join(turns)}], options))\n"


_PERSPECTIVE = (
    r"^Imagine standing where (?:frame|image) (?P<k>\d+) of the video was taken(?: \(frames are numbered from 0\))?, facing the way that camera faces\. "
    r"If I (?:(?P<turn>turn left|turn right|turn around) and )?move (?P<way>forward|backward) (?P<m>\d+(?:\.\d+)?) meters?, "
)
_TURN_WORDS = {"turn left": "left", "turn right": "right", "turn around": "back"}


def _walk(m: re.Match[str]) -> str:
    lines = [f"start = camera({int(m['k'])})"]
    view = "start"
    if m["turn"]:
        lines.append(f'turned = turn(start, "{_TURN_WORDS[m["turn"].lower()]}")')
        view = "turned"
    lines.append(f'me = step({view}, "{m["way"].lower()}", meters={float(m["m"]):g})')
    return "\n".join(lines) + "\n"


@family(
    "camera_perspective_direction",
    "perspective taking from a frame: left or right after turning and moving",
    _PERSPECTIVE + r"is the (?P<target>.+?) to my left or (?:to my )?right\?",
    needs_frames=True,
)
def perspective_direction(m: re.Match[str], label: Label) -> str:
    return _walk(m) + f'answer(choose(direction(object({label(m["target"])}), viewer=me, granularity="lr"), options))\n'


@family(
    "camera_perspective_distance",
    "perspective taking from a frame: do I get closer after turning and moving",
    _PERSPECTIVE + r"do I get closer to the (?P<target>.+?)\?",
    needs_frames=True,
)
def perspective_distance(m: re.Match[str], label: Label) -> str:
    target = f"object({label(m['target'])})"
    return _walk(m) + f"closer = distance(me, {target}) < distance(start, {target})\nanswer(choose(closer, options))\n"
