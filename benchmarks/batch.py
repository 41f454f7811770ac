"""Items per second of a batch of benchmark questions on the local executor and on Ray, on this machine.

    python -m reasmory.benchmarks.batch [--scenes 8] [--memory oracle rgbd] [--cpus N] [--json bench-results/batch.json]

Synthetic scenes are generated first (untimed); then, per memory kind, the
same questions run twice on the local executor (the first run pays for
imports and first-use costs) and twice on a fresh local Ray instance (cold
workers import everything, then warm ones). Ray's start-up is reported apart. Every Ray run's answers are compared with the
local ones, item for item.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from reasmory.batch import Executor, LocalExecutor, make_executor
from reasmory.benchmarks.qa import load_questions
from reasmory.benchmarks.qa_batch import question_items, run_questions
from reasmory.benchmarks.report import emit, settings_of
from reasmory.benchmarks.synthetic import SyntheticJob, prepare_scenes


def _run(job: SyntheticJob, items: list, executor: Executor) -> tuple[dict, list]:
    records, run = run_questions(job, items, executor, None)
    figures = {"executor": executor.name, "memory": job.memory, "items": run.done, "memories": run.built,
               "seconds": run.seconds, "items_per_second": run.items_per_second}
    return figures, [r.model_dump(exclude={"duration_ms"}) for r in records]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--frames", type=int, default=32)
    parser.add_argument("--memory", nargs="+", choices=["oracle", "rgbd"], default=["oracle", "rgbd"])
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 1, help="CPUs of the local Ray instance")
    parser.add_argument("--chunk-size", type=int, default=16)
    parser.add_argument("--scenes-dir", type=Path, default=Path("bench-results/synthetic-scenes"))
    parser.add_argument("--json", type=Path, default=Path("bench-results/batch.json"))
    args = parser.parse_args(argv)

    folders = prepare_scenes(LocalExecutor(), args.scenes, args.seed, args.scenes_dir, args.frames, 320, 240)
    questions = [(str(f), q.model_copy(update={"scene_name": f.name})) for f in folders for q in load_questions(f / "questions.jsonl")]
    jobs = {kind: SyntheticJob(memory=kind) for kind in args.memory}
    results, reference = [], {}
    for run in ("first", "second"):
        for kind, job in jobs.items():
            figures, answers = _run(job, question_items(job, questions), LocalExecutor())
            reference.setdefault(kind, answers)
            results.append({**figures, "run": run, "identical": answers == reference[kind]})
    start = time.perf_counter()
    with make_executor("ray", cpus=args.cpus, chunk_size=args.chunk_size) as ray:
        startup = time.perf_counter() - start
        for run in ("first (cold workers)", "second"):
            for kind, job in jobs.items():
                figures, answers = _run(job, question_items(job, questions), ray)
                results.append({**figures, "run": run, "identical": answers == reference[kind]})
    rows = [[r["memory"], r["executor"], r["run"], r["items"], r["memories"], r["seconds"], r["items_per_second"],
             "yes" if r["identical"] else "NO"] for r in results]
    emit(f"batch: {args.scenes} synthetic scenes ({args.frames} frames, 320×240), {args.cpus} Ray CPUs; Ray start-up {startup:.1f} s",
         ["memory", "executor", "run", "items", "memories", "run s", "items/s", "answers = local"], rows,
         {"settings": settings_of(args), "scenes": args.scenes, "frames": args.frames, "ray_cpus": args.cpus, "chunk_size": args.chunk_size,
          "ray_startup_seconds": startup, "results": results}, args.json)


if __name__ == "__main__":
    main()
