"""What the reader knows while it reads one question: the draft reading, its outcomes, and small shared helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reasmory.memory.resolve import Resolution
from reasmory.compiler.normalize import Text
from reasmory.compiler.words import unit_of


class NotRead(Exception):
    """The reader found no operation it can write for the question (`why` says what was missing)."""

    def __init__(self, why: str, reading: Draft) -> None:
        super().__init__(why)
        self.why, self.reading = why, reading


class Declined(Exception):
    """The question asks what geometry cannot show; `why` is one sentence."""

    def __init__(self, why: str, reading: Draft) -> None:
        super().__init__(why)
        self.why, self.reading = why, reading


@dataclass
class Draft:
    """How a question was read, filled in as the reader goes."""

    operation: str = ""
    cues: list[str] = field(default_factory=list)
    names: list[Resolution] = field(default_factory=list)
    unit: str | None = None
    notes: list[str] = field(default_factory=list)
    ground: bool = False  # names the memory lacks are kept, for a detector to look for

    def cue(self, *words: str) -> None:
        self.cues.extend(w for w in words if w and w not in self.cues)


@dataclass(frozen=True)
class Read:
    source: str
    operation: str
    needs_frames: bool
    draft: Draft


def first_of(text: Text, phrases: Sequence[str]) -> str | None:
    """The first of `phrases` (longest first) present in the text."""
    for phrase in sorted(phrases, key=len, reverse=True):
        if text.has(phrase):
            return phrase
    return None


def unit_asked(text: Text, kind: str, draft: Draft, option_units: Sequence[str] = ()) -> str:
    """The unit the question (or else its options) asks for, of `kind` (length or area); metres / m² when none is named."""
    for tok in [*text.tokens, *option_units]:
        hit = unit_of(tok)
        if hit and (hit[0] == kind or kind == "area" and hit[0] == "length" and text.has("square")):
            draft.cue(tok)
            draft.unit = hit[2]
            return hit[2]
    if text.has("in") and kind == "length":
        for i, tok in enumerate(text.tokens[:-1]):
            if tok == "in" and text.tokens[i + 1] in ("in", "inch"):
                draft.unit = "in"
                return "in"
    draft.unit = "m" if kind == "length" else "m2"
    return draft.unit


def distinct(names: Sequence[Resolution]) -> list[Resolution]:
    seen, out = set(), []
    for n in names:
        if n.label not in seen:
            seen.add(n.label)
            out.append(n)
    return out


def require(names: Sequence[Resolution], draft: Draft) -> None:
    """Names this operation needs present; an absent one stops the reading with a clear note."""
    missing = [n for n in names if n.absent]
    if missing and draft.ground:
        draft.notes.extend(f"no '{n.label}' among the memory's labels: to be looked for by the detector" for n in missing)
    elif missing:
        draft.names = list(names)
        raise Absent(missing, draft)


def absent_notes(names: Sequence[Resolution], draft: Draft, outcome: str) -> None:
    for n in names:
        if n.absent and draft.ground:
            draft.notes.append(f"no '{n.label}' among the memory's labels: to be looked for by the detector")
        elif n.absent:
            draft.notes.append(f"no '{n.label}' among the memory's labels: {outcome}")


class Absent(Exception):
    """Names the question needs that the memory does not hold (distances, sizes … of them cannot be measured)."""

    def __init__(self, missing: Sequence[Resolution], draft: Draft) -> None:
        super().__init__(", ".join(n.phrase for n in missing))
        self.missing, self.reading = list(missing), draft
