"""The question reader: everyday English → a program, by the shape of the question, not by its exact sentence.

A question is read in layers: topics geometry cannot answer are declined;
then the words that choose an operation (how many, how far, closer, taller, facing …),
the object names (resolved against the memory's labels by `LabelResolver`),
the pose (where I stand and face, or an input image), and the unit asked
decide which program is written. Each decision is recorded in a `Reading`,
which the trace keeps and `reasmory answer --explain` prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reasmory.compiler import programs as P
from reasmory.memory.resolve import LabelResolver, Resolution
from reasmory.compiler.normalize import Text, normalize
from reasmory.compiler.poses import PoseFamilies
from reasmory.compiler.reading import (
    Absent, Declined, Draft, NotRead, Read, absent_notes, distinct, first_of, require, unit_asked,
)
from reasmory.compiler.words import (
    AREA, COMPARE_LESS, COMPARE_MORE, COUNT, DECLINE, DISTANCE, EXISTS_START, FAR, NEAR, ORDER, ROOM_WORDS, SIZE, TALL,
    unit_of,
)

__all__ = ["Absent", "Declined", "Draft", "NotRead", "Read", "Reader"]


class _Everything(frozenset):
    def __contains__(self, item: object) -> bool:
        return True


_EVERY_WORD = _Everything()  # "keep every word": the text as typed, for topics to decline
ROUTE = ("navigate", "please fill in", "you are a robot", "route")


class Reader(PoseFamilies):
    """Reads questions about one memory (its labels resolve the object names)."""

    def __init__(self, resolver: LabelResolver, ground: bool = False) -> None:
        self.resolver, self.ground = resolver, ground

    def read(self, question: str, options: Sequence[str] = ()) -> Read:
        text = normalize(question, keep=self.resolver.words)
        self.option_units = [t for o in options for t in normalize(o).tokens if unit_of(t)]
        draft = Draft(notes=list(text.corrections), ground=self.ground)
        raw = " ".join(t for t in normalize(question, keep=frozenset(_EVERY_WORD)).tokens if t != ",")
        for pattern, why in DECLINE:
            found = pattern.search(raw + ("?" if question.rstrip().endswith("?") else ""))
            if found:
                draft.operation = "decline"
                draft.cue(found.group().strip())
                raise Declined(why, draft)
        if first_of(text, ROUTE):
            raise NotRead("a route question whose steps the route template could not read", draft)
        names = self.resolver.scan(text.tokens)
        draft.names = names
        option_names = [self._option(o) for o in options]
        numeric = (self._area, self._count, self._distance, self._height, self._size)
        yes_no = _yes_no(text)
        for step in (self._camera, self._direction, self._inventory, self._order, self._area, self._count, self._exists, self._compare,
                     self._ranked, self._distance, self._height, self._size):
            if yes_no and step in numeric:
                continue  # "would the lamp fit between …" is not answered by a number
            found = step(text, names, option_names, list(options), draft)
            if found is not None:
                draft.operation = draft.operation or step.__name__.strip("_")
                if options and "choose(" not in found:  # a number or yes/no among lettered options
                    found = re.sub(r"answer\((\w+)\)\n$", r"answer(choose(\1, options))\n", found)
                return Read(found, draft.operation, draft.operation in ("camera", "order"), draft)
        raise NotRead("no operation word the reader knows (how many, how far, closer, taller, facing …)", draft)

    def _option(self, option: str) -> Resolution | None:
        body = re.sub(r"^\s*[A-Za-z][.)]\s*", "", option)
        tokens = normalize(body, keep=self.resolver.words).tokens
        found = self.resolver.scan(tokens)
        return found[0] if len(found) == 1 else None

    # ---- families, in the order they are tried -------------------------------------------------------------

    def _inventory(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        """'What objects are in the room?' / 'List everything here': the categories the memory holds."""
        listing = first_of(text, ("list", "what objects", "which objects", "what things", "what kinds of objects",
                                "what furniture", "what is in the room", "what is in this room", "what is there"))
        if listing is None or names or first_of(text, COUNT + DISTANCE + NEAR + FAR + TALL):
            return None
        draft.cue(listing)
        draft.operation = "labels"
        return "answer(labels())\n"

    def _area(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        cue = first_of(text, AREA)
        sized = first_of(text, ("big", "large", "size", "how many square", "dimensions", "small"))
        roomish = first_of(text, ROOM_WORDS)
        asks_area_unit = any((unit_of(t) or ("",))[0] == "area" for t in text.tokens)
        if cue is None and not asks_area_unit and not (sized and roomish and not [n for n in names if not n.absent]):
            return None
        if [n for n in names if not n.absent] and not asks_area_unit and cue in (None, "area"):
            return None
        draft.cue(cue or sized or "", roomish or "")
        draft.operation = "room_area"
        return P.room_area(unit_asked(text, "area", draft, self.option_units))

    def _count(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        cue = first_of(text, COUNT)
        if cue is None:
            return None
        after = text.find(cue) + len(cue.split())
        if cue in ("how many", "how much", "number of") and after < len(text.tokens) and (
                (unit_of(text.tokens[after]) or ("",))[0] in ("length", "area") or text.tokens[after] in ("square",)):
            return None
        listed = _listed([n for n in names if n.start >= after] or names, text)
        if not listed:
            slot = _slot(text, after)
            if not slot:
                return None
            if slot.split()[-1] in _EVERYTHING:
                listed = [Resolution(lab, (lab,), "same name") for lab in self.resolver.labels]
                draft.notes.append(f"'{slot}' read as every object the memory holds")
            else:
                listed = [Resolution(slot, (), "absent")]
        draft.cue(cue)
        draft.names = listed
        absent_notes(listed, draft, "counted 0")
        source = P.count(listed, strict=draft.ground)
        return P.final([source.splitlines()[0]], "n", options) if options else source

    def _exists(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        cue = next((p for p in sorted(EXISTS_START, key=len, reverse=True) if (" ".join(text.tokens) + " ").startswith(p + " ")), None)
        if cue is None:
            for p in ("is there", "are there", "have a", "has a", "contain", "contains", "any"):
                if text.has(p):
                    cue = p
                    break
        if cue is None or first_of(text, DISTANCE + NEAR + FAR + tuple(COMPARE_MORE) + tuple(COMPARE_LESS)):
            return None
        after = text.find(cue) + len(cue.split())
        listed = _listed([n for n in names if n.start >= after] or names, text)
        if not listed:
            slot = _slot(text, after)
            if not slot:
                return None
            listed = [Resolution(slot, (), "absent")]
        draft.cue(cue)
        draft.operation = "exists"
        draft.names = listed
        absent_notes(listed, draft, "answered no")
        return P.exists(listed, options, strict=draft.ground)

    def _distance(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        cue = first_of(text, DISTANCE)
        if cue is None and not (first_of(text, ("how many", "what")) and any((unit_of(t) or ("",))[0] == "length" for t in text.tokens)):
            return None
        pair = distinct(names)
        if len(pair) < 2:
            return None
        require(pair[:2], draft)
        draft.cue(cue or "")
        draft.names = pair[:2]
        mode = "center" if first_of(text, ("center", "centre", "centers", "centres", "middle", "midpoint")) else "closest"
        if mode == "center":
            draft.notes.append("measured between the objects' centres")
        return P.distance(pair[0], pair[1], unit_asked(text, "length", draft, self.option_units), mode)

    def _ranked(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        far = first_of(text, FAR)
        near = first_of(text, NEAR)
        cue = far or near
        if cue is None or text.has(f"how {cue}"):
            return None
        ref = _after(text, names, (f"{cue} to", f"{cue} from", "to", "from", "of")) or None
        pick = "farthest" if far else "closest"
        candidates = [o for o in opts if o is not None] if options and all(opts) else [n for n in distinct(names) if n is not ref]
        if ref is None:
            rest = [n for n in distinct(names) if all(n.label != c.label for c in candidates)]
            ref = rest[0] if rest else None
        if ref is not None and not candidates and first_of(text, ("thing", "object", "item", "what", "which")):
            candidates = [Resolution(lab, (lab,), "same name") for lab in self.resolver.labels if lab != ref.label]
            draft.notes.append("ranked every other object the memory holds")
        if ref is None or not candidates or len(candidates) < 2 and not text.has("than"):
            return None
        candidates = [c for c in candidates if c.label != ref.label] or candidates
        require([ref, *candidates], draft)
        draft.cue(cue)
        draft.operation = pick
        draft.names = [ref, *candidates]
        if text.has("than") and not options:
            return self._than(text, names, ref, candidates, bool(far), draft)
        return P.ranked(pick, candidates, ref, options)

    def _than(self, text: Text, names: list[Resolution], ref: Resolution, candidates: list[Resolution], far: bool,
              draft: Draft) -> str | None:
        """'Is A closer to B than to C?' compares A–B with A–C; 'Is A closer to B than C?' compares A–B with C–B."""
        other = _after(text, names, ("than to", "than it is to", "than they are to", "than from"))
        if other is not None:
            subject = next((n for n in distinct(names) if n.label not in (ref.label, other.label)), None)
            if subject is None:
                return None
            draft.names = [subject, ref, other]
            draft.notes.append(f"compared {subject.label}–{ref.label} with {subject.label}–{other.label}")
            return P.closer_than(ref, other, subject, far, [])
        if len(candidates) != 2:
            return None
        draft.notes.append(f"compared {candidates[0].label}–{ref.label} with {candidates[1].label}–{ref.label}")
        return P.closer_than(candidates[0], candidates[1], ref, far, [])

    def _compare(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        word = next((t for t in text.tokens if t in COMPARE_MORE or t in COMPARE_LESS), None)
        superlative = {"tallest": ("height", True), "biggest": ("volume", True), "largest": ("volume", True),
                       "smallest": ("volume", False), "shortest": ("height", False), "longest": ("length", True)}
        sup = next((t for t in text.tokens if t in superlative), None) if word is None else None
        if word is None and sup is None:
            return None
        if sup is not None and (text.has("longest side") or text.has("longest dimension")):
            return None
        by, most = (COMPARE_MORE.get(word), True) if word in COMPARE_MORE else (COMPARE_LESS.get(word), False)
        if sup is not None:
            by, most = superlative[sup]
        candidates = [o for o in opts if o is not None] if options and all(opts) else distinct(names)
        if len(candidates) < 2 and not (sup and not options):
            return None
        if sup and len(candidates) < 2:
            candidates = [Resolution(lab, (lab,), "same name") for lab in self.resolver.labels]
            draft.notes.append("compared every object the memory holds")
        require(candidates, draft)
        draft.cue(word or sup or "")
        draft.operation = "compare"
        draft.names = list(candidates)
        draft.notes.append({"height": "compared heights (vertical extent)", "length": "compared longest sides",
                            "volume": "compared box volumes"}[by])
        if text.has("than") and len(candidates) == 2 and not options:
            return P.more_than(candidates[0], candidates[1], by, most, options)
        return P.compare(candidates, by, most, options)

    def _height(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        cue = first_of(text, TALL)
        obj = distinct(names)
        if cue is None or not obj:
            return None
        require(obj[:1], draft)
        draft.cue(cue)
        draft.operation = "height"
        draft.names = obj[:1]
        return P.measure(obj[0], "height", unit_asked(text, "length", draft, self.option_units))

    def _size(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        cue = first_of(text, SIZE)
        obj = distinct(names)
        if cue is None and not (obj and any((unit_of(t) or ("",))[0] == "length" for t in text.tokens)):
            return None
        if not obj:
            return None
        require(obj[:1], draft)
        draft.cue(cue or "")
        draft.operation = "size"
        draft.names = obj[:1]
        draft.notes.append("size read as the longest side of the object's box")
        return P.measure(obj[0], "length", unit_asked(text, "length", draft, self.option_units))

    # ---- poses ---------------------------------------------------------------------------------------------

    def _order(self, text: Text, names: list[Resolution], opts: list, options: list[str], draft: Draft) -> str | None:
        cue = first_of(text, ORDER)
        if cue is None or not (first_of(text, ("first", "order", "sequence", "before", "after", "earlier", "later"))):
            return None
        objs = distinct(names)
        if len(objs) < 2:
            return None
        require(objs, draft)
        draft.cue(cue)
        draft.operation = "order"
        draft.names = objs
        labels = ", ".join(P.q(o.label) for o in objs)
        return P.final([f"order = appearance_order([{labels}])"], "order", options)


# ---- helpers ---------------------------------------------------------------------------------------------------

_AUX = frozenset("is are was were would will does do did can could should am has have".split())
_WH = frozenset("how what which where whats tell give estimate measure find count number".split())


def _yes_no(text: Text) -> bool:
    """A question that starts like 'is …', 'would …' and asks for no quantity (no how / what / which …)."""
    return bool(text.tokens) and text.tokens[0] in _AUX and not (_WH & set(text.tokens))


def _listed(names: Sequence[Resolution], text: Text) -> list[Resolution]:
    """The first name and those joined to it by and / or / commas ('chairs and stools')."""
    if not names:
        return []
    out = [names[0]]
    for prev, nxt in zip(names, names[1:]):
        between = text.tokens[prev.end:nxt.start]
        if between and set(between) <= {"and", "or", "the", "a", "an", "any", "plus", "also", ","}:
            out.append(nxt)
        else:
            break
    return out


_EVERYTHING = frozenset({"object", "objects", "thing", "things", "item", "items", "furniture", "pieces"})
_SLOT_STOP = frozenset(""", are is do does did can could would will in on at there here around near inside within of
that which you i we they this these those room scene space by next to under over for with have has see spot""".split())


def _slot(text: Text, start: int) -> str:
    """The words of an object name where one is expected ('how many PIANOS are there')."""
    words = []
    for tok in text.tokens[start:]:
        if tok in ("the", "a", "an", "any", "all") and not words:
            continue
        if tok in _SLOT_STOP or tok.isdigit():
            break
        words.append(tok)
    return " ".join(words[:3])


def _after(text: Text, names: Sequence[Resolution], phrases: Sequence[str]) -> Resolution | None:
    """The name right after one of `phrases` (articles skipped), at any of the phrase's occurrences."""
    for phrase in phrases:
        size = len(phrase.split())
        starts = [i for i in range(len(text.tokens) - size + 1) if text.tokens[i:i + size] == phrase.split()]
        for at in starts:
            pos = at + size
            while pos < len(text.tokens) and text.tokens[pos] in ("the", "a", "an", "my", "that", "this"):
                pos += 1
            hit = next((n for n in names if n.start == pos), None)
            if hit is not None:
                return hit
    return None


