"""VSI-Bench on ground-truth memories: every question compiled, checked, run and scored.

    reasmory bench vsibench --questions ../shared/data/vsibench/dev_questions.jsonl \
        --meta-dir ../shared/data/vsibench/meta_info [--json bench-results/vsibench.json] \
        [--executor ray --results vsibench.jsonl]

Memories are built from each scene's `meta_info` boxes once. Appearance order
needs the video's frames and route planning names landmarks (walls, "the edge
of the bed") that the boxes lack, so on box-only memories both are reported as
not evaluable rather than scored. Questions run on a reasmory.batch executor
(local, or ray), one memory per scene, resuming from a results file when given.
"""

from __future__ import annotations

import time
from pathlib import Path

from reasmory.batch import Executor
from reasmory.benchmarks.qa import Record, load_questions, report
from reasmory.benchmarks.qa_batch import QAJob, question_items, run_questions, run_summary
from reasmory.errors import InputError
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_vsibench

NOT_EVALUABLE_ON_BOXES = {
    "obj_appearance_order": "needs the video's frames; box-only memories have none",
    "route_planning": "routes were annotated on the video and name landmarks the boxes lack",
}


class VsiBenchJob(QAJob):
    """Oracle memories from `meta_info` boxes; groups are "dataset/scene"."""

    suite: str = "vsibench"
    memory: str = "oracle (meta_info boxes)"
    meta_dir: Path

    def fingerprint(self) -> dict:
        return {"suite": self.suite, "memory": self.memory, "not_evaluable": sorted(self.not_evaluable)}

    def build(self, group: str) -> SpatialMemory:
        dataset, scene = group.split("/", 1)
        return from_vsibench(self.meta_dir / f"{dataset}_meta_info_val.json", scene)


def run_vsibench(questions_path: Path, meta_dir: Path, json_path: Path | None, limit: int | None = None, *,
                 executor: Executor | None = None, results: Path | None = None) -> tuple[list[Record], float | None]:
    """Every question answered on its scene's oracle memory and scored; `executor` (entered) defaults to the local one."""
    if not meta_dir.is_dir():
        raise InputError(f"no VSI-Bench meta_info folder at '{meta_dir}'", hint="pass the folder holding *_meta_info_val.json")
    questions = load_questions(questions_path)[:limit]
    job = VsiBenchJob(meta_dir=meta_dir.resolve(), not_evaluable=NOT_EVALUABLE_ON_BOXES)
    start = time.perf_counter()
    items = question_items(job, [(f"{q.dataset}/{q.scene_name}", q) for q in questions])
    records, run = run_questions(job, items, executor, results)
    elapsed = time.perf_counter() - start
    settings = {"questions": str(questions_path), "limit": limit or "none", "memory": job.memory}
    summary = {"questions_file": str(questions_path), "memory": job.memory, "settings": settings, "seconds": elapsed, **run_summary(run)}
    title = (f"VSI-Bench on oracle memories ({len(records)} questions, {elapsed:.1f} s, {run.executor} executor): a consistency "
             f"check of the interpreter, not perception accuracy (answers and memories come from the same annotations)")
    return records, report(records, title, summary, json_path)
