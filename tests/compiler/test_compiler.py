"""The offline compiler: every family's template, real VSI-Bench questions, and the refusal message."""

import json
from collections import Counter

import pytest

from reasmory.compiler import UnsupportedQuestion, compile_question
from reasmory.interpreter import check, run
from reasmory.memory.oracle import from_vsibench

from ..conftest import VSIBENCH, require
from ..interpreter.scenes import cross_scene

BOX_FAMILIES = {
    "object_counting", "object_size_estimation", "room_size_estimation", "object_abs_distance",
    "object_rel_distance", "object_rel_direction_easy", "object_rel_direction_medium", "object_rel_direction_hard",
}


@pytest.mark.parametrize(
    ("question", "options", "family", "expected"),
    [
        ("How many chair(s) are in this room?", None, "object_counting", "2"),
        ("What is the length of the longest dimension (length, width, or height) of the bed, measured in centimeters?", None,
         "object_size_estimation", "200"),
        ("What is the size of this room (in square meters)? \nIf multiple rooms are shown, estimate the size of the combined space.",
         None, "room_size_estimation", "100"),
        ("Measuring from the closest point of each object, what is the distance between the sofa and the tv (in meters)?", None,
         "object_abs_distance", "3.45"),
        ("Measuring from the closest point of each object, which of these objects (tv, plant, table) is the closest to the sofa?",
         ["A. tv", "B. plant", "C. table"], "object_rel_distance", "C"),
        ("If I am standing by the sofa and facing the tv, is the lamp to the left or the right of the tv?",
         ["A. left", "B. right"], "object_rel_direction_easy", "A"),
        ("If I am standing by the sofa and facing the tv, is the plant to my left, right, or back?\nAn object is to my back if I "
         "would have to turn at least 135 degrees in order to face it.", ["A. left", "B. right", "C. back"], "object_rel_direction_medium", "C"),
        ("If I am standing by the sofa and facing the tv, is the table to my front-left, front-right, back-left, or back-right?\n"
         "The directions refer to the quadrants of a Cartesian plane (if I am standing at the origin and facing along the positive y-axis).",
         ["A. front-left", "B. front-right", "C. back-left", "D. back-right"], "object_rel_direction_hard", "B"),
        ("What will be the first-time appearance order of the following categories in the video: bed, tv, lamp, plant?",
         ["A. bed, tv, lamp, plant", "B. lamp, tv, plant, bed"], "obj_appearance_order", "B"),
        ("You are a robot beginning at the sofa facing the tv. You want to navigate to the table. You will perform the following "
         "actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): 1. Go forward until "
         "the tv 2. [please fill in] 3. Go forward until the table. You have reached the final destination.",
         ["A. Turn Left", "B. Turn Right", "C. Turn Back"], "route_planning", "C"),
        ("Imagine standing where frame 0 of the video was taken (frames are numbered from 0), facing the way that camera faces. "
         "If I turn right and move forward 2 meters, is the plant to my left or to my right?", ["A. left", "B. right"],
         "camera_perspective_direction", "A"),  # at (2, −4) heading +x, the plant at (1, −3) is 135° to the left
        ("Imagine standing where frame 0 of the video was taken (frames are numbered from 0), facing the way that camera faces. "
         "If I move forward 1 meter, do I get closer to the tv?", ["A. yes", "B. no"], "camera_perspective_distance", "A"),
    ],
)
def test_each_family_compiles_to_a_program_that_answers_correctly(question, options, family, expected) -> None:
    """Answers worked out by hand on the cross scene (tests/interpreter/scenes.py)."""
    memory = cross_scene()
    compiled = compile_question(question)
    assert compiled.family == family
    assert check(compiled.source, memory, options or []) == []
    assert run(compiled.source, memory, options or []).answer == expected


def test_multi_blank_routes_turn_at_each_stop() -> None:
    q = ("You are a robot beginning at the bed facing the sofa. You want to navigate to the plant. You will perform the following "
         "actions (Note: for each [please fill in], choose either 'turn back,' 'turn left,' or 'turn right.'): 1. Go forward until "
         "the sofa. 2. [please fill in] 3. Go forward until the tv. 4. [please fill in] 5. Go forward until the plant. "
         "You have reached the final destination.")
    source = compile_question(q).source
    assert source.count("walk_to") == 3 and source.count("turn_towards") == 2
    assert 'v1 = walk_to(v0, object("sofa"))' in source and 'turn_towards(v1, object("tv"), forward=false)' in source
    assert 'v3 = walk_to(v2, object("plant"))' in source and "choose([turn1, turn2], options)" in source


@pytest.mark.parametrize("question", ["What colour is the sofa?", "Is it raining?", "   "])
def test_unsupported_questions_get_one_line_with_the_reason_or_wordings_that_work(question: str) -> None:
    with pytest.raises(UnsupportedQuestion) as info:
        compile_question(question)
    line = info.value.one_line()
    assert "\n" not in line
    if "colour" in question:
        assert "colour is not in the memory" in line
    elif question.strip():
        assert "How many chairs are in this room?" in line or "?" in line.split("such as:")[1]
        assert "REASMORY_VLM_BASE_URL" in line


def test_dev_questions_of_box_families_compile_and_check_clean() -> None:
    path = require(VSIBENCH / "dev_questions.jsonl")
    questions = [json.loads(line) for line in path.read_text().splitlines()]
    outcome: Counter = Counter()
    for q in questions:
        if q["question_type"] not in BOX_FAMILIES:
            continue
        memory = from_vsibench(VSIBENCH / "meta_info" / f"{q['dataset']}_meta_info_val.json", q["scene_name"])
        compiled = compile_question(q["question"])
        outcome[(q["question_type"], compiled.family == q["question_type"] and not check(compiled.source, memory, q["options"] or []))] += 1
    for family in BOX_FAMILIES:
        ok, total = outcome[(family, True)], outcome[(family, True)] + outcome[(family, False)]
        assert total and ok / total >= 0.99, (family, ok, total)
