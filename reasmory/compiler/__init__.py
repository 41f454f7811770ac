"""The offline question compiler: questions → programs in the language, no model, deterministic.

    from reasmory.compiler import compile_question
    compiled = compile_question("How far is the couch from the telly, in feet?", memory)
    compiled.source, compiled.family, compiled.reading     # program text, what was asked, how it was read

Benchmark templates (VSI-Bench, the synthetic suite) keep their exact programs
(`families`); everything else goes through the reader (`reader`), which reads
everyday wording by its shape: operation words, object names resolved against
the memory's labels (`labels`), poses, units. With no memory, names are taken
as said. The compiler only writes source text: every program still goes
through the parser and checker. A question it cannot read raises
UnsupportedQuestion with the closest example wordings; one that geometry cannot
answer raises DeclinedQuestion with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reasmory.compiler.examples import closest_examples
from reasmory.compiler.families import FAMILIES, Family
from reasmory.compiler.normalize import fix_typos
from reasmory.memory.resolve import EXACT, LabelResolver, Resolution, resolver_for
from reasmory.compiler.reader import Absent, Declined, Draft, NotRead, Reader
from reasmory.errors import ReasmoryError
from reasmory.interpreter.trace import Reading

if TYPE_CHECKING:
    from reasmory.memory import SpatialMemory

VLM_HINT = "configure a VLM to answer free-form questions (REASMORY_VLM_BASE_URL and REASMORY_VLM_MODEL; see docs/vlm.md)"


class UnsupportedQuestion(ReasmoryError):
    """The offline compiler cannot read the question; `.reading` says how far it got."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, reading: Reading | None = None,
                 missing: Sequence[str] = ()) -> None:
        super().__init__(message, hint)
        self.reading, self.missing = reading, tuple(missing)


class DeclinedQuestion(UnsupportedQuestion):
    """The question asks what geometry cannot show (colour, material, brand, people): declined with the reason."""


@dataclass(frozen=True)
class CompiledQuestion:
    source: str
    family: str
    needs_frames: bool
    reading: Reading | None = None
    absent: tuple[str, ...] = ()


def supported_families() -> list[str]:
    return [f.description for f in FAMILIES]


def match_family(question: str) -> tuple[Family, object] | None:
    text = " ".join(fix_typos(question).split())
    for fam in FAMILIES:
        found = fam.pattern.search(text)
        if found:
            return fam, found
    return None


def compile_question(question: str, memory: SpatialMemory | None = None, options: Sequence[str] | None = None,
                     ground: bool = False) -> CompiledQuestion:
    """Program source for a question; UnsupportedQuestion (or DeclinedQuestion) when none can be written.

    `ground`: a detector can look for names the memory lacks, so they are kept in the program (its check
    then asks for them) instead of counting 0 / answering no / declining.
    """
    if not isinstance(question, str) or not question.strip():
        raise UnsupportedQuestion("the question is empty", hint="ask a question about the scene")
    resolver = resolver_for(memory) if memory is not None else LabelResolver(())
    hit = match_family(question)
    if hit is not None:
        fam, found = hit
        compiled = _from_template(fam, found, resolver, memory is not None, ground)
        if compiled is not None:
            return compiled
    try:
        read = Reader(resolver, ground).read(question, list(options or []))
    except Declined as exc:
        raise DeclinedQuestion(f"declined: {exc.why}", hint="ask where things are, how far, how big or how many",
                               reading=_reading(exc.reading, declined=exc.why)) from None
    except Absent as exc:
        missing = ", ".join(repr(n.phrase) for n in exc.missing)
        held = ", ".join(resolver.labels[:15])
        why = f"no {missing} in this scene's memory, so that cannot be measured (it holds: {held})"
        reading = _reading(exc.reading, declined=why)
        if reading.operation == "not understood":
            reading.operation = "needs an object the memory lacks"
        raise UnsupportedQuestion(why, hint="ask about objects the memory holds, or configure a detector to look for it",
                                  reading=reading, missing=[n.label for n in exc.missing]) from None
    except NotRead as exc:
        examples = closest_examples(question)
        reading = _reading(exc.reading, declined=exc.why, examples=examples)
        reading.operation = "not understood"
        raise UnsupportedQuestion(
            "the offline reader did not understand this question; it understands wordings such as: "
            + " | ".join(examples), hint=VLM_HINT, reading=reading) from None
    absent = tuple(n.label for n in read.draft.names if n.absent)
    return CompiledQuestion(read.source, read.operation, read.needs_frames, _reading(read.draft), absent)


def _from_template(fam: Family, found: object, resolver: LabelResolver, resolve: bool, ground: bool) -> CompiledQuestion | None:
    """The template's exact program with names resolved against the memory; None to let the reader count an absent category."""
    names: list[Resolution] = []
    unknown: list[str] = []

    def label(text: str) -> str:
        res = resolver.resolve(text) if resolve else None
        if res is None:
            unknown.append(text)
            return json.dumps(text.strip())
        names.append(res)
        same = res.how == EXACT or not res.labels  # the name as said already finds the memory's objects
        return json.dumps(text.strip() if same else res.label)

    source = fam.build(found, label)  # type: ignore[arg-type]
    if fam.name == "object_counting" and resolve and (unknown or any(n.absent for n in names)) and not ground:
        return None
    reading = Reading(operation=fam.name, cues=[f"template: {fam.description}"], names=[n.describe() for n in names],
                      unsure=any(not n.sure for n in names if not n.absent))
    return CompiledQuestion(source, fam.name, fam.needs_frames, reading)


def _reading(draft: Draft, declined: str | None = None, examples: list[str] | None = None) -> Reading:
    return Reading(operation=draft.operation or "not understood", cues=draft.cues,
                   names=[n.describe() for n in draft.names], unit=draft.unit, notes=draft.notes,
                   unsure=any(not n.sure for n in draft.names if not n.absent), declined=declined,
                   examples=examples or [])


__all__ = ["FAMILIES", "VLM_HINT", "CompiledQuestion", "DeclinedQuestion", "UnsupportedQuestion", "compile_question",
           "resolver_for", "supported_families"]
