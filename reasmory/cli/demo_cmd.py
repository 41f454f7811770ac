"""`reasmory demo`: the whole system on a built-in example, offline."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from reasmory.cli.memory_cmd import memory_overview, objects_table
from reasmory.cli.output import console


def example_scene_path() -> Path:
    """The built-in example scene description shipped with the package."""
    return Path(str(resources.files("reasmory.examples").joinpath("living_room.json")))


def example_questions() -> list[dict]:
    """Questions about the built-in example with hand-written programs and hand-worked answers."""
    return json.loads(resources.files("reasmory.examples").joinpath("living_room_questions.json").read_text())


def demo(
    out: Path = typer.Option(Path("reasmory-demo"), "-o", "--out", help="Folder for the memory and traces."),
) -> int:
    """Build the built-in living-room example into a memory and answer questions about it with programs.

    Example: [cyan]reasmory demo -o /tmp/demo[/]
    """
    from reasmory.interpreter import run
    from reasmory.memory.oracle import from_scene

    memory = from_scene(example_scene_path())
    path = memory.save(out / "living_room.rmem")
    console.print(memory_overview(memory, path))
    console.print(objects_table(memory))
    table = Table(title="Questions", title_justify="left", show_lines=True)
    for col in ("question", "program", "answer", "expected"):
        table.add_column(col)
    wrong = 0
    for i, item in enumerate(example_questions()):
        result = run(item["program"], memory, item.get("options"), question=item["question"])
        result.trace.save(out / "traces" / f"{i:02d}.json")
        wrong += result.answer != item["expected"]
        mark = "[green]✓[/]" if result.answer == item["expected"] else "[red]✗[/]"
        question = item["question"] + ("\n" + "  ".join(item["options"]) if item.get("options") else "")
        table.add_row(escape(question), escape(item["program"].strip()), f"{mark} {escape(result.answer or '')}", item["expected"])
    console.print(table)
    console.print(f"memory written to [bold]{escape(str(path))}[/], traces to [bold]{escape(str(out / 'traces'))}[/]")
    return 1 if wrong else 0
