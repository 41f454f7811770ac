"""Questions asked from a pose: standing somewhere facing something, or where an input image was taken."""

from __future__ import annotations

import re

from reasmory.compiler import programs as P
from reasmory.memory.resolve import Resolution
from reasmory.compiler.normalize import Text
from reasmory.compiler.reading import Draft, distinct, first_of, require, unit_asked
from reasmory.compiler.words import CAMERA_NOUNS, DISTANCE, NUMBER_WORDS, POSE_AT, POSE_BACK, POSE_FACING


class PoseFamilies:
    """The pose-taking families of `Reader`: directions from a stated pose, and questions from an input image."""

    option_units: list[str]

    def _direction(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        back = first_of(text, POSE_BACK)
        facing = first_of(text, POSE_FACING)
        if back is None and facing is None:
            return None
        cue_at = text.find(back or facing)
        objs = distinct(names)
        face = next((n for n in objs if n.start >= cue_at), None)
        rest = [n for n in objs if n is not face]
        if face is None or not rest:
            return None
        at = max(rest, key=lambda n: _pose_score(text, n))
        if _pose_score(text, at) == 0 and len(rest) < 2:
            return None
        targets = [n for n in rest if n is not at]
        draft.cue(back or facing)
        draft.operation = "direction"
        lines = P.view_lines(at, face, back is not None)
        if back is not None:
            draft.notes.append(f"standing at {at.label} with my back to {face.label}")
        if not targets:
            return self._around(text, lines, draft)
        target = targets[0]
        draft.names = [at, face, target]
        require(draft.names, draft)
        return self._where(text, lines, target, options, draft)

    def _around(self, text: Text, lines: list[str], draft: Draft) -> str | None:
        """'What is to my left?': the objects in that quarter around the viewer."""
        side = next((s for word, s in (("left", "left"), ("right", "right"), ("behind", "back"), ("back", "back"),
                                        ("front", "front"), ("ahead", "front")) if text.has(word)), None)
        if side is None or not first_of(text, ("what", "which", "anything", "whats")):
            return None
        draft.operation = "around"
        draft.notes.append(f"the objects in the 90° sector to the {side} of the viewer")
        lines.append(f'seen = objects_around(me, "{side}")')
        lines.append("answer(seen)")
        return "\n".join(lines) + "\n"

    def _where(self, text: Text, lines: list[str], target: Resolution, options: list[str], draft: Draft) -> str:
        """Where the target is for `me`: the granularity the options or words ask for, or a yes/no about one side."""
        named = {i for n in draft.names for i in range(n.start, n.end)}
        words = " ".join(options).lower() if options else " ".join(t for i, t in enumerate(text.tokens) if i not in named)
        if "clock" in words or "oclock" in words:
            gran = "clock"
        elif re.search(r"front.?left|front.?right|back.?left|back.?right|quadrant", words):
            gran = "quadrant"
        elif re.search(r"\b(behind|back)\b", words):
            gran = "lrb"
        else:
            gran = "lr"
        lines.append(f'side = direction({P.one(target)}, viewer=me, granularity="{gran}")')
        draft.notes.append(f"direction granularity: {gran}")
        if options:
            return P.final(lines, "side", options)
        before = [t for t in text.tokens[max(0, target.start - 3):target.start] if t not in ("the", "a", "an", "my")]
        yes_no = bool(before) and before[-1] in ("is", "are", "would", "will") and (len(before) < 2 or before[-2] not in (
            "where", "which", "what", "side", "direction", "way"))
        if yes_no and "or" not in text.tokens[target.end:]:
            side = "back" if text.has("behind") or text.has("back") else "left" if text.has("left") else "right" if text.has("right") else None
            if side is not None:
                lines.append(f'result = side == "{side}"')
                return P.final(lines, "result", options)
        return P.final(lines, "side", options)

    def _camera(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        k = _camera_index(text)
        if k is None:
            return None
        index, said = k
        draft.cue(said)
        draft.notes.append(f"'{said}' read as camera({index}) (images are numbered from 1, the language's frames from 0)")
        lines = [f"start = camera({index})"]
        view = "start"
        turn = re.search(r"\bturn (left|right|around|back)\b", " ".join(text.tokens))
        if turn:
            side = {"around": "back"}.get(turn.group(1), turn.group(1))
            lines.append(f'turned = turn(start, "{side}")')
            view = "turned"
        move = re.search(r"\b(?:move|walk|step|go|head|moving|walking)\s+(forward|backward|back|ahead)\s+(\d+(?:\.\d+)?)", " ".join(text.tokens))
        if move:
            way = {"back": "backward", "ahead": "forward"}.get(move.group(1), move.group(1))
            lines.append(f'me = step({view}, "{way}", meters={float(move.group(2)):g})')
        else:
            lines.append(f"me = {view}" if view != "start" else "me = start")
        objs = distinct(names)
        if not objs:
            return None
        target = objs[0]
        require([target], draft)
        draft.names = [target]
        draft.operation = "camera"
        if first_of(text, ("closer", "nearer")) and move:
            lines.append(f"result = distance(me, {P.one(target)}) < distance(start, {P.one(target)})")
            return P.final(lines, "result", options)
        if first_of(text, DISTANCE):
            return P.number(lines, f"distance(me, {P.group(target)})", "d", unit_asked(text, "length", draft, self.option_units))
        return self._where(text, lines, target, options, draft)


def _pose_score(text: Text, name: Resolution) -> int:
    """How much the words before a name say 'I am there' (standing at, sitting on, by, from)."""
    before = text.tokens[max(0, name.start - 5):name.start]
    verbs = {"standing", "stand", "stood", "sitting", "sit", "sat", "seated", "lying", "lie", "positioned", "located",
             "am", "placed", "leaning", "waiting", "kneeling", "perched"}
    score = 2 if verbs & set(before) else 0
    close = [t for t in before[-3:] if t not in ("the", "a", "an", "my")]
    if close and close[-1] in {p.split()[-1] for p in POSE_AT}:
        score += 1
    return score


def _camera_index(text: Text) -> tuple[int, str] | None:
    """'image 3' / 'view 2' / 'the first view' / 'frame 0' → (0-based camera index, the words said)."""
    toks = text.tokens
    zero_based = text.has("numbered from 0") or text.has("0 based") or text.has("zero based")
    for i, tok in enumerate(toks):
        if tok not in CAMERA_NOUNS:
            continue
        nums = []
        if i + 1 < len(toks):
            nxt = toks[i + 1]
            nums.append(int(nxt) if nxt.isdigit() else NUMBER_WORDS.get(nxt) if nxt in NUMBER_WORDS and not nxt.endswith(("st", "nd", "rd", "th")) or nxt.isdigit() else None)
        if i > 0:
            prev = toks[i - 1]
            nums.append(NUMBER_WORDS.get(prev) if prev in NUMBER_WORDS and prev not in ("one",) else None)
        n = next((x for x in nums if x is not None), None)
        if n is None:
            continue
        said = " ".join(toks[max(0, i - 1):i + 2])
        if tok == "frame" and (zero_based or n == 0):
            return n, said
        return max(n - 1, 0), said
    return None
