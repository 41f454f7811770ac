"""`reasmory bench annotations`: the paper's evaluation files answered by `reasmory.answer` and scored as the paper does.

    reasmory bench annotations eval_vsibench_tiny.json --media /data --format vsi-tiny [--generator vlm|compiler|auto]
        [--meta-dir shared/data/vsibench/meta_info] [--json OUT] [--executor local|ray] [--results OUT.jsonl]

Every entry is answered with the configured settings (VLM, grammar, backend,
detector, prices) through the batch executors, each memory built once; the
report is per category (the files' `original_question_type`) with the paper's
scores over all questions and over the attempted ones, model calls, tokens and
cost. An entry is not attempted when its media are missing, its memory cannot
be built, or (on the VSI-Bench boxes) it needs what boxes lack (appearance order
needs the video's frames, routes name landmarks); the reason is recorded. A
question the generator declines, or whose programs all fail, is attempted and
scores 0.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from reasmory.batch import Executor, Failure, Item, LocalExecutor, ResultStore, item_key, run_items
from reasmory.benchmarks import paper_metrics
from reasmory.benchmarks.annotations import Entry, Format, load_entries, memory_key
from reasmory.benchmarks.vsibench import NOT_EVALUABLE_ON_BOXES
from reasmory.errors import InputError, ReasmoryError
from reasmory.interpreter.trace import Usage
from reasmory.memory import SpatialMemory

Status = Literal["answered", "declined", "error", "not-attempted"]
#: Settings that change no answer: left out of the item keys (as in `reasmory batch`).
_NOT_IN_KEY = {"config", "cache_dir", "vlm_api_key", "vlm_timeout", "vlm_retries", "vlm_backoff",
               "vlm_input_price", "vlm_output_price", "vlm_cached_input_price"}
COLUMNS = ["category", "questions", "attempted", "answered", "score (all)", "score (attempted)", "calls", "tokens in",
           "tokens out", "cost $"]


class PaperRecord(BaseModel):
    """One entry's outcome."""

    problem_id: int
    category: str
    problem_type: str
    question: str
    memory: str | None
    status: Status
    solution: str
    prediction: str | None = None
    reward: float = 0.0
    program: str | None = None
    generator: str | None = None
    reason: str | None = None
    usage: Usage = Usage()
    duration_ms: float = 0.0


class AnnotationJob(BaseModel):
    """Build a group's memory (oracle boxes, a `.rmem`, or the media) and answer its entries; pickles to Ray workers."""

    settings: dict[str, Any]
    meta_dir: Path | None = None
    gpus_per_build: float = 0.0

    def build(self, group: str) -> SpatialMemory:
        kind, _, rest = group.partition(":")
        if kind == "oracle":
            from reasmory.memory.oracle import from_vsibench

            if self.meta_dir is None:
                raise InputError("oracle memories need --meta-dir", hint="pass the folder holding *_meta_info_val.json")
            dataset, scene = rest.split("/", 1)
            return from_vsibench(self.meta_dir / f"{dataset}_meta_info_val.json", scene)
        if kind == "rmem":
            return SpatialMemory.load(rest)
        from reasmory.answering import Settings, load_or_build_memory
        from reasmory.answering.detection import configured_detector

        settings = Settings.load(**self.settings)
        return load_or_build_memory(json.loads(rest) if kind == "photos" else rest, settings, configured_detector(settings))

    def answer(self, item: Item, memory: SpatialMemory) -> dict[str, Any]:
        from reasmory.answering import answer
        from reasmory.compiler import UnsupportedQuestion

        entry = Entry.model_validate(item.payload["entry"])
        record = _record(entry, item.group, "answered")
        start = time.perf_counter()
        try:
            result = answer(memory, entry.problem, entry.options or [], **self.settings)
        except ReasmoryError as exc:
            record.status = "declined" if isinstance(exc, UnsupportedQuestion) else "error"
            record.reason = exc.one_line()
            record.usage = Usage.total(a.usage for a in getattr(exc, "attempts", []))
        else:
            record.prediction, record.program, record.generator, record.usage = result.answer, result.program, result.generator, result.usage
            record.reward = paper_metrics.reward(result.answer, entry.solution, entry.problem_type)
        record.duration_ms = (time.perf_counter() - start) * 1000
        return record.model_dump(mode="json")

    def failed(self, item: Item, failure: Failure) -> dict[str, Any] | None:
        entry = Entry.model_validate(item.payload["entry"])
        return _record(entry, item.group, "not-attempted", f"its memory could not be had: {failure.one_line()}").model_dump(mode="json")


def _record(entry: Entry, memory: str | None, status: Status, reason: str | None = None) -> PaperRecord:
    return PaperRecord(problem_id=entry.problem_id, category=entry.original_question_type, problem_type=entry.problem_type,
                       question=entry.problem, memory=memory, status=status, solution=entry.solution, reason=reason)


def run_annotations(path: Path, fmt: Format, media: Sequence[Path], settings: dict[str, Any], *, meta_dir: Path | None = None,
                    json_path: Path | None = None, limit: int | None = None, executor: Executor | None = None,
                    results: Path | None = None, gpus_per_build: float = 0.0) -> list[PaperRecord]:
    """Answer and score every entry of `path` (see the module docstring); prints the report, writes JSON when asked."""
    oracle = meta_dir is not None and fmt == "vsi-tiny"
    if not media and not oracle:
        raise InputError("the questions' media are needed (--media)", hint="pass the folder holding the benchmark's videos or photos")
    for folder in media:
        if not folder.is_dir():
            raise InputError(f"no media folder at '{folder}'", hint="pass the folder holding the benchmark's videos or photos (--media)")
    if meta_dir is not None and not meta_dir.is_dir():
        raise InputError(f"no VSI-Bench meta_info folder at '{meta_dir}'", hint="pass the folder holding *_meta_info_val.json")
    entries = load_entries(path, fmt)[:limit]
    job = AnnotationJob(settings=settings, meta_dir=meta_dir.resolve() if meta_dir else None, gpus_per_build=gpus_per_build)
    fingerprint = {k: v for k, v in settings.items() if k not in _NOT_IN_KEY}
    records: dict[int, PaperRecord] = {}
    items: list[tuple[int, Item]] = []
    for i, entry in enumerate(entries):
        key, reason = memory_key(entry, fmt, media, job.meta_dir)
        if key is not None and key.startswith("oracle:") and entry.original_question_type in NOT_EVALUABLE_ON_BOXES:
            key, reason = None, f"on the benchmark's boxes: {NOT_EVALUABLE_ON_BOXES[entry.original_question_type]}"
        if key is None:
            records[i] = _record(entry, None, "not-attempted", reason)
            continue
        payload = {"entry": entry.model_dump(mode="json")}
        items.append((i, Item(key=item_key(key, entry.problem, entry.options, item=payload, settings=fingerprint, format=fmt),
                              group=key, payload=payload)))
    start = time.perf_counter()
    with ResultStore(results) as store:
        run = run_items(job, [item for _, item in items], executor or LocalExecutor(), store)
    for (i, _), result in zip(items, run.results, strict=True):
        records[i] = PaperRecord.model_validate(result)
    ordered = [records[i] for i in range(len(entries))]
    elapsed = time.perf_counter() - start
    report(ordered, path, fmt, settings, json_path, {"seconds": elapsed, "executor": run.executor, "memories_built": run.built,
                                                     "items_resumed": run.resumed})
    return ordered


def category_rows(records: list[PaperRecord]) -> list[dict[str, Any]]:
    """Per category (in order of first appearance), then the paper's three summaries, each with scores and usage."""
    by: dict[str, list[PaperRecord]] = defaultdict(list)
    for r in records:
        by[r.category].append(r)
    groups = [(name, rs) for name, rs in by.items()]
    groups += [("multiple choice (mean_acc)", [r for r in records if r.problem_type != "regression"]),
               ("regression (mean_mra)", [r for r in records if r.problem_type == "regression"]),
               ("all questions (mean_all)", records)]
    return [_row(name, rs) for name, rs in groups if rs]


def _row(name: str, rs: list[PaperRecord]) -> dict[str, Any]:
    attempted = [r for r in rs if r.status != "not-attempted"]
    usage = Usage.total(r.usage for r in rs)
    return {"category": name, "questions": len(rs), "attempted": len(attempted),
            "answered": sum(r.status == "answered" for r in rs),
            "score_all": sum(r.reward for r in rs) / len(rs),
            "score_attempted": sum(r.reward for r in attempted) / len(attempted) if attempted else None,
            "calls": usage.calls, "input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens,
            "cached_input_tokens": usage.cached_input_tokens, "reasoning_tokens": usage.reasoning_tokens, "cost_usd": usage.cost_usd}


def _cells(row: dict[str, Any]) -> list[Any]:
    def score(v: float | None) -> str:
        return "-" if v is None else f"{v:.4f}"

    return [row["category"], row["questions"], row["attempted"], row["answered"], score(row["score_all"]),
            score(row["score_attempted"]), row["calls"], f"{row['input_tokens']:,}", f"{row['output_tokens']:,}",
            "-" if row["cost_usd"] is None else f"{row['cost_usd']:.4f}"]


def report(records: list[PaperRecord], path: Path, fmt: Format, settings: dict[str, Any], json_path: Path | None,
           run: dict[str, Any]) -> None:
    """Print the per-category table and why entries were not attempted; write everything as JSON when asked."""
    from rich.console import Console

    from reasmory.benchmarks.report import emit

    rows = category_rows(records)
    skipped = [r for r in records if r.status == "not-attempted"]
    who = settings.get("vlm_model") if settings.get("generator") != "compiler" else "the offline compiler"
    title = f"{path.name} ({fmt}, {len(records)} questions, {who or 'no VLM'}, {run['seconds']:.1f} s, {run['executor']} executor)"
    payload = {"annotations": str(path), "format": fmt, "generator": settings.get("generator"), "model": settings.get("vlm_model"),
               "grammar": settings.get("grammar"), "prices_per_million_tokens": {k: settings.get(k) for k in
                                                                               ("vlm_input_price", "vlm_output_price", "vlm_cached_input_price")},
               "categories": rows, "usage": Usage.total(r.usage for r in records).model_dump(), "run": run,
               "not_attempted": [{"problem_id": r.problem_id, "reason": r.reason} for r in skipped],
               "records": [r.model_dump(mode="json") for r in records]}
    emit(title, COLUMNS, [_cells(r) for r in rows], payload, json_path)
    console = Console(stderr=True)
    for reason, n in Counter(_reason_kind(r.reason) for r in skipped).most_common():
        console.print(f"not attempted: {n} question(s): {reason}", markup=False, highlight=False, soft_wrap=True)
    for status in ("declined", "error"):
        n = sum(r.status == status for r in records)
        if n:
            console.print(f"{status}: {n} question(s) (scored 0; their reasons are in the JSON records)", highlight=False)


def _reason_kind(reason: str | None) -> str:
    """A reason without the entry's own file name, so alike reasons count together."""
    text = reason or "unknown"
    return text.rsplit(": ", 1)[0] if text.startswith("media not found") else text
