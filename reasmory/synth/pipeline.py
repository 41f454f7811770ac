"""Generate → render → write: one synthetic ground-truth scene folder from a seed.

Everything is deterministic given the settings: layouts, paths and textures
come from `numpy.random.default_rng([seed, attempt])`, and a layout that
leaves no room to walk is replaced by the next attempt's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reasmory.errors import InputError, first_problem
from reasmory.synth.formats import cameras_file, default_min_pixels, dump_json, scene_description, visible_frames
from reasmory.synth.layout import place_all
from reasmory.synth.model import SynthScene
from reasmory.synth.render import RenderedFrame, Renderer
from reasmory.synth.room import random_room
from reasmory.synth.freespace import NoFreeSpace
from reasmory.synth.trajectory import Trajectory, scan_trajectory
from reasmory.synth.writer import VideoWriter, prepare_folder, write_images

Progress = Callable[[int, int], None]
ATTEMPTS = 25
MIN_OBJECTS = 8


class SynthConfig(BaseModel):
    """Settings of one synthetic scene."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(ge=0, description="random seed; the same seed gives the same scene")
    frames: int = Field(default=64, ge=2, le=5000, description="number of video frames")
    width: int = Field(default=640, ge=32, le=4096, multiple_of=2, description="image width, even (yuv420p)")
    height: int = Field(default=480, ge=32, le=4096, multiple_of=2, description="image height, even (yuv420p)")
    fov_deg: float = Field(default=65.0, gt=20, lt=120, description="horizontal field of view")
    fps: float = Field(default=10.0, gt=0, le=120, description="video frame rate; timestamps are index / fps")
    min_visible_pixels: int | None = Field(default=None, ge=1, description="default: 50 at 640×480, scaled by area")
    preview: bool = False
    questions: bool = True

    @property
    def min_pixels(self) -> int:
        return self.min_visible_pixels or default_min_pixels(self.width, self.height)


def make_config(**values: object) -> SynthConfig:
    """A validated config; bad values become one-line `InputError`s."""
    try:
        return SynthConfig(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        where, what = first_problem(exc, "")
        raise InputError(f"invalid synth setting '{where}': {what}") from None


@dataclass
class SynthResult:
    """What was written and how long each stage took (seconds)."""

    folder: Path
    scene: SynthScene
    trajectory: Trajectory
    timings: dict[str, float] = field(default_factory=dict)
    questions: int = 0


def generate(config: SynthConfig) -> tuple[SynthScene, Trajectory]:
    """A furnished room and a camera path through it."""
    for attempt in range(ATTEMPTS):
        rng = np.random.default_rng([config.seed, attempt])
        scene = place_all(random_room(rng), rng, f"synth_{config.seed:05d}", config.seed)
        if len(scene.objects) < MIN_OBJECTS:
            continue
        try:
            traj = scan_trajectory(scene, config.frames, config.width, config.height, rng, config.fov_deg, config.fps)
        except NoFreeSpace:
            continue
        return scene, traj
    raise InputError(f"seed {config.seed}: no walkable layout in {ATTEMPTS} attempts", hint="try another seed")


def synthesize(config: SynthConfig, out: Path, progress: Progress | None = None) -> SynthResult:
    """Write one scene folder (see docs/synthetic-scenes.md) and return what was made.

    `progress(done, total)` is called after each rendered frame.
    """
    prepare_folder(out)
    timings = dict.fromkeys(("generate", "render", "write_images", "write_video", "questions", "preview"), 0.0)
    t0 = time.perf_counter()
    scene, traj = generate(config)
    timings["generate"] = time.perf_counter() - t0
    counts, kept = _render_and_write(scene, traj, config, out, timings, progress)
    t0 = time.perf_counter()
    cams = cameras_file(traj, config.fov_deg, config.fps, config.min_pixels)
    desc = scene_description(scene, cams, visible_frames(counts, config.min_pixels))
    (out / "cameras.json").write_text(dump_json(cams))
    (out / "scene.json").write_text(dump_json(desc))
    timings["write_images"] += time.perf_counter() - t0
    result = SynthResult(out, scene, traj, timings)
    if config.questions:
        t0 = time.perf_counter()
        result.questions = _write_questions(out, config.seed)
        timings["questions"] = time.perf_counter() - t0
    if config.preview:
        from reasmory.synth.preview import write_preview

        t0 = time.perf_counter()
        write_preview(out / "preview.png", scene, traj, kept)
        timings["preview"] = time.perf_counter() - t0
    return result


def _render_and_write(scene: SynthScene, traj: Trajectory, config: SynthConfig, out: Path, timings: dict[str, float],
                      progress: Progress | None) -> tuple[np.ndarray, dict[int, RenderedFrame]]:
    """Render every frame, stream it to the files and the video; per-frame pixel counts per object id."""
    renderer = Renderer(scene)
    n_ids = max((o.id for o in scene.objects), default=-1) + 1
    counts = np.zeros((len(traj.poses), n_ids), np.int64)
    sheet = set(np.linspace(0, len(traj.poses) - 1, min(8, len(traj.poses))).round().astype(int).tolist())
    kept: dict[int, RenderedFrame] = {}
    with VideoWriter(out / "video.mp4", traj.width, traj.height, config.fps) as video:
        for i, pose in enumerate(traj.poses):
            t0 = time.perf_counter()
            frame = renderer.render(traj.K, pose, traj.width, traj.height)
            counts[i] = np.bincount(frame.instance.ravel() + 1, minlength=n_ids + 1)[1:]
            t1 = time.perf_counter()
            write_images(out, i, frame)
            t2 = time.perf_counter()
            video.add(frame.rgb)
            timings["render"] += t1 - t0
            timings["write_images"] += t2 - t1
            timings["write_video"] += time.perf_counter() - t2
            if config.preview and i in sheet:
                kept[i] = frame
            if progress is not None:
                progress(i + 1, len(traj.poses))
    return counts, kept


def _write_questions(out: Path, seed: int) -> int:
    """Questions from the scene.json just written, so they see exactly what users will read."""
    from reasmory.synth.questions import generate_questions, load_scene, write_questions

    questions = generate_questions(load_scene(out), seed=seed)
    write_questions(out / "questions.jsonl", questions)
    return len(questions)
