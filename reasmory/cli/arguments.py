"""Arguments several commands share, defined once so that every command takes them the same way.

Multiple-choice options: `--options "A. left" "B. right"` (a list after one flag) or `--options "A. left" --options
"B. right"` (the flag repeated), in `check`, `run`, `answer` and `playground` alike. Images a program renders go to
`--artifacts DIR`, else to `<trace stem>-artifacts/` beside the trace, in `run` and `answer` alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from reasmory.cli.output import print_line
from reasmory.errors import InputError

if TYPE_CHECKING:
    from reasmory.interpreter.trace import Trace

_OPTIONS_HELP = 'Multiple-choice options: --options "A. left" "B. right" (or --options repeated).'
# typer reads these defaults; nothing mutates them.
OPTIONS: Any = typer.Option(None, "--options", help=_OPTIONS_HELP)
MORE_OPTIONS: Any = typer.Argument(None, hidden=True, show_default=False)
ARTIFACTS: Any = typer.Option(None, "--artifacts", metavar="DIR",
                              help="Write rendered images here (default: TRACE-artifacts/ beside --trace, else a temporary folder).")


def collect_options(options: list[str] | None, more: list[str] | None) -> list[str]:
    """The options given after `--options`: the flag's own values and the words that followed it."""
    if more and not options:
        raise InputError(f"unexpected argument '{more[0]}'", hint='multiple-choice options go after --options, e.g. --options "A. left" "B. right"')
    return [*(options or []), *(more or [])]


def artifacts_folder(trace: Path | None, artifacts: Path | None) -> Path | None:
    """Where a run's images go: `--artifacts`, else a folder named after the trace beside it, else None (temporary)."""
    if artifacts is not None:
        return artifacts
    return trace.with_name(f"{trace.stem}-artifacts") if trace is not None else None


def print_artifacts(trace: Trace) -> None:
    """Say where each image the run made (or showed a model) was written."""
    paths = [p for attempt in trace.attempts for p in attempt.images] + [p for step in trace.steps for p in step.artifacts]
    for path in dict.fromkeys(paths):
        print_line(f"image written to {path}", err=True)
