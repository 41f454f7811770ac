"""Question-answering evaluation shared by the VSI-Bench and synthetic suites.

Each question is compiled by the offline compiler, checked and run against
its scene's memory, and scored with VSI-Bench's metrics. Every task has two
scores: over all its questions, where a question the compiler cannot read or
refuses, one that fails, and one its memory cannot answer by construction
(e.g. appearance order without frames) each count 0; and over the attempted
questions only (read, and answerable by the memory). The overall score is the
mean of the task scores over all questions; the attempted one says over how
many tasks it is taken.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from reasmory.benchmarks.metrics import score
from reasmory.compiler import UnsupportedQuestion, compile_question
from reasmory.interpreter import CheckError, LanguageError, ParseError, run
from reasmory.interpreter.trace import Usage
from reasmory.jsonl import read_models
from reasmory.memory import SpatialMemory

NUMERIC_TYPES = frozenset({"object_counting", "object_size_estimation", "room_size_estimation", "object_abs_distance"})
Status = Literal["answered", "not-compiled", "check-error", "run-error", "not-evaluable"]


class Question(BaseModel):
    """One benchmark question in VSI-Bench's JSON Lines format."""

    id: int
    dataset: str
    scene_name: str
    question_type: str
    question: str
    ground_truth: str
    options: list[str] | None = None


class Record(BaseModel):
    id: int
    question_type: str
    scene: str
    family: str | None = None
    program: str | None = None
    prediction: str | None = None
    ground_truth: str
    score: float | None = None
    status: Status
    error: str | None = None
    duration_ms: float = 0.0


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSON Lines file, with errors naming the line."""
    return read_models(path, Question, "questions file", "pass a JSON Lines file in VSI-Bench's format")


def evaluate(question: Question, memory: SpatialMemory, not_evaluable: dict[str, str] | None = None) -> Record:
    """Compile, check, run and score one question against its scene's memory."""
    start = time.perf_counter()
    record = Record(id=question.id, question_type=question.question_type, scene=question.scene_name,
                    ground_truth=question.ground_truth, status="answered")
    try:
        compiled = compile_question(question.question, memory, question.options or [])
    except UnsupportedQuestion as exc:
        record.status, record.error, record.score = "not-compiled", exc.message, 0.0
        return record
    record.family, record.program = compiled.family, compiled.source
    reason = (not_evaluable or {}).get(compiled.family)
    if reason is None and compiled.needs_frames and not memory.frames:
        reason = "the memory has no frames (built from boxes only)"
    if reason is not None:
        record.status, record.error, record.score = "not-evaluable", reason, 0.0
        return record
    try:
        result = run(compiled.source, memory, question.options or [], question=question.question)
        record.prediction = result.answer
    except (ParseError, CheckError) as exc:
        record.status, record.error = "check-error", exc.message
    except LanguageError as exc:
        record.status, record.error = "run-error", exc.message
    record.score = score(record.prediction, question.ground_truth, question.question_type in NUMERIC_TYPES)
    record.duration_ms = (time.perf_counter() - start) * 1000
    return record


def evaluate_all(questions: Iterable[Question], memory_for: Callable[[Question], SpatialMemory],
                 not_evaluable: dict[str, str] | None = None, progress: Callable[[], None] | None = None) -> list[Record]:
    records = []
    for question in questions:
        records.append(evaluate(question, memory_for(question), not_evaluable))
        if progress is not None:
            progress()
    return records


#: Questions the system tried to answer: read by the compiler and answerable by their memory (failures count 0).
ATTEMPTED = frozenset({"answered", "check-error", "run-error"})


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def task_rows(records: list[Record]) -> tuple[list[dict], float | None]:
    """Per task: counts and the score over all questions and over the attempted; the overall score over all questions.

    Over all questions, every question counts: unread, refused, failed and not evaluable ones score 0.
    """
    by_task: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_task[r.question_type].append(r)
    rows = []
    for task in sorted(by_task):
        rs = by_task[task]
        attempted = [r.score or 0.0 for r in rs if r.status in ATTEMPTED]
        rows.append({
            "task": task,
            "questions": len(rs),
            "compiled_pct": 100.0 * sum(r.status != "not-compiled" for r in rs) / len(rs),
            "attempted": len(attempted),
            "not_evaluable": sum(r.status == "not-evaluable" for r in rs),
            "errors": sum(r.status in ("check-error", "run-error") for r in rs),
            "score": _mean([r.score or 0.0 for r in rs]),
            "score_attempted": _mean(attempted),
        })
    return rows, _mean([row["score"] for row in rows])


def overall_attempted(rows: list[dict]) -> tuple[float | None, int]:
    """The mean of the tasks' scores over their attempted questions, and how many tasks it covers."""
    scores = [row["score_attempted"] for row in rows if row["score_attempted"] is not None]
    return _mean(scores), len(scores)


TABLE_COLUMNS = ["task", "questions", "read", "attempted", "errors", "score over all questions", "score over the attempted"]


def task_table(rows: list[dict], overall: float | None, total: int) -> list[list]:
    """The per-task rows as printed, then the overall line: both scores side by side, and how many tasks each covers."""
    def shown(value: float | None) -> str:
        return "-" if value is None else f"{value:.4f}"

    table = [[r["task"], r["questions"], f"{r['compiled_pct']:.1f}%", r["attempted"], r["errors"], shown(r["score"]),
              shown(r["score_attempted"]) if r["score_attempted"] is not None
              else "none attempted" + (": not evaluable on these memories" if r["not_evaluable"] else "")] for r in rows]
    attempted, covered = overall_attempted(rows)
    table.append(["overall (mean of the task scores)", total, "", sum(r["attempted"] for r in rows), sum(r["errors"] for r in rows),
                  f"{shown(overall)} ({len(rows)} tasks)", f"{shown(attempted)} ({covered} of {len(rows)} tasks)"])
    return table


def report(records: list[Record], title: str, summary: dict, json_path: Path | None) -> float | None:
    """Print the per-task table, write per-question records with the summary; returns the overall score over all questions."""
    from rich.console import Console

    from reasmory.benchmarks.report import emit, machine

    rows, overall = task_rows(records)
    emit(title, TABLE_COLUMNS, task_table(rows, overall, len(records)), {"settings": summary.get("settings")}, None)
    Console().print("model calls: 0, tokens: 0, cost: $0 (every program from the offline compiler)", highlight=False)
    if json_path is not None:
        attempted, covered = overall_attempted(rows)
        usage = {"generator": "compiler", **Usage().model_dump(), "cost_usd": 0.0}
        write_records(json_path, records, {**summary, "tasks": rows, "overall": overall, "overall_attempted": attempted,
                                           "tasks_attempted": covered, "usage": usage, "machine": machine()})
        Console().print(f"wrote {json_path}")
    return overall


def write_records(path: Path, records: list[Record], summary: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**summary, "records": [r.model_dump() for r in records]}, indent=1), encoding="utf-8")
