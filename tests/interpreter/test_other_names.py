"""Objects some views named otherwise: a question naming the minority's label finds the object, with a warning, only
when no object carries that label and enough of its views gave the name."""

import pytest

from reasmory.interpreter import CheckError, run
from reasmory.memory import Frame, ObjectInstance, OrientedBox, SpatialMemory

K = ((500.0, 0.0, 320.0), (0.0, 500.0, 240.0), (0.0, 0.0, 1.0))
POSE = ((1.0, 0.0, 0.0, 0.0), (0.0, 0.0, 1.0, -2.0), (0.0, -1.0, 0.0, 1.5), (0.0, 0.0, 0.0, 1.0))


def _memory(also_called: dict[str, int], views: int = 2, nightstand: bool = False) -> SpatialMemory:
    cabinet = ObjectInstance(id=0, label="cabinet", box=OrientedBox.from_yaw([1.0, 2.0, 0.3], [0.5, 0.4, 0.6], 0.0),
                             frames=[3, 5], first_seen=3, attributes={"views": views, "also_called": also_called})
    bed = ObjectInstance(id=1, label="bed", box=OrientedBox.from_yaw([3.0, 2.0, 0.3], [2.0, 1.6, 0.6], 0.0),
                         frames=[0, 1, 2], first_seen=0, attributes={"views": 9, "also_called": {"toilet": 1}})
    objects = [cabinet, bed]
    if nightstand:
        objects.append(ObjectInstance(id=2, label="nightstand", box=OrientedBox.from_yaw([4.5, 1.0, 0.3], [0.5, 0.4, 0.6], 0.0),
                                      frames=[4], first_seen=4, attributes={"views": 1}))
    frames = [Frame(index=i, timestamp=float(i), width=640, height=480, K=K, pose=POSE) for i in range(6)]
    return SpatialMemory(frames=frames, objects=objects)


def test_a_label_only_a_share_of_views_gave_finds_that_object_and_says_so() -> None:
    memory = _memory({"nightstand": 1})
    result = run('answer(round(longest_side(object("nightstand")), 2))', memory)
    assert result.value == 0.6
    assert result.warnings == ["no object is labelled 'nightstand': took the cabinet #0 (1 of its 3 views called it 'nightstand')"]
    assert run('answer(count(objects("nightstands")))', memory).value == 1  # plurals and synonyms as for labels
    assert run('answer(first_seen("nightstand"))', memory).value == 3
    assert run('answer(exists("nightstand"))', memory).value is True


def test_a_name_too_few_views_gave_or_a_label_the_memory_holds_is_not_taken_from_others() -> None:
    with pytest.raises(CheckError, match="no object 'toilet' in memory"):
        run('answer(count(objects("toilet")))', _memory({"nightstand": 1}))  # one view of the bed's ten
    result = run('answer(count(objects("nightstand")))', _memory({"nightstand": 1}, nightstand=True))
    assert result.value == 1 and not result.warnings  # the real nightstand, not the cabinet
    assert run('answer(count_of("toilet"))', _memory({"nightstand": 1})).value == 0


def test_memory_info_lists_the_other_names(tmp_path, capsys) -> None:
    from reasmory.cli import main

    path = _memory({"nightstand": 1}).save(tmp_path / "m.rmem")
    assert main(["memory", "info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "also called" in out and "#0 nightstand (1 of 3)" in out and "toilet" not in out


def test_the_fallback_map_highlights_an_object_named_otherwise() -> None:
    from reasmory.answering.fallback import mentioned_labels

    memory = _memory({"nightstand": 1})
    assert mentioned_labels("How far is the nightstand from the bed?", memory) == ["nightstand", "bed"]
    assert mentioned_labels("Where is the toilet?", memory) == []
