"""Eight processes ask about one uncached scene at the same moment: the memory is built once and every answer is right.

Each worker is a fresh interpreter calling `reasmory.answer` on a `reasmory synth` folder with a shared cache
folder. Builds are counted by wrapping the build pipeline's `reconstruct` in each worker (one line per call in
a shared log; O_APPEND makes the lines whole); the cache's flock must leave exactly one of them building.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import os
import subprocess
import sys
import time
from pathlib import Path

WORKERS = 8
QUESTION = "How many chair(s) are in this room?"

WORKER = """
import json, os, sys
from reasmory.memory.reconstruction import pipeline

folder, cache, log = sys.argv[1:4]
reconstruct = pipeline.reconstruct

def counted(*args, **kwargs):
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()}\\n")
    return reconstruct(*args, **kwargs)

pipeline.reconstruct = counted
from reasmory.answering import answer

print("ready", flush=True)
sys.stdin.readline()
result = answer(folder, sys.argv[4], cache_dir=cache)
print(json.dumps({"answer": result.answer, "memory": result.memory.memory_id}), flush=True)
"""


def test_eight_concurrent_answers_build_the_memory_once(tmp_path: Path, make_synth_scene: Callable[..., Path]) -> None:
    folder = make_synth_scene(1, 16, questions=True)
    truth = next(json.loads(line)["ground_truth"] for line in (folder / "questions.jsonl").read_text().splitlines()
                 if line.strip() and json.loads(line)["question"] == QUESTION)
    log, cache = tmp_path / "builds.log", tmp_path / "cache"
    env = {**os.environ, "NO_COLOR": "1"}
    args = [sys.executable, "-c", WORKER, str(folder), str(cache), str(log), QUESTION]
    workers = [subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env) for _ in range(WORKERS)]
    for worker in workers:  # every interpreter is up before any of them asks
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.close()
    replies = [json.loads(worker.stdout.read()) for worker in workers]  # type: ignore[union-attr]
    seconds = time.perf_counter() - start
    assert [worker.wait(timeout=60) for worker in workers] == [0] * WORKERS
    builds = log.read_text().split()
    print(f"\n{WORKERS} concurrent answers in {seconds:.1f} s: {len(builds)} build(s); answers {[r['answer'] for r in replies]}")
    assert len(builds) == 1
    assert {r["answer"] for r in replies} == {truth}
    assert len({r["memory"] for r in replies}) == 1 and len(list(cache.glob("*.rmem"))) == 1
