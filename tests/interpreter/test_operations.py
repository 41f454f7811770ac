"""Every operation on the hand-made cross scene (see scenes.py for the worked-out geometry)."""

import math

import pytest

from reasmory.interpreter import CheckError, Limits, RunError, run
from reasmory.memory import SpatialMemory

LR = ["A. left", "B. right"]


def value(cross: SpatialMemory, source: str, options=None):
    return run(source, cross, options).value


def answer(cross: SpatialMemory, source: str, options=None) -> str:
    return run(source, cross, options).answer


def run_error(cross: SpatialMemory, source: str, options=None) -> str:
    with pytest.raises(RunError) as info:
        run(source, cross, options)
    return info.value.diagnostics[0].code


ME = 'me = view(at=object("sofa"), facing=object("tv"))\n'


# ----- objects, counting, labels -------------------------------------------
def test_count_tolerates_plurals_case_and_synonyms(cross):
    assert value(cross, 'answer(count(objects("Chairs")))') == 2
    assert value(cross, 'answer(count(objects("couch")))') == 1
    assert value(cross, 'answer(count(objects("settee")))') == 1  # the memory's own synonym table


def test_object_with_several_takes_most_observed_and_warns(cross):
    result = run('answer(object("chair"))', cross)
    assert result.value.center[0] == 4  # the chair seen in 4 frames
    assert "2 instances of 'chair'" in result.warnings[0] and "#5" in result.warnings[0]


def test_object_missing_at_run_time_is_a_run_error(cross):
    assert run_error(cross, 'name = "unicorn"\nanswer(object(name))') == "unknown-label"


def test_labels_and_exists(cross):
    assert value(cross, "answer(labels())") == ("sofa", "tv", "lamp", "table", "plant", "chair", "bed")
    assert value(cross, 'answer(exists("unicorn") or exists("beds"))') is True


# ----- sizes and areas ---------------------------------------------------------
def test_size_height_longest_side_and_room_area(cross):
    assert value(cross, 'answer(size(object("table")))') == pytest.approx((1.2, 0.8, 0.8))
    assert value(cross, 'answer(height(object("lamp")))') == pytest.approx(1.6)
    assert answer(cross, 'answer(longest_side(object("bed")) * 100)') == "200"
    assert value(cross, "answer(room_area())") == pytest.approx(100.0)


# ----- distances ---------------------------------------------------------------
def test_distance_closest_points_and_centres(cross):
    # sofa spans y ≤ 0.5, tv starts at y = 3.95, heights overlap: gap 3.45 m
    assert value(cross, 'answer(distance(object("sofa"), object("tv")))') == pytest.approx(3.45, abs=0.01)
    assert value(cross, 'answer(distance(object("sofa"), object("tv"), mode="center"))') == pytest.approx(math.hypot(4, 0.6))


def test_distance_between_sets_is_the_nearest_pair(cross):
    # chair (-3,-1) to bed (-3,-3): chair y ≥ -1.25, bed y ≤ -2.2 → 0.95 m
    assert value(cross, 'answer(distance(objects("chair"), objects("bed")))') == pytest.approx(0.95, abs=0.01)


def test_distance_from_a_view_or_point(cross):
    assert value(cross, ME + 'answer(distance(me, object("sofa")))') == 0.0  # inside the solid box
    d = value(cross, 'answer(distance(camera(0), center(object("sofa"))))')
    assert d == pytest.approx(math.hypot(4, 1.1))


def test_closest_and_farthest_over_sets_and_option_lists(cross):
    assert value(cross, 'answer(closest(objects("chair"), to=object("bed")))').center[0] == -3
    assert value(cross, 'answer(farthest(objects("chair"), to=object("bed")))').center[0] == 4
    src = 'answer(choose(closest([objects("tv"), objects("plant"), objects("table")], to=object("sofa")), options))'
    # sofa→table: x gap 3-0.4-1 = 1.6; sofa→plant: y gap 3-0.2-0.5 = 2.3; sofa→tv 3.45
    assert answer(cross, src, ["A. tv", "B. plant", "C. table"]) == "C"


def test_closest_tie_warns_and_keeps_listed_order(cross):
    result = run('answer(closest([object("lamp"), object("lamp")], to=object("sofa")))', cross)
    assert "tie" in result.warnings[0]


def test_empty_candidates_is_a_run_error(cross):
    assert run_error(cross, ME + 'answer(closest(objects_around(view(at=object("tv"), facing=object("sofa")), "back"), to=object("tv")))') == "empty-set"


# ----- time ----------------------------------------------------------------------
def test_first_seen_and_appearance_order(cross):
    assert value(cross, 'answer(first_seen("chairs"))') == 0
    assert value(cross, 'answer(first_seen(object("sofa")))') == 2
    result = run('answer(appearance_order(["bed", "tv", "lamp", "plant"]))', cross)
    assert result.value == ("lamp", "tv", "plant", "bed")
    assert "'lamp' and 'tv'" not in " ".join(result.warnings)
    tie = run('answer(appearance_order(["table", "bed"]))', cross)
    assert tie.value == ("table", "bed") and "same frame 3" in tie.warnings[0]


# ----- views -----------------------------------------------------------------------
def test_camera_view_heading_and_position(cross):
    v = value(cross, "answer(camera(2))")
    assert v.position[:2] == pytest.approx((3, -3)) and abs(v.heading_deg) == pytest.approx(180)


def test_camera_looking_straight_down_has_no_heading(cross):
    assert run_error(cross, "answer(camera(3))") == "no-heading"


def test_view_turn_and_step(cross):
    assert value(cross, ME + "answer(me)").heading_deg == pytest.approx(90)
    assert value(cross, ME + 'answer(turn(me, "left"))').heading_deg == pytest.approx(180)
    assert value(cross, ME + 'answer(turn(me, "right", degrees=45))').heading_deg == pytest.approx(45)
    assert value(cross, ME + 'answer(turn(me, "back"))').heading_deg == pytest.approx(-90)
    moved = value(cross, ME + 'answer(step(me, "forward", meters=2))')
    assert moved.position[:2] == pytest.approx((0, 2)) and moved.heading_deg == pytest.approx(90)
    assert value(cross, ME + 'answer(step(me, "right"))').position[:2] == pytest.approx((1, 0))


def test_view_facing_its_own_position_is_a_run_error(cross):
    assert run_error(cross, 'answer(view(at=object("sofa"), facing=center(object("sofa"))))') == "same-position"


# ----- directions ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("target", "granularity", "expected"),
    [
        ("lamp", "lr", "left"), ("table", "lr", "right"), ("plant", "lr", "right"),
        ("lamp", "lrb", "left"), ("plant", "lrb", "back"), ("bed", "lrb", "back"),  # bed: exactly 135°
        ("lamp", "quadrant", "front-left"), ("table", "quadrant", "front-right"),
        ("plant", "quadrant", "back-right"), ("bed", "quadrant", "back-left"),
        ("table", "clock", "2 o'clock"), ("plant", "clock", "5 o'clock"), ("tv", "clock", "12 o'clock"),
    ],
)
def test_direction_from_the_sofa_facing_the_tv(cross, target, granularity, expected):
    assert value(cross, ME + f'answer(direction(object("{target}"), viewer=me, granularity="{granularity}"))') == expected


def test_angle_is_signed_positive_left(cross):
    assert value(cross, ME + 'answer(angle(object("lamp"), me))') == pytest.approx(45)
    assert value(cross, ME + 'answer(angle(object("table"), me))') == pytest.approx(-math.degrees(math.atan2(3, 1)))
    assert value(cross, ME + 'answer(angle(object("bed"), me))') == pytest.approx(135)


def test_just_under_135_degrees_is_not_back(cross):
    src = ME + 'answer(direction(object("bed"), viewer=turn(me, "right", degrees=0.5), granularity="lrb"))'
    assert value(cross, src) == "back"
    src = ME + 'answer(direction(object("bed"), viewer=turn(me, "left", degrees=0.5), granularity="lrb"))'
    assert value(cross, src) == "left"


def test_target_at_the_viewer_or_straight_ahead(cross):
    assert run_error(cross, ME + 'answer(direction(object("sofa"), viewer=me))') == "same-position"
    assert run_error(cross, ME + 'answer(direction(object("tv"), viewer=me))') == "on-boundary"


def test_relation_as_the_viewer_sees_it(cross):
    assert value(cross, ME + 'answer(relation(object("lamp"), object("table"), viewer=me))') == "left"
    assert value(cross, ME + 'answer(relation(object("tv"), object("plant"), viewer=me))') == "behind"
    assert value(cross, ME + 'answer(relation(object("plant"), object("tv"), viewer=me))') == "in front of"


def test_objects_around_sectors(cross):
    labels = lambda src: sorted(o.label for o in value(cross, ME + src).objects)  # noqa: E731
    assert labels('answer(objects_around(me, "front"))') == ["chair", "lamp", "tv"]  # lamp at exactly 45° is front
    assert labels('answer(objects_around(me, "right"))') == ["table"]
    assert labels('answer(objects_around(me, "back"))') == ["bed", "plant"]  # bed at exactly 135° is back
    assert labels('answer(objects_around(me, "left"))') == ["chair"]  # 108°


def test_motion_between_views(cross):
    assert value(cross, "answer(motion(camera(0), camera(1)))") == "directly right"
    assert value(cross, ME + 'answer(motion(me, step(step(me, "forward"), "left")))') == "diagonally forward and left"
    assert value(cross, ME + 'answer(motion(me, step(me, "backward", meters=3)))') == "directly backward"
    assert value(cross, "answer(motion(camera(0), camera(0)))") == "no movement"


def test_turn_towards(cross):
    assert value(cross, ME + 'answer(turn_towards(me, object("tv")))') == "go forward"
    assert value(cross, ME + 'answer(turn_towards(me, object("table")))') == "turn right"
    assert value(cross, ME + 'answer(turn_towards(me, object("lamp")))') == "go forward"  # 45° is within forward
    assert value(cross, ME + 'answer(turn_towards(me, object("bed")))') == "turn back"
    assert value(cross, ME + 'answer(turn_towards(me, object("lamp"), forward=false))') == "turn left"


def test_boundary_and_same_place_errors_say_where_the_target_is(cross):
    def message(source: str) -> str:
        with pytest.raises(RunError) as info:
            run(ME + source, cross)
        return info.value.diagnostics[0].message

    assert "straight ahead" in message('answer(direction(object("tv"), me))')
    assert "straight behind" in message('answer(direction(object("tv"), turn(me, "back"), "quadrant"))')
    assert "straight ahead" in message('answer(turn_towards(me, object("tv"), forward=false))')
    assert message('answer(turn_towards(me, object("sofa")))').startswith("already at")


def test_a_value_matching_no_option_or_several_says_which(cross):
    def message(source: str, options: list[str]) -> str:
        with pytest.raises(RunError) as info:
            run(source, cross, options)
        return info.value.diagnostics[0].message

    assert message('answer(choose("purple", options))', LR) == "the value 'purple' matches none of the options: A. left; B. right"
    assert message('name = "unicorn"\nanswer(choose(objects(name), options))', ["A. chair", "B. bed"]) == \
        "the value unicorn matches none of the options: A. chair; B. bed"
    assert message('answer(choose(camera(0), options))', LR).startswith("the value the view camera 0 matches none")
    several = message(ME + 'answer(choose(objects_around(me, "back"), options))', ["A. plant", "B. bed", "C. tv"])
    assert several.startswith("the value ") and "matches several (A, B) of the options: A. plant; B. bed; C. tv" in several


def test_walk_to_heads_the_way_it_walked(cross):
    v = value(cross, ME + 'answer(walk_to(me, object("table")))')
    assert v.position[:2] == pytest.approx((3, 1)) and v.heading_deg == pytest.approx(math.degrees(math.atan2(1, 3)))
    route = ME + 'here = walk_to(me, object("tv"))\nanswer(choose([turn_towards(here, object("table"), forward=false)], options))'
    assert answer(cross, route, ["A. Turn Left", "B. Turn Right", "C. Turn Back"]) == "C"  # table at −135° from the tv


# ----- choosing answers ---------------------------------------------------------------------
def test_choose_maps_text_numbers_booleans_objects_and_lists(cross):
    assert answer(cross, ME + 'answer(choose(direction(object("lamp"), viewer=me), options))', LR) == "A"
    assert answer(cross, "answer(choose(3.4, options))", ["A. 1", "B. 3", "C. 5 m"]) == "B"
    assert answer(cross, "answer(choose(1 < 2, options))", ["A. no", "B. yes"]) == "B"
    assert answer(cross, 'answer(choose(object("tv"), options))', ["A. sofa", "B. television"]) == "B"
    order = 'answer(choose(appearance_order(["bed", "tv", "lamp"]), options))'
    assert answer(cross, order, ["A. bed, tv, lamp", "B. lamp, tv, bed"]) == "B"
    assert answer(cross, ME + 'answer(choose(direction(object("plant"), me, "quadrant"), options))',
                  ["A. front-left", "B. back right", "C. back-left"]) == "B"
    assert answer(cross, ME + 'answer(choose(turn_towards(me, object("table")), options))', ["A. Turn Left", "B. Turn Right"]) == "B"


def test_choose_without_a_match_or_options(cross):
    assert run_error(cross, 'answer(choose("up", options))', LR) == "no-match"
    with pytest.raises(CheckError) as info:
        run('answer(choose("up", options))', cross, [])
    assert info.value.diagnostics[0].code == "no-options"


def test_answers_are_formatted_as_benchmarks_expect(cross):
    assert answer(cross, "answer(2)") == "2"
    assert answer(cross, "answer(1 / 3)") == "0.333"
    assert answer(cross, "answer(round(2.46, 1))") == "2.5"
    assert answer(cross, "answer(1 > 2)") == "no"
    assert answer(cross, 'answer(objects("chair"))') == "chair"


# ----- run-time safety -------------------------------------------------------------------
def test_arithmetic_errors_stop_with_a_span(cross):
    with pytest.raises(RunError) as info:
        run("x = 1\ny = x / (x - 1)\nanswer(y)", cross)
    diag = info.value.diagnostics[0]
    assert diag.code == "division-by-zero" and diag.span.line == 2
    assert info.value.trace.error == diag and len(info.value.trace.steps) == 2


def test_time_budget_stops_a_run(cross):
    """The estimate would refuse it before running (cost budget = time budget); with a cost budget of its own, it runs and stops."""
    with pytest.raises(RunError) as info:
        run("a = labels()\nb = labels()\nanswer(a)", cross, limits=Limits(time_budget_s=1e-9, max_cost_s=1.0))
    assert info.value.diagnostics[0].code == "time-budget"


def test_a_missing_label_warning_lists_the_first_twelve_labels(tmp_path):
    import json

    from reasmory.memory.oracle import from_scene

    labels = [f"thing{i:02d}" for i in range(14)]
    objects = [{"label": label, "center": [i, 0, 0.5], "extents": [0.5, 0.5, 0.5]} for i, label in enumerate(labels)]
    (tmp_path / "scene.json").write_text(json.dumps({"format": "reasmory-scene", "version": 1, "objects": objects}))
    result = run('answer(count_of("unicorn"))', from_scene(tmp_path / "scene.json"))
    assert result.value == 0 and result.warnings == [f"no 'unicorn' in the memory (it holds: {', '.join(labels[:12])}): counted 0"]
