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
