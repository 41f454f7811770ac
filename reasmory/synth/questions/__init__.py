"""Benchmark questions with exact answers for a synthetic (or hand-written) scene.

The families and wording are VSI-Bench's (see `dev_questions.jsonl`), plus
perspective taking from a video frame. Answers come from the ground truth in
`scene.json` by the plain numpy geometry in `geometry`, never from the
interpreter, so they can check it. Output lines have the fields of
VSI-Bench's question files: id, dataset, scene_name, question_type, question,
ground_truth, options.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from reasmory.memory.oracle import load_scene_description
from reasmory.memory.scene_format import SceneDescription
from reasmory.synth.questions.direction import (
    object_rel_direction_easy,
    object_rel_direction_hard,
    object_rel_direction_medium,
)
from reasmory.synth.questions.measure import (
    obj_appearance_order,
    object_abs_distance,
    object_counting,
    object_rel_distance,
    object_size_estimation,
    room_size_estimation,
)
from reasmory.synth.questions.model import Context, Draft, Facts, LetterBalancer, Question
from reasmory.synth.questions.perspective import camera_perspective_direction, camera_perspective_distance
from reasmory.synth.questions.route import route_planning

#: The families in output order; each takes a `Context` and returns drafts.
FAMILIES: tuple[Callable[[Context], list[Draft]], ...] = (
    object_counting,
    object_size_estimation,
    room_size_estimation,
    object_abs_distance,
    object_rel_distance,
    object_rel_direction_easy,
    object_rel_direction_medium,
    object_rel_direction_hard,
    obj_appearance_order,
    route_planning,
    camera_perspective_direction,
    camera_perspective_distance,
)


def generate_questions(scene: SceneDescription, seed: int = 0, per_family: int = 6) -> list[Question]:
    """Up to `per_family` unambiguous questions of each family, deterministic given the seed."""
    facts = Facts.from_scene(scene)
    questions: list[Question] = []
    for i, family in enumerate(FAMILIES):
        rng = np.random.default_rng([seed, i])
        ctx = Context(facts, rng, LetterBalancer(rng), per_family)
        for draft in family(ctx):
            questions.append(Question(id=len(questions) + 1, scene_name=scene.name, question_type=draft.question_type,
                                      question=draft.question, ground_truth=draft.ground_truth, options=draft.options))
    return questions


def load_scene(folder_or_file: str | Path) -> SceneDescription:
    """The scene description of a synthetic scene folder (its scene.json) or of a JSON file."""
    path = Path(folder_or_file)
    return load_scene_description(path / "scene.json" if path.is_dir() else path)


def write_questions(path: Path, questions: list[Question]) -> None:
    """JSON Lines, one question per line, fields in VSI-Bench's order."""
    with open(path, "w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps(q.model_dump()) + "\n")


__all__ = ["FAMILIES", "Question", "generate_questions", "load_scene", "write_questions"]
