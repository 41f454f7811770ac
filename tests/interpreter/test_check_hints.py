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
