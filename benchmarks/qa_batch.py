"""Benchmark questions as batch items, so every QA suite runs on any executor and resumes from a results file.

A suite's job says how a scene's memory is built (`build`); answering is the
same `evaluate` for all of them. Each question's key covers its scene, the
whole question (ground truth included) and how memories are built, so a
results file reused with other settings redoes the work instead of mixing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reasmory.batch import Executor, Failure, Item, LocalExecutor, ResultStore, item_key, run_items
from reasmory.batch.runner import BatchRun
from reasmory.benchmarks.qa import Question, Record, evaluate
from reasmory.memory import SpatialMemory


class QAJob(BaseModel):
    """Answer benchmark questions; subclasses build the memories. Pydantic, so it pickles to Ray workers."""

    suite: str
    not_evaluable: dict[str, str] = {}
    gpus_per_build: float = 0.0

    def build(self, group: str) -> SpatialMemory:
        raise NotImplementedError

    def fingerprint(self) -> dict[str, Any]:
        """What the answers depend on besides the question (joins every item's key)."""
        return self.model_dump(mode="json", exclude={"gpus_per_build"})

    def answer(self, item: Item, memory: SpatialMemory) -> dict[str, Any]:
        return evaluate(Question.model_validate(item.payload), memory, self.not_evaluable).model_dump()

    def failed(self, item: Item, failure: Failure) -> dict[str, Any] | None:
        return None  # a benchmark stops on a scene it cannot build, as the local runner always did


def question_items(job: QAJob, questions: Sequence[tuple[str, Question]]) -> list[Item]:
    """One item per (scene identity, question), in order; the scene identity groups the items that share a memory."""
    fingerprint = job.fingerprint()
    items = []
    for group, q in questions:
        payload = q.model_dump()
        items.append(Item(key=item_key(group, q.question, q.options, item=payload, job=fingerprint), group=group, payload=payload))
    return items


def run_questions(job: QAJob, items: Sequence[Item], executor: Executor | None, results: Path | None) -> tuple[list[Record], BatchRun]:
    """Every question's record (in order), with resume from and streaming to `results` (JSON Lines) when given."""
    with ResultStore(results) as store:
        run = run_items(job, items, executor or LocalExecutor(), store)
    return [Record.model_validate(r) for r in run.results], run


def run_summary(run: BatchRun) -> dict[str, Any]:
    """What the JSON report says about how the run went."""
    return {"executor": run.executor, "items_done": run.done, "items_resumed": run.resumed, "memories_built": run.built,
            "run_seconds": run.seconds, "items_per_second": run.items_per_second}
