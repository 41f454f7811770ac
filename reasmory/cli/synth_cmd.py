"""`reasmory synth`: write a synthetic ground-truth scene folder (video, depth, instances, scene.json, questions)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reasmory.cli.output import console, escape
from reasmory.errors import InputError
from reasmory.files import output_folder

if TYPE_CHECKING:
    from rich.table import Table

    from reasmory.synth.pipeline import SynthResult


def synth(
    seed: int = typer.Option(..., "--seed", help="Random seed; the same seed and settings give the same scene."),
    frames: int = typer.Option(64, "--frames", help="Number of video frames."),
    width: int = typer.Option(640, "--width", help="Image width in pixels (even)."),
    height: int = typer.Option(480, "--height", help="Image height in pixels (even)."),
    preview: bool = typer.Option(False, "--preview", help="Also write preview.png: layout and a contact sheet."),
    out: Path = typer.Option(..., "-o", "--out", help="Scene folder to write (created if missing, else overwritten)."),
) -> None:
    """Generate a synthetic room with exact ground truth: rendered video, depth, instances, cameras, questions.

    The folder format is described in docs/synthetic-scenes.md.

    Example: [cyan]reasmory synth --seed 7 --frames 64 --preview -o scenes/synth_00007[/]
    """
    from reasmory.synth.pipeline import make_config, synthesize

    config = make_config(seed=seed, frames=frames, width=width, height=height, preview=preview)
    if not out.is_file():  # a file there is refused by synthesize, with its own message
        output_folder(out, "the scene")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("render", total=frames)
            result = synthesize(config, out, progress=lambda done, total: bar.update(task, completed=done))
    except OSError as exc:
        raise InputError(f"cannot write the scene to '{out}': {exc.strerror or exc}", hint="choose a writable folder") from None
    console.print(summary(result))


def summary(result: SynthResult) -> Table:
    from rich.table import Table

    """What was written and how long each stage took."""
    scene, traj = result.scene, result.trajectory
    table = Table(title=f"Scene {escape(str(result.folder))}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("room", f"{scene.room.kind}, {scene.room.area:.1f} m², {scene.room.height:.2f} m high"),
        ("objects", f"{len(scene.objects)} in {len({o.label for o in scene.objects})} categories"),
        ("frames", f"{len(traj.poses)} at {traj.width}×{traj.height}"),
        ("questions", str(result.questions)),
        ("seconds", ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items() if v)),
    ]
    for key, value in rows:
        table.add_row(key, escape(value))
    return table
