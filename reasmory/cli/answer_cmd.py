"""`reasmory answer`: a question about a scene, answered by a program from the offline compiler or a VLM."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reasmory.cli.arguments import ARTIFACTS, MORE_OPTIONS, OPTIONS, artifacts_folder, collect_options, print_artifacts
from reasmory.cli.output import console, err_console, escape, print_warnings
from reasmory.errors import ReasmoryError
from reasmory.terminal import escape

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
    more_options: list[str] = MORE_OPTIONS,
    options: list[str] = OPTIONS,
    trace: Path | None = typer.Option(None, "--trace", help="Write the trace (steps and every attempt at a program) as JSON here."),
    generator: GeneratorChoice | None = typer.Option(None, "--generator", help="auto: the offline compiler first, else the VLM."),
    artifacts: Path | None = ARTIFACTS,
    explain: bool = typer.Option(False, "--explain", help="Print how the offline reader read the question (operation words, names, unit)."),
) -> int:
    """Answer a question about a scene: the offline compiler or the configured VLM writes a program, which runs on the memory.

    Free-form questions need a VLM: REASMORY_VLM_BASE_URL and REASMORY_VLM_MODEL (see docs/vlm.md).
    Videos, photos, and labels a memory lacks need a detector: REASMORY_DETECTOR=owlv2 and its checkpoints.

    Example: [cyan]reasmory answer scene.rmem "How many chairs are in this room?" --trace trace.json[/]
    """
    from reasmory.answering import answer as answer_question
    from reasmory.interpreter import LanguageError

    all_options = collect_options(options, more_options)
    settings = {"generator": generator.value} if generator else {}
    try:
        result = answer_question(source, question, all_options, artifacts_dir=artifacts_folder(trace, artifacts), **settings)
    except ReasmoryError as exc:
        if explain:
            _explain(getattr(exc, "reading", None) or _reading_of(getattr(exc, "attempts", None) or []))
        if trace is not None and getattr(exc, "attempts", None):
            _failure_trace(exc, question, all_options).save(trace)
            err_console.print(f"attempts written to {escape(str(trace))}")
        if isinstance(exc, LanguageError):
            from reasmory.cli.program_cmd import print_language_error

            print_language_error(exc)
            return 1
        raise
    if explain:
        _explain(result.trace.reading)
    elif result.trace.reading is not None and result.trace.reading.unsure:
        for name in result.trace.reading.names:
            if "unsure" in name:
                err_console.print(f"[yellow]note: read {escape(name)}[/]", highlight=False)
    err_console.print(f"[dim]program ({escape(result.generator)}):[/]\n{escape(result.program.rstrip())}", highlight=False)
    if result.usage.calls:
        err_console.print(f"[dim]{escape(result.usage.line())}[/]", highlight=False)
    print_artifacts(result.trace)
    console.print(escape(result.answer or ""), highlight=False)
    print_warnings(result.evidence.weak())
    if trace is not None:
        result.trace.save(trace)
        err_console.print(f"trace written to {escape(str(trace))}")
    return 0


def _reading_of(attempts: list) -> object:
    return next((a.reading for a in attempts if getattr(a, "reading", None) is not None), None)


def _explain(reading: object) -> None:
    """How the question was read, one line per decision (stderr, like the program)."""
    if reading is None:
        err_console.print("[dim]reading: the question was not read by the offline reader[/]")
        return
    for line in reading.lines():  # type: ignore[attr-defined]
        err_console.print(f"[dim]{escape(line)}[/]", highlight=False)


def _failure_trace(exc: ReasmoryError, question: str, options: list[str]) -> Trace:
    """A trace of a question that got no answer: the attempts, and the error that stopped them."""
    from reasmory.interpreter.errors import Diagnostic
    from reasmory.interpreter.trace import Trace, Usage

    attempts = exc.attempts  # type: ignore[attr-defined]
    diagnostics = getattr(exc, "diagnostics", None)
    error = diagnostics[0] if diagnostics else Diagnostic(stage="run", code="no-answer", message=exc.message, hint=exc.hint)
    return Trace(program=attempts[-1].program or "", question=question, options=options, attempts=attempts, error=error,
                 usage=Usage.total(a.usage for a in attempts),
                 reading=getattr(exc, "reading", None) or _reading_of(attempts))
