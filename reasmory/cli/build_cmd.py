"""`reasmory build`: a scene's 3D memory from a video, photos or an RGB-D folder, cached."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from reasmory.cli.output import console, escape, print_warnings
from reasmory.errors import InputError

if TYPE_CHECKING:
    from rich.table import Table


class BackendName(str, Enum):
    auto = "auto"
    rgbd = "rgbd"
    sfm = "sfm"
    vggt = "vggt"


def parse_settings(pairs: list[str]) -> dict[str, Any]:
    """KEY=VALUE pairs; values are read as JSON (numbers, true/false, lists) when they parse, else text."""
    settings: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"bad --set '{pair}'", hint="write KEY=VALUE, e.g. --set voxel_size=0.02")
        try:
            settings[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            settings[key.strip()] = value
    return settings


def build(
    source: Path = typer.Argument(..., metavar="INPUT", show_default=False,
                                  help="A video, an image folder, a .txt list of images, or an RGB-D folder."),
    backend: BackendName = typer.Option(BackendName.auto, "--backend", "-b",
                                        help="auto: rgbd for RGB-D folders, vggt with a GPU, else sfm."),
    frames: int | None = typer.Option(None, "--frames", "-n", min=1, help="Use at most N frames, spread uniformly."),
    stride: int | None = typer.Option(None, "--stride", min=1, help="Use every STRIDE-th frame (before --frames)."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir",
                                          help="Cache folder (default: $REASMORY_CACHE_DIR, else ~/.cache/reasmory)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Rebuild and do not store the result in the cache."),
    out: Path | None = typer.Option(None, "-o", "--out", help="Also write the memory to this .rmem file."),
    settings: list[str] = typer.Option([], "--set", metavar="KEY=VALUE",
                                       help="A backend or build setting (repeatable), e.g. --set voxel_size=0.02."),
) -> None:
    """Build a scene's 3D memory (cameras, points, gravity, metric scale) from a video, photos or an RGB-D folder.

    A scene folder from `reasmory synth` brings its own instance masks: its objects are grounded from them, as
    `reasmory answer` does. A sparse or weak memory (few points per m², few registered frames, cameras off the
    trajectory) is flagged. A second build of the same input with the same settings is a cache hit and takes well under a second.

    Example: [cyan]reasmory build shared/data/livingroom1_micro -o living.rmem[/]
    """
    from reasmory.memory.grounding.pipeline import given_mask_grounder
    from reasmory.memory.quality import memory_warnings
    from reasmory.memory.reconstruction import run_build

    extra = parse_settings(settings)
    for key, value in (("frames", frames), ("stride", stride)):
        if value is not None:
            extra[key] = value
    outcome = run_build(source, backend.value, cache_dir=cache_dir, use_cache=not no_cache,
                        instances=given_mask_grounder(source), **extra)
    memory = outcome.memory
    written = memory.save(out) if out is not None else None
    console.print(_summary(outcome, written))
    print_warnings(memory_warnings(memory))


def _summary(outcome: Any, written: Path | None) -> Table:
    from rich.table import Table

    memory = outcome.memory
    scale = memory.scene.scale
    if outcome.cache_hit:
        status = f"cache hit: loaded in {outcome.seconds:.2f} s, nothing rebuilt"
    else:
        status = f"built in {outcome.seconds:.1f} s" + (" and cached" if outcome.cache_path else " (not cached)")
    table = Table(title=f"Memory of {escape(str(memory.provenance.source or '-'))}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("status", status),
        ("backend", outcome.backend),
        ("frames", str(len(memory.frames))),
        ("points", f"{len(memory.points):,}"),
        ("objects", f"{len(memory.objects)} in {len(memory.labels())} categories"),
        ("scale", f"×{scale.factor:.4g} by {scale.method} (spread {scale.spread:.2g})"),
        ("cache file", str(outcome.cache_path) if outcome.cache_path else "-"),
        ("written to", str(written) if written else "-"),
    ]
    rows += [("note", note) for note in memory.provenance.notes]
    for key, value in rows:
        table.add_row(key, escape(value))
    return table
