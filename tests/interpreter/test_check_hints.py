"""Hints of the checker: a missing label is answered with at most twelve of the memory's labels, sorted."""

from reasmory.interpreter import check
from reasmory.memory.oracle import from_scene
from reasmory.memory.scene_format import SceneDescription, SceneObject


def test_an_unknown_label_lists_twelve_of_the_memory_labels() -> None:
    names = [f"thing{chr(97 + i)}" for i in range(15)]
    memory = from_scene(SceneDescription(objects=[SceneObject(label=n, center=(i, 0, 0.5), extents=(0.5, 0.5, 1))
                                                  for i, n in enumerate(names)]))
    (diag,) = check('answer(object("xylophone"))', memory)
    assert diag.hint == "the memory holds: " + ", ".join(sorted(names)[:12])


def test_an_undefined_name_suggests_at_most_three_close_names() -> None:
    (undefined,) = check("x1 = 1\nx2 = 2\nx3 = 3\nx4 = 4\nanswer(x)")
    assert undefined.hint == "did you mean x4, x3, x2?"


def test_a_missing_answer_is_reported_at_the_last_statement() -> None:
    (missing,) = check("x = 1\ny = 2")
    assert missing.code == "missing-answer" and (missing.span.line, missing.span.column) == (2, 1)


def test_argument_messages_count_name_and_suggest_exactly() -> None:
    """The count names every argument given, a near-miss keyword gets its suggestion (a far one none), and a positional
    argument after a keyword is told the first parameter still free."""
    from reasmory.interpreter import Limits

    found = {d.code: d for d in check("answer(round(1.5, 2, 3, digits=1))", None)}
    assert found["too-many-arguments"].message == "round takes 2 argument(s), got 4"
    assert {d.code: d.hint for d in check("answer(round(1.234, digit=1))", None)}["unknown-argument"] == "did you mean digits?"
    assert {d.code: d.hint for d in check("answer(round(1.234, zzzzzz=1))", None)}["unknown-argument"] is None
    assert {d.code: d.hint for d in check("answer(relation(viewer=1, 2))", None)}["positional-after-keyword"] == "name it, e.g. target=…"
    assert {d.code for d in check("answer(1 + (1 + (1 + (1 + 1))))", None, limits=Limits(max_depth=3))} == {"too-deep"}
    assert check("answer(1 + (1 + 1))", None, limits=Limits(max_depth=3)) == []
