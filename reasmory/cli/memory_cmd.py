"""`reasmory memory …`: inspect memories and build them from ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reasmory.cli.output import console, escape

if TYPE_CHECKING:
    from rich.table import Table

    from reasmory.memory import SpatialMemory

app = typer.Typer(help="Inspect memories and build them from ground-truth annotations.", no_args_is_help=True)


@app.command("info")
def info(path: Path = typer.Argument(..., help="A .rmem memory file.", show_default=False)) -> None:
    """Show what a memory holds: frames, points, objects per label, scale, provenance, and what makes it weak
    (a scale from the eye-height prior, sparse points, few registered frames, cameras off the trajectory, objects
    seen in one frame or mostly inferred).

    Example: [cyan]reasmory memory info scene.rmem[/]
    """
    from reasmory.memory import SpatialMemory
    from reasmory.memory.evidence import evidence

    memory = SpatialMemory.load(path)
    console.print(memory_overview(memory, path))
    console.print(objects_table(memory) if memory.objects else "[bold]Objects[/]: none")
    warnings = evidence(memory).weak()
    if warnings:
        console.print("[bold yellow]Warnings[/]")
        for warning in warnings:
            console.print(f"  • {escape(warning)}")
    if memory.provenance.notes:
        console.print("[bold]Notes[/]")
        for note in memory.provenance.notes:
            console.print(f"  • {escape(note)}")


def memory_overview(memory: SpatialMemory, path: Path) -> Table:
    from rich.table import Table

    scene, prov = memory.scene, memory.provenance
    table = Table(title=f"Memory {escape(str(path))}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    area = f"{memory.room_area():.2f} m² ({scene.floor_area_source or 'from the points'})" if (
        scene.floor_area is not None or scene.floor_polygon or len(memory.points)
    ) else "unknown"
    sampled = prov.frames_sampled
    rows = [
        ("id", memory.memory_id or "-"),
        ("frames", str(len(memory.frames)) + (f" registered of {sampled} sampled" if sampled else "")),
        ("points", f"{len(memory.points):,}" + _density(memory)),
        ("objects", f"{len(memory.objects)} in {len(memory.labels())} categories"),
        ("floor area", area),
        ("floor height", f"{scene.floor_z:.3f} m (world z up)"),
        ("scale", f"×{scene.scale.factor:.4g} by {scene.scale.method} (spread {scene.scale.spread:.3g})"),
        ("backend", prov.backend),
        ("source", prov.source or "-"),
        ("created", prov.created),
    ]
    rows += [(f"setting {k}", str(v)) for k, v in prov.settings.items() if v is not None]
    for key, value in rows:
        table.add_row(key, escape(value))
    return table


def _density(memory: SpatialMemory) -> str:
    from reasmory.memory.quality import point_density

    density = point_density(memory)
    return f" ({density:,.0f} per m² of floor)" if density is not None else ""


def objects_table(memory: SpatialMemory) -> Table:
    """Objects per label; with a column of the other names some views gave them when any did (questions may use
    those names: `SpatialMemory.called_rows`)."""
    from rich.table import Table

    from reasmory.memory.object_index import also_called

    names = {o.id: also_called(o) for o in memory.objects if "also_called" in o.attributes}
    names = {k: v for k, v in names.items() if v}
    table = Table(title="Objects per label", title_justify="left")
    table.add_column("label")
    table.add_column("count", justify="right")
    table.add_column("ids")
    table.add_column("longest side (m)", justify="right")
    if names:
        table.add_column("also called (views)")
    for label, count in sorted(memory.label_counts().items()):
        objs = [o for o in memory.objects if o.label == label]
        sides = ", ".join(f"{o.box.longest_side:.2f}" for o in objs[:6]) + (" …" if len(objs) > 6 else "")
        ids = ", ".join(str(o.id) for o in objs[:8]) + (" …" if len(objs) > 8 else "")
        other = "; ".join(f"#{o.id} {name} ({views} of {total})" for o in objs if o.id in names
                          for name, (views, total) in names[o.id].items())
        table.add_row(escape(label), str(count), ids, sides, *([escape(other)] if names else []))
    return table


@app.command("from-vsibench")
def from_vsibench_cmd(
    meta: Path = typer.Option(..., "--meta", help="A VSI-Bench *_meta_info_val.json file."),
    scene: str = typer.Option(..., "--scene", help="Scene name, a key of that file."),
    out: Path = typer.Option(..., "-o", "--out", help="Where to write the .rmem file."),
) -> None:
    """Build a ground-truth memory from a VSI-Bench scene's 3D boxes.

    Example: [cyan]reasmory memory from-vsibench --meta shared/data/vsibench/meta_info/scannet_meta_info_val.json --scene scene0251_00 -o scene0251_00.rmem[/]
    """
    from reasmory.memory.oracle import from_vsibench

    memory = from_vsibench(meta, scene)
    memory.save(out)
    console.print(f"wrote {escape(str(out))}: {len(memory.objects)} objects, {memory.room_area():.1f} m²")


@app.command("from-scene")
def from_scene_cmd(
    scene: Path = typer.Argument(..., help="A JSON scene description (see docs/scene-format.md).", show_default=False),
    out: Path = typer.Option(..., "-o", "--out", help="Where to write the .rmem file."),
) -> None:
    """Build a ground-truth memory from a JSON scene description.

    Example: [cyan]reasmory memory from-scene my_room.json -o my_room.rmem[/]
    """
    from reasmory.memory.oracle import from_scene

    memory = from_scene(scene)
    memory.save(out)
    console.print(f"wrote {escape(str(out))}: {len(memory.objects)} objects, {len(memory.frames)} cameras")
