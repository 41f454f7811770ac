"""The fallback when no valid program comes after the repairs: a top-down map for the VLM to read.

The program is `answer(bev(mode="semantic", highlight=[…]))` with the memory's
labels that the question mentions highlighted; its Image answer goes to the
reasoner with the question. It needs the `bev` rendering operation; where
that is not registered the fallback says so instead of guessing.
"""

from __future__ import annotations

import json
import re

from reasmory.errors import ReasmoryError
from reasmory.interpreter import REGISTRY
from reasmory.memory import SpatialMemory

FALLBACK_OPERATION = "bev"
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


class FallbackUnavailable(ReasmoryError):
    """No valid program was produced and the fallback cannot run here."""

    exit_code = 1


def mentioned_labels(question: str, memory: SpatialMemory) -> list[str]:
    """The memory's labels that a word or two-word phrase of the question names (plurals and synonyms tolerated), and
    the phrases that name no label but objects some views called so (`SpatialMemory.called_rows`)."""
    words = _WORD.findall(question)
    phrases = [" ".join(words[i:i + 2]) for i in range(len(words) - 1)] + words
    found: dict[str, None] = {}
    for phrase in phrases:
        hits = memory.find(phrase)
        if hits:
            found.setdefault(hits[0].label)
        elif len(memory.called_rows(phrase)):
            found.setdefault(phrase)
    return list(found)


def fallback_program(question: str, memory: SpatialMemory) -> str:
    """The fallback program's source, or FallbackUnavailable when `bev` is not an operation of this installation."""
    if FALLBACK_OPERATION not in REGISTRY:
        raise FallbackUnavailable(
            f"no valid program, and the fallback top-down map needs the operation '{FALLBACK_OPERATION}', which this installation lacks",
            hint="see the attempts in the trace (--trace), raise REASMORY_MAX_REPAIRS or use a stronger model",
        )
    labels = mentioned_labels(question, memory)
    highlight = f", highlight=[{', '.join(json.dumps(label) for label in labels)}]" if labels else ""
    return f'answer({FALLBACK_OPERATION}(mode="semantic"{highlight}))\n'
