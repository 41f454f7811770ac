"""`reasmory batch`: a JSON Lines file of {source, question, options} answered with `reasmory.answer` on any executor.

Each source's memory is built (or loaded, or fetched from the build cache)
once, on a GPU actor when the backend needs one; every question about it is
then answered against that memory. Each answer starts from the memory as
built: labels grounded on demand for one question go to the cache entry, not
to the next question's copy, so answers do not depend on the order they run
in. Relative sources are relative to the input file's folder, so the file can
move with its data.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from reasmory.batch.executor import Failure
from reasmory.batch.items import Item, item_key
from reasmory.errors import ReasmoryError
from reasmory.interpreter.trace import Usage
from reasmory.jsonl import read_models
from reasmory.memory import SpatialMemory

#: Settings that change no answer (where things are cached, how long to wait): left out of the item keys.
_NOT_IN_KEY = {"config", "cache_dir", "vlm_api_key", "vlm_timeout", "vlm_retries", "vlm_backoff"}
GPU_BACKENDS = frozenset({"vggt"})


class BatchInput(BaseModel):
    """One line of the input file; `id`, `question_type` and `ground_truth` are optional (the latter two give scores)."""

    model_config = ConfigDict(extra="ignore")

    source: str
    question: str
    options: list[str] = []
    id: str | int | None = None
    question_type: str | None = None
    ground_truth: str | None = None


def load_inputs(path: Path) -> list[BatchInput]:
    """The input lines, sources made absolute; errors name the line."""
    entries = read_models(path, BatchInput, "input file", 'give a JSON Lines file of {"source": …, "question": …, "options": […]}')
    return [e.model_copy(update={"source": str((path.parent / Path(e.source).expanduser()).resolve())}) for e in entries]


def source_identity(source: str) -> str:
    """The path, plus size and modification time for files: a replaced file is answered again."""
    path = Path(source)
    if path.is_file():
        stat = path.stat()
        return f"{source}|{stat.st_size}|{stat.st_mtime_ns}"
    return source


class AnswerJob(BaseModel):
    """Build with `load_or_build_memory`, answer with `answer`, both under the same resolved settings on every node."""

    settings: dict[str, Any]
    gpus_per_build: float = 0.0
    artifacts_dir: Path | None = None

    def items(self, inputs: list[BatchInput]) -> list[Item]:
        fingerprint = {k: v for k, v in self.settings.items() if k not in _NOT_IN_KEY}
        identities = {s: source_identity(s) for s in {i.source for i in inputs}}
        return [Item(key=item_key(identities[i.source], i.question, i.options, item=i.model_dump(exclude={"source"}),
                                  settings=fingerprint), group=i.source, payload=i.model_dump()) for i in inputs]

    def build(self, group: str) -> SpatialMemory:
        """As `answer()` builds it: the configured detector grounds the objects of videos and photos."""
        from reasmory.answering import Settings, load_or_build_memory
        from reasmory.answering.detection import configured_detector

        settings = Settings.load(**self.settings)
        return load_or_build_memory(group, settings, configured_detector(settings))

    def answer(self, item: Item, memory: SpatialMemory) -> dict[str, Any]:
        """The answer, or the error that stopped it; either way with the model calls, tokens and cost it took."""
        from reasmory.answering import answer

        entry = BatchInput.model_validate(item.payload)
        start = time.perf_counter()
        artifacts = self.artifacts_dir / item.key if self.artifacts_dir else None
        try:
            result = answer(memory, entry.question, entry.options, artifacts_dir=artifacts, **self.settings)
        except ReasmoryError as exc:
            usage = Usage.total(a.usage for a in getattr(exc, "attempts", []))
            return {**self.failed(item, Failure.of(exc)), "usage": usage.model_dump(), "duration_ms": (time.perf_counter() - start) * 1000}
        return {**item.payload, "status": "answered", "answer": result.answer, "program": result.program,
                "generator": result.generator, "error": None, "score": _score(entry, result.answer),
                "usage": result.usage.model_dump(), "duration_ms": (time.perf_counter() - start) * 1000}

    def failed(self, item: Item, failure: Failure) -> dict[str, Any] | None:
        entry = BatchInput.model_validate(item.payload)
        return {**item.payload, "status": "error", "answer": None, "program": None, "generator": None,
                "error": failure.one_line(), "score": _score(entry, None), "usage": Usage().model_dump(), "duration_ms": 0.0}


def _score(entry: BatchInput, prediction: str | None) -> float | None:
    if entry.ground_truth is None:
        return None
    from reasmory.benchmarks.metrics import score
    from reasmory.benchmarks.qa import NUMERIC_TYPES

    return score(prediction, entry.ground_truth, entry.question_type in NUMERIC_TYPES)


TASK_COLUMNS = ["task", "items", "answered", "errors", "score", "calls", "tokens in", "tokens out", "cost $"]


def usage_of(results: list[dict[str, Any]]) -> Usage:
    """The model calls, tokens and cost of these results together (results written before usage was counted: none)."""
    return Usage.total(Usage.model_validate(r.get("usage") or {}) for r in results)


def task_table(results: list[dict[str, Any]]) -> tuple[list[list[Any]], float | None]:
    """Per question_type: items, answered, errors, mean score (errors score 0), model usage; and the mean of the task scores."""
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        by_task[r.get("question_type") or "-"].append(r)
    rows, scores = [], []
    for task in sorted(by_task):
        rs = by_task[task]
        scored = [r["score"] for r in rs if r.get("score") is not None]
        mean = sum(scored) / len(scored) if scored else None
        if mean is not None:
            scores.append(mean)
        rows.append([task, len(rs), sum(r["status"] == "answered" for r in rs), sum(r["status"] == "error" for r in rs),
                     "-" if mean is None else f"{mean:.4f}", *_usage_cells(usage_of(rs))])
    overall = sum(scores) / len(scores) if scores else None
    rows.append(["overall (mean of task scores)", len(results), sum(r[2] for r in rows), sum(r[3] for r in rows),
                 "-" if overall is None else f"{overall:.4f}", *_usage_cells(usage_of(results))])
    return rows, overall


def _usage_cells(usage: Usage) -> list[Any]:
    return [usage.calls, usage.input_tokens, usage.output_tokens, "-" if usage.cost_usd is None else f"{usage.cost_usd:.4f}"]
