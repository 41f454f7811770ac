"""Benchmark scores that cannot flatter: unread, refused, failed and unanswerable questions count 0 over all questions."""

from reasmory.benchmarks.qa import Question, Record, evaluate, overall_attempted, task_rows, task_table
from reasmory.memory.oracle import from_scene
from reasmory.memory.scene_format import SceneDescription, SceneObject


def _memory():
    return from_scene(SceneDescription(objects=[SceneObject(label="chair", center=(0, 0, 0.5), extents=(1, 1, 1))]))


def _question(text: str, truth: str, qtype: str = "object_counting") -> Question:
    return Question(id=1, dataset="test", scene_name="s", question_type=qtype, question=text, ground_truth=truth)


def test_a_question_the_compiler_cannot_read_scores_zero() -> None:
    record = evaluate(_question("What is the meaning of life?", "42"), _memory())
    assert record.status == "not-compiled" and record.score == 0.0


def test_a_question_the_memory_cannot_answer_scores_zero() -> None:
    record = evaluate(_question("How many chair(s) are in this room?", "1"), _memory(), {"object_counting": "not here"})
    assert record.status == "not-evaluable" and record.score == 0.0


def _record(task: str, status: str, score: float | None) -> Record:
    return Record(id=0, question_type=task, scene="s", ground_truth="1", status=status, score=score)


def test_task_scores_over_all_questions_count_unread_and_unanswerable_as_zero() -> None:
    records = [
        _record("counting", "answered", 1.0), _record("counting", "not-compiled", 0.0), _record("counting", "run-error", 0.0),
        _record("counting", "answered", 1.0), _record("order", "not-evaluable", 0.0), _record("order", "not-evaluable", 0.0),
    ]
    rows, overall = task_rows(records)
    by_task = {r["task"]: r for r in rows}
    assert by_task["counting"]["score"] == 0.5  # 2 right of 4 questions
    assert by_task["counting"]["score_attempted"] == 2 / 3  # the unread one left out, the failed one counts 0
    assert by_task["order"]["score"] == 0.0 and by_task["order"]["score_attempted"] is None
    assert overall == 0.25
    assert overall_attempted(rows) == (2 / 3, 1)


def test_a_score_missing_from_a_record_counts_zero() -> None:
    rows, overall = task_rows([_record("counting", "not-compiled", None), _record("counting", "answered", 1.0)])
    assert rows[0]["score"] == 0.5 and overall == 0.5


def test_the_table_prints_both_scores_and_the_tasks_each_covers() -> None:
    rows, overall = task_rows([_record("counting", "answered", 1.0), _record("order", "not-evaluable", 0.0)])
    table = task_table(rows, overall, 2)
    assert table[-1][-2:] == ["0.5000 (2 tasks)", "1.0000 (1 of 2 tasks)"]
    assert table[1][-2:] == ["0.0000", "none attempted: not evaluable on these memories"]
