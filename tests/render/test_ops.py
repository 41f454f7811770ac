"""The `render` and `bev` operations: registered, checked, limited at run time too, traced with their images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reasmory.interpreter import REGISTRY, CheckError, Limits, RunError, check, run
from reasmory.interpreter.context import Context, OpError
from reasmory.interpreter.ops.rendering import bev, render
from reasmory.interpreter.ops.views import camera_view
from reasmory.memory import SpatialMemory


def test_both_operations_are_registered_as_renders() -> None:
    for name in ("render", "bev"):
        op = REGISTRY.get(name)
        assert op is not None and op.renders and op.category == "rendering" and str(op.returns) == "Image"
    assert REGISTRY.get("render").signature().startswith('render(view: View, mode: "rgb" | "semantic" | "depth" = "rgb", width')
    assert REGISTRY.get("bev").signature().endswith("= []) -> Image")


def test_render_and_map_write_pngs_that_the_trace_lists(oracle: SpatialMemory, tmp_path: Path) -> None:
    program = 'a = render(camera(3), mode="semantic", width=200, height=150)\nb = bev("rgb", highlight=objects("pillow"))\nanswer(b)\n'
    result = run(program, oracle, artifacts_dir=tmp_path)
    first, second = (step.artifacts for step in result.trace.steps[:2])
    assert first == [str(tmp_path / "render-semantic-01.png")] and second == [str(tmp_path / "bev-rgb-01.png")]
    assert Image.open(first[0]).size == (200, 150)
    assert result.trace.steps[0].result["caption"] == "semantic render from camera 3, 200×150"
    caption = result.trace.steps[1].result["caption"]
    assert caption.startswith("rgb top-down map, 20 objects, 8 cameras, highlighted: pillow #") and Path(result.answer).is_file()


def test_defaults_empty_highlights_and_labels_as_text(oracle: SpatialMemory, tmp_path: Path) -> None:
    assert not check('answer(bev())', oracle) and not check('answer(bev(highlight=[]))', oracle)
    result = run('answer(bev(mode="semantic", highlight=["sofa", "tv"]))', oracle, artifacts_dir=tmp_path)
    assert "highlighted: sofa #11, tv #19" in result.trace.answer_value["caption"]
    assert [d.code for d in check('answer(bev(highlight=["sofaa"]))', oracle)] == ["unknown-label"]


def test_a_view_inside_an_object_leaves_that_object_out(oracle: SpatialMemory, tmp_path: Path) -> None:
    result = run('answer(render(view(at=object("bed"), facing=object("sofa")), width=64, height=48))', oracle, artifacts_dir=tmp_path)
    assert "left out bed #" in result.trace.answer_value["caption"]
    assert any("which the viewer stands inside" in w for w in result.warnings)


def test_the_checker_refuses_too_many_renders_and_oversized_images(oracle: SpatialMemory) -> None:
    two = 'a = bev()\nanswer(render(camera(0), width=64, height=48))\n'
    assert [d.code for d in check(two, oracle, limits=Limits(max_renders=1))] == ["too-many-renders"]
    assert check(two, oracle, limits=Limits(max_renders=2)) == []  # at the limit
    (wide,) = check('answer(render(camera(0), width=5000))', oracle)
    assert (wide.code, wide.span.column) == ("out-of-range", 32)
    with pytest.raises(CheckError):
        run('answer(render(camera(0), height=8))', oracle)


def test_run_time_limits_hold_for_the_run_s_own_limits(oracle: SpatialMemory, tmp_path: Path) -> None:
    with pytest.raises(RunError) as info:
        run('answer(render(camera(0), width=257, height=192))', oracle, limits=Limits(max_image_side=256), artifacts_dir=tmp_path)
    assert info.value.diagnostics[0].code == "out-of-range"
    at_limit = run('answer(render(camera(0), width=256, height=192))', oracle, limits=Limits(max_image_side=256), artifacts_dir=tmp_path)
    assert at_limit.trace.answer_value is not None
    ctx = Context(memory=oracle, limits=Limits(max_renders=1), artifacts_dir=tmp_path)
    bev(ctx, "rgb", ())
    with pytest.raises(OpError) as second:
        bev(ctx, "rgb", ())
    assert second.value.code == "too-many-renders" and ctx.renders == 1 and len(ctx.artifacts) == 1


def test_without_an_artifacts_folder_images_go_to_a_temporary_one(oracle: SpatialMemory) -> None:
    ctx = Context(memory=oracle)
    image = render(ctx, camera_view(ctx, 1), "depth", 48, 32)
    assert Path(image.path).is_file() and ctx.artifacts == [image.path] and ctx.artifacts_dir is not None


def test_cold_render_preparation_is_not_counted_against_the_time_budget(oracle: SpatialMemory, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A first, cold render (the renderer loaded, the memory's points gathered) is one-time preparation: a program
    whose own work fits its budget runs even when that preparation alone takes longer than the budget."""
    import time

    from reasmory.memory.render import cloud

    gather = cloud._gather

    def cold_gather(*args, **kwargs):
        time.sleep(2.0)
        return gather(*args, **kwargs)

    monkeypatch.setattr(cloud, "_gather", cold_gather)
    fresh = oracle.with_objects(oracle.objects)  # not yet gathered: its first render is cold
    cost_apart = {"max_cost_s": 10.0}  # the estimate alone would refuse a 1.5 s budget for a map; the clock is tested here
    result = run('m = bev()\nanswer(count(objects("pillow")))', fresh, limits=Limits(time_budget_s=1.5, **cost_apart),
                 artifacts_dir=tmp_path)
    assert result.answer is not None and result.trace.preparation_ms >= 2000
    with pytest.raises(RunError) as info:  # the program's own work still counts
        run('a = labels()\nb = labels()\nanswer(a)', fresh, limits=Limits(time_budget_s=1e-9, **cost_apart))
    assert "own work ran past its time budget" in info.value.diagnostics[0].message


def test_a_camera_view_renders_through_that_frame_s_own_camera(oracle: SpatialMemory, tmp_path: Path) -> None:
    """Pitch and intrinsics kept for every input frame, the first and the last included."""
    from reasmory.memory.render import RenderCamera, render_view

    for index in (0, len(oracle.frames) - 1):
        made = run(f'answer(render(camera({index}), mode="depth", width=80, height=60))', oracle, artifacts_dir=tmp_path).value
        own = render_view(oracle, RenderCamera.from_frame(oracle.frames[index], 80, 60), "depth").image
        assert np.array_equal(np.asarray(Image.open(made.path)), np.asarray(own)), index


def test_only_a_viewer_inside_a_box_or_within_five_centimetres_of_it_leaves_it_out(oracle: SpatialMemory, tmp_path: Path) -> None:
    from reasmory.interpreter.ops.rendering import INSIDE_MARGIN, _containing
    from reasmory.interpreter.values import View

    assert INSIDE_MARGIN == 0.05
    ctx = Context(memory=oracle, artifacts_dir=tmp_path)
    bed = oracle.find("bed")[0]
    corner = np.asarray(bed.box.corners(), np.float64)
    top = corner[np.argmax(corner[:, 2])]
    above = lambda gap: View((float(top[0]), float(top[1]), float(top[2]) + gap), 0.0, "above the bed")  # noqa: E731
    centre = bed.box.center
    inside = View((float(centre[0]), float(centre[1]), float(centre[2])), 0.0, "in the bed")
    assert bed in _containing(ctx, inside) and bed in _containing(ctx, above(0.04))
    assert bed not in _containing(ctx, above(0.06)) and bed not in _containing(ctx, above(0.5))


def test_a_map_larger_than_the_run_s_image_limit_is_shrunk_to_it(oracle: SpatialMemory, tmp_path: Path) -> None:
    full = bev(Context(memory=oracle, artifacts_dir=tmp_path), "rgb", ())
    side = max(full.width, full.height) - 10
    small = bev(Context(memory=oracle, limits=Limits(max_image_side=side), artifacts_dir=tmp_path), "rgb", ())
    assert max(small.width, small.height) == side and small.caption.endswith(f"{small.width}×{small.height}")
    exact = bev(Context(memory=oracle, limits=Limits(max_image_side=side + 10), artifacts_dir=tmp_path), "rgb", ())
    assert (exact.width, exact.height) == (full.width, full.height)


def test_images_of_one_kind_are_numbered_in_turn(oracle: SpatialMemory, tmp_path: Path) -> None:
    result = run('a = bev()\nb = bev()\nc = bev(mode="semantic")\nanswer(bev())', oracle, artifacts_dir=tmp_path)
    assert [Path(p).name for p in result.trace.steps[-1].artifacts] == ["bev-rgb-03.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bev-rgb-01.png", "bev-rgb-02.png", "bev-rgb-03.png", "bev-semantic-01.png"]
