"""Prompts generated from the grammar file, the registry, the memory and the offline compiler."""

from __future__ import annotations

import json
from importlib import resources

from reasmory.interpreter import REGISTRY, check, run
from reasmory.interpreter.parser import grammar_text
from reasmory.memory import SpatialMemory

from reasmory.answering.clients.base import ImagePart
from reasmory.answering.prompt import memory_summary, program_messages, reasoner_messages, repair_messages, worked_examples
from reasmory.compiler import compile_question


def examples() -> list[dict]:
    return json.loads(resources.files("reasmory.answering").joinpath("examples.json").read_text())


def example_program(item: dict) -> str:
    return item.get("program") or compile_question(item["question"]).source


def test_the_program_prompt_is_built_from_the_languages_own_sources(living_room: SpatialMemory) -> None:
    system, user = program_messages("Where is the lamp?", ["A. left", "B. right"], living_room)
    assert system.role == "system" and user.role == "user"
    assert grammar_text().strip() in system.text
    for op in REGISTRY:
        assert f"{op.signature()}  # {op.doc}" in system.text
    for item in examples():
        assert example_program(item).strip() in system.text
    assert "Question: Where is the lamp?\nOptions: A. left | B. right" in user.text
    assert "chair ×2" in user.text and "pillow ×2" in user.text
    assert "detector is configured" not in user.text
    _, open_user = program_messages("Where is the lamp?", None, living_room, open_labels=True)
    assert "may also name an object label not listed" in open_user.text


def test_the_memory_summary_says_what_programs_may_use(living_room: SpatialMemory) -> None:
    summary = memory_summary(living_room)
    assert "Frames: 6 (camera(0) … camera(5))" in summary
    assert "Metric scale: factor 1 from metric input" in summary and "up axis z" in summary and "floor area 30.0 m²" in summary
    assert "Built by: oracle" in summary


def test_worked_examples_run_on_the_example_scene(living_room: SpatialMemory) -> None:
    assert worked_examples().count("Program:") == len(examples())
    for item in examples():
        program = example_program(item)
        assert check(program, living_room, item.get("options", [])) == []
        assert run(program, living_room, item.get("options", [])).answer


def test_the_hand_written_examples_answer_their_questions_right(living_room: SpatialMemory) -> None:
    """Checked by hand on the example scene (docs/scene-format.md's living room): each teaches a choice the guide names."""
    expected = {"How tall is the lamp, in centimeters?": "160", "Are there any chairs here, and how many?": "2",
                "Is there a piano in this room?": "no",
                "From the viewpoint presented in image 2, is the table to the left or the right of the sofa?": "A",
                "If I stand by the chair nearest the window and face the tv, is the lamp to my left or to my right?": "A"}
    given = {item["question"]: item for item in examples() if "program" in item}
    assert set(given) == set(expected)
    for question, answer in expected.items():
        item = given[question]
        assert run(item["program"], living_room, item.get("options", [])).answer == answer, question
    # the choices they teach matter on this scene: the other operation, or the most observed chair, answers differently
    viewer = "camera(1)"
    assert run(f'answer(direction(object("table"), viewer={viewer}, granularity="lr"))', living_room).answer == "right"
    naive = 'me = view(at=object("chair"), facing=object("tv"))\nanswer(direction(object("lamp"), viewer=me, granularity="lr"))'
    assert run(naive, living_room).answer == "right"


def test_repairs_carry_the_diagnostics_as_data_and_with_carets(living_room: SpatialMemory) -> None:
    from reasmory.interpreter import check as check_program

    program = 'answer(object("couchh"))\n'
    diagnostics = check_program(program, living_room)
    assistant, user = repair_messages(program, diagnostics)
    assert assistant.role == "assistant" and assistant.text == program
    data = json.loads(user.text.split("\n")[1])
    assert data[0]["code"] == "unknown-label" and data[0]["span"]["line"] == 1 and "sofa" in data[0]["hint"]
    assert "^^^^^^^^" in user.text and user.text.endswith("Reply with the corrected program only.")


def test_the_reasoner_prompt_shows_the_program_and_asks_for_a_letter(tmp_path) -> None:
    image = ImagePart(path=tmp_path / "m.png", caption="top-down map")
    system, user = reasoner_messages("Which is nearer?", ["A. lamp", "B. door"], "answer(bev())\n", [image])
    assert "captioned" in system.text and "answer(bev())" in user.text and user.images == [image]
    assert user.text.endswith("Reply with the letter of the right option only.")
    assert reasoner_messages("How far?", None, "answer(bev())", [image])[1].text.endswith("a word or a short phrase.")
