"""What question families work from and what they produce.

`Facts` is the ground truth read from `scene.json` — gravity-aligned boxes
with the frames in which each object is visible, the room, the cameras — in
plain numpy, independent of the memory and of the interpreter. `Question` is
one line of `questions.jsonl`, the same fields as VSI-Bench's
`dev_questions.jsonl`.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from reasmory.errors import InputError
from reasmory.memory.cameras import look_at_pose
from reasmory.memory.scene_format import SceneDescription, SceneObject
from reasmory.synth.plane import polygon_area, rect_corners

LETTERS = "ABCDEFGH"


class Question(BaseModel):
    """One benchmark question; `ground_truth` is a number as text or an option letter."""

    id: int
    dataset: str = "synthetic"
    scene_name: str
    question_type: str
    question: str
    ground_truth: str
    options: list[str] | None = None


@dataclass(frozen=True)
class Draft:
    """A question before it gets its id and scene name."""

    question_type: str
    question: str
    ground_truth: str
    options: list[str] | None = None


@dataclass(frozen=True)
class GtObject:
    """A ground-truth object: gravity-aligned box (centre, extents, yaw in radians) and visible frames."""

    id: int
    label: str
    center: np.ndarray
    extents: np.ndarray
    yaw: float
    frames: tuple[int, ...]

    @property
    def z0(self) -> float:
        return float(self.center[2] - self.extents[2] / 2)

    @property
    def z1(self) -> float:
        return float(self.center[2] + self.extents[2] / 2)

    def footprint(self) -> np.ndarray:
        """(4, 2) corners of the box seen from above."""
        return rect_corners(self.center[:2], self.extents[:2] / 2, self.yaw)

    def corners(self) -> np.ndarray:
        """(8, 3) box corners."""
        foot = self.footprint()
        return np.concatenate([np.c_[foot, np.full(4, self.z0)], np.c_[foot, np.full(4, self.z1)]])


def _gt_object(index: int, so: SceneObject) -> GtObject:
    if so.rotation is not None:
        r = np.asarray(so.rotation, np.float64)
        if not np.isclose(abs(r[2, 2]), 1.0, atol=1e-6):
            hint = "questions need gravity-aligned (yaw-only) boxes"
            raise InputError(f"object '{so.label}' has a tilted box", hint=hint)
        yaw = math.atan2(r[1, 0], r[0, 0])
    else:
        yaw = math.radians(so.yaw_deg or 0.0)
    return GtObject(so.id if so.id is not None else index, so.label, np.asarray(so.center, np.float64),
                    np.asarray(so.extents, np.float64), yaw, tuple(sorted(so.frames or ())))


@dataclass
class Facts:
    """Ground truth of one scene for question generation."""

    name: str
    objects: list[GtObject]
    room_polygon: np.ndarray | None
    room_area: float | None
    camera_poses: list[np.ndarray]
    counts: Counter = field(default_factory=Counter)

    @classmethod
    def from_scene(cls, scene: SceneDescription) -> Facts:
        objects = [_gt_object(i, so) for i, so in enumerate(scene.objects)]
        polygon = np.asarray(scene.room.polygon, np.float64) if scene.room.polygon else None
        area = scene.room.area
        if area is None and polygon is not None:
            area = polygon_area(polygon)
        poses = [np.asarray(c.pose, np.float64) if c.pose is not None else look_at_pose(c.position, c.look_at)
                 for c in scene.cameras]
        return cls(scene.name, objects, polygon, area, poses, Counter(o.label for o in objects))

    def instances(self, label: str) -> list[GtObject]:
        return [o for o in self.objects if o.label == label]

    def fully_seen(self, label: str) -> bool:
        """Every instance of the label is visible in at least one frame."""
        return all(o.frames for o in self.instances(label))

    def unique_seen(self) -> list[str]:
        """Labels with exactly one instance, which is visible somewhere: the ones single-object questions may name."""
        return sorted(label for label, n in self.counts.items() if n == 1 and self.fully_seen(label))

    def one(self, label: str) -> GtObject:
        (obj,) = self.instances(label)
        return obj


class LetterBalancer:
    """Places each correct answer on the least used letter so far (ties broken at random), as VSI-Bench does."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: Counter = Counter()

    def options(self, choices: list[str], correct: str) -> tuple[list[str], str]:
        """Lettered options ("A. left", …) with `correct` placed, and its letter."""
        others = [c for c in choices if c != correct]
        self._rng.shuffle(others)
        letters = LETTERS[: len(choices)]
        least = min(self._used[x] for x in letters)
        slot = int(self._rng.choice([i for i, x in enumerate(letters) if self._used[x] == least]))
        ordered = others[:slot] + [correct] + others[slot:]
        self._used[letters[slot]] += 1
        return [f"{letters[i]}. {c}" for i, c in enumerate(ordered)], letters[slot]


@dataclass
class Context:
    """What every family gets: the facts, a seeded generator, a letter balancer and a per-family cap."""

    facts: Facts
    rng: np.random.Generator
    letters: LetterBalancer
    limit: int = 6
