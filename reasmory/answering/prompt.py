"""Prompts for the VLM, generated from the grammar file, the operation registry, the memory and the compiler.

Only the framing sentences and the guide to choices a model must make (which
view "image 2" is, direction or relation, units, yes/no with a count, one
object among several) are written here. The syntax is the grammar file
itself, the operations come from the registry (signatures with enum words,
units and doc lines), the worked examples are the programs in `examples.json`
(the offline compiler's, for the questions that give none; the tests run them
all on the example scene), and the scene is the memory's own summary. Change
the language and the prompt follows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from reasmory.answering.clients.base import ImagePart, Message
from reasmory.compiler import compile_question
from reasmory.interpreter import REGISTRY, Diagnostic, highlight
from reasmory.interpreter.parser import grammar_text
from reasmory.memory import SpatialMemory

FRAMING = (
    "You write one program in Reasmory's language that answers a spatial question about a scanned scene. "
    "The program runs against the scene's 3D memory summarised below: use only its labels and frame numbers. "
    "The predefined name `options` holds the question's multiple-choice options (an empty list when there are none). "
    "Reply with the program only, without prose or code fences; its last statement is answer(...)."
)
GUIDE = "\n".join([
    "- Views: a question's \"image k\", \"view k\" or \"the k-th view\" counts from 1, so image 1 (the first view) "
    "is camera(0) and image k is camera(k-1); \"frame k\" counts from 0 only where the question says frames are numbered from 0.",
    "- direction(target, viewer) is where the target is for the viewer: \"is the lamp to my left?\", \"what is behind me?\", "
    "\"standing by A facing B, is C left or right of B?\" (you face B: your left or right). relation(target, reference, viewer) "
    "is where the target is beside another object as the viewer sees both: \"from image 2, is the table left of the sofa?\", "
    "\"what is to the right of the bottle?\"; it can also say in front of or behind the reference.",
    "- Units: numbers come in the unit shown in [brackets] after an operation (m, m², °). When the question asks for "
    "another unit, convert in the program: centimetres × 100, millimetres × 1000, feet / 0.3048, inches / 0.0254, "
    "square feet / 0.092903.",
    "- Yes or no: \"is there a clock?\" is exists(\"clock\"), false for a label the memory does not list; a yes/no "
    "question about a number compares it (count(objects(\"chair\")) >= 2); a question that wants yes or no and how many "
    "answers the count (0 means no; a label the memory does not list has count 0).",
    "- One of several: object(label) takes the most observed instance when there are several (the trace names the "
    "others). Standing at it, facing it or measuring from it may then use an instance the question does not mean: when "
    "the question says which one, pick it (closest(objects(\"chair\"), to=object(\"window\")) is the chair nearest the "
    "window); when any of them will do, pass objects(label), whose distances and rankings use the nearest instance.",
])
REPAIR = "The program was refused. The problems, as data and as shown to people:"
REPAIR_ASK = "Reply with the corrected program only."
REASONER = (
    "You answer a spatial question about a scanned scene by looking at pictures made from its 3D reconstruction. "
    "Each picture is captioned with how it was produced."
)


def operations_reference() -> str:
    """Every operation as `signature  # doc`, grouped by the registry's categories."""
    groups: dict[str, list[str]] = {}
    for op in REGISTRY:
        groups.setdefault(op.category, []).append(f"{op.signature()}  # {op.doc}")
    return "\n\n".join(f"[{category}]\n" + "\n".join(lines) for category, lines in groups.items())


def example_items() -> list[dict]:
    """The worked examples: question, options, and the program (the offline compiler's when the item gives none)."""
    items = json.loads(resources.files("reasmory.answering").joinpath("examples.json").read_text(encoding="utf-8"))
    return [{**item, "program": item.get("program") or compile_question(item["question"]).source.strip()} for item in items]


@lru_cache(maxsize=1)
def worked_examples() -> str:
    """The example questions with their programs."""
    return "\n\n".join(_question_block(item["question"], item.get("options")) + "\nProgram:\n" + item["program"]
                       for item in example_items())


def memory_summary(memory: SpatialMemory) -> str:
    """Labels with counts, frames, scale and gravity provenance: what a program may refer to."""
    counts = memory.label_counts()
    scene, prov = memory.scene, memory.provenance
    frames = len(memory.frames)
    lines = [
        "Objects by label: " + (", ".join(f"{label} ×{n}" for label, n in sorted(counts.items())) or "none"),
        f"Frames: {frames}" + (f" (camera(0) … camera({frames - 1}))" if frames else " (no camera views)"),
        f"Metric scale: factor {scene.scale.factor:g} from {scene.scale.method} (spread {scene.scale.spread:g})",
        f"Gravity: up axis {scene.up_axis}, floor at z = {scene.floor_z:.2f} m"
        + (f"; floor area {scene.floor_area:.1f} m² ({scene.floor_area_source or 'measured'})" if scene.floor_area else ""),
        f"Built by: {prov.backend}" + (f" from {prov.source}" if prov.source else "") + "".join(f"; {n}" for n in prov.notes),
    ]
    return "\n".join(lines)


def _question_block(question: str, options: Sequence[str] | None) -> str:
    text = f"Question: {question.strip()}"
    if options:
        text += "\nOptions: " + " | ".join(options)
    return text


OPEN_LABELS = ("A detector is configured: a program may also name an object label not listed above; "
               "it is looked for in the frames before the program runs again.")


def program_messages(question: str, options: Sequence[str] | None, memory: SpatialMemory,
                     open_labels: bool = False) -> list[Message]:
    """The conversation that asks for a program (`open_labels`: labels the memory lacks are grounded on demand)."""
    system = "\n\n".join([
        FRAMING,
        "## Grammar (Lark)\n" + grammar_text().strip(),
        "## Operations\n" + operations_reference(),
        "## Choosing\n" + GUIDE,
        "## Worked examples (about another scene)\n" + worked_examples(),
    ])
    user = "## This scene\n" + memory_summary(memory) + ("\n" + OPEN_LABELS if open_labels else "") + "\n\n" + _question_block(question, options)
    return [Message(role="system", text=system), Message(role="user", text=user)]


def repair_messages(program: str, diagnostics: Sequence[Diagnostic]) -> list[Message]:
    """The refused program (as the model's turn) and its diagnostics (as ours), to append to the conversation."""
    data = json.dumps([d.model_dump(mode="json", exclude_none=True) for d in diagnostics], ensure_ascii=False)
    shown = "\n\n".join(highlight(program, d) for d in diagnostics)
    return [Message(role="assistant", text=program), Message(role="user", text=f"{REPAIR}\n{data}\n\n{shown}\n\n{REPAIR_ASK}")]


def reasoner_messages(question: str, options: Sequence[str] | None, program: str, images: Sequence[ImagePart]) -> list[Message]:
    """The conversation that asks the VLM to answer from the program's images."""
    ask = ("Reply with the letter of the right option only." if options
           else "Reply with the answer only: a number with its unit, a word or a short phrase.")
    user = f"{_question_block(question, options)}\n\nThe pictures were made by this program:\n{program.strip()}\n\n{ask}"
    return [Message(role="system", text=REASONER), Message(role="user", text=user, images=list(images))]
