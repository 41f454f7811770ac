"""How long the offline reader takes to turn a question into a program (no run), on real question sets.

    .venv/bin/python -m reasmory.benchmarks.reading [--repeat 5] [--json bench-results/reading.json]

Reads every question of the phrasing dev set, the reader's held-out wordings and
the VSI-Bench dev questions against its scene's ground-truth memory, `repeat`
times each. Per set: median, 95th percentile and maximum of each question's
median time, in milliseconds; the target is 5 ms. The first read of a memory
also builds its label index, and the first in a process loads the lexicon:
those single reads are reported apart (median / max; a single read is exposed
to whatever else the machine is doing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from reasmory.benchmarks.report import emit
from reasmory.compiler import UnsupportedQuestion, compile_question
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_vsibench

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("REASMORY_SHARED", REPO.parent / "shared")) / "data"
SETS = {
    "phrasing dev": SHARED / "phrasing" / "dev_questions.jsonl",
    "phrasing held-out (own)": REPO / "benchmarks" / "data" / "phrasing_heldout.jsonl",
    "phrasing held-out 2 (own)": REPO / "benchmarks" / "data" / "phrasing_heldout2.jsonl",
    "VSI-Bench dev": SHARED / "vsibench" / "dev_questions.jsonl",
}
TARGET_MS = 5.0


def read_once(question: str, memory: SpatialMemory, options: list[str]) -> float:
    start = time.perf_counter()
    try:
        compile_question(question, memory, options)
    except UnsupportedQuestion:
        pass
    return (time.perf_counter() - start) * 1000


def measure(path: Path, meta_dir: Path, repeat: int) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    memories: dict[tuple[str, str], SpatialMemory] = {}
    per_question, first = [], []
    for row in rows:
        key = (row["dataset"], row["scene_name"])
        options = row.get("options") or []
        if key not in memories:
            memories[key] = from_vsibench(meta_dir / f"{key[0]}_meta_info_val.json", key[1])
            first.append(read_once(row["question"], memories[key], options))
        per_question.append(statistics.median(read_once(row["question"], memories[key], options) for _ in range(repeat)))
    ordered = sorted(per_question)
    return {"questions": len(rows), "median_ms": statistics.median(ordered), "p95_ms": ordered[int(0.95 * (len(ordered) - 1))],
            "max_ms": ordered[-1], "first_read_of_a_memory_median_ms": statistics.median(first),
            "first_read_of_a_memory_max_ms": max(first), "memories": len(memories)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--meta-dir", type=Path, default=SHARED / "vsibench" / "meta_info")
    parser.add_argument("--json", type=Path, default=Path("bench-results/reading.json"))
    args = parser.parse_args(argv)
    results = {name: measure(path, args.meta_dir, args.repeat) for name, path in SETS.items() if path.is_file()}
    table = [[name, r["questions"], f"{r['median_ms']:.2f}", f"{r['p95_ms']:.2f}", f"{r['max_ms']:.2f}",
              f"{r['first_read_of_a_memory_median_ms']:.2f} / {r['first_read_of_a_memory_max_ms']:.2f}", "yes" if r["max_ms"] < TARGET_MS else "no"] for name, r in results.items()]
    emit(f"Reading a question (compile only, median of {args.repeat} reads per question)",
         ["set", "questions", "median ms", "p95 ms", "max ms", "first read of a memory: median / max ms", f"all < {TARGET_MS:g} ms"],
         table, summary := {"repeat": args.repeat, "target_ms": TARGET_MS, "sets": results}, args.json)
    return summary


if __name__ == "__main__":
    main()
