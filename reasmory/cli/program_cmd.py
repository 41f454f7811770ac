"""`reasmory check` and `reasmory run`: programs against a memory from the terminal."""

from __future__ import annotations

from pathlib import Path

import typer

from reasmory.cli.arguments import ARTIFACTS, MORE_OPTIONS, OPTIONS, artifacts_folder, collect_options, print_artifacts
from reasmory.cli.output import console, err_console, escape, print_line, print_warnings
from reasmory.errors import InputError
from reasmory.files import output_path, read_limited
from reasmory.launcher import end_without_teardown, resume_collector

#: The largest program file read (the language's own limit, Limits.max_program_chars, is checked before parsing).
MAX_PROGRAM_BYTES = 1024 * 1024


def read_program(path: Path) -> str:
    """Program text from a file (or '-' for standard input), with clear errors."""
    import sys

    if str(path) == "-":
        return sys.stdin.read(MAX_PROGRAM_BYTES + 1)
    data = read_limited(path, MAX_PROGRAM_BYTES, "program file", hint="give the path of a file holding the program", streams=True)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"program file '{path}' is not UTF-8 text") from None


def print_language_error(exc: Exception) -> None:
    from reasmory.interpreter import LanguageError

    assert isinstance(exc, LanguageError)
    count = len(exc.diagnostics)
    err_console.print(f"[bold red]{count} error{'s' if count != 1 else ''}[/]")
    err_console.print(escape(exc.render()), highlight=False)


def check(
    program: Path = typer.Argument(..., help="Program file ('-' for standard input).", show_default=False),
    more_options: list[str] = MORE_OPTIONS,
    memory: Path = typer.Option(..., "--memory", "-m", help="The .rmem memory to check labels and frames against."),
    options: list[str] = OPTIONS,
) -> int:
    """Check a program without running it: syntax, types, names, labels, frames, limits.

    Exit 0 when valid, 1 with every error printed.

    Example: [cyan]reasmory check question.rp --memory scene.rmem --options "A. left" "B. right"[/]
    """
    from reasmory.interpreter import CheckError, Limits, estimate
    from reasmory.interpreter import check as check_source
    from reasmory.memory import SpatialMemory

    end_without_teardown()
    source = read_program(program)
    loaded = SpatialMemory.load(memory)
    all_options = collect_options(options, more_options)
    diagnostics = check_source(source, loaded, all_options)
    if diagnostics:
        print_language_error(CheckError(diagnostics, source))
        return 1
    console.print("[green]ok[/]: the program checks clean")
    console.print(escape(estimate(source, loaded, all_options).describe(Limits().cost_budget_s)), highlight=False, soft_wrap=True)
    return 0


def run(
    memory: Path = typer.Argument(..., help="The .rmem memory to run against.", show_default=False),
    program: Path = typer.Argument(..., help="Program file ('-' for standard input).", show_default=False),
    more_options: list[str] = MORE_OPTIONS,
    options: list[str] = OPTIONS,
    trace: Path | None = typer.Option(None, "--trace", help="Write the run's trace as JSON here."),
    artifacts: Path | None = ARTIFACTS,
) -> int:
    """Run a program against a memory and print its answer; the images it renders are written to a folder named
    after the trace (or --artifacts DIR), and their paths printed.

    Example: [cyan]reasmory run scene.rmem question.rp --options "A. left" "B. right" --trace trace.json[/]
    """
    from reasmory.interpreter import LanguageError, RunError, Sandbox
    from reasmory.memory import SpatialMemory

    resume_collector()  # only now: the interpreter's modules load without collections (the worker forked below collects)
    end_without_teardown()
    source = read_program(program)
    all_options = collect_options(options, more_options)
    if trace is not None:
        output_path(trace, "the trace")
    try:
        with Sandbox(fork_here=True) as sandbox:  # a worker killed at the deadline, capped in memory
            result = sandbox.run(source, SpatialMemory.load(memory), all_options, artifacts_dir=artifacts_folder(trace, artifacts))
    except LanguageError as exc:
        print_language_error(exc)
        if isinstance(exc, RunError) and trace is not None and exc.trace is not None:
            exc.trace.save(trace)
            err_console.print(f"partial trace written to {escape(str(trace))}")
        return 1
    print_warnings(result.warnings)
    print_artifacts(result.trace)
    print_line(result.answer or "")
    if result.trace.evidence is not None:
        print_warnings(result.trace.evidence.weak())
    if trace is not None:
        result.trace.save(trace)
        print_line(f"trace written to {trace}", err=True)
    return 0
