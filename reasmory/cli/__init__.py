"""The `reasmory` command line: one typer app, one sub-command module per job.

Exit status: 0 success, 1 a program or question that cannot be answered,
2 bad input or usage. Errors print as one line; `--debug` shows the traceback.

Start-up is kept short: a command's module is imported, and its typer command
built, only when that command is looked up (to run it, for its help, or for
the list in `reasmory --help`), so `reasmory run` loads none of the others; the
command modules import their heavy parts (numpy, the memory, torch, rich
tables) inside the commands; and help is printed by click's plain formatter
(typer's rich help alone takes longer to import than the rest of the CLI),
from docstrings whose rich markup is stripped here. The script
(`reasmory.launcher`) loads all this with the garbage collector paused; each
command turns it back on when it starts.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import re
import sys
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import typer
import typer.main
from click.exceptions import ClickException
from typer.core import TyperGroup
from typer.models import CommandInfo

from reasmory.cli.output import print_error
from reasmory.errors import ReasmoryError
from reasmory.launcher import resume_collector

#: Each command, in the order `reasmory --help` lists them: the module under reasmory.cli and the attribute holding
#: its function (or, for a group of commands, its typer app).
COMMANDS = {
    "demo": "demo_cmd:demo", "build": "build_cmd:build", "synth": "synth_cmd:synth", "check": "program_cmd:check",
    "run": "program_cmd:run", "playground": "playground_cmd:playground", "render": "render_cmd:render", "view": "view_cmd:view",
    "answer": "answer_cmd:answer", "batch": "batch_cmd:batch",
    "memory": "memory_cmd:app", "bench": "bench_cmd:app", "trace": "trace_cmd:app",
}

_MARKUP = re.compile(r"\[/?(?:bold|dim|italic|cyan|green|yellow|red|magenta|blue)?(?: (?:bold|cyan|green|yellow|red))?\]")


def _resuming_collector(callback: Callable[..., Any]) -> Callable[..., Any]:
    """The command, turning the garbage collector back on first (the script pauses it while the CLI loads)."""

    @functools.wraps(callback)
    def command(*args: Any, **kwargs: Any) -> Any:
        resume_collector()
        return callback(*args, **kwargs)

    return command


#: Commands that turn the garbage collector back on themselves, once they have loaded what they need.
_RESUMING_THEMSELVES = {"program_cmd:run"}


def _prepared(info: CommandInfo, resumes_itself: bool = False) -> None:
    """The command's help from its docstring without rich markup, for the plain help formatter, and its callback
    resuming the garbage collector."""
    if info.help is None and info.callback is not None and info.callback.__doc__:
        info.help = _MARKUP.sub("", inspect.cleandoc(info.callback.__doc__))
    if info.callback is not None and not resumes_itself:
        info.callback = _resuming_collector(info.callback)


def _prepare(typer_app: typer.Typer) -> None:
    """Every command of a group of commands prepared as `_prepared` does, for the plain help formatter."""
    typer_app.rich_markup_mode = None
    for info in typer_app.registered_commands:
        _prepared(info)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _prepare(group.typer_instance)


@functools.cache
def _command_info(name: str) -> CommandInfo | typer.Typer:
    """The command `name` as typer describes it, its module imported and its commands prepared (once per process)."""
    module, attribute = COMMANDS[name].split(":")
    target = getattr(importlib.import_module(f"reasmory.cli.{module}"), attribute)
    if isinstance(target, typer.Typer):
        _prepare(target)
        return target
    info = CommandInfo(name=name, callback=target)
    _prepared(info, resumes_itself=COMMANDS[name] in _RESUMING_THEMSELVES)
    return info


class _Commands(MutableMapping[str, Any]):
    """The root group's commands by name: a command is built (its module imported) when it is first looked up; its
    name alone (listing, suggestions for a misspelt command) needs neither."""

    def __init__(self, built: dict[str, Any]) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built and name in COMMANDS:
            target = _command_info(name)
            if isinstance(target, typer.Typer):
                self._built[name] = typer.main.get_group(target)
                self._built[name].name = name
            else:
                self._built[name] = typer.main.get_command_from_info(target, pretty_exceptions_short=app.pretty_exceptions_short,
                                                                     rich_markup_mode=None)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def _names(self) -> dict[str, None]:
        """Every command's name, those of COMMANDS first and in its order."""
        return {**dict.fromkeys(COMMANDS), **dict.fromkeys(self._built)}


class _LazyGroup(TyperGroup):
    """The root command group, building each command on first use (see the module's docstring)."""

    def __init__(self, *, commands: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(commands=_Commands(commands or {}), **kwargs)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)


app = typer.Typer(
    name="reasmory",
    cls=_LazyGroup,
    help="Answer spatial questions about a scene with typed programs over an explicit 3D memory.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    except ClickException as exc:
        exc.show()
        return int(getattr(exc, "exit_code", 2))


#: The environment the `reasmory` script gives itself where the user has not set these (see `run`): no pydantic
#: plugin discovery, and OpenBLAS's idle threads spinning 2^16 CPU cycles (tens of microseconds) before they sleep
#: instead of OpenBLAS's 2^28 (about 0.1 s).
SCRIPT_ENVIRONMENT = {"PYDANTIC_DISABLE_PLUGINS": "__all__", "OPENBLAS_THREAD_TIMEOUT": "16"}


def run() -> None:
    """The command line as the `reasmory` script runs it (through `reasmory.launcher`).

    Pydantic's plugin discovery reads the entry points of every installed distribution (0.1 s in a full environment)
    before the first model is built; the command line skips it unless PYDANTIC_DISABLE_PLUGINS is set
    (`PYDANTIC_DISABLE_PLUGINS=` keeps every plugin). OpenBLAS starts a thread per core when numpy loads, and each
    spins for about 0.1 s waiting for work that a command's start-up never gives it, taking a core from the start-up
    itself (a sixth of `reasmory run` on two busy cores); the command line lets idle threads sleep sooner unless
    OPENBLAS_THREAD_TIMEOUT is set. The number of threads, and so every result, is unchanged; calls that follow each
    other closely still find the threads spinning."""
    for name, value in SCRIPT_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    sys.exit(main())
