"""`reasmory answer`: a question about a scene, answered by a program from the offline compiler or a VLM."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from reasmory.cli.output import console, err_console, print_weak
from reasmory.errors import ReasmoryError

if TYPE_CHECKING:
    from reasmory.interpreter.trace import Trace


class GeneratorChoice(str, Enum):
    auto = "auto"
    compiler = "compiler"
    vlm = "vlm"


def answer(
    source: str = typer.Argument(..., help="A .rmem memory, a scene folder from `reasmory synth`, a video or an image folder.",
                                 show_default=False),
    question: str = typer.Argument(..., help="The question, in quotes.", show_default=False),
    more_options: list[str] = typer.Argument(None, help="More options after --options.", show_default=False),
    options: list[str] = typer.Option(None, "--options", help='Multiple-choice options, e.g. --options "A. left" "B. right".'),
    trace: Path | None = typer.Option(None, "--trace", help="Write the trace (steps and every attempt at a program) as JSON here."),
    generator: GeneratorChoice | None = typer.Option(None, "--generator", help="auto: the offline compiler first, else the VLM."),
) -> int:
    """Answer a question about a scene: the offline compiler or the configured VLM writes a program, which runs on the memory.

    Free-form questions need a VLM: REASMORY_VLM_BASE_URL and REASMORY_VLM_MODEL (see docs/vlm.md).
    Videos, photos, and labels a memory lacks need a detector: REASMORY_DETECTOR=owlv2 and its checkpoints.

    Example: [cyan]reasmory answer scene.rmem "How many chairs are in this room?" --trace trace.json[/]
    """
    from reasmory.answering import answer as answer_question
    from reasmory.interpreter import LanguageError

    all_options = [*(options or []), *(more_options or [])]
    settings = {"generator": generator.value} if generator else {}
    artifacts = trace.parent / f"{trace.stem}-artifacts" if trace else None
    try:
        result = answer_question(source, question, all_options, artifacts_dir=artifacts, **settings)
    except ReasmoryError as exc:
        if trace is not None and getattr(exc, "attempts", None):
            _failure_trace(exc, question, all_options).save(trace)
            err_console.print(f"attempts written to {escape(str(trace))}")
        if isinstance(exc, LanguageError):
            from reasmory.cli.program_cmd import print_language_error

            print_language_error(exc)
            return 1
        raise
    err_console.print(f"[dim]program ({escape(result.generator)}):[/]\n{escape(result.program.rstrip())}", highlight=False)
    console.print(escape(result.answer or ""), highlight=False)
    print_weak(result.evidence.weak())
    if trace is not None:
        result.trace.save(trace)
        err_console.print(f"trace written to {escape(str(trace))}")
    return 0


def _failure_trace(exc: ReasmoryError, question: str, options: list[str]) -> Trace:
    """A trace of a question that got no answer: the attempts, and the error that stopped them."""
    from reasmory.interpreter.errors import Diagnostic
    from reasmory.interpreter.trace import Trace

    attempts = exc.attempts  # type: ignore[attr-defined]
    diagnostics = getattr(exc, "diagnostics", None)
    error = diagnostics[0] if diagnostics else Diagnostic(stage="run", code="no-answer", message=exc.message, hint=exc.hint)
    return Trace(program=attempts[-1].program or "", question=question, options=options, attempts=attempts, error=error)
