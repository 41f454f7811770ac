"""Playground commands (`:help`, `:objects`, …): a decorator registry whose docstrings are the help."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from reasmory.interpreter.registry import REGISTRY
from reasmory.playground.session import PlaygroundSession
from reasmory.terminal import escape
from reasmory.traces import trace_tree

Command = Callable[[PlaygroundSession, str, Console], None]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        COMMANDS[name] = fn
        return fn

    return register


@command("help")
def help_(session: PlaygroundSession, arg: str, console: Console) -> None:
    """:help [operation] — the operations, or one operation's signature and meaning."""
    if arg:
        op = REGISTRY.get(arg)
        if op is None:
            console.print(f"[red]no operation '{escape(arg)}'[/]; try: {', '.join(REGISTRY.close_names(arg)) or ':help'}")
            return
        console.print(f"[bold cyan]{escape(op.signature())}[/]\n  {escape(op.doc)}")
        return
    table = Table(show_header=False, box=None)
    for op in REGISTRY:
        table.add_row(f"[cyan]{op.name}[/]", escape(op.doc))
    console.print(table)
    console.print("commands: " + "  ".join(escape((fn.__doc__ or "").split(" — ")[0]) for fn in COMMANDS.values()))


@command("objects")
def objects(session: PlaygroundSession, arg: str, console: Console) -> None:
    """:objects — every object: id, label, centre, size, first frame seen."""
    if not session.memory.objects:
        console.print("the memory holds no objects (it was built without grounding them)")
        return
    table = Table("id", "label", "centre (m)", "size (m)", "first seen")
    for o in session.memory.objects:
        table.add_row(str(o.id), escape(o.label), ", ".join(f"{c:.2f}" for c in o.box.center),
                      " × ".join(f"{e:.2f}" for e in o.box.extents), "-" if o.first_seen is None else str(o.first_seen))
    console.print(table)


@command("cameras")
def cameras(session: PlaygroundSession, arg: str, console: Console) -> None:
    """:cameras — the input frames: index, time, position, heading."""
    import math

    if not session.memory.frames:
        console.print("the memory has no cameras (it was built from boxes, not from images or video)")
        return
    table = Table("frame", "time (s)", "position (m)", "heading (°)")
    for f in session.memory.frames:
        fwd = f.forward
        table.add_row(str(f.index), f"{f.timestamp:.2f}", ", ".join(f"{c:.2f}" for c in f.position), f"{math.degrees(math.atan2(fwd[1], fwd[0])):.0f}")
    console.print(table)


@command("vars")
def variables(session: PlaygroundSession, arg: str, console: Console) -> None:
    """:vars — the names defined so far and their statements."""
    if not session.statements:
        console.print('no variables yet: assign one, e.g. sofa = object("sofa")')
        return
    for stmt in session.statements:
        console.print(escape(stmt))


@command("trace")
def trace(session: PlaygroundSession, arg: str, console: Console) -> None:
    """:trace — the full trace of the last run."""
    if session.last_trace is None:
        console.print("nothing has run yet")
    else:
        console.print(trace_tree(session.last_trace))


@command("save")
def save(session: PlaygroundSession, arg: str, console: Console) -> None:
    """:save FILE — write the session as a program (run it with `reasmory run MEMORY FILE`)."""
    if not arg:
        console.print("[red]:save needs a file name[/]")
        return
    try:
        path = session.save(Path(arg))
    except ValueError as exc:
        console.print(f"[red]{escape(str(exc))}[/]")
        return
    console.print(f"saved {escape(str(path))}")
