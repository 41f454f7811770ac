"""Rendering: the memory seen from a view (rgb, semantic, depth) and a top-down map, as PNG artifacts.

Images go to `ctx.artifacts_dir` (a new temporary folder when the run has
none) and their paths to `ctx.artifacts`, so the trace lists them beside the
step that made them. Renders are counted against `limits.max_renders` here
too, since the checker can only count calls it sees written out. torch is
imported on the first render, not when the language loads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from reasmory.interpreter.context import Context, Limits, OpError
from reasmory.interpreter.ops.resolve import describe, group, labelled
from reasmory.interpreter.registry import Param, operation
from reasmory.interpreter.types import IMAGE, NUMBER, OBJECTS, TEXT, VIEW, list_of
from reasmory.interpreter.values import Image, ObjectSet, View
from reasmory.memory.model import ObjectInstance

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

    from reasmory.memory.render import RenderCamera

#: The checker's bound on literal image sides; run time also holds them to the run's own `limits.max_image_side`.
MAX_SIDE = Limits.model_fields["max_image_side"].default
MIN_SIDE = 16
#: How far (metres) a made-up viewer may be inside an object's box for that object to be left out of its render.
INSIDE_MARGIN = 0.05


class _EmptyList(tuple):
    """An empty default shown as the language writes it (`[]`) in signatures, docs and prompts."""

    def __repr__(self) -> str:
        return "[]"


@operation(
    "render",
    [
        Param("view", (VIEW,)),
        Param("mode", (TEXT,), "rgb", choices=("rgb", "semantic", "depth")),
        Param("width", (NUMBER,), 640, minimum=MIN_SIDE, maximum=MAX_SIDE),
        Param("height", (NUMBER,), 480, minimum=MIN_SIDE, maximum=MAX_SIDE),
    ],
    IMAGE,
    "the memory rendered from the view: rgb colours, semantic (a colour per label, with a legend) or depth; "
    "camera views keep their pitch, made-up views look level with a 70° field of view",
    renders=True,
    category="rendering",
)
def render(ctx: Context, view: View, mode: str, width: float, height: float) -> Image:
    _prepare(ctx)
    from reasmory.memory.render import render_view

    w, h = _side(ctx, "width", width), _side(ctx, "height", height)
    _count(ctx)
    camera = _camera(ctx, view, w, h)
    hidden = [] if view.pose is not None else _containing(ctx, view)
    picture = render_view(ctx.memory, camera, mode, hidden=[o.id for o in hidden]).image
    where = view.origin if view.origin.startswith("camera") else f"a view {view.origin}"
    caption = f"{mode} render from {where}, {w}×{h}"
    if hidden:
        caption += f"; left out {', '.join(describe(o) for o in hidden)} (the viewer stands inside)"
    return _save(ctx, picture, f"render-{mode}", caption)


@operation(
    "bev",
    [
        Param("mode", (TEXT,), "rgb", choices=("rgb", "semantic")),
        Param("highlight", (OBJECTS, list_of(OBJECTS), TEXT, list_of(TEXT)), _EmptyList(), label=True),
    ],
    IMAGE,
    "a top-down map (+x right, +y up): objects outlined and labelled, cameras as numbered arrows, a scale bar "
    "in metres; the `highlight` objects (or every instance of labels given as text) are outlined in cyan",
    renders=True,
    category="rendering",
)
def bev(ctx: Context, mode: str, highlight: ObjectInstance | ObjectSet | str | tuple) -> Image:
    _prepare(ctx)
    from reasmory.memory.render import render_bev

    _count(ctx)
    chosen = _highlighted(ctx, highlight)
    picture = render_bev(ctx.memory, mode, highlight={o.id for o in chosen}).image
    if max(picture.size) > ctx.limits.max_image_side:
        picture.thumbnail((ctx.limits.max_image_side, ctx.limits.max_image_side))
    memory = ctx.memory
    caption = f"{mode} top-down map, {len(memory.objects)} objects, {len(memory.frames)} cameras"
    if chosen:
        caption += f", highlighted: {', '.join(describe(o) for o in chosen)}"
    return _save(ctx, picture, f"bev-{mode}", f"{caption}, {picture.width}×{picture.height}")


def _prepare(ctx: Context) -> None:
    """Load the renderer and gather the memory's points once (cached): preparation, not the program's own work."""
    with ctx.preparing():
        from reasmory.memory.render.cloud import render_cloud

        render_cloud(ctx.memory)


def _side(ctx: Context, name: str, value: float) -> int:
    """An image side as a whole number of pixels within the run's limits."""
    top = min(MAX_SIDE, ctx.limits.max_image_side)
    if value != int(value) or not MIN_SIDE <= value <= top:
        raise OpError(f"{name}={value:g} is out of range for render", hint=f"use a whole number from {MIN_SIDE} to {top}",
                      code="out-of-range")
    return int(value)


def _count(ctx: Context) -> None:
    if ctx.renders >= ctx.limits.max_renders:
        raise OpError(f"the program has already made {ctx.renders} images, the most a run may make",
                      hint="render fewer views", code="too-many-renders")
    ctx.renders += 1


def _camera(ctx: Context, view: View, width: int, height: int) -> RenderCamera:
    """The input frame's camera (pitch and intrinsics kept) for camera views, else a level 70° camera.

    Only `camera(i)` makes views with a pose; they carry their frame `i`, checked against this memory's frames.
    """
    from reasmory.memory.render import RenderCamera

    if view.pose is not None:
        return RenderCamera.from_frame(ctx.memory.frames[view.frame], width, height)  # type: ignore[index]
    return RenderCamera.looking(view.position, view.heading, width, height)


def _containing(ctx: Context, view: View) -> list[ObjectInstance]:
    """Objects whose box holds a made-up viewer (e.g. view(at=sofa, …) stands at the sofa's centre)."""
    inside = [o for o in ctx.memory.objects if bool(o.box.contains([view.position], INSIDE_MARGIN)[0])]
    if inside:
        ctx.warn(f"render: left out {', '.join(describe(o) for o in inside)}, which the viewer stands inside")
    return inside


def _highlighted(ctx: Context, value: ObjectInstance | ObjectSet | str | tuple) -> list[ObjectInstance]:
    """The objects to highlight, once each: given as objects, sets or labels."""
    chosen: dict[int, ObjectInstance] = {}
    for item in value if isinstance(value, tuple) else (value,):
        if isinstance(item, str):
            found = ctx.memory.index.objects_of(labelled(ctx, item))
            if not found:
                raise OpError(f"no object '{item}' in memory to highlight", code="unknown-label")
            chosen.update((o.id, o) for o in found)
        else:
            chosen.update((o.id, o) for o in group(item))
    return list(chosen.values())


def _save(ctx: Context, picture: PILImage, stem: str, caption: str) -> Image:
    """Write the PNG under the run's artifacts folder (made on first use) and record its path."""
    if ctx.artifacts_dir is None:
        ctx.artifacts_dir = Path(tempfile.mkdtemp(prefix="reasmory-renders-"))
    folder = Path(ctx.artifacts_dir)
    folder.mkdir(parents=True, exist_ok=True)
    number = 1
    while (folder / f"{stem}-{number:02d}.png").exists():
        number += 1
    path = folder / f"{stem}-{number:02d}.png"
    picture.save(path)
    ctx.artifacts.append(str(path))
    return Image(path=str(path), width=picture.width, height=picture.height, caption=caption)
