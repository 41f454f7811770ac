"""Synthetic scenes answered end to end: exact ground truth for every question family.

    reasmory bench synthetic --scenes 20 --seed 0 --memory oracle [--perception PRESET] [--json OUT] [--executor ray --results OUT.jsonl]

Scenes are generated (or reused from `--scenes-dir`, in a subfolder named after every
generation setting, so a scene made with other settings is never reused), their questions compiled,
checked, run and scored with VSI-Bench's metrics, in the same report format as
the VSI-Bench runner. `oracle` builds each memory from `scene.json`; `rgbd` builds it from the depth maps,
camera poses and instance masks (grounding), without reading scene.json, as a
perception-error preset perceives them (`--perception`, docs/perception.md). Scenes
are generated, memories built and questions answered on the executor
(reasmory.batch: local, or ray), resuming from a results file when one is given.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.progress import Progress

from reasmory.batch import Executor, LocalExecutor
from reasmory.benchmarks.qa import Record, load_questions, report
from reasmory.benchmarks.qa_batch import QAJob, question_items, run_questions, run_summary
from reasmory.errors import InputError
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_scene

MemoryKind = Literal["oracle", "rgbd", "sfm"]


def ensure_scene(folder: Path, seed: int, frames: int, width: int, height: int) -> Path:
    """The scene folder for a seed, generated unless a complete one is already there."""
    if (folder / "questions.jsonl").is_file() and (folder / "scene.json").is_file():
        return folder
    from reasmory.synth.pipeline import make_config, synthesize

    synthesize(make_config(seed=seed, frames=frames, width=width, height=height), folder)
    return folder


def scenes_folder(root: Path, frames: int, width: int, height: int) -> Path:
    """The subfolder of `root` holding the scenes of these settings: its name carries frames, size and a digest of
    every generation setting (defaults included), so scenes made otherwise are never reused."""
    from reasmory.synth.pipeline import make_config

    config = make_config(seed=0, frames=frames, width=width, height=height).model_dump(exclude={"seed"})
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:8]
    return root / f"{frames}f-{width}x{height}-{digest}"


def memory_builder(kind: MemoryKind, perception: str = "exact") -> Callable[[Path], SpatialMemory]:
    """oracle: scene.json's boxes; rgbd: depth + poses + instance masks as `perception` sees them, grounded (scene.json
    unused)."""
    from reasmory.memory.perception import preset

    model = preset(perception)
    if kind == "oracle":
        if not model.exact:
            raise InputError(f"--perception {perception} perturbs what a memory is built from; oracle memories are not built",
                             hint="use --memory rgbd with --perception")
        return lambda folder: from_scene(folder / "scene.json")
    if kind == "rgbd":
        from reasmory.memory.grounding.scene_memory import build_scene_memory

        return functools.partial(build_scene_memory, perception=model)
    raise InputError(
        "--memory sfm needs camera poses recovered from the images, which this benchmark does not run yet",
        hint="use --memory oracle or --memory rgbd",
    )


class SyntheticJob(QAJob):
    """Memories of synthetic scene folders (groups are their absolute paths), optionally through the memory cache."""

    suite: str = "synthetic"
    memory: MemoryKind = "oracle"
    perception: str = "exact"
    cache_dir: Path | None = None

    def fingerprint(self) -> dict:
        return {"suite": self.suite, "memory": self.memory, "perception": self.perception}  # where the cache lives changes no answer

    def build(self, group: str) -> SpatialMemory:
        build = memory_builder(self.memory, self.perception)
        if self.cache_dir is None or self.memory == "oracle":  # oracle memories cost less than a cache look-up
            return build(Path(group))
        from reasmory.memory.reconstruction.cache import MemoryCache, cache_key, hash_files

        files = sorted(p for p in Path(group).rglob("*") if p.is_file() and p.name != "questions.jsonl")
        key = cache_key(hash_files(files), {"builder": f"benchmarks.synthetic/{self.memory}", "perception": self.perception})
        return MemoryCache(self.cache_dir).get_or_build(key, lambda: build(Path(group)))[0]


def prepare_scenes(executor: Executor, scenes: int, seed: int, scenes_dir: Path, frames: int, width: int, height: int) -> list[Path]:
    """The scene folders (under the settings' own subfolder of `scenes_dir`), the missing ones generated on the executor."""
    folder = scenes_folder(scenes_dir.resolve(), frames, width, height)
    calls = [(folder / f"synth_{s:05d}", s, frames, width, height) for s in range(seed, seed + scenes)]
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("scenes", total=scenes)
        return executor.map(ensure_scene, calls, lambda: progress.advance(task))


def run_synthetic(scenes: int, seed: int, kind: MemoryKind, scenes_dir: Path, json_path: Path | None,
                  frames: int = 32, width: int = 320, height: int = 240, *, executor: Executor | None = None,
                  results: Path | None = None, cache_dir: Path | None = None,
                  perception: str = "exact") -> tuple[list[Record], float | None]:
    """Every question of every scene answered and scored; `executor` (entered) defaults to the local one."""
    memory_builder(kind, perception)  # refuse unsupported kinds and presets before generating anything
    executor = executor or LocalExecutor()
    job = SyntheticJob(memory=kind, perception=perception, cache_dir=cache_dir)
    start = time.perf_counter()
    folders = prepare_scenes(executor, scenes, seed, scenes_dir, frames, width, height)
    prepared = time.perf_counter() - start
    questions = [(str(f), q.model_copy(update={"scene_name": f.name})) for f in folders for q in load_questions(f / "questions.jsonl")]
    records, run = run_questions(job, question_items(job, questions), executor, results)
    elapsed = time.perf_counter() - start
    settings = {"scenes": scenes, "seeds": f"{seed}–{seed + scenes - 1}", "memory": kind, "perception": perception,
                "frames": frames, "resolution": f"{width}×{height}"}
    summary = {"scenes": scenes, "seed": seed, "memory": kind, "perception": perception, "frames": frames,
               "resolution": [width, height], "settings": settings, "seconds": elapsed, "scene_seconds": prepared, **run_summary(run)}
    title = f"Synthetic scenes ({scenes} scenes, {kind} memory, {len(records)} questions, {elapsed:.1f} s, {run.executor} executor)"
    if kind == "oracle":
        title += ": a consistency check of the interpreter, not perception accuracy (memories are the scenes' ground truth)"
    return records, report(records, title, summary, json_path)
