"""The offline question compiler: benchmark question families → programs in the language, no model.

    from reasmory.compiler import compile_question
    compiled = compile_question(question)   # .source (program text), .family

The compiler only writes source text: every program still goes through the
parser and checker. A question outside every family raises
UnsupportedQuestion, one line naming the families and how to configure a VLM.
"""

from __future__ import annotations

from dataclasses import dataclass

from reasmory.compiler.families import FAMILIES, Family
from reasmory.errors import ReasmoryError

VLM_HINT = "configure a VLM to answer free-form questions (REASMORY_VLM_BASE_URL and REASMORY_VLM_MODEL; see docs/vlm.md)"


class UnsupportedQuestion(ReasmoryError):
    """The question is not one of the families the offline compiler knows."""

    exit_code = 1


@dataclass(frozen=True)
class CompiledQuestion:
    source: str
    family: str
    needs_frames: bool


def supported_families() -> list[str]:
    return [f.description for f in FAMILIES]


def match_family(question: str) -> tuple[Family, object] | None:
    text = " ".join(question.split())
    for fam in FAMILIES:
        found = fam.pattern.search(text)
        if found:
            return fam, found
    return None


def compile_question(question: str) -> CompiledQuestion:
    """Program source for a question of a supported family; UnsupportedQuestion otherwise."""
    if not isinstance(question, str) or not question.strip():
        raise UnsupportedQuestion("the question is empty", hint="ask a question about the scene")
    hit = match_family(question)
    if hit is None:
        raise UnsupportedQuestion(
            "the offline compiler cannot answer this question; it knows: " + "; ".join(supported_families()),
            hint=VLM_HINT,
        )
    fam, found = hit
    return CompiledQuestion(source=fam.build(found), family=fam.name, needs_frames=fam.needs_frames)


__all__ = ["FAMILIES", "VLM_HINT", "CompiledQuestion", "UnsupportedQuestion", "compile_question", "supported_families"]
