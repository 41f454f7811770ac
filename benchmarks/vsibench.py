"""VSI-Bench on ground-truth memories: every question compiled, checked, run and scored.

    reasmory bench vsibench --questions ../shared/data/vsibench/dev_questions.jsonl \
        --meta-dir ../shared/data/vsibench/meta_info [--json bench-results/vsibench.json]

Memories are built from each scene's `meta_info` boxes once. Appearance order
needs the video's frames and route planning names landmarks (walls, "the edge
of the bed") that the boxes lack, so on box-only memories both are reported as
not evaluable rather than scored.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from reasmory.benchmarks.qa import Question, Record, evaluate_all, load_questions, report
from reasmory.errors import InputError
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_vsibench

NOT_EVALUABLE_ON_BOXES = {
    "obj_appearance_order": "needs the video's frames; box-only memories have none",
    "route_planning": "routes were annotated on the video and name landmarks the boxes lack",
}


class OracleMemories:
    """One oracle memory per (dataset, scene), built on first use."""

    def __init__(self, meta_dir: Path) -> None:
        if not meta_dir.is_dir():
            raise InputError(f"no VSI-Bench meta_info folder at '{meta_dir}'", hint="pass the folder holding *_meta_info_val.json")
        self.meta_dir = meta_dir
        self._cache: dict[tuple[str, str], SpatialMemory] = {}

    def __call__(self, question: Question) -> SpatialMemory:
        key = (question.dataset, question.scene_name)
        if key not in self._cache:
            self._cache[key] = from_vsibench(self.meta_dir / f"{question.dataset}_meta_info_val.json", question.scene_name)
        return self._cache[key]


def run_vsibench(questions_path: Path, meta_dir: Path, json_path: Path | None, limit: int | None = None) -> tuple[list[Record], float | None]:
    questions = load_questions(questions_path)[:limit]
    memories = OracleMemories(meta_dir)
    start = time.perf_counter()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("VSI-Bench", total=len(questions))
        records = evaluate_all(questions, memories, NOT_EVALUABLE_ON_BOXES, lambda: progress.advance(task))
    elapsed = time.perf_counter() - start
    summary = {"questions_file": str(questions_path), "memory": "oracle (meta_info boxes)", "seconds": elapsed}
    title = f"VSI-Bench on oracle memories ({len(records)} questions, {elapsed:.1f} s)"
    return records, report(records, title, summary, json_path)
