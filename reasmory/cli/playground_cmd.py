"""`reasmory playground FILE.rmem`: type programs against a memory and see each value."""

from __future__ import annotations

from pathlib import Path

import typer

from reasmory.cli.arguments import MORE_OPTIONS, OPTIONS, collect_options


def playground(
    memory: Path = typer.Argument(..., help="The .rmem memory to explore.", show_default=False),
    more_options: list[str] = MORE_OPTIONS,
    options: list[str] = OPTIONS,
    images: Path = typer.Option(Path("playground-images"), "--images", help="Where rendered images are saved."),
) -> None:
    """An interactive session: syntax highlighting, completion of operations, arguments, enum words and labels,
    multi-line statements, persistent variables, :help, :objects, :cameras, :vars, :trace, :save FILE.

    Example: [cyan]reasmory playground scene.rmem[/]
    """
    from reasmory.cli.output import console
    from reasmory.memory import SpatialMemory
    from reasmory.playground import PlaygroundSession
    from reasmory.playground.repl import repl

    repl(PlaygroundSession(SpatialMemory.load(memory), collect_options(options, more_options), images), console)
