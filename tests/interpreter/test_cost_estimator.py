"""The estimator's walk and its words pinned: a scene's sizes, the Size of every expression, units summed over a program,
seconds, and the diagnostics and summary line it writes, all worked out by hand on a four-object memory."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from reasmory.interpreter import Limits, parse
from reasmory.interpreter import cost as cost_module
from reasmory.interpreter.cost import (DECLARED, Args, CallCost, Estimate, Scene, Size, declare, estimate, format_seconds,
                                       scene_of, seconds)
from reasmory.memory import SpatialMemory
from reasmory.memory.boxes import OrientedBox
from reasmory.memory.model import Frame, ObjectInstance, PointCloud, SceneFacts

BOX = {"geometry": "box"}
#: The plant's 12 points: its box's corners and four inside; its bounds are its box.
PLANT_POINTS = np.array([[x, y, z] for x in (1.75, 2.25) for y in (-2.25, -1.75) for z in (0.0, 1.0)]
                        + [[2, -2, 0.25], [2, -2, 0.5], [2, -2, 0.75], [2, -2.25, 0.5]], np.float32)


def _objects() -> list[ObjectInstance]:
    """Two 1 m cups 4 m apart, a 2 cm thin rug 2 m square, a plant of points (no solid box) 0.5 × 0.5 × 1 m."""
    def box(center: tuple[float, float, float], extents: tuple[float, float, float]) -> OrientedBox:
        return OrientedBox(center=center, extents=extents)

    return [ObjectInstance(id=0, label="cup", box=box((0, 0, 0.5), (1, 1, 1)), attributes=BOX),
            ObjectInstance(id=1, label="cup", box=box((4, 0, 0.5), (1, 1, 1)), attributes=BOX),
            ObjectInstance(id=2, label="rug", box=box((0, 4, 0.01), (2, 2, 0.02)), attributes=BOX),
            ObjectInstance(id=3, label="plant", box=box((2, -2, 0.5), (0.5, 0.5, 1)), points=PLANT_POINTS)]


@pytest.fixture()
def tiny() -> SpatialMemory:
    """No fused points, no cameras, no floor: objects seen from above span x −1…4.5, y −2.25…5."""
    return SpatialMemory(objects=_objects())


CUP_RADIUS = math.sqrt(3) / 2
RUG_RADIUS = math.sqrt(2 * 2 + 2 * 2 + 0.02**2) / 2
PLANT_RADIUS = math.sqrt(0.5**2 + 0.5**2 + 1) / 2
#: The tiny memory's scene: 8 + 8 + 8 + 12 points; a floor grid of (5.5 + 1) / 0.04 × (7.25 + 1) / 0.04 points;
#: a footprint of the plant's 0.5 m square in 0.1 m cells, 3 cells of padding a side.
TINY = Scene(objects=4, points=0, object_points=36, solid=False, frames=0, labels=3, label_chars=len("plant") + 6,
             floor_known=False, footprint_cells=(5 + 7) ** 2, floor_points=33515, volume=5.5 * 7.25 * 1.0,
             radius=(2 * CUP_RADIUS + RUG_RADIUS + PLANT_RADIUS) / 4)
CUPS = Size(objects=2, points=16, solid=True, chars=3 + 6, is_set=True, volume=5.0 * 1.0 * 1.0, radius=CUP_RADIUS)
#: The rug is 2 cm thick, but a group's bounds count at least 5 cm a side.
RUG = Size(objects=1, points=8, solid=True, chars=3 + 6, is_set=True, volume=2.0 * 2.0 * 0.05, radius=RUG_RADIUS)
PLANT = Size(objects=1, points=12, solid=False, chars=5 + 6, is_set=True, volume=0.5 * 0.5 * 1.0, radius=PLANT_RADIUS)


def _approx_size(size: Size) -> object:
    return pytest.approx(size.__dict__, rel=1e-9)


def test_a_memory_is_measured_once(tiny: SpatialMemory) -> None:
    scene = scene_of(tiny)
    assert scene.groups == {} and dataclasses.replace(scene, radius=TINY.radius) == TINY
    assert scene.radius == pytest.approx(TINY.radius, rel=1e-12)
    assert scene_of(tiny) is scene and scene_of(None) == Scene()


def test_cameras_and_the_floor_polygon_widen_the_floor_grid() -> None:
    pose = np.eye(4)
    pose[:3, 3] = (7.5, 0.0, 1.5)
    frame = Frame(index=0, width=100, height=100, K=((100.0, 0, 50), (0, 100.0, 50), (0, 0, 1)), pose=tuple(map(tuple, pose)))
    room = SceneFacts(floor_polygon=[(-2, -3), (6, -3), (6, 6.25), (-2, 6.25)])
    scene = scene_of(SpatialMemory(frames=[frame], objects=_objects(), scene=room))
    assert (scene.frames, scene.floor_known, scene.floor_points) == (1, True, 67265)  # 262.5 × 256.25 points


def test_fused_points_replace_the_floor_grid_and_make_the_footprint() -> None:
    cloud = PointCloud.from_xyz(np.array([[0, 0, 0], [1.25, 0.5, 0], [0.5, 2.25, 1]]))
    scene = scene_of(SpatialMemory(points=cloud, objects=_objects(), scene=SceneFacts(floor_area=20.0)))
    assert (scene.points, scene.floor_points, scene.floor_known, scene.footprint_cells) == (3, 0, True, (12 + 7) * (22 + 7))


def test_an_empty_memory() -> None:
    assert scene_of(SpatialMemory()) == Scene(label_chars=6, floor_points=625)  # a floor grid of 1 m square


def test_nothing_known_is_zero() -> None:
    """Without a memory every size is 0; a literal number is one item of value size."""
    zero = {"objects": 0, "points": 0, "object_points": 0, "solid": True, "frames": 0, "labels": 0, "label_chars": 0,
            "floor_known": False, "footprint_cells": 0, "floor_points": 0, "volume": 0.0, "radius": 0.0, "groups": {}}
    assert scene_of(None).__dict__ == zero
    assert Size().__dict__ == {"objects": 0, "points": 0, "solid": True, "chars": 0, "items": 0, "is_set": False,
                               "volume": 0.0, "radius": 0.0}
    assert estimate(parse("answer(1)"), None).calls[0].result.size == 1
    assert estimate(parse("answer(room_area())"), None).units == {"program": 1, "char": 19, "statement": 1, "call": 2,
                                                                  "point": 0, "cell": 0}


def test_a_label_is_measured_as_its_group(tiny: SpatialMemory) -> None:
    scene = scene_of(tiny)
    assert scene.group("cup", tiny).__dict__ == _approx_size(CUPS)
    assert scene.group("rug", tiny).__dict__ == _approx_size(RUG)
    assert scene.group("plant", tiny).__dict__ == _approx_size(PLANT)
    assert scene.group("cups", tiny) == Size(**{**CUPS.__dict__, "chars": 4 + 6})
    assert scene.group("sofa", tiny) == Size(chars=4 + 6, is_set=True)
    assert set(scene.groups) == {"cup", "cups", "rug", "plant", "sofa"} and scene.group("cup", tiny) is scene.groups["cup"]
    every = Size(objects=4, points=36, solid=False, chars=11, is_set=True, volume=TINY.volume, radius=TINY.radius)
    assert scene.group(None, tiny) == scene.group("cup", None) == every


def test_sizes_are_values(tiny: SpatialMemory) -> None:
    """A scene and its groups are kept for the memory's life and shared by every estimate: nothing may change them."""
    scene = scene_of(tiny)
    for value in (scene, scene.group("cup", tiny), CallCost("f", _span(), {}, Size())):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.objects = 3  # type: ignore[misc]


def test_sizes_and_arguments() -> None:
    assert Size(objects=5, chars=3, items=2, is_set=True).size == 11 and Size(objects=5, chars=3, items=2).size == 6
    args = Args({"a": Size(chars=4)}, {"mode": "center"}, Scene(), None)
    assert (args.size("a"), args.size("b"), args.literal("mode"), args.literal("width")) == (Size(chars=4), Size(), "center", None)


def _calls(source: str, memory: SpatialMemory | None, **kwargs: object) -> list[tuple[str, dict, Size]]:
    return [(c.operation, c.units, c.result) for c in estimate(parse(source), memory, **kwargs).calls]


def test_a_program_sums_its_calls_and_looks_labels_up_once(tiny: SpatialMemory) -> None:
    source = 'answer(count(objects("cup")))'
    found = estimate(parse(source), tiny)
    assert found.units == {"program": 1, "char": len(source), "statement": 1, "scan": 4 + 2, "call": 3}
    assert found.seconds == pytest.approx(0.00012 + len(source) * 2.7e-06 + 2.9e-05 + 6 * 1.9e-06 + 3 * 1.8e-06, rel=1e-12)
    assert [(c.operation, c.units, c.result) for c in found.calls] == [
        ("objects", {"call": 1, "scan": 2}, scene_of(tiny).groups["cup"]), ("count", {"call": 1}, Size()), ("answer", {"call": 1}, Size())]
    assert found.diagnostics == []


def test_labels_that_are_not_looked_up_in_the_index(tiny: SpatialMemory) -> None:
    """exists(…) and count_of(…) take a label but no group; a label held in a name is not known before running."""
    assert estimate(parse('answer(exists("cup"))'), tiny).units["scan"] == 2
    found = estimate(parse('l = "cup"\nanswer(count(objects(l)))'), tiny)
    assert found.units["scan"] == 4 and found.units["statement"] == 2  # every object may be the group, no index lookup
    assert "scan" not in estimate(parse("answer(count_of(1))"), tiny).units


def test_sizes_follow_values_through_names(tiny: SpatialMemory) -> None:
    source = 'v = view(object("cup"), object("rug"))\nw = turn(v, "left")\nanswer(render(w, width=64, height=48))'
    found = estimate(parse(source), tiny)
    cup = Size(objects=1, points=8, solid=True, chars=9, volume=(2 * CUP_RADIUS) ** 3, radius=CUP_RADIUS)
    calls = [(c.operation, c.result) for c in found.calls]
    assert [op for op, _ in calls] == ["object", "object", "view", "turn", "render", "answer"]
    assert calls[0][1].__dict__ == _approx_size(cup)
    assert [r for _, r in calls[2:]] == [Size(chars=9 + 9 + 32), Size(chars=50 + 32), Size(chars=82 + 64 + 80), Size(chars=226)]
    drawn = 0 + 36 + 33515
    assert found.units == {"program": 1, "char": len(source), "statement": 3, "scan": 4 + 2 + 1, "call": 6, "text": 50 + 82,
                           "render": 1, "point": drawn, "pixel": 64 * 48}


def test_a_default_argument_counts_as_written(tiny: SpatialMemory) -> None:
    assert estimate(parse("answer(render(camera(0), width=64))"), tiny).units["pixel"] == 64 * 480
    assert estimate(parse('answer(render(camera(0), "rgb", 64))'), tiny).units["pixel"] == 64 * 480
    assert estimate(parse("answer(render(camera(0), height=10))"), tiny).units["pixel"] == 640 * 10


def test_lists_add_up_their_items(tiny: SpatialMemory) -> None:
    found = estimate(parse('answer([objects("cup"), objects("rug"), 3])'), tiny)
    listed = found.calls[-1].result
    expected = Size(objects=3, points=24, solid=True, chars=18, items=3, volume=5.0, radius=RUG_RADIUS)
    assert listed.__dict__ == _approx_size(expected)
    with_plant = estimate(parse('answer([objects("plant"), objects("cup")])'), tiny).calls[-1].result
    assert (with_plant.solid, with_plant.items, with_plant.volume, with_plant.radius) == (False, 2, 5.0, pytest.approx(CUP_RADIUS))
    assert estimate(parse("answer([])"), tiny).calls[-1].result == Size()
    nested = estimate(parse('answer([["a", "b"], "cde"])'), tiny).calls[-1].result
    assert nested == Size(chars=5, items=2 + 2)


def test_a_list_of_labels_is_a_literal_and_looked_up(tiny: SpatialMemory) -> None:
    assert estimate(parse('answer(appearance_order(["cup", "rug"]))'), tiny).units["scan"] == 4 * 2 + 4
    assert estimate(parse('answer(appearance_order(["cup", 1]))'), tiny).units["scan"] == 4 * 2
    assert estimate(parse('answer(bev(highlight=["cup"]))'), tiny).units["scan"] == 4 + 4
    assert estimate(parse("answer(bev())"), tiny).units["scan"] == 4 + 4  # its default, no labels, counts as a list of labels
    assert estimate(parse('answer(first_seen("cup"))'), tiny).units["scan"] == 4 + 4
    assert estimate(parse('answer(first_seen(object("cup")))'), tiny).units["scan"] == 4 + 2 + 1
    assert _calls('answer(distance(object("cup"), object("rug"), mode="center"))', tiny)[2][1] == {"call": 1, "pair": 1}


def test_options_are_sized_by_their_number(tiny: SpatialMemory) -> None:
    assert _calls("answer(options)", tiny)[-1][2] == Size(items=4, chars=160)
    assert _calls("answer(options)", tiny, n_options=3)[-1][2] == Size(items=3, chars=120)
    assert _calls("answer(choose(1, options))", tiny, n_options=6)[0][1] == {"call": 1, "option": 6}


def test_operators_walk_their_operands(tiny: SpatialMemory) -> None:
    def operations(source: str) -> list[str]:
        return [op for op, _, _ in _calls(source, tiny)]

    assert operations('answer(count(objects("cup")) + count(objects("rug")))') == ["objects", "count", "objects", "count", "answer"]
    assert operations('answer(exists("cup") and not exists("rug"))') == ["exists", "exists", "answer"]
    assert _calls('answer("abc" + "de")', tiny)[-1][2] == Size()
    assert _calls('answer(-count(objects("cup")))', tiny)[-1][2] == Size()
    assert _calls("answer(nothing)", tiny)[-1][2] == Size()
    assert _calls('answer("abcd")', tiny)[-1][2] == Size(chars=4)
    assert _calls("answer(true)", tiny)[-1][2] == Size()


def test_an_unknown_operation_costs_nothing_but_its_keywords(tiny: SpatialMemory) -> None:
    found = estimate(parse('answer(foo(objects("cup"), k=objects("rug")))'), tiny)
    assert [(c.operation, c.result) for c in found.calls] == [("objects", scene_of(tiny).groups["rug"]), ("answer", Size())]


def test_an_operation_without_a_declared_cost_is_not_counted(tiny: SpatialMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    from reasmory.interpreter import cost_ops  # noqa: F401

    monkeypatch.delitem(DECLARED, "count")
    assert [c.operation for c in estimate(parse('answer(count(objects("cup")))'), tiny).calls] == ["objects", "answer"]


def test_a_cost_is_declared_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cost_module, "DECLARED", {})

    def free(args: Args) -> tuple[dict, Size]:
        return {}, Size()

    assert declare("first", "second")(free) is free and cost_module.DECLARED == {"first": free, "second": free}
    with pytest.raises(ValueError, match="the cost of 'second' is declared twice"):
        declare("second")(free)


def test_over_budget_names_the_most_expensive_call(tiny: SpatialMemory) -> None:
    source = "answer(render(camera(0)))"
    render_s = 1.8e-06 + 0.049 + 33551 * 2.1e-07 + 640 * 480 * 1.5e-07  # 102 ms, most of it the render itself
    found = estimate(parse(source), tiny, limits=Limits(max_cost_s=0.05))
    assert found.seconds == pytest.approx(render_s + 0.00012 + 25 * 2.7e-06 + 2.9e-05 + 2 * 1.8e-06, rel=1e-12)
    (over,) = found.diagnostics
    assert (over.code, over.stage, over.span) == ("over-budget", "check", found.calls[1].span)
    assert (over.span.line, over.span.column, over.span.end_column) == (1, 8, 25)
    assert over.message == ("the program's estimated cost is 102 ms, over its budget of 50 ms; "
                            "render(…) alone comes to 102 ms for 1 render")
    assert over.expected == "an estimated cost of at most 50 ms"
    assert "Limits.max_cost_s" in over.hint
    assert estimate(parse(source), tiny, limits=Limits(max_cost_s=found.seconds)).diagnostics == []
    assert estimate(parse("x = 1"), tiny, limits=Limits(max_cost_s=1e-9)).diagnostics == []
    assert estimate(parse(source), tiny).diagnostics == []  # the default budget: the time budget, 5 s


def test_a_value_past_the_size_limit_is_refused_at_its_call(tiny: SpatialMemory) -> None:
    source = 'answer(view(object("cup"), object("rug")))'  # the view's name: 9 + 9 + 32 characters
    assert estimate(parse(source), tiny, limits=Limits(max_value_size=51)).diagnostics == []
    (large,) = estimate(parse(source), tiny, limits=Limits(max_value_size=50)).diagnostics
    assert (large.code, large.stage, large.span.column, large.span.end_column) == ("value-too-large", "check", 8, 42)
    assert large.message == "view(…) would build a value of about 51 characters and items, over the limit of 50"
    assert large.expected == "values of at most 50 characters and items" and "fewer parts" in large.hint
    long = f'answer("{"x" * 1500}")'
    found = estimate(parse(long), tiny, limits=Limits(max_value_size=1000, max_cost_s=1e-6)).diagnostics
    assert [d.code for d in found] == ["value-too-large", "over-budget"]
    assert found[0].message == "answer(…) would build a value of about 1,501 characters and items, over the limit of 1,000"


def _span() -> object:
    return parse("answer(1)").statements[0].span


@pytest.mark.parametrize(("units", "words"), [
    ({"call": 1.0, "candidate": 9_000_000.0, "measure": 1.0}, "9,000,000 pairs of objects their bounds cannot rule out"),
    ({"call": 1.0, "render": 1.0, "pixel": 1000.0}, "1 render"),
    ({"call": 1000.0, "render": 1.0}, "1 render"),
    ({"call": 1.0, "render": 2.0}, "2 renders"),
    ({"call": 1.0, "round": 0.6}, "1 round of exact distances"),
    ({"call": 1.0, "round": 1.4}, "1 round of exact distances"),
    ({"call": 1.0, "scan": 1.0}, "1 objects scanned"),
    ({"round": 0.4}, "0 rounds of exact distances"),
    ({"call": 1.0, "pair": 1.0}, "1 operation calls"),
    ({"call": 1.0, "pair": 11.0}, "11 pairs of objects compared"),
])
def test_the_dominant_unit_in_words(units: dict[str, float], words: str) -> None:
    assert CallCost("f", _span(), units, Size()).dominant() == words


def test_seconds_on_the_reference_machine() -> None:
    """The calibrated seconds per unit (benchmarks/cost.py --calibrate); a recalibration updates this table."""
    per_thousand = {"program": 0.12, "char": 0.0027, "statement": 0.029, "call": 0.0018, "scan": 0.0019, "pair": 0.00018,
                    "tree": 0.0, "candidate": 0.0011, "measure": 0.0019, "round": 0.51, "point": 0.00021, "cell": 0.0001,
                    "pixel": 0.00015, "render": 49.0, "text": 0.00033, "option": 0.0}
    assert {unit: seconds({unit: 1000}) for unit in per_thousand} == pytest.approx(per_thousand, rel=1e-9, abs=1e-15)
    assert seconds({"render": 2, "pair": 10}) == pytest.approx(0.098 + 1.8e-06, rel=1e-12) and seconds({}) == 0
    assert CallCost("f", _span(), {"render": 2, "pair": 10}, Size()).seconds == pytest.approx(0.098 + 1.8e-06, rel=1e-12)


@pytest.mark.parametrize(("value", "text"), [(123.4, "123 s"), (1.0, "1 s"), (0.999, "999 ms"), (1e-3, "1 ms"),
                                             (0.000999, "999 µs"), (1.2350005e-4, "124 µs"), (1.234999e-4, "123 µs"), (2.5e-7, "0.25 µs"),
                                             (0.0, "0 µs")])
def test_seconds_in_words(value: float, text: str) -> None:
    assert format_seconds(value) == text


def test_the_summary_line(tiny: SpatialMemory) -> None:
    found = estimate(parse('a = count(objects("cup"))\nanswer(render(camera(0), width=64, height=48))'), tiny)
    top = found.most_expensive()
    assert top is found.calls[3] and top.operation == "render"
    assert found.describe(5.0) == (f"estimated cost {format_seconds(found.seconds)} (budget 5 s); "
                                   f"most expensive: render(…) at line 2, {format_seconds(top.seconds)} for 1 render")
    assert format_seconds(found.seconds) == "56.9 ms" and format_seconds(top.seconds) == "56.5 ms"
    assert Estimate(0.5, {}, [], []).describe(0.25) == "estimated cost 500 ms (budget 250 ms)"
    assert Estimate(0.5, {}, [], []).most_expensive() is None


def test_operation_facts_keep_literal_defaults_of_optional_parameters_and_follow_a_replaced_operation() -> None:
    """Only an optional parameter's number, word or tuple default is a literal the costs may read; a `None` default
    (meaning "not given") is not. An operation registered anew under the same name is read anew."""
    from reasmory.interpreter.registry import Operation, Param
    from reasmory.interpreter.types import NUMBER

    params = (Param("target", (NUMBER,)), Param("radius", (NUMBER,), default=None), Param("mode", (NUMBER,), default="fast"),
              Param("labels", (NUMBER,), default=("a",), label=True))
    first = Operation("probe_facts", params, NUMBER, "a probe", lambda **_: 0)
    facts = cost_module._facts(first)
    assert facts.operation is first and facts.names == ("target", "radius", "mode", "labels")
    assert facts.defaults == (("mode", "fast"), ("labels", ("a",))) and facts.labels == ("labels",)
    assert cost_module._facts(first) is facts
    second = Operation("probe_facts", params[:1], NUMBER, "a probe", lambda **_: 0)
    assert cost_module._facts(second).operation is second and cost_module._facts(second).names == ("target",)
    del cost_module._FACTS["probe_facts"]


@pytest.mark.parametrize("seed", range(3))
def test_plan_extent_is_the_spread_of_the_boxes_corners_and_the_cameras(seed: int) -> None:
    """Read off the object index (each box's bounds reach centre ± |R|·half) rather than each box's 8 corners: a Python
    loop over the objects that took 1.2 s of the first program on a 100,000-object memory."""
    rng = np.random.default_rng(seed)
    objects = [ObjectInstance(id=i, label="chair", box=OrientedBox.from_yaw(rng.uniform(-5, 5, 3), rng.uniform(0.1, 2, 3),
                                                                              rng.uniform(0, math.pi)))
               for i in range(30)]
    pose = ((1.0, 0.0, 0.0, 9.0), (0.0, 1.0, 0.0, -7.0), (0.0, 0.0, 1.0, 1.5), (0.0, 0.0, 0.0, 1.0))
    frames = [Frame(index=0, width=4, height=4, K=((2.0, 0.0, 2.0), (0.0, 2.0, 2.0), (0.0, 0.0, 1.0)), pose=pose)]
    memory = SpatialMemory(frames=frames, objects=objects)
    xy = np.concatenate([o.box.corners()[:, :2] for o in objects] + [np.array([[9.0, -7.0]])])
    np.testing.assert_allclose(cost_module._plan_extent(memory), xy.max(axis=0) - xy.min(axis=0), atol=1e-12)
    np.testing.assert_array_equal(cost_module._plan_extent(SpatialMemory()), [0.0, 0.0])


def test_footprint_cells_cover_the_objects_own_points_whatever_their_geometry() -> None:
    """The grid an area measure lays over the objects' own points (solid boxes' points too, point-less objects none),
    sized from the index's bounds rather than from every point gathered again."""
    from reasmory.memory.geometry import footprint_cells

    rng = np.random.default_rng(4)
    objects = []
    for i in range(24):
        box = OrientedBox.from_yaw(rng.uniform(-6, 6, 3), rng.uniform(0.1, 2, 3), rng.uniform(0, math.pi))
        points = (box.c + rng.uniform(-0.5, 0.5, (20, 3)) * box.e @ box.R.T).astype(np.float32) if i % 3 else np.zeros((0, 3))
        objects.append(ObjectInstance(id=i, label="chair", box=box, points=points, attributes=BOX if i % 2 else {}))
    xy = np.concatenate([o.points[:, :2] for o in objects if len(o.points)])
    assert cost_module._footprint_cells(SpatialMemory(objects=objects)) == footprint_cells(xy.min(axis=0), xy.max(axis=0))
    assert cost_module._footprint_cells(SpatialMemory(objects=[o for o in objects if not len(o.points)])) == 0
