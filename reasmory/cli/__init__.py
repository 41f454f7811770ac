"""The `reasmory` command line: one typer app, one sub-command module per job.

Exit status: 0 success, 1 a program or question that cannot be answered,
2 bad input or usage. Errors print as one line; `--debug` shows the traceback.
"""

from __future__ import annotations

import sys

import typer
from typer.exceptions import TyperException

from reasmory.cli import (
    answer_cmd, batch_cmd, bench_cmd, build_cmd, demo_cmd, memory_cmd, playground_cmd, program_cmd, render_cmd, synth_cmd, trace_cmd,
    view_cmd,
)
from reasmory.cli.output import print_error
from reasmory.errors import ReasmoryError

app = typer.Typer(
    name="reasmory",
    help="Answer spatial questions about a scene with typed programs over an explicit 3D memory.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
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
    sys.exit(main())
