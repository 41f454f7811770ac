"""The ray executor against the local one on the same inputs: the same answers, item for item."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reasmory.batch import ResultStore, make_executor, run_items
from reasmory.batch.answer_job import AnswerJob, BatchInput, load_inputs
from reasmory.batch.ray_executor import RayExecutor
from reasmory.benchmarks.qa import Question
from reasmory.benchmarks.qa_batch import question_items
from reasmory.benchmarks.synthetic import SyntheticJob, run_synthetic
from reasmory.errors import InputError, ReasmoryError

from ..conftest import VSIBENCH, require
from .conftest import SIZE, scene

pytestmark = pytest.mark.usefixtures("ray_local")


def answers(records: list[Any]) -> list[dict]:
    """Everything a record says except how long it took."""
    return [r.model_dump(exclude={"duration_ms"}) for r in records]


@pytest.mark.parametrize("kind", ["oracle", "rgbd"])
def test_synthetic_answers_are_identical_to_the_local_executor(kind: str, scenes_dir: Path, tmp_path: Path) -> None:
    local, overall_local = run_synthetic(3, 0, kind, scenes_dir, None, **SIZE)  # type: ignore[arg-type]
    with make_executor("ray", chunk_size=5) as executor:
        distributed, overall_ray = run_synthetic(3, 0, kind, scenes_dir, None, **SIZE,  # type: ignore[arg-type]
                                                 executor=executor, results=tmp_path / "ray.jsonl")
    assert len(local) > 100 and answers(distributed) == answers(local) and overall_ray == overall_local
    assert len((tmp_path / "ray.jsonl").read_text().splitlines()) == len(local)


def test_rgbd_memories_come_from_the_cache_the_second_time(scenes_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with make_executor("ray") as executor:
        first, _ = run_synthetic(2, 0, "rgbd", scenes_dir, None, **SIZE, executor=executor, cache_dir=cache)
        entries = sorted(p.name for p in cache.glob("*.rmem"))
        second, _ = run_synthetic(2, 0, "rgbd", scenes_dir, None, **SIZE, executor=executor, cache_dir=cache)
    assert len(entries) == 2 and sorted(p.name for p in cache.glob("*.rmem")) == entries
    assert answers(first) == answers(second)


def test_vsibench_subset_matches_the_local_executor(tmp_path: Path) -> None:
    from reasmory.benchmarks.vsibench import run_vsibench

    questions = require(VSIBENCH / "dev_questions.jsonl")
    local, _ = run_vsibench(questions, VSIBENCH / "meta_info", None, limit=80)
    with make_executor("ray", chunk_size=8) as executor:
        distributed, _ = run_vsibench(questions, VSIBENCH / "meta_info", None, limit=80, executor=executor)
    assert answers(distributed) == answers(local)


def write_inputs(scenes_dir: Path, tmp_path: Path) -> Path:
    """Questions about a .rmem, a scene folder (built through the pipeline, cached) and a missing source."""
    from reasmory.benchmarks.qa import load_questions
    from reasmory.memory.oracle import from_scene

    first, second = scene(scenes_dir, 1), scene(scenes_dir, 2)
    from_scene(first / "scene.json").save(tmp_path / "s1.rmem")
    lines = []
    for source, folder in (("s1.rmem", first), (str(second), second)):
        for q in load_questions(folder / "questions.jsonl")[:12]:
            lines.append(BatchInput(source=source, question=q.question, options=q.options or [], id=q.id,
                                    question_type=q.question_type, ground_truth=q.ground_truth).model_dump())
    lines.append({"source": "missing.rmem", "question": "How many chairs are in this room?"})
    path = tmp_path / "inputs.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_batch_answers_are_identical_and_errors_are_recorded(scenes_dir: Path, tmp_path: Path) -> None:
    inputs = load_inputs(write_inputs(scenes_dir, tmp_path))
    job = AnswerJob(settings={"generator": "compiler", "cache_dir": tmp_path / "cache"}, artifacts_dir=tmp_path / "art")
    items = job.items(inputs)
    runs = {}
    for name in ("local", "ray"):
        with make_executor(name) as executor, ResultStore(tmp_path / f"{name}.jsonl") as store:
            runs[name] = [{k: v for k, v in r.items() if k != "duration_ms"} for r in run_items(job, items, executor, store).results]
    assert runs["ray"] == runs["local"]
    statuses = [r["status"] for r in runs["ray"]]
    assert statuses[:12] == ["answered"] * 12 and statuses[12:-1].count("answered") >= 9  # grounded: small objects may be missed
    assert statuses[-1] == "error" and "no file or folder" in runs["ray"][-1]["error"]
    assert list((tmp_path / "cache").glob("*.rmem"))  # the scene folder's memory went through the build cache
    assert sum(r["score"] for r in runs["ray"][:12]) >= 11  # ground-truth memory: (nearly) every answer right


def test_builds_on_gpu_actors_answer_like_the_local_executor(scenes_dir: Path) -> None:
    from reasmory.benchmarks.qa import load_questions
    from reasmory.benchmarks.qa_batch import run_questions

    local, _ = run_synthetic(2, 0, "rgbd", scenes_dir, None, **SIZE)
    folders = [scene(scenes_dir, s) for s in range(2)]
    questions = [(str(f), q.model_copy(update={"scene_name": f.name})) for f in folders for q in load_questions(f / "questions.jsonl")]
    job = SyntheticJob(memory="rgbd", gpus_per_build=1)  # the fixture's cluster has one (logical) GPU: one builder actor
    with RayExecutor() as executor:
        records, run = run_questions(job, question_items(job, questions), executor, None)
    assert run.built == 2 and answers(records) == answers(local)


def test_builds_that_need_more_gpus_than_the_cluster_has_are_refused(scenes_dir: Path) -> None:
    job = AnswerJob(settings={"generator": "compiler"}, gpus_per_build=2)
    items = job.items([BatchInput(source=str(scene(scenes_dir, 0)), question="How many chairs are in this room?")])
    with pytest.raises(InputError, match="GPU"), RayExecutor() as executor:
        run_items(job, items, executor, ResultStore(None))


def test_a_scene_that_cannot_be_built_stops_a_benchmark_with_its_message(tmp_path: Path) -> None:
    job = SyntheticJob(memory="oracle")
    q = Question(id=1, dataset="synthetic", scene_name="x", question_type="object_counting", question="How many chairs?", ground_truth="1")
    with pytest.raises(ReasmoryError, match="scene"), RayExecutor() as executor:
        run_items(job, question_items(job, [(str(tmp_path / "nowhere"), q)]), executor, ResultStore(None))
