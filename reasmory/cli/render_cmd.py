"""`reasmory render`: a memory seen from one of its cameras, or from above, written as a PNG."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reasmory.cli.output import console, escape
from reasmory.errors import InputError
from reasmory.files import output_path, write_atomic

if TYPE_CHECKING:
    from PIL.Image import Image

    from reasmory.memory import SpatialMemory

MODES = ("rgb", "semantic", "depth")
SIDES = (16, 2048)


def render(
    memory: Path = typer.Argument(..., help="A .rmem memory file.", show_default=False),
    camera: int | None = typer.Option(None, "--camera", help="Render from input frame K's camera (0-based).", metavar="K"),
    bev: bool = typer.Option(False, "--bev", help="Draw a top-down map instead (+x right, +y up)."),
    mode: str = typer.Option("rgb", "--mode", help="rgb, semantic or depth (maps: rgb or semantic)."),
    width: int = typer.Option(640, "--width", help="Image width in pixels (camera renders)."),
    height: int = typer.Option(480, "--height", help="Image height in pixels (camera renders)."),
    highlight: list[str] = typer.Option([], "--highlight", help="Maps: outline every instance of this label (repeatable)."),
    out: Path = typer.Option(..., "-o", "--out", help="PNG file to write."),
) -> None:
    """Render a memory from one of its cameras, or as a top-down map, to a PNG.

    Semantic mode colours each label the same in every picture and adds a legend.

    Example: [cyan]reasmory render scene.rmem --camera 3 --mode semantic -o camera3.png[/]
    """
    _check_arguments(camera, bev, mode, width, height, highlight, out)
    output_path(out, "the image")
    from reasmory.memory import SpatialMemory

    loaded = SpatialMemory.load(memory)
    picture, what = _bev(loaded, mode, highlight) if bev else _camera(loaded, camera, mode, width, height)
    write_atomic(out, lambda tmp: picture.save(tmp, format="PNG"), "the image")
    console.print(f"wrote {escape(str(out))} ({picture.width}×{picture.height}): {escape(what)}")


def _check_arguments(camera: int | None, bev: bool, mode: str, width: int, height: int, highlight: list[str],
                     out: Path) -> None:
    """Usage mistakes, found before the memory is read."""
    if bev == (camera is not None):
        raise InputError("give either --camera K or --bev", hint="e.g. reasmory render scene.rmem --bev -o map.png")
    if highlight and not bev:
        raise InputError("--highlight is for maps", hint="add --bev, or leave --highlight out")
    allowed = MODES[:2] if bev else MODES
    if mode not in allowed:
        raise InputError(f"unknown mode '{mode}' for {'a map' if bev else 'a camera render'}",
                         hint=f"use one of: {', '.join(allowed)}")
    for name, side in (("width", width), ("height", height)):
        if not SIDES[0] <= side <= SIDES[1]:
            raise InputError(f"--{name} {side} is out of range", hint=f"use {SIDES[0]} to {SIDES[1]} pixels")
    if out.suffix.lower() != ".png":
        raise InputError(f"output '{out}' is not a .png file", hint="name the output like camera3.png")


def _camera(memory: SpatialMemory, index: int | None, mode: str, width: int, height: int) -> tuple[Image, str]:
    from reasmory.memory.render import RenderCamera, render_view

    if not memory.frames:
        raise InputError("the memory has no cameras", hint="use --bev, or build the memory from images or video")
    if index is None or not 0 <= index < len(memory.frames):
        raise InputError(f"no camera {index}: the memory has {len(memory.frames)} frames",
                         hint=f"use --camera 0 to {len(memory.frames) - 1}")
    view = render_view(memory, RenderCamera.from_frame(memory.frames[index], width, height), mode)
    return view.image, f"{mode} render from camera {index}"


def _bev(memory: SpatialMemory, mode: str, labels: list[str]) -> tuple[Image, str]:
    from reasmory.memory.render import render_bev

    chosen = []
    for label in labels:
        found = memory.find(label)
        if not found:
            close = memory.suggest(label)
            held = ", ".join(sorted(memory.labels())[:12])
            raise InputError(f"no object '{label}' in memory to highlight",
                             hint=f"did you mean {', '.join(close)}?" if close else f"the memory holds: {held}")
        chosen += [o.id for o in found]
    picture = render_bev(memory, mode, highlight=chosen).image
    what = f"{mode} top-down map, {len(memory.objects)} objects" + (f", {len(chosen)} highlighted" if chosen else "")
    return picture, what
