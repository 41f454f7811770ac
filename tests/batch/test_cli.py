"""The commands as a user runs them: a Ray run killed half-way resumes with only the missing items."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SCENES, SIZE_ARGS, scene

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def reasmory(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reasmory", *args], capture_output=True, text=True, env=ENV, timeout=600, check=False)


def complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def records(path: Path) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "duration_ms"} for r in json.loads(path.read_text())["records"]]


def test_killed_ray_run_resumes_with_only_the_missing_items(scenes_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray")
    from reasmory.benchmarks.qa import load_questions

    total = sum(len(load_questions(p / "questions.jsonl")) for p in (scene(scenes_dir, seed) for seed in range(SCENES)))
    out = tmp_path / "ray.jsonl"
    bench = ["bench", "synthetic", "--scenes", str(SCENES), "--memory", "rgbd", *SIZE_ARGS, "--scenes-dir", str(scenes_dir)]
    on_ray = [*bench, "--executor", "ray", "--cpus", "2", "--chunk-size", "4", "--results", str(out)]
    with (tmp_path / "killed.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "reasmory", *on_ray], stdout=log, stderr=log, env=ENV, start_new_session=True)
        deadline = time.monotonic() + 300
        while complete_lines(out) == 0:  # wait for the first results, then kill the run and its Ray processes
            assert proc.poll() is None, f"the run ended before writing a result: {(tmp_path / 'killed.log').read_text()[-2000:]}"
            assert time.monotonic() < deadline, "no result within 5 minutes"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = complete_lines(out)
    assert 0 < before < total, f"{before} of {total} results before the kill: not half-way"

    rerun = reasmory(*on_ray, "--json", str(tmp_path / "ray.json"))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"resuming: {before} of {total} items already done" in rerun.stderr
    summary = json.loads((tmp_path / "ray.json").read_text())
    assert (summary["items_resumed"], summary["items_done"]) == (before, total - before)
    keys = [json.loads(line)["key"] for line in out.read_text().splitlines()]
    assert len(keys) == len(set(keys)) == total  # nothing done twice, nothing missing

    local = reasmory(*bench, "--json", str(tmp_path / "local.json"))
    assert local.returncode == 0, local.stderr[-2000:]
    assert records(tmp_path / "ray.json") == records(tmp_path / "local.json")


def test_batch_command_writes_results_and_a_task_table(scenes_dir: Path, tmp_path: Path) -> None:
    from reasmory.benchmarks.qa import load_questions
    from reasmory.memory.oracle import from_scene

    from_scene(scene(scenes_dir, 3) / "scene.json").save(tmp_path / "s.rmem")
    first = load_questions(scene(scenes_dir, 3) / "questions.jsonl")[0]  # object counting
    lines = [{"source": "s.rmem", "question": first.question, "question_type": first.question_type, "id": 1, "ground_truth": first.ground_truth},
             {"source": "gone.rmem", "question": "How many chairs are in this room?", "id": 2}]
    (tmp_path / "q.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "a.jsonl"
    proc = reasmory("batch", str(tmp_path / "q.jsonl"), "--results", str(out), "--generator", "compiler",
                    "--cache-dir", str(tmp_path / "cache"), "--json", str(tmp_path / "summary.json"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "1 item(s) ended in an error" in proc.stderr
    assert "object_counting" in proc.stdout and "overall" in proc.stdout and "1.0000" in proc.stdout
    results = [json.loads(line)["result"] for line in out.read_text().splitlines()]
    assert {r["id"]: r["status"] for r in results} == {1: "answered", 2: "error"}
    assert json.loads((tmp_path / "summary.json").read_text())["items_done"] == 2
    again = reasmory("batch", str(tmp_path / "q.jsonl"), "--results", str(out), "--generator", "compiler", "--cache-dir", str(tmp_path / "cache"))
    assert "resuming: 2 of 2 items already done" in again.stderr and len(out.read_text().splitlines()) == 2


def test_ray_options_without_the_ray_executor_are_a_usage_error(tmp_path: Path) -> None:
    proc = reasmory("bench", "synthetic", "--scenes", "1", "--address", "auto", "--scenes-dir", str(tmp_path))
    assert proc.returncode == 2 and "--address applies to the ray executor" in proc.stderr and "Traceback" not in proc.stderr
