"""Questions in everyday wording, read offline and answered on ground-truth memories of real rooms.

    reasmory bench phrasing --questions ../shared/data/phrasing/dev_questions.jsonl \\
        --meta-dir ../shared/data/vsibench/meta_info [--json bench-results/phrasing.json]

Scoring (the phrasing set's README): numbers by Mean Relative Accuracy in the
question's unit (the reader's answer is converted from the unit it answered
in; a truth of 0 needs an exact 0), option letters and yes/no by exact match;
a `refuse` question is right only when declined, and a declined question of any
other kind scores 0. Honest totals: the score over all questions beside the
score over those answered, and the answered-but-wrong count (an exact-match
answer that differs, a number off by more than half: MRA 0). Reading time is
the time to turn the question into a program (normalise, resolve names, write
the source), without running it.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

from reasmory.benchmarks.metrics import mean_relative_accuracy, to_number
from reasmory.compiler import CompiledQuestion, UnsupportedQuestion, compile_question
from reasmory.errors import InputError
from reasmory.interpreter import LanguageError, run
from reasmory.jsonl import read_models
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_vsibench

#: Size of one unit in metres (or m²), to convert an answer into the question's unit.
UNIT_SIZE = {"m": 1.0, "cm": 0.01, "mm": 0.001, "ft": 0.3048, "in": 0.0254, "m2": 1.0, "ft2": 0.09290304}


class PhrasingQuestion(BaseModel):
    """One question of the phrasing set's format."""

    id: str
    dataset: str
    scene_name: str
    kind: str
    question: str
    options: list[str] | None = None
    answer: str | float | int | None = None
    unit: str | None = None
    labels: list[str] = []


class PhrasingRecord(BaseModel):
    id: str
    kind: str
    question: str
    operation: str | None = None
    program: str | None = None
    prediction: str | None = None
    prediction_unit: str | None = None
    truth: str | None = None
    unit: str | None = None
    answered: bool = False
    score: float = 0.0
    wrong: bool = False
    error: str | None = None
    read_ms: float = 0.0
    reading: dict | None = None


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float:
    """A number in the reader's unit, in the question's unit (counts and unknown units unchanged)."""
    if from_unit in UNIT_SIZE and to_unit in UNIT_SIZE:
        return value * UNIT_SIZE[from_unit] / UNIT_SIZE[to_unit]
    return value


def grade(q: PhrasingQuestion, prediction: str | None, unit: str | None) -> float:
    """The score of one answered question (see the module doc)."""
    if prediction is None or q.answer is None:
        return 0.0
    if q.options or q.kind == "exists" or isinstance(q.answer, str) and to_number(q.answer) is None:
        return float(prediction.strip().lower() == str(q.answer).strip().lower())
    value, truth = to_number(prediction), float(q.answer)
    if value is None:
        return 0.0
    value = convert(value, unit, q.unit)
    if truth == 0:
        return float(value == 0)
    return mean_relative_accuracy(value, truth)


def evaluate(q: PhrasingQuestion, memory: SpatialMemory) -> PhrasingRecord:
    record = PhrasingRecord(id=q.id, kind=q.kind, question=q.question, unit=q.unit,
                            truth=None if q.answer is None else str(q.answer))
    start = time.perf_counter()
    try:
        compiled: CompiledQuestion = compile_question(q.question, memory, q.options or [])
    except UnsupportedQuestion as exc:
        record.read_ms = (time.perf_counter() - start) * 1000
        record.error = exc.message
        record.reading = exc.reading.model_dump() if exc.reading else None
        record.score = 1.0 if q.kind == "refuse" else 0.0
        return record
    record.read_ms = (time.perf_counter() - start) * 1000
    record.operation, record.program = compiled.family, compiled.source
    record.reading = compiled.reading.model_dump() if compiled.reading else None
    record.prediction_unit = compiled.reading.unit if compiled.reading else None
    try:
        record.prediction = run(compiled.source, memory, q.options or [], question=q.question).answer
    except LanguageError as exc:
        record.error = exc.message
        return record
    record.answered = record.prediction is not None
    record.score = 0.0 if q.kind == "refuse" else grade(q, record.prediction, record.prediction_unit)
    record.wrong = record.answered and record.score == 0.0
    return record


def kind_rows(records: list[PhrasingRecord]) -> list[dict]:
    by_kind: dict[str, list[PhrasingRecord]] = defaultdict(list)
    for r in records:
        by_kind[r.kind].append(r)
    rows = [_row(kind, rs) for kind, rs in sorted(by_kind.items())]
    rows.append(_row("overall", records))
    return rows


def _row(kind: str, rs: list[PhrasingRecord]) -> dict:
    answered = [r for r in rs if r.answered]
    declined = [r for r in rs if not r.answered]
    return {
        "kind": kind, "questions": len(rs), "answered": len(answered), "declined": len(declined),
        "score_over_all": sum(r.score for r in rs) / len(rs),
        "score_over_answered": sum(r.score for r in answered) / len(answered) if answered else None,
        "wrong": sum(r.wrong for r in rs),
        "wrong_pct_of_answered": 100.0 * sum(r.wrong for r in rs) / len(answered) if answered else 0.0,
    }


def timing(records: list[PhrasingRecord]) -> dict:
    times = sorted(r.read_ms for r in records)
    return {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))], "max_ms": times[-1]}


def run_phrasing(questions_path: Path, meta_dir: Path, json_path: Path | None) -> list[PhrasingRecord]:
    """Every question read, run on its scene's oracle memory and scored; prints the per-kind table."""
    from rich.console import Console

    from reasmory.benchmarks.report import emit, machine

    if not meta_dir.is_dir():
        raise InputError(f"no VSI-Bench meta_info folder at '{meta_dir}'", hint="pass the folder holding *_meta_info_val.json")
    questions = read_models(questions_path, PhrasingQuestion, "questions file", "pass a JSON Lines file in the phrasing set's format")
    memories: dict[tuple[str, str], SpatialMemory] = {}
    records = []
    start = time.perf_counter()
    for q in questions:
        key = (q.dataset, q.scene_name)
        if key not in memories:
            memories[key] = from_vsibench(meta_dir / f"{q.dataset}_meta_info_val.json", q.scene_name)
        records.append(evaluate(q, memories[key]))
    elapsed = time.perf_counter() - start
    rows = kind_rows(records)
    speed = timing(records)
    table = [[r["kind"], r["questions"], r["answered"], r["declined"], f"{r['score_over_all']:.4f}",
              "-" if r["score_over_answered"] is None else f"{r['score_over_answered']:.4f}", r["wrong"],
              f"{r['wrong_pct_of_answered']:.1f}%"] for r in rows]
    title = (f"Phrasing: {len(records)} questions read offline on oracle memories ({elapsed:.1f} s); reading a question: "
             f"median {speed['median_ms']:.2f} ms, p95 {speed['p95_ms']:.2f} ms, max {speed['max_ms']:.2f} ms")
    emit(title, ["kind", "questions", "answered", "declined", "score (all)", "score (answered)", "wrong", "wrong % of answered"],
         table, {}, None)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        summary = {"questions_file": str(questions_path), "seconds": elapsed, "kinds": rows, "reading_time": speed,
                   "machine": machine(), "records": [r.model_dump() for r in records]}
        json_path.write_text(json.dumps(summary, indent=1), encoding="utf-8")
        Console().print(f"wrote {json_path}")
    return records
