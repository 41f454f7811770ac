"""The `reasmory` command line: one typer app, one sub-command module per job.

Exit status: 0 success, 1 a program or question that cannot be answered,
2 bad input or usage. Errors print as one line; `--debug` shows the traceback.

Start-up is kept short: the command modules import their heavy parts (numpy,
the memory, torch, rich tables) inside the commands, and help is printed by
click's plain formatter (typer's rich help alone takes longer to import than
the rest of the CLI), from docstrings whose rich markup is stripped here. The
script (`reasmory.launcher`) loads all this with the garbage collector paused;
each command turns it back on when it starts.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
from collections.abc import Callable
from typing import Any

import typer
from typer.exceptions import TyperException

from reasmory.cli import (
    answer_cmd, batch_cmd, bench_cmd, build_cmd, demo_cmd, memory_cmd, playground_cmd, program_cmd, render_cmd, synth_cmd, trace_cmd,
    view_cmd,
)
from reasmory.cli.output import print_error
from reasmory.errors import ReasmoryError
from reasmory.launcher import resume_collector

app = typer.Typer(
    name="reasmory",
    help="Answer spatial questions about a scene with typed programs over an explicit 3D memory.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(memory_cmd.app, name="memory")
app.add_typer(bench_cmd.app, name="bench")
app.add_typer(trace_cmd.app, name="trace")
app.command("demo")(demo_cmd.demo)
app.command("build")(build_cmd.build)
app.command("synth")(synth_cmd.synth)
app.command("check")(program_cmd.check)
app.command("run")(program_cmd.run)
app.command("playground")(playground_cmd.playground)
app.command("render")(render_cmd.render)
app.command("view")(view_cmd.view)
app.command("answer")(answer_cmd.answer)
app.command("batch")(batch_cmd.batch)

_MARKUP = re.compile(r"\[/?(?:bold|dim|italic|cyan|green|yellow|red|magenta|blue)?(?: (?:bold|cyan|green|yellow|red))?\]")


def _resuming_collector(callback: Callable[..., Any]) -> Callable[..., Any]:
    """The command, turning the garbage collector back on first (the script pauses it while the CLI loads)."""

    @functools.wraps(callback)
    def command(*args: Any, **kwargs: Any) -> Any:
        resume_collector()
        return callback(*args, **kwargs)

    return command


#: Commands that turn the garbage collector back on themselves, once they have loaded what they need.
_RESUMING_THEMSELVES = {program_cmd.run}


def _prepare(typer_app: typer.Typer) -> None:
    """Every command's help from its docstring without rich markup, for the plain help formatter, and its callback
    resuming the garbage collector."""
    typer_app.rich_markup_mode = None
    for info in typer_app.registered_commands:
        if info.help is None and info.callback is not None and info.callback.__doc__:
            info.help = _MARKUP.sub("", inspect.cleandoc(info.callback.__doc__))
        if info.callback is not None and info.callback not in _RESUMING_THEMSELVES:
            info.callback = _resuming_collector(info.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _prepare(group.typer_instance)


_prepare(app)
_state = {"debug": False}


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors.")) -> None:
    _state["debug"] = debug


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    try:
        result = app(args=args, prog_name="reasmory", standalone_mode=False)
        return int(result) if isinstance(result, int) else 0
    except ReasmoryError as exc:
        if _state["debug"] or "--debug" in args:
            raise
        print_error(exc)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return 1
    except TyperException as exc:
        exc.show()
        return int(getattr(exc, "exit_code", 2))


def run() -> None:
    """The command line as the `reasmory` script runs it (through `reasmory.launcher`). Pydantic's plugin discovery
    reads the entry points of every installed distribution (0.1 s in a full environment) before the first model is
    built; the command line skips it unless PYDANTIC_DISABLE_PLUGINS is set (`PYDANTIC_DISABLE_PLUGINS=` keeps every
    plugin)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    sys.exit(main())
