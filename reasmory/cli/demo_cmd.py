"""`reasmory demo`: the whole system on a built-in example, offline."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer
from rich.markup import escape

from reasmory.cli.memory_cmd import memory_overview, objects_table
from reasmory.cli.output import console


def example_scene_path() -> Path:
    """The built-in example scene description shipped with the package."""
    return Path(str(resources.files("reasmory.examples").joinpath("living_room.json")))


def demo(
    out: Path = typer.Option(Path("reasmory-demo"), "-o", "--out", help="Folder for the memory and reports."),
) -> None:
    """Build the built-in living-room example into a memory and show what it holds.

    Example: [cyan]reasmory demo -o /tmp/demo[/]
    """
    from reasmory.memory.oracle import from_scene

    memory = from_scene(example_scene_path())
    path = memory.save(out / "living_room.rmem")
    console.print(memory_overview(memory, path))
    console.print(objects_table(memory))
    sofa, tv = memory.find("sofa")[0], memory.find("television")[0]
    console.print(
        f"closest distance sofa ↔ tv: {memory.closest_distance(sofa, tv):.2f} m; "
        f"the tv is first seen in frame {memory.first_seen(tv)}; room area {memory.room_area():.1f} m²"
    )
    console.print(f"memory written to [bold]{escape(str(path))}[/]")
